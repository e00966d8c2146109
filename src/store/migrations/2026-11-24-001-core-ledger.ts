/**
 * The core ledger: requests (and who may approve them), approvals, grants, jobs, audit events, and the
 * identity cache. Portable types only (text, integer, bigint); see ../tables.ts for the representation.
 */
import type { Kysely } from 'kysely';
import { dialectOf } from '../dialect.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('requester_slack_id', 'text', (c) => c.notNull())
    .addColumn('requester_email', 'text', (c) => c.notNull())
    .addColumn('requester_user_id', 'text', (c) => c.notNull())
    .addColumn('permission_set', 'text', (c) => c.notNull())
    .addColumn('permission_set_arn', 'text', (c) => c.notNull())
    .addColumn('accounts', 'text', (c) => c.notNull())
    // bigint: a PostgreSQL integer holds only 24.8 days of milliseconds.
    .addColumn('duration_ms', 'bigint')
    .addColumn('reason', 'text')
    .addColumn('approvers', 'text', (c) => c.notNull())
    .addColumn('required_approvals', 'integer', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('extends_grant_ids', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('lapses_at', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text')
    .addColumn('card_channel', 'text')
    .addColumn('card_ts', 'text')
    .addColumn('dm_channel', 'text')
    .addColumn('dm_ts', 'text')
    .execute();
  await db.schema.createIndex('requests_status').on('requests').column('status').execute();
  await db.schema
    .createIndex('requests_requester')
    .on('requests')
    .columns(['requester_slack_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('request_approvers')
    .addColumn('request_id', 'text', (c) => c.notNull().references('requests.id'))
    .addColumn('approver_slack_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('request_approvers_pk', ['request_id', 'approver_slack_id'])
    .execute();
  await db.schema
    .createIndex('request_approvers_approver')
    .on('request_approvers')
    .column('approver_slack_id')
    .execute();

  await db.schema
    .createTable('approvals')
    .addColumn('request_id', 'text', (c) => c.notNull().references('requests.id'))
    .addColumn('approver_slack_id', 'text', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    // One decision per person per request: a second click is an insert that does nothing.
    .addPrimaryKeyConstraint('approvals_pk', ['request_id', 'approver_slack_id'])
    .execute();

  await db.schema
    .createTable('grants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('request_id', 'text', (c) => c.notNull().references('requests.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('requester_slack_id', 'text', (c) => c.notNull())
    .addColumn('principal_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('account_alias', 'text', (c) => c.notNull())
    .addColumn('permission_set', 'text', (c) => c.notNull())
    .addColumn('permission_set_arn', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'text')
    .addColumn('ends_at', 'text')
    .addColumn('failure_reason', 'text')
    .addColumn('aws_request_id', 'text')
    .addColumn('created_assignment', 'integer')
    .addColumn('reminded_at', 'text')
    .addColumn('ended_at', 'text')
    .addColumn('end_reason', 'text')
    .execute();
  await db.schema.createIndex('grants_status').on('grants').column('status').execute();
  await db.schema.createIndex('grants_ends_at').on('grants').column('ends_at').execute();
  await db.schema.createIndex('grants_request').on('grants').column('request_id').execute();
  await db.schema.createIndex('grants_requester').on('grants').column('requester_slack_id').execute();
  await db.schema
    .createIndex('grants_target')
    .on('grants')
    .columns(['principal_id', 'account_id', 'permission_set_arn'])
    .execute();

  // Jobs and audit events point at requests and grants without foreign keys: they are history, written in
  // whatever order a transaction finds convenient, and must never block or be blocked by a request's row.
  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text')
    .addColumn('grant_id', 'text')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('run_at', 'text', (c) => c.notNull())
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    .addColumn('active_key', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('jobs_active_key').on('jobs').column('active_key').unique().execute();
  await db.schema.createIndex('jobs_due').on('jobs').columns(['status', 'run_at']).execute();
  await db.schema.createIndex('jobs_request').on('jobs').column('request_id').execute();

  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'integer', (c) =>
      dialectOf(db) === 'sqlite'
        ? c.primaryKey().autoIncrement()
        : c.primaryKey().generatedByDefaultAsIdentity(),
    )
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text')
    .addColumn('grant_id', 'text')
    .addColumn('details', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_events_request').on('audit_events').column('request_id').execute();
  await db.schema.createIndex('audit_events_grant').on('audit_events').column('grant_id').execute();

  await db.schema
    .createTable('identities')
    .addColumn('slack_user_id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'identities',
    'audit_events',
    'jobs',
    'grants',
    'approvals',
    'request_approvers',
    'requests',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
