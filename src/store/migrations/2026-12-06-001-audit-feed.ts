/**
 * The audit channel's feed: each audit event is posted to `channels.audit` once (a line per decision and AWS
 * change), and `fed_at` says it was. Events written before this migration count as fed: upgrading must not
 * post the whole history into the channel.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('audit_events').addColumn('fed_at', 'text').execute();
  await sql`update audit_events set fed_at = at`.execute(db);
  await db.schema.createIndex('audit_events_feed').on('audit_events').columns(['fed_at', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('audit_events_feed').execute();
  await db.schema.alterTable('audit_events').dropColumn('fed_at').execute();
}
