import { afterEach, describe, expect, it } from 'vitest';
import {
  DescribeUserCommand,
  ListGroupsCommand,
  ListUsersCommand,
  ResourceNotFoundException,
  ValidationException,
} from '@aws-sdk/client-identitystore';
import {
  DescribePermissionSetCommand,
  ListInstancesCommand,
  ListPermissionSetsCommand,
  ThrottlingException,
  AccessDeniedException,
  InternalServerException,
} from '@aws-sdk/client-sso-admin';
import { GetUserCommand } from '@aws-sdk/client-iam';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { alterBeforeSigning, sdkClients, testCredentials } from '../support/aws-clients.js';

const STORE = 'd-9067c0ffee';
const INSTANCE = 'arn:aws:sso:::instance/ssoins-6804c2b7a1e93f50';

let emu: RunningEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function rejection(p: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await p;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}

describe('the local Identity Center over the real SDK', () => {
  it('serves the example organisation by default, at one endpoint for every service', async () => {
    emu = await startEmulator({ credentials: [testCredentials], rateLimits: false });
    const c = sdkClients(emu.url);
    const instances = await c.ssoAdmin.send(new ListInstancesCommand({}));
    expect(instances.Instances).toEqual([
      expect.objectContaining({
        InstanceArn: INSTANCE,
        IdentityStoreId: STORE,
        OwnerAccountId: '999999999999',
        Name: 'Example Ltd',
        Status: 'ACTIVE',
      }),
    ]);
    const groups = await c.identitystore.send(new ListGroupsCommand({ IdentityStoreId: STORE }));
    expect(groups.Groups?.map((g) => g.DisplayName).sort()).toEqual([
      'AdministratorAccess',
      'Billing',
      'ReadOnly',
    ]);
    const legacy = await c.iam.send(new GetUserCommand({ UserName: 'kim.leaver@example.com' }));
    expect(legacy.User?.Arn).toBe('arn:aws:iam::999999999999:user/kim.leaver@example.com');
    expect(emu.state.users.size).toBeGreaterThanOrEqual(20);
  });

  it('answers a request that breaks the contract with ValidationException naming each member', async () => {
    emu = await startEmulator({ credentials: [testCredentials], rateLimits: false });
    const c = sdkClients(emu.url);
    const error = await rejection(
      c.ssoAdmin.send(
        new DescribePermissionSetCommand({
          InstanceArn: 'arn:aws:sso:::instance/nope',
          PermissionSetArn: 'x',
        }),
      ),
    );
    expect(error.name).toBe('ValidationException');
    expect(error.message).toMatch(
      /at 'instanceArn' failed to satisfy constraint: Member must satisfy regular expression pattern/,
    );
    expect(error.message).toMatch(
      /at 'permissionSetArn' failed to satisfy constraint: Member must have length greater than or equal to 10/,
    );
  });

  it('refuses a missing required member and a MaxResults out of range', async () => {
    emu = await startEmulator({ credentials: [testCredentials], rateLimits: false });
    const c = sdkClients(emu.url);
    const missing = await rejection(
      c.identitystore.send(new DescribeUserCommand({ IdentityStoreId: STORE } as never)),
    );
    expect(missing).toBeInstanceOf(ValidationException);
    expect(missing.message).toBe(
      "1 validation error detected: Value null at 'userId' failed to satisfy constraint: Member must not be null",
    );
    const range = await rejection(
      c.identitystore.send(new ListUsersCommand({ IdentityStoreId: STORE, MaxResults: 101 })),
    );
    expect(range.message).toMatch(
      /Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100/,
    );
  });

  it('refuses an identity store id that is not shaped like AWS ids, before looking anything up', async () => {
    emu = await startEmulator({ credentials: [testCredentials], rateLimits: false });
    const c = sdkClients(emu.url);
    const error = await rejection(c.identitystore.send(new ListUsersCommand({ IdentityStoreId: 'store-1' })));
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.message).toMatch(/at 'identityStoreId'/);
  });

  it('throttles sso-admin beyond 20 requests a second across all its APIs', async () => {
    const now = 1_700_000_000_000;
    emu = await startEmulator({ credentials: [testCredentials], clock: { now: () => now } });
    const c = sdkClients(emu.url);
    const calls = Array.from({ length: 30 }, (_v, i) =>
      i % 2 === 0
        ? c.ssoAdmin.send(new ListInstancesCommand({}))
        : c.ssoAdmin.send(new ListPermissionSetsCommand({ InstanceArn: INSTANCE })),
    );
    const results = await Promise.allSettled(calls);
    const throttled = results.filter((r) => r.status === 'rejected');
    expect(results.length - throttled.length).toBe(20);
    for (const r of throttled) expect(r.reason).toBeInstanceOf(ThrottlingException);
  });

  it('gives each identitystore API its own 20 requests a second', async () => {
    const now = 1_700_000_000_000;
    emu = await startEmulator({ credentials: [testCredentials], clock: { now: () => now } });
    const c = sdkClients(emu.url);
    const list = await Promise.allSettled(
      Array.from({ length: 21 }, () =>
        c.identitystore.send(new ListUsersCommand({ IdentityStoreId: STORE })),
      ),
    );
    const groups = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        c.identitystore.send(new ListGroupsCommand({ IdentityStoreId: STORE })),
      ),
    );
    expect(list.filter((r) => r.status === 'rejected')).toHaveLength(1);
    expect(groups.every((r) => r.status === 'fulfilled')).toBe(true);
  });

  it('refills the budget as time passes', async () => {
    let now = 1_700_000_000_000;
    emu = await startEmulator({ credentials: [testCredentials], clock: { now: () => now } });
    const c = sdkClients(emu.url);
    await Promise.all(Array.from({ length: 20 }, () => c.ssoAdmin.send(new ListInstancesCommand({}))));
    await expect(c.ssoAdmin.send(new ListInstancesCommand({}))).rejects.toBeInstanceOf(ThrottlingException);
    now += 500; // half a second buys ten more
    const again = await Promise.allSettled(
      Array.from({ length: 11 }, () => c.ssoAdmin.send(new ListInstancesCommand({}))),
    );
    expect(again.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
  });

  it('lets tests turn the rate limits off', async () => {
    const now = 1_700_000_000_000;
    emu = await startEmulator({
      credentials: [testCredentials],
      rateLimits: false,
      clock: { now: () => now },
    });
    const c = sdkClients(emu.url);
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, () => c.ssoAdmin.send(new ListInstancesCommand({}))),
    );
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
  });
});

describe('fault injection', () => {
  it('injects throttling that the SDK retries until it wears off', async () => {
    emu = await startEmulator({ credentials: [testCredentials], rateLimits: false });
    emu.faults.errors.push({
      service: 'sso-admin',
      operation: 'ListInstances',
      error: 'throttling',
      remaining: 2,
    });
    const c = sdkClients(emu.url, { maxAttempts: 3 });
    const answer = await c.ssoAdmin.send(new ListInstancesCommand({}));
    expect(answer.$metadata.attempts).toBe(3);
    expect(
      emu.calls.filter((call) => call.operation === 'ListInstances').map((call) => call.errorCode),
    ).toEqual(['ThrottlingException', 'ThrottlingException', undefined]);
  });

  it('injects an HTTP 500 and an access denial as the service would send them', async () => {
    emu = await startEmulator({ credentials: [testCredentials], rateLimits: false });
    emu.faults.errors.push({ service: 'sso-admin', error: 'internal', remaining: 1 });
    emu.faults.errors.push({ operation: 'ListPermissionSets', error: 'accessDenied' });
    const c = sdkClients(emu.url);
    const internal = await rejection(c.ssoAdmin.send(new ListInstancesCommand({})));
    expect(internal).toBeInstanceOf(InternalServerException);
    expect((internal.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(500);
    const denied = await rejection(c.ssoAdmin.send(new ListPermissionSetsCommand({ InstanceArn: INSTANCE })));
    expect(denied).toBeInstanceOf(AccessDeniedException);
    // the internal error wore off after one call
    await expect(c.ssoAdmin.send(new ListInstancesCommand({}))).resolves.toBeDefined();
  });

  it('adds latency to one operation without slowing the others', async () => {
    emu = await startEmulator({
      credentials: [testCredentials],
      rateLimits: false,
      faults: { operationLatencyMs: { 'identitystore:ListUsers': 400 } },
    });
    const c = sdkClients(emu.url);
    const order: string[] = [];
    await Promise.all([
      c.identitystore.send(new ListUsersCommand({ IdentityStoreId: STORE })).then(() => order.push('slow')),
      c.identitystore.send(new ListGroupsCommand({ IdentityStoreId: STORE })).then(() => order.push('fast')),
    ]);
    expect(order).toEqual(['fast', 'slow']);
  });

  it('switches faults through the control endpoint and refuses a malformed switch', async () => {
    emu = await startEmulator({ credentials: [testCredentials], rateLimits: false });
    const patched = await fetch(`${emu.url}/_emulator/faults`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accessDeniedAccounts: ['999999999999'], latencyMs: 5 }),
    });
    expect(patched.status).toBe(200);
    expect(emu.faults.accessDeniedAccounts).toEqual(['999999999999']);
    expect(emu.faults.latencyMs).toBe(5);
    const bad = await fetch(`${emu.url}/_emulator/faults`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ errors: [{ error: 'explode' }] }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/errors\.0\.error/);
    expect(emu.faults.errors).toEqual([]);
  });
});

describe('the control endpoint', () => {
  it('shows the organisation by name, records every call, and resets to the seed', async () => {
    emu = await startEmulator({ credentials: [testCredentials], rateLimits: false });
    const c = sdkClients(emu.url);
    await rejection(
      c.identitystore.send(
        new DescribeUserCommand({
          IdentityStoreId: STORE,
          UserId: '9067c0ffee-00000000-0000-0000-0000-000000000000',
        }),
      ),
    );
    const calls = (await (await fetch(`${emu.url}/_emulator/calls`)).json()) as {
      operation: string;
      errorCode?: string;
    }[];
    expect(calls.at(-1)).toMatchObject({ operation: 'DescribeUser', errorCode: 'ResourceNotFoundException' });

    const state = (await (await fetch(`${emu.url}/_emulator/state`)).json()) as {
      users: { UserName: string; groups: string[] }[];
      assignments: { account: string; permissionSet: string; principal: string }[];
    };
    expect(state.users.find((u) => u.UserName === 'ada.admin@example.com')?.groups).toContain(
      'AdministratorAccess',
    );
    expect(state.assignments).toContainEqual(
      expect.objectContaining({
        account: 'prod',
        permissionSet: 'ProductionSupport',
        principal: 'omar.oncall@example.com',
      }),
    );

    emu.state.users.clear();
    const reset = await fetch(`${emu.url}/_emulator/reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    expect(reset.status).toBe(200);
    expect(emu.state.users.size).toBeGreaterThanOrEqual(20);
  });

  it('refuses a posted seed that names an unknown group, and keeps the organisation as it was', async () => {
    emu = await startEmulator({ credentials: [testCredentials], rateLimits: false });
    const before = emu.state.users.size;
    const answer = await fetch(`${emu.url}/_emulator/reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/yaml' },
      body: 'users:\n  - { userName: a@example.com, givenName: A, familyName: B, groups: [Admins] }\n',
    });
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { message: string }).message).toBe(
      'posted seed: users[0].groups[0]: unknown group "Admins" (known: )',
    );
    expect(emu.state.users.size).toBe(before);
  });

  it('answers an unknown control route with the ones that exist', async () => {
    emu = await startEmulator({ credentials: [testCredentials], rateLimits: false, seed: false });
    const answer = await fetch(`${emu.url}/_emulator/nope`);
    expect(answer.status).toBe(404);
    expect(((await answer.json()) as { message: string }).message).toMatch(/GET \/_emulator\/state/);
  });
});

describe('a client that sends what the SDK would not', () => {
  it('gets SerializationException for a body that is not JSON, and UnknownOperation for an unknown target', async () => {
    emu = await startEmulator({ credentials: [testCredentials], rateLimits: false, seed: false });
    const notJson = sdkClients(emu.url).identitystore;
    alterBeforeSigning(notJson, (request) => {
      request.body = '{nope';
    });
    const serialization = await rejection(notJson.send(new ListUsersCommand({ IdentityStoreId: STORE })));
    expect(serialization.name).toBe('SerializationException');
    expect((serialization.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(400);

    const stealing = sdkClients(emu.url).identitystore;
    alterBeforeSigning(stealing, (request) => {
      request.headers['x-amz-target'] = 'AWSIdentityStore.StealEverything';
    });
    const unknown = await rejection(stealing.send(new ListUsersCommand({ IdentityStoreId: STORE })));
    expect(unknown.name).toBe('UnknownOperationException');
    expect(emu.calls.map((c) => c.operation)).toEqual(['StealEverything']);
  });

  it('is found by a client using a store id that does not exist', async () => {
    emu = await startEmulator({ credentials: [testCredentials], rateLimits: false });
    const client = sdkClients(emu.url).identitystore;
    const error = await rejection(client.send(new ListUsersCommand({ IdentityStoreId: 'd-0000000000' })));
    expect(error).toBeInstanceOf(ResourceNotFoundException);
  });
});
