import { afterEach, describe, expect, it } from 'vitest';
import type { AdminRequestDetails } from '../../src/access/admin-api.js';
import { directAssignmentsOf, groupsOf } from '../support/admin-emulator.js';
import { PEOPLE, startAccessHarness, type AccessHarness } from '../support/access-harness.js';

let h: AccessHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const SAM = 'sam.dev@example.com';
const WRITES = /^(Create|Delete)(AccountAssignment|GroupMembership)$/;

describe('changing a person’s role', () => {
  it('shows today’s access against the role and the difference', async () => {
    h = await startAccessHarness();
    const preview = await h.admin.previewRoleChange(PEOPLE.ada, SAM, 'Finance');
    if (!preview.ok) throw new Error(preview.message);
    expect(preview.value).toMatchObject({
      role: 'finance',
      current: {
        groups: ['ReadOnly'],
        assignments: [
          { permissionSet: 'Developer', accountAlias: 'dev' },
          { permissionSet: 'Developer', accountAlias: 'staging' },
        ],
      },
      add: { groups: ['Billing'], assignments: [] },
      remove: {
        groups: ['ReadOnly'],
        assignments: [
          { permissionSet: 'Developer', accountAlias: 'dev' },
          { permissionSet: 'Developer', accountAlias: 'staging' },
        ],
      },
    });
    expect(await h.admin.previewRoleChange(PEOPLE.ada, SAM, 'fnance')).toMatchObject({
      ok: false,
      code: 'unknown_role',
    });
  });

  it('adds what is new before it removes what is gone, so the person is never left without access', async () => {
    h = await startAccessHarness();
    const submitted = await h.admin.submitRoleChange(PEOPLE.ada, {
      who: PEOPLE.sam,
      role: 'sre',
      reason: 'joins the SRE team',
    });
    if (!submitted.ok) throw new Error(submitted.message);
    const { request } = submitted.value;
    expect(request).toMatchObject({ kind: 'role_change', permissionSet: 'sre', status: 'pending' });
    const planned = (request.details as unknown as AdminRequestDetails).steps.map((s) => s.id);
    expect(planned).toEqual([
      'assign:staging:ProductionSupport',
      'assign:prod:ProductionSupport',
      'unassign:dev:Developer',
      'unassign:staging:Developer',
      'end_sessions',
    ]);
    const before = h.emulator.calls.length;
    expect((await h.service.approve(request.id, PEOPLE.lena)).ok).toBe(true);
    await h.drain();

    expect((await h.service.view(request.id))?.request.status).toBe('completed');
    const userId = h.emulator.state.userByName(SAM)!.UserId;
    expect(directAssignmentsOf(h.emulator, userId)).toEqual([
      'prod:ProductionSupport',
      'staging:ProductionSupport',
    ]);
    expect(groupsOf(h.emulator, SAM)).toEqual(['ReadOnly']);
    const writes = h.emulator.calls
      .slice(before)
      .filter((c) => WRITES.test(c.operation) && c.errorCode === undefined)
      .map((c) => c.operation);
    expect(writes).toEqual([
      'CreateAccountAssignment',
      'CreateAccountAssignment',
      'DeleteAccountAssignment',
      'DeleteAccountAssignment',
    ]);
  });

  it('joins the new group before it leaves the old one and drops the old assignments', async () => {
    h = await startAccessHarness();
    // Billing carries FinanceAdmin on management: finance approves it (rules[5]), with a reason (rules[2], rules[5]).
    const submitted = await h.admin.submitRoleChange(PEOPLE.ada, {
      who: SAM,
      role: 'finance',
      reason: 'moves to the finance team',
    });
    if (!submitted.ok) throw new Error(submitted.message);
    const before = h.emulator.calls.length;
    expect(await h.service.approve(submitted.value.request.id, PEOPLE.leo)).toMatchObject({
      ok: false,
      code: 'not_approver',
    });
    expect((await h.service.approve(submitted.value.request.id, PEOPLE.fiona)).ok).toBe(true);
    await h.drain();

    const userId = h.emulator.state.userByName(SAM)!.UserId;
    expect(groupsOf(h.emulator, SAM)).toEqual(['Billing']);
    expect(directAssignmentsOf(h.emulator, userId)).toEqual([]);
    const writes = h.emulator.calls
      .slice(before)
      .filter((c) => WRITES.test(c.operation) && c.errorCode === undefined)
      .map((c) => c.operation);
    expect(writes).toEqual([
      'CreateGroupMembership',
      'DeleteAccountAssignment',
      'DeleteAccountAssignment',
      'DeleteGroupMembership',
    ]);
  });

  it('refuses a change to the role the person already has', async () => {
    h = await startAccessHarness();
    const outcome = await h.admin.submitRoleChange(PEOPLE.ada, { who: SAM, role: 'developer' });
    expect(outcome).toMatchObject({ ok: false, code: 'already_held' });
  });
});
