/**
 * The ledger port: what the access service needs from its database. src/store/ implements it with Kysely
 * over SQLite (PostgreSQL later). Records are domain shapes; rows never leave the store.
 *
 * Every status change is a compare-and-set (`... WHERE id = ? AND status = ?`) inside `transaction`, together
 * with its audit event and the jobs it starts, so that a crash at any point leaves either all of it or none.
 * Times are `Date` here; the store keeps one representation (ISO 8601 UTC text) for both dialects.
 */
import type { WorkLane } from './work-lane.js';
import type { GrantEndReason, GrantStatus, RequestKind, RequestStatus } from '../domain/request.js';
import type { BreakGlassPatch, BreakGlassQuery, BreakGlassRecord } from './break-glass-ledger.js';
import type {
  LegacyMigrationPatch,
  LegacyMigrationQuery,
  LegacyMigrationRecord,
  LegacyMigrationUnset,
} from './legacy-migrations.js';

export interface AccountRef {
  alias: string;
  id: string;
}

export interface CardRef {
  channel: string;
  ts: string;
}

export interface RequestRecord {
  /** Short, human-readable and unique: `R-7K2Q9D`. */
  id: string;
  kind: RequestKind;
  status: RequestStatus;
  requesterSlackId: string;
  requesterEmail: string;
  /** The requester's Identity Center user id. */
  requesterUserId: string;
  permissionSet: string;
  permissionSetArn: string;
  accounts: AccountRef[];
  /** null: permanent. */
  durationMs: number | null;
  reason: string | null;
  /** Slack user ids who may approve (the requester never among them), as decided at submission. */
  approvers: string[];
  requiredApprovals: number;
  /** The approvals channel the card goes to. */
  channel: string;
  /** For `extend`: the grants whose end moves. */
  extendsGrantIds: string[];
  /** Kind-specific details (onboarding's new starter, …). */
  details: Record<string, unknown>;
  createdAt: Date;
  /** When a pending request lapses. */
  lapsesAt: Date;
  /**
   * Scheduled access (`/access request … at <when>`): approved now, granted at this moment, for `durationMs`
   * from it. Absent (or null): granted once approved.
   */
  startsAt?: Date | null;
  decidedAt: Date | null;
  /** The approval card, once posted. */
  card: CardRef | null;
  /** The requester's direct message about this request, once posted. */
  dm: CardRef | null;
}

export interface ApprovalRecord {
  requestId: string;
  approverSlackId: string;
  decision: 'approve' | 'deny';
  reason: string | null;
  at: Date;
}

export interface GrantRecord {
  id: string;
  requestId: string;
  status: GrantStatus;
  requesterSlackId: string;
  /** Identity Center user id the assignment is for. */
  principalId: string;
  accountId: string;
  accountAlias: string;
  permissionSet: string;
  permissionSetArn: string;
  /** When it became active. */
  startsAt: Date | null;
  /** null: permanent. */
  endsAt: Date | null;
  /** AWS's FailureReason, or our own sentence, when status is failed. */
  failureReason: string | null;
  /** The CreateAccountAssignment request id, kept so a resumed job waits on it instead of creating again. */
  awsRequestId: string | null;
  /** false when the assignment already existed (made by someone else): ending the grant must not remove it. */
  createdAssignment: boolean | null;
  remindedAt: Date | null;
  endedAt: Date | null;
  endReason: GrantEndReason | null;
  /**
   * A time-bound group membership instead of an assignment (src/access/group-access.ts): the account and
   * permission set fields are then empty, and `createdAssignment` says whether access-desk made the membership
   * (false: it was there already, and ending the grant leaves it). Absent for an assignment.
   */
  group?: GroupGrantRef;
}

/** The group of a group-membership grant, and the membership access-desk made or found for it. */
export interface GroupGrantRef {
  /** Identity Center group id. */
  id: string;
  name: string;
  /** The membership's id once made or found; null before. */
  membershipId: string | null;
}

/** Why access ended, for a session denial: the grant's end, or an admin's work. */
export type SessionDenialCause = 'expired' | 'revoked' | 'offboarded' | 'role_change' | 'group_change';

/**
 * Where a session denial stands:
 * - `adding`: to be written into the permission set's inline policy and provisioned to the account;
 * - `in_force`: provisioned: sessions issued before `endedAt` are denied, until `liftAt`;
 * - `failed`: could not be put in force (`failure` says why); if `inPolicy`, its statement is still removed at `liftAt`;
 * - `skipped`: not needed (the person still holds that access another way, or the set is left alone);
 * - `lifted`: its statement was removed again once no session from before could be alive.
 */
export type SessionDenialStatus = 'adding' | 'in_force' | 'failed' | 'skipped' | 'lifted';

/**
 * Sessions of one person on one account and permission set, issued before `endedAt`, denied by a temporary
 * statement in the set's inline policy (src/access/sessions.ts). The ledger, not the policy, is the record of
 * which statements access-desk keeps: the policy is rewritten from it.
 */
export interface SessionDenialRecord {
  /** Deterministic for what caused it (`<grant id>` or `<request id>:<set>:<account>`): recording twice is once. */
  id: string;
  status: SessionDenialStatus;
  /** The Identity Center user id (identitystore:userId). */
  userId: string;
  /** Whom to name: the Slack user, when known. */
  slackUserId: string | null;
  /** The person's user name (email), for whois and the audit. */
  userName: string | null;
  accountId: string;
  accountAlias: string;
  permissionSet: string;
  permissionSetArn: string;
  /** The moment access ended: tokens issued before it are denied. */
  endedAt: Date;
  cause: SessionDenialCause;
  requestId: string | null;
  grantId: string | null;
  /** The permission set's session duration: how long after `inForceAt` no session from before can be alive. */
  sessionHours: number;
  /** Written into the inline policy (it may not be provisioned yet). */
  inPolicy: boolean;
  inForceAt: Date | null;
  /** When the statement is removed again; null until it is in force (or failed after being written). */
  liftAt: Date | null;
  liftedAt: Date | null;
  failure: string | null;
  createdAt: Date;
}

export interface SessionDenialQuery {
  statuses?: SessionDenialStatus[];
  userId?: string;
  permissionSetArn?: string;
  requestIds?: string[];
  /** Denials whose statement is due to be removed: liftAt at or before this time, not yet lifted. */
  liftDueBy?: Date;
}

export type JobKind =
  /** Make the request's assignments in AWS (grants in pending/provisioning/failed). */
  | 'provision'
  /** End one grant: remove its assignment from AWS unless something else needs it. */
  | 'end_grant'
  /** Post or update the approval card of a request. */
  | 'sync_card'
  /** Send the requester (or a grant holder) a direct message: payload says which. */
  | 'notify'
  /** Walk the organisation and post the audit report: payload has who asked. */
  | 'audit'
  /** Post a line to the audit channel for each decision and AWS change not posted yet (one at a time). */
  | 'audit_feed'
  /** Draw a person's Home tab again (payload.userId): one at a time per person across replicas. */
  | 'home'
  /**
   * A person's click (Approve, Deny, Cancel, Retry, Extend): recorded before Slack is told it arrived, run at
   * once by the listener that acked it, or by any worker once that listener's lease has run out (it died).
   */
  | 'decide'
  /**
   * Put the session denials waiting into the permission sets' inline policies, provision them to their accounts,
   * and lift those whose time has come: one at a time across replicas (one fixed key), since an inline policy
   * is read, changed and written whole.
   */
  | 'end_sessions'
  /** A reminder or an escalation of a pending request, as a reply in its card's thread (payload: the nudge). */
  | 'remind_approvers'
  /**
   * Break-glass (src/access/break-glass.ts): payload.step says which part: its card's copy in the security
   * channel, a direct message to one approver (payload.approver), or a reminder to the requester.
   */
  | 'break_glass';

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

export interface NewJob {
  kind: JobKind;
  requestId?: string | null;
  grantId?: string | null;
  payload?: Record<string, unknown>;
  runAt: Date;
  /**
   * Jobs with the same key are one job: enqueueing it again does nothing while the first is queued or running
   * (a Slack retry, a second approver, a second replica all enqueue the same key).
   */
  dedupeKey: string;
  /**
   * When the job with this key is running now (on any replica), ask it to run once more when it finishes
   * instead of doing nothing: for work that shows the latest state and must never run twice at once (a card, a
   * Home tab), so that a change made while it runs is shown too.
   */
  rerunIfRunning?: boolean;
}

export interface JobRecord extends Required<Omit<NewJob, 'rerunIfRunning'>> {
  id: string;
  status: JobStatus;
  attempts: number;
  leaseOwner: string | null;
  leaseUntil: Date | null;
  lastError: string | null;
  createdAt: Date;
  payload: Record<string, unknown>;
  requestId: string | null;
  grantId: string | null;
}

export interface AuditEvent {
  at: Date;
  /** A Slack user id, or `system` for the scheduler and jobs. */
  actor: string;
  /** `request.submitted`, `request.approved`, `grant.active`, `aws.assignment.created`, `aws.assignment.failed`, … */
  action: string;
  requestId?: string | null;
  grantId?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditRecord extends AuditEvent {
  id: number;
  requestId: string | null;
  grantId: string | null;
  details: Record<string, unknown>;
}

export interface RequestQuery {
  requesterSlackId?: string;
  statuses?: RequestStatus[];
  kinds?: RequestKind[];
  /** Requests this Slack user may approve (listed in `approvers`). */
  approverSlackId?: string;
  limit?: number;
}

export interface GrantQuery {
  requesterSlackId?: string;
  principalId?: string;
  accountId?: string;
  permissionSetArn?: string;
  statuses?: GrantStatus[];
  requestId?: string;
  /** The grants of any of these requests (an empty list matches nothing). */
  requestIds?: string[];
  /** Grants whose endsAt is at or before this time. */
  endsAtOrBefore?: Date;
  /** Grants not yet reminded. */
  notReminded?: boolean;
  /** Group-membership grants of this Identity Center group. */
  groupId?: string;
}

/**
 * A Slack user's Identity Center user as last resolved: a cache of what Slack and AWS said, shared by every
 * replica and kept across restarts. Losing it costs a lookup, never correctness.
 */
export interface IdentityRecord {
  slackUserId: string;
  email: string;
  /** The Identity Center user id. */
  userId: string;
  resolvedAt: Date;
}

/** Reads and writes inside one transaction. */
export interface LedgerTx {
  insertRequest(request: RequestRecord): Promise<void>;
  getRequest(id: string): Promise<RequestRecord | undefined>;
  /**
   * getRequest that also holds the request until the transaction ends, so that decisions on one request run
   * one after another: on PostgreSQL two approvers who each insert an approval and then count them would
   * otherwise each miss the other's and leave a request with its quorum still pending. Use it as the first
   * read of any transaction that counts approvals. Optional (added by src/store); SQLite runs one
   * transaction at a time anyway.
   */
  lockRequest?(id: string): Promise<RequestRecord | undefined>;
  findRequests(query: RequestQuery): Promise<RequestRecord[]>;
  /**
   * Compare-and-set: moves the request from `from` to `to` (applying `patch`) only if it is in `from` now.
   * Returns false, changing nothing, when it was not. Throws for an edge not in REQUEST_TRANSITIONS (a bug).
   */
  transitionRequest(
    id: string,
    from: RequestStatus,
    to: RequestStatus,
    patch?: Partial<Pick<RequestRecord, 'decidedAt' | 'details'>>,
  ): Promise<boolean>;
  /** Card and DM references, details: no status change. */
  updateRequest(id: string, patch: Partial<Pick<RequestRecord, 'card' | 'dm' | 'details'>>): Promise<void>;

  /** false when this approver already decided on this request (one decision per person). */
  insertApproval(approval: ApprovalRecord): Promise<boolean>;
  listApprovals(requestId: string): Promise<ApprovalRecord[]>;
  /** The approvals of each of these requests, in the order they were given (one query, for lists of requests). */
  listApprovalsOf?(requestIds: readonly string[]): Promise<ApprovalRecord[]>;

  insertGrant(grant: GrantRecord): Promise<void>;
  getGrant(id: string): Promise<GrantRecord | undefined>;
  /**
   * getGrant that also holds the grant until the transaction ends, for a transaction that reads a grant and then
   * changes it (ending it when its time has come, moving its end, reminding once): on PostgreSQL a replica doing
   * the same at the same moment waits, then reads what the first one wrote. Optional, like lockRequest.
   */
  lockGrant?(id: string): Promise<GrantRecord | undefined>;
  /**
   * Holds a named lock until the transaction ends: a transaction that looks for something and inserts it if
   * missing (a request that must not be asked for twice) takes the lock of what it looks for first, so that two
   * replicas cannot both find nothing and both insert. A no-op where one transaction runs at a time (SQLite).
   */
  lockKey?(key: string): Promise<void>;
  findGrants(query: GrantQuery): Promise<GrantRecord[]>;
  /** Compare-and-set on the grant's status, like transitionRequest. */
  transitionGrant(
    id: string,
    from: GrantStatus,
    to: GrantStatus,
    patch?: Partial<
      Pick<
        GrantRecord,
        | 'startsAt'
        | 'endsAt'
        | 'failureReason'
        | 'awsRequestId'
        | 'createdAssignment'
        | 'endedAt'
        | 'endReason'
      >
    >,
  ): Promise<boolean>;
  /**
   * No status change: awsRequestId while provisioning, remindedAt, a moved endsAt (extension); for a group grant,
   * the membership id (`group.membershipId`; the group itself never changes).
   */
  updateGrant(
    id: string,
    patch: Partial<Pick<GrantRecord, 'awsRequestId' | 'remindedAt' | 'endsAt' | 'createdAssignment'>> & {
      membershipId?: string | null;
    },
  ): Promise<void>;

  /** Does nothing (returns false) when a job with the same dedupeKey is queued or running. */
  enqueueJob(job: NewJob): Promise<boolean>;
  appendAudit(event: AuditEvent): Promise<void>;

  /** Records a session denial; false (changing nothing) when one with this id exists. */
  insertSessionDenial(denial: SessionDenialRecord): Promise<boolean>;
  findSessionDenials(query: SessionDenialQuery): Promise<SessionDenialRecord[]>;
  updateSessionDenial(
    id: string,
    patch: Partial<
      Pick<
        SessionDenialRecord,
        'status' | 'inPolicy' | 'inForceAt' | 'liftAt' | 'liftedAt' | 'failure' | 'endedAt' | 'sessionHours'
      >
    >,
  ): Promise<void>;

  /** Records a person's move to single sign-on; false (changing nothing) when its id or click id is taken. */
  insertLegacyMigration(migration: LegacyMigrationRecord): Promise<boolean>;
  getLegacyMigration(id: string): Promise<LegacyMigrationRecord | undefined>;
  /** Oldest first. */
  findLegacyMigrations(query: LegacyMigrationQuery): Promise<LegacyMigrationRecord[]>;
  /** false (changing nothing) when `unlessSet` names a field that is set already: a compare-and-set. */
  updateLegacyMigration(
    id: string,
    patch: LegacyMigrationPatch,
    unlessSet?: LegacyMigrationUnset,
  ): Promise<boolean>;

  /** Records a break-glass use; false (changing nothing) when its request has one already. */
  insertBreakGlass(record: BreakGlassRecord): Promise<boolean>;
  getBreakGlass(requestId: string): Promise<BreakGlassRecord | undefined>;
  /** Oldest first. */
  findBreakGlass(query: BreakGlassQuery): Promise<BreakGlassRecord[]>;
  /** false (changing nothing) when `unlessReviewed` and it was reviewed already: a compare-and-set. */
  updateBreakGlass(requestId: string, patch: BreakGlassPatch, unlessReviewed?: boolean): Promise<boolean>;
}

export interface Ledger extends LedgerTx {
  /** Runs `fn` in one transaction; a thrown error rolls everything back. Transactions never nest. */
  transaction<T>(fn: (tx: LedgerTx) => Promise<T>): Promise<T>;

  /**
   * Claims one due job (status queued, runAt <= now; or running with an expired lease) for `owner` until
   * now + leaseMs, atomically: two workers never hold the same job. undefined when nothing is due. With a
   * lane, only a job of that lane (src/access/work-lane.ts jobLane).
   */
  claimJob(owner: string, now: Date, leaseMs: number, lane?: WorkLane): Promise<JobRecord | undefined>;
  /**
   * Records a new job already claimed by `owner` until now + leaseMs, in one insert: for work its caller runs at
   * once (a click, run by the listener that acked it) and that another worker must take over only if the caller
   * dies. The dedupeKey must be fresh: a key already active is a bug and throws.
   */
  insertClaimedJob(job: NewJob, owner: string, now: Date, leaseMs: number): Promise<JobRecord>;
  /**
   * When the next job falls due: the earliest runAt of a queued job, or the earliest lease end of a job that a
   * worker other than `owner` holds (it is taken over then, if that worker died). undefined: nothing waits.
   */
  nextJobDueAt(owner: string): Promise<Date | undefined>;
  /**
   * Marks a claimed job done (only if `owner` still holds it); one asked for again while it ran is queued once
   * more, due at `now`.
   */
  completeJob(id: string, owner: string, now?: Date): Promise<void>;
  /** Gives a claimed job back to run again at `runAt` (attempts + 1), or fails it for good when `runAt` is null. */
  releaseJob(id: string, owner: string, error: string, runAt: Date | null): Promise<void>;
  findJobs(query: { statuses?: JobStatus[]; kind?: JobKind; requestId?: string }): Promise<JobRecord[]>;

  /**
   * Moves the lease of a job `owner` still holds to now + leaseMs, for work that outlasts one lease (an
   * assignment AWS takes minutes to provision). false: the lease was lost, another worker may have the job.
   */
  renewJobLease(id: string, owner: string, now: Date, leaseMs: number): Promise<boolean>;

  listAudit(query: { requestId?: string; grantId?: string; limit?: number }): Promise<AuditRecord[]>;
  /** The oldest audit events not yet posted to the audit channel (nor passed over), oldest first. */
  listUnfedAudit(limit: number): Promise<AuditRecord[]>;
  /** Marks audit events as posted to the audit channel (or passed over). */
  markAuditFed(ids: readonly number[], at: Date): Promise<void>;

  /** The cached identity of a Slack user, whatever its age (the caller judges `resolvedAt`). Optional. */
  getIdentity?(slackUserId: string): Promise<IdentityRecord | undefined>;
  /** Records (or replaces) a Slack user's identity. Optional. */
  putIdentity?(identity: IdentityRecord): Promise<void>;
  /** Drops a Slack user's cached identity (offboarded, or found stale). Optional. */
  forgetIdentity?(slackUserId: string): Promise<void>;
  /** Drops every Slack user's cached identity that is this Identity Center user (offboarded). Optional. */
  forgetUserIdentities?(userId: string): Promise<void>;

  /**
   * Says this replica is alive and counts the replicas seen within `liveWithinMs` (itself included), for sharing
   * AWS's limits between them. Optional: a ledger only one process uses needs none.
   */
  heartbeat?(replicaId: string, now: Date, liveWithinMs: number): Promise<number>;
  /** This replica stops: the others take its share at once. Optional. */
  leave?(replicaId: string): Promise<void>;

  /**
   * Records that this person opened their Home tab at `at` (kept: the latest). Optional: without it every change
   * redraws the Home of everyone it concerns.
   */
  recordHomeOpened?(slackUserId: string, at: Date): Promise<void>;
  /** Which of these people opened their Home tab at `since` or later (any replica's record). Optional. */
  homeOpenedSince?(slackUserIds: readonly string[], since: Date): Promise<string[]>;

  /** SELECT 1: for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
