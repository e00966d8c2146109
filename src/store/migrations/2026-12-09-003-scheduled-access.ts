/**
 * Scheduled access (`/access request … at <when>`): the request keeps when it starts. Approved ahead of time,
 * its provisioning job runs at this moment and its grants end this long after it; null for every other request.
 * A nullable text column (ISO 8601 UTC, as every time in the ledger): both dialects add it without a rewrite.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('requests').addColumn('starts_at', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('requests').dropColumn('starts_at').execute();
}
