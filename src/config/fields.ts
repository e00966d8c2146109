/**
 * The kinds of value the config file holds, each with the message a person sees when one is wrong. The
 * schema (schema.ts) is built from these; a message names the value it refuses, never where it is (the
 * path is added when problems are printed).
 */
import { z } from 'zod';
import { parseDuration, type DurationSpec } from '../domain/duration.js';
import { isEmailAddress } from '../domain/email.js';
import type { RequestKind } from '../domain/request.js';
import { parseInterval } from './interval.js';
import { show } from './show.js';

/** A zod error option whose message quotes the refused value. */
const refusing = (message: (shown: string) => string) => ({
  error: (issue: { input?: unknown }) => message(show(issue.input)),
});

/** Text that is there: YAML turns `key:` with nothing after it into null, and `key: ""` is no better. */
export const text = z.string().trim().min(1, 'must not be empty');

// Names people type in Slack commands (`/access request Developer dev,staging`): no spaces or commas.
const NAME = /^[A-Za-z][\w-]*$/;
const nameRule = (what: string) =>
  refusing((v) => `${v} is not a usable ${what}: start with a letter, then letters, digits, - or _`);

export const accountAlias = z.string().regex(NAME, nameRule('account alias'));
export const roleName = z.string().regex(NAME, nameRule('role name'));
export const approverGroupName = z.string().regex(NAME, nameRule('approver group name'));

/** AWS's own rule for permission-set names. */
export const permissionSetName = z.string().regex(
  /^[\w+=,.@-]{1,32}$/,
  refusing((v) => `${v} is not a permission set name (up to 32 letters, digits and + = , . @ - _)`),
);

/** Identity Center group names may hold spaces; only emptiness is refused here. */
export const groupName = text;

/** 12 digits, as a string. A bare number is accepted (YAML reads `111111111111` as one) but loses leading zeros. */
export const accountId = z
  .union([z.string(), z.number()], {
    error: (issue) =>
      issue.input === undefined ? undefined : 'must be a 12-digit AWS account id, in quotes',
  })
  .transform((value, ctx) => {
    const digits = String(value).trim();
    if (/^\d{12}$/.test(digits)) return digits;
    const hint =
      typeof value === 'number' && digits.length < 12
        ? ' (if it starts with 0, put it in quotes: YAML drops the leading zeros of a bare number)'
        : '';
    ctx.addIssue({ code: 'custom', message: `${show(digits)} is not a 12-digit AWS account id${hint}` });
    return z.NEVER;
  });

export const slackUserId = z.string().regex(
  /^[UW][A-Z0-9]{2,}$/,
  refusing((v) => `${v} is not a Slack user id (U… or W…)`),
);

export const slackChannelId = z.string().regex(
  /^[CG][A-Z0-9]{2,}$/,
  refusing((v) => `${v} is not a Slack channel id (C… or G…, shown in the channel's details)`),
);

export const slackUsergroupId = z.string().regex(
  /^S[A-Z0-9]{2,}$/,
  refusing((v) => `${v} is not a Slack user group id (S…)`),
);

export const emailAddress = z.string().trim().refine(isEmailAddress, 'must be an email address');

export const domainName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    refusing((v) => `${v} is not a domain name (write it like example.com)`),
  );

/** Who a Slack user is in Identity Center: an email (its domain is checked against trustedEmailDomains) or a user name. */
export const personRef = z
  .string()
  .trim()
  .refine(
    (v) => (v.includes('@') ? isEmailAddress(v) : /^\S{1,128}$/.test(v)),
    refusing((v) => `${v} is neither an email address nor an Identity Center user name`),
  );

export const awsRegion = z.string().regex(
  /^[a-z]{2}(?:-[a-z]+)+-\d+$/,
  refusing((v) => `${v} is not an AWS region (like eu-west-1)`),
);

export const instanceArn = z.string().regex(
  /^arn:aws[a-z-]*:sso:::instance\/(?:sso)?ins-[a-zA-Z0-9.-]{16}$/,
  refusing(
    (v) =>
      `${v} is not an Identity Center instance ARN (like arn:aws:sso:::instance/ssoins-0123456789abcdef, in the console's Settings)`,
  ),
);

export const identityStoreId = z.string().regex(
  /^(?:d-[0-9a-f]{10}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/,
  refusing((v) => `${v} is not an identity store id (like d-0123456789, in the console's Settings)`),
);

/**
 * An IAM path as IAM writes it: `/`, or `/legacy/`, `/division/team/` (a slash at each end, printable ASCII
 * between, 512 characters at most). `*` is refused: it would widen the IAM policy's user ARNs.
 */
export const iamPath = z
  .string()
  .trim()
  .regex(
    /^\/(?:[\x21-\x29\x2B-\x7E]{0,510}\/)?$/,
    refusing(
      (v) => `${v} is not an IAM path: it starts and ends with / (like /legacy/), with no * or spaces`,
    ),
  );

export const permissionSetArn = z.string().regex(
  /^arn:aws[a-z-]*:sso:::permissionSet\/(?:sso)?ins-[a-zA-Z0-9.-]{16}\/ps-[a-zA-Z0-9.-]{16}$/,
  refusing((v) => `${v} is not a permission set ARN (like arn:aws:sso:::permissionSet/ssoins-…/ps-…)`),
);

export const accessPortalUrl = z.string().refine(
  (v) => {
    try {
      return new URL(v).protocol === 'https:';
    } catch {
      return false;
    }
  },
  refusing(
    (v) =>
      `${v} is not an https:// address (the AWS access portal URL, like https://example.awsapps.com/start)`,
  ),
);

/** Goes into `aws configure sso` steps in emails, as the name of a section of ~/.aws/config. */
export const ssoSessionName = z.string().regex(
  /^[\w.-]+$/,
  refusing((v) => `${v} cannot be a session name: use letters, digits, . - or _`),
);

const REQUEST_KINDS = [
  'access',
  'extend',
  'onboard',
  'offboard',
  'role_change',
  'group_change',
  'group_create',
  'user_update',
  'bulk_onboard',
  'legacy_removal',
  'group_access',
] as const satisfies readonly RequestKind[];
// Stops compiling when src/domain/request.ts gains a kind that this list lacks.
type Unlisted = Exclude<RequestKind, (typeof REQUEST_KINDS)[number]>;
const _everyKindListed: [Unlisted] extends [never] ? true : never = true;

export const requestKind = z.enum(REQUEST_KINDS, {
  error: (issue) => `unknown request kind ${show(issue.input)} (known: ${REQUEST_KINDS.join(', ')})`,
});

const notDuration = (issue: { input?: unknown }) =>
  issue.input === undefined
    ? undefined
    : `${show(issue.input)} is not a duration: use minutes, hours or days like \`30m\`, \`4h\`, \`2d\`, or \`permanent\``;

/** How long access may last or lasts by default: `4h`, `2d`, `permanent`. */
export const duration = z.string({ error: notDuration }).transform((value, ctx): DurationSpec => {
  const parsed = parseDuration(value);
  if (parsed.ok) return parsed.value;
  ctx.addIssue({ code: 'custom', message: parsed.message });
  return z.NEVER;
});

/** A length of time that cannot be permanent (how long a request may wait, when to remind), in ms. */
export const span = duration.transform((spec, ctx) => {
  if (spec.kind === 'for') return spec.ms;
  ctx.addIssue({ code: 'custom', message: 'must be a length of time like `15m` or `24h`, not permanent' });
  return z.NEVER;
});

/** How often the scheduler runs, in ms: `30s`, `1m`. */
export const interval = z.string({ error: notDuration }).transform((value, ctx) => {
  const parsed = parseInterval(value);
  if (parsed.ok) return parsed.ms;
  ctx.addIssue({ code: 'custom', message: parsed.message });
  return z.NEVER;
});

export const approvalCount = z
  .int('must be a whole number, at least 1')
  .min(1, 'must be a whole number, at least 1');
