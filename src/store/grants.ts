/** Grants: one per account of an access request. Each function is one query on the database or a transaction. */
import type { Kysely } from 'kysely';
import type { GrantQuery, GrantRecord } from '../access/ledger.js';
import { canTransitionGrant, type GrantStatus } from '../domain/request.js';
import { toGrantRecord, toGrantRow, toIntBoolean } from './mappers.js';
import type { SqlDialectName } from './dialect.js';
import type { Database } from './tables.js';
import { toIso, toIsoOrNull } from './time.js';

type Db = Kysely<Database>;

type GrantTransitionPatch = Partial<
  Pick<
    GrantRecord,
    'startsAt' | 'endsAt' | 'failureReason' | 'awsRequestId' | 'createdAssignment' | 'endedAt' | 'endReason'
  >
>;

type GrantUpdatePatch = Partial<
  Pick<GrantRecord, 'awsRequestId' | 'remindedAt' | 'endsAt' | 'createdAssignment'>
> & { membershipId?: string | null };

export async function insertGrant(db: Db, grant: GrantRecord): Promise<void> {
  await db.insertInto('grants').values(toGrantRow(grant)).execute();
}

export async function getGrant(db: Db, id: string): Promise<GrantRecord | undefined> {
  const row = await db.selectFrom('grants').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toGrantRecord(row);
}

/** SELECT … FOR UPDATE on PostgreSQL; SQLite has no row locks and runs one writer at a time already. */
export async function lockGrant(
  db: Db,
  dialect: SqlDialectName,
  id: string,
): Promise<GrantRecord | undefined> {
  const row = await db
    .selectFrom('grants')
    .selectAll()
    .where('id', '=', id)
    .$if(dialect === 'postgres', (qb) => qb.forUpdate())
    .executeTakeFirst();
  return row === undefined ? undefined : toGrantRecord(row);
}

/** Soonest end first, permanent grants last. An empty `statuses` matches nothing. */
export async function findGrants(db: Db, query: GrantQuery): Promise<GrantRecord[]> {
  if (query.statuses?.length === 0 || query.requestIds?.length === 0) return [];
  let select = db.selectFrom('grants').selectAll();
  if (query.requestIds !== undefined) select = select.where('request_id', 'in', query.requestIds);
  if (query.requesterSlackId !== undefined)
    select = select.where('requester_slack_id', '=', query.requesterSlackId);
  if (query.principalId !== undefined) select = select.where('principal_id', '=', query.principalId);
  if (query.accountId !== undefined) select = select.where('account_id', '=', query.accountId);
  if (query.permissionSetArn !== undefined)
    select = select.where('permission_set_arn', '=', query.permissionSetArn);
  if (query.statuses !== undefined) select = select.where('status', 'in', query.statuses);
  if (query.requestId !== undefined) select = select.where('request_id', '=', query.requestId);
  // A NULL ends_at (permanent) never compares true, so permanent grants are never "due".
  if (query.endsAtOrBefore !== undefined) select = select.where('ends_at', '<=', toIso(query.endsAtOrBefore));
  if (query.notReminded === true) select = select.where('reminded_at', 'is', null);
  if (query.groupId !== undefined) select = select.where('group_id', '=', query.groupId);
  const rows = await select
    // The dialects sort NULLs at opposite ends; sorting on "is null" first puts them last in both.
    .orderBy((eb) => eb('ends_at', 'is', null))
    .orderBy('ends_at')
    .orderBy('id')
    .execute();
  return rows.map(toGrantRecord);
}

export async function transitionGrant(
  db: Db,
  id: string,
  from: GrantStatus,
  to: GrantStatus,
  patch: GrantTransitionPatch = {},
): Promise<boolean> {
  if (!canTransitionGrant(from, to))
    throw new Error(`grant ${id}: ${from} -> ${to} is not a grant transition`);
  const result = await db
    .updateTable('grants')
    .set({
      status: to,
      ...(patch.startsAt !== undefined && { starts_at: toIsoOrNull(patch.startsAt) }),
      ...(patch.endsAt !== undefined && { ends_at: toIsoOrNull(patch.endsAt) }),
      ...(patch.failureReason !== undefined && { failure_reason: patch.failureReason }),
      ...(patch.awsRequestId !== undefined && { aws_request_id: patch.awsRequestId }),
      ...(patch.createdAssignment !== undefined && {
        created_assignment: toIntBoolean(patch.createdAssignment),
      }),
      ...(patch.endedAt !== undefined && { ended_at: toIsoOrNull(patch.endedAt) }),
      ...(patch.endReason !== undefined && { end_reason: patch.endReason }),
    })
    .where('id', '=', id)
    .where('status', '=', from)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export async function updateGrant(db: Db, id: string, patch: GrantUpdatePatch): Promise<void> {
  const set = {
    ...(patch.awsRequestId !== undefined && { aws_request_id: patch.awsRequestId }),
    ...(patch.remindedAt !== undefined && { reminded_at: toIsoOrNull(patch.remindedAt) }),
    ...(patch.endsAt !== undefined && { ends_at: toIsoOrNull(patch.endsAt) }),
    ...(patch.createdAssignment !== undefined && {
      created_assignment: toIntBoolean(patch.createdAssignment),
    }),
    ...(patch.membershipId !== undefined && { membership_id: patch.membershipId }),
  };
  if (Object.keys(set).length === 0) return;
  const result = await db.updateTable('grants').set(set).where('id', '=', id).executeTakeFirst();
  if (result.numUpdatedRows !== 1n) throw new Error(`grant ${id} does not exist`);
}
