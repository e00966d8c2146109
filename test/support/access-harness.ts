import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createAccessCore, type AccessCore } from '../../src/access/core.js';
import { ManualClock } from '../../src/access/clock.js';
import { createAwsAdapter, type AwsAdapter } from '../../src/aws/index.js';
import { parseConfig } from '../../src/config/parse.js';
import type { AccessDeskConfig } from '../../src/config/types.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { silentLogger } from '../../src/log.js';
import { createLedger, type SqlLedger } from '../../src/store/index.js';
import { testCredentials } from './aws-clients.js';
import { RecordingMigrationMessages } from './migration-messages.js';
import { FakeSlackPeople, RecordingClickAnswers, RecordingNotifier } from './recording-notifier.js';

export const EXAMPLE_CONFIG_PATH = path.resolve(import.meta.dirname, '../../access-desk.example.yml');

/** The example config, optionally with its YAML text changed first (e.g. a rule swapped). */
export function exampleConfig(edit: (yaml: string) => string = (y) => y): AccessDeskConfig {
  const parsed = parseConfig(edit(readFileSync(EXAMPLE_CONFIG_PATH, 'utf8')), {}, 'access-desk.example.yml');
  if (!parsed.ok) throw new Error(`example config does not parse: ${parsed.errors.join('; ')}`);
  return parsed.config;
}

/** Slack ids of the example people (access-desk.example.yml). */
export const PEOPLE = {
  sam: 'U0000SAM01',
  sara: 'U0000SARA1',
  jay: 'U0000JAY01',
  lena: 'U0000LEAD1',
  leo: 'U0000LEAD2',
  ada: 'U0000ADMIN',
  sofia: 'U0000SEC01',
  kim: 'U0000KIM01',
  fiona: 'U0000FIN01',
  omar: 'U0000OMAR1',
} as const;

export interface AccessHarness extends AccessCore {
  emulator: RunningEmulator;
  ledger: SqlLedger;
  aws: AwsAdapter;
  notifier: RecordingNotifier;
  /** The migration's direct messages: the person's buttons, the admin told of a call for help. */
  migrationMessages: RecordingMigrationMessages;
  /** What clicks run by the job runner (their listener gone) told the person. */
  clickAnswers: RecordingClickAnswers;
  clock: ManualClock;
  config: AccessDeskConfig;
  /** Runs jobs until none is due. */
  drain(): Promise<number>;
  /** A new service on the same database and emulator, as after a restart (options may change). */
  restart(changes?: Partial<HarnessOptions>): Promise<AccessHarness>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  emulator?: RunningEmulator;
  dbPath?: string;
  /** A PostgreSQL database's URL instead of SQLite (test/support/postgres.ts makes one). */
  dbUrl?: string;
  clock?: ManualClock;
  config?: AccessDeskConfig;
  provisioningDelayMs?: number;
  leaseMs?: number;
  /** Assignment waits: how long before the adapter reports timed_out. */
  assignmentTimeoutMs?: number;
  /** Slack profiles and user groups; none by default (the example config maps its people explicitly). */
  people?: FakeSlackPeople;
}

/** The access service on SQLite and the local Identity Center, with a recording notifier and a manual clock. */
export async function startAccessHarness(options: HarnessOptions = {}): Promise<AccessHarness> {
  const emulator =
    options.emulator ??
    (await startEmulator({
      credentials: [testCredentials],
      rateLimits: false,
      faults: { provisioningDelayMs: options.provisioningDelayMs ?? 40 },
    }));
  const ownsEmulator = options.emulator === undefined;
  const config = options.config ?? exampleConfig();
  const clock = options.clock ?? new ManualClock(Date.now());
  const ledger = await createLedger(
    options.dbUrl !== undefined ? { url: options.dbUrl } : { path: options.dbPath ?? ':memory:' },
  );
  const aws = createAwsAdapter(
    {
      region: 'eu-west-1',
      endpoint: emulator.url,
      credentials: testCredentials,
      instanceArn: config.identityCenter.instanceArn,
      identityStoreId: config.identityCenter.identityStoreId,
      legacyIamPath: config.legacyIam.path,
      assignments: { pollInitialMs: 15, pollMaxMs: 60, timeoutMs: options.assignmentTimeoutMs ?? 10_000 },
      retry: { baseDelayMs: 10, maxDelayMs: 50 },
    },
    silentLogger,
  );
  const notifier = new RecordingNotifier();
  const clickAnswers = new RecordingClickAnswers();
  const migrationMessages = new RecordingMigrationMessages();
  const core = createAccessCore({
    clickAnswers,
    config,
    ledger,
    directory: aws.directory,
    assignments: aws.assignments,
    catalog: aws.catalog,
    mailer: aws.mailer,
    legacyIam: aws.legacyIam,
    policies: aws.policies,
    applications: aws.applications,
    signIns: aws.signIns,
    notifier,
    people: options.people ?? new FakeSlackPeople(),
    migrationMessages,
    clock,
    logger: silentLogger,
    runner: { leaseMs: options.leaseMs ?? 60_000, retryBaseMs: 1_000 },
    wakeOnChange: false,
  });
  const harness: AccessHarness = {
    ...core,
    emulator,
    ledger,
    aws,
    notifier,
    migrationMessages,
    clickAnswers,
    clock,
    config,
    drain: () => core.runner.drain(),
    restart: async (changes = {}) => {
      // A crash: the old runner is abandoned where it is, its leases left to expire.
      await core.runner.stop();
      aws.close();
      await ledger.close();
      const next = await startAccessHarness({
        ...options,
        ...changes,
        emulator,
        clock,
        config: changes.config ?? config,
      });
      return {
        ...next,
        close: async () => {
          await next.close();
          if (ownsEmulator) await emulator.close();
        },
      };
    },
    close: async () => {
      await core.runner.stop();
      await core.scheduler.stop();
      aws.close();
      await ledger.close();
      if (ownsEmulator) await emulator.close();
    },
  };
  return harness;
}
