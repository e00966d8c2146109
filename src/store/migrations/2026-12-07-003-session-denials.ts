/**
 * Session denials: the temporary Deny statements access-desk keeps in permission sets' inline policies so that
 * sessions already open end with the access (src/access/sessions.ts). The ledger is their record; the policies
 * are rewritten from it.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('session_denials')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('slack_user_id', 'text')
    .addColumn('user_name', 'text')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('account_alias', 'text', (c) => c.notNull())
    .addColumn('permission_set', 'text', (c) => c.notNull())
    .addColumn('permission_set_arn', 'text', (c) => c.notNull())
    .addColumn('ended_at', 'text', (c) => c.notNull())
    .addColumn('cause', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text')
    .addColumn('grant_id', 'text')
    .addColumn('session_hours', 'integer', (c) => c.notNull())
    .addColumn('in_policy', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('in_force_at', 'text')
    .addColumn('lift_at', 'text')
    .addColumn('lifted_at', 'text')
    .addColumn('failure', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('session_denials_by_status')
    .on('session_denials')
    .columns(['status', 'lift_at'])
    .execute();
  await db.schema
    .createIndex('session_denials_by_set')
    .on('session_denials')
    .columns(['permission_set_arn', 'status'])
    .execute();
  await db.schema.createIndex('session_denials_by_user').on('session_denials').column('user_id').execute();
  await db.schema
    .createIndex('session_denials_by_request')
    .on('session_denials')
    .column('request_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('session_denials').execute();
}
