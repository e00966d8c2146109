/**
 * Issue 15's offboarding, smaller: a person holding 60 assignments over 30 accounts and in 10 groups, offboarded
 * against the local Identity Center with AWS's rate limits on, through the real step runner and job runner,
 * the removals side by side. Every assignment and every membership goes once, in the order PRODUCT.md gives
 * (assignments, then groups, the user last). Not timed (bench/admin-scale.ts measures the full size).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AdminRequestDetails } from '../../src/access/admin-api.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { PEOPLE, startAccessHarness, type AccessHarness } from '../support/access-harness.js';
import { acceptedBy, assignmentKey, holderSeed, scaleConfig, scaleSeed } from '../support/admin-scale.js';
import { testCredentials } from '../support/aws-clients.js';

const LEAVER = 'olga.leaver@example.com';
const ACCOUNTS = 30;
const GROUPS = 10;

let h: AccessHarness | undefined;
let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await h?.close();
  await emulator?.close();
  h = undefined;
  emulator = undefined;
});

describe('offboarding at scale, with the rate limits on', () => {
  it('removes each of 60 assignments and 10 group memberships once, then deletes the user', async () => {
    emulator = await startEmulator({
      credentials: [testCredentials],
      seed: scaleSeed(
        ACCOUNTS,
        holderSeed(LEAVER, {
          accounts: ACCOUNTS,
          permissionSets: ['Developer', 'JuniorDeveloper'],
          groups: GROUPS,
        }),
      ),
      rateLimits: true,
      faults: { provisioningDelayMs: 40 },
    });
    h = await startAccessHarness({ emulator, config: scaleConfig(ACCOUNTS) });
    const { state } = emulator;
    const userId = state.userByName(LEAVER)!.UserId;
    expect(state.assignmentsOfPrincipal('USER', userId)).toHaveLength(60);
    const memberships = [...state.memberships.values()].filter((m) => m.UserId === userId);
    expect(memberships).toHaveLength(GROUPS);

    const submitted = await h.admin.submitOffboarding(PEOPLE.ada, {
      who: LEAVER,
      reason: 'leaves the company',
      cleanupLegacyIam: false,
    });
    if (!submitted.ok) throw new Error(submitted.message);
    const id = submitted.value.request.id;
    const before = emulator.calls.length;
    const lanes = h.aws.limiter.stats();
    expect((await h.service.approve(id, PEOPLE.lena)).ok).toBe(true);
    await h.drain();
    // Its AWS calls went in the background lane: a person's request in the meantime would have gone first.
    const after = h.aws.limiter.stats();
    expect(after.backgroundCalls - lanes.backgroundCalls).toBeGreaterThanOrEqual(2 * 60 + GROUPS);

    const view = (await h.service.view(id))!;
    expect(view.request.status).toBe('completed');
    const details = view.request.details as unknown as AdminRequestDetails;
    expect(details.steps.filter((s) => s.kind === 'unassign')).toHaveLength(60);
    expect(details.steps.filter((s) => s.kind === 'leave_group')).toHaveLength(GROUPS);
    expect(details.steps.filter((s) => s.status !== 'done' && s.status !== 'skipped')).toEqual([]);

    // Each assignment deleted once, each membership once, nothing left, the user gone.
    const calls = emulator.calls.slice(before);
    const deleted = acceptedBy(calls, 'DeleteAccountAssignment', assignmentKey);
    expect(deleted.size).toBe(60);
    expect([...deleted.values()].every((n) => n === 1)).toBe(true);
    const left = acceptedBy(calls, 'DeleteGroupMembership', (input) => String(input.MembershipId));
    expect([...left.keys()].sort()).toEqual(memberships.map((m) => m.MembershipId).sort());
    expect([...left.values()].every((n) => n === 1)).toBe(true);
    expect(state.assignmentsOfPrincipal('USER', userId)).toEqual([]);
    expect([...state.memberships.values()].filter((m) => m.UserId === userId)).toEqual([]);
    expect(state.userByName(LEAVER)).toBeUndefined();

    // In order: every deletion known to be over before the first membership goes; the user last.
    const lastDeletionStatus = calls.findLastIndex(
      (c) => c.operation === 'DescribeAccountAssignmentDeletionStatus',
    );
    const firstLeave = calls.findIndex((c) => c.operation === 'DeleteGroupMembership');
    const lastLeave = calls.findLastIndex((c) => c.operation === 'DeleteGroupMembership');
    const userDeleted = calls.findIndex((c) => c.service === 'identitystore' && c.operation === 'DeleteUser');
    expect(lastDeletionStatus).toBeLessThan(firstLeave);
    expect(lastLeave).toBeLessThan(userDeleted);

    // The ledger: each step done once, an audit line each.
    const audit = (await h.ledger.listAudit({ requestId: id })).filter((e) => e.action === 'admin.step.done');
    expect(audit).toHaveLength(details.steps.filter((s) => s.status === 'done').length);
    expect(new Set(audit.map((e) => e.details.step)).size).toBe(audit.length);
  }, 120_000);
});
