/**
 * Opens the embedded SQLite database behind Kysely. PostgreSQL (for several replicas) would be another
 * `Kysely<Database>` over PostgresDialect: the queries and migrations in this folder are written for both.
 */
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './tables.js';

export type { Database } from './tables.js';

export interface DatabaseOptions {
  /** A file path, or `:memory:` for a database that lives as long as the process (tests, the sandbox). */
  path: string;
  /** How long a statement waits for another process's write lock before failing. */
  busyTimeoutMs?: number;
}

export function openDatabase(options: DatabaseOptions): Kysely<Database> {
  const sqlite = new SQLite(options.path);
  // WAL lets readers go on while one writer commits; it means nothing for an in-memory database.
  if (options.path !== ':memory:') sqlite.pragma('journal_mode = WAL');
  // SQLite leaves foreign keys off unless each connection asks.
  sqlite.pragma('foreign_keys = ON');
  // Another process on the same file (an overlapping deploy, a CLI) waits instead of failing at once.
  sqlite.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
  // SqliteDialect keeps one connection and a mutex: one transaction at a time in this process.
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}
