/** The audit trail: append-only, numbered in the order events were written. */
import type { Kysely } from 'kysely';
import type { AuditEvent, AuditRecord } from '../access/ledger.js';
import { toAuditRecord, toJson } from './mappers.js';
import type { Database } from './tables.js';
import { toIso } from './time.js';

type Db = Kysely<Database>;

export interface AuditQuery {
  requestId?: string;
  grantId?: string;
  limit?: number;
}

export async function appendAudit(db: Db, event: AuditEvent): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      at: toIso(event.at),
      actor: event.actor,
      action: event.action,
      request_id: event.requestId ?? null,
      grant_id: event.grantId ?? null,
      details: toJson(event.details ?? {}),
    })
    .execute();
}

/**
 * Oldest first. With a limit, the most recent `limit` events (still oldest first): what a card's history or
 * an admin's look at the trail wants.
 */
export async function listAudit(db: Db, query: AuditQuery): Promise<AuditRecord[]> {
  let select = db.selectFrom('audit_events').selectAll();
  if (query.requestId !== undefined) select = select.where('request_id', '=', query.requestId);
  if (query.grantId !== undefined) select = select.where('grant_id', '=', query.grantId);
  select = select.orderBy('id', 'desc');
  if (query.limit !== undefined) select = select.limit(query.limit);
  const rows = await select.execute();
  return rows.reverse().map(toAuditRecord);
}

/** The oldest events not yet fed to the audit channel, oldest first. */
export async function listUnfedAudit(db: Db, limit: number): Promise<AuditRecord[]> {
  const rows = await db
    .selectFrom('audit_events')
    .selectAll()
    .where('fed_at', 'is', null)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toAuditRecord);
}

/** Marks events fed; an event already marked keeps its first time. */
export async function markAuditFed(db: Db, ids: readonly number[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('audit_events')
    .set({ fed_at: toIso(at) })
    .where('id', 'in', [...ids])
    .where('fed_at', 'is', null)
    .execute();
}
