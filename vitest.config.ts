import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/support/loopback-only.ts'],
    // One throwaway PostgreSQL server for the run (or TEST_DATABASE_URL's): the store's tests and the replicas'.
    globalSetup: ['test/support/postgres-server.ts'],
    environment: 'node',
    // The SDK's notice that its releases after January 2027 need Node 22 (FACTS.md), once per worker: noise here.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The emulator enforces AWS's rate limits per process; files run in parallel workers.
    pool: 'forks',
  },
});
