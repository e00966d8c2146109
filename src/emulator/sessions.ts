/**
 * Sessions in the emulated accounts, so that what access-desk does to end them can be seen and tested. In AWS
 * a person's role session outlives the assignment it came from (removing the assignment stops new sessions
 * only) until it expires; what ends it sooner is a Deny in the permission set's inline policy once that is
 * provisioned to the account. So a session here is allowed unless it has expired, or a Deny statement of the
 * policy PROVISIONED to its account (not the current text) matches its request context now.
 *
 * Only what such a Deny needs is evaluated: Action "*", Resource "*", and the string and date condition
 * operators (optionally …IfExists). A statement this cannot evaluate does not match: the emulator never claims
 * a denial it is unsure of. Allow statements are not evaluated; the session's grant allowed it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { statementsOf, type PolicyStatement } from './policy-document.js';
import { durationSeconds } from './services/sso-admin-common.js';
import type { EmulatorState, StoredPermissionSet, StoredSession, StoredUser } from './state.js';

export interface SessionView {
  sessionId: string;
  userId: string;
  userName: string;
  accountId: string;
  /** The account's alias. */
  account: string;
  permissionSetArn: string;
  /** The permission set's name. */
  permissionSet: string;
  issuedAt: string;
  expiresAt: string;
  /** Would a call made with this session now be allowed? */
  allowed: boolean;
  /** The Sid of the Deny statement that matched, or '(no Sid)'. */
  deniedBy?: string;
  /** When the provisioning that brought that Deny to the account completed. */
  deniedSince?: string;
  reason: 'open' | 'denied' | 'expired';
}

export type OpenSessionResult = { ok: true; session: SessionView } | { ok: false; message: string };

const openRequest = z
  .object({
    userId: z.string().min(1).optional(),
    userName: z.string().min(1).optional(),
    permissionSetArn: z.string().min(1).optional(),
    permissionSetName: z.string().min(1).optional(),
    /** The 12-digit id, or the alias. */
    accountId: z.string().min(1).optional(),
    account: z.string().min(1).optional(),
    issuedAt: z.string().min(1).optional(),
  })
  .strict();

// ---------- opening ----------

class Refusal extends Error {}

function findUser(state: EmulatorState, input: z.infer<typeof openRequest>): StoredUser {
  if (input.userId !== undefined) {
    const user = state.users.get(input.userId);
    if (user === undefined) throw new Refusal(`No user has UserId ${input.userId}.`);
    return user;
  }
  if (input.userName === undefined) throw new Refusal('Say who opens the session: userId or userName.');
  const user = state.userByName(input.userName);
  if (user === undefined) throw new Refusal(`No user is named ${input.userName}.`);
  return user;
}

function findPermissionSet(state: EmulatorState, input: z.infer<typeof openRequest>): StoredPermissionSet {
  if (input.permissionSetArn !== undefined) {
    const ps = state.permissionSets.get(input.permissionSetArn);
    if (ps === undefined) throw new Refusal(`No permission set has the ARN ${input.permissionSetArn}.`);
    return ps;
  }
  if (input.permissionSetName === undefined) {
    throw new Refusal('Say which permission set: permissionSetArn or permissionSetName.');
  }
  const ps = state.permissionSetByName(input.permissionSetName);
  if (ps === undefined) throw new Refusal(`No permission set is named ${input.permissionSetName}.`);
  return ps;
}

function findAccountId(state: EmulatorState, input: z.infer<typeof openRequest>): string {
  const given = input.accountId ?? input.account;
  if (given === undefined) throw new Refusal('Say which account: accountId (or its alias, as account).');
  const found = state.accounts.get(given) ?? state.accountByAlias(given);
  if (found === undefined) {
    throw new Refusal(`No account ${given} in the organisation: give its 12-digit id or its alias.`);
  }
  return found.id;
}

function issueTime(state: EmulatorState, given: string | undefined): Date {
  if (given === undefined) return state.now();
  const at = new Date(given);
  if (!/^\d{4}-\d{2}-\d{2}T/u.test(given) || Number.isNaN(at.getTime())) {
    throw new Refusal(`issuedAt must be an ISO 8601 time such as 2030-01-01T09:00:00Z, not "${given}".`);
  }
  if (at.getTime() > state.clock.now()) throw new Refusal(`issuedAt ${given} is in the future.`);
  return at;
}

/** Whether the user holds the set on the account now, directly or through one of their groups. */
function holdsAssignment(state: EmulatorState, userId: string, accountId: string, arn: string): boolean {
  const holders = state.assignmentsOn(accountId, arn);
  if (holders.some((a) => a.PrincipalType === 'USER' && a.PrincipalId === userId)) return true;
  const groups = new Set(holders.filter((a) => a.PrincipalType === 'GROUP').map((a) => a.PrincipalId));
  if (groups.size === 0) return false;
  return [...state.memberships.values()].some((m) => m.UserId === userId && groups.has(m.GroupId));
}

/**
 * Opens a session as the AWS access portal would: only for someone who holds that permission set on that
 * account now. Refusals are values with a message a person can act on.
 */
export function openSession(state: EmulatorState, body: unknown): OpenSessionResult {
  const parsed = openRequest.safeParse(body);
  if (!parsed.success) {
    return {
      ok: false,
      message: parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '),
    };
  }
  state.settle();
  try {
    const user = findUser(state, parsed.data);
    const ps = findPermissionSet(state, parsed.data);
    const accountId = findAccountId(state, parsed.data);
    const issuedAt = issueTime(state, parsed.data.issuedAt);
    if (!holdsAssignment(state, user.UserId, accountId, ps.PermissionSetArn)) {
      const alias = state.accounts.get(accountId)?.alias ?? accountId;
      throw new Refusal(
        `${user.UserName} holds no assignment of ${ps.Name} on ${alias} (${accountId}), directly or through a ` +
          'group, so Identity Center would not open a session there.',
      );
    }
    const session: StoredSession = {
      sessionId: randomUUID(),
      userId: user.UserId,
      accountId,
      permissionSetArn: ps.PermissionSetArn,
      issuedAt,
    };
    state.sessions.set(session.sessionId, session);
    return { ok: true, session: describeSession(state, session) };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, message: error.message };
    throw error;
  }
}

// ---------- evaluating ----------

/** The id part of a role's aws:userid (AROA…), the same for one permission set in one account. */
function roleId(permissionSetArn: string, accountId: string): string {
  const digest = createHash('sha256').update(`${permissionSetArn}|${accountId}`).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return `AROA${Array.from(digest.subarray(0, 17), (b) => alphabet[b % alphabet.length]).join('')}`;
}

/** The role Identity Center made for the set in the account, as aws:PrincipalArn names it. */
function roleArn(ps: StoredPermissionSet, accountId: string): string {
  const suffix = createHash('sha256')
    .update(`${ps.PermissionSetArn}|${accountId}`)
    .digest('hex')
    .slice(0, 16);
  return `arn:aws:iam::${accountId}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_${ps.Name}_${suffix}`;
}

/** The request context of a call made with the session now; keys lower-cased, as IAM matches them. */
function requestContext(
  session: StoredSession,
  userName: string,
  ps: StoredPermissionSet | undefined,
  now: Date,
): Map<string, string> {
  const context = new Map<string, string>([
    ['identitystore:userid', session.userId],
    ['aws:principalaccount', session.accountId],
    ['aws:tokenissuetime', session.issuedAt.toISOString()],
    ['aws:userid', `${roleId(session.permissionSetArn, session.accountId)}:${userName}`],
    ['aws:currenttime', now.toISOString()],
  ]);
  if (ps !== undefined) context.set('aws:principalarn', roleArn(ps, session.accountId));
  return context;
}

/** IAM's * and ? over the whole value. */
function like(pattern: string, value: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/gu, '\\$&')
    .replace(/\*/gu, '.*')
    .replace(/\?/gu, '.');
  return new RegExp(`^${source}$`, 'su').test(value);
}

/** A date as IAM reads a condition value: ISO 8601, or seconds since the epoch. */
function dateOf(text: string): number {
  return /^\d+$/u.test(text) ? Number(text) * 1000 : Date.parse(text);
}

function compareDates(test: (a: number, b: number) => boolean): (actual: string, value: string) => boolean {
  return (actual, value) => {
    const a = dateOf(actual);
    const b = dateOf(value);
    return !Number.isNaN(a) && !Number.isNaN(b) && test(a, b);
  };
}

interface Operator {
  test: (actual: string, value: string) => boolean;
  /** Negated operators hold when the value matches none of the policy's values (and when the key is absent). */
  negated: boolean;
}

const OPERATORS: Record<string, Operator> = {
  stringequals: { test: (a, v) => a === v, negated: false },
  stringnotequals: { test: (a, v) => a === v, negated: true },
  stringequalsignorecase: { test: (a, v) => a.toLowerCase() === v.toLowerCase(), negated: false },
  stringnotequalsignorecase: { test: (a, v) => a.toLowerCase() === v.toLowerCase(), negated: true },
  stringlike: { test: (a, v) => like(v, a), negated: false },
  stringnotlike: { test: (a, v) => like(v, a), negated: true },
  datelessthan: { test: compareDates((a, b) => a < b), negated: false },
  datelessthanequals: { test: compareDates((a, b) => a <= b), negated: false },
  dategreaterthan: { test: compareDates((a, b) => a > b), negated: false },
  dategreaterthanequals: { test: compareDates((a, b) => a >= b), negated: false },
};

/**
 * One operator's block: every key must hold (AND), a key's values are alternatives (OR). An absent key fails
 * a plain operator, passes its …IfExists form, and passes a negated one (IAM: "the right key is not present").
 */
function operatorHolds(name: string, keys: Record<string, string[]>, context: Map<string, string>): boolean {
  const ifExists = /ifexists$/iu.test(name);
  const operator = OPERATORS[name.toLowerCase().replace(/ifexists$/u, '')];
  if (operator === undefined) return false;
  return Object.entries(keys).every(([key, values]) => {
    const actual = context.get(key.toLowerCase());
    if (actual === undefined) return ifExists || operator.negated;
    return operator.negated
      ? values.every((v) => !operator.test(actual, v))
      : values.some((v) => operator.test(actual, v));
  });
}

/** Whether a Deny statement applies to a call of any action on any resource with this context. */
function denies(statement: PolicyStatement, context: Map<string, string>): boolean {
  if (statement.Effect !== 'Deny') return false;
  if (statement.Action?.includes('*') !== true) return false;
  if (statement.Resource?.includes('*') !== true) return false;
  return Object.entries(statement.Condition).every(([name, keys]) => operatorHolds(name, keys, context));
}

/** The session as it stands now: expired, denied by the provisioned policy, or open. */
export function describeSession(state: EmulatorState, session: StoredSession): SessionView {
  const now = state.now();
  const user = state.users.get(session.userId);
  const userName = user?.UserName ?? session.userId;
  const ps = state.permissionSets.get(session.permissionSetArn);
  const seconds = durationSeconds(ps?.SessionDuration ?? 'PT1H') ?? 3600;
  const expiresAt = new Date(session.issuedAt.getTime() + seconds * 1000);
  const view: SessionView = {
    sessionId: session.sessionId,
    userId: session.userId,
    userName,
    accountId: session.accountId,
    account: state.accounts.get(session.accountId)?.alias ?? session.accountId,
    permissionSetArn: session.permissionSetArn,
    permissionSet: ps?.Name ?? session.permissionSetArn,
    issuedAt: session.issuedAt.toISOString(),
    expiresAt: expiresAt.toISOString(),
    allowed: true,
    reason: 'open',
  };
  if (now.getTime() >= expiresAt.getTime()) return { ...view, allowed: false, reason: 'expired' };
  const provisioned = state.provisionedPolicy(session.permissionSetArn, session.accountId);
  if (provisioned === undefined) return view;
  const context = requestContext(session, userName, ps, now);
  const deny = statementsOf(provisioned.InlinePolicy).find((s) => denies(s, context));
  if (deny === undefined) return view;
  return {
    ...view,
    allowed: false,
    deniedBy: deny.Sid === undefined || deny.Sid === '' ? '(no Sid)' : deny.Sid,
    deniedSince: provisioned.provisionedAt.toISOString(),
    reason: 'denied',
  };
}

/** Every session, each evaluated now, in the order they were opened. */
export function listSessions(state: EmulatorState): SessionView[] {
  state.settle();
  return [...state.sessions.values()].map((s) => describeSession(state, s));
}

/** One session evaluated now, or undefined for an unknown id. */
export function findSession(state: EmulatorState, sessionId: string): SessionView | undefined {
  state.settle();
  const session = state.sessions.get(sessionId);
  return session === undefined ? undefined : describeSession(state, session);
}
