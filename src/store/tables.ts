/**
 * Row shapes of the ledger's tables, as Kysely sees them. They never leave src/store: mappers.ts turns them
 * into the port's records.
 *
 * One representation for both dialects: ids are text, every time is ISO 8601 UTC text of fixed width
 * (`YYYY-MM-DDTHH:mm:ss.sssZ`, so string order is time order), JSON is text, booleans are 0/1 integers.
 */
import type { WorkLane } from '../access/work-lane.js';
import type { ColumnType, Generated } from 'kysely';
import type { GrantEndReason, GrantStatus, RequestKind, RequestStatus } from '../domain/request.js';
import type { JobKind, JobStatus, SessionDenialCause, SessionDenialStatus } from '../access/ledger.js';

/** ISO 8601 UTC text, written by `toIso`. */
export type IsoTime = string;
/** JSON text, written by `toJson`. */
export type JsonText = string;
/** A 0/1 integer. */
export type IntBoolean = 0 | 1;
/** PostgreSQL hands a bigint back as a string (node-postgres), SQLite as a number. */
export type BigIntColumn = ColumnType<number | string, number, number>;

export interface RequestsTable {
  id: string;
  kind: RequestKind;
  status: RequestStatus;
  requester_slack_id: string;
  requester_email: string;
  requester_user_id: string;
  permission_set: string;
  permission_set_arn: string;
  /** AccountRef[] */
  accounts: JsonText;
  duration_ms: BigIntColumn | null;
  reason: string | null;
  /** string[] in the order the rules chose them; `request_approvers` indexes the same list. */
  approvers: JsonText;
  required_approvals: number;
  channel: string;
  /** string[] */
  extends_grant_ids: JsonText;
  /** Record<string, unknown> */
  details: JsonText;
  created_at: IsoTime;
  lapses_at: IsoTime;
  decided_at: IsoTime | null;
  /** Scheduled access: when it is granted (migration 2026-12-09-003); null: once approved. */
  starts_at: IsoTime | null;
  card_channel: string | null;
  card_ts: string | null;
  dm_channel: string | null;
  dm_ts: string | null;
}

/** One row per (request, approver): lets "requests I may approve" use an index in both dialects. */
export interface RequestApproversTable {
  request_id: string;
  approver_slack_id: string;
}

export interface ApprovalsTable {
  request_id: string;
  approver_slack_id: string;
  decision: 'approve' | 'deny';
  reason: string | null;
  at: IsoTime;
}

export interface GrantsTable {
  id: string;
  request_id: string;
  status: GrantStatus;
  requester_slack_id: string;
  principal_id: string;
  account_id: string;
  account_alias: string;
  permission_set: string;
  permission_set_arn: string;
  starts_at: IsoTime | null;
  ends_at: IsoTime | null;
  failure_reason: string | null;
  aws_request_id: string | null;
  created_assignment: IntBoolean | null;
  reminded_at: IsoTime | null;
  ended_at: IsoTime | null;
  end_reason: GrantEndReason | null;
  /** A group-membership grant's group (migration 2026-12-09-002); NULL for an assignment. */
  group_id: string | null;
  group_name: string | null;
  membership_id: string | null;
}

export interface JobsTable {
  id: string;
  kind: JobKind;
  status: JobStatus;
  request_id: string | null;
  grant_id: string | null;
  /** Record<string, unknown> */
  payload: JsonText;
  run_at: IsoTime;
  dedupe_key: string;
  /**
   * dedupe_key while the job is queued or running, NULL once it is done or failed. A plain unique index on it
   * gives "one active job per key" in SQLite and PostgreSQL alike (NULLs never collide in either), where a
   * partial unique index would need dialect-specific SQL.
   */
  active_key: string | null;
  attempts: Generated<number>;
  /** 1: asked for again while running; finishing queues it once more instead of marking it done. */
  rerun: Generated<number>;
  lease_owner: string | null;
  lease_until: IsoTime | null;
  last_error: string | null;
  created_at: IsoTime;
  /** The lane it runs in (src/access/work-lane.ts jobLane): claimed interactive first. */
  lane: Generated<WorkLane>;
}

export interface AuditEventsTable {
  id: Generated<number>;
  at: IsoTime;
  actor: string;
  action: string;
  request_id: string | null;
  grant_id: string | null;
  /** Record<string, unknown> */
  details: JsonText;
  /** When it was posted to the audit channel (or passed over, with none configured); null: not yet. */
  fed_at: Generated<IsoTime | null>;
}

export interface IdentitiesTable {
  slack_user_id: string;
  email: string;
  user_id: string;
  resolved_at: IsoTime;
}

/** The replicas running on this ledger (src/access/replicas.ts). */
export interface ReplicasTable {
  id: string;
  started_at: IsoTime;
  seen_at: IsoTime;
}

/** When each person last opened their Home tab (src/slack/home-publisher.ts). */
export interface HomeViewsTable {
  slack_user_id: string;
  opened_at: IsoTime;
}

/** Temporary Deny statements for sessions already open (src/access/sessions.ts). */
export interface SessionDenialsTable {
  id: string;
  status: SessionDenialStatus;
  user_id: string;
  slack_user_id: string | null;
  user_name: string | null;
  account_id: string;
  account_alias: string;
  permission_set: string;
  permission_set_arn: string;
  ended_at: IsoTime;
  cause: SessionDenialCause;
  request_id: string | null;
  grant_id: string | null;
  session_hours: number;
  in_policy: Generated<IntBoolean>;
  in_force_at: IsoTime | null;
  lift_at: IsoTime | null;
  lifted_at: IsoTime | null;
  failure: string | null;
  created_at: IsoTime;
}

/** Legacy IAM users moving to single sign-on (src/access/admin/migration.ts). */
export interface LegacyMigrationsTable {
  id: string;
  click_id: string | null;
  email: string;
  user_id: string;
  user_name: string;
  display_name: string;
  slack_user_id: string;
  iam_user_name: string;
  started_by: string;
  started_at: IsoTime;
  confirm_by: IsoTime;
  emailed_at: IsoTime | null;
  message_id: string | null;
  email_failure: string | null;
  dm_channel: string | null;
  dm_ts: string | null;
  confirmed_by: string | null;
  confirmed_at: IsoTime | null;
  help_asked_by: string | null;
  help_asked_at: IsoTime | null;
  help_told_at: IsoTime | null;
  removal_request_id: string | null;
}

/** Break-glass uses (src/access/break-glass.ts): one row per request taken at once. */
export interface BreakGlassTable {
  request_id: string;
  user_id: string;
  requester_slack_id: string;
  created_at: IsoTime;
  security_channel: string | null;
  security_ts: string | null;
  reviewed_by: string | null;
  reviewed_at: IsoTime | null;
  outcome: string | null;
  reminded_at: IsoTime | null;
}

export interface Database {
  requests: RequestsTable;
  request_approvers: RequestApproversTable;
  approvals: ApprovalsTable;
  grants: GrantsTable;
  jobs: JobsTable;
  audit_events: AuditEventsTable;
  identities: IdentitiesTable;
  replicas: ReplicasTable;
  session_denials: SessionDenialsTable;
  legacy_migrations: LegacyMigrationsTable;
  break_glass: BreakGlassTable;
  home_views: HomeViewsTable;
}
