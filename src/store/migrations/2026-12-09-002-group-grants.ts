/**
 * Time-bound group memberships (src/access/group-access.ts): a grant may be a membership of an Identity Center
 * group instead of an assignment. Its group (id and name, as it was when granted) and the membership access-desk
 * made or found are kept on the grant, so that ending it removes only a membership access-desk made, and only
 * once no other grant of the same person and group still needs it. Nullable columns only: older replicas keep
 * running during a rolling upgrade.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('grants').addColumn('group_id', 'text').execute();
  await db.schema.alterTable('grants').addColumn('group_name', 'text').execute();
  await db.schema.alterTable('grants').addColumn('membership_id', 'text').execute();
  // Ending one grant looks for the others of the same person and group.
  await db.schema.createIndex('grants_by_group').on('grants').columns(['group_id', 'principal_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('grants_by_group').execute();
  await db.schema.alterTable('grants').dropColumn('membership_id').execute();
  await db.schema.alterTable('grants').dropColumn('group_name').execute();
  await db.schema.alterTable('grants').dropColumn('group_id').execute();
}
