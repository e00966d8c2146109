import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CreateUserCommand,
  DescribeUserCommand,
  type IdentitystoreClient,
  ListUsersCommand,
  UpdateUserCommand,
  ValidationException,
} from '@aws-sdk/client-identitystore';
import { parseSeed, SeedError } from '../../src/emulator/seed.js';
import { deserializeState, serializeState } from '../../src/emulator/persist.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { sdkClients, testCredentials } from '../support/aws-clients.js';

const SEED = parseSeed(`
instance: { identityStoreId: d-90670c0ffe }
groups: [{ name: ReadOnly }]
users:
  - { userName: ana@example.com, givenName: Ana, familyName: Active, email: ana@example.com, groups: [ReadOnly] }
  - { userName: dan@example.com, givenName: Dan, familyName: Disabled, email: dan@example.com, status: DISABLED }
`);
const STORE = 'd-90670c0ffe';

let emu: RunningEmulator;
let store: IdentitystoreClient;

beforeAll(async () => {
  emu = await startEmulator({ credentials: [testCredentials], seed: SEED, rateLimits: false });
  store = sdkClients(emu.url).identitystore;
});

afterAll(async () => {
  store.destroy();
  await emu.close();
});

beforeEach(() => emu.reset());

const idOf = (userName: string): string => emu.state.userByName(userName)!.UserId;

async function control(method: string, path: string, body?: unknown, contentType = 'application/json') {
  const res = await fetch(`${emu.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': contentType },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("the identity store's UserStatus", () => {
  it('answers each user ENABLED, or DISABLED where the seed says so, in DescribeUser and ListUsers', async () => {
    const ana = await store.send(
      new DescribeUserCommand({ IdentityStoreId: STORE, UserId: idOf('ana@example.com') }),
    );
    const dan = await store.send(
      new DescribeUserCommand({ IdentityStoreId: STORE, UserId: idOf('dan@example.com') }),
    );
    expect(ana.UserStatus).toBe('ENABLED');
    expect(dan.UserStatus).toBe('DISABLED');
    const listed = await store.send(new ListUsersCommand({ IdentityStoreId: STORE }));
    expect(Object.fromEntries(listed.Users!.map((u) => [u.UserName, u.UserStatus]))).toEqual({
      'ana@example.com': 'ENABLED',
      'dan@example.com': 'DISABLED',
    });
  });

  it('makes a new user ENABLED and refuses an UpdateUser of userStatus, which no API sets', async () => {
    const created = await store.send(
      new CreateUserCommand({
        IdentityStoreId: STORE,
        UserName: 'new@example.com',
        DisplayName: 'New Person',
        Name: { GivenName: 'New', FamilyName: 'Person' },
      }),
    );
    const described = await store.send(
      new DescribeUserCommand({ IdentityStoreId: STORE, UserId: created.UserId! }),
    );
    expect(described.UserStatus).toBe('ENABLED');
    const refused = await store
      .send(
        new UpdateUserCommand({
          IdentityStoreId: STORE,
          UserId: created.UserId!,
          Operations: [{ AttributePath: 'userStatus', AttributeValue: 'DISABLED' }],
        }),
      )
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ValidationException);
    expect(emu.state.users.get(created.UserId!)?.UserStatus).toBeUndefined();
  });

  it('is switched by a test through PATCH /_emulator/users/<userName>, and shown in /_emulator/state', async () => {
    const disabled = await control('PATCH', '/_emulator/users/ana%40example.com', { status: 'DISABLED' });
    expect(disabled).toEqual({
      status: 200,
      body: { UserId: idOf('ana@example.com'), UserName: 'ana@example.com', UserStatus: 'DISABLED' },
    });
    const ana = await store.send(
      new DescribeUserCommand({ IdentityStoreId: STORE, UserId: idOf('ana@example.com') }),
    );
    expect(ana.UserStatus).toBe('DISABLED');

    const enabled = await control('PATCH', '/_emulator/users/dan@example.com', { status: 'ENABLED' });
    expect(enabled.body.UserStatus).toBe('ENABLED');
    const state = await control('GET', '/_emulator/state');
    const users = state.body.users as { UserName: string; UserStatus: string }[];
    expect(users.map((u) => [u.UserName, u.UserStatus])).toEqual([
      ['ana@example.com', 'DISABLED'],
      ['dan@example.com', 'ENABLED'],
    ]);
  });

  it('refuses a status switch for nobody, to a status AWS has not, or not sent as JSON, changing nothing', async () => {
    expect(await control('PATCH', '/_emulator/users/nobody@example.com', { status: 'DISABLED' })).toEqual({
      status: 404,
      body: { message: 'No user is named nobody@example.com.' },
    });
    const odd = await control('PATCH', '/_emulator/users/ana@example.com', { status: 'SUSPENDED' });
    expect(odd.status).toBe(400);
    expect(odd.body.message).toMatch(/^status: .*send \{"status": "DISABLED"\} or "ENABLED"/);
    const extra = await control('PATCH', '/_emulator/users/ana@example.com', {
      status: 'DISABLED',
      why: 'x',
    });
    expect(extra.status).toBe(400);
    const notJson = await control(
      'PATCH',
      '/_emulator/users/ana@example.com',
      'status=DISABLED',
      'text/plain',
    );
    expect(notJson.status).toBe(415);
    const broken = await control(
      'PATCH',
      '/_emulator/users/ana@example.com',
      '{"status":',
      'application/json',
    );
    expect(broken).toEqual({ status: 400, body: { message: 'The body must be a JSON object.' } });
    expect(emu.state.userByName('ana@example.com')?.UserStatus).toBeUndefined();
  });

  it('survives a save and a restore of the organisation', () => {
    emu.state.userByName('ana@example.com')!.UserStatus = 'DISABLED';
    const restored = deserializeState(serializeState(emu.state));
    expect(restored.userByName('ana@example.com')?.UserStatus).toBe('DISABLED');
    expect(restored.userByName('dan@example.com')?.UserStatus).toBe('DISABLED');
  });

  it('is refused in a seed when it is not ENABLED or DISABLED, naming the key', () => {
    const seed = 'users: [{ userName: a@example.com, givenName: A, familyName: B, status: SUSPENDED }]';
    expect(() => parseSeed(seed, 'org.yml')).toThrow(SeedError);
    expect(() => parseSeed(seed, 'org.yml')).toThrow(/org\.yml: users\[0\]\.status: /);
  });
});
