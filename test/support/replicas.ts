/**
 * Several real bot processes (spawned-desk.ts) on one PostgreSQL ledger, the emulator and one fake Slack: the
 * replicas' world. The test reads the ledger with its own small pg pool and drives each replica over signed
 * HTTP (slack-requests.ts). People beyond the example's can be added: each is a user in the emulator's identity
 * store with no access, and a Slack profile carrying that email (matched through trustedEmailDomains).
 */
import pg from 'pg';
import { startEmulator, type CallRecord, type RunningEmulator } from '../../src/emulator/server.js';
import type { FaultSettings } from '../../src/emulator/faults.js';
import { exampleSeed } from '../../src/emulator/seed.js';
import { ACTION } from '../../src/slack/ids.js';
import { exampleConfig } from './access-harness.js';
import { startFakeSlack, type FakeSlack } from './fake-slack.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';
import {
  blockActionsBody,
  postToSlackEvents,
  slashCommandBody,
  type SlackHttpAnswer,
  type SlackTarget,
} from './slack-requests.js';
import { deskFiles, spawnDesk, type DeskFiles, type SpawnedDesk } from './spawned-desk.js';
import { testCredentials } from './aws-clients.js';

export interface Person {
  slackId: string;
  email: string;
}

/** `count` people who hold nothing: Slack ids U0RPL00001…, emails replica.user1@example.com…. */
export function extraPeople(count: number): Person[] {
  return Array.from({ length: count }, (_, i) => ({
    slackId: `U0RPL${String(i + 1).padStart(5, '0')}`,
    email: `replica.user${i + 1}@example.com`,
  }));
}

export interface ReplicaWorldOptions {
  /** Applied to the example config's YAML (timing, mostly). */
  edit?: (yaml: string) => string;
  people?: readonly Person[];
  faults?: Partial<FaultSettings>;
  /** AWS's rate limits in the emulator (shared by the replicas, as AWS's are); off by default. */
  rateLimits?: boolean;
}

export interface Row {
  [column: string]: unknown;
}

export interface ReplicaWorld {
  database: TestDatabase;
  emulator: RunningEmulator;
  slack: FakeSlack;
  files: DeskFiles;
  /** Every replica started, alive or killed, in the order started. */
  desks: SpawnedDesk[];
  /** Starts one more replica on the shared ledger. */
  start(): Promise<SpawnedDesk>;
  /** Reads the ledger. */
  query(sql: string, params?: unknown[]): Promise<Row[]>;
  /** The emulator's calls of one operation. */
  calls(operation: string): CallRecord[];
  /** What every replica printed on stderr, for a failure message. */
  stderr(): string;
  close(): Promise<void>;
}

export async function startReplicaWorld(options: ReplicaWorldOptions = {}): Promise<ReplicaWorld> {
  const people = options.people ?? [];
  const seed = exampleSeed();
  seed.users.push(
    ...people.map((p, i) => ({
      userName: p.email,
      givenName: 'Replica',
      familyName: `User${i + 1}`,
      email: p.email,
      groups: [],
    })),
  );
  const [database, emulator, slack] = await Promise.all([
    createTestDatabase(),
    startEmulator({
      credentials: [testCredentials],
      seed,
      rateLimits: options.rateLimits ?? false,
      faults: { provisioningDelayMs: 40, ...options.faults },
    }),
    startFakeSlack({
      users: {
        ...Object.fromEntries(Object.entries(exampleConfig().people).map(([id, email]) => [id, { email }])),
        ...Object.fromEntries(people.map((p) => [p.slackId, { email: p.email }])),
      },
    }),
  ]);
  const files = deskFiles(options.edit, database.url);
  const endpoints = { slackApiUrl: slack.apiUrl, awsEndpoint: emulator.url };
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  const desks: SpawnedDesk[] = [];
  return {
    database,
    emulator,
    slack,
    files,
    desks,
    start: async () => {
      const desk = await spawnDesk(files, endpoints);
      desks.push(desk);
      return desk;
    },
    query: async (sql, params = []) => (await pool.query<Row>(sql, params)).rows,
    calls: (operation) => emulator.calls.filter((c) => c.operation === operation),
    stderr: () =>
      desks
        .map((d, i) =>
          d.output.stderr === '' ? '' : `replica ${i + 1} (pid ${d.child.pid}):\n${d.output.stderr}`,
        )
        .filter((s) => s !== '')
        .join('\n'),
    close: async () => {
      await Promise.all(desks.map((d) => d.kill()));
      await pool.end();
      await Promise.all([slack.close(), emulator.close()]);
      await database.drop();
    },
  };
}

/**
 * Polls `probe` (which reads the ledger or the emulator) a bounded number of times until it returns something
 * other than undefined/false; no timed assertion. On giving up, says what was awaited and what was last seen.
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  {
    tries = 400,
    intervalMs = 50,
    seen,
  }: { tries?: number; intervalMs?: number; seen?: () => Promise<unknown> } = {},
): Promise<T> {
  for (let i = 0; i < tries; i += 1) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  const last = seen === undefined ? '' : `; last seen: ${JSON.stringify(await seen())}`;
  throw new Error(`gave up waiting for ${what}${last}`);
}

/**
 * A signed `/access …` command from `userId`. Undefined when the replica did not answer (it died): that
 * command was never acknowledged.
 */
export async function command(
  target: SlackTarget,
  slack: FakeSlack,
  userId: string,
  text: string,
  responseUrlId: string,
): Promise<SlackHttpAnswer | undefined> {
  try {
    return await postToSlackEvents(
      target,
      slashCommandBody({ text, userId, responseUrl: slack.responseUrl(responseUrlId) }),
    );
  } catch {
    return undefined;
  }
}

/** A signed Approve (or Deny…) click on a request's card; undefined when the replica did not answer. */
export async function click(
  target: SlackTarget,
  slack: FakeSlack,
  userId: string,
  requestId: string,
  responseUrlId: string,
  actionId: string = ACTION.approve,
): Promise<SlackHttpAnswer | undefined> {
  try {
    return await postToSlackEvents(
      target,
      blockActionsBody({ actionId, value: requestId, userId, responseUrl: slack.responseUrl(responseUrlId) }),
    );
  } catch {
    return undefined;
  }
}

/** `principal/account/permission set` of an assignment call, to count calls per assignment. */
export const assignmentOf = (call: CallRecord): string =>
  `${String(call.input.PrincipalId)}/${String(call.input.TargetId)}/${String(call.input.PermissionSetArn)}`;

/** The same key for a grant row of the ledger. */
export const assignmentOfGrant = (grant: Row): string =>
  `${String(grant.principal_id)}/${String(grant.account_id)}/${String(grant.permission_set_arn)}`;

/** Whether the assignment of a grant row exists in the emulated Identity Center now. */
export const heldInAws = (emulator: RunningEmulator, grant: Row): boolean =>
  emulator.state.hasAssignment({
    AccountId: String(grant.account_id),
    PermissionSetArn: String(grant.permission_set_arn),
    PrincipalType: 'USER',
    PrincipalId: String(grant.principal_id),
  });

/** How many times each value occurs. */
export function tally(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

/** The replica that holds a job, by the pid in its lease owner (`host:pid:random`). */
export function holderOf(desks: readonly SpawnedDesk[], leaseOwner: unknown): SpawnedDesk | undefined {
  if (typeof leaseOwner !== 'string') return undefined;
  const pid = leaseOwner.split(':').at(-2);
  return desks.find((d) => String(d.child.pid) === pid);
}
