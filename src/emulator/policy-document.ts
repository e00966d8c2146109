/**
 * IAM policy documents as a permission set's inline policy holds them: checked the way AWS checks one before
 * accepting it (its size, then its grammar, with IAM's own words for what is wrong), and read into statements
 * that the session evaluator (src/emulator/sessions.ts) can match. Only identity-policy grammar: no Principal.
 */

/** The quota on an inline policy: its non-whitespace characters, counted in bytes (IAM Identity Center quotas). */
export const MAX_POLICY_NON_WHITESPACE_BYTES = 10_240;
/** The API's own bound on the InlinePolicy member, whitespace included (API reference, 2024 on). */
export const MAX_POLICY_BYTES = 32_768;

const VERSIONS = ['2012-10-17', '2008-10-17'];
const TOP_LEVEL = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_KEYS = new Set([
  'Sid',
  'Effect',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]);

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  /** Exactly one of Action and NotAction is present; likewise Resource and NotResource. */
  Action?: string[];
  NotAction?: string[];
  Resource?: string[];
  NotResource?: string[];
  /** Operator → condition key → values, every value as text (IAM compares booleans and numbers as text). */
  Condition: Record<string, Record<string, string[]>>;
}

export type PolicyCheck = { ok: true; statements: PolicyStatement[] } | { ok: false; problem: string };

/** Why a policy is too large, in AWS's words, or undefined. */
export function policySizeProblem(text: string): string | undefined {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_POLICY_BYTES) {
    return (
      `Current size of the InlinePolicy Document is ${bytes} bytes which has exceeded the maximum limit of ` +
      `${MAX_POLICY_BYTES} bytes`
    );
  }
  const nonWhitespace = Buffer.byteLength(text.replace(/\s/gu, ''), 'utf8');
  if (nonWhitespace > MAX_POLICY_NON_WHITESPACE_BYTES) {
    return (
      `Current size of the non-whitespace characters present in the InlinePolicy Document is ${nonWhitespace} ` +
      `bytes which has exceeded the maximum limit of ${MAX_POLICY_NON_WHITESPACE_BYTES} bytes`
    );
  }
  return undefined;
}

class PolicyProblem extends Error {}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A string or a non-empty list of strings, as IAM takes Action and Resource. */
function stringList(value: unknown, where: string): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || list.some((v) => typeof v !== 'string')) {
    throw new PolicyProblem(`Syntax errors in policy: ${where} must be a string or a list of strings.`);
  }
  return list as string[];
}

function checkActions(actions: string[]): void {
  for (const action of actions) {
    if (action !== '*' && !/^[^:]+:[^:]+$/u.test(action)) {
      throw new PolicyProblem(
        `Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc. (not "${action}")`,
      );
    }
  }
}

function checkResources(resources: string[]): void {
  for (const resource of resources) {
    if (resource !== '*' && !resource.startsWith('arn:')) {
      throw new PolicyProblem(`Resource ${resource} must be in ARN format or "*".`);
    }
  }
}

/** A condition value: IAM accepts text, numbers and booleans, alone or in a list. */
function conditionValues(value: unknown, where: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || list.some((v) => !['string', 'number', 'boolean'].includes(typeof v))) {
    throw new PolicyProblem(
      `Syntax errors in policy: ${where} must be a string, a number, a boolean or a list of them.`,
    );
  }
  return list.map((v) => String(v));
}

function readCondition(value: unknown, where: string): PolicyStatement['Condition'] {
  if (value === undefined) return {};
  if (!isObject(value))
    throw new PolicyProblem(`Syntax errors in policy: ${where} Condition must be an object.`);
  const condition: PolicyStatement['Condition'] = {};
  for (const [operator, keys] of Object.entries(value)) {
    if (!isObject(keys)) {
      throw new PolicyProblem(
        `Syntax errors in policy: ${where} Condition ${operator} must be an object of keys.`,
      );
    }
    condition[operator] = Object.fromEntries(
      Object.entries(keys).map(([key, v]) => [
        key,
        conditionValues(v, `${where} Condition ${operator} ${key}`),
      ]),
    );
  }
  return condition;
}

/** Exactly one of two members (Action/NotAction, Resource/NotResource), or the IAM message for its absence. */
function oneOf(
  statement: Record<string, unknown>,
  names: [string, string],
  missing: string,
  where: string,
): { name: string; values: string[] } {
  const present = names.filter((n) => statement[n] !== undefined);
  if (present.length === 0) throw new PolicyProblem(missing);
  if (present.length === 2) {
    throw new PolicyProblem(`Syntax errors in policy: ${where} has both ${names[0]} and ${names[1]}.`);
  }
  const name = present[0]!;
  return { name, values: stringList(statement[name], `${where} ${name}`) };
}

function readStatement(raw: unknown, index: number, sids: Set<string>): PolicyStatement {
  const where = `statement ${index + 1}`;
  if (!isObject(raw)) throw new PolicyProblem(`Syntax errors in policy: ${where} must be an object.`);
  if (raw.Principal !== undefined || raw.NotPrincipal !== undefined) {
    throw new PolicyProblem('Policy document should not specify a principal.');
  }
  const unknown = Object.keys(raw).find((k) => !STATEMENT_KEYS.has(k));
  if (unknown !== undefined)
    throw new PolicyProblem(`Syntax errors in policy: ${where} has an unknown element ${unknown}.`);
  const statement: PolicyStatement = { Effect: 'Allow', Condition: {} };
  if (raw.Sid !== undefined) {
    if (typeof raw.Sid !== 'string' || !/^[0-9A-Za-z]*$/u.test(raw.Sid)) {
      throw new PolicyProblem(
        'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*',
      );
    }
    if (raw.Sid !== '' && sids.has(raw.Sid)) {
      throw new PolicyProblem('Statement IDs (SID) in a single policy must be unique.');
    }
    sids.add(raw.Sid);
    statement.Sid = raw.Sid;
  }
  if (raw.Effect === undefined) throw new PolicyProblem('Missing required field Effect');
  if (raw.Effect !== 'Allow' && raw.Effect !== 'Deny') {
    throw new PolicyProblem(`Syntax errors in policy: ${where} Effect must be Allow or Deny.`);
  }
  statement.Effect = raw.Effect;
  const actions = oneOf(raw, ['Action', 'NotAction'], 'Policy statement must contain actions.', where);
  checkActions(actions.values);
  statement[actions.name as 'Action' | 'NotAction'] = actions.values;
  const resources = oneOf(
    raw,
    ['Resource', 'NotResource'],
    'Policy statement must contain resources.',
    where,
  );
  checkResources(resources.values);
  statement[resources.name as 'Resource' | 'NotResource'] = resources.values;
  statement.Condition = readCondition(raw.Condition, where);
  return statement;
}

function readDocument(text: string): PolicyStatement[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new PolicyProblem(
      `Syntax errors in policy: the document is not JSON (${(error as Error).message}).`,
    );
  }
  if (!isObject(document))
    throw new PolicyProblem('Syntax errors in policy: the document must be a JSON object.');
  const unknown = Object.keys(document).find((k) => !TOP_LEVEL.has(k));
  if (unknown !== undefined) throw new PolicyProblem(`Syntax errors in policy: unknown element ${unknown}.`);
  if (document.Version !== undefined && !VERSIONS.includes(document.Version as string)) {
    throw new PolicyProblem('The policy failed legacy parsing');
  }
  const raw = document.Statement;
  if (raw === undefined) throw new PolicyProblem('Missing required field Statement');
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) throw new PolicyProblem('Syntax errors in policy: Statement must not be empty.');
  const sids = new Set<string>();
  return list.map((statement, i) => readStatement(statement, i, sids));
}

/** The whole check PutInlinePolicyToPermissionSet makes: size first, then the grammar. */
export function checkPolicyDocument(text: string): PolicyCheck {
  const tooLarge = policySizeProblem(text);
  if (tooLarge !== undefined) return { ok: false, problem: tooLarge };
  try {
    return { ok: true, statements: readDocument(text) };
  } catch (error) {
    // sso-admin's own words before IAM's (as AWS answers a CloudFormation stack's PutInlinePolicy).
    if (error instanceof PolicyProblem) {
      return { ok: false, problem: `Invalid PermissionsPolicy Document: ${error.message}` };
    }
    throw error;
  }
}

/** The statements of a policy that was accepted once; none for '' (no policy) or one that no longer reads. */
export function statementsOf(text: string): PolicyStatement[] {
  if (text === '') return [];
  const check = checkPolicyDocument(text);
  return check.ok ? check.statements : [];
}
