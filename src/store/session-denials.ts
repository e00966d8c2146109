/** Session denials: the record of the Deny statements access-desk keeps in inline policies. */
import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { SessionDenialQuery, SessionDenialRecord } from '../access/ledger.js';
import { fromIntBoolean, toIntBoolean } from './mappers.js';
import type { Database, SessionDenialsTable } from './tables.js';
import { fromIso, fromIsoOrNull, toIso, toIsoOrNull } from './time.js';

type Db = Kysely<Database>;

function toRow(d: SessionDenialRecord): Insertable<SessionDenialsTable> {
  return {
    id: d.id,
    status: d.status,
    user_id: d.userId,
    slack_user_id: d.slackUserId,
    user_name: d.userName,
    account_id: d.accountId,
    account_alias: d.accountAlias,
    permission_set: d.permissionSet,
    permission_set_arn: d.permissionSetArn,
    ended_at: toIso(d.endedAt),
    cause: d.cause,
    request_id: d.requestId,
    grant_id: d.grantId,
    session_hours: d.sessionHours,
    in_policy: d.inPolicy ? 1 : 0,
    in_force_at: toIsoOrNull(d.inForceAt),
    lift_at: toIsoOrNull(d.liftAt),
    lifted_at: toIsoOrNull(d.liftedAt),
    failure: d.failure,
    created_at: toIso(d.createdAt),
  };
}

function toRecord(row: Selectable<SessionDenialsTable>): SessionDenialRecord {
  return {
    id: row.id,
    status: row.status,
    userId: row.user_id,
    slackUserId: row.slack_user_id,
    userName: row.user_name,
    accountId: row.account_id,
    accountAlias: row.account_alias,
    permissionSet: row.permission_set,
    permissionSetArn: row.permission_set_arn,
    endedAt: fromIso(row.ended_at),
    cause: row.cause,
    requestId: row.request_id,
    grantId: row.grant_id,
    sessionHours: Number(row.session_hours),
    inPolicy: fromIntBoolean(row.in_policy) === true,
    inForceAt: fromIsoOrNull(row.in_force_at),
    liftAt: fromIsoOrNull(row.lift_at),
    liftedAt: fromIsoOrNull(row.lifted_at),
    failure: row.failure,
    createdAt: fromIso(row.created_at),
  };
}

export async function insertSessionDenial(db: Db, denial: SessionDenialRecord): Promise<boolean> {
  const result = await db
    .insertInto('session_denials')
    .values(toRow(denial))
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function findSessionDenials(db: Db, query: SessionDenialQuery): Promise<SessionDenialRecord[]> {
  let q = db.selectFrom('session_denials').selectAll();
  if (query.statuses !== undefined) {
    if (query.statuses.length === 0) return [];
    q = q.where('status', 'in', query.statuses);
  }
  if (query.userId !== undefined) q = q.where('user_id', '=', query.userId);
  if (query.permissionSetArn !== undefined) q = q.where('permission_set_arn', '=', query.permissionSetArn);
  if (query.requestIds !== undefined) {
    if (query.requestIds.length === 0) return [];
    q = q.where('request_id', 'in', query.requestIds);
  }
  if (query.liftDueBy !== undefined) {
    q = q
      .where('lift_at', '<=', toIso(query.liftDueBy))
      .where('lifted_at', 'is', null)
      .where('in_policy', '=', 1);
  }
  const rows = await q.orderBy('created_at').orderBy('id').execute();
  return rows.map(toRecord);
}

export async function updateSessionDenial(
  db: Db,
  id: string,
  patch: Parameters<typeof patchRow>[0],
): Promise<void> {
  const row = patchRow(patch);
  if (Object.keys(row).length === 0) return;
  await db.updateTable('session_denials').set(row).where('id', '=', id).execute();
}

function patchRow(
  patch: Partial<
    Pick<
      SessionDenialRecord,
      'status' | 'inPolicy' | 'inForceAt' | 'liftAt' | 'liftedAt' | 'failure' | 'endedAt' | 'sessionHours'
    >
  >,
): Updateable<SessionDenialsTable> {
  const row: Updateable<SessionDenialsTable> = {};
  if (patch.status !== undefined) row.status = patch.status;
  if (patch.inPolicy !== undefined) row.in_policy = toIntBoolean(patch.inPolicy) ?? 0;
  if (patch.inForceAt !== undefined) row.in_force_at = toIsoOrNull(patch.inForceAt);
  if (patch.liftAt !== undefined) row.lift_at = toIsoOrNull(patch.liftAt);
  if (patch.liftedAt !== undefined) row.lifted_at = toIsoOrNull(patch.liftedAt);
  if (patch.failure !== undefined) row.failure = patch.failure;
  if (patch.endedAt !== undefined) row.ended_at = toIso(patch.endedAt);
  if (patch.sessionHours !== undefined) row.session_hours = patch.sessionHours;
  return row;
}
