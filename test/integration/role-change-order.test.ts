/**
 * Issue 15's role change, smaller: 30 assignments added and 30 removed, made side by side against the local
 * Identity Center with AWS's rate limits on, through the real step runner and job runner. Nothing is removed
 * before every addition has succeeded, and when an addition fails nothing is removed at all. Not timed
 * (bench/admin-scale.ts measures the full size).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AdminRequestDetails } from '../../src/access/admin-api.js';
import { startEmulator, type CallRecord, type RunningEmulator } from '../../src/emulator/server.js';
import { PEOPLE, startAccessHarness, type AccessHarness } from '../support/access-harness.js';
import {
  acceptedBy,
  assignmentKey,
  holderSeed,
  roleYaml,
  scaleAccountId,
  scaleAliases,
  scaleConfig,
  scaleSeed,
} from '../support/admin-scale.js';
import { testCredentials } from '../support/aws-clients.js';

const MOVER = 'rita.mover@example.com';
const ACCOUNTS = 15;
const FROM = ['Developer', 'JuniorDeveloper'];
const TO = ['SeniorDeveloper', 'InsightsDeveloper'];

let h: AccessHarness | undefined;
let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await h?.close();
  await emulator?.close();
  h = undefined;
  emulator = undefined;
});

/** Rita holds FROM on 15 accounts (30 assignments) and is moved to a role of TO on them (30 others). */
async function moving(): Promise<{ harness: AccessHarness; requestId: string; userId: string }> {
  emulator = await startEmulator({
    credentials: [testCredentials],
    seed: scaleSeed(ACCOUNTS, holderSeed(MOVER, { accounts: ACCOUNTS, permissionSets: FROM })),
    rateLimits: true,
    faults: { provisioningDelayMs: 40 },
  });
  const accounts = scaleAliases(ACCOUNTS);
  const config = scaleConfig(ACCOUNTS, roleYaml('platform', TO, accounts));
  const harness = await startAccessHarness({ emulator, config });
  h = harness;
  const submitted = await harness.admin.submitRoleChange(PEOPLE.ada, {
    who: MOVER,
    role: 'platform',
    reason: 'moves to the platform team',
  });
  if (!submitted.ok) throw new Error(submitted.message);
  const steps = (submitted.value.request.details as unknown as AdminRequestDetails).steps;
  expect(steps.filter((s) => s.kind === 'assign')).toHaveLength(30);
  expect(steps.filter((s) => s.kind === 'unassign')).toHaveLength(30);
  return {
    harness,
    requestId: submitted.value.request.id,
    userId: emulator.state.userByName(MOVER)!.UserId,
  };
}

/** What the person holds in the emulator now (pending changes applied when their provisioning is over). */
function heldBy(em: RunningEmulator, userId: string): string[] {
  em.state.settle();
  return em.state
    .assignmentsOfPrincipal('USER', userId)
    .map((a) => `${a.AccountId}:${em.state.permissionSets.get(a.PermissionSetArn)?.Name ?? '?'}`)
    .sort();
}

const expected = (sets: readonly string[]): string[] =>
  sets.flatMap((s) => Array.from({ length: ACCOUNTS }, (_v, i) => `${scaleAccountId(i)}:${s}`)).sort();

/** Calls `onFirst` with what the person holds at the moment the first call of `operation` reaches AWS. */
function atFirst(em: RunningEmulator, operation: string, onFirst: () => void): void {
  const record = em.calls.push.bind(em.calls);
  let seen = false;
  em.calls.push = (...calls: CallRecord[]) => {
    if (!seen && calls.some((c) => c.operation === operation)) {
      seen = true;
      onFirst();
    }
    return record(...calls);
  };
}

describe('a role change at scale, with the rate limits on', () => {
  it('removes nothing before every one of its 30 additions has succeeded, then removes the 30 old ones once each', async () => {
    const { harness, requestId, userId } = await moving();
    const em = emulator!;
    let heldAtFirstRemoval: string[] | undefined;
    atFirst(em, 'DeleteAccountAssignment', () => {
      heldAtFirstRemoval = heldBy(em, userId);
    });
    const before = em.calls.length;
    expect((await harness.service.approve(requestId, PEOPLE.lena)).ok).toBe(true);
    await harness.drain();

    expect((await harness.service.view(requestId))?.request.status).toBe('completed');
    // When the first removal reached AWS, every addition was already in place, and nothing old had gone.
    expect(heldAtFirstRemoval).toEqual(expected([...FROM, ...TO]));
    const calls = em.calls.slice(before);
    const firstRemoval = calls.findIndex((c) => c.operation === 'DeleteAccountAssignment');
    const lastAdditionStatus = calls.findLastIndex(
      (c) => c.operation === 'DescribeAccountAssignmentCreationStatus',
    );
    expect(lastAdditionStatus).toBeLessThan(firstRemoval);
    // The additions went side by side (several submitted before the first was known to be over): the order is
    // kept by the runner, not by doing one thing at a time.
    const firstStatus = calls.findIndex((c) => c.operation === 'DescribeAccountAssignmentCreationStatus');
    const submittedAtOnce = calls
      .slice(0, firstStatus)
      .filter((c) => c.operation === 'CreateAccountAssignment').length;
    expect(submittedAtOnce).toBeGreaterThan(1);

    expect(heldBy(em, userId)).toEqual(expected(TO));
    const created = acceptedBy(calls, 'CreateAccountAssignment', assignmentKey);
    const deleted = acceptedBy(calls, 'DeleteAccountAssignment', assignmentKey);
    expect([created.size, deleted.size]).toEqual([30, 30]);
    expect([...created.values(), ...deleted.values()].every((n) => n === 1)).toBe(true);
  }, 120_000);

  it('removes nothing at all when one of its additions fails, and says which', async () => {
    const { harness, requestId, userId } = await moving();
    const em = emulator!;
    em.faults.failedProvisioning.push({
      accountId: scaleAccountId(7),
      permissionSetArn: em.state.permissionSetByName('InsightsDeveloper')!.PermissionSetArn,
      reason: 'Role quota exceeded',
      remaining: 1,
    });
    const before = em.calls.length;
    expect((await harness.service.approve(requestId, PEOPLE.lena)).ok).toBe(true);
    await harness.drain();

    const view = (await harness.service.view(requestId))!;
    expect(view.request.status).toBe('failed');
    const steps = (view.request.details as unknown as AdminRequestDetails).steps;
    const failed = steps.filter((s) => s.status === 'failed');
    expect(failed.map((s) => s.id)).toEqual(['assign:scale-007:InsightsDeveloper']);
    expect(failed[0]!.detail).toContain('Role quota exceeded');
    expect(steps.filter((s) => s.kind === 'unassign').every((s) => s.status === 'pending')).toBe(true);
    const calls = em.calls.slice(before);
    expect(calls.filter((c) => c.operation === 'DeleteAccountAssignment')).toEqual([]);
    // Everything old is still held; what was added is too, but for the one that failed.
    const held = heldBy(em, userId);
    expect(held).toEqual(expect.arrayContaining(expected(FROM)));
    expect(held).not.toContain(`${scaleAccountId(7)}:InsightsDeveloper`);
  }, 120_000);
});
