/**
 * Each job's lane (src/access/work-lane.ts): people's jobs (provisioning, revocations, clicks) are claimed before
 * background ones (grants ending by expiry, the audit, reminders, Home tabs), and a few of the job runner's slots
 * are kept for them, so that a mass expiry does not queue an approval behind a thousand deletions. Jobs queued
 * before this migration are interactive, as they ran before; the index serves the claim of one lane's due jobs.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('jobs')
    .addColumn('lane', 'text', (c) => c.notNull().defaultTo('interactive'))
    .execute();
  // Expiries already queued by an older replica go to the background lane, as new ones do.
  await sql`update jobs set lane = 'background'
            where status in ('queued', 'running')
              and (kind in ('audit', 'home', 'remind_approvers', 'end_sessions')
                   or (kind = 'end_grant' and payload like '%"reason":"expired"%'))`.execute(db);
  await db.schema.createIndex('jobs_due_by_lane').on('jobs').columns(['lane', 'status', 'run_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('jobs_due_by_lane').execute();
  await db.schema.alterTable('jobs').dropColumn('lane').execute();
}
