import { afterEach, describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../../src/domain/duration.js';
import { holdsInAws } from '../support/emulator-assertions.js';
import { PEOPLE, startAccessHarness, type AccessHarness } from '../support/access-harness.js';

const DEV = '111111111111';
const PROD = '333333333333';
const STAGING = '222222222222';

let h: AccessHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const createCalls = (harness: AccessHarness) =>
  harness.emulator.calls.filter(
    (c) => c.operation === 'CreateAccountAssignment' && c.errorCode === undefined,
  );

async function submitted(
  harness: AccessHarness,
  input: Parameters<AccessHarness['service']['submitAccessRequest']>[0],
) {
  const outcome = await harness.service.submitAccessRequest(input);
  if (!outcome.ok) throw new Error(`refused: ${outcome.code}: ${outcome.message}`);
  return outcome.value.request;
}

describe('the core loop: request, approve, grant, expire', () => {
  it('grants SeniorDeveloper on prod after a lead approves, tells the requester, and ends it on time', async () => {
    h = await startAccessHarness();
    const request = await submitted(h, {
      requesterSlackId: PEOPLE.sam,
      permissionSet: 'seniordeveloper',
      accounts: ['prod'],
      duration: { kind: 'for', ms: 4 * HOUR },
      reason: 'fixing incident 4711',
    });
    expect(request).toMatchObject({
      status: 'pending',
      permissionSet: 'SeniorDeveloper',
      requiredApprovals: 1,
    });
    expect(request.approvers).toEqual(expect.arrayContaining([PEOPLE.lena, PEOPLE.leo]));
    await h.drain();
    expect(h.notifier.lastCard(request.id)?.status).toBe('pending');
    expect(h.notifier.eventsFor(request.id)).toEqual(['submitted']);

    const approved = await h.service.approve(request.id, PEOPLE.lena);
    expect(approved.ok).toBe(true);
    await h.drain();

    expect(holdsInAws(h.emulator, PROD, 'SeniorDeveloper', 'sam.dev@example.com')).toBe(true);
    const view = await h.service.view(request.id);
    expect(view?.request.status).toBe('active');
    expect(view?.grants).toHaveLength(1);
    const grant = view!.grants[0]!;
    expect(grant.status).toBe('active');
    expect(grant.endsAt!.getTime() - grant.startsAt!.getTime()).toBe(4 * HOUR);
    expect(h.notifier.eventsFor(request.id)).toEqual(['submitted', 'approved', 'granted']);
    expect(h.notifier.lastCard(request.id)?.status).toBe('active');

    h.clock.advance(4 * HOUR - 10 * MINUTE);
    expect((await h.scheduler.tick()).reminded).toBe(1);
    expect(h.notifier.eventsFor(request.id)).toContain('reminder');
    expect(holdsInAws(h.emulator, PROD, 'SeniorDeveloper', 'sam.dev@example.com')).toBe(true);

    h.clock.advance(11 * MINUTE);
    expect((await h.scheduler.tick()).expired).toBe(1);
    expect(holdsInAws(h.emulator, PROD, 'SeniorDeveloper', 'sam.dev@example.com')).toBe(false);
    expect((await h.service.view(request.id))?.request.status).toBe('ended');
    expect(h.notifier.eventsFor(request.id).at(-1)).toBe('ended');

    const audit = (await h.ledger.listAudit({ requestId: request.id })).map((e) => e.action);
    expect(audit).toEqual(
      expect.arrayContaining([
        'request.submitted',
        'request.approval_recorded',
        'request.approved',
        'aws.assignment.created',
        'request.active',
        'grant.reminded',
        'grant.expired',
        'aws.assignment.deleted',
        'grant.ended',
        'request.ended',
      ]),
    );
  });

  it('refuses at once a permission set that does not exist, suggesting the closest', async () => {
    h = await startAccessHarness();
    const outcome = await h.service.submitAccessRequest({
      requesterSlackId: PEOPLE.sam,
      permissionSet: 'SeniorDevloper',
      accounts: ['prod'],
      reason: 'x',
    });
    expect(outcome).toMatchObject({ ok: false, code: 'unknown_permission_set' });
    expect(!outcome.ok && outcome.message).toMatch(/did you mean SeniorDeveloper\b/);
    expect(await h.ledger.findRequests({})).toEqual([]);
  });

  it('refuses a duration over the rule’s maximum, naming it', async () => {
    h = await startAccessHarness();
    const outcome = await h.service.submitAccessRequest({
      requesterSlackId: PEOPLE.sam,
      permissionSet: 'Developer',
      accounts: ['dev'],
      duration: { kind: 'for', ms: 13 * HOUR },
    });
    expect(outcome).toMatchObject({ ok: false, code: 'duration_too_long' });
    expect(!outcome.ok && outcome.message).toMatch(/12h/);
  });

  it('refuses a prod request without a reason', async () => {
    h = await startAccessHarness();
    const outcome = await h.service.submitAccessRequest({
      requesterSlackId: PEOPLE.sam,
      permissionSet: 'Developer',
      accounts: ['prod'],
    });
    expect(outcome).toMatchObject({ ok: false, code: 'reason_required' });
  });

  it('refuses access the person already holds in AWS', async () => {
    h = await startAccessHarness();
    // Sam holds Developer on dev and staging directly in the seed.
    const outcome = await h.service.submitAccessRequest({
      requesterSlackId: PEOPLE.sam,
      permissionSet: 'Developer',
      accounts: ['staging'],
    });
    expect(outcome).toMatchObject({ ok: false, code: 'already_held' });
    expect(!outcome.ok && outcome.message).toMatch(/staging/);
  });

  it('never lets the requester approve, nor someone who is not an approver, and changes nothing', async () => {
    h = await startAccessHarness();
    const request = await submitted(h, {
      requesterSlackId: PEOPLE.sam,
      permissionSet: 'SeniorDeveloper',
      accounts: ['dev'],
    });
    const own = await h.service.approve(request.id, PEOPLE.sam);
    expect(own).toMatchObject({ ok: false, code: 'own_request' });
    const stranger = await h.service.approve(request.id, PEOPLE.jay);
    expect(stranger).toMatchObject({ ok: false, code: 'not_approver' });
    expect(!stranger.ok && stranger.message).toMatch(/<@U0000LEAD1>/);
    expect((await h.service.view(request.id))?.request.status).toBe('pending');
    expect(await h.ledger.listApprovals(request.id)).toEqual([]);
  });

  it('makes one assignment when two leads approve at the same moment', async () => {
    h = await startAccessHarness();
    const request = await submitted(h, {
      requesterSlackId: PEOPLE.sam,
      permissionSet: 'SeniorDeveloper',
      accounts: ['dev'],
    });
    const [a, b] = await Promise.all([
      h.service.approve(request.id, PEOPLE.lena),
      h.service.approve(request.id, PEOPLE.leo),
    ]);
    expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1);
    const loser = a.ok ? b : a;
    expect(loser).toMatchObject({ ok: false, code: 'already_decided' });
    await Promise.all([h.drain(), h.drain()]);
    expect(createCalls(h)).toHaveLength(1);
    expect(holdsInAws(h.emulator, DEV, 'SeniorDeveloper', 'sam.dev@example.com')).toBe(true);
  });

  it('keeps the accounts that were granted when one of three fails, and says which failed', async () => {
    h = await startAccessHarness();
    h.emulator.faults.failedProvisioning.push({
      accountId: STAGING,
      reason: 'Quota exceeded for IAM roles in the account',
    });
    const request = await submitted(h, {
      requesterSlackId: PEOPLE.jay,
      permissionSet: 'Developer',
      accounts: ['dev', 'staging', 'prod'],
      reason: 'release',
    });
    expect((await h.service.approve(request.id, PEOPLE.lena)).ok).toBe(true);
    await h.drain();
    const view = await h.service.view(request.id);
    expect(view?.request.status).toBe('active');
    const byAccount = Object.fromEntries(view!.grants.map((g) => [g.accountAlias, g]));
    expect(byAccount.dev?.status).toBe('active');
    expect(byAccount.prod?.status).toBe('active');
    expect(byAccount.staging).toMatchObject({
      status: 'failed',
      failureReason: 'Quota exceeded for IAM roles in the account',
    });
    expect(h.notifier.eventsFor(request.id)).toContain('partially_granted');
    expect(holdsInAws(h.emulator, DEV, 'Developer', 'jay.junior@example.com')).toBe(true);
    expect(holdsInAws(h.emulator, STAGING, 'Developer', 'jay.junior@example.com')).toBe(false);
  });

  it('lapses a request nobody decided in time, and says so on the card', async () => {
    h = await startAccessHarness();
    const request = await submitted(h, {
      requesterSlackId: PEOPLE.sam,
      permissionSet: 'SeniorDeveloper',
      accounts: ['dev'],
    });
    h.clock.advance(25 * HOUR);
    expect((await h.scheduler.tick()).lapsed).toBe(1);
    expect(h.notifier.lastCard(request.id)?.status).toBe('lapsed');
    expect(await h.service.approve(request.id, PEOPLE.lena)).toMatchObject({
      ok: false,
      code: 'already_decided',
    });
  });

  it('auto-approves ReadOnlyAccess on dev and grants it without a card click', async () => {
    h = await startAccessHarness();
    const request = await submitted(h, {
      requesterSlackId: PEOPLE.jay,
      permissionSet: 'ReadOnlyAccess',
      accounts: ['dev'],
    });
    expect(request.status).toBe('approved');
    await h.drain();
    expect(holdsInAws(h.emulator, DEV, 'ReadOnlyAccess', 'jay.junior@example.com')).toBe(true);
  });

  it('extends the existing grant instead of adding a second one', async () => {
    h = await startAccessHarness();
    const request = await submitted(h, {
      requesterSlackId: PEOPLE.sam,
      permissionSet: 'SeniorDeveloper',
      accounts: ['dev'],
      duration: { kind: 'for', ms: 2 * HOUR },
    });
    await h.service.approve(request.id, PEOPLE.lena);
    await h.drain();
    const before = (await h.service.view(request.id))!.grants[0]!;
    const extension = await h.service.requestExtension({
      requesterSlackId: PEOPLE.sam,
      duration: { kind: 'for', ms: 1 * HOUR },
    });
    if (!extension.ok) throw new Error(extension.message);
    await h.service.approve(extension.value.request.id, PEOPLE.leo);
    await h.drain();
    const after = (await h.service.view(request.id))!.grants;
    expect(after).toHaveLength(1);
    expect(after[0]!.endsAt!.getTime()).toBe(before.endsAt!.getTime() + HOUR);
    expect(createCalls(h)).toHaveLength(1);
    // The old end passes and nothing is revoked.
    h.clock.advance(2 * HOUR + MINUTE);
    expect((await h.scheduler.tick()).expired).toBe(0);
    expect(holdsInAws(h.emulator, DEV, 'SeniorDeveloper', 'sam.dev@example.com')).toBe(true);
  });

  it('revokes your own access at once, without approval', async () => {
    h = await startAccessHarness();
    const request = await submitted(h, {
      requesterSlackId: PEOPLE.sam,
      permissionSet: 'SeniorDeveloper',
      accounts: ['dev'],
    });
    await h.service.approve(request.id, PEOPLE.lena);
    await h.drain();
    const revoked = await h.service.revoke({
      actorSlackId: PEOPLE.sam,
      permissionSet: 'SeniorDeveloper',
      account: 'dev',
    });
    expect(revoked.ok && revoked.value.ended).toHaveLength(1);
    await h.drain();
    expect(holdsInAws(h.emulator, DEV, 'SeniorDeveloper', 'sam.dev@example.com')).toBe(false);
    const other = await h.service.revoke({
      actorSlackId: PEOPLE.sam,
      permissionSet: 'SeniorDeveloper',
      account: 'dev',
      targetSlackId: PEOPLE.jay,
    });
    expect(other).toMatchObject({ ok: false, code: 'not_admin' });
  });

  it('does not remove an assignment that another active grant still needs when one grant ends', async () => {
    h = await startAccessHarness();
    const first = await submitted(h, {
      requesterSlackId: PEOPLE.sam,
      permissionSet: 'SeniorDeveloper',
      accounts: ['dev'],
      duration: { kind: 'for', ms: HOUR },
    });
    await h.service.approve(first.id, PEOPLE.lena);
    await h.drain();
    // An admin ends the grant's record while a permanent grant of the same access exists in the ledger.
    const grant = (await h.service.view(first.id))!.grants[0]!;
    await h.ledger.insertGrant({ ...grant, id: 'G-permanent', requestId: first.id, endsAt: null });
    h.clock.advance(HOUR + MINUTE);
    await h.scheduler.tick();
    expect(holdsInAws(h.emulator, DEV, 'SeniorDeveloper', 'sam.dev@example.com')).toBe(true);
    const actions = (await h.ledger.listAudit({ grantId: grant.id })).map((e) => e.action);
    expect(actions).toContain('aws.assignment.kept');
  });
});
