/**
 * Vitest global setup: a throwaway PostgreSQL server for the whole run, so that `npm test` needs none installed
 * (embedded-postgres.ts). TEST_DATABASE_URL points the run at an existing server instead (a superuser URL: each
 * test file makes and drops its own databases).
 */
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from './embedded-postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser URL of the test PostgreSQL server (database `postgres`). */
    postgresAdminUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.TEST_DATABASE_URL?.trim();
  if (given !== undefined && given !== '') {
    project.provide('postgresAdminUrl', given);
    return () => Promise.resolve();
  }
  // A server for tests: room for every test file's pools and spawned bots, and no fsync (a crash of the machine
  // loses a test run, not data anyone keeps).
  const server = await startEmbeddedPostgres('test', [
    'max_connections=400',
    'fsync=off',
    'synchronous_commit=off',
    'full_page_writes=off',
  ]);
  project.provide('postgresAdminUrl', server.adminUrl);
  return () => server.stop();
}
