/**
 * The ledger's migrations, listed here rather than found on disk: a static list works the same under tsx,
 * vitest and a compiled build. Add a new file with the next timestamp and list it below; never edit one that
 * has shipped.
 */
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as coreLedger from './2026-11-24-001-core-ledger.js';
import * as auditFeed from './2026-12-06-001-audit-feed.js';

const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '2026-11-24-001-core-ledger': coreLedger,
  '2026-12-06-001-audit-feed': auditFeed,
};

const provider: MigrationProvider = {
  getMigrations: () => Promise.resolve({ ...MIGRATIONS }),
};

/** Brings the schema up to date; a no-op when it already is. Safe to call at every start. */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<string[]> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`ledger migration ${failed} failed`, { cause: error });
  }
  return (results ?? []).map((r) => r.migrationName);
}
