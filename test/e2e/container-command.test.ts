/**
 * The container's own command, proved without a Docker engine. The file runs the Dockerfile's build step in the
 * repository (`npm run build` into dist/ and the copies after it), once, then starts `node dist/main.js` the way
 * deploy/compose.yml starts each replica: its command, its environment's keys (with local values where the
 * file's would point at Slack, AWS or the `postgres` service), the config "mounted" at its path in a folder of
 * its own, the repository's root as the image's /app, and, when the test runs as root, as an unprivileged user
 * that cannot write there (the image's `USER node` and the compose file's `read_only`). It runs against the
 * emulator, a fake Slack and a PostgreSQL database of its own, answers the compose file's health check, and stops
 * cleanly on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { KNOWN_MIGRATIONS } from '../../src/store/migrations/index.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { testCredentials } from '../support/aws-clients.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const EXAMPLE = path.join(ROOT, 'access-desk.example.yml');

// ---------------------------------------------------------------------------------------------------------
// What the Dockerfile and the compose file say.

/** The Dockerfile's instructions, one a line: continuations joined, comments dropped. */
function dockerfileInstructions(): string[] {
  const text = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  return text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '');
}

interface Dockerfile {
  /** The build stage's RUN that compiles: `npm run build && …`. */
  buildStep: string;
  /** The production stage's CMD, ENV and USER. */
  cmd: string[];
  env: Record<string, string>;
  user: string;
}

function readDockerfile(): Dockerfile {
  const lines = dockerfileInstructions();
  const production = lines.findIndex((line) => /^FROM \S+ AS production$/i.test(line));
  expect(production, 'the Dockerfile has a production stage').toBeGreaterThan(0);
  const last = lines.slice(production);
  const buildStep = lines.find((line) => line.startsWith('RUN npm run build'));
  const cmd = last.find((line) => line.startsWith('CMD '));
  const user = last.find((line) => line.startsWith('USER '));
  if (buildStep === undefined || cmd === undefined || user === undefined) {
    throw new Error('the Dockerfile lacks its build step, its CMD or its USER');
  }
  const env: Record<string, string> = {};
  for (const line of last.filter((l) => l.startsWith('ENV '))) {
    for (const [, key, value] of line.slice(4).matchAll(/([A-Z_][A-Z0-9_]*)=(\S+)/g)) {
      env[key!] = value!;
    }
  }
  return {
    buildStep: buildStep.slice('RUN '.length),
    cmd: JSON.parse(cmd.slice('CMD '.length)) as string[],
    env,
    user: user.slice('USER '.length),
  };
}

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string | number | boolean | null>;
  volumes?: string[];
  ports?: string[];
  read_only?: boolean;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

const COMPOSE = path.join(ROOT, 'deploy/compose.yml');

function readCompose(): ComposeFile {
  // merge: the replicas share one definition through `<<: *access-desk`, as compose reads it.
  return parse(readFileSync(COMPOSE, 'utf8'), { merge: true }) as ComposeFile;
}

/** The services that run the image, and the one that runs PostgreSQL. */
function composeServices(compose: ComposeFile): {
  replicas: [string, ComposeService][];
  postgres: ComposeService;
} {
  const replicas = Object.entries(compose.services).filter(([, s]) => s.image?.includes('access-desk'));
  const postgres = Object.values(compose.services).find((s) => s.image?.startsWith('postgres'));
  if (postgres === undefined) throw new Error('deploy/compose.yml has no postgres service');
  return { replicas, postgres };
}

/**
 * A value as compose would fill it in with nothing set: `${NAME:-default}` is the default; `${NAME:?why}`
 * is required, so a key that holds one must be given a local value by the test.
 */
function interpolated(key: string, value: string): string {
  return value.replace(
    /\$\{([A-Za-z0-9_]+)(?:(:?[-?])([^}]*))?\}/g,
    (_, name: string, op: string | undefined, fallback: string | undefined) => {
      if (op === undefined) return '';
      if (op.endsWith('-')) return fallback ?? '';
      throw new Error(`${key} in deploy/compose.yml needs ${name}, and the test gives ${key} no local value`);
    },
  );
}

/** The replica's environment with the local values given for some keys; every given key must be one of its. */
function replicaEnv(service: ComposeService, local: Record<string, string>): Record<string, string> {
  const declared = service.environment ?? {};
  expect(Object.keys(declared)).toEqual(expect.arrayContaining(Object.keys(local)));
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(declared)) {
    env[key] = local[key] ?? interpolated(key, value === null ? '' : String(value));
  }
  return env;
}

/** `./access-desk.yml:/config/access-desk.yml:ro` → its parts. */
function volume(spec: string): { source: string; target: string; mode: string | undefined } {
  const [source, target, mode] = spec.split(':');
  return { source: source!, target: target!, mode };
}

// ---------------------------------------------------------------------------------------------------------
// Running things.

interface Run {
  child: ChildProcess;
  output: { stdout: string; stderr: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(
  command: string[],
  options: { env: Record<string, string>; cwd?: string; user?: { uid: number; gid: number } },
): Run {
  const [file, ...args] = command;
  const child = spawn(file!, args, {
    cwd: options.cwd ?? ROOT,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options.user,
  });
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (c: Buffer) => (output.stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output.stderr += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, output, exited };
}

/**
 * The unprivileged user to drop to when the test runs as root (the image runs as `node`; here, `nobody`).
 * Not root: the current user, who is unprivileged already.
 */
function unprivilegedUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const entry = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .find((fields) => fields[0] === 'nobody');
  if (entry === undefined) return undefined;
  return { uid: Number(entry[2]), gid: Number(entry[3]) };
}

/** The packages the compiled modules under `dir` import (by name), each with one file that imports it. */
function importedPackages(dir: string): Map<string, string> {
  const builtins = new Set(builtinModules);
  const imported = new Map<string, string>();
  const importOrExport =
    /^\s*(?:(?:import|export)\b[^;'"]*?\bfrom\s*|import\s*)['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]/gm;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    // The console's page runs in a browser (the sandbox's), not in Node.
    if (!entry.isFile() || !entry.name.endsWith('.js') || file.includes(`${path.sep}page${path.sep}`))
      continue;
    for (const [, fixed, dynamic] of readFileSync(file, 'utf8').matchAll(importOrExport)) {
      const spec = fixed ?? dynamic ?? '.';
      if (spec.startsWith('.') || spec.startsWith('node:') || builtins.has(spec)) continue;
      const parts = spec.split('/');
      imported.set(spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!, path.relative(ROOT, file));
    }
  }
  return imported;
}

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves with the port of the start-up line, or rejects with what the process said if it exits first. */
function startedOn(desk: Run, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(new Error(`no start-up line in ${timeoutMs} ms:\n${desk.output.stderr}${desk.output.stdout}`)),
      timeoutMs,
    );
    const look = () => {
      const found = /^access-desk: HTTP on port (\d+) /m.exec(desk.output.stdout);
      if (found === null) return;
      clearTimeout(timer);
      resolve(Number(found[1]));
    };
    desk.child.stdout?.on('data', look);
    void desk.exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`it exited (${code}) before starting:\n${desk.output.stderr}${desk.output.stdout}`));
    });
  });
}

// ---------------------------------------------------------------------------------------------------------

const dockerfile = readDockerfile();
const compose = readCompose();
const { replicas, postgres } = composeServices(compose);
const replica = replicas[0]?.[1] ?? {};
const user = unprivilegedUser();

/** What the test adds to the compose file's environment (a PATH, a home, the fakes' addresses): no key of its. */
function testOnlyEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env = {
    PATH: process.env.PATH ?? '',
    // A home it can read and not write, like the read-only container's.
    HOME: mkdtempSync(path.join(tmpdir(), 'access-desk-home-')),
    AWS_EC2_METADATA_DISABLED: 'true',
    // The image runs Node 22, where the AWS SDK has no notice to give about the Node version; this machine may not.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extra,
  };
  chmodSync(env.HOME, 0o755);
  for (const key of Object.keys(env)) expect(replica.environment ?? {}).not.toHaveProperty(key);
  return env;
}

/** The folder that stands for the config volume's target, with the example config at the mounted path. */
function mountedConfig(): string {
  const mount = replica.volumes
    ?.map(volume)
    .find((v) => v.target === replica.environment?.ACCESS_DESK_CONFIG);
  if (mount === undefined) throw new Error('no volume of the replica is mounted at its ACCESS_DESK_CONFIG');
  const folder = mkdtempSync(path.join(tmpdir(), 'access-desk-mount-'));
  const file = path.join(folder, mount.target);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, readFileSync(EXAMPLE, 'utf8'), { mode: 0o644 });
  // mkdtemp makes the folder for its owner alone; the unprivileged user must reach the file through it.
  for (let dir = path.dirname(file); dir.startsWith(folder); dir = path.dirname(dir)) chmodSync(dir, 0o755);
  return file;
}

const HTTP_SECRETS = { SLACK_BOT_TOKEN: 'xoxb-container', SLACK_SIGNING_SECRET: 'container-signing-secret' };
const AWS_KEYS = { AWS_ACCESS_KEY_ID: 'AKIAEMULATOR00000000', AWS_SECRET_ACCESS_KEY: 'emulator-secret' };

let buildMs = 0;
let emulator: RunningEmulator | undefined;
let slack: FakeSlack | undefined;
let database: TestDatabase | undefined;
const running: Run[] = [];

beforeAll(async () => {
  // The Dockerfile's own step, in the repository: dist/ as the image's build stage makes it.
  const started = performance.now();
  const build = run(['sh', '-c', dockerfile.buildStep], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir() },
  });
  const { code } = await build.exited;
  buildMs = performance.now() - started;
  if (code !== 0) {
    throw new Error(
      `the Dockerfile's build step failed (${code}):\n${build.output.stdout}${build.output.stderr}`,
    );
  }
}, 180_000);

afterAll(async () => {
  for (const desk of running) if (desk.child.exitCode === null) desk.child.kill('SIGKILL');
  await emulator?.close();
  await slack?.close();
  await database?.drop();
});

describe('the container image’s command, as deploy/compose.yml runs it', () => {
  it('is built by the Dockerfile’s step, and its runtime needs only production dependencies', async ({
    annotate,
  }) => {
    expect(buildMs).toBeGreaterThan(0);
    await annotate(`the Dockerfile's build step took ${(buildMs / 1000).toFixed(1)} s`);
    expect(existsSync(path.join(ROOT, dockerfile.cmd.at(-1)!))).toBe(true);
    // The image has `npm ci --omit=dev`: every package the compiled code imports must be one npm installs so.
    const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const imported = importedPackages(path.join(ROOT, 'dist'));
    expect(imported.size).toBeGreaterThan(0);
    const notInstalled = [...imported].filter(([name]) => {
      const entry = lock.packages[`node_modules/${name}`];
      return entry === undefined || entry.dev === true;
    });
    expect(notInstalled, 'packages dist/ imports that `npm ci --omit=dev` does not install').toEqual([]);
  });

  it('describes replicas of the image that run its command, on PostgreSQL, after PostgreSQL is healthy', () => {
    expect(replicas.length).toBeGreaterThanOrEqual(2);
    const [, first] = replicas[0]!;
    for (const [, other] of replicas) {
      expect({ ...other, ports: undefined }).toEqual({ ...first, ports: undefined });
    }
    expect(first.command).toEqual(['node', 'dist/main.js']);
    expect(first.command).toEqual(dockerfile.cmd);
    expect(dockerfile.user).not.toBe('root');
    expect(first.read_only).toBe(true);
    const env = first.environment ?? {};
    expect(env.NODE_ENV).toBe('production');
    expect(env.NODE_ENV).toBe(dockerfile.env.NODE_ENV);
    expect(env.ACCESS_DESK_CONFIG).toBe(dockerfile.env.ACCESS_DESK_CONFIG);
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET']),
    );
    expect(String(env.DATABASE_URL)).toMatch(/^postgres:\/\/[^@]+@postgres:5432\//);
    const config = first.volumes?.map(volume).find((v) => v.target === env.ACCESS_DESK_CONFIG);
    expect(config?.mode).toBe('ro');
    expect(first.depends_on?.postgres?.condition).toBe('service_healthy');
    expect(first.healthcheck?.test[0]).toBe('CMD');
    expect(first.healthcheck?.test.join(' ')).toMatch(/\/(readyz|healthz)\b/);
    expect(postgres.healthcheck?.test).toContain('pg_isready');
    const data = postgres.volumes?.map(volume).find((v) => v.target.startsWith('/var/lib/postgresql'));
    expect(data, 'the postgres service keeps its data on a named volume').toBeDefined();
    expect(compose.volumes).toHaveProperty(data!.source);
  });

  it('starts against the emulator and PostgreSQL, answers the compose health check, and exits 0 on SIGTERM', async () => {
    emulator = await startEmulator({ credentials: [testCredentials], rateLimits: false });
    slack = await startFakeSlack();
    database = await createTestDatabase();
    const env = {
      ...replicaEnv(replica, {
        ACCESS_DESK_CONFIG: mountedConfig(),
        PORT: '0',
        DATABASE_URL: database.url,
        ...HTTP_SECRETS,
        ...AWS_KEYS,
      }),
      ...testOnlyEnv({ SLACK_API_URL: slack.apiUrl, AWS_ENDPOINT_URL: emulator.url, HOST: '127.0.0.1' }),
    };
    expect(env.NODE_ENV).toBe('production');

    const desk = run(replica.command!, { env, ...(user !== undefined && { user }) });
    running.push(desk);
    const port = await startedOn(desk, 30_000);
    expect(desk.output.stdout).toContain(`config ${env.ACCESS_DESK_CONFIG}`);
    expect(desk.output.stdout).toMatch(
      /· database PostgreSQL postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\//,
    );
    if (user !== undefined && existsSync(`/proc/${desk.child.pid}/status`)) {
      const status = readFileSync(`/proc/${desk.child.pid}/status`, 'utf8');
      expect(status).toMatch(new RegExp(`^Uid:\\t${user.uid}\\t`, 'm'));
    }

    // The compose file's health check, word for word, as Docker runs it: in the container, as its user.
    const check = replica.healthcheck!.test;
    const route = /\/(readyz|healthz)\b/.exec(check.join(' '))![0];
    expect(route).toBe('/readyz');
    const answer = await fetch(`http://127.0.0.1:${port}${route}`);
    expect(answer.status).toBe(200);
    // ok: both checks, `database` (a query on the ledger) and `aws` (ListInstances), said ok.
    expect(await answer.json()).toEqual({ ok: true });
    const probe = run(check.slice(1), {
      env: { PATH: process.env.PATH ?? '', PORT: String(port) },
      ...(user !== undefined && { user }),
    });
    expect((await probe.exited).code, probe.output.stderr).toBe(0);
    expect(emulator.calls.some((c) => c.operation === 'ListInstances')).toBe(true);
    expect(desk.output.stdout).not.toContain('not ready');

    // It migrated the database it was given.
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>(
        'select name from kysely_migration order by name',
      );
      expect(rows.map((r) => r.name)).toEqual([...KNOWN_MIGRATIONS]);
    } finally {
      await client.end();
    }

    desk.child.kill('SIGTERM');
    expect(await desk.exited).toEqual({ code: 0, signal: null });
    expect(desk.output.stderr).toBe('');
  });

  it('exits 2 when DATABASE_URL names a server that is down, naming DATABASE_URL and not the password', async () => {
    database ??= await createTestDatabase();
    const down = new URL(database.url);
    const password = decodeURIComponent(down.password);
    expect(password.length).toBeGreaterThan(8);
    down.port = String(await closedPort());
    const env = {
      ...replicaEnv(replica, {
        ACCESS_DESK_CONFIG: mountedConfig(),
        PORT: '0',
        DATABASE_URL: down.toString(),
        ...HTTP_SECRETS,
        ...AWS_KEYS,
      }),
      ...testOnlyEnv({ HOST: '127.0.0.1' }),
    };
    const desk = run(replica.command!, { env, ...(user !== undefined && { user }) });
    running.push(desk);
    expect(await desk.exited).toEqual({ code: 2, signal: null });
    expect(desk.output.stderr).toMatch(
      /^access-desk cannot start: DATABASE_URL \(PostgreSQL postgres:\/\/postgres:\*\*\*@/,
    );
    expect(desk.output.stderr).toContain('cannot reach PostgreSQL at');
    expect(desk.output.stderr + desk.output.stdout).not.toContain(password);
  });
});
