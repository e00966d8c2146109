/**
 * People's requests ahead of background work in AWS's budget, end to end: while grants expire in a batch (the
 * job runner's end_grant jobs, in the background lane), an approval's CreateAccountAssignment goes to AWS ahead
 * of the deletions still queued, not behind them. Told by the order of the calls the local Identity Center
 * received, not by timing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../../src/domain/duration.js';
import { checkSeed, exampleSeed } from '../../src/emulator/seed.js';
import { startEmulator, type CallRecord, type RunningEmulator } from '../../src/emulator/server.js';
import { PEOPLE, startAccessHarness, type AccessHarness } from '../support/access-harness.js';
import { testCredentials } from '../support/aws-clients.js';
import { holdsInAws } from '../support/emulator-assertions.js';

/** The job runner's slots (its default): a quarter are kept for people's jobs. */
const SLOTS = 16;
const DEV = '111111111111';
const PROD = '333333333333';
const EXPIRING_SET = 'Developer';
/** The approval's own sso-admin calls: its creation and the creation's status, and Sam's assignments read. */
const isApprovals = (c: CallRecord, samId: string): boolean =>
  c.operation === 'CreateAccountAssignment' ||
  c.operation === 'DescribeAccountAssignmentCreationStatus' ||
  c.input.PrincipalId === samId;

const emailOf = (i: number) => `expiring.person${String(i).padStart(2, '0')}@example.com`;

let h: AccessHarness | undefined;
let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await h?.close();
  await emulator?.close();
  h = undefined;
  emulator = undefined;
});

/** People who each hold Developer on dev in Identity Center, by an access-desk grant ending at `endsAt`. */
async function expiringGrants(
  harness: AccessHarness,
  aws: RunningEmulator,
  endsAt: Date,
  EXPIRING: number,
): Promise<void> {
  const set = aws.state.permissionSetByName(EXPIRING_SET)!;
  const startsAt = new Date(endsAt.getTime() - HOUR);
  for (let i = 0; i < EXPIRING; i += 1) {
    const user = aws.state.userByName(emailOf(i))!;
    const n = String(i).padStart(2, '0');
    const slackId = `U9EXPIRE${n}`;
    await harness.ledger.insertRequest({
      id: `R-EXP${n}`,
      kind: 'access',
      status: 'active',
      requesterSlackId: slackId,
      requesterEmail: emailOf(i),
      requesterUserId: user.UserId,
      permissionSet: EXPIRING_SET,
      permissionSetArn: set.PermissionSetArn,
      accounts: [{ id: DEV, alias: 'dev' }],
      durationMs: HOUR,
      reason: 'a batch that ends at once',
      approvers: [PEOPLE.lena],
      requiredApprovals: 1,
      channel: 'C_APPROVALS',
      extendsGrantIds: [],
      details: {},
      createdAt: startsAt,
      lapsesAt: new Date(startsAt.getTime() + 24 * HOUR),
      decidedAt: startsAt,
      card: null,
      dm: null,
    });
    await harness.ledger.insertGrant({
      id: `G-EXP${n}`,
      requestId: `R-EXP${n}`,
      status: 'active',
      requesterSlackId: slackId,
      principalId: user.UserId,
      accountId: DEV,
      accountAlias: 'dev',
      permissionSet: EXPIRING_SET,
      permissionSetArn: set.PermissionSetArn,
      startsAt,
      endsAt,
      failureReason: null,
      awsRequestId: null,
      createdAssignment: true,
      remindedAt: startsAt, // reminded already: the storm is the expiry alone
      endedAt: null,
      endReason: null,
    });
  }
}

/** Waits (for the storm under way to reach AWS) until `enough` says so. */
async function until(enough: () => boolean): Promise<void> {
  while (!enough()) await new Promise((resolve) => setTimeout(resolve, 5));
}

/**
 * `EXPIRING` grants end at once, their end_grant jobs queued in the background lane; once the deletions have
 * reached AWS, Lena approves Sam's request. The approval's AWS calls must go ahead of the expiry's queued ones.
 */
async function approvalDuringExpiry(EXPIRING: number, underWay: number): Promise<void> {
  const seed = exampleSeed();
  for (let i = 0; i < EXPIRING; i += 1) {
    seed.users.push({
      userName: emailOf(i),
      givenName: 'Expiring',
      familyName: `Person${i}`,
      email: emailOf(i),
      groups: [],
    });
    seed.assignments.push({ user: emailOf(i), permissionSet: EXPIRING_SET, accounts: ['dev'] });
  }
  emulator = await startEmulator({
    credentials: [testCredentials],
    seed: checkSeed(seed),
    faults: { provisioningDelayMs: 20 },
  });
  h = await startAccessHarness({ emulator });
  const harness = h;
  const aws = emulator;
  await expiringGrants(harness, aws, new Date(harness.clock.now().getTime() + 30 * MINUTE), EXPIRING);

  // Sam's request waits for a lead's approval.
  const submitted = await harness.service.submitAccessRequest({
    requesterSlackId: PEOPLE.sam,
    permissionSet: 'SeniorDeveloper',
    accounts: ['prod'],
    duration: { kind: 'for', ms: 4 * HOUR },
    reason: 'fixing incident 4711',
  });
  if (!submitted.ok) throw new Error(submitted.message);
  const request = submitted.value.request;
  expect(request.status).toBe('pending');
  await harness.drain();

  // The grants end: the scheduler enqueues an end_grant job each and the runner starts them all at once.
  harness.clock.advance(31 * MINUTE);
  aws.calls.length = 0;
  const storm = harness.scheduler.tick();
  const ssoAdmin = (): CallRecord[] => aws.calls.filter((c) => c.service === 'sso-admin');
  await until(() => ssoAdmin().filter((c) => c.operation === 'DeleteAccountAssignment').length >= 3);

  // Lena approves while the deletions are queued in the limiter.
  const from = ssoAdmin().length;
  const approved = await harness.service.approve(request.id, PEOPLE.lena);
  expect(approved.ok).toBe(true);
  harness.runner.wake();
  expect((await storm).expired).toBe(EXPIRING);
  await harness.drain();

  const after = ssoAdmin().slice(from);
  const create = after.findIndex((c) => c.operation === 'CreateAccountAssignment');
  expect(create).toBeGreaterThanOrEqual(0);
  const samId = aws.state.userByName('sam.dev@example.com')!.UserId;
  const expiryBefore = after.slice(0, create).filter((c) => !isApprovals(c, samId)).length;
  const expiryAfter = after.slice(create).filter((c) => !isApprovals(c, samId)).length;
  // The expiry still had many calls to make when the approval came (each job a deletion, its status and the
  // ended sessions' policy at least), yet at most the tokens the approval did not wait for went to it
  // meanwhile: first come first served, every call the expiry had queued would have gone first.
  expect(expiryAfter).toBeGreaterThanOrEqual(EXPIRING);
  expect(expiryBefore).toBeLessThanOrEqual(underWay);

  // Nothing was lost to the priority: every grant ended, Sam's access came, nothing was throttled.
  for (let i = 0; i < EXPIRING; i += 1)
    expect(holdsInAws(aws, DEV, EXPIRING_SET, emailOf(i)), emailOf(i)).toBe(false);
  expect(holdsInAws(aws, PROD, 'SeniorDeveloper', 'sam.dev@example.com')).toBe(true);
  expect(aws.calls.filter((c) => c.errorCode === 'ThrottlingException')).toEqual([]);
  // The expiry ran in the background lane; the approval's provisioning did not.
  const stats = harness.aws.limiter.stats();
  expect(stats.backgroundCalls).toBeGreaterThanOrEqual(2 * EXPIRING);
  expect(stats.calls).toBeGreaterThan(stats.backgroundCalls);
}

describe('people’s requests ahead of background work', () => {
  it('sends an approval’s CreateAccountAssignment ahead of the deletions of a mass expiry queued before it', async () => {
    await approvalDuringExpiry(10, 3);
  });

  it('gives an approval’s provisioning a job slot at once when more grants expire than the job runner has slots', async () => {
    // 40 end_grant jobs would fill all 16 slots, first come first served; a quarter are kept for people's jobs.
    // Each of the 12 expiry jobs running may have had one call under way when Lena clicked; the rest waited.
    await approvalDuringExpiry(SLOTS * 2 + 8, SLOTS - SLOTS / 4);
  });
});
