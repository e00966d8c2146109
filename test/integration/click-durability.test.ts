/**
 * Clicks recorded before their ack and run after a crash: the access layer on a SQLite file and the emulator,
 * "crashing" by abandoning a service and starting a new one on the same file (the kill -9 of a real process is
 * in crash-kill.test.ts).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PEOPLE, startAccessHarness, type AccessHarness } from '../support/access-harness.js';

let h: AccessHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const LEASE = 60_000;
const dbFile = (): string => path.join(mkdtempSync(path.join(tmpdir(), 'access-desk-')), 'ledger.sqlite');
const creations = (harness: AccessHarness) =>
  harness.emulator.calls.filter((c) => c.operation === 'CreateAccountAssignment');

async function pendingRequest(harness: AccessHarness): Promise<string> {
  const submitted = await harness.service.submitAccessRequest({
    requesterSlackId: PEOPLE.sam,
    permissionSet: 'SeniorDeveloper',
    accounts: ['dev'],
  });
  if (!submitted.ok) throw new Error(submitted.message);
  return submitted.value.request.id;
}

/** The service is abandoned where it is (its leases left to run out) and a new one starts on the same file. */
async function crashAndRestart(harness: AccessHarness): Promise<AccessHarness> {
  const next = await harness.restart();
  next.clock.advance(LEASE + 1);
  return next;
}

describe('a click recorded before its ack', () => {
  it('is held by the process that recorded it: no other worker runs it while that process lives', async () => {
    h = await startAccessHarness({ dbPath: dbFile() });
    const id = await pendingRequest(h);
    await h.clicks.record({ action: 'approve', requestId: id, userId: PEOPLE.lena });
    await h.drain();
    expect((await h.service.view(id))?.request.status).toBe('pending');
    expect(await h.ledger.findJobs({ kind: 'decide' })).toMatchObject([{ status: 'running', attempts: 0 }]);
  });

  it('is done once its listener has run it, the approval counted', async () => {
    h = await startAccessHarness({ dbPath: dbFile() });
    const id = await pendingRequest(h);
    const click = await h.clicks.record({ action: 'approve', requestId: id, userId: PEOPLE.lena });
    const outcome = await h.clicks.run(click);
    expect(outcome.ok && outcome.value.request.status).toBe('approved');
    expect(await h.ledger.findJobs({ kind: 'decide' })).toMatchObject([{ status: 'done' }]);
  });

  it('denies after a crash that came before anything of it ran, once, with the reason typed', async () => {
    const first = await startAccessHarness({ dbPath: dbFile() });
    const id = await pendingRequest(first);
    await first.clicks.record({
      action: 'deny',
      requestId: id,
      userId: PEOPLE.lena,
      reason: 'not this week',
    });

    h = await crashAndRestart(first);
    await h.scheduler.tick();
    const view = await h.service.view(id);
    expect(view?.request.status).toBe('denied');
    expect(view?.approvals).toMatchObject([
      { approverSlackId: PEOPLE.lena, decision: 'deny', reason: 'not this week' },
    ]);
    expect(h.notifier.eventsFor(id)).toContain('denied');
    expect(await h.ledger.findJobs({ kind: 'decide' })).toMatchObject([{ status: 'done', attempts: 1 }]);
    // A denial that worked says nothing more to the approver: the card shows it.
    expect(h.clickAnswers.answers).toEqual([]);
  });

  it('approves once when it ran before the crash but was not marked done, and tells the approver nothing', async () => {
    const first = await startAccessHarness({ dbPath: dbFile() });
    const id = await pendingRequest(first);
    await first.clicks.record({ action: 'approve', requestId: id, userId: PEOPLE.lena });
    // The listener ran it; the process died before the click was marked done.
    expect((await first.service.approve(id, PEOPLE.lena)).ok).toBe(true);

    h = await crashAndRestart(first);
    await h.scheduler.tick();
    const view = await h.service.view(id);
    expect(view?.request.status).toBe('active');
    expect(view?.approvals).toHaveLength(1);
    expect(creations(h)).toHaveLength(1);
    expect(h.clickAnswers.answers).toEqual([]);
  });

  it('still tells the person its refusal after a crash, where they clicked', async () => {
    const first = await startAccessHarness({ dbPath: dbFile() });
    const id = await pendingRequest(first);
    const responseUrl = 'https://hooks.slack.com/actions/T0/1/abc';
    await first.clicks.record({ action: 'approve', requestId: id, userId: PEOPLE.jay, responseUrl });

    h = await crashAndRestart(first);
    await h.scheduler.tick();
    expect((await h.service.view(id))?.request.status).toBe('pending');
    expect(h.clickAnswers.answers).toHaveLength(1);
    expect(h.clickAnswers.answers[0]).toMatchObject({
      click: { action: 'approve', userId: PEOPLE.jay, responseUrl },
      outcome: { ok: false, code: 'not_approver' },
    });
  });

  it('asks for an extension once when it is run again after the extension was made and granted', async () => {
    const first = await startAccessHarness({ dbPath: dbFile() });
    const id = await pendingRequest(first);
    await first.service.approve(id, PEOPLE.lena);
    await first.drain();
    const grant = (await first.service.view(id))!.grants[0]!;
    const click = await first.clicks.record({
      action: 'extend',
      requestId: id,
      userId: PEOPLE.sam,
      extension: { grantId: grant.id, duration: { kind: 'for', ms: 3_600_000 } },
    });
    // The listener asked for it and a lead approved it; the process died before the click was marked done.
    const asked = await first.service.requestExtension({
      requesterSlackId: PEOPLE.sam,
      permissionSet: grant.permissionSet,
      account: grant.accountAlias,
      duration: { kind: 'for', ms: 3_600_000 },
      clickId: click.id,
    });
    if (!asked.ok) throw new Error(asked.message);
    await first.service.approve(asked.value.request.id, PEOPLE.lena);
    await first.drain();
    const extended = (await first.service.view(id))!.grants[0]!.endsAt!;
    expect(extended.getTime()).toBe(grant.endsAt!.getTime() + 3_600_000);

    h = await crashAndRestart(first);
    await h.scheduler.tick();
    const extensions = await h.ledger.findRequests({ requesterSlackId: PEOPLE.sam, kinds: ['extend'] });
    expect(extensions.map((r) => r.id)).toEqual([asked.value.request.id]);
    expect((await h.service.view(id))!.grants[0]!.endsAt).toEqual(extended);
    expect(h.clickAnswers.answers.map((a) => a.outcome.ok)).toEqual([true]);
  });

  it('cancels scheduled access whose Cancel was acknowledged before a crash, and grants nothing at its start', async () => {
    const first = await startAccessHarness({ dbPath: dbFile() });
    const submitted = await first.service.submitAccessRequest({
      requesterSlackId: PEOPLE.sam,
      permissionSet: 'SeniorDeveloper',
      accounts: ['dev'],
      when: '+2h',
    });
    if (!submitted.ok) throw new Error(submitted.message);
    const id = submitted.value.request.id;
    expect((await first.service.approve(id, PEOPLE.lena)).ok).toBe(true);
    await first.drain();
    expect((await first.service.view(id))?.request.status).toBe('scheduled');
    await first.clicks.record({ action: 'cancel', requestId: id, userId: PEOPLE.sam });

    h = await crashAndRestart(first);
    await h.drain();
    expect((await h.service.view(id))?.request.status).toBe('cancelled');

    // The start comes and goes: nothing is granted.
    h.clock.advance(3 * 60 * 60_000);
    await h.scheduler.tick();
    await h.drain();
    expect((await h.service.view(id))?.request.status).toBe('cancelled');
    expect(creations(h)).toEqual([]);
  });

  it('ends the grant an acknowledged `/access revoke` named when its process died before running it, and says so', async () => {
    const first = await startAccessHarness({ dbPath: dbFile() });
    const id = await pendingRequest(first);
    await first.service.approve(id, PEOPLE.lena);
    await first.drain();
    const responseUrl = 'https://hooks.slack.com/commands/T0/3/ghi';
    await first.clicks.record({
      action: 'revoke',
      userId: PEOPLE.sam,
      revocation: { permissionSet: 'SeniorDeveloper', account: 'dev' },
      responseUrl,
    });

    h = await crashAndRestart(first);
    await h.scheduler.tick();
    await h.drain();
    const grant = (await h.service.view(id))!.grants[0]!;
    expect(grant).toMatchObject({ status: 'ended', endReason: 'revoked' });
    expect(h.emulator.calls.filter((c) => c.operation === 'DeleteAccountAssignment')).toHaveLength(1);
    expect(h.clickAnswers.answers).toMatchObject([{ click: { responseUrl }, outcome: { ok: true } }]);
    expect(JSON.stringify(h.clickAnswers.answers[0]?.message)).toContain('Ending now');
  });

  it('ends nothing for a recorded revoke whose payload was tampered with (no account), and never counts it done', async () => {
    h = await startAccessHarness({ dbPath: dbFile() });
    const id = await pendingRequest(h);
    await h.service.approve(id, PEOPLE.lena);
    await h.drain();
    await h.ledger.enqueueJob({
      kind: 'decide',
      payload: { action: 'revoke', userId: PEOPLE.sam, revocation: { permissionSet: 'SeniorDeveloper' } },
      runAt: h.clock.now(),
      dedupeKey: 'click:tampered',
    });

    await h.drain();
    expect((await h.service.view(id))!.grants[0]).toMatchObject({ status: 'active' });
    expect(h.emulator.calls.filter((c) => c.operation === 'DeleteAccountAssignment')).toEqual([]);
    const [job] = await h.ledger.findJobs({ kind: 'decide' });
    expect(job?.status).not.toBe('done');
    expect(job?.lastError).toMatch(/carries no revocation/);
    expect(h.clickAnswers.answers).toEqual([]);
  });

  it('answers an `/access revoke` run again after its first run ended the grant with that grant, not "nothing to end"', async () => {
    const first = await startAccessHarness({ dbPath: dbFile() });
    const id = await pendingRequest(first);
    await first.service.approve(id, PEOPLE.lena);
    await first.drain();
    const revocation = { permissionSet: 'SeniorDeveloper', account: 'dev' };
    const click = await first.clicks.record({ action: 'revoke', userId: PEOPLE.sam, revocation });
    // The listener ran it (the grant is ending); the process died before the click was marked done.
    const ran = await first.service.revoke({ ...revocation, actorSlackId: PEOPLE.sam, clickId: click.id });
    expect(ran.ok).toBe(true);

    h = await crashAndRestart(first);
    await h.scheduler.tick();
    expect(h.clickAnswers.answers).toMatchObject([{ outcome: { ok: true } }]);
    expect(JSON.stringify(h.clickAnswers.answers[0]?.message)).toContain('SeniorDeveloper');
    expect(h.emulator.calls.filter((c) => c.operation === 'DeleteAccountAssignment')).toHaveLength(1);
  });

  it('asks for the extension an acknowledged `/access extend` named when its process died before running it', async () => {
    const first = await startAccessHarness({ dbPath: dbFile() });
    const id = await pendingRequest(first);
    await first.service.approve(id, PEOPLE.lena);
    await first.drain();
    await first.clicks.record({
      action: 'extend',
      userId: PEOPLE.sam,
      extensionCommand: {
        permissionSet: 'SeniorDeveloper',
        account: 'dev',
        duration: { kind: 'for', ms: 3_600_000 },
      },
    });

    h = await crashAndRestart(first);
    await h.scheduler.tick();
    const extensions = await h.ledger.findRequests({ requesterSlackId: PEOPLE.sam, kinds: ['extend'] });
    expect(extensions).toHaveLength(1);
    expect(h.clickAnswers.answers).toMatchObject([
      { outcome: { ok: true, value: { request: { id: extensions[0]!.id } } } },
    ]);
  });

  it('makes the request a submitted modal asked for once, when it ran before the crash and again after', async () => {
    const first = await startAccessHarness({ dbPath: dbFile() });
    const submission = { permissionSet: 'SeniorDeveloper', accounts: ['dev'] };
    const click = await first.clicks.record({ action: 'request', userId: PEOPLE.sam, submission });
    // The listener submitted it, a lead approved and it was granted; the process died before the click was done.
    const asked = await first.service.submitAccessRequest({
      ...submission,
      requesterSlackId: PEOPLE.sam,
      clickId: click.id,
    });
    if (!asked.ok) throw new Error(asked.message);
    await first.service.approve(asked.value.request.id, PEOPLE.lena);
    await first.drain();
    expect((await first.service.view(asked.value.request.id))?.request.status).toBe('active');

    h = await crashAndRestart(first);
    await h.scheduler.tick();
    const requests = await h.ledger.findRequests({ requesterSlackId: PEOPLE.sam });
    expect(requests.map((r) => r.id)).toEqual([asked.value.request.id]);
    expect(creations(h)).toHaveLength(1);
    expect(h.clickAnswers.answers).toMatchObject([{ outcome: { ok: true } }]);
  });

  it('makes a group membership `/access request group:` asked for once, when it ran before the crash and again after', async () => {
    const first = await startAccessHarness({ dbPath: dbFile() });
    const submission = {
      permissionSet: '',
      accounts: [],
      group: 'ReadOnly',
      duration: { kind: 'for' as const, ms: 2 * 60 * 60_000 },
      reason: 'reading the prod logs',
    };
    const click = await first.clicks.record({ action: 'request', userId: PEOPLE.jay, submission });
    // The listener submitted it, a lead approved and Jay joined; the process died before the click was done.
    const asked = await first.service.submitAccessRequest({
      ...submission,
      requesterSlackId: PEOPLE.jay,
      clickId: click.id,
    });
    if (!asked.ok) throw new Error(asked.message);
    expect((await first.service.approve(asked.value.request.id, PEOPLE.lena)).ok).toBe(true);
    await first.drain();
    expect((await first.service.view(asked.value.request.id))?.request.status).toBe('active');

    h = await crashAndRestart(first);
    await h.scheduler.tick();
    await h.drain();
    const requests = await h.ledger.findRequests({ requesterSlackId: PEOPLE.jay });
    expect(requests.map((r) => r.id)).toEqual([asked.value.request.id]);
    expect(h.emulator.calls.filter((c) => c.operation === 'CreateGroupMembership')).toHaveLength(1);
    expect(h.clickAnswers.answers).toMatchObject([{ outcome: { ok: true } }]);
  });

  it('submits a request whose modal closed just before a crash, and tells the person where they typed', async () => {
    const first = await startAccessHarness({ dbPath: dbFile() });
    const responseUrl = 'https://hooks.slack.com/commands/T0/2/def';
    await first.clicks.record({
      action: 'request',
      userId: PEOPLE.sam,
      submission: { permissionSet: 'SeniorDeveloper', accounts: ['dev'], reason: 'on call' },
      responseUrl,
    });

    h = await crashAndRestart(first);
    await h.scheduler.tick();
    const [request] = await h.ledger.findRequests({ requesterSlackId: PEOPLE.sam });
    expect(request).toMatchObject({ status: 'pending', permissionSet: 'SeniorDeveloper', reason: 'on call' });
    expect(h.clickAnswers.answers).toMatchObject([
      { click: { responseUrl }, outcome: { ok: true, value: { request: { id: request?.id } } } },
    ]);
  });

  it('submits an onboarding whose form closed just before a crash, once, and tells the admin', async () => {
    const first = await startAccessHarness({ dbPath: dbFile() });
    const starter = {
      email: 'nina.new@example.com',
      givenName: 'Nina',
      familyName: 'New',
      role: 'junior-developer',
    };
    await first.clicks.record({
      action: 'admin',
      userId: PEOPLE.ada,
      adminSubmission: { kind: 'onboard', starter },
    });

    h = await crashAndRestart(first);
    await h.scheduler.tick();
    const [request] = await h.ledger.findRequests({ kinds: ['onboard'] });
    expect(request).toMatchObject({ status: 'pending', requesterSlackId: PEOPLE.ada });
    expect(h.clickAnswers.answers).toMatchObject([
      { outcome: { ok: true, value: { request: { id: request?.id } } } },
    ]);
  });

  it('makes a role change a form asked for once, when it ran before the crash and again after', async () => {
    const first = await startAccessHarness({ dbPath: dbFile() });
    const form = {
      kind: 'role_change' as const,
      who: 'sam.dev@example.com',
      role: 'sre',
      reason: 'joins SRE',
    };
    const click = await first.clicks.record({ action: 'admin', userId: PEOPLE.ada, adminSubmission: form });
    // The listener submitted it; the process died before the click was marked done.
    const asked = await first.admin.submitRoleChange(PEOPLE.ada, form, click.id);
    if (!asked.ok) throw new Error(asked.message);

    h = await crashAndRestart(first);
    await h.scheduler.tick();
    const requests = await h.ledger.findRequests({ kinds: ['role_change'] });
    expect(requests.map((r) => r.id)).toEqual([asked.value.request.id]);
    // Run again, it finds its request: not "a role change is already under way".
    expect(h.clickAnswers.answers).toMatchObject([
      { outcome: { ok: true, value: { request: { id: asked.value.request.id } } } },
    ]);
  });

  it('offboards once when the form ran before the crash and again after', async () => {
    const first = await startAccessHarness({ dbPath: dbFile() });
    const form = {
      kind: 'offboard' as const,
      who: 'kim.leaver@example.com',
      reason: 'contract ended',
      cleanupLegacyIam: true,
    };
    const click = await first.clicks.record({ action: 'admin', userId: PEOPLE.ada, adminSubmission: form });
    const asked = await first.admin.submitOffboarding(PEOPLE.ada, form, click.id);
    if (!asked.ok) throw new Error(asked.message);

    h = await crashAndRestart(first);
    await h.scheduler.tick();
    expect((await h.ledger.findRequests({ kinds: ['offboard'] })).map((r) => r.id)).toEqual([
      asked.value.request.id,
    ]);
    expect(h.clickAnswers.answers).toMatchObject([{ outcome: { ok: true } }]);
  });
});
