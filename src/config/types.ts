/**
 * The configuration as the rest of the product sees it: checked, resolved (durations in milliseconds,
 * aliases and names known) and frozen. `parseConfig` (src/config/parse.ts) turns the YAML file into this.
 */
import type { RequestKind } from '../domain/request.js';

export interface RuleConfig {
  /** Position in the file (0-based), for messages: `rules[2]`. */
  index: number;
  match: {
    /** Request kinds this rule applies to; absent: every kind. */
    kinds?: RequestKind[];
    /** Permission-set names; absent: any. */
    permissionSets?: string[];
    /** Account aliases; absent: any. A request for several accounts matches if any of them is listed. */
    accounts?: string[];
    /** Identity Center groups a request would join (onboarding, role changes); absent: any. */
    groups?: string[];
  };
  /** Names of approver groups (keys of `approvers`). */
  approvers?: string[];
  /** How many distinct approvals are needed. */
  approvals?: number;
  /** Longest duration allowed, ms; `null` means permanent access is allowed. Absent: no limit from this rule. */
  maxDurationMs?: number | null;
  /** Duration used when the request names none, ms; `null` = permanent. */
  defaultDurationMs?: number | null;
  requireReason?: boolean;
  /** `true`: approved at once; `{ onCall }`: approved at once for whoever is on call in that schedule now. */
  autoApprove?: boolean | { onCall: string };
  /** Slack channel id for the approval card; absent: channels.approvals. */
  channel?: string;
  /** Who may take it at once, without approval (break-glass); absent: nobody. */
  breakGlass?: BreakGlassRuleConfig;
  /** A ticket reference the request must carry (`pattern`), linked on the card through `url` (`{ticket}`). */
  requireTicket?: { pattern: string; url: string };
  /** Remind the approvers after `afterMs`; after `escalateAfterMs`, the `escalateTo` groups may approve too. */
  remind?: { afterMs: number; escalateAfterMs?: number; escalateTo?: string[] };
}

export interface BreakGlassRuleConfig {
  /** Names of approver groups (keys of `approvers`) whose members may break glass. */
  who: string[];
  /** Longest a break-glass grant lasts, ms (never permanent). */
  maxDurationMs: number;
  /** Break-glass uses a person may make in 24 hours; absent: 1. */
  perDay?: number;
}

export interface ApproverGroupConfig {
  /** Slack user ids listed in the file. */
  users: string[];
  /** A Slack user group id (S…) whose members approve, resolved at decision time. */
  usergroup?: string;
  /** false: its members may approve but are never pinged (cards, reminders, messages name the group instead). */
  notify?: boolean;
}

export interface RoleConfig {
  description?: string;
  groups: string[];
  assignments: { permissionSet: string; accounts: string[] }[];
}

export interface AccessDeskConfig {
  identityCenter: {
    instanceArn: string;
    identityStoreId: string;
    region: string;
    startUrl: string;
    /** `aws configure sso` session name in emails; default: the organisation name in kebab-case. */
    sessionName: string;
  };
  /** alias → 12-digit account id, in file order. */
  accounts: Readonly<Record<string, string>>;
  /** alias → the account's name, where the file gives one (the account picker matches it too). */
  accountNames: Readonly<Record<string, string>>;
  /** permission-set name → what the file says of it (the ARN is discovered when absent). */
  permissionSets: Readonly<Record<string, { description?: string; arn?: string }>>;
  groups: readonly string[];
  roles: Readonly<Record<string, RoleConfig>>;
  /** Slack user id → Identity Center user name or email: explicit mapping that overrides the profile email. */
  people: Readonly<Record<string, string>>;
  approvers: Readonly<Record<string, ApproverGroupConfig>>;
  /** Slack user ids of admins. */
  admins: readonly string[];
  rules: readonly RuleConfig[];
  channels: { approvals: string; audit?: string; security?: string };
  trustedEmailDomains: readonly string[];
  email: {
    from: string;
    cc: readonly string[];
    /** SES region when it differs from Identity Center's. */
    region?: string;
    organisation: string;
    /** The instance emails a one-time password at first sign-in (else the admin sets one in the console). */
    oneTimePasswords: boolean;
  };
  timing: {
    /** How long a request may wait for a decision before it lapses. */
    pendingLifetimeMs: number;
    /** How long before a grant ends its holder is reminded. */
    reminderBeforeMs: number;
    /** How often the scheduler looks for work (expiries, reminders, lapses, jobs). */
    schedulerIntervalMs: number;
    /** How long a worker holds a job before another may take it over; renewed while the job runs. */
    jobLeaseMs: number;
    /** How far ahead access may be scheduled; absent: 30 days (SCHEDULE_AHEAD_DEFAULT_MS in domain/when.ts). */
    scheduleAheadMs?: number;
  };
  /**
   * Ending the sessions already open when access ends: `endOnRevoke` false turns it off; the permission sets in
   * `leaveAlone` (names) are never touched.
   */
  sessions: { endOnRevoke: boolean; leaveAlone: readonly string[] };
  /** Legacy IAM users offboarding may delete: only those under this IAM path (default `/`, every user). */
  legacyIam: { path: string };
  /** The audit: a user with no sign-in for `inactiveAfterMs` (at most 90 days, CloudTrail's history) is inactive. */
  audit: { inactiveAfterMs: number };
  /**
   * Where the ledger lives: a SQLite file path (default `access-desk.sqlite`, or `:memory:`), or, when `url` is
   * set, a PostgreSQL server (DATABASE_URL in the environment overrides `url`, see databaseOptions).
   */
  database: { path: string; url?: string; caFile?: string; poolSize: number };
  /** On-call schedules that rules may auto-approve for (`autoApprove: { onCall }`); see OnCallConfig. */
  onCall?: OnCallConfig;
}

/** Where each named on-call schedule is read: a PagerDuty schedule, or a Slack user group an on-call tool keeps. */
export interface OnCallConfig {
  schedules: Readonly<Record<string, { pagerduty: string } | { usergroup: string }>>;
  /** PagerDuty's REST API base URL (default https://api.pagerduty.com); the token is PAGERDUTY_TOKEN. */
  pagerduty: { url: string };
}

/** What comes only from the environment: never from the file, never logged. */
export interface SecretsConfig {
  slackBotToken?: string;
  slackSigningSecret?: string;
  slackAppToken?: string;
  /** PAGERDUTY_TOKEN: a read-only REST API key, for on-call auto-approval. */
  pagerdutyToken?: string;
}
