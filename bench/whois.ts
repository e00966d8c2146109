/**
 * `/access whois` latency: 200 lookups of different people by email, against the local Identity Center with
 * AWS's rate limits on and 40 ms a call, through the access core as the bot wires it (the real AWS adapter,
 * SQLite in memory, a recording notifier). The lookups run one after another: the figure asked for is how long
 * one person waits for an answer, in round trips; 200 at once would measure the 20 calls a second each API
 * allows (a throughput), not the length of whois's critical path.
 */
import { createAccessCore } from '../src/access/core.js';
import { systemClock } from '../src/access/clock.js';
import { createAwsAdapter } from '../src/aws/index.js';
import { checkSeed, exampleSeed, type SeedInput } from '../src/emulator/seed.js';
import { startEmulator } from '../src/emulator/server.js';
import { silentLogger } from '../src/log.js';
import { createLedger } from '../src/store/index.js';
import { exampleConfig } from '../test/support/access-harness.js';
import { FakeSlackPeople, RecordingNotifier } from '../test/support/recording-notifier.js';

const LATENCY_MS = 40;
const LOOKUPS = 200;
const EXTRA_USERS = 300;
const GOAL_ROUND_TRIPS = 4;
const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const TEAM_SETS = [
  'JuniorDeveloper',
  'Developer',
  'SeniorDeveloper',
  'InsightsDeveloper',
  'ProductionSupport',
];

/** 300 more people: a third in ReadOnly, a third in Billing, a third in no group; a third with direct access; some legacy IAM users. */
function morePeople(): SeedInput {
  const users: NonNullable<SeedInput['users']> = [];
  const assignments: NonNullable<SeedInput['assignments']> = [];
  const legacyIamUsers: NonNullable<SeedInput['legacyIamUsers']> = [];
  for (let i = 0; i < EXTRA_USERS; i += 1) {
    const email = `whois.person${String(i).padStart(3, '0')}@example.com`;
    const groups = [['ReadOnly'], ['Billing'], [], ['ReadOnly', 'Billing']][i % 4]!;
    users.push({ userName: email, givenName: 'Whois', familyName: `Person${i}`, email, groups });
    if (i % 3 === 0) {
      assignments.push({
        user: email,
        permissionSet: TEAM_SETS[i % TEAM_SETS.length]!,
        accounts: i % 2 === 0 ? ['dev'] : ['dev', 'staging'],
      });
    }
    if (i % 10 === 0) {
      legacyIamUsers.push({
        // Half by the full email, half by the part before the @ (the second name whois tries).
        userName: i % 20 === 0 ? email : email.split('@')[0]!,
        accessKeys: [{ status: 'Active' as const, lastUsedDaysAgo: i % 30 }],
      });
    }
  }
  return { users, assignments, legacyIamUsers };
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

export async function benchWhois(): Promise<void> {
  const base = exampleSeed();
  const extra = morePeople();
  const seed = checkSeed({
    ...base,
    users: [...base.users, ...extra.users!],
    assignments: [...base.assignments, ...extra.assignments!],
    legacyIamUsers: [...base.legacyIamUsers, ...extra.legacyIamUsers!],
  });
  const emulator = await startEmulator({
    credentials: [credentials],
    seed,
    faults: { latencyMs: LATENCY_MS },
  });
  const config = exampleConfig();
  const ledger = await createLedger({ path: ':memory:' });
  const aws = createAwsAdapter(
    {
      region: 'eu-west-1',
      endpoint: emulator.url,
      credentials,
      instanceArn: config.identityCenter.instanceArn,
      identityStoreId: config.identityCenter.identityStoreId,
    },
    silentLogger,
  );
  const core = createAccessCore({
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
    notifier: new RecordingNotifier(),
    people: new FakeSlackPeople(),
    clock: systemClock,
    logger: silentLogger,
    runner: { leaseMs: 60_000, retryBaseMs: 1_000 },
    wakeOnChange: false,
  });

  const everyone = seed.users.map((u) => u.email ?? u.userName);
  const asked = everyone.slice(0, LOOKUPS);
  const asker = 'U0000SAM01';
  // One lookup first, so that the permission sets (cached by the catalog) are read as they are in a running bot.
  await core.insight.whois(asker, 'ada.admin@example.com');
  emulator.calls.length = 0;

  const times: number[] = [];
  let failed = 0;
  for (const email of asked) {
    const start = performance.now();
    const report = await core.insight.whois(asker, email);
    times.push(performance.now() - start);
    if (!report.ok) failed += 1;
  }
  const calls = emulator.calls.length;
  const throttled = emulator.calls.filter((c) => c.errorCode === 'ThrottlingException').length;
  await core.runner.stop();
  await core.scheduler.stop();
  aws.close();
  await ledger.close();
  await emulator.close();

  const sorted = [...times].sort((a, b) => a - b);
  const p50 = percentile(sorted, 50);
  const p99 = percentile(sorted, 99);
  const trips = (ms: number): string => `${(ms / LATENCY_MS).toFixed(1)} round trips`;
  const goalMs = GOAL_ROUND_TRIPS * LATENCY_MS;
  console.log(
    `\n${LOOKUPS} whois lookups by email, one after another (${everyone.length} users, rate limits on, ${LATENCY_MS} ms a call)`,
  );
  console.log(`  p50 ${p50.toFixed(0)} ms (${trips(p50)}), p99 ${p99.toFixed(0)} ms (${trips(p99)})`);
  console.log(
    `  ${calls} AWS calls (${(calls / LOOKUPS).toFixed(1)} a lookup), ${throttled} throttled answers, ${failed} lookups failed`,
  );
  console.log(
    `  goal: p50 ≤ ${GOAL_ROUND_TRIPS} round trips (${goalMs} ms) → ${p50 <= goalMs ? 'met' : 'not met'}`,
  );
}
