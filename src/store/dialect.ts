/**
 * Which SQL dialect the ledger runs on. Queries and migrations are written once for SQLite and PostgreSQL;
 * the two things they cannot say the same way are an auto-numbered column (a migration) and skipping rows
 * another transaction has locked (claiming a job: SQLite has no row locks, so nothing to skip).
 */
import { PostgresAdapter, SqliteAdapter, type Kysely } from 'kysely';

export type SqlDialectName = 'sqlite' | 'postgres';

export function dialectOf<DB>(db: Kysely<DB>): SqlDialectName {
  // Kysely marks getExecutor internal, but it is the only way to ask an instance which adapter it runs on;
  // guessing from the outside (a probe query) would abort a PostgreSQL transaction when it fails.
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof SqliteAdapter) return 'sqlite';
  if (adapter instanceof PostgresAdapter) return 'postgres';
  throw new Error(`the ledger supports SQLite and PostgreSQL, not ${adapter.constructor.name}`);
}
