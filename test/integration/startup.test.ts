import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { createLedger } from '../../src/store/index.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { createTestDatabase, urlFor } from '../support/postgres.js';
import { testCredentials } from '../support/aws-clients.js';

const MAIN = path.resolve(import.meta.dirname, '../../src/main.ts');
const EXAMPLE = path.resolve(import.meta.dirname, '../../access-desk.example.yml');

/** Nothing of ours, and nothing that would send the AWS SDK looking beyond loopback for credentials. */
function baseEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: mkdtempSync(path.join(tmpdir(), 'access-desk-home-')),
    LOG_LEVEL: 'silent',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** tsx by path, so that the process may run in another working directory. */
const TSX = path.resolve(import.meta.dirname, '../../node_modules/tsx/dist/loader.mjs');

function spawnMain(
  env: Record<string, string>,
  cwd?: string,
): ChildProcess & {
  output: { stdout: string; stderr: string };
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, ['--import', TSX, MAIN], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...baseEnv(), ...env },
    ...(cwd !== undefined ? { cwd } : {}),
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (c: Buffer) => (output.stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output.stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return Object.assign(child, { output, exited });
}

/** Runs `npm start` with the given environment (and nothing of ours), until it exits. */
async function start(
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const child = spawnMain(env);
  const code = await child.exited;
  return { code, ...child.output };
}

/** Runs it until it prints the start-up line (or exits), stops it with SIGTERM, and gives the line and the exit code. */
async function startAndStop(
  env: Record<string, string>,
  { cwd, prefix = 'access-desk: ' }: { cwd?: string; prefix?: string } = {},
): Promise<{ line: string | undefined; code: number | null; stderr: string }> {
  const child = spawnMain(env, cwd);
  const line = await new Promise<string | undefined>((resolve) => {
    const look = () => {
      const found = child.output.stdout.split('\n').find((l) => l.startsWith(prefix));
      if (found !== undefined) resolve(found);
    };
    child.stdout?.on('data', look);
    void child.exited.then(() => resolve(undefined));
  });
  child.kill('SIGTERM');
  const code = await child.exited;
  return { line, code, stderr: child.output.stderr };
}

function configFile(edit: (yaml: string) => string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'access-desk-config-')), 'access-desk.yml');
  writeFileSync(file, edit(readFileSync(EXAMPLE, 'utf8')));
  return file;
}

const HTTP_MODE = { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: 'secret' };

let emulator: RunningEmulator | undefined;
let slack: FakeSlack | undefined;
afterEach(async () => {
  await emulator?.close();
  await slack?.close();
  emulator = undefined;
  slack = undefined;
});

/** A port nothing listens on: one the emulator had, closed again. */
async function closedPort(): Promise<string> {
  const gone = await startEmulator({ credentials: [testCredentials], seed: false, rateLimits: false });
  await gone.close();
  return gone.url;
}

describe('starting access-desk', () => {
  it('refuses a config with an unknown approver group, naming the key, and exits 2', async () => {
    const file = configFile((y) => y.replace(/approvers: \[leads\]/, 'approvers: [leeds]'));
    const { code, stderr } = await start({
      ACCESS_DESK_CONFIG: file,
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 'secret',
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/rules\[\d+\]\.approvers\[0\]: unknown approver group "leeds" \(known: leads/);
  });

  it('refuses HTTP mode without a signing secret', async () => {
    const { code, stderr } = await start({ ACCESS_DESK_CONFIG: EXAMPLE, SLACK_BOT_TOKEN: 'xoxb-test' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/SLACK_SIGNING_SECRET/);
  });

  it('refuses a config file that is not there, naming it', async () => {
    const { code, stderr } = await start({
      ACCESS_DESK_CONFIG: '/nonexistent/access-desk.yml',
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 'secret',
    });
    expect(code).toBe(2);
    expect(stderr).toContain('/nonexistent/access-desk.yml');
  });
  it('refuses a PORT that is not a port number, naming it', async () => {
    const { code, stderr } = await start({ ACCESS_DESK_CONFIG: EXAMPLE, ...HTTP_MODE, PORT: 'http' });
    expect(code).toBe(2);
    expect(stderr).toContain('PORT: must be a port number from 0 to 65535');
    expect(stderr).toContain('"http"');
  });

  it('refuses SLACK_APP_TOKEN without SLACK_BOT_TOKEN instead of starting the sandbox', async () => {
    const { code, stderr, stdout } = await start({
      ACCESS_DESK_CONFIG: EXAMPLE,
      SLACK_APP_TOKEN: 'xapp-1-test',
    });
    expect(code).toBe(2);
    expect(stderr).toContain('SLACK_BOT_TOKEN: is required when SLACK_APP_TOKEN is set');
    expect(stdout).not.toContain('sandbox');
  });

  it('refuses a config that is not YAML, naming the line and the column', async () => {
    const file = configFile((y) => y.replace('  region: eu-west-1 #', '  region: [eu-west-1 #'));
    const { code, stderr } = await start({ ACCESS_DESK_CONFIG: file, ...HTTP_MODE });
    expect(code).toBe(2);
    expect(stderr).toMatch(
      new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: not valid YAML: `),
    );
  });

  it('refuses AWS_REGION and AWS_ENDPOINT_URL of the wrong form, every problem at once', async () => {
    const { code, stderr } = await start({
      ACCESS_DESK_CONFIG: EXAMPLE,
      ...HTTP_MODE,
      AWS_REGION: 'Ireland',
      AWS_ENDPOINT_URL: '127.0.0.1:4566',
      LOG_LEVEL: 'loud',
    });
    expect(code).toBe(2);
    expect(stderr).toContain("AWS_REGION: must be an AWS region like eu-west-1, not 'Ireland'");
    expect(stderr).toContain('AWS_ENDPOINT_URL: must be an http:// or https:// URL');
    expect(stderr).toContain('LOG_LEVEL: must be one of');
  });

  it('starts in HTTP mode against the emulator and says in one line what runs where', async () => {
    emulator = await startEmulator({ credentials: [testCredentials], rateLimits: false });
    slack = await startFakeSlack();
    const folder = mkdtempSync(path.join(tmpdir(), 'access-desk-db-'));
    const database = path.join(folder, 'ledger.sqlite');
    const config = configFile((y) => y.replace('path: access-desk.sqlite', `path: ${database}`));
    const { line, code, stderr } = await startAndStop({
      ACCESS_DESK_CONFIG: config,
      ...HTTP_MODE,
      SLACK_API_URL: slack.apiUrl,
      AWS_ENDPOINT_URL: emulator.url,
      AWS_ACCESS_KEY_ID: 'AKIAEMULATOR00000000',
      AWS_SECRET_ACCESS_KEY: 'emulator-secret',
      PORT: '0',
      HOST: '127.0.0.1',
    });
    expect(stderr).toBe('');
    expect(line).toMatch(
      new RegExp(
        `^access-desk: HTTP on port \\d+ \\(/slack/events\\) · config ${config} · ` +
          `AWS account 999999999999, region eu-west-1, endpoint ${emulator.url} · database ${database}$`,
      ),
    );
    expect(line).not.toContain('port 0 ');
    expect(code).toBe(0);
    expect(emulator.calls.some((c) => c.operation === 'ListInstances')).toBe(true);
  });

  it('starts on PostgreSQL from DATABASE_URL, naming the server with its password masked', async () => {
    emulator = await startEmulator({ credentials: [testCredentials], rateLimits: false });
    slack = await startFakeSlack();
    const database = await createTestDatabase();
    try {
      const config = configFile((y) => y);
      const password = new URL(database.url).password;
      const { line, code, stderr } = await startAndStop({
        ACCESS_DESK_CONFIG: config,
        ...HTTP_MODE,
        DATABASE_URL: database.url,
        SLACK_API_URL: slack.apiUrl,
        AWS_ENDPOINT_URL: emulator.url,
        AWS_ACCESS_KEY_ID: 'AKIAEMULATOR00000000',
        AWS_SECRET_ACCESS_KEY: 'emulator-secret',
        PORT: '0',
        HOST: '127.0.0.1',
      });
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(line).toMatch(
        new RegExp(
          `· database PostgreSQL postgres://postgres:\\*\\*\\*@127\\.0\\.0\\.1:\\d+/${database.name}$`,
        ),
      );
      expect(line).not.toContain(password);
    } finally {
      await database.drop();
    }
  });

  it('refuses a DATABASE_URL that is not a PostgreSQL URL, naming it, without printing its password', async () => {
    const { code, stderr } = await start({
      ACCESS_DESK_CONFIG: configFile((y) => y),
      ...HTTP_MODE,
      DATABASE_URL: 'mysql://app:hunter2-secret@db.internal/desk',
    });
    expect(code).toBe(2);
    expect(stderr).toContain('DATABASE_URL: "mysql://app:***@db.internal/desk" is not a PostgreSQL URL');
    expect(stderr).not.toContain('hunter2-secret');
  });

  it('refuses a password in database.url in the file, and a sslmode PostgreSQL users know but the driver cannot honour', async () => {
    const inFile = await start({
      ACCESS_DESK_CONFIG: configFile((y) =>
        y.replace('path: access-desk.sqlite', 'url: postgres://app:hunter2-secret@db.internal/desk'),
      ),
      ...HTTP_MODE,
    });
    expect(inFile.code).toBe(2);
    expect(inFile.stderr).toContain('database.url');
    expect(inFile.stderr).toContain('must not carry the password: put it in DATABASE_URL or PGPASSWORD');
    expect(inFile.stderr).not.toContain('hunter2-secret');

    const prefer = await start({
      ACCESS_DESK_CONFIG: configFile((y) => y),
      ...HTTP_MODE,
      DATABASE_URL: 'postgres://app@db.internal/desk?sslmode=prefer',
    });
    expect(prefer.code).toBe(2);
    expect(prefer.stderr).toContain(
      'DATABASE_URL: "postgres://app@db.internal/desk?sslmode=prefer": sslmode=prefer would fall back to an unencrypted connection',
    );
  });

  it('refuses to start on PostgreSQL with a wrong password or a server that cannot be reached, naming DATABASE_URL', async () => {
    const wrong = new URL(urlFor('postgres'));
    wrong.password = 'not-the-password-x7';
    const refused = await start({
      ACCESS_DESK_CONFIG: configFile((y) => y),
      ...HTTP_MODE,
      DATABASE_URL: wrong.toString(),
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^access-desk cannot start: DATABASE_URL \(PostgreSQL postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres\): PostgreSQL at .* refused the login/,
    );
    expect(refused.stderr).not.toContain('not-the-password-x7');

    const closed = new URL(urlFor('postgres'));
    closed.port = new URL(await closedPort()).port;
    const unreachable = await start({
      ACCESS_DESK_CONFIG: configFile((y) => y),
      ...HTTP_MODE,
      DATABASE_URL: closed.toString(),
    });
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain('cannot reach PostgreSQL at');
    expect(unreachable.stderr).toContain('(ECONNREFUSED): check the host and port, and that the server runs');
  });

  it('starts when AWS cannot be reached, with the account unknown and why', async () => {
    slack = await startFakeSlack();
    const database = path.join(mkdtempSync(path.join(tmpdir(), 'access-desk-db-')), 'ledger.sqlite');
    const config = configFile((y) => y.replace('path: access-desk.sqlite', `path: ${database}`));
    const { line, code } = await startAndStop({
      ACCESS_DESK_CONFIG: config,
      ...HTTP_MODE,
      SLACK_API_URL: slack.apiUrl,
      AWS_ENDPOINT_URL: await closedPort(),
      AWS_ACCESS_KEY_ID: 'AKIAEMULATOR00000000',
      AWS_SECRET_ACCESS_KEY: 'emulator-secret',
      PORT: '0',
      HOST: '127.0.0.1',
    });
    expect(line).toMatch(
      / · AWS account unknown \(Could not reach AWS for ListInstances \(ECONNREFUSED\);[^)]*\), region eu-west-1,/,
    );
    expect(line).not.toContain('emulator-secret');
    expect(code).toBe(0);
  });

  it('refuses a database path whose folder does not exist, naming database.path', async () => {
    const config = configFile((y) =>
      y.replace('path: access-desk.sqlite', 'path: /nonexistent/dir/ledger.sqlite'),
    );
    const { code, stderr } = await start({ ACCESS_DESK_CONFIG: config, ...HTTP_MODE });
    expect(code).toBe(2);
    expect(stderr).toContain('database.path');
    expect(stderr).toContain('/nonexistent/dir does not exist');
  });
  it('refuses a ledger that a newer version has migrated, naming the migration it does not know', async () => {
    const database = path.join(mkdtempSync(path.join(tmpdir(), 'access-desk-db-')), 'ledger.sqlite');
    const ledger = await createLedger({ path: database });
    await ledger.close();
    const sqlite = new Database(database);
    sqlite
      .prepare('insert into kysely_migration (name, timestamp) values (?, ?)')
      .run('2099-01-01-001-from-the-future', '2099-01-01T00:00:00.000Z');
    sqlite.close();
    const config = configFile((y) => y.replace('path: access-desk.sqlite', `path: ${database}`));
    const { code, stderr } = await start({ ACCESS_DESK_CONFIG: config, ...HTTP_MODE });
    expect(code).toBe(2);
    expect(stderr).toContain(
      'migrated by a newer version of access-desk (migration 2099-01-01-001-from-the-future is unknown to this one',
    );
  });
  it('starts the sandbox when no Slack variable is set, on PORT and EMULATOR_PORT, and prints its summary', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'access-desk-sandbox-'));
    const { line, code, stderr } = await startAndStop(
      { PORT: '0', EMULATOR_PORT: '0' },
      { cwd, prefix: 'access-desk sandbox: ' },
    );
    expect(stderr).toBe('');
    expect(line).toMatch(/^access-desk sandbox: console http:\/\/\S+:\d+ · /);
    expect(line).toContain('account 999999999999, region eu-west-1');
    expect(line).toContain('database .sandbox/access-desk.sqlite');
    expect(code).toBe(0);
  });

  it('refuses to run the sandbox in production unless asked: one line naming the missing Slack variables, exit 2', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'access-desk-prod-'));
    const { line, code, stderr } = await startAndStop(
      { NODE_ENV: 'production', PORT: '0', EMULATOR_PORT: '0' },
      { cwd, prefix: 'access-desk sandbox: ' },
    );
    expect(line).toBeUndefined();
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(
      /^access-desk cannot start: SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET \(HTTP\) or SLACK_BOT_TOKEN and SLACK_APP_TOKEN \(Socket Mode\) are not set; with NODE_ENV=production the sandbox runs only when asked for \(ACCESS_DESK_SANDBOX=1\)/,
    );
  });

  it('refuses the container image’s environment with no Slack variable instead of passing its health check on the sandbox', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'access-desk-prod-'));
    const { line, code, stderr } = await startAndStop(
      { NODE_ENV: 'production', ACCESS_DESK_CONFIG: EXAMPLE, PORT: '0', EMULATOR_PORT: '0' },
      { cwd, prefix: 'access-desk sandbox: ' },
    );
    expect(line).toBeUndefined();
    expect(code).toBe(2);
    expect(stderr).toContain('SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET');
  });

  it('refuses a config named by ACCESS_DESK_CONFIG with no Slack variable, rather than ignore it for the sandbox', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'access-desk-config-only-'));
    const { line, code, stderr } = await startAndStop(
      { ACCESS_DESK_CONFIG: EXAMPLE, PORT: '0', EMULATOR_PORT: '0' },
      { cwd, prefix: 'access-desk sandbox: ' },
    );
    expect(line).toBeUndefined();
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(
      `ACCESS_DESK_CONFIG names ${EXAMPLE}, but SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET`,
    );
    expect(stderr).toContain('ACCESS_DESK_SANDBOX=1 runs the sandbox instead');
  });

  it('refuses an access-desk.yml in the working directory with no Slack variable, naming the file', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'access-desk-config-here-'));
    writeFileSync(path.join(cwd, 'access-desk.yml'), readFileSync(EXAMPLE, 'utf8'));
    const { line, code, stderr } = await startAndStop(
      { PORT: '0', EMULATOR_PORT: '0' },
      { cwd, prefix: 'access-desk sandbox: ' },
    );
    expect(line).toBeUndefined();
    expect(code).toBe(2);
    expect(stderr).toContain(
      `the config file ${path.join(cwd, 'access-desk.yml')} is in the working directory`,
    );
  });

  it('refuses ACCESS_DESK_SANDBOX=1 together with a Slack variable, naming both', async () => {
    const { code, stderr } = await start({ ACCESS_DESK_SANDBOX: '1', SLACK_BOT_TOKEN: 'xoxb-test' });
    expect(code).toBe(2);
    expect(stderr).toContain('ACCESS_DESK_SANDBOX=1 asks for the sandbox, but SLACK_BOT_TOKEN is set');
  });

  it('refuses ACCESS_DESK_SANDBOX of another form, naming it', async () => {
    const { code, stderr } = await start({ ACCESS_DESK_SANDBOX: 'please' });
    expect(code).toBe(2);
    expect(stderr).toContain('ACCESS_DESK_SANDBOX: must be 1 (run the sandbox) or 0 (never), not "please"');
  });

  it('starts the sandbox in production when ACCESS_DESK_SANDBOX=1 asks, saying it ignores ACCESS_DESK_CONFIG', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'access-desk-sandbox-prod-'));
    const { line, code, stderr } = await startAndStop(
      {
        NODE_ENV: 'production',
        ACCESS_DESK_SANDBOX: '1',
        ACCESS_DESK_CONFIG: '/config/access-desk.yml',
        PORT: '0',
        EMULATOR_PORT: '0',
      },
      { cwd, prefix: 'access-desk sandbox: ' },
    );
    expect(stderr).toBe('');
    expect(line).toMatch(/^access-desk sandbox: console http:\/\/\S+:\d+ · /);
    expect(line).toContain('(/config/access-desk.yml ignored: the sandbox runs on its own example config)');
    expect(code).toBe(0);
  });

  it('refuses an ALLOWED_HOSTS entry that is not a host name, naming it, before the sandbox starts', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'access-desk-allowed-'));
    const { line, code, stderr } = await startAndStop(
      { ALLOWED_HOSTS: 'access-desk.lan, http://evil.example', PORT: '0', EMULATOR_PORT: '0' },
      { cwd, prefix: 'access-desk sandbox: ' },
    );
    expect(line).toBeUndefined();
    expect(code).toBe(2);
    expect(stderr).toContain('ALLOWED_HOSTS: "http://evil.example" is not a host name');
  });

  it('refuses a sandbox PORT that is not a port number, naming it', async () => {
    const { code, stderr } = await start({ PORT: '3000x' });
    expect(code).toBe(2);
    expect(stderr).toContain('PORT: must be a port number');
  });
});
