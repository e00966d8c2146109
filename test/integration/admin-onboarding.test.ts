import { afterEach, describe, expect, it } from 'vitest';
import type { AdminRequestDetails } from '../../src/access/admin-api.js';
import { DAY } from '../../src/domain/duration.js';
import { callsOf, directAssignmentsOf, groupsOf } from '../support/admin-emulator.js';
import { PEOPLE, startAccessHarness, type AccessHarness } from '../support/access-harness.js';

let h: AccessHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The developer role joins ReadOnly, which carries ReadOnlyAccess on prod: the rules ask for a reason (rules[2]). */
const NINA = {
  email: 'nina.new@example.com',
  givenName: 'Nina',
  familyName: 'New',
  role: 'developer',
  note: 'joins the payments team',
};

const detailsOf = async (harness: AccessHarness, id: string) =>
  (await harness.service.view(id))!.request.details as unknown as AdminRequestDetails;

describe('onboarding a new starter', () => {
  it('creates the user, joins the role’s groups, makes its assignments and sends the welcome email once a lead approves', async () => {
    h = await startAccessHarness();
    const submitted = await h.admin.submitOnboarding(PEOPLE.ada, NINA);
    if (!submitted.ok) throw new Error(submitted.message);
    const request = submitted.value.request;
    expect(request).toMatchObject({ kind: 'onboard', status: 'pending', permissionSet: 'developer' });
    expect(request.approvers).toEqual([PEOPLE.lena, PEOPLE.leo]);
    const planned = (await detailsOf(h, request.id)).steps.map((s) => s.id);
    expect(planned).toEqual([
      'create_user',
      'join_group:ReadOnly',
      'assign:dev:Developer',
      'assign:staging:Developer',
      'send_welcome',
    ]);
    await h.drain();
    expect(h.emulator.state.userByName(NINA.email)).toBeUndefined();

    expect((await h.service.approve(request.id, PEOPLE.lena)).ok).toBe(true);
    await h.drain();

    const view = (await h.service.view(request.id))!;
    expect(view.request.status).toBe('completed');
    const details = view.request.details as unknown as AdminRequestDetails;
    expect(details.steps.map((s) => s.status)).toEqual(['done', 'done', 'done', 'done', 'done']);
    const user = h.emulator.state.userByName(NINA.email)!;
    expect(user.attributes).toMatchObject({
      DisplayName: 'Nina New',
      Name: { GivenName: 'Nina', FamilyName: 'New' },
    });
    expect(JSON.stringify(user.attributes.Emails)).toContain(NINA.email);
    expect(details.subject.userId).toBe(user.UserId);
    expect(groupsOf(h.emulator, NINA.email)).toEqual(['ReadOnly']);
    expect(directAssignmentsOf(h.emulator, user.UserId)).toEqual(['dev:Developer', 'staging:Developer']);

    expect(h.emulator.state.mailbox).toHaveLength(1);
    const mail = h.emulator.state.mailbox[0]!;
    expect(mail).toMatchObject({ from: 'aws-access@example.com', to: [NINA.email], cc: ['it@example.com'] });
    for (const part of [mail.text!, mail.html!]) {
      expect(part).toContain('https://example.awsapps.com/start');
      expect(part).toContain(NINA.email);
      expect(part).toContain('aws configure sso');
      expect(part).toContain('example-ltd');
      expect(part).toContain('eu-west-1');
      expect(part).toContain('aws sso login --profile example-ltd-dev');
      expect(part).toContain('--no-browser');
      expect(part).toContain('AWS_PROFILE');
      expect(part).toMatch(/first password/i);
    }

    // Users made through the API have no password: the admin is told the console step.
    expect(details.notes?.join(' ')).toMatch(/Reset password/);
    expect(h.notifier.eventsFor(request.id)).toEqual(['submitted', 'approved', 'granted']);
    expect(h.notifier.lastCard(request.id)?.status).toBe('completed');
    const audit = (await h.ledger.listAudit({ requestId: request.id })).map((e) => e.action);
    expect(audit.filter((a) => a === 'admin.step.done')).toHaveLength(5);
    expect(audit).toContain('request.completed');
  });

  it('refuses at once someone who already has a user, saying what they have and pointing to /access role', async () => {
    h = await startAccessHarness();
    const outcome = await h.admin.submitOnboarding(PEOPLE.ada, {
      email: 'kim.leaver@example.com',
      givenName: 'Kim',
      familyName: 'Leaver',
      role: 'developer',
    });
    expect(outcome).toMatchObject({ ok: false, code: 'user_exists' });
    expect(!outcome.ok && outcome.message).toMatch(/ReadOnly and Billing/);
    expect(!outcome.ok && outcome.message).toContain('/access role kim.leaver@example.com');
    expect(await h.ledger.findRequests({})).toEqual([]);
  });

  it('refuses what it cannot do: an untrusted domain, an unknown role, neither role nor access', async () => {
    h = await startAccessHarness();
    const untrusted = await h.admin.planOnboarding(PEOPLE.ada, { ...NINA, email: 'nina@gmail.com' });
    expect(untrusted).toMatchObject({ ok: false, code: 'untrusted_domain' });
    const role = await h.admin.planOnboarding(PEOPLE.ada, { ...NINA, role: 'developr' });
    expect(role).toMatchObject({ ok: false, code: 'unknown_role' });
    expect(!role.ok && role.message).toMatch(/did you mean developer/);
    const nothing = await h.admin.planOnboarding(PEOPLE.ada, { ...NINA, role: undefined });
    expect(nothing).toMatchObject({ ok: false, code: 'invalid_input' });
  });

  it('waits for a start date in the future before making anything', async () => {
    h = await startAccessHarness();
    const start = new Date(h.clock.now().getTime() + 3 * DAY).toISOString().slice(0, 10);
    const submitted = await h.admin.submitOnboarding(PEOPLE.ada, { ...NINA, startDate: start });
    if (!submitted.ok) throw new Error(submitted.message);
    const id = submitted.value.request.id;
    expect((await h.service.approve(id, PEOPLE.leo)).ok).toBe(true);
    await h.scheduler.tick();
    expect((await h.service.view(id))?.request.status).toBe('approved');
    expect(callsOf(h.emulator, 'CreateUser')).toHaveLength(0);

    h.clock.set(new Date(`${start}T00:00:01Z`));
    await h.scheduler.tick();
    expect((await h.service.view(id))?.request.status).toBe('completed');
    expect(callsOf(h.emulator, 'CreateUser')).toHaveLength(1);
  });
});

describe('who may onboard, and who approves it', () => {
  it('refuses anyone who is not an admin, and records nothing', async () => {
    h = await startAccessHarness();
    const outcome = await h.admin.submitOnboarding(PEOPLE.sam, NINA);
    expect(outcome).toMatchObject({ ok: false, code: 'not_admin' });
    expect(await h.admin.planOnboarding(PEOPLE.lena, NINA)).toMatchObject({ ok: false, code: 'not_admin' });
    expect(await h.admin.previewOffboarding(PEOPLE.sam, 'kim.leaver@example.com')).toMatchObject({
      ok: false,
      code: 'not_admin',
    });
    expect(
      await h.admin.submitOffboarding(PEOPLE.sam, {
        who: 'kim.leaver@example.com',
        reason: 'x',
        cleanupLegacyIam: true,
      }),
    ).toMatchObject({ ok: false, code: 'not_admin' });
    expect(await h.admin.previewRoleChange(PEOPLE.sam, PEOPLE.sam, 'sre')).toMatchObject({
      ok: false,
      code: 'not_admin',
    });
    expect(await h.admin.submitRoleChange(PEOPLE.sam, { who: PEOPLE.sam, role: 'sre' })).toMatchObject({
      ok: false,
      code: 'not_admin',
    });
    expect(await h.admin.startMigration(PEOPLE.sam, 'bruno.costa@example.com')).toMatchObject({
      ok: false,
      code: 'not_admin',
    });
    expect(await h.ledger.findRequests({})).toEqual([]);
    expect(h.emulator.state.mailbox).toHaveLength(0);
  });

  it('needs a lead’s approval (rules[0]): the admin who asked cannot approve it, nor can someone else', async () => {
    h = await startAccessHarness();
    const submitted = await h.admin.submitOnboarding(PEOPLE.ada, NINA);
    if (!submitted.ok) throw new Error(submitted.message);
    const { request } = submitted.value;
    // Every part is judged: Developer on dev and staging (rules[0]), and what ReadOnly carries: ReadOnlyAccess on
    // dev (rules[7], which alone would approve it), staging and prod (rules[2]).
    expect(request.details.matchedRules).toEqual([0, 2, 7]);
    expect(request.requiredApprovals).toBe(1);
    expect(await h.service.approve(request.id, PEOPLE.ada)).toMatchObject({ ok: false, code: 'own_request' });
    expect(await h.service.approve(request.id, PEOPLE.sam)).toMatchObject({
      ok: false,
      code: 'not_approver',
    });
    await h.drain();
    expect(h.emulator.state.userByName(NINA.email)).toBeUndefined();

    const denied = await h.service.deny(request.id, PEOPLE.lena, 'not starting after all');
    expect(denied.ok).toBe(true);
    await h.drain();
    expect(h.emulator.state.userByName(NINA.email)).toBeUndefined();
    expect(h.notifier.eventsFor(request.id)).toEqual(['submitted', 'denied']);
  });

  it('asks for a reason when the role reaches production (rules[2])', async () => {
    h = await startAccessHarness();
    const { note: _note, ...withoutNote } = NINA;
    const outcome = await h.admin.submitOnboarding(PEOPLE.ada, { ...withoutNote, role: 'sre' });
    expect(outcome).toMatchObject({ ok: false, code: 'reason_required' });
    const withNote = await h.admin.submitOnboarding(PEOPLE.ada, {
      ...NINA,
      role: 'sre',
      note: 'on-call hire',
    });
    expect(withNote.ok).toBe(true);
  });
});
