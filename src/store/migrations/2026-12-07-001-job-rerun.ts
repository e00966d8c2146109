/**
 * A job asked for again while it runs is run once more when it finishes (`rerun`): a Home tab drawn while its
 * person's requests kept changing is drawn again, on whichever replica runs it, and never two at once.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('jobs')
    .addColumn('rerun', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('jobs').dropColumn('rerun').execute();
}
