/**
 * The shape of access-desk.yml, key by key. Every object is strict: a key that is not listed here is an
 * error that names it and the closest known key. Values are checked for their form here; whether a name
 * refers to something the file defines is checked next (references.ts), and the result is turned into
 * `AccessDeskConfig` last (resolve.ts). access-desk.example.yml shows every key in use.
 */
import { z } from 'zod';
import {
  accessPortalUrl,
  accountAlias,
  accountId,
  approvalCount,
  approverGroupName,
  awsRegion,
  domainName,
  duration,
  emailAddress,
  groupName,
  iamPath,
  identityStoreId,
  instanceArn,
  interval,
  permissionSetArn,
  permissionSetName,
  personRef,
  requestKind,
  roleName,
  slackChannelId,
  slackUserId,
  slackUsergroupId,
  span,
  ssoSessionName,
  text,
} from './fields.js';
import { notify, remind, requireTicket } from './follow-up-fields.js';
import { autoApproveSetting, onCallBlock } from './on-call.js';

const notEmpty = (record: object): boolean => Object.keys(record).length > 0;
const DAY_MS = 86_400_000;

/** A list in `match`: present means "only these"; an empty one would match nothing, which is never meant. */
const onlyThese = <T extends z.ZodType>(item: T) =>
  z.array(item).min(1, 'an empty list matches nothing: leave the key out to match any').optional();

/** The Identity Center instance: Settings in the IAM Identity Center console shows all four. */
const identityCenter = z.strictObject({
  instanceArn,
  identityStoreId,
  /** Where the instance lives (the SSO region in `aws configure sso`). */
  region: awsRegion,
  /** The AWS access portal URL people sign in at. */
  startUrl: accessPortalUrl,
  /** The `aws configure sso` session name in emails; default: the organisation's name in kebab-case. */
  sessionName: ssoSessionName.optional(),
});

/** Permission set name → what people are told about it. The ARN is looked up by name when absent. */
const permissionSet = z
  .strictObject({
    description: z.string().max(700).optional(),
    arn: permissionSetArn.optional(),
  })
  // `Developer:` with nothing after it is a permission set with nothing to add.
  .nullable();

/** A bundle for onboarding and role changes: groups to join and assignments to hold. */
const role = z.strictObject({
  description: z.string().optional(),
  groups: z.array(groupName).default([]),
  assignments: z
    .array(
      z.strictObject({
        permissionSet: text,
        accounts: z.array(text).min(1, 'name at least one account'),
      }),
    )
    .default([]),
});

/** Who may approve: a list of Slack user ids, or a Slack user group (members looked up when deciding). */
const approverGroup = z.union(
  [
    z.array(slackUserId),
    z.strictObject({
      usergroup: slackUsergroupId.optional(),
      users: z.array(slackUserId).default([]),
      /** false: may approve, but never pinged (cards, reminders and messages name the group instead). */
      notify,
    }),
  ],
  {
    error:
      'must be a list of Slack user ids, or a mapping with `usergroup: S…` and/or `users: [U…]` (and `notify: false` to approve without being pinged)',
  },
);

/**
 * A rule: for the requests it matches, who approves and on what terms. Every matching rule applies and
 * the strictest wins (the rules engine's business, src/domain); here each rule is checked on its own.
 */
const rule = z.strictObject({
  /** Which requests: every listed key must match; an absent key matches anything; `match: {}` matches all. */
  match: z
    .strictObject({
      kinds: onlyThese(requestKind),
      permissionSets: onlyThese(text),
      /** A request for several accounts matches if any of them is listed. */
      accounts: onlyThese(text),
      /** Groups an onboarding or role change would join. */
      groups: onlyThese(text),
    })
    .prefault({}),
  /** Approver groups (keys of `approvers`) whose members may approve. */
  approvers: z.array(text).min(1, 'name at least one approver group, or leave the key out').optional(),
  /** Distinct approvals needed. */
  approvals: approvalCount.optional(),
  /** Longest duration allowed (`12h`, `2d`, or `permanent` to allow permanent access). */
  maxDuration: duration.optional(),
  /** Duration used when the request names none. */
  defaultDuration: duration.optional(),
  requireReason: z.boolean().optional(),
  /**
   * Granted without anyone approving, if every matching rule says so; `{ onCall: <schedule> }`: only for whoever is
   * on call in that schedule (onCall.schedules) when they ask.
   */
  autoApprove: autoApproveSetting.optional(),
  /** Where the approval card goes, instead of channels.approvals. */
  channel: slackChannelId.optional(),
  /** Who may take what this rule matches at once, without approval, and loudly (src/access/break-glass.ts). */
  breakGlass: z
    .strictObject({
      /** Approver groups (keys of `approvers`) whose members may break glass. */
      who: z.array(text).min(1, 'name at least one approver group whose members may break glass'),
      /** The longest a break-glass grant lasts: a length of time, never permanent. */
      maxDuration: span,
      /** How many times a person may break glass for it in 24 hours; default 1. */
      perDay: approvalCount.optional(),
    })
    .optional(),
  /** A ticket reference the request must carry: `{ pattern: '[A-Z]+-\\d+', url: 'https://…/{ticket}' }`. */
  requireTicket: requireTicket.optional(),
  /** Approvers reminded after a while; then, optionally, other approver groups may approve too. */
  remind: remind.optional(),
});

export const configFileSchema = z.strictObject({
  identityCenter,
  /** Alias → 12-digit account id. People type the alias. */
  accounts: z.record(accountAlias, accountId).refine(notEmpty, 'name at least one account'),
  /** Alias → the account's name (as AWS Organizations knows it): the account picker matches it too. */
  accountNames: z.record(accountAlias, text).default({}),
  permissionSets: z
    .record(permissionSetName, permissionSet)
    .refine(notEmpty, 'name at least one permission set'),
  /** Identity Center groups that roles and rules name. */
  groups: z.array(groupName).default([]),
  roles: z.record(roleName, role).default({}),
  /** Slack user id → Identity Center email or user name, overriding the email on the Slack profile. */
  people: z.record(slackUserId, personRef).default({}),
  approvers: z.record(approverGroupName, approverGroup).default({}),
  /** Slack user ids of the people who onboard, offboard, change roles and audit. */
  admins: z.array(slackUserId).default([]),
  /** Without a rule no request could ever be approved. */
  rules: z.array(rule).min(1, 'list at least one rule: without rules no request can be approved'),
  channels: z.strictObject({
    /** Where approval cards go unless a rule says otherwise. */
    approvals: slackChannelId,
    /** Where a line is posted for every change access-desk makes. */
    audit: slackChannelId.optional(),
    /** Where break-glass use is announced besides the approvals channel. */
    security: slackChannelId.optional(),
  }),
  /** Only Slack profile emails in these domains are matched to Identity Center users. */
  trustedEmailDomains: z
    .array(domainName)
    .min(1, 'name at least one domain (like example.com): only emails there are matched to AWS users'),
  /** Welcome and migration emails, sent through SES. */
  email: z.strictObject({
    /** A sender SES has verified. */
    from: emailAddress,
    cc: z.array(emailAddress).default([]),
    /** The SES region, when it is not identityCenter.region. */
    region: awsRegion.optional(),
    /** The organisation's name as emails say it. */
    organisation: text,
    /** True when the instance emails a one-time password at first sign-in (else an admin sets one). */
    oneTimePasswords: z.boolean().default(false),
  }),
  timing: z
    .strictObject({
      /** How long a request waits for a decision before it lapses. */
      pendingLifetime: span.prefault('24h'),
      /** How long before a grant ends its holder is reminded (with an Extend button). */
      reminderBefore: span.prefault('15m'),
      /** How often the scheduler looks for expiries, reminders, lapses and jobs. */
      schedulerInterval: interval.prefault('30s'),
      /**
       * How long a worker holds a job (renewed every quarter of it while the job runs): work held by a process
       * that died is taken over this long after its last renewal.
       */
      jobLease: interval.prefault('20s'),
      /** How far ahead access may be scheduled (`/access request … at <when>`); default 30d. */
      scheduleAhead: span.optional(),
    })
    .prefault({}),
  /**
   * Legacy IAM users (from before Identity Center): offboarding deletes the leaver's IAM user only under this
   * IAM path, so that break-glass and service users elsewhere stay out of reach.
   */
  legacyIam: z
    .strictObject({
      path: iamPath.default('/'),
    })
    .prefault({}),
  /** The audit's judgement of who has gone quiet. */
  audit: z
    .strictObject({
      /**
       * A user with no Identity Center sign-in for this long is flagged as inactive (with an Offboard button). At
       * most 90 days: CloudTrail keeps 90 days of sign-ins, so a longer silence could not be told from a sign-in.
       */
      inactiveAfter: span
        .refine((ms) => ms >= DAY_MS, 'must be at least 1d: sign-ins are judged by the day')
        .refine(
          (ms) => ms <= 90 * DAY_MS,
          'must be at most 90d: CloudTrail keeps only 90 days of sign-in history, so a user quiet for longer cannot be told from one who signed in 91 days ago',
        )
        .prefault('90d'),
    })
    .prefault({}),
  /**
   * Sessions already open when access ends (expiry, revoke, offboarding, a role change): ended by a temporary
   * Deny statement in the permission set's inline policy, provisioned to the account (README: "Ending open
   * sessions").
   */
  sessions: z
    .strictObject({
      /** false: access ends, and the sessions already open run out on their own (up to 12 h). */
      endOnRevoke: z.boolean().default(true),
      /** Permission sets whose inline policy access-desk never touches (managed elsewhere, e.g. by Terraform). */
      leaveAlone: z.array(text).default([]),
    })
    .prefault({}),
  database: z
    .strictObject({
      /** A SQLite file, or `:memory:`: one process. */
      path: text.optional(),
      /**
       * A PostgreSQL server, for several replicas: postgres://user@host:5432/database?sslmode=verify-full. The
       * password never comes from the file: DATABASE_URL (a whole URL, which wins over this key) or PGPASSWORD.
       */
      url: text
        .refine(
          (url) => /^postgres(ql)?:\/\//i.test(url),
          'must be a postgres:// URL (for SQLite, set database.path)',
        )
        .refine(
          (url) => !/^[a-z]+:\/\/[^/@]*:[^/@]*@/i.test(url),
          'must not carry the password: put it in DATABASE_URL or PGPASSWORD, never in the file',
        )
        .optional(),
      /** The CA certificate (PEM) that signed the PostgreSQL server's, for sslmode=verify-ca or verify-full. */
      caFile: text.optional(),
      /** Connections to PostgreSQL each replica keeps open at most. */
      poolSize: z.number().int().min(1).max(100).default(10),
    })
    .refine((d) => d.path === undefined || d.url === undefined, {
      message: 'set path (SQLite, one process) or url (PostgreSQL, several replicas), not both',
    })
    .prefault({}),
  /** On-call schedules (PagerDuty, or a Slack user group) that rules may auto-approve for: on-call.ts. */
  onCall: onCallBlock.optional(),
  /** Refused: tokens and secrets come only from the environment, so the file can be shared and committed. */
  slack: z
    .never({
      error:
        'tokens and secrets come only from the environment (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN), never from the file: remove this block',
    })
    .optional(),
});

/** The file after its form is checked: defaults filled, durations parsed, names not yet cross-checked. */
export type ConfigFile = z.output<typeof configFileSchema>;
