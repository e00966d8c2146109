import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { createAwsAdapter, type AwsAdapter, type AwsAdapterSettings } from '../../src/aws/index.js';
import type { LimiterClock } from '../../src/aws/limiter.js';
import { silentLogger } from '../../src/log.js';
import { testCredentials } from '../support/aws-clients.js';

// The example organisation: 9 permission sets.
const DEVELOPER = 'arn:aws:sso:::permissionSet/ssoins-6804c2b7a1e93f50/ps-1a2b3c4d5e6f0002';

let emu: RunningEmulator;
const adapters: AwsAdapter[] = [];

function adapter(extra: Partial<AwsAdapterSettings> = {}): AwsAdapter {
  const created = createAwsAdapter(
    { region: 'eu-west-1', endpoint: emu.url, credentials: testCredentials, ...extra },
    silentLogger,
  );
  adapters.push(created);
  return created;
}

/** Real sleeps (the limiter paces real calls) on a clock that can be moved forward to age the cache. */
function movableClock(): LimiterClock & { skip(ms: number): void } {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    skip: (ms) => {
      offset += ms;
    },
  };
}

const ssoAdminCalls = (since: number) => emu.calls.slice(since).filter((c) => c.service === 'sso-admin');

beforeAll(async () => {
  emu = await startEmulator({
    credentials: [testCredentials],
    seed: true,
    rateLimits: true,
    faults: { provisioningDelayMs: 300 },
  });
});

afterAll(async () => {
  for (const a of adapters) a.close();
  await emu.close();
});

afterEach(() => {
  emu.faults.errors.length = 0;
});

describe('catalog', () => {
  it('finds the Identity Center instance with ListInstances when it is not configured', async () => {
    const instance = await adapter().catalog.instance();
    expect(instance).toEqual({
      ok: true,
      value: {
        instanceArn: emu.state.instance.InstanceArn,
        identityStoreId: emu.state.instance.IdentityStoreId,
      },
    });
  });

  it('uses a configured instance without asking AWS', async () => {
    const before = emu.calls.length;
    const configured = adapter({
      instanceArn: 'arn:aws:sso:::instance/ssoins-1111111111111111',
      identityStoreId: 'd-1111111111',
    });
    const instance = await configured.catalog.instance();
    expect(instance.ok && instance.value.identityStoreId).toBe('d-1111111111');
    expect(emu.calls.slice(before)).toEqual([]);
  });

  it('resolves permission-set names to ARNs and back, with description and session hours', async () => {
    const { catalog } = adapter();
    const byName = await catalog.permissionSetByName('Developer');
    expect(byName).toEqual({
      ok: true,
      value: {
        arn: DEVELOPER,
        name: 'Developer',
        description: 'Developers, build and deploy',
        sessionDuration: 'PT8H',
        sessionHours: 8,
      },
    });
    const byArn = await catalog.permissionSetByArn(DEVELOPER);
    expect(byArn.ok && byArn.value.name).toBe('Developer');
    const all = await catalog.permissionSets();
    expect(all.ok && all.value.map((p) => p.name)).toHaveLength(9);
  });

  it('answers not_found for an unknown name, listing the names that exist', async () => {
    const outcome = await adapter().catalog.permissionSetByName('SuperUser');
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.code).toBe('not_found');
    expect(outcome.error.message).toContain('SuperUser');
    expect(outcome.error.message).toContain('AdministratorAccess');
    expect(outcome.error.message).toContain('ReadOnlyAccess');
  });

  it('serves repeated lookups from its cache, and reads AWS again on refresh', async () => {
    const { catalog } = adapter();
    await catalog.permissionSets();
    const before = emu.calls.length;
    await catalog.permissionSetByName('Developer');
    await catalog.permissionSetByArn(DEVELOPER);
    expect(ssoAdminCalls(before)).toEqual([]);

    const arn = 'arn:aws:sso:::permissionSet/ssoins-6804c2b7a1e93f50/ps-1a2b3c4d5e6f00aa';
    emu.state.permissionSets.set(arn, {
      PermissionSetArn: arn,
      Name: 'PlatformOps',
      Description: 'Platform operations',
      SessionDuration: 'PT2H',
      CreatedDate: new Date(),
    });
    try {
      const refreshed = await catalog.refresh();
      expect(refreshed.ok && refreshed.value.map((p) => p.name)).toContain('PlatformOps');
      expect(ssoAdminCalls(before).map((c) => c.operation)).toContain('ListPermissionSets');
      const found = await catalog.permissionSetByName('PlatformOps');
      expect(found.ok && found.value.sessionHours).toBe(2);
    } finally {
      emu.state.permissionSets.delete(arn);
    }
  });

  it('reads AWS again when its cache has expired', async () => {
    const clock = movableClock();
    const { catalog } = adapter({ clock, catalog: { ttlMs: 60_000 } });
    await catalog.permissionSets();
    const before = emu.calls.length;
    clock.skip(61_000);
    await catalog.permissionSets();
    expect(ssoAdminCalls(before).map((c) => c.operation)).toContain('ListPermissionSets');
  });

  it('reads all permission sets with one shared read when asked many times at once', async () => {
    const { catalog } = adapter();
    const before = emu.calls.length;
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => catalog.permissionSets()));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(ssoAdminCalls(before).filter((c) => c.operation === 'ListPermissionSets')).toHaveLength(1);
  });
});
