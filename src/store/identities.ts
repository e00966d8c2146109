/** The identity cache: which Identity Center user a Slack user is, as last resolved. */
import type { Kysely } from 'kysely';
import type { IdentityRecord } from '../access/ledger.js';
import { toIdentityRecord, toIdentityRow } from './mappers.js';
import type { Database } from './tables.js';

type Db = Kysely<Database>;

export async function getIdentity(db: Db, slackUserId: string): Promise<IdentityRecord | undefined> {
  const row = await db
    .selectFrom('identities')
    .selectAll()
    .where('slack_user_id', '=', slackUserId)
    .executeTakeFirst();
  return row === undefined ? undefined : toIdentityRecord(row);
}

/** An upsert both dialects spell the same way (ON CONFLICT … DO UPDATE with `excluded`). */
export async function putIdentity(db: Db, identity: IdentityRecord): Promise<void> {
  await db
    .insertInto('identities')
    .values(toIdentityRow(identity))
    .onConflict((oc) =>
      oc.column('slack_user_id').doUpdateSet((eb) => ({
        email: eb.ref('excluded.email'),
        user_id: eb.ref('excluded.user_id'),
        resolved_at: eb.ref('excluded.resolved_at'),
      })),
    )
    .execute();
}

export async function forgetUserIdentities(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('identities').where('user_id', '=', userId).execute();
}

export async function forgetIdentity(db: Db, slackUserId: string): Promise<void> {
  await db.deleteFrom('identities').where('slack_user_id', '=', slackUserId).execute();
}
