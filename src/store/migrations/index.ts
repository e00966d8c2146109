/**
 * The ledger's migrations, listed here rather than found on disk: a static list works the same under tsx,
 * vitest and a compiled build. Add a new file with the next timestamp and list it below; never edit one that
 * has shipped. A migration only adds (tables, nullable or defaulted columns, indexes), never drops or renames:
 * during a rolling upgrade the older replicas keep running on the migrated schema until they are replaced.
 */
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { dialectOf } from '../dialect.js';
import * as coreLedger from './2026-11-24-001-core-ledger.js';
import * as auditFeed from './2026-12-06-001-audit-feed.js';
import * as jobRerun from './2026-12-07-001-job-rerun.js';
import * as replicas from './2026-12-07-002-replicas.js';
import * as sessionDenials from './2026-12-07-003-session-denials.js';
import * as legacyMigrations from './2026-12-08-001-legacy-migrations.js';
import * as groupGrants from './2026-12-09-002-group-grants.js';
import * as breakGlass from './2026-12-09-001-break-glass.js';
import * as scheduledAccess from './2026-12-09-003-scheduled-access.js';
import * as homeViews from './2026-12-09-004-home-views.js';
import * as jobLanes from './2026-12-10-002-job-lanes.js';
import * as ledgerIndexes from './2026-12-10-003-ledger-indexes.js';

const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '2026-11-24-001-core-ledger': coreLedger,
  '2026-12-06-001-audit-feed': auditFeed,
  '2026-12-07-001-job-rerun': jobRerun,
  '2026-12-07-002-replicas': replicas,
  '2026-12-07-003-session-denials': sessionDenials,
  '2026-12-08-001-legacy-migrations': legacyMigrations,
  '2026-12-09-002-group-grants': groupGrants,
  '2026-12-09-001-break-glass': breakGlass,
  '2026-12-09-003-scheduled-access': scheduledAccess,
  '2026-12-09-004-home-views': homeViews,
  '2026-12-10-002-job-lanes': jobLanes,
  '2026-12-10-003-ledger-indexes': ledgerIndexes,
};

const provider: MigrationProvider = {
  getMigrations: () => Promise.resolve({ ...MIGRATIONS }),
};

/** The names this version knows, oldest first. */
export const KNOWN_MIGRATIONS: readonly string[] = Object.keys(MIGRATIONS).sort();

/** The ledger's schema is newer than this version of access-desk: it must not run on it. */
export class SchemaTooNewError extends Error {}

/** Any 64-bit number of our own: the session lock every replica takes to migrate, one after another. */
const MIGRATION_LOCK = 7_160_228_351_104_421n;

/**
 * Brings the schema up to date; a no-op when it already is. Safe to call at every start, and on PostgreSQL from
 * several replicas starting at once: each takes the same advisory lock on one connection, so the first migrates
 * and the others find nothing left to do. A schema migrated by a newer version (a migration this one does not
 * know) is refused before anything is changed.
 */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<string[]> {
  if (dialectOf(db) === 'sqlite') return migrate(db);
  return db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${sql.lit(MIGRATION_LOCK)})`.execute(connection);
    try {
      return await migrate(connection);
    } finally {
      await sql`select pg_advisory_unlock(${sql.lit(MIGRATION_LOCK)})`.execute(connection);
    }
  });
}

async function migrate<DB>(db: Kysely<DB>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const known = new Set(KNOWN_MIGRATIONS);
  // getMigrations lists only the migrations this version has; the table may hold more.
  const executed = await executedMigrationNames(db);
  const unknown = executed.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new SchemaTooNewError(
      `the ledger was migrated by a newer version of access-desk (migration ${unknown.join(', ')} is unknown to this one, which knows up to ${KNOWN_MIGRATIONS.at(-1)}): run the newer version, or restore the database from before the upgrade`,
    );
  }
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`ledger migration ${failed} failed`, { cause: error });
  }
  return (results ?? []).map((r) => r.migrationName);
}

/** The names in Kysely's migration table, or none when it does not exist yet (a new database). */
async function executedMigrationNames<DB>(db: Kysely<DB>): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((t) => t.name === 'kysely_migration')) return [];
  const result = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
  return result.rows.map((r) => r.name);
}
