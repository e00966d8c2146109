/**
 * When each person last opened their Home tab: a change redraws only the Homes looked at lately (the others are
 * drawn fresh when next opened), so that a burst of requests does not spend AWS's read budget on tabs nobody
 * watches. Shared by every replica: the open one replica saw makes another replica's redraw publish.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('home_views')
    .addColumn('slack_user_id', 'text', (c) => c.primaryKey())
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('home_views').execute();
}
