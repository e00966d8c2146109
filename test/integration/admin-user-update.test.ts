/**
 * `/access user update` through the admin service: a person's names and primary email changed as admin work,
 * judged by the rules, approved by someone other than the person, then one UpdateUser against the local Identity
 * Center, on SQLite. Refusals first.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AdminRequestDetails } from '../../src/access/admin-api.js';
import type { UserUpdateInput } from '../../src/access/people-api.js';
import { exampleConfig, PEOPLE, startAccessHarness, type AccessHarness } from '../support/access-harness.js';
import { FakeSlackPeople } from '../support/recording-notifier.js';

let h: AccessHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const SAM = 'sam.dev@example.com';
const LENA = 'lena.lead@example.com';

/** What the modal would submit for someone: their details as they are, with `changes` applied. */
function form(
  harness: AccessHarness,
  email: string,
  changes: Partial<UserUpdateInput> = {},
): UserUpdateInput {
  const user = harness.emulator.state.userByName(email)!;
  const name = user.attributes.Name as { GivenName: string; FamilyName: string };
  return {
    who: email,
    userId: user.UserId,
    givenName: name.GivenName,
    familyName: name.FamilyName,
    displayName: user.attributes.DisplayName as string,
    email,
    ...changes,
  };
}

const attributesOf = (harness: AccessHarness, userName: string) =>
  harness.emulator.state.userByName(userName)?.attributes;

const updateCalls = (harness: AccessHarness) =>
  harness.emulator.calls.filter((c) => c.operation === 'UpdateUser');

describe('changing a person’s details: refusals', () => {
  it('refuses anyone who is not an admin, before and after the form, and records nothing', async () => {
    h = await startAccessHarness();
    expect(await h.admin.previewUserUpdate(PEOPLE.lena, SAM)).toMatchObject({ ok: false, code: 'not_admin' });
    const outcome = await h.admin.submitUserUpdate(PEOPLE.sam, form(h, SAM, { givenName: 'Samuel' }));
    expect(outcome).toMatchObject({ ok: false, code: 'not_admin' });
    expect(!outcome.ok && outcome.message).toContain('<@U0000ADMIN>');
    expect(await h.ledger.findRequests({})).toEqual([]);
  });

  it('refuses someone Identity Center does not know', async () => {
    h = await startAccessHarness();
    const outcome = await h.admin.previewUserUpdate(PEOPLE.ada, 'nobody@example.com');
    expect(outcome).toMatchObject({ ok: false, code: 'not_found' });
    expect(!outcome.ok && outcome.message).toContain('nobody@example.com');
  });

  it('refuses a malformed email, one outside the trusted domains and one another user has, changing nothing', async () => {
    h = await startAccessHarness();
    const before = structuredClone(attributesOf(h, SAM));
    const cases: [string, string][] = [
      ['sam at example.com', 'invalid_input'],
      ['sam.dev@gmail.com', 'untrusted_domain'],
      ['Sara.Senior@example.com', 'user_exists'],
    ];
    for (const [email, code] of cases) {
      const outcome = await h.admin.submitUserUpdate(PEOPLE.ada, form(h, SAM, { email }));
      expect(outcome, email).toMatchObject({ ok: false, code });
    }
    const taken = await h.admin.submitUserUpdate(
      PEOPLE.ada,
      form(h, SAM, { email: 'sara.senior@example.com' }),
    );
    expect(!taken.ok && taken.message).toContain('another Identity Center user');
    expect(await h.ledger.findRequests({})).toEqual([]);
    expect(attributesOf(h, SAM)).toEqual(before);
    expect(updateCalls(h)).toEqual([]);
  });

  it('refuses names that are empty, too long or carry markup', async () => {
    h = await startAccessHarness();
    for (const change of [
      { givenName: '  ' },
      { familyName: 'x'.repeat(65) },
      { displayName: '<!channel> Sam' },
    ]) {
      expect(await h.admin.submitUserUpdate(PEOPLE.ada, form(h, SAM, change))).toMatchObject({
        ok: false,
        code: 'invalid_input',
      });
    }
    expect(await h.ledger.findRequests({})).toEqual([]);
  });

  it('says nothing changes, and records nothing, when the details are already these (an email differing only in case included)', async () => {
    h = await startAccessHarness();
    const same = await h.admin.submitUserUpdate(PEOPLE.ada, form(h, SAM, { email: 'Sam.Dev@Example.com' }));
    expect(same).toMatchObject({ ok: false, code: 'already_held' });
    expect(!same.ok && same.message).toMatch(/Nothing changes/);
    expect(await h.ledger.findRequests({})).toEqual([]);
    expect(await h.ledger.listAudit({})).toEqual([]);
  });

  it('refuses a form opened for another user than the one the person now leads to', async () => {
    h = await startAccessHarness();
    const sara = h.emulator.state.userByName('sara.senior@example.com')!;
    const outcome = await h.admin.submitUserUpdate(
      PEOPLE.ada,
      form(h, SAM, { userId: sara.UserId, givenName: 'Samuel' }),
    );
    expect(outcome).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(await h.ledger.findRequests({})).toEqual([]);
  });

  it('does not let the person it is about approve it, by any of their Slack accounts', async () => {
    // Lena is a lead (an approver of user_update), with a second Slack account that only her profile email links.
    const secondAccount = 'U0000LEAD9';
    h = await startAccessHarness({
      config: exampleConfig((y) =>
        y.replace('leads: [U0000LEAD1, U0000LEAD2]', `leads: [U0000LEAD1, U0000LEAD2, ${secondAccount}]`),
      ),
      people: new FakeSlackPeople({ [secondAccount]: LENA }),
    });
    const submitted = await h.admin.submitUserUpdate(PEOPLE.ada, form(h, LENA, { displayName: 'Lena L.' }));
    if (!submitted.ok) throw new Error(submitted.message);
    const { request } = submitted.value;
    expect(request.approvers).not.toContain(PEOPLE.lena);

    const byHerself = await h.service.approve(request.id, PEOPLE.lena);
    expect(byHerself).toMatchObject({ ok: false, code: 'own_request' });
    const bySecondAccount = await h.service.approve(request.id, secondAccount);
    expect(bySecondAccount).toMatchObject({ ok: false, code: 'own_request' });
    expect(!bySecondAccount.ok && bySecondAccount.message).toContain('about you');
    await h.drain();
    expect((await h.service.view(request.id))?.request.status).toBe('pending');
    expect(attributesOf(h, LENA)?.DisplayName).toBe('Lena Lead');
  });

  it('refuses a change that no rule offers, saying so', async () => {
    h = await startAccessHarness({
      config: exampleConfig((y) =>
        y
          .replace(
            '  - match: {}\n    approvers: [leads]',
            '  - match: { kinds: [access] }\n    approvers: [leads]',
          )
          .replace('match: { kinds: [user_update] }', 'match: { kinds: [group_create] }'),
      ),
    });
    expect(await h.admin.previewUserUpdate(PEOPLE.ada, SAM)).toMatchObject({
      ok: false,
      code: 'not_offered',
    });
    const outcome = await h.admin.submitUserUpdate(PEOPLE.ada, form(h, SAM, { givenName: 'Samuel' }));
    expect(outcome).toMatchObject({ ok: false, code: 'not_offered' });
    expect(!outcome.ok && outcome.message).toMatch(/No rule offers/);
    expect(await h.ledger.findRequests({})).toEqual([]);
  });

  it('refuses a second change of the same person while the first is under way', async () => {
    h = await startAccessHarness();
    const first = await h.admin.submitUserUpdate(PEOPLE.ada, form(h, SAM, { givenName: 'Samuel' }));
    expect(first.ok).toBe(true);
    const second = await h.admin.submitUserUpdate(PEOPLE.ada, form(h, SAM, { familyName: 'Dev' }));
    expect(second).toMatchObject({ ok: false, code: 'already_requested' });
    expect(!second.ok && second.message).toContain('sam.dev@example.com’s details');
  });
});

describe('changing a person’s details', () => {
  it('opens with the details as Identity Center has them, the user name among them', async () => {
    h = await startAccessHarness();
    const preview = await h.admin.previewUserUpdate(PEOPLE.ada, PEOPLE.sam);
    if (!preview.ok) throw new Error(preview.message);
    expect(preview.value).toMatchObject({
      email: SAM,
      reasonRequired: false,
      user: { userName: SAM, givenName: 'Sam', familyName: 'Developer', email: SAM },
    });
  });

  it('records what changes from what to what, and after approval makes exactly that change in Identity Center', async () => {
    h = await startAccessHarness();
    const submitted = await h.admin.submitUserUpdate(
      PEOPLE.ada,
      form(h, SAM, {
        givenName: 'Samuel',
        displayName: 'Samuel Developer',
        email: 'Samuel.Dev@example.com',
        reason: 'name change, ticket 88',
      }),
    );
    if (!submitted.ok) throw new Error(submitted.message);
    const { request } = submitted.value;
    const details = request.details as unknown as AdminRequestDetails;
    expect(request).toMatchObject({
      kind: 'user_update',
      status: 'pending',
      reason: 'name change, ticket 88',
    });
    expect(details.changes).toEqual([
      { field: 'givenName', from: 'Sam', to: 'Samuel' },
      { field: 'displayName', from: 'Sam Developer', to: 'Samuel Developer' },
      { field: 'email', from: SAM, to: 'samuel.dev@example.com' },
    ]);
    expect(details.steps.map((s) => s.id)).toEqual(['update_user']);
    expect(request.approvers).toEqual(
      [PEOPLE.ada, PEOPLE.lena, PEOPLE.leo].filter((id) => id !== PEOPLE.ada),
    );
    expect(updateCalls(h)).toEqual([]);

    expect((await h.service.approve(request.id, PEOPLE.leo)).ok).toBe(true);
    await h.drain();

    expect((await h.service.view(request.id))?.request.status).toBe('completed');
    const user = h.emulator.state.userByName(SAM)!;
    expect(user.UserName).toBe(SAM);
    expect(user.attributes).toMatchObject({
      DisplayName: 'Samuel Developer',
      Name: { GivenName: 'Samuel', FamilyName: 'Developer' },
      Emails: [{ Value: 'samuel.dev@example.com', Type: 'work', Primary: true }],
    });
    expect(updateCalls(h)).toHaveLength(1);
    expect((await h.aws.directory.findUserByEmail('samuel.dev@example.com')).ok).toBe(true);
    expect(await h.aws.directory.findUserByEmail(SAM)).toEqual({ ok: true, value: undefined });

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

  it('a form submission run again (after a crash) finds the request it made instead of a second one', async () => {
    h = await startAccessHarness();
    const click = await h.clicks.record({
      action: 'admin',
      userId: PEOPLE.ada,
      adminSubmission: { kind: 'user_update', ...form(h, SAM, { givenName: 'Samuel' }) },
    });
    const first = await h.clicks.run(click);
    if (!first.ok) throw new Error(first.message);
    const again = await h.admin.submitUserUpdate(PEOPLE.ada, form(h, SAM, { givenName: 'Samuel' }), click.id);
    expect(again.ok && again.value.request.id).toBe(first.value.request.id);
    expect(await h.ledger.findRequests({ kinds: ['user_update'] })).toHaveLength(1);
  });

  it('forgets the person’s cached identities once the email changed, so nobody is matched by the old one', async () => {
    const secondAccount = 'U0000SAM02';
    h = await startAccessHarness({ people: new FakeSlackPeople({ [secondAccount]: SAM }) });
    // Both of Sam's Slack accounts are matched (and cached in the ledger, for every replica) by the old email.
    expect((await h.identities.resolve(PEOPLE.sam)).ok).toBe(true);
    expect((await h.identities.resolve(secondAccount)).ok).toBe(true);
    expect(await h.ledger.getIdentity?.(secondAccount)).toMatchObject({ email: SAM });

    const submitted = await h.admin.submitUserUpdate(
      PEOPLE.ada,
      form(h, SAM, { email: 'sam.d@example.com' }),
    );
    if (!submitted.ok) throw new Error(submitted.message);
    await h.service.approve(submitted.value.request.id, PEOPLE.lena);
    await h.drain();

    const view = await h.service.view(submitted.value.request.id);
    expect(view?.request.status).toBe('completed');
    expect(await h.ledger.getIdentity?.(PEOPLE.sam)).toBeUndefined();
    expect(await h.ledger.getIdentity?.(secondAccount)).toBeUndefined();
    // The Slack profile still says the old email: it matches no one now, rather than the cached user.
    expect(await h.identities.resolve(secondAccount)).toMatchObject({ ok: false, code: 'identity_unknown' });
    // The config's `people:` mapping to the old email is named on the card, to be fixed.
    const step = (view!.request.details as unknown as AdminRequestDetails).steps[0]!;
    expect(step.detail).toContain('U0000SAM01');
    expect(step.detail).toContain('sam.d@example.com');
  });

  it('is safe to repeat: values already as wanted count as done, with no second UpdateUser', async () => {
    h = await startAccessHarness();
    const submitted = await h.admin.submitUserUpdate(PEOPLE.ada, form(h, SAM, { familyName: 'Devlin' }));
    if (!submitted.ok) throw new Error(submitted.message);
    // Someone made the same change in the console meanwhile (or a run before a crash did).
    const user = h.emulator.state.userByName(SAM)!;
    (user.attributes.Name as Record<string, string>).FamilyName = 'Devlin';
    await h.service.approve(submitted.value.request.id, PEOPLE.lena);
    await h.drain();
    const view = await h.service.view(submitted.value.request.id);
    expect(view?.request.status).toBe('completed');
    const step = (view!.request.details as unknown as AdminRequestDetails).steps[0]!;
    expect(step).toMatchObject({ status: 'done', detail: 'Already so in Identity Center.' });
    expect(updateCalls(h)).toEqual([]);
  });

  it('fails with AWS’s words when the email became another user’s after it was asked for, and changes nothing', async () => {
    h = await startAccessHarness();
    const submitted = await h.admin.submitUserUpdate(
      PEOPLE.ada,
      form(h, SAM, { displayName: 'Sam D.', email: 'sam.d@example.com' }),
    );
    if (!submitted.ok) throw new Error(submitted.message);
    const other = await h.aws.directory.createUser({
      email: 'sam.d@example.com',
      givenName: 'Sam',
      familyName: 'Doe',
    });
    expect(other.ok).toBe(true);
    await h.service.approve(submitted.value.request.id, PEOPLE.lena);
    await h.drain();

    const view = await h.service.view(submitted.value.request.id);
    expect(view?.request.status).toBe('failed');
    const step = (view!.request.details as unknown as AdminRequestDetails).steps[0]!;
    expect(step.status).toBe('failed');
    expect(step.detail).toMatch(/ConflictException/);
    expect(step.detail).toMatch(/already used by another user/);
    expect(attributesOf(h, SAM)?.DisplayName).toBe('Sam Developer');
  });
});
