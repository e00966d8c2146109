/**
 * Rows to records and back: the only place that knows both shapes. Everything the store returns goes out
 * through here, so no row (snake_case, ISO text, JSON text, 0/1) ever reaches the access service.
 */
import type { Insertable, Selectable } from 'kysely';
import type {
  AccountRef,
  ApprovalRecord,
  AuditRecord,
  CardRef,
  GrantRecord,
  IdentityRecord,
  JobRecord,
  RequestRecord,
} from '../access/ledger.js';
import type {
  ApprovalsTable,
  AuditEventsTable,
  GrantsTable,
  IdentitiesTable,
  IntBoolean,
  JobsTable,
  JsonText,
  RequestsTable,
} from './tables.js';
import { fromIso, fromIsoOrNull, toIso, toIsoOrNull } from './time.js';

export function toJson(value: unknown): JsonText {
  return JSON.stringify(value);
}

/** The text was written by toJson from a value of type T: the store is its only writer. */
export function fromJson<T>(text: JsonText): T {
  return JSON.parse(text) as T;
}

export function toIntBoolean(value: boolean | null): IntBoolean | null {
  if (value === null) return null;
  return value ? 1 : 0;
}

export function fromIntBoolean(value: number | null): boolean | null {
  return value === null ? null : value !== 0;
}

function toCard(channel: string | null, ts: string | null): CardRef | null {
  return channel === null || ts === null ? null : { channel, ts };
}

export function toRequestRow(r: RequestRecord): Insertable<RequestsTable> {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    requester_slack_id: r.requesterSlackId,
    requester_email: r.requesterEmail,
    requester_user_id: r.requesterUserId,
    permission_set: r.permissionSet,
    permission_set_arn: r.permissionSetArn,
    accounts: toJson(r.accounts),
    duration_ms: r.durationMs,
    reason: r.reason,
    approvers: toJson(r.approvers),
    required_approvals: r.requiredApprovals,
    channel: r.channel,
    extends_grant_ids: toJson(r.extendsGrantIds),
    details: toJson(r.details),
    created_at: toIso(r.createdAt),
    lapses_at: toIso(r.lapsesAt),
    decided_at: toIsoOrNull(r.decidedAt),
    starts_at: toIsoOrNull(r.startsAt ?? null),
    card_channel: r.card?.channel ?? null,
    card_ts: r.card?.ts ?? null,
    dm_channel: r.dm?.channel ?? null,
    dm_ts: r.dm?.ts ?? null,
  };
}

export function toRequestRecord(row: Selectable<RequestsTable>): RequestRecord {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    requesterSlackId: row.requester_slack_id,
    requesterEmail: row.requester_email,
    requesterUserId: row.requester_user_id,
    permissionSet: row.permission_set,
    permissionSetArn: row.permission_set_arn,
    accounts: fromJson<AccountRef[]>(row.accounts),
    durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
    reason: row.reason,
    approvers: fromJson<string[]>(row.approvers),
    requiredApprovals: row.required_approvals,
    channel: row.channel,
    extendsGrantIds: fromJson<string[]>(row.extends_grant_ids),
    details: fromJson<Record<string, unknown>>(row.details),
    createdAt: fromIso(row.created_at),
    lapsesAt: fromIso(row.lapses_at),
    decidedAt: fromIsoOrNull(row.decided_at),
    // Only scheduled requests carry it: every other request reads back exactly as it was written.
    ...(row.starts_at !== null && row.starts_at !== undefined && { startsAt: fromIso(row.starts_at) }),
    card: toCard(row.card_channel, row.card_ts),
    dm: toCard(row.dm_channel, row.dm_ts),
  };
}

export function toApprovalRow(a: ApprovalRecord): Insertable<ApprovalsTable> {
  return {
    request_id: a.requestId,
    approver_slack_id: a.approverSlackId,
    decision: a.decision,
    reason: a.reason,
    at: toIso(a.at),
  };
}

export function toApprovalRecord(row: Selectable<ApprovalsTable>): ApprovalRecord {
  return {
    requestId: row.request_id,
    approverSlackId: row.approver_slack_id,
    decision: row.decision,
    reason: row.reason,
    at: fromIso(row.at),
  };
}

export function toGrantRow(g: GrantRecord): Insertable<GrantsTable> {
  return {
    id: g.id,
    request_id: g.requestId,
    status: g.status,
    requester_slack_id: g.requesterSlackId,
    principal_id: g.principalId,
    account_id: g.accountId,
    account_alias: g.accountAlias,
    permission_set: g.permissionSet,
    permission_set_arn: g.permissionSetArn,
    starts_at: toIsoOrNull(g.startsAt),
    ends_at: toIsoOrNull(g.endsAt),
    failure_reason: g.failureReason,
    aws_request_id: g.awsRequestId,
    created_assignment: toIntBoolean(g.createdAssignment),
    reminded_at: toIsoOrNull(g.remindedAt),
    ended_at: toIsoOrNull(g.endedAt),
    end_reason: g.endReason,
    group_id: g.group?.id ?? null,
    group_name: g.group?.name ?? null,
    membership_id: g.group?.membershipId ?? null,
  };
}

export function toGrantRecord(row: Selectable<GrantsTable>): GrantRecord {
  return {
    id: row.id,
    requestId: row.request_id,
    status: row.status,
    requesterSlackId: row.requester_slack_id,
    principalId: row.principal_id,
    accountId: row.account_id,
    accountAlias: row.account_alias,
    permissionSet: row.permission_set,
    permissionSetArn: row.permission_set_arn,
    startsAt: fromIsoOrNull(row.starts_at),
    endsAt: fromIsoOrNull(row.ends_at),
    failureReason: row.failure_reason,
    awsRequestId: row.aws_request_id,
    createdAssignment: fromIntBoolean(row.created_assignment),
    remindedAt: fromIsoOrNull(row.reminded_at),
    endedAt: fromIsoOrNull(row.ended_at),
    endReason: row.end_reason,
    ...(row.group_id !== null && row.group_id !== undefined
      ? { group: { id: row.group_id, name: row.group_name ?? row.group_id, membershipId: row.membership_id } }
      : {}),
  };
}

export function toJobRecord(row: Selectable<JobsTable>): JobRecord {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    requestId: row.request_id,
    grantId: row.grant_id,
    payload: fromJson<Record<string, unknown>>(row.payload),
    runAt: fromIso(row.run_at),
    dedupeKey: row.dedupe_key,
    attempts: row.attempts,
    leaseOwner: row.lease_owner,
    leaseUntil: fromIsoOrNull(row.lease_until),
    lastError: row.last_error,
    createdAt: fromIso(row.created_at),
  };
}

export function toAuditRecord(row: Selectable<AuditEventsTable>): AuditRecord {
  return {
    id: row.id,
    at: fromIso(row.at),
    actor: row.actor,
    action: row.action,
    requestId: row.request_id,
    grantId: row.grant_id,
    details: fromJson<Record<string, unknown>>(row.details),
  };
}

export function toIdentityRow(i: IdentityRecord): Insertable<IdentitiesTable> {
  return {
    slack_user_id: i.slackUserId,
    email: i.email,
    user_id: i.userId,
    resolved_at: toIso(i.resolvedAt),
  };
}

export function toIdentityRecord(row: Selectable<IdentitiesTable>): IdentityRecord {
  return {
    slackUserId: row.slack_user_id,
    email: row.email,
    userId: row.user_id,
    resolvedAt: fromIso(row.resolved_at),
  };
}
