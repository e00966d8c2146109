/**
 * Bulk onboarding through the access service, on SQLite and the local Identity Center: who may ask and approve
 * (refusals first), a file with one bad row refused whole, then batches carried out person by person, with a
 * start date, a failure and its retry, and 50 people (onboarded side by side) resumed after a crash with every user
 * created once.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AdminRequestDetails } from '../../src/access/admin-api.js';
import { DAY } from '../../src/domain/duration.js';
import { callsOf, directAssignmentsOf, groupsOf } from '../support/admin-emulator.js';
import { exampleConfig, PEOPLE, startAccessHarness, type AccessHarness } from '../support/access-harness.js';
import { FakeSlackPeople } from '../support/recording-notifier.js';

let h: AccessHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const HEADER = 'First name,Last name,Email,Display name,Role,Slack user,Start date';
const csv = (...rows: string[]) => ({
  bytes: new TextEncoder().encode(`${HEADER}\r\n${rows.join('\r\n')}\r\n`),
  name: 'starters.csv',
});
const REASON = { reason: 'September intake (HR-1234)' };
const dbFile = (): string =>
  path.join(mkdtempSync(path.join(tmpdir(), 'access-desk-bulk-')), 'ledger.sqlite');
const detailsOf = async (harness: AccessHarness, id: string) =>
  (await harness.service.view(id))!.request.details as unknown as AdminRequestDetails;

/** Three new starters: two developers and a junior developer. */
const THREE = [
  'Nina,New,nina.new@example.com,,developer,,',
  'Omar,Other,omar.other@example.com,Omar O.,developer,,',
  'Pia,Park,pia.park@example.com,,junior-developer,,',
];

describe('who may ask for a bulk onboarding, and who may approve it', () => {
  it('refuses anyone who is not an admin, and records nothing', async () => {
    h = await startAccessHarness();
    expect(await h.bulk.preview(PEOPLE.sam, csv(...THREE), REASON)).toMatchObject({
      ok: false,
      code: 'not_admin',
    });
    const outcome = await h.bulk.submit(PEOPLE.lena, csv(...THREE), REASON);
    expect(outcome).toMatchObject({ ok: false, code: 'not_admin' });
    expect(!outcome.ok && outcome.message).toContain('<@U0000ADMIN>');
    expect(await h.ledger.findRequests({})).toEqual([]);
  });

  it('refuses the whole batch for one bad row, naming each problem by row and column, and records nothing', async () => {
    h = await startAccessHarness();
    const file = csv(
      ...THREE,
      'Kim,Leaver,kim.leaver@example.com,,developer,,',
      'Quinn,Q,quinn@example.com,,develper,,',
    );
    const preview = await h.bulk.preview(PEOPLE.ada, file, REASON);
    if (!preview.ok) throw new Error(preview.message);
    expect(preview.value.rows).toBe(5);
    expect(preview.value.problems.map((p) => [p.row, p.column])).toEqual([
      [5, 'Email'],
      [6, 'Role'],
    ]);
    expect(preview.value.rules).toBeUndefined();

    const outcome = await h.bulk.submit(PEOPLE.ada, file, REASON);
    expect(outcome).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(!outcome.ok && outcome.message).toMatch(/Nothing was done: the file has 2 problems/);
    expect(!outcome.ok && outcome.message).toMatch(
      /\*Row 5, Email\*: kim.leaver@example.com already has an Identity Center user/,
    );
    expect(!outcome.ok && outcome.message).toMatch(
      /\*Row 6, Role\*: There is no role "develper" \(did you mean developer\?\)/,
    );
    expect(await h.ledger.findRequests({})).toEqual([]);
    expect(callsOf(h.emulator, 'CreateUser', 'identitystore')).toHaveLength(0);
  });

  it('refuses a batch no rule offers, and one without the reason the rules ask for', async () => {
    // Without rules[0] for every kind and rules[12] for bulk onboardings, nothing offers JuniorDeveloper on dev.
    // (A rule for single onboardings would: a batch is many onboardings, and meets their rules too.)
    const config = exampleConfig((yaml) =>
      yaml
        .replace(
          / {2}- match: \{\}\n {4}approvers: \[leads\]\n/,
          '  - match: { kinds: [access, extend] }\n    approvers: [leads]\n',
        )
        .replace(/ {2}- match: \{ kinds: \[bulk_onboard\] \}\n {4}requireReason: true\n/, ''),
    );
    h = await startAccessHarness({ config });
    const outcome = await h.bulk.submit(
      PEOPLE.ada,
      csv('Pia,Park,pia.park@example.com,,junior-developer,,'),
      REASON,
    );
    expect(outcome).toMatchObject({ ok: false, code: 'not_offered' });
    expect(!outcome.ok && outcome.message).toMatch(
      /No rule offers a bulk onboarding with JuniorDeveloper on dev/,
    );
    await h.close();

    h = await startAccessHarness();
    const noReason = await h.bulk.submit(PEOPLE.ada, csv(...THREE));
    expect(noReason).toMatchObject({ ok: false, code: 'reason_required' });
    expect(await h.ledger.findRequests({})).toEqual([]);
  });

  it('lets none of the people in the batch approve it, by any of their Slack accounts, nor the admin who asked', async () => {
    // Nina's two Slack accounts are both among the leads: one given in the file, one mapped to her in `people`.
    const config = exampleConfig((yaml) =>
      yaml
        .replace('leads: [U0000LEAD1, U0000LEAD2]', 'leads: [U0000LEAD1, U0000LEAD2, U0NINA001, U0NINA002]')
        .replace('people:\n', 'people:\n  U0NINA002: nina.new@example.com\n'),
    );
    h = await startAccessHarness({
      config,
      people: new FakeSlackPeople({ U0NINA001: 'nina.new@example.com' }),
    });
    const submitted = await h.bulk.submit(
      PEOPLE.ada,
      csv('Nina,New,nina.new@example.com,,developer,U0NINA001,', THREE[2]!),
      REASON,
    );
    if (!submitted.ok) throw new Error(submitted.message);
    const { request } = submitted.value;
    expect(request).toMatchObject({ kind: 'bulk_onboard', status: 'pending' });
    expect(request.approvers).toEqual([PEOPLE.lena, PEOPLE.leo]);

    expect(await h.service.approve(request.id, 'U0NINA001')).toMatchObject({
      ok: false,
      code: 'own_request',
    });
    const viaOther = await h.service.approve(request.id, 'U0NINA002');
    expect(viaOther.ok).toBe(false);
    expect(await h.service.approve(request.id, PEOPLE.ada)).toMatchObject({ ok: false, code: 'own_request' });
    expect(await h.service.approve(request.id, PEOPLE.sam)).toMatchObject({
      ok: false,
      code: 'not_approver',
    });
    await h.drain();
    expect((await h.service.view(request.id))?.request.status).toBe('pending');
    expect(callsOf(h.emulator, 'CreateUser', 'identitystore')).toHaveLength(0);
  });

  it('refuses a second onboarding of someone already in a batch under way, alone or in another batch', async () => {
    h = await startAccessHarness();
    const first = await h.bulk.submit(PEOPLE.ada, csv(...THREE), REASON);
    if (!first.ok) throw new Error(first.message);
    const single = await h.admin.submitOnboarding(PEOPLE.ada, {
      email: 'nina.new@example.com',
      givenName: 'Nina',
      familyName: 'New',
      role: 'developer',
      note: 'again',
    });
    expect(single).toMatchObject({ ok: false, code: 'already_requested' });
    expect(!single.ok && single.message).toContain(first.value.request.id);
    const again = await h.bulk.submit(PEOPLE.ada, csv(THREE[2]!), REASON);
    expect(again).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(!again.ok && again.message).toContain(`already under way (${first.value.request.id}, pending)`);
    expect(await h.ledger.findRequests({})).toHaveLength(1);
  });
});

describe('a bulk onboarding carried out', () => {
  it('onboards every person by the usual steps once a lead approves, on one card, each welcome email sent', async () => {
    h = await startAccessHarness();
    const preview = await h.bulk.preview(PEOPLE.ada, csv(...THREE), REASON);
    if (!preview.ok) throw new Error(preview.message);
    expect(preview.value.problems).toEqual([]);
    expect(preview.value.people.map((p) => [p.row, p.email, p.role])).toEqual([
      [2, 'nina.new@example.com', 'developer'],
      [3, 'omar.other@example.com', 'developer'],
      [4, 'pia.park@example.com', 'junior-developer'],
    ]);
    expect(preview.value.people[0]).toMatchObject({
      groups: ['ReadOnly'],
      assignments: [{ permissionSet: 'Developer', accounts: ['dev', 'staging'] }],
    });
    expect(preview.value.rules).toMatchObject({ ok: true, autoApprove: false });

    const submitted = await h.bulk.submit(PEOPLE.ada, csv(...THREE), REASON);
    if (!submitted.ok) throw new Error(submitted.message);
    const { request } = submitted.value;
    expect(request.reason).toBe(REASON.reason);
    expect(request.accounts.map((a) => a.alias)).toEqual(['dev', 'staging']);
    const planned = (await detailsOf(h, request.id)).steps.map((s) => s.id);
    expect(planned).toEqual([
      'r2:create_user',
      'r2:join_group:ReadOnly',
      'r2:assign:dev:Developer',
      'r2:assign:staging:Developer',
      'r2:send_welcome',
      'r3:create_user',
      'r3:join_group:ReadOnly',
      'r3:assign:dev:Developer',
      'r3:assign:staging:Developer',
      'r3:send_welcome',
      'r4:create_user',
      'r4:assign:dev:JuniorDeveloper',
      'r4:send_welcome',
    ]);
    await h.drain();
    expect(h.emulator.state.userByName('nina.new@example.com')).toBeUndefined();

    expect((await h.service.approve(request.id, PEOPLE.lena)).ok).toBe(true);
    await h.drain();

    const view = (await h.service.view(request.id))!;
    expect(view.request.status).toBe('completed');
    const nina = h.emulator.state.userByName('nina.new@example.com')!;
    const omar = h.emulator.state.userByName('omar.other@example.com')!;
    const pia = h.emulator.state.userByName('pia.park@example.com')!;
    expect(omar.attributes).toMatchObject({ DisplayName: 'Omar O.' });
    expect(groupsOf(h.emulator, 'nina.new@example.com')).toEqual(['ReadOnly']);
    expect(directAssignmentsOf(h.emulator, nina.UserId)).toEqual(['dev:Developer', 'staging:Developer']);
    expect(directAssignmentsOf(h.emulator, pia.UserId)).toEqual(['dev:JuniorDeveloper']);
    expect(h.emulator.state.mailbox.map((m) => m.to[0]).sort()).toEqual([
      'nina.new@example.com',
      'omar.other@example.com',
      'pia.park@example.com',
    ]);
    const details = view.request.details as unknown as AdminRequestDetails;
    expect(details.batch?.map((p) => p.userId)).toEqual([nina.UserId, omar.UserId, pia.UserId]);
    expect(details.notes?.join(' ')).toMatch(/Reset password/);
    expect(h.notifier.eventsFor(request.id)).toEqual(['submitted', 'approved', 'granted']);
    expect(h.notifier.lastCard(request.id)?.status).toBe('completed');
    const audit = (await h.ledger.listAudit({ requestId: request.id })).map((e) => e.action);
    expect(audit.filter((a) => a === 'admin.step.done')).toHaveLength(13);
    expect(audit).toContain('request.completed');
  });

  it('waits for a start date in the future for that person alone, and finishes on the day', async () => {
    h = await startAccessHarness();
    const start = new Date(h.clock.now().getTime() + 3 * DAY).toISOString().slice(0, 10);
    const submitted = await h.bulk.submit(
      PEOPLE.ada,
      csv(THREE[0]!, `Pia,Park,pia.park@example.com,,junior-developer,,${start}`),
      REASON,
    );
    if (!submitted.ok) throw new Error(submitted.message);
    const id = submitted.value.request.id;
    expect((await h.service.approve(id, PEOPLE.leo)).ok).toBe(true);
    await h.scheduler.tick();
    expect((await h.service.view(id))?.request.status).toBe('provisioning');
    expect(h.emulator.state.userByName('nina.new@example.com')).toBeDefined();
    expect(h.emulator.state.userByName('pia.park@example.com')).toBeUndefined();

    h.clock.set(new Date(`${start}T00:00:01Z`));
    await h.scheduler.tick();
    expect((await h.service.view(id))?.request.status).toBe('completed');
    expect(h.emulator.state.userByName('pia.park@example.com')).toBeDefined();
    expect(callsOf(h.emulator, 'CreateUser', 'identitystore')).toHaveLength(2);
  });

  it('carries on past a person whose step fails, names them, and Retry continues from that step', async () => {
    h = await startAccessHarness();
    h.emulator.faults.failedProvisioning.push({
      accountId: '222222222222',
      reason: 'Received a 404 status error: Not supported policy arn:aws:iam::aws:policy/Example.',
      remaining: 1,
    });
    const submitted = await h.bulk.submit(PEOPLE.ada, csv(...THREE), REASON);
    if (!submitted.ok) throw new Error(submitted.message);
    const id = submitted.value.request.id;
    expect((await h.service.approve(id, PEOPLE.lena)).ok).toBe(true);
    await h.drain();

    let view = (await h.service.view(id))!;
    expect(view.request.status).toBe('failed');
    const steps = (view.request.details as unknown as AdminRequestDetails).steps;
    expect(steps.find((s) => s.status === 'failed')).toMatchObject({
      id: 'r2:assign:staging:Developer',
      detail: expect.stringContaining('Not supported policy') as unknown,
    });
    // The others were onboarded all the same.
    expect(
      steps.filter((s) => s.id.startsWith('r3:') || s.id.startsWith('r4:')).every((s) => s.status === 'done'),
    ).toBe(true);
    expect(h.notifier.eventsFor(id)).toContain('failed');

    expect(await h.admin.retry(id, PEOPLE.sam)).toMatchObject({ ok: false, code: 'not_admin' });
    expect((await h.admin.retry(id, PEOPLE.ada)).ok).toBe(true);
    await h.drain();
    view = (await h.service.view(id))!;
    expect(view.request.status).toBe('completed');
    const nina = h.emulator.state.userByName('nina.new@example.com')!;
    expect(directAssignmentsOf(h.emulator, nina.UserId)).toEqual(['dev:Developer', 'staging:Developer']);
    expect(callsOf(h.emulator, 'CreateUser', 'identitystore')).toHaveLength(3);
    expect(h.emulator.state.mailbox).toHaveLength(3);
  });

  it('onboards 50 people across a crash in the middle, resuming where it stopped and creating each user once', async () => {
    // 25 junior developers (an assignment each), then 25 readers (a group only). People are onboarded side by
    // side: the first run gives up waiting on AWS at the juniors' assignments, as a crash in the middle of the
    // batch would leave it, and starts nobody after that.
    const config = exampleConfig((yaml) =>
      yaml.replace('roles:\n', 'roles:\n  reader:\n    groups: [ReadOnly]\n'),
    );
    const dbPath = dbFile();
    const first = await startAccessHarness({
      config,
      dbPath,
      provisioningDelayMs: 1_500,
      assignmentTimeoutMs: 100,
    });
    const rows = Array.from({ length: 50 }, (_, i) => {
      const n = String(i + 1).padStart(2, '0');
      return `Person,${n},person.${n}@example.com,,${i < 25 ? 'junior-developer' : 'reader'},,`;
    });
    const submitted = await first.bulk.submit(PEOPLE.ada, csv(...rows), REASON);
    if (!submitted.ok) throw new Error(submitted.message);
    const id = submitted.value.request.id;
    expect((await first.service.approve(id, PEOPLE.lena)).ok).toBe(true);
    await first.drain();

    const midway = await detailsOf(first, id);
    expect((await first.service.view(id))?.request.status).toBe('provisioning');
    const statuses = (row: number) =>
      midway.steps.filter((s) => s.id.startsWith(`r${row}:`)).map((s) => s.status);
    // Person n is on row n + 1 (the header is row 1). Each person stopped after a run of steps done, none failed.
    const started = Array.from({ length: 50 }, (_, i) => i + 2).filter((row) => statuses(row)[0] === 'done');
    for (let row = 2; row <= 51; row += 1) {
      const s = statuses(row);
      expect(s.slice(s.indexOf('pending') === -1 ? s.length : s.indexOf('pending'))).not.toContain('done');
      expect(s).not.toContain('failed');
    }
    // The juniors stopped waiting on their assignment: its AWS request is kept, to be followed, not asked again.
    const waiting = Array.from({ length: 25 }, (_, i) => i + 2).filter(
      (row) => statuses(row).join() === 'done,pending,pending',
    );
    expect(waiting.length).toBeGreaterThan(0);
    for (const row of waiting) {
      const n = String(row - 1).padStart(2, '0');
      expect(midway.awsRequestIds?.[`r${row}:assign:dev:JuniorDeveloper`], `person ${n}`).toMatch(
        /^[0-9a-f-]{36}$/,
      );
    }
    expect(statuses(51)).toEqual(['pending', 'pending', 'pending']);
    expect(callsOf(first.emulator, 'CreateUser', 'identitystore')).toHaveLength(started.length);

    // The crash window of the last person's create_user: its attempt was noted and AWS made the user, but the
    // process died before the step was saved.
    const request = (await first.ledger.getRequest(id))!;
    const batch = (request.details as unknown as AdminRequestDetails).batch!;
    await first.ledger.updateRequest(id, {
      details: {
        ...request.details,
        batch: batch.map((p) => (p.row === 51 ? { ...p, createUserAttempted: true } : p)),
      },
    });
    const made = await first.aws.directory.createUser({
      email: 'person.50@example.com',
      givenName: 'Person',
      familyName: '50',
    });
    if (!made.ok) throw new Error(made.error.message);

    h = await first.restart({ assignmentTimeoutMs: 10_000 });
    h.emulator.faults.provisioningDelayMs = 20;
    h.clock.advance(60_000); // past the retry wait
    await h.scheduler.tick();

    const view = (await h.service.view(id))!;
    expect(view.request.status).toBe('completed');
    const details = view.request.details as unknown as AdminRequestDetails;
    expect(details.steps.every((s) => s.status === 'done')).toBe(true);
    const creates = callsOf(h.emulator, 'CreateUser', 'identitystore');
    expect(creates).toHaveLength(50);
    for (let i = 1; i <= 50; i += 1) {
      const n = String(i).padStart(2, '0');
      const user = h.emulator.state.userByName(`person.${n}@example.com`);
      expect(user, `person.${n}`).toBeDefined();
      expect(details.batch?.find((p) => p.email === `person.${n}@example.com`)?.userId).toBe(user!.UserId);
    }
    expect(details.batch?.find((p) => p.row === 51)?.userId).toBe(made.value.id);
    expect(groupsOf(h.emulator, 'person.26@example.com')).toEqual(['ReadOnly']);
    expect(
      directAssignmentsOf(h.emulator, h.emulator.state.userByName('person.01@example.com')!.UserId),
    ).toEqual(['dev:JuniorDeveloper']);
    expect(callsOf(h.emulator, 'CreateAccountAssignment')).toHaveLength(25);
    expect(h.emulator.state.mailbox).toHaveLength(50);
    const audit = (await h.ledger.listAudit({ requestId: id })).filter((e) => e.action === 'admin.step.done');
    expect(new Set(audit.map((e) => e.details.step)).size).toBe(audit.length);
  });
});

describe('retrying a step AWS failed', () => {
  it('asks AWS afresh for a single onboarding’s assignment that ended FAILED, rather than reading the failure again', async () => {
    h = await startAccessHarness();
    h.emulator.faults.failedProvisioning.push({
      accountId: '111111111111',
      reason: 'Role quota exceeded',
      remaining: 1,
    });
    const submitted = await h.admin.submitOnboarding(PEOPLE.ada, {
      email: 'pia.park@example.com',
      givenName: 'Pia',
      familyName: 'Park',
      role: 'junior-developer',
    });
    if (!submitted.ok) throw new Error(submitted.message);
    const id = submitted.value.request.id;
    expect((await h.service.approve(id, PEOPLE.lena)).ok).toBe(true);
    await h.drain();
    expect((await h.service.view(id))?.request.status).toBe('failed');
    expect((await detailsOf(h, id)).awsRequestIds?.['assign:dev:JuniorDeveloper']).toBeUndefined();

    expect((await h.admin.retry(id, PEOPLE.ada)).ok).toBe(true);
    await h.drain();
    expect((await h.service.view(id))?.request.status).toBe('completed');
    expect(callsOf(h.emulator, 'CreateAccountAssignment')).toHaveLength(2);
  });
});
