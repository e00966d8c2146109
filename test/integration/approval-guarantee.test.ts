/**
 * Attacks on the approval guarantee, through the access service, the ledger and the local Identity Center: the
 * subject of admin work approving it, one person with two Slack accounts, approvers who have left their group,
 * and access already held through a group.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HOUR } from '../../src/domain/duration.js';
import { exampleConfig, PEOPLE, startAccessHarness, type AccessHarness } from '../support/access-harness.js';
import { FakeSlackPeople } from '../support/recording-notifier.js';

let h: AccessHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A second Slack account of Sam's, matched by a profile email that differs only in case. */
const SAM_AGAIN = 'U0000SAM02';
/** A second Slack account of Lena's, the same way. */
const LENA_AGAIN = 'U0000LEAD9';

const withLeads = (ids: string[]) =>
  exampleConfig((y) => y.replace('leads: [U0000LEAD1, U0000LEAD2]', `leads: [${ids.join(', ')}]`));

async function submitted(
  harness: AccessHarness,
  input: Parameters<AccessHarness['service']['submitAccessRequest']>[0],
) {
  const outcome = await harness.service.submitAccessRequest(input);
  if (!outcome.ok) throw new Error(`refused: ${outcome.code}: ${outcome.message}`);
  return outcome.value.request;
}

describe('who may approve, decided per person and at the click', () => {
  it('refuses a lead who approves her own promotion to admin, and lets two other approvers approve it', async () => {
    // The admin role carries AdministratorAccess (through its group): two of leads and admins (rules[8]), never
    // Ada who asks nor Lena whom it is about. Sofia joins the leads here so that two others are left.
    h = await startAccessHarness({ config: withLeads(['U0000LEAD1', 'U0000LEAD2', 'U0000SEC01']) });
    const asked = await h.admin.submitRoleChange(PEOPLE.ada, {
      who: 'lena.lead@example.com',
      role: 'admin',
      reason: 'promoted',
    });
    if (!asked.ok) throw new Error(asked.message);
    const id = asked.value.request.id;
    expect(asked.value.request.approvers).toEqual([PEOPLE.leo, PEOPLE.sofia].sort());
    expect(asked.value.request.requiredApprovals).toBe(2);

    const own = await h.service.approve(id, PEOPLE.lena);
    expect(own).toMatchObject({ ok: false, code: 'own_request' });
    if (!own.ok) expect(own.message).toMatch(/about you/);
    expect((await h.ledger.getRequest(id))?.status).toBe('pending');
    expect(await h.ledger.listApprovals(id)).toEqual([]);

    expect((await h.service.approve(id, PEOPLE.leo)).ok).toBe(true);
    expect((await h.ledger.getRequest(id))?.status).toBe('pending');
    expect((await h.service.approve(id, PEOPLE.sofia)).ok).toBe(true);
    expect((await h.ledger.getRequest(id))?.status).not.toBe('pending');
  });

  it('refuses at once a promotion to admin when, without the admin who asks and the lead it is about, one approver is left', async () => {
    h = await startAccessHarness();
    const asked = await h.admin.submitRoleChange(PEOPLE.ada, {
      who: 'lena.lead@example.com',
      role: 'admin',
      reason: 'promoted',
    });
    expect(asked).toMatchObject({ ok: false, code: 'no_approver' });
    if (!asked.ok) expect(asked.message).toMatch(/about/);
    expect(await h.ledger.findRequests({})).toEqual([]);
  });

  it('refuses the subject of a role change who approves it through a second Slack account', async () => {
    h = await startAccessHarness({
      config: withLeads(['U0000LEAD1', 'U0000LEAD2', LENA_AGAIN]),
      people: new FakeSlackPeople({ [LENA_AGAIN]: 'LENA.Lead@example.com' }),
    });
    const asked = await h.admin.submitRoleChange(PEOPLE.ada, {
      who: 'lena.lead@example.com',
      role: 'admin',
      reason: 'promoted',
    });
    if (!asked.ok) throw new Error(asked.message);
    const outcome = await h.service.approve(asked.value.request.id, LENA_AGAIN);
    expect(outcome).toMatchObject({ ok: false, code: 'own_request' });
    expect((await h.ledger.getRequest(asked.value.request.id))?.status).toBe('pending');
  });

  it("refuses a second Slack account of the requester's as an approver of the request", async () => {
    h = await startAccessHarness({
      config: withLeads(['U0000LEAD1', 'U0000LEAD2', SAM_AGAIN]),
      people: new FakeSlackPeople({ [SAM_AGAIN]: 'Sam.Dev@Example.com' }),
    });
    const request = await submitted(h, {
      requesterSlackId: PEOPLE.sam,
      permissionSet: 'SeniorDeveloper',
      accounts: ['prod'],
      duration: { kind: 'for', ms: 4 * HOUR },
      reason: 'incident 4711',
    });
    const outcome = await h.service.approve(request.id, SAM_AGAIN);
    expect(outcome).toMatchObject({ ok: false, code: 'own_request' });
    if (!outcome.ok) expect(outcome.message).toMatch(/same person in Identity Center/);
    expect((await h.ledger.getRequest(request.id))?.status).toBe('pending');
    expect(h.emulator.calls.filter((c) => c.operation === 'CreateAccountAssignment')).toEqual([]);
  });

  it('counts one person with two approver accounts once toward a two-person quorum', async () => {
    h = await startAccessHarness({
      config: withLeads(['U0000LEAD1', 'U0000LEAD2', LENA_AGAIN]),
      people: new FakeSlackPeople({ [LENA_AGAIN]: 'lena.LEAD@example.com' }),
    });
    const request = await submitted(h, {
      requesterSlackId: PEOPLE.sam,
      permissionSet: 'AdministratorAccess',
      accounts: ['dev'],
      duration: { kind: 'for', ms: HOUR },
    });
    expect(request.requiredApprovals).toBe(2);
    expect((await h.service.approve(request.id, PEOPLE.lena)).ok).toBe(true);
    const again = await h.service.approve(request.id, LENA_AGAIN);
    expect(again).toMatchObject({ ok: false, code: 'already_voted' });
    if (!again.ok) expect(again.message).toMatch(/same person in Identity Center/);
    expect((await h.ledger.getRequest(request.id))?.status).toBe('pending');

    expect((await h.service.approve(request.id, PEOPLE.leo)).ok).toBe(true);
    expect((await h.ledger.getRequest(request.id))?.status).toBe('approved');
  });

  it('refuses an approver removed from the approver group after the request was made', async () => {
    h = await startAccessHarness({
      dbPath: path.join(mkdtempSync(path.join(tmpdir(), 'approvers-')), 'l.sqlite'),
    });
    const request = await submitted(h, {
      requesterSlackId: PEOPLE.sam,
      permissionSet: 'SeniorDeveloper',
      accounts: ['prod'],
      duration: { kind: 'for', ms: 4 * HOUR },
      reason: 'incident 4711',
    });
    expect(request.approvers).toContain(PEOPLE.leo);
    // The config is reloaded with Leo out of the leads.
    h = await h.restart({ config: withLeads(['U0000LEAD1']) });
    const outcome = await h.service.approve(request.id, PEOPLE.leo);
    expect(outcome).toMatchObject({ ok: false, code: 'not_approver' });
    expect((await h.ledger.getRequest(request.id))?.status).toBe('pending');
    expect((await h.service.approve(request.id, PEOPLE.lena)).ok).toBe(true);
  });

  it('refuses an approver who has left the Slack user group the rule names', async () => {
    const config = exampleConfig((y) =>
      y.replace('leads: [U0000LEAD1, U0000LEAD2]', 'leads: { usergroup: S0000LEADS }'),
    );
    const members = { S0000LEADS: ['U0000LEAD1', 'U0000LEAD2'] };
    h = await startAccessHarness({ config, people: new FakeSlackPeople({}, members) });
    const request = await submitted(h, {
      requesterSlackId: PEOPLE.sam,
      permissionSet: 'SeniorDeveloper',
      accounts: ['prod'],
      duration: { kind: 'for', ms: 4 * HOUR },
      reason: 'incident 4711',
    });
    members.S0000LEADS = ['U0000LEAD1'];
    expect(await h.service.approve(request.id, PEOPLE.leo)).toMatchObject({
      ok: false,
      code: 'not_approver',
    });
    expect(await h.service.deny(request.id, PEOPLE.leo, 'no')).toMatchObject({
      ok: false,
      code: 'not_approver',
    });
    expect((await h.ledger.getRequest(request.id))?.status).toBe('pending');
  });
});

describe('an approver who has left', () => {
  it('refuses a lead whose Identity Center user was deleted minutes ago, though she was looked up before', async () => {
    h = await startAccessHarness();
    const ask = (accounts: string[]) =>
      submitted(h!, {
        requesterSlackId: PEOPLE.sam,
        permissionSet: 'SeniorDeveloper',
        accounts,
        duration: { kind: 'for', ms: HOUR },
      });
    const first = await ask(['dev']);
    expect((await h.service.approve(first.id, PEOPLE.lena)).ok).toBe(true);
    const second = await ask(['staging']);
    // Lena leaves: her user is deleted in Identity Center; her Slack account is still in the leads.
    const lena = h.emulator.state.userByName('lena.lead@example.com')!;
    h.emulator.state.users.delete(lena.UserId);
    h.clock.advance(60_000);

    const outcome = await h.service.approve(second.id, PEOPLE.lena);
    expect(outcome).toMatchObject({ ok: false, code: 'identity_unknown' });
    expect((await h.ledger.getRequest(second.id))?.status).toBe('pending');
    expect(await h.ledger.listApprovals(second.id)).toEqual([]);
  });
});

describe('access already held', () => {
  it('refuses ReadOnlyAccess on dev to Sara, who has it through the ReadOnly group, saying so', async () => {
    h = await startAccessHarness();
    const outcome = await h.service.submitAccessRequest({
      requesterSlackId: PEOPLE.sara,
      permissionSet: 'ReadOnlyAccess',
      accounts: ['dev'],
    });
    expect(outcome).toMatchObject({ ok: false, code: 'already_held' });
    if (!outcome.ok) expect(outcome.message).toMatch(/through \*ReadOnly\*/);
    await h.drain();
    expect(h.emulator.calls.filter((c) => c.operation === 'CreateAccountAssignment')).toEqual([]);
    expect(await h.ledger.findRequests({})).toEqual([]);
  });
});
