/** Break-glass uses: the record behind the per-day limit, the review, the reminders and the audit's list. */
import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { BreakGlassPatch, BreakGlassQuery, BreakGlassRecord } from '../access/break-glass-ledger.js';
import type { BreakGlassTable, Database } from './tables.js';
import { fromIso, fromIsoOrNull, toIso, toIsoOrNull } from './time.js';

type Db = Kysely<Database>;

function toRow(r: BreakGlassRecord): Insertable<BreakGlassTable> {
  return {
    request_id: r.requestId,
    user_id: r.userId,
    requester_slack_id: r.requesterSlackId,
    created_at: toIso(r.createdAt),
    security_channel: r.securityCard?.channel ?? null,
    security_ts: r.securityCard?.ts ?? null,
    reviewed_by: r.reviewedBy,
    reviewed_at: toIsoOrNull(r.reviewedAt),
    outcome: r.outcome,
    reminded_at: toIsoOrNull(r.remindedAt),
  };
}

function toRecord(row: Selectable<BreakGlassTable>): BreakGlassRecord {
  return {
    requestId: row.request_id,
    userId: row.user_id,
    requesterSlackId: row.requester_slack_id,
    createdAt: fromIso(row.created_at),
    securityCard:
      row.security_channel !== null && row.security_ts !== null
        ? { channel: row.security_channel, ts: row.security_ts }
        : null,
    reviewedBy: row.reviewed_by,
    reviewedAt: fromIsoOrNull(row.reviewed_at),
    outcome: row.outcome === 'reviewed' || row.outcome === 'ended' ? row.outcome : null,
    remindedAt: fromIsoOrNull(row.reminded_at),
  };
}

export async function insertBreakGlass(db: Db, record: BreakGlassRecord): Promise<boolean> {
  const result = await db
    .insertInto('break_glass')
    .values(toRow(record))
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function getBreakGlass(db: Db, requestId: string): Promise<BreakGlassRecord | undefined> {
  const row = await db
    .selectFrom('break_glass')
    .selectAll()
    .where('request_id', '=', requestId)
    .executeTakeFirst();
  return row === undefined ? undefined : toRecord(row);
}

export async function findBreakGlass(db: Db, query: BreakGlassQuery): Promise<BreakGlassRecord[]> {
  if (query.requestIds !== undefined && query.requestIds.length === 0) return [];
  let q = db.selectFrom('break_glass').selectAll();
  if (query.userId !== undefined) q = q.where('user_id', '=', query.userId);
  if (query.since !== undefined) q = q.where('created_at', '>=', toIso(query.since));
  if (query.unreviewed === true) q = q.where('reviewed_at', 'is', null);
  if (query.requestIds !== undefined) q = q.where('request_id', 'in', query.requestIds);
  const rows = await q.orderBy('created_at').orderBy('request_id').execute();
  return rows.map(toRecord);
}

/**
 * Applies `patch`; with `unlessReviewed`, only while nobody has reviewed it (a compare-and-set: of two approvers
 * pressing at once, one review counts). false when nothing changed.
 */
export async function updateBreakGlass(
  db: Db,
  requestId: string,
  patch: BreakGlassPatch,
  unlessReviewed = false,
): Promise<boolean> {
  const row: Updateable<BreakGlassTable> = {};
  if (patch.securityCard !== undefined) {
    row.security_channel = patch.securityCard?.channel ?? null;
    row.security_ts = patch.securityCard?.ts ?? null;
  }
  if (patch.reviewedBy !== undefined) row.reviewed_by = patch.reviewedBy;
  if (patch.reviewedAt !== undefined) row.reviewed_at = toIsoOrNull(patch.reviewedAt);
  if (patch.outcome !== undefined) row.outcome = patch.outcome;
  if (patch.remindedAt !== undefined) row.reminded_at = toIsoOrNull(patch.remindedAt);
  if (Object.keys(row).length === 0) return false;
  let q = db.updateTable('break_glass').set(row).where('request_id', '=', requestId);
  if (unlessReviewed) q = q.where('reviewed_at', 'is', null);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
