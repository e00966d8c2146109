/** The replicas table: who runs on this ledger, and when each was last seen alive. */
import type { Kysely } from 'kysely';
import type { Database } from './tables.js';
import { toIso } from './time.js';

type Db = Kysely<Database>;

/**
 * Says this replica is alive (an upsert), forgets replicas silent for an hour, and counts those seen within
 * `liveWithinMs` (this one included).
 */
export async function heartbeat(db: Db, id: string, now: Date, liveWithinMs: number): Promise<number> {
  const seen = toIso(now);
  await db
    .insertInto('replicas')
    .values({ id, started_at: seen, seen_at: seen })
    .onConflict((oc) => oc.column('id').doUpdateSet({ seen_at: seen }))
    .execute();
  await db
    .deleteFrom('replicas')
    .where('seen_at', '<', toIso(new Date(now.getTime() - 3_600_000)))
    .execute();
  const live = await db
    .selectFrom('replicas')
    .select((eb) => eb.fn.countAll<string | number | bigint>().as('n'))
    .where('seen_at', '>=', toIso(new Date(now.getTime() - liveWithinMs)))
    .executeTakeFirstOrThrow();
  return Math.max(1, Number(live.n));
}

/** A replica that stops says so, so that the others take its share at once. */
export async function leave(db: Db, id: string): Promise<void> {
  await db.deleteFrom('replicas').where('id', '=', id).execute();
}
