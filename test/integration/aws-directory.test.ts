import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { checkSeed } from '../../src/emulator/seed.js';
import { createAwsAdapter, type AwsAdapter } from '../../src/aws/index.js';
import { silentLogger } from '../../src/log.js';
import { testCredentials } from '../support/aws-clients.js';

const PEOPLE = 230; // more than two ListUsers pages of 100

const seed = checkSeed({
  groups: [{ name: 'ReadOnly', description: 'Everyone who may look around' }, { name: 'Billing' }],
  users: Array.from({ length: PEOPLE }, (_v, i) => ({
    userName: `person${i}@example.com`,
    givenName: 'Person',
    familyName: `Number${i}`,
    email: `person${i}@example.com`,
    groups: i < 3 ? ['ReadOnly'] : [],
  })),
});

let emu: RunningEmulator;
let aws: AwsAdapter;

beforeAll(async () => {
  emu = await startEmulator({
    credentials: [testCredentials],
    seed,
    rateLimits: true,
    faults: { provisioningDelayMs: 300 },
  });
  aws = createAwsAdapter(
    { region: 'eu-west-1', endpoint: emu.url, credentials: testCredentials },
    silentLogger,
  );
});

afterAll(async () => {
  aws.close();
  await emu.close();
});

afterEach(() => {
  emu.faults.errors.length = 0;
});

function value<T>(outcome: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!outcome.ok) throw new Error(`expected success, got: ${outcome.error.message}`);
  return outcome.value;
}

describe('users', () => {
  it('creates a user, and creating the same user again answers user_exists', async () => {
    const input = { email: 'new.starter@example.com', givenName: 'New', familyName: 'Starter' };
    const created = value(await aws.directory.createUser(input));
    expect(created).toMatchObject({
      userName: 'new.starter@example.com',
      displayName: 'New Starter',
      email: 'new.starter@example.com',
    });
    expect(emu.state.users.get(created.id)?.UserName).toBe('new.starter@example.com');

    const again = await aws.directory.createUser(input);
    expect(again.ok).toBe(false);
    if (!again.ok) {
      expect(again.error.code).toBe('user_exists');
      expect(again.error.message).toContain('new.starter@example.com');
    }
  });

  it('finds a user by user name and by email, with GetUserId and never a ListUsers scan', async () => {
    const before = emu.calls.length;
    const byName = value(await aws.directory.findUserByUserName('person7@example.com'));
    const byEmail = value(await aws.directory.findUserByEmail('person7@example.com'));
    expect(byName).toMatchObject({
      userName: 'person7@example.com',
      givenName: 'Person',
      familyName: 'Number7',
    });
    expect(byEmail?.id).toBe(byName?.id);
    const operations = emu.calls.slice(before).map((c) => c.operation);
    expect(operations).not.toContain('ListUsers');
    expect(operations.filter((o) => o === 'GetUserId')).toHaveLength(2);
  });

  it('answers undefined for a person who is not in the directory', async () => {
    expect(value(await aws.directory.findUserByEmail('nobody@example.com'))).toBeUndefined();
    expect(value(await aws.directory.findUserByUserName('nobody@example.com'))).toBeUndefined();
  });

  it('describes a user by id, and a missing id is not_found', async () => {
    const found = value(await aws.directory.findUserByEmail('person8@example.com'));
    expect(value(await aws.directory.describeUser(found!.id)).userName).toBe('person8@example.com');
    const missing = await aws.directory.describeUser('9067c0ffee-00000000-0000-0000-0000-000000000000');
    expect(missing.ok ? 'ok' : missing.error.code).toBe('not_found');
  });

  it('deletes a user, and deleting one already gone is fine', async () => {
    const user = value(
      await aws.directory.createUser({
        email: 'short.stay@example.com',
        givenName: 'Short',
        familyName: 'Stay',
      }),
    );
    expect(value(await aws.directory.deleteUser(user.id))).toEqual({ deleted: true });
    expect(value(await aws.directory.deleteUser(user.id))).toEqual({ deleted: false });
    expect(emu.state.users.has(user.id)).toBe(false);
  });

  it('lists every user, reading every page', async () => {
    const before = emu.calls.length;
    const users = value(await aws.directory.listUsers());
    expect(users.length).toBeGreaterThanOrEqual(PEOPLE);
    expect(new Set(users.map((u) => u.id)).size).toBe(users.length);
    expect(emu.calls.slice(before).filter((c) => c.operation === 'ListUsers').length).toBeGreaterThanOrEqual(
      3,
    );
  });

  it('names the field AWS rejects', async () => {
    const tooLong = `${'x'.repeat(130)}@example.com`;
    const outcome = await aws.directory.createUser({ email: tooLong, givenName: 'Too', familyName: 'Long' });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.error.code).toBe('invalid_input');
      expect(outcome.error.field).toBe('userName');
    }
  });
});

describe('groups and memberships', () => {
  it('finds a group by name and lists groups with their descriptions', async () => {
    const group = value(await aws.directory.findGroupByName('ReadOnly'));
    expect(group).toMatchObject({ name: 'ReadOnly', description: 'Everyone who may look around' });
    expect(value(await aws.directory.findGroupByName('NoSuchGroup'))).toBeUndefined();
    const names = value(await aws.directory.listGroups()).map((g) => g.name);
    expect(names.sort()).toEqual(['Billing', 'ReadOnly']);
  });

  it('adds a membership twice without error, the second time giving the existing membership', async () => {
    const group = value(await aws.directory.findGroupByName('Billing'));
    const user = value(await aws.directory.findUserByEmail('person20@example.com'));
    const first = value(await aws.directory.addMembership(group!.id, user!.id));
    const second = value(await aws.directory.addMembership(group!.id, user!.id));
    expect(first.created).toBe(true);
    expect(second).toEqual({ membershipId: first.membershipId, created: false });

    const ofUser = value(await aws.directory.listMembershipsOfUser(user!.id));
    expect(ofUser).toEqual([{ membershipId: first.membershipId, groupId: group!.id, userId: user!.id }]);
  });

  it('removes a membership, and removing it again is fine', async () => {
    const group = value(await aws.directory.findGroupByName('Billing'));
    const user = value(await aws.directory.findUserByEmail('person21@example.com'));
    value(await aws.directory.addMembership(group!.id, user!.id));
    expect(value(await aws.directory.removeMembership(group!.id, user!.id))).toEqual({ removed: true });
    expect(value(await aws.directory.removeMembership(group!.id, user!.id))).toEqual({ removed: false });
    expect(value(await aws.directory.listMembershipsOfUser(user!.id))).toEqual([]);
  });

  it('lists the members of a group', async () => {
    const group = value(await aws.directory.findGroupByName('ReadOnly'));
    const members = value(await aws.directory.listMembersOfGroup(group!.id));
    expect(members).toHaveLength(3);
  });
});

describe('rate limits and throttling', () => {
  it('finishes 200 concurrent lookups by email under AWS rate limits without an error reaching the caller', async () => {
    const before = emu.calls.length;
    const started = Date.now();
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_v, i) => aws.directory.findUserByEmail(`person${i}@example.com`)),
    );
    const seconds = (Date.now() - started) / 1000;
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    expect(outcomes.map((o) => (o.ok ? o.value?.userName : undefined))).toEqual(
      Array.from({ length: 200 }, (_v, i) => `person${i}@example.com`),
    );
    const calls = emu.calls.slice(before);
    expect(calls.filter((c) => c.operation === 'GetUserId')).toHaveLength(200);
    // The client limiter kept every API within 20/s, so AWS never had to throttle.
    expect(calls.filter((c) => c.errorCode === 'ThrottlingException')).toEqual([]);
    // 200 calls of one API at 20/s cannot take much less than 10 s.
    expect(seconds).toBeGreaterThan(9);
  }, 60_000);

  it('retries throttling that AWS still answers, and the caller sees only the answer', async () => {
    emu.faults.errors.push({
      service: 'identitystore',
      operation: 'GetUserId',
      error: 'throttling',
      remaining: 2,
    });
    const before = emu.calls.length;
    const found = value(await aws.directory.findUserByEmail('person1@example.com'));
    expect(found?.userName).toBe('person1@example.com');
    const getUserId = emu.calls.slice(before).filter((c) => c.operation === 'GetUserId');
    expect(getUserId.map((c) => c.errorCode ?? 'ok')).toEqual([
      'ThrottlingException',
      'ThrottlingException',
      'ok',
    ]);
  });

  it('answers throttled once retries are used up', async () => {
    emu.faults.errors.push({ service: 'identitystore', operation: 'GetUserId', error: 'throttling' });
    const quick = createAwsAdapter(
      {
        region: 'eu-west-1',
        endpoint: emu.url,
        credentials: testCredentials,
        maxAttempts: 3,
        retry: { baseDelayMs: 10, maxDelayMs: 40 },
      },
      silentLogger,
    );
    const before = emu.calls.length;
    const outcome = await quick.directory.findUserByEmail('person1@example.com');
    quick.close();
    expect(emu.calls.slice(before).filter((c) => c.operation === 'GetUserId')).toHaveLength(3);
    expect(outcome.ok ? 'ok' : outcome.error.code).toBe('throttled');
  });

  it('retries a server error on a lookup, which is safe to repeat', async () => {
    emu.faults.errors.push({
      service: 'identitystore',
      operation: 'DescribeUser',
      error: 'internal',
      remaining: 1,
    });
    const found = value(await aws.directory.findUserByEmail('person2@example.com'));
    expect(found?.userName).toBe('person2@example.com');
  });
});
