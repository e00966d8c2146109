/**
 * Requests, who may approve them, and their approvals. Each function is one query (insertRequest writes the
 * request and its approver index together) on whatever it is given: the database or a transaction.
 */
import type { Kysely } from 'kysely';
import type { ApprovalRecord, RequestQuery, RequestRecord } from '../access/ledger.js';
import { canTransition, type RequestStatus } from '../domain/request.js';
import { toApprovalRecord, toApprovalRow, toJson, toRequestRecord, toRequestRow } from './mappers.js';
import type { SqlDialectName } from './dialect.js';
import type { Database } from './tables.js';
import { toIsoOrNull } from './time.js';

type Db = Kysely<Database>;

export async function insertRequest(db: Db, request: RequestRecord): Promise<void> {
  // The request and its approver index must land together, also when called outside a transaction.
  if (!db.isTransaction) return db.transaction().execute((trx) => insertRequest(trx, request));
  await db.insertInto('requests').values(toRequestRow(request)).execute();
  const approvers = [...new Set(request.approvers)];
  if (approvers.length === 0) return;
  await db
    .insertInto('request_approvers')
    .values(approvers.map((approver) => ({ request_id: request.id, approver_slack_id: approver })))
    .execute();
}

export async function getRequest(db: Db, id: string): Promise<RequestRecord | undefined> {
  const row = await db.selectFrom('requests').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toRequestRecord(row);
}

/** SELECT … FOR UPDATE on PostgreSQL; SQLite has no row locks and runs one writer at a time already. */
export async function lockRequest(
  db: Db,
  dialect: SqlDialectName,
  id: string,
): Promise<RequestRecord | undefined> {
  const row = await db
    .selectFrom('requests')
    .selectAll()
    .where('id', '=', id)
    .$if(dialect === 'postgres', (qb) => qb.forUpdate())
    .executeTakeFirst();
  return row === undefined ? undefined : toRequestRecord(row);
}

/** Newest first. An empty list in `statuses` or `kinds` matches nothing. */
export async function findRequests(db: Db, query: RequestQuery): Promise<RequestRecord[]> {
  if (query.statuses?.length === 0 || query.kinds?.length === 0) return [];
  let select = db.selectFrom('requests').selectAll();
  if (query.requesterSlackId !== undefined)
    select = select.where('requester_slack_id', '=', query.requesterSlackId);
  if (query.statuses !== undefined) select = select.where('status', 'in', query.statuses);
  if (query.kinds !== undefined) select = select.where('kind', 'in', query.kinds);
  if (query.approverSlackId !== undefined) {
    const approver = query.approverSlackId;
    // Asked per request found (its approver row, by primary key), not as the list of the approver's requests:
    // an approver of every request (a security team) has one row per request ever made.
    select = select.where((eb) =>
      eb.exists(
        eb
          .selectFrom('request_approvers')
          .select('request_approvers.request_id')
          .whereRef('request_approvers.request_id', '=', 'requests.id')
          .where('request_approvers.approver_slack_id', '=', approver),
      ),
    );
  }
  select = select.orderBy('created_at', 'desc').orderBy('id', 'desc');
  if (query.limit !== undefined) select = select.limit(query.limit);
  const rows = await select.execute();
  return rows.map(toRequestRecord);
}

export async function transitionRequest(
  db: Db,
  id: string,
  from: RequestStatus,
  to: RequestStatus,
  patch: Partial<Pick<RequestRecord, 'decidedAt' | 'details'>> = {},
): Promise<boolean> {
  if (!canTransition(from, to))
    throw new Error(`request ${id}: ${from} -> ${to} is not a request transition`);
  const result = await db
    .updateTable('requests')
    .set({
      status: to,
      ...(patch.decidedAt !== undefined && { decided_at: toIsoOrNull(patch.decidedAt) }),
      ...(patch.details !== undefined && { details: toJson(patch.details) }),
    })
    .where('id', '=', id)
    .where('status', '=', from)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export async function updateRequest(
  db: Db,
  id: string,
  patch: Partial<Pick<RequestRecord, 'card' | 'dm' | 'details'>>,
): Promise<void> {
  const set = {
    ...(patch.card !== undefined && {
      card_channel: patch.card?.channel ?? null,
      card_ts: patch.card?.ts ?? null,
    }),
    ...(patch.dm !== undefined && { dm_channel: patch.dm?.channel ?? null, dm_ts: patch.dm?.ts ?? null }),
    ...(patch.details !== undefined && { details: toJson(patch.details) }),
  };
  if (Object.keys(set).length === 0) return;
  const result = await db.updateTable('requests').set(set).where('id', '=', id).executeTakeFirst();
  if (result.numUpdatedRows !== 1n) throw new Error(`request ${id} does not exist`);
}

/** false when this approver already decided on this request: the primary key says one decision per person. */
export async function insertApproval(db: Db, approval: ApprovalRecord): Promise<boolean> {
  const result = await db
    .insertInto('approvals')
    .values(toApprovalRow(approval))
    .onConflict((oc) => oc.columns(['request_id', 'approver_slack_id']).doNothing())
    .executeTakeFirst();
  return result.numInsertedOrUpdatedRows === 1n;
}

/** Of several requests at once, each request's in the order they were given. */
export async function listApprovalsOf(db: Db, requestIds: readonly string[]): Promise<ApprovalRecord[]> {
  if (requestIds.length === 0) return [];
  const rows = await db
    .selectFrom('approvals')
    .selectAll()
    .where('request_id', 'in', [...requestIds])
    .orderBy('request_id')
    .orderBy('at')
    .orderBy('approver_slack_id')
    .execute();
  return rows.map(toApprovalRecord);
}

/** In the order they were given. */
export async function listApprovals(db: Db, requestId: string): Promise<ApprovalRecord[]> {
  const rows = await db
    .selectFrom('approvals')
    .selectAll()
    .where('request_id', '=', requestId)
    .orderBy('at')
    .orderBy('approver_slack_id')
    .execute();
  return rows.map(toApprovalRecord);
}
