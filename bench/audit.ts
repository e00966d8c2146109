/**
 * The audit of a 5,000-user organisation (3 accounts, 9 permission sets, 3 groups, a realistic spread of direct
 * and group assignments, legacy IAM users) against the local Identity Center with AWS's rate limits on and
 * 40 ms a call. Prints the wall time, the calls by operation, the floor the rate limits set (for each budget,
 * calls ÷ its rate; the floor is the largest), and the same organisation walked the way admins' scripts do
 * today (one user at a time), measured on a sample and extrapolated.
 *
 * Most people signed in within the last two months; some last did so long ago, a few never: the audit reads
 * CloudTrail's sign-in history for its inactive users, 50 events a page at 2 pages a second (AWS's limit for
 * LookupEvents, per account and region), so that history sets a floor of its own, printed beside the rest:
 * users × sign-ins each ÷ 50 a page ÷ 2 pages a second.
 */
import {
  IdentitystoreClient,
  ListGroupMembershipsForMemberCommand,
  ListUsersCommand,
} from '@aws-sdk/client-identitystore';
import { ListAccountAssignmentsForPrincipalCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { auditCsv } from '../src/access/audit/csv.js';
import { buildAuditReport } from '../src/access/audit/report.js';
import { walkOrganisation } from '../src/access/audit/walk.js';
import { systemClock } from '../src/access/clock.js';
import { createAwsAdapter } from '../src/aws/index.js';
import { awsRateLimits } from '../src/emulator/rate-limit.js';
import { checkSeed, type SeedInput } from '../src/emulator/seed.js';
import { startEmulator, type CallRecord, type RunningEmulator } from '../src/emulator/server.js';
import { silentLogger } from '../src/log.js';

const USERS = 5_000;
const LATENCY_MS = 40;
const SCRIPT_SAMPLE = 300;
const SCRIPT_CONCURRENCY = 10;
const LEGACY_USERS = 40;
const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };

const ACCOUNTS = [
  { id: '111111111111', alias: 'dev' },
  { id: '222222222222', alias: 'staging' },
  { id: '333333333333', alias: 'prod' },
];
const SETS = [
  'JuniorDeveloper',
  'Developer',
  'SeniorDeveloper',
  'InsightsDeveloper',
  'ProductionSupport',
  'SecurityAdmin',
  'FinanceAdmin',
  'ReadOnlyAccess',
  'AdministratorAccess',
];

/** A repeatable pseudo-random sequence (mulberry32), so every run audits the same organisation. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Most people read everything through ReadOnly; a few admins and a finance team; about a third hold one direct
 * assignment (their team's set on one or two accounts), one in ten a second; one in twenty nothing at all.
 */
function organisation(): SeedInput {
  const next = random(20261124);
  // Sign-ins from a sequence of their own, so that the organisation is the same as before they were added.
  const activity = random(20261207);
  const lastSignIn = (): { lastSignInDaysAgo?: number } => {
    const r = activity();
    if (r < 0.85) return { lastSignInDaysAgo: Math.floor(activity() * 60) };
    if (r < 0.97) return { lastSignInDaysAgo: 91 + Math.floor(activity() * 200) };
    return {};
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const users: NonNullable<SeedInput['users']> = [];
  const assignments: NonNullable<SeedInput['assignments']> = [
    {
      group: 'AdministratorAccess',
      permissionSet: 'AdministratorAccess',
      accounts: ['dev', 'staging', 'prod'],
    },
    { group: 'ReadOnly', permissionSet: 'ReadOnlyAccess', accounts: ['dev', 'staging', 'prod'] },
    { group: 'Billing', permissionSet: 'FinanceAdmin', accounts: ['prod'] },
  ];
  for (let i = 0; i < USERS; i += 1) {
    const userName = `person${String(i).padStart(5, '0')}@example.com`;
    const r = next();
    const groups =
      r < 0.05 ? [] : r < 0.06 ? ['AdministratorAccess', 'ReadOnly'] : r < 0.09 ? ['Billing'] : ['ReadOnly'];
    users.push({
      userName,
      givenName: 'Person',
      familyName: String(i),
      email: userName,
      groups,
      ...lastSignIn(),
    });
    if (r < 0.05) continue;
    const direct = next();
    const teamSets = SETS.slice(0, 7);
    if (direct < 0.35) {
      const accounts = next() < 0.5 ? ['dev'] : ['dev', 'staging'];
      assignments.push({ user: userName, permissionSet: pick(teamSets), accounts });
    }
    if (direct < 0.1) assignments.push({ user: userName, permissionSet: pick(teamSets), accounts: ['prod'] });
  }
  const legacyIamUsers = Array.from({ length: LEGACY_USERS }, (_v, i) => ({
    userName: i % 4 === 0 ? `ci-bot-${i}` : `person${String(i * 97).padStart(5, '0')}@example.com`,
    accessKeys:
      i % 3 === 0
        ? [{ status: 'Active' as const, lastUsedDaysAgo: i }, { status: 'Inactive' as const }]
        : [{ status: 'Active' as const, ...(i % 5 === 0 ? {} : { lastUsedDaysAgo: i + 1 }) }],
  }));
  return {
    accounts: ACCOUNTS,
    permissionSets: SETS.map((name) => ({ name })),
    groups: [{ name: 'AdministratorAccess' }, { name: 'ReadOnly' }, { name: 'Billing' }],
    users,
    assignments,
    legacyIamUsers,
  };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const quiet = (): Promise<void> => new Promise((r) => setTimeout(r, 1_500)); // the emulator's buckets refill

/** The floor: for each rate-limit budget the emulator enforces, its calls ÷ its rate; the largest wins. */
function floorOf(calls: readonly CallRecord[]) {
  const limits = awsRateLimits();
  const buckets = new Map<string, { calls: number; rate: number }>();
  for (const c of calls) {
    const [key, rate] =
      c.service === 'sso-admin'
        ? ['sso-admin (all APIs)', limits.ssoAdminPerSecond]
        : c.service === 'identitystore'
          ? [`identitystore ${c.operation}`, limits.identityStorePerApiPerSecond]
          : c.service === 'cloudtrail'
            ? ['cloudtrail LookupEvents', limits.cloudTrailLookupsPerSecond]
            : [c.service, limits.otherPerSecond];
    const b = buckets.get(key) ?? { calls: 0, rate };
    b.calls += 1;
    buckets.set(key, b);
  }
  const rows = [...buckets].map(([key, b]) => ({ key, ...b, ms: (b.calls / b.rate) * 1000 }));
  rows.sort((a, b) => b.ms - a.ms);
  return { rows, ms: rows[0]?.ms ?? 0 };
}

function byOperation(calls: readonly CallRecord[]): string {
  const counts = new Map<string, number>();
  for (const c of calls) {
    const name = c.service === 'iam' ? `IAM ${c.operation}` : c.operation;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([op, n]) => `${n} ${op}`)
    .join(', ');
}

/** `signIns: false`: the walk without CloudTrail's history (what the admins' scripts read, for a like-for-like figure). */
async function auditRun(emulator: RunningEmulator, { signIns = true }: { signIns?: boolean } = {}) {
  const adapter = createAwsAdapter(
    {
      region: 'eu-west-1',
      endpoint: emulator.url,
      credentials,
      instanceArn: emulator.state.instance.InstanceArn,
      identityStoreId: emulator.state.instance.IdentityStoreId,
    },
    silentLogger,
  );
  emulator.calls.length = 0;
  const start = performance.now();
  const walked = await walkOrganisation({
    ...adapter,
    clock: systemClock,
    ...(signIns ? {} : { signIns: undefined }),
  });
  const walkMs = performance.now() - start;
  if (!walked.ok) throw new Error(`the audit failed: ${walked.error.message}`);
  const report = buildAuditReport(walked.value, {
    accounts: Object.fromEntries(ACCOUNTS.map((a) => [a.alias, a.id])),
    grants: [],
    now: new Date(),
  });
  const csv = auditCsv(report);
  const ms = performance.now() - start;
  const calls = [...emulator.calls];
  const stats = adapter.limiter.stats();
  adapter.close();
  return { ms, walkMs, calls, report, csvBytes: Buffer.byteLength(csv), stats };
}

/** What admins run today: list the users, then for each one its groups and its assignments, with SDK retries. */
async function scriptRun(emulator: RunningEmulator, concurrency: number) {
  const common = { endpoint: emulator.url, region: 'eu-west-1', credentials };
  const ids = new IdentitystoreClient(common);
  const sso = new SSOAdminClient(common);
  const store = emulator.state.instance.IdentityStoreId;
  const instance = emulator.state.instance.InstanceArn;
  emulator.calls.length = 0;
  let failed = 0;
  const listStart = performance.now();
  const userIds: string[] = [];
  let token: string | undefined;
  do {
    const page = await ids.send(new ListUsersCommand({ IdentityStoreId: store, NextToken: token }));
    userIds.push(...(page.Users ?? []).map((u) => u.UserId ?? ''));
    token = page.NextToken;
  } while (token !== undefined);
  const listMs = performance.now() - listStart;
  const sample = userIds.slice(0, SCRIPT_SAMPLE);
  const perUser = async (userId: string): Promise<void> => {
    try {
      await ids.send(
        new ListGroupMembershipsForMemberCommand({ IdentityStoreId: store, MemberId: { UserId: userId } }),
      );
      await sso.send(
        new ListAccountAssignmentsForPrincipalCommand({
          InstanceArn: instance,
          PrincipalId: userId,
          PrincipalType: 'USER',
        }),
      );
    } catch {
      failed += 1; // the SDK gave up after its retries: this user is missing from the script's report
    }
  };
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < sample.length) await perUser(sample[next++] as string);
    }),
  );
  const sampleMs = performance.now() - start;
  const throttled = emulator.calls.filter((c) => c.errorCode === 'ThrottlingException').length;
  ids.destroy();
  sso.destroy();
  const extrapolatedMs = listMs + (sampleMs / sample.length) * userIds.length;
  return { sampleMs, listMs, extrapolatedMs, failed, throttled, users: userIds.length };
}

export async function benchAudit(): Promise<void> {
  const seed = checkSeed(organisation(), 'bench organisation');
  const emulator = await startEmulator({
    credentials: [credentials],
    seed,
    faults: { latencyMs: LATENCY_MS },
  });
  try {
    const directs = seed.assignments
      .filter((a) => a.user !== undefined)
      .reduce((n, a) => n + a.accounts.length, 0);
    console.log(
      `\nAudit of ${USERS.toLocaleString('en-GB')} users (3 accounts, 9 permission sets, 3 groups, ${directs.toLocaleString('en-GB')} direct assignments, ${LEGACY_USERS} legacy IAM users), rate limits on, ${LATENCY_MS} ms a call`,
    );
    const audit = await auditRun(emulator);
    const floor = floorOf(audit.calls);
    const throttled = audit.calls.filter((c) => c.errorCode === 'ThrottlingException').length;
    const s = audit.report.summary;
    console.log(
      `  access-desk audit:  ${seconds(audit.ms)} (walk ${seconds(audit.walkMs)}, report and CSV ${seconds(audit.ms - audit.walkMs)}), ${audit.calls.length} calls, ${throttled} throttled answers; ${s.accessRows.toLocaleString('en-GB')} access rows, ${s.usersWithoutAccess} users without access, ${s.activeKeys ?? 0} active legacy keys, CSV ${(audit.csvBytes / 1024).toFixed(0)} KiB`,
    );
    console.log(`    calls: ${byOperation(audit.calls)}`);
    console.log(
      `    floor by budget: ${floor.rows.map((r) => `${r.key} ${r.calls}/${r.rate} per s = ${seconds(r.ms)}`).join('; ')}`,
    );
    console.log(`    floor ${seconds(floor.ms)} → ratio ${(audit.ms / floor.ms).toFixed(2)}× (goal ≤ 1.25×)`);
    const pages = s.signInPages ?? 0;
    const lookups = audit.calls.filter((c) => c.service === 'cloudtrail');
    console.log(
      `    CloudTrail floor: ${USERS.toLocaleString('en-GB')} users' ${(s.signInEvents ?? 0).toLocaleString('en-GB')} sign-ins in the last 90 days ÷ 50 a page = ${pages} pages ÷ 2 per s = ${seconds((pages / 2) * 1000)} (${lookups.length} LookupEvents, ${lookups.filter((c) => c.errorCode === 'ThrottlingException').length} throttled); ${s.inactiveUsers ?? 0} users with no sign-in for ${s.inactiveAfterDays ?? 90} days`,
    );

    await quiet();
    // The scripts read no sign-ins: the speed-up compares the same work, the walk without CloudTrail.
    const sameWork = await auditRun(emulator, { signIns: false });
    const sameFloor = floorOf(sameWork.calls);
    console.log(
      `  the same audit without sign-ins (what the scripts below read): ${seconds(sameWork.ms)}, floor ${seconds(sameFloor.ms)} → ratio ${(sameWork.ms / sameFloor.ms).toFixed(2)}×`,
    );

    await quiet();
    const sequential = await scriptRun(emulator, 1);
    await quiet();
    const naive = await scriptRun(emulator, SCRIPT_CONCURRENCY);
    const best = Math.min(sequential.extrapolatedMs, naive.extrapolatedMs);
    const line = (name: string, r: typeof sequential): string =>
      `  ${name} ${seconds(r.sampleMs)} for ${SCRIPT_SAMPLE} users (+ ${seconds(r.listMs)} ListUsers), ${r.throttled} throttled answers, ${r.failed} users lost after SDK retries → ${seconds(r.extrapolatedMs)} for ${r.users.toLocaleString('en-GB')} users (extrapolated linearly)`;
    console.log(
      `  script approach (per user ListGroupMembershipsForMember + ListAccountAssignmentsForPrincipal; measured on a sample of ${SCRIPT_SAMPLE} users and extrapolated):`,
    );
    console.log(line('  one call at a time:        ', sequential));
    console.log(line(`  ${SCRIPT_CONCURRENCY} at once, SDK retries:   `, naive));
    console.log(
      `  speed-up over the faster script: ${(best / sameWork.ms).toFixed(1)}× for the same work (goal ≥ 10×); ${(best / audit.ms).toFixed(1)}× with the sign-ins read as well`,
    );
  } finally {
    await emulator.close();
  }
}
