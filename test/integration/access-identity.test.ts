import { afterEach, describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../../src/domain/duration.js';
import { assignmentKey } from '../../src/emulator/state.js';
import { PEOPLE, startAccessHarness, type AccessHarness } from '../support/access-harness.js';
import { FakeSlackPeople } from '../support/recording-notifier.js';

let h: AccessHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const request = (slackId: string) => ({
  requesterSlackId: slackId,
  permissionSet: 'SeniorDeveloper',
  accounts: ['dev'],
});

describe('who a Slack user is in Identity Center', () => {
  it('matches a person not in the config by the email on their Slack profile', async () => {
    h = await startAccessHarness({
      people: new FakeSlackPeople({ U0000ELENA: 'elena.petrova@example.com' }),
    });
    // Elena already holds SeniorDeveloper in the seed; she asks for Developer.
    const outcome = await h.service.submitAccessRequest({
      ...request('U0000ELENA'),
      permissionSet: 'Developer',
    });
    expect(outcome.ok && outcome.value.request.requesterEmail).toBe('elena.petrova@example.com');
    const user = h.emulator.state.userByName('elena.petrova@example.com');
    expect(outcome.ok && outcome.value.request.requesterUserId).toBe(user?.UserId);
  });

  it('refuses a profile email outside the trusted domains, saying what would work', async () => {
    h = await startAccessHarness({
      people: new FakeSlackPeople({ U0000GUEST: 'guest@contractor.example.org' }),
    });
    const outcome = await h.service.submitAccessRequest(request('U0000GUEST'));
    expect(outcome).toMatchObject({ ok: false, code: 'untrusted_domain' });
    expect(!outcome.ok && outcome.message).toMatch(/example\.com.*`people`/s);
  });

  it('refuses someone with no email on their profile, and someone unknown to Identity Center', async () => {
    h = await startAccessHarness({ people: new FakeSlackPeople({ U0000NEW01: 'new.starter@example.com' }) });
    expect(await h.service.submitAccessRequest(request('U0000NOMAIL'))).toMatchObject({
      ok: false,
      code: 'identity_unknown',
    });
    const unknown = await h.service.submitAccessRequest(request('U0000NEW01'));
    expect(unknown).toMatchObject({ ok: false, code: 'identity_unknown' });
    expect(!unknown.ok && unknown.message).toMatch(/new\.starter@example\.com/);
    expect(await h.ledger.findRequests({})).toEqual([]);
  });
});

describe('assignments access-desk did not make', () => {
  it('leaves in place, when the grant ends, an assignment someone else made before it was provisioned', async () => {
    h = await startAccessHarness();
    const submitted = await h.service.submitAccessRequest({
      ...request(PEOPLE.sam),
      duration: { kind: 'for', ms: HOUR },
    });
    if (!submitted.ok) throw new Error(submitted.message);
    await h.service.approve(submitted.value.request.id, PEOPLE.lena);
    // Between approval and provisioning, an admin assigns the same access by hand in the console.
    const { state } = h.emulator;
    const target = {
      AccountId: '111111111111',
      PermissionSetArn: state.permissionSetByName('SeniorDeveloper')!.PermissionSetArn,
      PrincipalType: 'USER' as const,
      PrincipalId: state.userByName('sam.dev@example.com')!.UserId,
    };
    state.putAssignment(target);
    await h.drain();
    const grant = (await h.service.view(submitted.value.request.id))!.grants[0]!;
    expect(grant).toMatchObject({ status: 'active', createdAssignment: false });
    expect(h.emulator.calls.filter((c) => c.operation === 'CreateAccountAssignment')).toHaveLength(0);

    h.clock.advance(HOUR + MINUTE);
    await h.scheduler.tick();
    state.settle();
    expect(state.assignments.has(assignmentKey(target))).toBe(true);
    expect((await h.ledger.getGrant(grant.id))?.status).toBe('ended');
  });
});
