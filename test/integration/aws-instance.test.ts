/**
 * The instance as start-up describes it: ListInstances through the real SDK against the emulator, with the
 * account that owns the instance, and every way of not knowing it returned as an outcome, never thrown.
 */
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { IAMClient } from '@aws-sdk/client-iam';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAwsAdapter, type AwsAdapter, type AwsAdapterSettings } from '../../src/aws/index.js';
import type { AwsClients } from '../../src/aws/clients.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { silentLogger } from '../../src/log.js';
import { testCredentials } from '../support/aws-clients.js';

const INSTANCE = 'arn:aws:sso:::instance/ssoins-6804c2b7a1e93f50';
const STORE = 'd-9067c0ffee';

let emu: RunningEmulator;
const adapters: AwsAdapter[] = [];

function adapter(extra: Partial<AwsAdapterSettings> = {}, clients?: AwsClients): AwsAdapter {
  const created = createAwsAdapter(
    {
      region: 'eu-west-1',
      endpoint: emu.url,
      credentials: testCredentials,
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
      ...extra,
    },
    silentLogger,
    clients,
  );
  adapters.push(created);
  return created;
}

const listInstancesCalls = (since: number) =>
  emu.calls.slice(since).filter((c) => c.operation === 'ListInstances');

beforeAll(async () => {
  emu = await startEmulator({ credentials: [testCredentials], seed: true, rateLimits: false });
});

afterAll(async () => {
  for (const a of adapters) a.close();
  await emu.close();
});

afterEach(() => {
  emu.faults.errors.length = 0;
});

describe('describeInstance', () => {
  it('gives the configured instance with the account that owns it and its name', async () => {
    const described = await adapter({ instanceArn: INSTANCE, identityStoreId: STORE }).describeInstance();
    expect(described).toEqual({
      ok: true,
      value: {
        instanceArn: INSTANCE,
        identityStoreId: STORE,
        ownerAccountId: '999999999999',
        name: 'Example Ltd',
      },
    });
  });

  it('asks AWS every time, even when the instance is configured', async () => {
    const a = adapter({ instanceArn: INSTANCE, identityStoreId: STORE });
    const before = emu.calls.length;
    await a.describeInstance();
    await a.describeInstance();
    expect(listInstancesCalls(before)).toHaveLength(2);
  });

  it('says the configured instance is not visible, naming the ones that are', async () => {
    const other = 'arn:aws:sso:::instance/ssoins-1111111111111111';
    const described = await adapter({
      instanceArn: other,
      identityStoreId: 'd-1111111111',
    }).describeInstance();
    expect(described.ok).toBe(false);
    if (described.ok) return;
    expect(described.error.code).toBe('not_found');
    expect(described.error.message).toContain(INSTANCE);
    expect(described.error.resource).toBe(other);
  });

  it('does not retry a server error: start-up says "unknown" rather than wait', async () => {
    emu.faults.errors.push({
      service: 'sso-admin',
      operation: 'ListInstances',
      error: 'internal',
      remaining: 1,
    });
    const before = emu.calls.length;
    const described = await adapter({ instanceArn: INSTANCE, identityStoreId: STORE }).describeInstance();
    expect(described.ok).toBe(false);
    expect(listInstancesCalls(before)).toHaveLength(1);
  });

  it('returns "could not reach AWS" when nothing listens at the endpoint', async () => {
    const gone = await startEmulator({ credentials: [testCredentials], seed: false, rateLimits: false });
    const url = gone.url;
    await gone.close();
    const described = await adapter({ endpoint: url, instanceArn: INSTANCE }).describeInstance();
    expect(described.ok).toBe(false);
    if (described.ok) return;
    expect(described.error.message).toMatch(/Could not reach AWS for ListInstances \(ECONNREFUSED\)/);
  });

  it('returns missing credentials as an outcome naming what to set, not as a thrown error', async () => {
    const noCredentials = () =>
      Promise.reject(
        Object.assign(new Error('Could not load credentials from any providers'), {
          name: 'CredentialsProviderError',
        }),
      );
    const common = { region: 'eu-west-1', endpoint: emu.url, maxAttempts: 1, credentials: noCredentials };
    const clients: AwsClients = {
      identitystore: new IdentitystoreClient(common),
      ssoAdmin: new SSOAdminClient(common),
      ses: new SESv2Client(common),
      iam: new IAMClient(common),
      cloudTrail: new CloudTrailClient(common),
    };
    const a = adapter({ instanceArn: INSTANCE, identityStoreId: STORE }, clients);
    const described = await a.describeInstance();
    expect(described.ok).toBe(false);
    if (described.ok) return;
    expect(described.error.message).toMatch(/^No AWS credentials for ListInstances/);
    const reachable = await a.reachable();
    expect(reachable.ok).toBe(false);
  });
});

describe('reachable (for /readyz)', () => {
  it('takes no token from the work’s limiter, even while the work’s budget is spent', async () => {
    // A work budget of one call a minute, already spent: a readiness probe that queued behind it would hang.
    const a = adapter({
      instanceArn: INSTANCE,
      identityStoreId: STORE,
      rateLimits: { ssoAdminPerSecond: 1 / 60 },
    });
    await a.describeInstance();
    const spent = a.limiter.stats().calls;
    const before = emu.calls.length;
    expect((await a.reachable()).ok).toBe(true);
    expect(listInstancesCalls(before)).toHaveLength(1);
    expect(a.limiter.stats()).toMatchObject({ calls: spent, delayedCalls: 0 });
  });

  it('counts a throttled answer as reachable, and tries nothing again: AWS answered, it is only busy', async () => {
    emu.faults.errors.push({ service: 'sso-admin', operation: 'ListInstances', error: 'throttling' });
    const before = emu.calls.length;
    expect((await adapter({ instanceArn: INSTANCE, identityStoreId: STORE }).reachable()).ok).toBe(true);
    expect(listInstancesCalls(before)).toHaveLength(1);
  });

  it('says AWS refused when it refuses, once, without trying again', async () => {
    emu.faults.errors.push({ service: 'sso-admin', operation: 'ListInstances', error: 'accessDenied' });
    const before = emu.calls.length;
    const reachable = await adapter({ instanceArn: INSTANCE, identityStoreId: STORE }).reachable();
    expect(reachable.ok).toBe(false);
    if (!reachable.ok) expect(reachable.error.code).toBe('access_denied');
    expect(listInstancesCalls(before)).toHaveLength(1);
  });
});
