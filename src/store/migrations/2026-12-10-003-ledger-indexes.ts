/**
 * Indexes for the ledger at an organisation's size (a year of 20,000 people: 100,000 grants, 1,000,000 audit
 * events): each read behind `/access pending`, the Home tab and expiry finds its rows through an index instead
 * of reading a person's whole history, every active grant, or every session denial. Measured by bench/ledger.ts;
 * the plans are shown by test/integration/ledger-indexes.test.ts.
 *
 * - a person's open requests: requester, then status (a heavy requester has thousands). PostgreSQL seeks it;
 *   SQLite, planning without statistics, keeps to requests_requester, which also serves `made-by-click`'s newest 50;
 * - the pending requests the scheduler reads on every tick, already in the order it lists them;
 * - a person's active grants (the Home tab's "My access" and group memberships): requester, status, end;
 * - the grants due to end or to be reminded: active ones by end time, not every active one. SQLite gets
 *   (status, ends_at): it plans a statement before its values are bound, so it cannot match a partial index's
 *   `status = 'active'` to the query's `status in (?)`. PostgreSQL plans with the values, but misjudges how many
 *   active grants have ended (most grants that ended long ago are not active) and prefers grants_status, reading
 *   every active grant: it gets the partial index of active grants by end instead, which it does choose;
 * - the session denials due to be lifted: only the ones not lifted yet (partial), by when they lift.
 *
 * Only adds, as every migration: the older single-column indexes stay for the replicas still running them.
 */
import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../dialect.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('requests_by_requester_status')
    .on('requests')
    .columns(['requester_slack_id', 'status', 'created_at'])
    .execute();
  await db.schema
    .createIndex('requests_by_status_created')
    .on('requests')
    .columns(['status', 'created_at'])
    .execute();
  await db.schema
    .createIndex('grants_by_requester_status')
    .on('grants')
    .columns(['requester_slack_id', 'status', 'ends_at'])
    .execute();
  if (dialectOf(db) === 'sqlite') {
    await db.schema.createIndex('grants_by_status_end').on('grants').columns(['status', 'ends_at']).execute();
  } else {
    await db.schema
      .createIndex('grants_active_by_end')
      .on('grants')
      .column('ends_at')
      .where(sql.ref('status'), '=', 'active')
      .execute();
  }
  await db.schema
    .createIndex('session_denials_lift_due')
    .on('session_denials')
    .column('lift_at')
    .where(sql.ref('lifted_at'), 'is', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of [
    'session_denials_lift_due',
    dialectOf(db) === 'sqlite' ? 'grants_by_status_end' : 'grants_active_by_end',
    'grants_by_requester_status',
    'requests_by_status_created',
    'requests_by_requester_status',
  ]) {
    await db.schema.dropIndex(index).execute();
  }
}
