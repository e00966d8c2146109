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
    // Out of reach when the cleanup is scoped to /legacy/: a break-glass user, and a service user.
    { userName: 'break.glass', path: '/breakglass/', ...everything },
    { userName: 'ci-deployer', path: '/service/legacy/', accessKeys: [{ status: 'Active' }] },
    { userName: 'old.timer@example.com', path: '/legacy/', ...everything },
  ],
});

const DELETIONS = /^(Delete|Remove|Deactivate|Detach)/;

let emu: RunningEmulator;
let aws: AwsAdapter;
/** The same AWS, with legacy IAM cleanup scoped to users under /legacy/. */
let scoped: AwsAdapter;

beforeAll(async () => {
  emu = await startEmulator({ credentials: [testCredentials], seed, rateLimits: true });
  aws = createAwsAdapter(
    { region: 'eu-west-1', endpoint: emu.url, credentials: testCredentials },
    silentLogger,
  );
  scoped = createAwsAdapter(
    { region: 'eu-west-1', endpoint: emu.url, credentials: testCredentials, legacyIamPath: '/legacy/' },
    silentLogger,
  );
});

afterAll(async () => {
  aws.close();
  scoped.close();
  await emu.close();
});

afterEach(() => {
  emu.faults.errors.length = 0;
});

describe('legacy IAM users outside legacyIam.path', () => {
  it('are refused a cleanup, naming both paths, and IAM is sent no deletion at all', async () => {
    const before = emu.calls.length;
    const outcome = await scoped.legacyIam.deleteCompletely('break.glass');
    expect(outcome).toEqual({
      ok: false,
      error: {
        code: 'access_denied',
        resource: 'break.glass',
        message:
          'IAM user break.glass is under the path /breakglass/, outside legacyIam.path /legacy/: access-desk does not delete IAM users there, so that break-glass and service users stay out of its reach. Delete it by hand if it must go, or move it under /legacy/ first.',
      },
    });
    const sent = emu.calls.slice(before).map((c) => c.operation);
    expect(sent).toContain('GetUser');
    expect(sent.filter((op) => DELETIONS.test(op))).toEqual([]);
    const user = emu.state.iamUsers.get('break.glass');
    expect(user?.accessKeys).toHaveLength(2);
    expect(user?.mfaDevices).toHaveLength(1);
  });

  it('are refused when the path only starts like the allowed one', async () => {
    // /service/legacy/ is not under /legacy/: a path is matched from its start, whole segments at a time.
    const outcome = await scoped.legacyIam.deleteCompletely('ci-deployer');
    expect(outcome.ok).toBe(false);
    expect(emu.state.iamUsers.has('ci-deployer')).toBe(true);
  });

  it('are described with the reason access-desk will not clean them up, and their path', async () => {
    const described = await scoped.legacyIam.describe('break.glass');
    if (!described.ok || described.value === undefined) throw new Error('expected the user');
    expect(described.value).toMatchObject({ userName: 'break.glass', path: '/breakglass/' });
    expect(described.value.cleanupRefused).toContain('outside legacyIam.path /legacy/');
    const inReach = await scoped.legacyIam.describe('old.timer@example.com');
    expect(inReach.ok && inReach.value).toMatchObject({ path: '/legacy/' });
    expect(inReach.ok && inReach.value && 'cleanupRefused' in inReach.value).toBe(false);
  });

  it('do not stop a user under the path from being deleted completely', async () => {
    const outcome = await scoped.legacyIam.deleteCompletely('old.timer@example.com');
    expect(outcome.ok && outcome.value.steps.at(-1)).toEqual({
      action: 'delete_user',
      target: 'old.timer@example.com',
    });
    expect(emu.state.iamUsers.has('old.timer@example.com')).toBe(false);
  });
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
