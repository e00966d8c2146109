/**
 * Sessions in the emulated accounts (the control endpoint's /_emulator/sessions): a session opened with a
 * permission set stays allowed until it expires, unless a Deny in the inline policy PROVISIONED to its account
 * matches it, which is how access-desk ends sessions already open when access ends.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CreatePermissionSetCommand,
  ProvisionPermissionSetCommand,
  PutInlinePolicyToPermissionSetCommand,
  type SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { defaultFaults } from '../../src/emulator/faults.js';
import { ids } from '../../src/emulator/ids.js';
import { deserializeState, serializeState } from '../../src/emulator/persist.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import type { SessionView } from '../../src/emulator/sessions.js';
import type { EmulatorState } from '../../src/emulator/state.js';
import { sdkClients, testCredentials } from '../support/aws-clients.js';

const DEV = '111111111111';
const PROD = '222222222222';
const PROVISIONING_MS = 50;
const HOUR = 3_600_000;

let now = Date.UTC(2030, 0, 1, 9, 0, 0);
const clock = { now: () => now };
const iso = (ms: number): string => new Date(ms).toISOString();

let emu: RunningEmulator;
let sso: SSOAdminClient;
let developer: string;
let alice: string;
let bob: string;

beforeAll(async () => {
  emu = await startEmulator({
    credentials: [testCredentials],
    seed: false,
    rateLimits: false,
    clock,
    faults: { provisioningDelayMs: PROVISIONING_MS },
  });
  sso = sdkClients(emu.url).ssoAdmin;
});

afterAll(async () => {
  sso.destroy();
  await emu.close();
});

function addUser(state: EmulatorState, userName: string): string {
  const UserId = ids.directoryObjectId(state.instance.IdentityStoreId);
  state.users.set(UserId, { UserId, UserName: userName, attributes: {} });
  state.userIdsByName.set(userName.toLowerCase(), UserId);
  return UserId;
}

/** Alice holds Developer on dev and prod directly; Bob holds it on dev through the developers group. */
beforeEach(async () => {
  emu.reset();
  Object.assign(emu.faults, defaultFaults(), { provisioningDelayMs: PROVISIONING_MS });
  const { state } = emu;
  state.accounts.set(DEV, { id: DEV, alias: 'dev', management: false });
  state.accounts.set(PROD, { id: PROD, alias: 'prod', management: false });
  const out = await sso.send(
    new CreatePermissionSetCommand({
      InstanceArn: state.instance.InstanceArn,
      Name: 'Developer',
      SessionDuration: 'PT4H',
    }),
  );
  developer = out.PermissionSet!.PermissionSetArn!;
  alice = addUser(state, 'alice@example.com');
  bob = addUser(state, 'bob@example.com');
  const GroupId = ids.directoryObjectId(state.instance.IdentityStoreId);
  state.groups.set(GroupId, { GroupId, DisplayName: 'developers' });
  state.memberships.set('m-bob', { MembershipId: 'm-bob', GroupId, UserId: bob });
  const assign = (AccountId: string, PrincipalType: 'USER' | 'GROUP', PrincipalId: string): void => {
    state.putAssignment({ AccountId, PermissionSetArn: developer, PrincipalType, PrincipalId });
    state.markProvisioned(developer, AccountId);
  };
  assign(DEV, 'USER', alice);
  assign(PROD, 'USER', alice);
  assign(DEV, 'GROUP', GroupId);
});

/** What the control endpoint answers: a session, a list of them, the state, or a refusal's message. */
interface ControlAnswer {
  status: number;
  body: { message?: string; sessions?: unknown; inlinePolicies?: unknown };
}

async function control(method: string, path: string, body?: unknown): Promise<ControlAnswer> {
  const response = await fetch(`${emu.url}/_emulator/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as ControlAnswer['body'] };
}

async function open(request: Record<string, unknown>): Promise<SessionView> {
  const answer = await control('POST', 'sessions', request);
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body as SessionView;
}

async function session(id: string): Promise<SessionView> {
  const answer = await control('GET', `sessions/${id}`);
  expect(answer.status).toBe(200);
  return answer.body as SessionView;
}

async function putPolicy(policy: unknown): Promise<void> {
  await sso.send(
    new PutInlinePolicyToPermissionSetCommand({
      InstanceArn: emu.state.instance.InstanceArn,
      PermissionSetArn: developer,
      InlinePolicy: JSON.stringify(policy),
    }),
  );
}

/** Provisions the set to every account it is in and waits until that completes. */
async function provisionEverywhere(): Promise<void> {
  await sso.send(
    new ProvisionPermissionSetCommand({
      InstanceArn: emu.state.instance.InstanceArn,
      PermissionSetArn: developer,
      TargetType: 'ALL_PROVISIONED_ACCOUNTS',
    }),
  );
  now += PROVISIONING_MS;
}

/** access-desk's statement: end this person's sessions in this account issued before `before`. */
const endSessions = (userId: string, accountId: string, before: number) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AccessDeskEndedSessions1',
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: {
        StringEquals: { 'identitystore:userId': userId, 'aws:PrincipalAccount': accountId },
        DateLessThan: { 'aws:TokenIssueTime': iso(before) },
      },
    },
  ],
});

describe('opening a session', () => {
  it('answers the session, open, for someone who holds the set on the account', async () => {
    const opened = await open({ userId: alice, permissionSetArn: developer, accountId: DEV });
    expect(opened).toEqual({
      sessionId: expect.any(String) as string,
      userId: alice,
      userName: 'alice@example.com',
      accountId: DEV,
      account: 'dev',
      permissionSetArn: developer,
      permissionSet: 'Developer',
      issuedAt: iso(now),
      expiresAt: iso(now + 4 * HOUR),
      allowed: true,
      reason: 'open',
    });
    expect(await session(opened.sessionId)).toEqual(opened);
  });

  it('takes a user name, a permission set name and an account alias, and an issue time in the past', async () => {
    const opened = await open({
      userName: 'bob@example.com',
      permissionSetName: 'Developer',
      account: 'dev',
      issuedAt: iso(now - HOUR),
    });
    expect(opened).toMatchObject({ userId: bob, accountId: DEV, issuedAt: iso(now - HOUR), allowed: true });
  });

  // By name: the table is read before beforeEach makes the ids.
  const BOB = { userName: 'bob@example.com', permissionSetName: 'Developer' };
  it.each([
    [
      { ...BOB, account: 'prod' },
      /bob@example.com holds no assignment of Developer on prod \(222222222222\)/,
    ],
    [{ ...BOB, userName: 'nobody@example.com', accountId: DEV }, /No user is named nobody@example.com/],
    [
      { userId: 'not-a-user', permissionSetName: 'Developer', accountId: DEV },
      /No user has UserId not-a-user/,
    ],
    [{ ...BOB, permissionSetName: 'Admin', accountId: DEV }, /No permission set is named Admin/],
    [{ ...BOB, accountId: 'staging' }, /No account staging in the organisation/],
    [{ ...BOB, accountId: DEV, issuedAt: 'yesterday' }, /issuedAt must be an ISO 8601 time/],
    [{ ...BOB, accountId: DEV, issuedAt: '2031-01-01T00:00:00Z' }, /is in the future/],
    [{ permissionSetName: 'Developer', accountId: DEV }, /userId or userName/],
    [{ ...BOB, accountId: DEV, role: 'admin' }, /Unrecognized key/],
  ])('refuses %j with 400 saying why', async (request, message) => {
    const answer = await control('POST', 'sessions', request);
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(message);
    expect((await control('GET', 'sessions')).body).toEqual([]);
  });

  it('answers 404 for a session it never opened', async () => {
    expect((await control('GET', 'sessions/no-such-session')).status).toBe(404);
  });
});

describe('a session while access-desk ends access', () => {
  it('is denied by a provisioned Deny for that person, that account and tokens issued before the moment, and by nothing else', async () => {
    const aliceDevBefore = await open({ userId: alice, permissionSetArn: developer, accountId: DEV });
    const aliceProdBefore = await open({ userId: alice, permissionSetArn: developer, accountId: PROD });
    const bobDevBefore = await open({ userId: bob, permissionSetArn: developer, accountId: DEV });
    now += 60_000;
    const endedAt = now;
    now += 1000;
    const aliceDevAfter = await open({ userId: alice, permissionSetArn: developer, accountId: DEV });

    await putPolicy(endSessions(alice, DEV, endedAt));
    // Changed, not yet provisioned: the roles in the accounts still carry no Deny.
    expect((await session(aliceDevBefore.sessionId)).allowed).toBe(true);

    await provisionEverywhere();
    const provisionedAt = now;
    expect(await session(aliceDevBefore.sessionId)).toMatchObject({
      allowed: false,
      reason: 'denied',
      deniedBy: 'AccessDeskEndedSessions1',
      deniedSince: iso(provisionedAt),
    });
    expect(await session(aliceProdBefore.sessionId)).toMatchObject({ allowed: true, reason: 'open' });
    expect(await session(aliceDevAfter.sessionId)).toMatchObject({ allowed: true, reason: 'open' });
    expect(await session(bobDevBefore.sessionId)).toMatchObject({ allowed: true, reason: 'open' });
  });

  it('matches keys whatever their case, StringLike wildcards, a list of values as alternatives and …IfExists on a key the context lacks', async () => {
    const opened = await open({ userId: alice, permissionSetArn: developer, accountId: DEV });
    await putPolicy({
      Statement: [
        { Sid: 'AllowAll', Effect: 'Allow', Action: '*', Resource: '*' },
        {
          Effect: 'Deny',
          Action: ['*'],
          Resource: '*',
          Condition: {
            StringLike: { 'AWS:UserId': ['*:carol@*', '*:alice@*'] },
            StringEqualsIgnoreCase: { 'aws:principalaccount': DEV },
            DateGreaterThanIfExists: { 'aws:MultiFactorAuthAge': '3600' },
          },
        },
      ],
    });
    await provisionEverywhere();
    expect(await session(opened.sessionId)).toMatchObject({ allowed: false, deniedBy: '(no Sid)' });
  });

  it('is not denied by a statement naming particular actions, or by a condition on a key the context lacks', async () => {
    const opened = await open({ userId: alice, permissionSetArn: developer, accountId: DEV });
    await putPolicy({
      Statement: [
        { Sid: 'NoS3', Effect: 'Deny', Action: 's3:*', Resource: '*' },
        {
          Sid: 'NoMfa',
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
        },
      ],
    });
    await provisionEverywhere();
    expect(await session(opened.sessionId)).toMatchObject({ allowed: true, reason: 'open' });
  });

  it('ends on its own once the permission set’s session duration has passed', async () => {
    const opened = await open({ userId: alice, permissionSetArn: developer, accountId: DEV });
    now += 4 * HOUR - 1;
    expect((await session(opened.sessionId)).allowed).toBe(true);
    now += 1;
    expect(await session(opened.sessionId)).toMatchObject({ allowed: false, reason: 'expired' });
  });
});

describe('the sessions the emulator knows', () => {
  it('are listed each as it stands now, shown in the state with the inline policies, and forgotten on DELETE and on reset', async () => {
    const before = await open({ userId: alice, permissionSetArn: developer, accountId: DEV });
    now += 1000;
    await putPolicy(endSessions(alice, DEV, now));
    await provisionEverywhere();

    const listed = (await control('GET', 'sessions')).body as SessionView[];
    expect(listed.map((s) => [s.sessionId, s.reason])).toEqual([[before.sessionId, 'denied']]);

    const state = (await control('GET', 'state')).body;
    expect(state.sessions).toEqual(listed);
    expect(state.inlinePolicies).toEqual([
      {
        permissionSetArn: developer,
        permissionSet: 'Developer',
        inlinePolicy: JSON.stringify(endSessions(alice, DEV, now - PROVISIONING_MS)),
        accounts: [DEV, PROD].map((accountId) => ({
          accountId,
          account: accountId === DEV ? 'dev' : 'prod',
          inlinePolicy: JSON.stringify(endSessions(alice, DEV, now - PROVISIONING_MS)),
          provisionedAt: iso(now),
          latest: true,
        })),
      },
    ]);

    expect((await control('DELETE', 'sessions')).status).toBe(200);
    expect((await control('GET', 'sessions')).body).toEqual([]);
    await open({ userId: alice, permissionSetArn: developer, accountId: DEV });
    emu.reset();
    expect((await control('GET', 'sessions')).body).toEqual([]);
  });

  it('survive a save and restore, with the inline policies, what each account carries and the provisioning requests', async () => {
    const opened = await open({ userId: alice, permissionSetArn: developer, accountId: DEV });
    now += 1000;
    await putPolicy(endSessions(alice, DEV, now));
    await provisionEverywhere();
    await putPolicy(endSessions(bob, DEV, now));

    const restored = deserializeState(serializeState(emu.state), clock);
    expect(restored.inlinePolicyOf(developer)).toBe(emu.state.inlinePolicyOf(developer));
    expect(restored.provisionedPolicy(developer, DEV)).toEqual(emu.state.provisionedPolicy(developer, DEV));
    expect(restored.hasLatestProvisioned(developer, DEV)).toBe(false);
    expect([...restored.permissionSetProvisionings.keys()]).toEqual([
      ...emu.state.permissionSetProvisionings.keys(),
    ]);
    emu.restore(restored);
    expect(await session(opened.sessionId)).toMatchObject({ allowed: false, reason: 'denied' });
  });
});
