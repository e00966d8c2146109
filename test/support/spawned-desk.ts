/**
 * access-desk as a real process (`node --import tsx src/main.ts`, HTTP mode) against the emulator and a fake
 * Slack Web API running in the test process, on a SQLite file the test reads too (or a PostgreSQL database, for
 * several replicas at once): for tests that kill it with SIGKILL and start it again on the same ledger.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { SlackTarget } from './slack-requests.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MAIN = path.join(ROOT, 'src/main.ts');
const TSX = path.join(ROOT, 'node_modules/tsx/dist/loader.mjs');
const EXAMPLE = path.join(ROOT, 'access-desk.example.yml');

export const SPAWNED_SIGNING_SECRET = 'spawned-signing-secret-0123456789';

export interface SpawnedDesk {
  child: ChildProcess;
  target: SlackTarget;
  /** What it printed, for a failure message. */
  output: { stdout: string; stderr: string };
  /** SIGKILL: no handler runs, nothing is flushed or closed. Resolves once the process is gone. */
  kill(): Promise<void>;
}

export interface DeskFiles {
  /** The SQLite ledger both processes use (unused when `databaseUrl` is set). */
  database: string;
  /** A PostgreSQL ledger instead (DATABASE_URL), for several replicas at once. */
  databaseUrl?: string;
  /** The example config, pointed at `database`, with `edit` applied to its YAML. */
  config: string;
}

export function deskFiles(edit: (yaml: string) => string = (y) => y, databaseUrl?: string): DeskFiles {
  const folder = mkdtempSync(path.join(tmpdir(), 'access-desk-crash-'));
  const database = path.join(folder, 'ledger.sqlite');
  const config = path.join(folder, 'access-desk.yml');
  const yaml = readFileSync(EXAMPLE, 'utf8').replace('path: access-desk.sqlite', `path: ${database}`);
  writeFileSync(config, edit(yaml));
  return { database, config, ...(databaseUrl !== undefined && { databaseUrl }) };
}

/** Starts the bot and resolves once it has printed its start-up line (it then serves /slack/events). */
export async function spawnDesk(
  files: DeskFiles,
  endpoints: { slackApiUrl: string; awsEndpoint: string },
): Promise<SpawnedDesk> {
  const child = spawn(process.execPath, ['--import', TSX, MAIN], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: mkdtempSync(path.join(tmpdir(), 'access-desk-home-')),
      LOG_LEVEL: 'silent',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ACCESS_DESK_CONFIG: files.config,
      SLACK_BOT_TOKEN: 'xoxb-spawned',
      SLACK_SIGNING_SECRET: SPAWNED_SIGNING_SECRET,
      SLACK_API_URL: endpoints.slackApiUrl,
      AWS_ENDPOINT_URL: endpoints.awsEndpoint,
      AWS_ACCESS_KEY_ID: 'AKIAEMULATOR00000000',
      AWS_SECRET_ACCESS_KEY: 'emulator-secret',
      PORT: '0',
      HOST: '127.0.0.1',
      ...(files.databaseUrl !== undefined && { DATABASE_URL: files.databaseUrl }),
    },
  });
  const output = { stdout: '', stderr: '' };
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output.stdout += chunk.toString();
      const found = /access-desk: HTTP on port (\d+) /.exec(output.stdout);
      if (found !== null) resolve(Number(found[1]));
    });
    child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
    void exited.then(() => reject(new Error(`access-desk exited before it started:\n${output.stderr}`)));
  });
  return {
    child,
    target: { url: `http://127.0.0.1:${port}`, signingSecret: SPAWNED_SIGNING_SECRET },
    output,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Reads the ledger file while a process writes it (WAL lets a reader see each commit). */
export function readLedger(file: string): Database.Database {
  return new Database(file, { readonly: true, fileMustExist: true });
}
