/** The home_views table: when each person last opened their Home tab. */
import type { Kysely } from 'kysely';
import type { Database } from './tables.js';
import { toIso } from './time.js';

type Db = Kysely<Database>;

/** Records an open (an upsert); an older time never replaces a newer one. */
export async function recordHomeOpened(db: Db, slackUserId: string, at: Date): Promise<void> {
  const openedAt = toIso(at);
  await db
    .insertInto('home_views')
    .values({ slack_user_id: slackUserId, opened_at: openedAt })
    .onConflict((oc) =>
      oc
        .column('slack_user_id')
        .doUpdateSet({ opened_at: openedAt })
        .where('home_views.opened_at', '<', openedAt),
    )
    .execute();
}

/** Which of these people opened their Home at `since` or later. */
export async function homeOpenedSince(
  db: Db,
  slackUserIds: readonly string[],
  since: Date,
): Promise<string[]> {
  if (slackUserIds.length === 0) return [];
  const rows = await db
    .selectFrom('home_views')
    .select('slack_user_id')
    .where('slack_user_id', 'in', [...slackUserIds])
    .where('opened_at', '>=', toIso(since))
    .execute();
  return rows.map((r) => r.slack_user_id);
}
