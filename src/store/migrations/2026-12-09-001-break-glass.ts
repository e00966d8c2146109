/**
 * Break-glass uses (src/access/break-glass.ts): one row per request taken at once, kept apart from the request
 * so that the per-day limit can count a person's uses across their Slack accounts (by Identity Center user), the
 * reminders and the audit can find the uses nobody has reviewed, and a review is a compare-and-set on its
 * columns (two approvers pressing at once: one review).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('break_glass')
    .addColumn('request_id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('requester_slack_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('security_channel', 'text')
    .addColumn('security_ts', 'text')
    .addColumn('reviewed_by', 'text')
    .addColumn('reviewed_at', 'text')
    .addColumn('outcome', 'text')
    .addColumn('reminded_at', 'text')
    .execute();
  await db.schema
    .createIndex('break_glass_by_user')
    .on('break_glass')
    .columns(['user_id', 'created_at'])
    .execute();
  await db.schema.createIndex('break_glass_by_review').on('break_glass').column('reviewed_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('break_glass').execute();
}
