/**
 * Records and ledgers for the store's tests: real SQLite, in memory and in a temporary file, and real PostgreSQL
 * (a database of its own on the run's test server).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GrantRecord, NewJob, RequestRecord } from '../../src/access/ledger.js';
import { createLedger, type SqlLedger } from '../../src/store/index.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

export const T0 = new Date('2026-11-24T09:00:00.000Z');
export const at = (ms: number): Date => new Date(T0.getTime() + ms);
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export function aRequest(overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    id: 'R-AAAAAA',
    kind: 'access',
    status: 'pending',
    requesterSlackId: 'U_REQ',
    requesterEmail: 'dev@example.com',
    requesterUserId: 'user-1',
    permissionSet: 'Developer',
    permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-1',
    accounts: [{ alias: 'dev', id: '111111111111' }],
    durationMs: 4 * HOUR,
    reason: null,
    approvers: ['U_A1', 'U_A2'],
    requiredApprovals: 1,
    channel: 'C_APPROVALS',
    extendsGrantIds: [],
    details: {},
    createdAt: T0,
    lapsesAt: at(24 * HOUR),
    decidedAt: null,
    card: null,
    dm: null,
    ...overrides,
  };
}

export function aGrant(overrides: Partial<GrantRecord> = {}): GrantRecord {
  return {
    id: 'G-1',
    requestId: 'R-AAAAAA',
    status: 'pending',
    requesterSlackId: 'U_REQ',
    principalId: 'user-1',
    accountId: '111111111111',
    accountAlias: 'dev',
    permissionSet: 'Developer',
    permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-1',
    startsAt: null,
    endsAt: null,
    failureReason: null,
    awsRequestId: null,
    createdAssignment: null,
    remindedAt: null,
    endedAt: null,
    endReason: null,
    ...overrides,
  };
}

export function aJob(overrides: Partial<NewJob> = {}): NewJob {
  return { kind: 'sync_card', requestId: 'R-AAAAAA', runAt: T0, dedupeKey: 'card:R-AAAAAA', ...overrides };
}

export interface Backend {
  name: string;
  /** A new, empty ledger; `reopen` opens the same database again where that means anything. */
  open(): Promise<SqlLedger>;
  reopen?(): Promise<SqlLedger>;
  /** Removes what open() made; close the ledgers first. */
  cleanup(): void | Promise<void>;
}

export interface FileBackend extends Backend {
  reopen(): Promise<SqlLedger>;
  /** The temporary database file (made on first use). */
  path(): string;
}

export function memoryBackend(): Backend {
  return {
    name: 'SQLite in memory',
    open: () => createLedger({ path: ':memory:', now: () => T0 }),
    cleanup: () => undefined,
  };
}

export function fileBackend(): FileBackend {
  let dir: string | undefined;
  const path = (): string => {
    dir ??= mkdtempSync(join(tmpdir(), 'access-desk-store-'));
    return join(dir, 'ledger.db');
  };
  return {
    name: 'SQLite in a file',
    open: () => createLedger({ path: path(), now: () => T0 }),
    reopen: () => createLedger({ path: path(), now: () => T0 }),
    path,
    cleanup: () => {
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
      dir = undefined;
    },
  };
}

export interface ServerBackend extends Backend {
  reopen(): Promise<SqlLedger>;
  /** The URL of the database the last open() made. */
  url(): string;
}

/** Each open() makes a new database on the test server; reopen() connects to the last one again. */
export function postgresBackend(): ServerBackend {
  const made: TestDatabase[] = [];
  const last = (): TestDatabase => {
    const database = made.at(-1);
    if (database === undefined) throw new Error('open() the PostgreSQL backend first');
    return database;
  };
  return {
    name: 'PostgreSQL',
    open: async () => {
      const database = await createTestDatabase();
      made.push(database);
      return createLedger({ url: database.url, now: () => T0 });
    },
    reopen: () => createLedger({ url: last().url, now: () => T0 }),
    url: () => last().url,
    cleanup: async () => {
      const dropping = made.splice(0);
      await Promise.all(dropping.map((d) => d.drop()));
    },
  };
}

/** Every backend the store's suite runs on: the same tests, each on SQLite and on PostgreSQL. */
export const backends = (): Backend[] => [memoryBackend(), fileBackend(), postgresBackend()];

/** The backends where two ledgers (two replicas) can share one database. */
export const sharedBackends = (): (FileBackend | ServerBackend)[] => [fileBackend(), postgresBackend()];

/** Lets other promises run, so that two transactions would interleave if nothing kept them apart. */
export const yieldToOthers = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

/**
 * A meeting point for concurrent transactions: each waits until all `parties` have arrived, or `timeoutMs`
 * has passed (where the database runs one transaction at a time, the others can never arrive).
 */
export function rendezvous(parties: number, timeoutMs = 100): () => Promise<void> {
  let arrived = 0;
  let release = (): void => undefined;
  const all = new Promise<void>((resolve) => {
    release = resolve;
  });
  return () => {
    arrived += 1;
    if (arrived >= parties) release();
    return Promise.race([all, new Promise<void>((resolve) => setTimeout(resolve, timeoutMs))]);
  };
}
