/**
 * A database of its own for a test on the run's PostgreSQL server (see postgres-server.ts): made empty, dropped
 * afterwards. The URL carries the password, as DATABASE_URL does in production.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

export interface TestDatabase {
  name: string;
  url: string;
  /** Drops it, ending any connection still open to it. */
  drop(): Promise<void>;
}

export function postgresAdminUrl(): string {
  return inject('postgresAdminUrl');
}

/** The admin URL with another database in its path. */
export function urlFor(database: string, adminUrl = postgresAdminUrl()): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function asAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresAdminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `access_desk_test_${randomBytes(6).toString('hex')}`;
  await asAdmin((client) => client.query(`create database ${name}`));
  return {
    name,
    url: urlFor(name),
    drop: () =>
      asAdmin((client) => client.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}
