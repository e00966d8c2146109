/** Legacy IAM users moving to single sign-on: the record behind `/access migrate` and the person's buttons. */
import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type {
  LegacyMigrationPatch,
  LegacyMigrationQuery,
  LegacyMigrationRecord,
  LegacyMigrationUnset,
} from '../access/legacy-migrations.js';
import type { Database, LegacyMigrationsTable } from './tables.js';
import { fromIso, fromIsoOrNull, toIso, toIsoOrNull } from './time.js';

type Db = Kysely<Database>;

function toRow(m: LegacyMigrationRecord): Insertable<LegacyMigrationsTable> {
  return {
    id: m.id,
    click_id: m.clickId,
    email: m.email,
    user_id: m.userId,
    user_name: m.userName,
    display_name: m.displayName,
    slack_user_id: m.slackUserId,
    iam_user_name: m.iamUserName,
    started_by: m.startedBy,
    started_at: toIso(m.startedAt),
    confirm_by: toIso(m.confirmBy),
    emailed_at: toIsoOrNull(m.emailedAt),
    message_id: m.messageId,
    email_failure: m.emailFailure,
    dm_channel: m.dm?.channel ?? null,
    dm_ts: m.dm?.ts ?? null,
    confirmed_by: m.confirmedBy,
    confirmed_at: toIsoOrNull(m.confirmedAt),
    help_asked_by: m.helpAskedBy,
    help_asked_at: toIsoOrNull(m.helpAskedAt),
    help_told_at: toIsoOrNull(m.helpToldAt),
    removal_request_id: m.removalRequestId,
  };
}

function toRecord(row: Selectable<LegacyMigrationsTable>): LegacyMigrationRecord {
  return {
    id: row.id,
    clickId: row.click_id,
    email: row.email,
    userId: row.user_id,
    userName: row.user_name,
    displayName: row.display_name,
    slackUserId: row.slack_user_id,
    iamUserName: row.iam_user_name,
    startedBy: row.started_by,
    startedAt: fromIso(row.started_at),
    confirmBy: fromIso(row.confirm_by),
    emailedAt: fromIsoOrNull(row.emailed_at),
    messageId: row.message_id,
    emailFailure: row.email_failure,
    dm: row.dm_channel !== null && row.dm_ts !== null ? { channel: row.dm_channel, ts: row.dm_ts } : null,
    confirmedBy: row.confirmed_by,
    confirmedAt: fromIsoOrNull(row.confirmed_at),
    helpAskedBy: row.help_asked_by,
    helpAskedAt: fromIsoOrNull(row.help_asked_at),
    helpToldAt: fromIsoOrNull(row.help_told_at),
    removalRequestId: row.removal_request_id,
  };
}

export async function insertLegacyMigration(db: Db, migration: LegacyMigrationRecord): Promise<boolean> {
  // Two conflicts are possible (the id, the click id): "do nothing" without a target covers both dialects.
  const result = await db
    .insertInto('legacy_migrations')
    .values(toRow(migration))
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function getLegacyMigration(db: Db, id: string): Promise<LegacyMigrationRecord | undefined> {
  const row = await db.selectFrom('legacy_migrations').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toRecord(row);
}

export async function findLegacyMigrations(
  db: Db,
  query: LegacyMigrationQuery,
): Promise<LegacyMigrationRecord[]> {
  let q = db.selectFrom('legacy_migrations').selectAll();
  if (query.email !== undefined) q = q.where('email', '=', query.email.toLowerCase());
  if (query.clickId !== undefined) q = q.where('click_id', '=', query.clickId);
  if (query.emailed === true) q = q.where('emailed_at', 'is not', null);
  if (query.emailed === false) q = q.where('emailed_at', 'is', null);
  q = q.orderBy('started_at').orderBy('id');
  if (query.limit !== undefined) q = q.limit(query.limit);
  const rows = await q.execute();
  return rows.map(toRecord);
}

const COLUMN_OF: Record<LegacyMigrationUnset, keyof LegacyMigrationsTable> = {
  emailedAt: 'emailed_at',
  dm: 'dm_ts',
  confirmedAt: 'confirmed_at',
  helpAskedAt: 'help_asked_at',
  helpToldAt: 'help_told_at',
};

export async function updateLegacyMigration(
  db: Db,
  id: string,
  patch: LegacyMigrationPatch,
  unlessSet?: LegacyMigrationUnset,
): Promise<boolean> {
  const row = patchRow(patch);
  if (Object.keys(row).length === 0) return false;
  let q = db.updateTable('legacy_migrations').set(row).where('id', '=', id);
  if (unlessSet !== undefined) q = q.where(COLUMN_OF[unlessSet], 'is', null);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

function patchRow(patch: LegacyMigrationPatch): Updateable<LegacyMigrationsTable> {
  const row: Updateable<LegacyMigrationsTable> = {};
  if (patch.emailedAt !== undefined) row.emailed_at = toIsoOrNull(patch.emailedAt);
  if (patch.messageId !== undefined) row.message_id = patch.messageId;
  if (patch.emailFailure !== undefined) row.email_failure = patch.emailFailure;
  if (patch.dm !== undefined) {
    row.dm_channel = patch.dm?.channel ?? null;
    row.dm_ts = patch.dm?.ts ?? null;
  }
  if (patch.confirmedBy !== undefined) row.confirmed_by = patch.confirmedBy;
  if (patch.confirmedAt !== undefined) row.confirmed_at = toIsoOrNull(patch.confirmedAt);
  if (patch.helpAskedBy !== undefined) row.help_asked_by = patch.helpAskedBy;
  if (patch.helpAskedAt !== undefined) row.help_asked_at = toIsoOrNull(patch.helpAskedAt);
  if (patch.helpToldAt !== undefined) row.help_told_at = toIsoOrNull(patch.helpToldAt);
  if (patch.removalRequestId !== undefined) row.removal_request_id = patch.removalRequestId;
  return row;
}
