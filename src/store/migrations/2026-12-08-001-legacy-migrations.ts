/**
 * Legacy IAM users moving to single sign-on (src/access/admin/migration.ts): one row per migration email, with
 * the direct message whose buttons name it, and what the person answered. The row makes the email, the
 * confirmation and the call for help happen once (compare-and-set on their columns), and lets `/access migrate`
 * list who is still waiting without reading the whole audit log.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('legacy_migrations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('click_id', 'text')
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('user_name', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('slack_user_id', 'text', (c) => c.notNull())
    .addColumn('iam_user_name', 'text', (c) => c.notNull())
    .addColumn('started_by', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('confirm_by', 'text', (c) => c.notNull())
    .addColumn('emailed_at', 'text')
    .addColumn('message_id', 'text')
    .addColumn('email_failure', 'text')
    .addColumn('dm_channel', 'text')
    .addColumn('dm_ts', 'text')
    .addColumn('confirmed_by', 'text')
    .addColumn('confirmed_at', 'text')
    .addColumn('help_asked_by', 'text')
    .addColumn('help_asked_at', 'text')
    .addColumn('help_told_at', 'text')
    .addColumn('removal_request_id', 'text')
    .execute();
  // Several rows may have no click id (NULLs are distinct in both dialects); one click makes one migration.
  await db.schema
    .createIndex('legacy_migrations_by_click')
    .on('legacy_migrations')
    .column('click_id')
    .unique()
    .execute();
  await db.schema.createIndex('legacy_migrations_by_email').on('legacy_migrations').column('email').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('legacy_migrations').execute();
}
