/**
 * Group membership and new groups as admin work (`/access group …`), through the admin service, the ledger and
 * the local Identity Center: refusals first (who may ask, bad names and people, memberships that are already so,
 * who may approve, rules that offer nothing), then the work itself, carried out once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AdminRequestDetails } from '../../src/access/admin-api.js';
import type { GroupChangeInput } from '../../src/access/group-api.js';
import { callsOf, groupsOf } from '../support/admin-emulator.js';
import { exampleConfig, PEOPLE, startAccessHarness, type AccessHarness } from '../support/access-harness.js';
import { FakeSlackPeople } from '../support/recording-notifier.js';

let h: AccessHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const JAY = 'jay.junior@example.com';
const KIM = 'kim.leaver@example.com';
const SAM = 'sam.dev@example.com';
const LEO = 'leo.lead@example.com';
/** A second Slack account of Leo's: not in `people:`, matched by a profile email differing only in case. */
const LEO_AGAIN = 'U0000LEAD8';

const details = (request: { details: Record<string, unknown> }) =>
  request.details as unknown as AdminRequestDetails;

async function asked(harness: AccessHarness, input: GroupChangeInput) {
  const outcome = await harness.admin.submitGroupChange(PEOPLE.ada, input);
  if (!outcome.ok) throw new Error(`refused: ${outcome.code}: ${outcome.message}`);
  return outcome.value.request;
}

/** Identity Center writes of the identity store (memberships and groups), successful ones. */
const storeWrites = (harness: AccessHarness) =>
  harness.emulator.calls
    .filter((c) => c.service === 'identitystore' && c.errorCode === undefined)
    .filter((c) => /^(Create|Delete|Update)/.test(c.operation))
    .map((c) => c.operation);

describe('group work is refused, and nothing changes', () => {
  it('refuses someone who is not an admin, whatever they ask of a group but the list', async () => {
    h = await startAccessHarness();
    const change = { who: JAY, group: 'ReadOnly', action: 'add' } as const;
    for (const outcome of [
      await h.admin.previewGroupChange(PEOPLE.sam, change),
      await h.admin.submitGroupChange(PEOPLE.sam, change),
      await h.admin.submitGroupChange(PEOPLE.lena, { ...change, who: KIM, action: 'remove' }),
      await h.admin.submitGroupCreate(PEOPLE.sam, { name: 'Platform' }),
    ]) {
      expect(outcome).toMatchObject({ ok: false, code: 'not_admin' });
      if (!outcome.ok) expect(outcome.message).toMatch(/Only admins may .*<@U0000ADMIN>/);
    }
    expect(await h.ledger.findRequests({})).toEqual([]);
    expect(storeWrites(h)).toEqual([]);
  });

  it('refuses a group Identity Center does not have, naming the closest known groups', async () => {
    h = await startAccessHarness();
    const typo = await h.admin.previewGroupChange(PEOPLE.ada, { who: JAY, group: 'ReadOnyl', action: 'add' });
    expect(typo).toMatchObject({ ok: false, code: 'unknown_group' });
    if (!typo.ok) expect(typo.message).toMatch(/did you mean `ReadOnly`/);
    const unknown = await h.admin.submitGroupChange(PEOPLE.ada, {
      who: JAY,
      group: 'Astronauts',
      action: 'add',
    });
    expect(unknown).toMatchObject({ ok: false, code: 'unknown_group' });
    if (!unknown.ok)
      expect(unknown.message).toMatch(/Known groups: `AdministratorAccess`, `Billing`, `ReadOnly`/);
    expect(await h.admin.listGroups(PEOPLE.sam, 'Astronauts')).toMatchObject({
      ok: false,
      code: 'unknown_group',
    });
    expect(await h.ledger.findRequests({})).toEqual([]);
  });

  it('matches a group name whatever its case', async () => {
    h = await startAccessHarness();
    const preview = await h.admin.previewGroupChange(PEOPLE.ada, {
      who: JAY,
      group: 'billing',
      action: 'add',
    });
    if (!preview.ok) throw new Error(preview.message);
    expect(preview.value.group.name).toBe('Billing');
  });

  it('refuses a person Identity Center does not have', async () => {
    h = await startAccessHarness();
    const outcome = await h.admin.submitGroupChange(PEOPLE.ada, {
      who: 'nobody@example.com',
      group: 'ReadOnly',
      action: 'add',
      reason: 'new',
    });
    expect(outcome).toMatchObject({ ok: false, code: 'not_found' });
    if (!outcome.ok) expect(outcome.message).toMatch(/nobody@example\.com/);
    expect(await h.ledger.findRequests({})).toEqual([]);
  });

  it('says at once that someone already in the group is in it, and asks nothing', async () => {
    h = await startAccessHarness();
    const outcome = await h.admin.previewGroupChange(PEOPLE.ada, {
      who: SAM,
      group: 'ReadOnly',
      action: 'add',
    });
    expect(outcome).toMatchObject({ ok: false, code: 'already_member' });
    if (!outcome.ok) expect(outcome.message).toMatch(/already in group \*ReadOnly\*: nothing to change/);
    expect(
      await h.admin.submitGroupChange(PEOPLE.ada, {
        who: SAM,
        group: 'ReadOnly',
        action: 'add',
        reason: 'x',
      }),
    ).toMatchObject({ ok: false, code: 'already_member' });
    expect(await h.ledger.findRequests({})).toEqual([]);
  });

  it('says at once that someone not in the group is not in it, and asks nothing', async () => {
    h = await startAccessHarness();
    const outcome = await h.admin.submitGroupChange(PEOPLE.ada, {
      who: JAY,
      group: 'ReadOnly',
      action: 'remove',
      reason: 'x',
    });
    expect(outcome).toMatchObject({ ok: false, code: 'not_member' });
    if (!outcome.ok) expect(outcome.message).toMatch(/not in group \*ReadOnly\*: nothing to remove/);
    expect(await h.ledger.findRequests({})).toEqual([]);
  });

  it('refuses the person a change is about as its approver, through either of their Slack accounts', async () => {
    h = await startAccessHarness({
      config: exampleConfig((y) =>
        y.replace('leads: [U0000LEAD1, U0000LEAD2]', `leads: [U0000LEAD1, U0000LEAD2, ${LEO_AGAIN}]`),
      ),
      people: new FakeSlackPeople({ [LEO_AGAIN]: 'LEO.Lead@example.com' }),
    });
    const request = await asked(h, { who: LEO, group: 'ReadOnly', action: 'remove', reason: 'moves on' });
    // Leo's configured account was left out when it was asked for; the second one is caught at the click.
    expect(request.approvers).toEqual([PEOPLE.lena, LEO_AGAIN].sort());
    for (const slackId of [PEOPLE.leo, LEO_AGAIN]) {
      const own = await h.service.approve(request.id, slackId);
      expect(own).toMatchObject({ ok: false, code: 'own_request' });
      if (!own.ok) expect(own.message).toMatch(/about you/);
    }
    expect((await h.ledger.getRequest(request.id))?.status).toBe('pending');
    expect(await h.ledger.listApprovals(request.id)).toEqual([]);
  });

  it('refuses the admin who asked as an approver, even where admins approve', async () => {
    h = await startAccessHarness();
    // The AdministratorAccess group: two of the leads and admins (rules[9]), never Ada who asks.
    const request = await asked(h, { who: SAM, group: 'AdministratorAccess', action: 'add', reason: 'lead' });
    expect(request.approvers).toEqual([PEOPLE.lena, PEOPLE.leo].sort());
    expect(request.requiredApprovals).toBe(2);
    expect(await h.service.approve(request.id, PEOPLE.ada)).toMatchObject({ ok: false, code: 'own_request' });
    expect((await h.service.approve(request.id, PEOPLE.lena)).ok).toBe(true);
    expect((await h.ledger.getRequest(request.id))?.status).toBe('pending');
  });

  it('refuses an approver outside the rule that matches what the group carries', async () => {
    h = await startAccessHarness();
    // Billing carries FinanceAdmin on management: finance approves it (rules[5]), not the leads.
    const request = await asked(h, { who: JAY, group: 'Billing', action: 'add', reason: 'helps finance' });
    expect(request.approvers).toEqual([PEOPLE.fiona]);
    const outcome = await h.service.approve(request.id, PEOPLE.leo);
    expect(outcome).toMatchObject({ ok: false, code: 'not_approver' });
    expect((await h.ledger.getRequest(request.id))?.status).toBe('pending');
  });

  it('asks for a reason where the rules do, and refuses an over-long one', async () => {
    h = await startAccessHarness();
    const preview = await h.admin.previewGroupChange(PEOPLE.ada, {
      who: JAY,
      group: 'Billing',
      action: 'add',
    });
    if (!preview.ok) throw new Error(preview.message);
    expect(preview.value.reasonRequired).toBe(true);
    expect(
      await h.admin.submitGroupChange(PEOPLE.ada, { who: JAY, group: 'Billing', action: 'add' }),
    ).toMatchObject({ ok: false, code: 'reason_required' });
    expect(
      await h.admin.submitGroupChange(PEOPLE.ada, {
        who: JAY,
        group: 'Billing',
        action: 'add',
        reason: 'x'.repeat(501),
      }),
    ).toMatchObject({ ok: false, code: 'reason_too_long' });
    expect(await h.ledger.findRequests({})).toEqual([]);
  });

  it('refuses group work that no rule offers', async () => {
    // Without the rule for every request, nothing speaks for staging, nor for a new group.
    h = await startAccessHarness({
      config: exampleConfig((y) =>
        y.replace(
          '  - match: {}\n    approvers: [leads]',
          '  - match: { kinds: [access, extend, onboard, offboard, role_change] }\n    approvers: [leads]',
        ),
      ),
    });
    const change = await h.admin.submitGroupChange(PEOPLE.ada, {
      who: JAY,
      group: 'ReadOnly',
      action: 'add',
      reason: 'looks around',
    });
    expect(change).toMatchObject({ ok: false, code: 'not_offered' });
    const created = await h.admin.submitGroupCreate(PEOPLE.ada, { name: 'Platform' });
    expect(created).toMatchObject({ ok: false, code: 'not_offered' });
    expect(await h.ledger.findRequests({})).toEqual([]);
  });

  it('refuses joining a group whose access the rules allow only for a time, saying how to allow it', async () => {
    h = await startAccessHarness();
    // A group that carries SecurityAdmin, which rules[4] allows for 8 hours at most: joining it is for good.
    const made = await h.aws.directory.createGroup({ name: 'Security' });
    if (!made.ok) throw new Error(made.error.message);
    const securityAdmin = [...h.emulator.state.permissionSets.values()].find(
      (p) => p.Name === 'SecurityAdmin',
    )!;
    const carried = await h.aws.assignments.create({
      accountId: '111111111111',
      permissionSetArn: securityAdmin.PermissionSetArn,
      principal: { type: 'GROUP', id: made.value.id },
    });
    expect(carried.ok).toBe(true);
    const outcome = await h.admin.submitGroupChange(PEOPLE.ada, {
      who: JAY,
      group: 'Security',
      action: 'add',
      reason: 'joins security',
    });
    expect(outcome).toMatchObject({ ok: false, code: 'duration_too_long' });
    if (!outcome.ok)
      expect(outcome.message).toMatch(/Access that a group gives is permanent.*kinds: \[group_change\]/);
    expect(await h.ledger.findRequests({})).toEqual([]);
    // Leaving it grants nothing, so no duration applies: someone put in by hand may be taken out.
    const jay = h.emulator.state.userByName(JAY)!.UserId;
    expect((await h.aws.directory.addMembership(made.value.id, jay)).ok).toBe(true);
    const leaving = await h.admin.previewGroupChange(PEOPLE.ada, {
      who: JAY,
      group: 'Security',
      action: 'remove',
    });
    expect(leaving).toMatchObject({ ok: true, value: { carries: [{ permissionSet: 'SecurityAdmin' }] } });
  });

  it('refuses a second change of one person in one group while the first is under way', async () => {
    h = await startAccessHarness();
    const first = await asked(h, { who: JAY, group: 'ReadOnly', action: 'add', reason: 'looks around' });
    const again = await h.admin.submitGroupChange(PEOPLE.ada, {
      who: JAY,
      group: 'readonly',
      action: 'add',
      reason: 'again',
    });
    expect(again).toMatchObject({ ok: false, code: 'already_requested' });
    if (!again.ok) expect(again.message).toContain(first.id);
    // Another group for the same person is other work.
    expect(
      (
        await h.admin.submitGroupChange(PEOPLE.ada, {
          who: JAY,
          group: 'Billing',
          action: 'add',
          reason: 'y',
        })
      ).ok,
    ).toBe(true);
  });

  it('refuses a group name Identity Center would refuse, or one it has, before anything is recorded', async () => {
    h = await startAccessHarness();
    const cases: [Parameters<AccessHarness['admin']['submitGroupCreate']>[1], string, RegExp][] = [
      [{ name: '   ' }, 'invalid_input', /Give the group a name/],
      [{ name: 'x'.repeat(1025) }, 'invalid_input', /at most 1024 characters/],
      [{ name: 'two\nlines' }, 'invalid_input', /one line/],
      [{ name: 'administrator' }, 'invalid_input', /keeps the name/],
      [{ name: 'Platform', description: 'y'.repeat(1025) }, 'invalid_input', /description is at most 1024/],
      [{ name: 'Platform', description: 'bell\u0007' }, 'invalid_input', /no control characters/],
      [{ name: 'readonly' }, 'group_exists', /already a group \*ReadOnly\*/],
    ];
    for (const [input, code, message] of cases) {
      const outcome = await h.admin.submitGroupCreate(PEOPLE.ada, input);
      expect(outcome).toMatchObject({ ok: false, code });
      if (!outcome.ok) expect(outcome.message).toMatch(message);
    }
    expect(await h.ledger.findRequests({})).toEqual([]);
    expect(callsOf(h.emulator, 'CreateGroup')).toEqual([]);
  });
});

describe('group work once approved', () => {
  it('shows what the group carries before anyone approves, and adds the person in one step', async () => {
    h = await startAccessHarness();
    const preview = await h.admin.previewGroupChange(PEOPLE.ada, {
      who: JAY,
      group: 'Billing',
      action: 'add',
    });
    if (!preview.ok) throw new Error(preview.message);
    expect(preview.value).toMatchObject({
      email: JAY,
      group: { name: 'Billing', description: 'Finance team' },
      action: 'add',
      carries: [{ permissionSet: 'FinanceAdmin', accountAlias: 'management' }],
      memberCount: 3,
      endsSessions: false,
    });

    const request = await asked(h, { who: JAY, group: 'Billing', action: 'add', reason: 'helps finance' });
    expect(request).toMatchObject({ kind: 'group_change', status: 'pending', reason: 'helps finance' });
    expect(request.accounts.map((a) => a.alias)).toEqual(['management']);
    expect(details(request).group).toMatchObject({
      name: 'Billing',
      action: 'add',
      carries: [{ permissionSet: 'FinanceAdmin', accountAlias: 'management' }],
    });
    expect(details(request).steps.map((s) => s.id)).toEqual(['join_group:Billing']);
    expect(details(request).ruleParts).toEqual([
      { permissionSet: 'FinanceAdmin', accounts: ['management'], groups: ['Billing'] },
    ]);

    expect((await h.service.approve(request.id, PEOPLE.fiona)).ok).toBe(true);
    await h.drain();
    expect((await h.ledger.getRequest(request.id))?.status).toBe('completed');
    expect(groupsOf(h.emulator, JAY)).toEqual(['Billing']);
    expect(storeWrites(h)).toEqual(['CreateGroupMembership']);
    const audit = await h.ledger.listAudit({ requestId: request.id });
    expect(audit.map((e) => e.action)).toEqual(
      expect.arrayContaining([
        'request.submitted',
        'request.approval_recorded',
        'admin.step.done',
        'request.completed',
      ]),
    );
  });

  it('counts someone who joined the group meanwhile as done, and changes nothing', async () => {
    h = await startAccessHarness();
    const request = await asked(h, { who: JAY, group: 'Billing', action: 'add', reason: 'helps finance' });
    expect((await h.service.approve(request.id, PEOPLE.fiona)).ok).toBe(true);
    const jay = h.emulator.state.userByName(JAY)!.UserId;
    const billing = [...h.emulator.state.groups.values()].find((g) => g.DisplayName === 'Billing')!.GroupId;
    expect((await h.aws.directory.addMembership(billing, jay)).ok).toBe(true);
    const before = callsOf(h.emulator, 'CreateGroupMembership').length;
    await h.drain();
    const done = await h.ledger.getRequest(request.id);
    expect(done?.status).toBe('completed');
    expect(details(done!).steps[0]).toMatchObject({ status: 'done', detail: 'Already a member.' });
    expect(callsOf(h.emulator, 'CreateGroupMembership')).toHaveLength(before);
  });

  it('removes a person from a group and ends the sessions of what only that group gave them', async () => {
    h = await startAccessHarness();
    // Kim also holds ReadOnlyAccess on dev directly: that stays, and so do its sessions.
    const kim = h.emulator.state.userByName(KIM)!.UserId;
    const readOnly = [...h.emulator.state.permissionSets.values()].find((p) => p.Name === 'ReadOnlyAccess')!;
    const direct = await h.aws.assignments.create({
      accountId: '111111111111',
      permissionSetArn: readOnly.PermissionSetArn,
      principal: { type: 'USER', id: kim },
    });
    expect(direct.ok).toBe(true);

    const preview = await h.admin.previewGroupChange(PEOPLE.ada, {
      who: KIM,
      group: 'ReadOnly',
      action: 'remove',
    });
    if (!preview.ok) throw new Error(preview.message);
    expect(preview.value.carries.map((c) => c.accountAlias).sort()).toEqual(['dev', 'prod', 'staging']);
    expect(preview.value.keptOtherwise.map((c) => `${c.permissionSet}:${c.accountAlias}`)).toEqual([
      'ReadOnlyAccess:dev',
    ]);
    expect(preview.value).toMatchObject({ endsSessions: true, reasonRequired: true });

    const request = await asked(h, {
      who: KIM,
      group: 'ReadOnly',
      action: 'remove',
      reason: 'contract ends',
    });
    expect(details(request).steps.map((s) => s.id)).toEqual(['leave_group:ReadOnly', 'end_sessions']);
    // Leaving grants nothing: judged by what the group carries, with no duration.
    expect(details(request).ruleParts).toBeUndefined();
    expect(details(request).affects).toHaveLength(3);
    expect((await h.service.approve(request.id, PEOPLE.lena)).ok).toBe(true);
    await h.drain();

    const done = await h.ledger.getRequest(request.id);
    expect(done?.status).toBe('completed');
    expect(groupsOf(h.emulator, KIM)).toEqual(['Billing']);
    const denials = await h.ledger.findSessionDenials({ requestIds: [request.id] });
    expect(denials.map((d) => `${d.permissionSet}:${d.accountAlias}:${d.cause}`).sort()).toEqual([
      'ReadOnlyAccess:prod:group_change',
      'ReadOnlyAccess:staging:group_change',
    ]);
    expect((await h.service.view(request.id))?.sessionDenials).toHaveLength(2);
  });

  it('counts someone who left the group meanwhile as done', async () => {
    h = await startAccessHarness();
    const request = await asked(h, { who: KIM, group: 'Billing', action: 'remove', reason: 'contract ends' });
    expect((await h.service.approve(request.id, PEOPLE.fiona)).ok).toBe(true);
    const kim = h.emulator.state.userByName(KIM)!.UserId;
    const billing = [...h.emulator.state.groups.values()].find((g) => g.DisplayName === 'Billing')!.GroupId;
    expect((await h.aws.directory.removeMembership(billing, kim)).ok).toBe(true);
    await h.drain();
    const done = await h.ledger.getRequest(request.id);
    expect(done?.status).toBe('completed');
    expect(details(done!).steps[0]).toMatchObject({ status: 'done', detail: 'Already gone.' });
  });

  it('creates a group after approval, once, and refuses the same name afterwards', async () => {
    h = await startAccessHarness();
    const submitted = await h.admin.submitGroupCreate(PEOPLE.ada, {
      name: ' Platform Engineers ',
      description: 'Everyone who builds the platform',
    });
    if (!submitted.ok) throw new Error(submitted.message);
    const { request } = submitted.value;
    expect(request).toMatchObject({
      kind: 'group_create',
      status: 'pending',
      approvers: [PEOPLE.lena, PEOPLE.leo],
    });
    expect(details(request).group).toMatchObject({ name: 'Platform Engineers', action: 'create' });
    expect(details(request).steps.map((s) => s.kind)).toEqual(['create_group']);
    expect(await h.admin.submitGroupCreate(PEOPLE.ada, { name: 'platform engineers' })).toMatchObject({
      ok: false,
      code: 'already_requested',
    });

    expect((await h.service.approve(request.id, PEOPLE.leo)).ok).toBe(true);
    await h.drain();
    const done = await h.ledger.getRequest(request.id);
    expect(done?.status).toBe('completed');
    const made = [...h.emulator.state.groups.values()].find((g) => g.DisplayName === 'Platform Engineers');
    expect(made).toMatchObject({ Description: 'Everyone who builds the platform' });
    expect(details(done!).group?.id).toBe(made?.GroupId);
    expect(callsOf(h.emulator, 'CreateGroup')).toHaveLength(1);

    expect(await h.admin.submitGroupCreate(PEOPLE.ada, { name: 'Platform Engineers' })).toMatchObject({
      ok: false,
      code: 'group_exists',
    });
  });

  it('does not take a group someone else made meanwhile for its own', async () => {
    h = await startAccessHarness();
    const submitted = await h.admin.submitGroupCreate(PEOPLE.ada, { name: 'Platform' });
    if (!submitted.ok) throw new Error(submitted.message);
    expect((await h.service.approve(submitted.value.request.id, PEOPLE.leo)).ok).toBe(true);
    expect((await h.aws.directory.createGroup({ name: 'Platform' })).ok).toBe(true);
    await h.drain();
    const failed = await h.ledger.getRequest(submitted.value.request.id);
    expect(failed?.status).toBe('failed');
    expect(details(failed!).steps[0]?.detail).toMatch(/made by someone else/);
    expect(callsOf(h.emulator, 'CreateGroup')).toHaveLength(1);
  });

  it('answers CreateGroup for a name already used with a refusal of its own, as AWS does', async () => {
    h = await startAccessHarness();
    const outcome = await h.aws.directory.createGroup({ name: 'READONLY' });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'group_exists' } });
    expect(h.emulator.calls.at(-1)).toMatchObject({
      operation: 'CreateGroup',
      errorCode: 'ConflictException',
    });
    // What the model refuses, the local Identity Center refuses as AWS does: a bad request, not a conflict.
    for (const group of [
      { name: 'bell\u0007' },
      { name: 'x'.repeat(1025) },
      { name: 'Ok', description: '' },
    ]) {
      expect(await h.aws.directory.createGroup(group)).toMatchObject({
        ok: false,
        error: { code: 'invalid_input' },
      });
      expect(h.emulator.calls.at(-1)).toMatchObject({
        operation: 'CreateGroup',
        errorCode: 'ValidationException',
      });
    }
  });

  it('lists the groups with their member counts and what they carry, to anyone', async () => {
    h = await startAccessHarness();
    const all = await h.admin.listGroups(PEOPLE.sam);
    if (!all.ok) throw new Error(all.message);
    if (all.value.kind !== 'all') throw new Error('expected every group');
    expect(all.value.groups.map((g) => [g.group.name, g.memberCount])).toEqual([
      ['AdministratorAccess', 2],
      ['Billing', 3],
      ['ReadOnly', 17],
    ]);
    expect(all.value.groups[0]?.carries.map((c) => c.accountAlias)).toEqual([
      'dev',
      'management',
      'prod',
      'staging',
    ]);

    const one = await h.admin.listGroups(PEOPLE.sam, 'billing');
    if (!one.ok) throw new Error(one.message);
    if (one.value.kind !== 'one') throw new Error('expected one group');
    expect(one.value.summary.carries).toEqual([
      { permissionSet: 'FinanceAdmin', accountAlias: 'management' },
    ]);
    expect(one.value.members.map((m) => `${m.displayName} <${m.email}>`)).toEqual([
      'Fiona Finance <fiona.finance@example.com>',
      'Frank Finance <frank.finance@example.com>',
      'Kim Leaver <kim.leaver@example.com>',
    ]);
    expect(storeWrites(h)).toEqual([]);
  });
});
