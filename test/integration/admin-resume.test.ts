import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AdminRequestDetails } from '../../src/access/admin-api.js';
import { callsOf, directAssignmentsOf, groupsOf } from '../support/admin-emulator.js';
import { PEOPLE, startAccessHarness, type AccessHarness } from '../support/access-harness.js';

let h: AccessHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const dbFile = (): string => path.join(mkdtempSync(path.join(tmpdir(), 'access-desk-')), 'ledger.sqlite');
const stepStatuses = async (harness: AccessHarness, id: string) =>
  Object.fromEntries(
    ((await harness.service.view(id))!.request.details as unknown as AdminRequestDetails).steps.map((s) => [
      s.id,
      s.status,
    ]),
  );

describe('admin work resumed after a crash', () => {
  it('finishes an onboarding stopped in the middle of an assignment once, doing nothing twice', async () => {
    // The first run gives up waiting on AWS long before it finishes, as a crash mid-step would leave it.
    const first = await startAccessHarness({
      dbPath: dbFile(),
      provisioningDelayMs: 1_500,
      assignmentTimeoutMs: 100,
    });
    const submitted = await first.admin.submitOnboarding(PEOPLE.ada, {
      email: 'nina.new@example.com',
      givenName: 'Nina',
      familyName: 'New',
      role: 'developer',
      note: 'joins the payments team',
    });
    if (!submitted.ok) throw new Error(submitted.message);
    const id = submitted.value.request.id;
    expect((await first.service.approve(id, PEOPLE.lena)).ok).toBe(true);
    await first.drain();
    expect((await first.service.view(id))?.request.status).toBe('provisioning');
    expect(await stepStatuses(first, id)).toMatchObject({
      create_user: 'done',
      'join_group:ReadOnly': 'done',
      'assign:dev:Developer': 'pending',
      send_welcome: 'pending',
    });

    h = await first.restart({ assignmentTimeoutMs: 10_000 });
    h.clock.advance(60_000); // past the retry wait
    await h.scheduler.tick();

    expect((await h.service.view(id))?.request.status).toBe('completed');
    const user = h.emulator.state.userByName('nina.new@example.com')!;
    expect(directAssignmentsOf(h.emulator, user.UserId)).toEqual(['dev:Developer', 'staging:Developer']);
    expect(groupsOf(h.emulator, 'nina.new@example.com')).toEqual(['ReadOnly']);
    expect(callsOf(h.emulator, 'CreateUser', 'identitystore')).toHaveLength(1);
    expect(callsOf(h.emulator, 'CreateGroupMembership')).toHaveLength(1);
    expect(callsOf(h.emulator, 'CreateAccountAssignment')).toHaveLength(2);
    expect(h.emulator.state.mailbox).toHaveLength(1);
    expect(h.notifier.eventsFor(id)).toEqual(['granted']);
  });

  it('takes a user the crashed run created as its own, and does not create it again', async () => {
    const first = await startAccessHarness({ dbPath: dbFile() });
    // The crash window of the create_user step: it noted its attempt and AWS made the user, but the
    // process died before the step was saved as done.
    const submitted = await first.admin.submitOnboarding(PEOPLE.ada, {
      email: 'nina.new@example.com',
      givenName: 'Nina',
      familyName: 'New',
      role: 'junior-developer',
    });
    if (!submitted.ok) throw new Error(submitted.message);
    const id = submitted.value.request.id;
    expect((await first.service.approve(id, PEOPLE.lena)).ok).toBe(true);
    const request = (await first.ledger.getRequest(id))!;
    await first.ledger.updateRequest(id, { details: { ...request.details, createUserAttempted: true } });
    const made = await first.aws.directory.createUser({
      email: 'nina.new@example.com',
      givenName: 'Nina',
      familyName: 'New',
    });
    if (!made.ok) throw new Error(made.error.message);

    h = await first.restart();
    await h.scheduler.tick();
    expect((await h.service.view(id))?.request.status).toBe('completed');
    expect(await stepStatuses(h, id)).toMatchObject({ create_user: 'done' });
    expect(callsOf(h.emulator, 'CreateUser', 'identitystore')).toHaveLength(1);
    expect(directAssignmentsOf(h.emulator, made.value.id)).toEqual(['dev:JuniorDeveloper']);
  });

  it('finishes an offboarding stopped in the middle of removing an assignment once, doing nothing twice', async () => {
    const first = await startAccessHarness({
      dbPath: dbFile(),
      provisioningDelayMs: 1_500,
      assignmentTimeoutMs: 100,
    });
    const kimId = first.emulator.state.userByName('kim.leaver@example.com')!.UserId;
    const submitted = await first.admin.submitOffboarding(PEOPLE.ada, {
      who: 'kim.leaver@example.com',
      reason: 'contract ended',
      cleanupLegacyIam: true,
    });
    if (!submitted.ok) throw new Error(submitted.message);
    const id = submitted.value.request.id;
    expect((await first.service.approve(id, PEOPLE.lena)).ok).toBe(true);
    await first.drain();
    expect((await first.service.view(id))?.request.status).toBe('provisioning');
    expect(first.emulator.state.userByName('kim.leaver@example.com')).toBeDefined();

    h = await first.restart({ assignmentTimeoutMs: 10_000 });
    h.clock.advance(60_000);
    await h.scheduler.tick();

    expect((await h.service.view(id))?.request.status).toBe('completed');
    expect(h.emulator.state.userByName('kim.leaver@example.com')).toBeUndefined();
    expect(directAssignmentsOf(h.emulator, kimId)).toEqual([]);
    expect(callsOf(h.emulator, 'DeleteAccountAssignment')).toHaveLength(3);
    expect(callsOf(h.emulator, 'DeleteGroupMembership')).toHaveLength(2);
    expect(callsOf(h.emulator, 'DeleteUser', 'identitystore')).toHaveLength(1);
    const audit = (await h.ledger.listAudit({ requestId: id })).filter((e) => e.action === 'admin.step.done');
    expect(new Set(audit.map((e) => e.details.step)).size).toBe(audit.length);
  });
});
