import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { checkSeed } from '../../src/emulator/seed.js';
import { createAwsAdapter, type AwsAdapter } from '../../src/aws/index.js';
import { silentLogger } from '../../src/log.js';
import { testCredentials } from '../support/aws-clients.js';

const everything = {
  accessKeys: [
    { status: 'Active', lastUsedDaysAgo: 3, service: 's3', region: 'eu-west-1' },
    { status: 'Inactive' },
  ],
  loginProfile: true,
  groups: ['developers', 'deployers'],
  attachedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::aws:policy/AmazonS3FullAccess'],
  inlinePolicies: ['deploy-artifacts'],
  mfa: 'virtual',
  signingCertificates: 1,
  sshPublicKeys: 2,
  serviceCredentials: ['codecommit.amazonaws.com'],
};

const seed = checkSeed({
  legacyIamUsers: [
    { userName: 'kim.leaver@example.com', ...everything },
    { userName: 'pat.partial@example.com', ...everything, mfa: 'hardware' },
    { userName: 'bare.user' },
  ],
});

let emu: RunningEmulator;
let aws: AwsAdapter;

beforeAll(async () => {
  emu = await startEmulator({ seed, rateLimits: true });
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

describe('legacy IAM users', () => {
  it('describes everything attached to a legacy IAM user, with when each key was last used', async () => {
    const outcome = await aws.legacyIam.describe('kim.leaver@example.com');
    expect(outcome.ok).toBe(true);
    if (!outcome.ok || outcome.value === undefined) throw new Error('expected the user');
    const user = outcome.value;
    expect(user.userName).toBe('kim.leaver@example.com');
    expect(user.arn).toMatch(/^arn:aws:iam::\d{12}:user\/kim\.leaver@example\.com$/);
    expect(user.accessKeys).toHaveLength(2);
    const used = user.accessKeys.find((k) => k.status === 'Active');
    expect(used?.lastUsed).toMatchObject({ service: 's3', region: 'eu-west-1' });
    expect(user.accessKeys.find((k) => k.status === 'Inactive')?.lastUsed).toBeUndefined();
    expect(user.loginProfile).toBeDefined();
    expect(user.groups.sort()).toEqual(['deployers', 'developers']);
    expect(user.attachedPolicies.map((p) => p.name).sort()).toEqual(['AmazonS3FullAccess', 'ReadOnlyAccess']);
    expect(user.inlinePolicies).toEqual(['deploy-artifacts']);
    expect(user.mfaDevices).toEqual([expect.objectContaining({ virtual: true })]);
    expect(user.signingCertificates).toHaveLength(1);
    expect(user.sshPublicKeys).toHaveLength(2);
    expect(user.serviceCredentials).toEqual([
      expect.objectContaining({ serviceName: 'codecommit.amazonaws.com' }),
    ]);
  });

  it('answers undefined for a name that has no IAM user', async () => {
    expect(await aws.legacyIam.describe('never.existed')).toEqual({ ok: true, value: undefined });
  });

  it('deletes a user with keys, login profile, MFA and policies completely, in the order IAM requires', async () => {
    const serial = emu.state.iamUsers.get('kim.leaver@example.com')!.mfaDevices[0]!.SerialNumber;
    const outcome = await aws.legacyIam.deleteCompletely('kim.leaver@example.com');
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.value.existed).toBe(true);
    const actions = outcome.value.steps.map((s) => s.action);
    expect(actions).toEqual([
      'delete_access_key',
      'delete_access_key',
      'delete_login_profile',
      'remove_from_group',
      'remove_from_group',
      'detach_policy',
      'detach_policy',
      'delete_inline_policy',
      'deactivate_mfa_device',
      'delete_virtual_mfa_device',
      'delete_signing_certificate',
      'delete_ssh_public_key',
      'delete_ssh_public_key',
      'delete_service_credential',
      'delete_user',
    ]);
    expect(emu.state.iamUsers.has('kim.leaver@example.com')).toBe(false);
    expect(emu.state.virtualMfaDevices.has(serial)).toBe(false);
  });

  it('is safe to run again once the user is gone', async () => {
    expect(await aws.legacyIam.deleteCompletely('kim.leaver@example.com')).toEqual({
      ok: true,
      value: { existed: false, steps: [] },
    });
  });

  it('resumes where it stopped when a step failed part way', async () => {
    emu.faults.errors.push({
      service: 'iam',
      operation: 'DetachUserPolicy',
      error: 'accessDenied',
      remaining: 1,
    });
    const stopped = await aws.legacyIam.deleteCompletely('pat.partial@example.com');
    expect(stopped.ok).toBe(false);
    if (stopped.ok) return;
    expect(stopped.error.code).toBe('access_denied');
    expect(stopped.error.message).toMatch(/stopped at detach policy/);
    expect(emu.state.iamUsers.get('pat.partial@example.com')?.accessKeys).toEqual([]);

    const resumed = await aws.legacyIam.deleteCompletely('pat.partial@example.com');
    expect(resumed.ok).toBe(true);
    if (!resumed.ok) return;
    const actions = resumed.value.steps.map((s) => s.action);
    expect(actions).not.toContain('delete_access_key');
    expect(actions[0]).toBe('detach_policy');
    // A hardware device is deactivated, never deleted.
    expect(actions).toContain('deactivate_mfa_device');
    expect(actions).not.toContain('delete_virtual_mfa_device');
    expect(actions.at(-1)).toBe('delete_user');
    expect(emu.state.iamUsers.has('pat.partial@example.com')).toBe(false);
  });

  it('deletes a user that has nothing attached with a single step', async () => {
    const outcome = await aws.legacyIam.deleteCompletely('bare.user');
    expect(outcome.ok && outcome.value.steps).toEqual([{ action: 'delete_user', target: 'bare.user' }]);
  });
});
