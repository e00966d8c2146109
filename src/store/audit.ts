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
