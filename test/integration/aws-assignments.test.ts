import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { checkSeed } from '../../src/emulator/seed.js';
import { createAwsAdapter, type AwsAdapter, type AwsAdapterSettings } from '../../src/aws/index.js';
import type { AssignmentProgress } from '../../src/access/ports.js';
import type { Assignment } from '../../src/domain/identity.js';
import { silentLogger } from '../../src/log.js';
import { testCredentials } from '../support/aws-clients.js';

const DEV = '111111111111';
const STAGING = '222222222222';
const MANAGEMENT = '999999999999';
const INSTANCE = 'arn:aws:sso:::instance/ssoins-00000000000000aa';
const psArn = (n: number) => `arn:aws:sso:::permissionSet/ssoins-00000000000000aa/ps-00000000000000${n}0`;
const DEVELOPER = psArn(1);
const READ_ONLY = psArn(2);

const seed = checkSeed({
  instance: { arn: INSTANCE, identityStoreId: 'd-00000000aa' },
  accounts: [
    { id: DEV, alias: 'dev' },
    { id: STAGING, alias: 'staging' },
    { id: MANAGEMENT, alias: 'management', management: true },
  ],
  permissionSets: [
    { name: 'Developer', arn: DEVELOPER, sessionDuration: 'PT8H' },
    { name: 'ReadOnlyAccess', arn: READ_ONLY, sessionDuration: 'PT12H' },
  ],
  groups: [{ name: 'ReadOnly' }],
  users: Array.from({ length: 30 }, (_v, i) => ({
    userName: `dev${i}@example.com`,
    givenName: 'Dev',
    familyName: `Number${i}`,
    email: `dev${i}@example.com`,
  })),
  assignments: [
    { group: 'ReadOnly', permissionSet: 'ReadOnlyAccess', accounts: ['dev', 'staging'] },
    { user: 'dev0@example.com', permissionSet: 'Developer', accounts: ['dev', 'staging'] },
    { user: 'dev0@example.com', permissionSet: 'ReadOnlyAccess', accounts: ['dev'] },
  ],
});

let emu: RunningEmulator;
let aws: AwsAdapter;
const adapters: AwsAdapter[] = [];

/** Polls quickly so that a 300 ms provisioning takes several polls. */
function adapter(extra: Partial<AwsAdapterSettings> = {}): AwsAdapter {
  const created = createAwsAdapter(
    {
      region: 'eu-west-1',
      endpoint: emu.url,
      credentials: testCredentials,
      assignments: { pollInitialMs: 40, pollMaxMs: 100, conflictRetryMs: 100 },
      ...extra,
    },
    silentLogger,
  );
  adapters.push(created);
  return created;
}

beforeAll(async () => {
  emu = await startEmulator({
    credentials: [testCredentials],
    seed,
    rateLimits: true,
    faults: { provisioningDelayMs: 300 },
  });
  aws = adapter();
});

afterAll(async () => {
  for (const a of adapters) a.close();
  await emu.close();
});

afterEach(() => {
  emu.faults.errors.length = 0;
  emu.faults.failedProvisioning.length = 0;
  emu.faults.accessDeniedAccounts.length = 0;
  emu.faults.provisioningDelayMs = 300;
});

function userId(n: number): string {
  const user = emu.state.userByName(`dev${n}@example.com`);
  if (user === undefined) throw new Error(`seed has no dev${n}`);
  return user.UserId;
}

const assignment = (n: number, accountId = DEV, permissionSetArn = DEVELOPER): Assignment => ({
  accountId,
  permissionSetArn,
  principal: { type: 'USER', id: userId(n) },
});

const holds = (a: Assignment) =>
  [...emu.state.assignments.values()].some(
    (x) =>
      x.AccountId === a.accountId &&
      x.PermissionSetArn === a.permissionSetArn &&
      x.PrincipalId === a.principal.id,
  );

describe('the limit of 15 creations in progress', () => {
  // First in the file: an operation left running by another test would count against the limit.
  it('keeps at most 15 creations in progress: 20 at once all succeed and none is throttled', async () => {
    // Long enough that all 20 would be in progress together without the client-side semaphore.
    emu.faults.provisioningDelayMs = 1_500;
    const before = emu.calls.length;
    const slots = aws.limiter.assignmentCreations;
    let peakInUse = 0;
    let peakWaiting = 0;
    const sampler = setInterval(() => {
      peakInUse = Math.max(peakInUse, slots.inUse);
      peakWaiting = Math.max(peakWaiting, slots.waiting);
    }, 5);
    const targets = Array.from({ length: 20 }, (_v, i) => assignment(10 + i, STAGING));
    const outcomes = await Promise.all(targets.map((t) => aws.assignments.create(t)));
    clearInterval(sampler);

    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    expect(targets.every(holds)).toBe(true);
    expect(peakInUse).toBe(15);
    expect(peakWaiting).toBe(5);
    const creates = emu.calls.slice(before).filter((c) => c.operation === 'CreateAccountAssignment');
    expect(creates).toHaveLength(20);
    // The emulator throttles a 16th creation in progress; it never had to.
    expect(creates.filter((c) => c.errorCode !== undefined)).toEqual([]);
    expect(slots.inUse).toBe(0);
  }, 30_000);
});

describe('creating and deleting assignments', () => {
  it('creates an assignment that takes several polls, reporting each one', async () => {
    const progress: AssignmentProgress[] = [];
    const target = assignment(1);
    const outcome = await aws.assignments.create(target, { onProgress: (p) => progress.push(p) });

    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.value.outcome).toBe('created');
    expect(outcome.value.polls).toBeGreaterThanOrEqual(3);
    expect(outcome.value.elapsedMs).toBeGreaterThanOrEqual(300);
    expect(progress.map((p) => p.status).at(-1)).toBe('SUCCEEDED');
    expect(progress.filter((p) => p.status === 'IN_PROGRESS').length).toBeGreaterThanOrEqual(3);
    expect(new Set(progress.map((p) => p.requestId))).toEqual(new Set([outcome.value.requestId]));
    expect(holds(target)).toBe(true);
  });

  it('treats creating an assignment that already exists as done', async () => {
    const target = assignment(0, DEV, DEVELOPER); // seeded
    const outcome = await aws.assignments.create(target);
    expect(outcome.ok).toBe(true);
    expect(holds(target)).toBe(true);
  });

  it('reports a FAILED creation with the reason AWS gave', async () => {
    const target = assignment(2);
    emu.faults.failedProvisioning.push({
      principalId: target.principal.id,
      reason: 'Received a 409 status error: the account has reached its IAM role quota.',
    });
    const outcome = await aws.assignments.create(target);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.code).toBe('provisioning_failed');
    expect(outcome.error.reason).toContain('IAM role quota');
    expect(outcome.error.message).toContain('IAM role quota');
    expect(holds(target)).toBe(false);
  });

  it('deletes an assignment and waits until it is gone; deleting it again is already_gone', async () => {
    const target = assignment(3);
    expect((await aws.assignments.create(target)).ok).toBe(true);

    const deleted = await aws.assignments.delete(target);
    expect(deleted.ok && deleted.value.outcome).toBe('deleted');
    expect(deleted.ok && deleted.value.polls).toBeGreaterThanOrEqual(1);
    expect(holds(target)).toBe(false);

    const again = await aws.assignments.delete(target);
    expect(again.ok && again.value.outcome).toBe('already_gone');
  });

  it('maps access denied in the management account to a message with the management-account hint', async () => {
    emu.faults.accessDeniedAccounts.push(MANAGEMENT);
    const outcome = await aws.assignments.create(assignment(4, MANAGEMENT));
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.code).toBe('access_denied');
    expect(outcome.error.message).toMatch(/management account/);
    expect(outcome.error.message).toMatch(/delegated administrator/);
    expect(outcome.error.message).toMatch(/credentials/);
  });

  it('answers timed_out when AWS is still provisioning at the deadline', async () => {
    emu.faults.provisioningDelayMs = 5_000;
    const impatient = adapter({ assignments: { pollInitialMs: 40, pollMaxMs: 100, timeoutMs: 400 } });
    const outcome = await impatient.assignments.create(assignment(5));
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.code).toBe('timed_out');
    expect(outcome.error.resource).toBeDefined();
    expect(outcome.error.message).toMatch(/may still finish/);
  });

  it('waits out an operation already running on the same target (ConflictException) instead of failing', async () => {
    const target = assignment(6);
    const before = emu.calls.length;
    const [first, second] = await Promise.all([
      aws.assignments.create(target),
      new Promise((resolve) => setTimeout(resolve, 20)).then(() => aws.assignments.create(target)),
    ]);
    expect(first.ok && first.value.outcome).toBe('created');
    expect(second.ok && second.value.outcome).toBe('created');
    const conflicts = emu.calls
      .slice(before)
      .filter((c) => c.operation === 'CreateAccountAssignment' && c.errorCode === 'ConflictException');
    expect(conflicts.length).toBeGreaterThanOrEqual(1);
  });
});

describe('listing assignments', () => {
  it('lists a principal’s own assignments, optionally for some accounts', async () => {
    const all = await aws.assignments.listForPrincipal({ type: 'USER', id: userId(0) });
    expect(all.ok).toBe(true);
    if (!all.ok) return;
    expect(all.value.map((a) => `${a.accountId}:${a.permissionSetArn}`).sort()).toEqual(
      [`${DEV}:${DEVELOPER}`, `${DEV}:${READ_ONLY}`, `${STAGING}:${DEVELOPER}`].sort(),
    );
    const staging = await aws.assignments.listForPrincipal(
      { type: 'USER', id: userId(0) },
      { accountIds: [STAGING] },
    );
    expect(staging.ok && staging.value).toEqual([
      { accountId: STAGING, permissionSetArn: DEVELOPER, principal: { type: 'USER', id: userId(0) } },
    ]);
  });

  it('lists a group’s assignments', async () => {
    const groupId = [...emu.state.groups.values()].find((g) => g.DisplayName === 'ReadOnly')!.GroupId;
    const listed = await aws.assignments.listForGroup(groupId);
    expect(listed.ok && listed.value.map((a) => a.accountId).sort()).toEqual([DEV, STAGING]);
  });

  it('lists who holds a permission set in an account', async () => {
    const listed = await aws.assignments.listForAccount(DEV, READ_ONLY);
    expect(listed.ok && listed.value.map((a) => a.principal.type).sort()).toEqual(['GROUP', 'USER']);
  });

  it('falls back to listing by account × permission set when ListAccountAssignmentsForPrincipal is refused', async () => {
    emu.faults.errors.push({
      service: 'sso-admin',
      operation: 'ListAccountAssignmentsForPrincipal',
      error: 'accessDenied',
    });
    const delegated = adapter();
    const principal = { type: 'USER' as const, id: userId(0) };
    const first = await delegated.assignments.listForPrincipal(principal);
    const second = await delegated.assignments.listForPrincipal(principal, { accountIds: [DEV] });
    emu.faults.errors.length = 0;
    const direct = await aws.assignments.listForPrincipal(principal);

    expect(first.ok && direct.ok).toBe(true);
    if (!first.ok || !direct.ok || !second.ok) return;
    const key = (a: Assignment) => `${a.accountId}:${a.permissionSetArn}:${a.principal.id}`;
    expect(first.value.map(key).sort()).toEqual(direct.value.map(key).sort());
    expect(second.value.every((a) => a.accountId === DEV)).toBe(true);
    expect(second.value).toHaveLength(2);
    // Refused once, not asked again.
    const asked = emu.calls.filter(
      (c) => c.operation === 'ListAccountAssignmentsForPrincipal' && c.errorCode === 'AccessDeniedException',
    );
    expect(asked).toHaveLength(1);
  });
});
