/**
 * Opens the ledger's database behind Kysely: embedded SQLite for one process, PostgreSQL for several replicas.
 * The queries and migrations in this folder are written for both (see dialect.ts for the two differences).
 */
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { describeConnectionError, poolConfig, type PostgresSettings } from './postgres.js';
import type { Database } from './tables.js';

export type { Database } from './tables.js';

export interface SqliteSettings {
  /** A file path, or `:memory:` for a database that lives as long as the process (tests, the sandbox). */
  path: string;
  /** How long a statement waits for another process's write lock before failing. */
  busyTimeoutMs?: number;
}

/** Where the ledger lives: a SQLite file, or a PostgreSQL server (`url`). */
export type DatabaseOptions = SqliteSettings | PostgresSettings;

export const isPostgres = (options: DatabaseOptions): options is PostgresSettings => 'url' in options;

/** A connection could not be made; the message names the server (password masked) and what to check. */
export class DatabaseUnavailableError extends Error {}

export function openDatabase(options: DatabaseOptions): Kysely<Database> {
  if (isPostgres(options)) return openPostgres(options);
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

/**
 * Connections kept apart for recording a click or a command before its ack (one insert each): in a burst the
 * work after the acks fills the main pool, and an ack must not queue behind it for Slack's 3 s.
 */
export const ACK_POOL_SIZE = 2;

/** PostgreSQL only: a second, small pool for the inserts made before an ack. SQLite has one connection. */
export function openAckDatabase(options: DatabaseOptions): Kysely<Database> | undefined {
  return isPostgres(options) ? openPostgres({ ...options, poolSize: ACK_POOL_SIZE }) : undefined;
}

function openPostgres(settings: PostgresSettings): Kysely<Database> {
  const { shown, ...config } = poolConfig(settings);
  const pool = new pg.Pool(config);
  // An idle connection the server drops (a failover, a restart) must not crash the process: the pool replaces
  // it, and the next query that fails says so where it is handled.
  pool.on('error', () => undefined);
  return new Kysely<Database>({
    dialect: new PostgresDialect({
      pool: {
        connect: async () => {
          try {
            return await pool.connect();
          } catch (error) {
            throw new DatabaseUnavailableError(describeConnectionError(error, shown), { cause: error });
          }
        },
        end: () => pool.end(),
      },
    }),
  });
}
