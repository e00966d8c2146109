/**
 * Who has gone quiet, against the local Identity Center and its CloudTrail: the audit's inactive users from the
 * seeded sign-ins (within CloudTrail's 2 LookupEvents a second: not one throttled answer), users' status in whois
 * and the listing, a disabled user never matched for a request, and applications shown by whois and removed by
 * offboarding.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AdminRequestDetails } from '../../src/access/admin-api.js';
import { addApplication, assignApplication } from '../../src/emulator/applications.js';
import { exampleSeed } from '../../src/emulator/seed.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { usersMessage } from '../../src/slack/blocks/users-message.js';
import { whoisMessage } from '../../src/slack/blocks/whois-message.js';
import { callsOf } from '../support/admin-emulator.js';
import {
  EXAMPLE_CONFIG_PATH,
  exampleConfig,
  PEOPLE,
  startAccessHarness,
  type AccessHarness,
  type HarnessOptions,
} from '../support/access-harness.js';
import { testCredentials } from '../support/aws-clients.js';
import { csvObjects } from '../support/csv-parse.js';

const KIM = 'kim.leaver@example.com';
const IVY = 'ivy.nguyen@example.com';
const GRAFANA = 'arn:aws:sso::999999999999:application/ssoins-6804c2b7a1e93f50/apl-1a2b3c4d5e6f0a01';
const IVY_SLACK = 'U0000IVY01';
/** Seeded (src/emulator/seeds/example-org.yml): no sign-in in 90 days, or never (Jonas only failed one). */
const QUIET = ['felix.wagner@example.com', 'hiro.tanaka@example.com', IVY, 'jonas.berg@example.com'];

const groupId = (harness: AccessHarness, name: string): string =>
  [...harness.emulator.state.groups.values()].find((g) => g.DisplayName === name)!.GroupId;

let h: AccessHarness | undefined;
let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await h?.close();
  await emulator?.close();
  h = undefined;
  emulator = undefined;
});

/**
 * The example organisation with AWS's rate limits on (CloudTrail's 2 a second among them), and Sam signing in
 * often enough that the sign-in history takes three LookupEvents pages.
 */
async function organisation(options: Omit<HarnessOptions, 'emulator'> = {}) {
  const seed = exampleSeed();
  for (let i = 0; i < 110; i += 1)
    seed.signIns.push({ user: 'sam.dev@example.com', daysAgo: (i % 80) + 0.5, failed: false });
  emulator = await startEmulator({
    credentials: [testCredentials],
    seed,
    faults: { provisioningDelayMs: 20 },
  });
  h = await startAccessHarness({ ...options, emulator });
  return { aws: emulator, harness: h };
}

async function audited(harness: AccessHarness) {
  const started = await harness.audit.startAudit(PEOPLE.ada, 'C0000OPS01');
  if (!started.ok) throw new Error(started.message);
  await harness.drain();
  const done = harness.notifier.auditStatuses.at(-1)?.status;
  const report = harness.notifier.auditReports.find((r) => r.channel === `D${PEOPLE.ada}`);
  if (report === undefined) throw new Error('no report was posted');
  return { done, report, rows: csvObjects(report.file.content) };
}

describe('the audit of who has gone quiet', () => {
  it('flags the users with no sign-in for 90 days, from CloudTrail, never throttled', async () => {
    const { aws, harness } = await organisation();
    aws.calls.length = 0;
    const { done, report, rows } = await audited(harness);

    // None of them signed in within CloudTrail's 90 days (Felix 200 days ago, Hiro 120, Ivy 150, Jonas never).
    const inactive = rows.filter((r) => r.record === 'inactive_user').map((r) => r.user_name);
    expect(inactive).toEqual(QUIET);
    const status = (name: string) => rows.find((r) => r.record !== 'inactive_user' && r.user_name === name);
    expect(status(IVY)).toMatchObject({ user_status: 'DISABLED', inactive: 'yes', last_sign_in_at: '' });
    expect(status('dara.oconnor@example.com')).toMatchObject({ user_status: 'ENABLED', inactive: 'no' });
    expect(status('dara.oconnor@example.com')?.last_sign_in_at).not.toBe('');
    expect(status('sam.dev@example.com')?.inactive).toBe('no');

    expect(report.comment).toContain('4 users with no sign-in for 90 days');
    expect(report.comment).toContain('1 user disabled in Identity Center');
    // The summary message offers an Offboard button per inactive user: whom each names.
    expect(done).toMatchObject({ state: 'done', inactiveNotShown: 0 });
    expect(done?.inactive?.map((u) => u.email).sort()).toEqual(QUIET);
    expect(done?.inactive?.find((u) => u.email === IVY)?.disabled).toBe(true);

    // The sign-ins took several pages, at CloudTrail's 2 a second: not one throttled answer.
    const lookups = aws.calls.filter((c) => c.service === 'cloudtrail');
    expect(lookups.length).toBeGreaterThanOrEqual(3);
    expect(lookups.every((c) => c.operation === 'LookupEvents')).toBe(true);
    expect(aws.calls.filter((c) => c.errorCode === 'ThrottlingException')).toEqual([]);
    expect(harness.aws.limiter.stats().throttled).toBe(0);
    expect(report.comment).toMatch(/in [3-9] pages, at least \d+\.\d s at 2 pages\/s/);
  });

  it('flags more people when audit.inactiveAfter is shorter', async () => {
    const config = exampleConfig((yaml) => yaml.replace('inactiveAfter: 90d', 'inactiveAfter: 30d'));
    const { harness } = await organisation({ config });
    const { rows, report } = await audited(harness);
    const inactive = rows.filter((r) => r.record === 'inactive_user').map((r) => r.user_name);
    // Frank last signed in 45 days ago and Dara 75: quiet for 30 days, not for 90.
    expect([...inactive].sort()).toEqual(
      [...QUIET, 'dara.oconnor@example.com', 'frank.finance@example.com'].sort(),
    );
    expect(report.comment).toContain('6 users with no sign-in for 30 days');
  });

  it('still reports everything else when CloudTrail refuses, saying that nobody was judged inactive', async () => {
    const { aws, harness } = await organisation();
    aws.faults.errors.push({ service: 'cloudtrail', operation: 'LookupEvents', error: 'accessDenied' });
    const { done, rows, report } = await audited(harness);
    expect(done?.state).toBe('done');
    expect(done?.inactive).toBeUndefined();
    expect(rows.filter((r) => r.record === 'inactive_user')).toEqual([]);
    expect(rows.some((r) => r.record === 'access')).toBe(true);
    expect(report.comment).toMatch(/Sign-ins: could not be read from CloudTrail \(AWS refused LookupEvents/);
    expect(rows.find((r) => r.user_name === IVY && r.record !== 'inactive_user')).toMatchObject({
      user_status: 'DISABLED',
      inactive: '',
    });
  });
});

describe('status and applications in whois and the user listing', () => {
  it('shows a disabled user as DISABLED in whois', async () => {
    h = await startAccessHarness();
    const report = await h.insight.whois(PEOPLE.ada, IVY);
    if (!report.ok) throw new Error(report.message);
    expect(report.value.user.status).toBe('DISABLED');
    const msg = whoisMessage(report.value);
    expect(JSON.stringify(msg.blocks)).toContain(':no_entry: *DISABLED*');
    expect(msg.text).toContain('[DISABLED]');
    const sam = await h.insight.whois(PEOPLE.ada, 'sam.dev@example.com');
    expect(sam.ok && sam.value.user.status).toBe('ENABLED');
  });

  it('shows the applications someone is assigned to, directly and through a group', async () => {
    h = await startAccessHarness();
    const report = await h.insight.whois(PEOPLE.sam, KIM);
    if (!report.ok) throw new Error(report.message);
    expect(report.value.applications).toEqual([
      { applicationArn: GRAFANA, application: 'Grafana' },
      {
        applicationArn: GRAFANA,
        application: 'Grafana',
        throughGroup: 'ReadOnly',
        throughGroupId: groupId(h, 'ReadOnly'),
      },
    ]);
    const text = JSON.stringify(whoisMessage(report.value).blocks);
    expect(text).toContain('*Applications (2)*');
    expect(text).toContain('• *Grafana*: direct');
    expect(text).toContain('• *Grafana*: through group *ReadOnly*');
    // Jay is in no group and holds no application.
    const jay = await h.insight.whois(PEOPLE.jay);
    expect(jay.ok && jay.value.applications).toEqual([]);
  });

  it('flags DISABLED users in the listing and names the applications of the people on the page', async () => {
    h = await startAccessHarness();
    const page = await h.insight.users(PEOPLE.ada, 1);
    if (!page.ok) throw new Error(page.message);
    const ivy = page.value.users.find((u) => u.user.userName === IVY);
    expect(ivy?.user.status).toBe('DISABLED');
    const kim = page.value.users.find((u) => u.user.userName === KIM);
    expect(kim?.applications?.map((a) => a.application)).toEqual(['Grafana', 'Grafana']);
    const lines = JSON.stringify(usersMessage(page.value).blocks);
    expect(lines).toContain(':no_entry: *DISABLED* · *Ivy Nguyen* · ivy.nguyen@example.com');
    expect(lines).toContain('apps: Grafana');
    // Each group's applications are read once for the page, however many of its members are on it.
    const readOnly = groupId(h, 'ReadOnly');
    const groupReads = h.emulator.calls.filter(
      (c) => c.operation === 'ListApplicationAssignmentsForPrincipal' && c.input.PrincipalId === readOnly,
    );
    expect(groupReads).toHaveLength(1);
  });
});

describe('a disabled Identity Center user', () => {
  const withIvy = () =>
    exampleConfig((yaml) =>
      yaml.replace('people:\n', `people:\n  ${IVY_SLACK}: ${IVY} # disabled in Identity Center\n`),
    );

  it('is never matched to their Slack account for a request, and is told why', async () => {
    h = await startAccessHarness({ config: withIvy() });
    const before = await h.ledger.findRequests({});
    const refused = await h.service.submitAccessRequest({
      requesterSlackId: IVY_SLACK,
      permissionSet: 'ReadOnlyAccess',
      accounts: ['dev'],
      reason: 'looking around',
    });
    expect(refused).toMatchObject({ ok: false, code: 'identity_disabled' });
    if (refused.ok) return;
    expect(refused.message).toMatch(/Identity Center user \(ivy\.nguyen@example\.com\) is disabled/);
    expect(await h.ledger.findRequests({})).toHaveLength(before.length);
    // Reading about themself is not a request: whois answers, saying they are disabled.
    const self = await h.insight.whois(IVY_SLACK);
    expect(self.ok && self.value.user.status).toBe('DISABLED');
  });

  it('is refused a second request once disabled, though the first was matched minutes ago', async () => {
    h = await startAccessHarness();
    const first = await h.service.submitAccessRequest({
      requesterSlackId: PEOPLE.sam,
      permissionSet: 'SeniorDeveloper',
      accounts: ['staging'],
      reason: 'release',
    });
    if (!first.ok) throw new Error(first.message);
    h.emulator.state.userByName('sam.dev@example.com')!.UserStatus = 'DISABLED';
    const second = await h.service.submitAccessRequest({
      requesterSlackId: PEOPLE.sam,
      permissionSet: 'SeniorDeveloper',
      accounts: ['dev'],
      reason: 'release',
    });
    expect(second).toMatchObject({ ok: false, code: 'identity_disabled' });
    expect(await h.ledger.findRequests({ statuses: ['pending'] })).toHaveLength(1);
  });

  it('cannot approve: a lead disabled since the request was made is refused at the click', async () => {
    h = await startAccessHarness();
    const submitted = await h.service.submitAccessRequest({
      requesterSlackId: PEOPLE.sam,
      permissionSet: 'SeniorDeveloper',
      accounts: ['dev'],
      reason: 'release',
    });
    if (!submitted.ok) throw new Error(submitted.message);
    h.emulator.state.userByName('lena.lead@example.com')!.UserStatus = 'DISABLED';
    const refused = await h.service.approve(submitted.value.request.id, PEOPLE.lena);
    expect(refused).toMatchObject({ ok: false, code: 'identity_disabled' });
    expect((await h.service.view(submitted.value.request.id))?.request.status).toBe('pending');
    // Another lead still can.
    expect((await h.service.approve(submitted.value.request.id, PEOPLE.leo)).ok).toBe(true);
  });

  it('can still be offboarded by an admin', async () => {
    h = await startAccessHarness();
    const preview = await h.admin.previewOffboarding(PEOPLE.ada, IVY);
    expect(preview.ok && preview.value.user.status).toBe('DISABLED');
  });
});

describe('offboarding and applications', () => {
  async function offboardKim(harness: AccessHarness): Promise<string> {
    const submitted = await harness.admin.submitOffboarding(PEOPLE.ada, {
      who: KIM,
      reason: 'contract ended',
      cleanupLegacyIam: false,
    });
    if (!submitted.ok) throw new Error(submitted.message);
    const approved = await harness.service.approve(submitted.value.request.id, PEOPLE.leo);
    if (!approved.ok) throw new Error(approved.message);
    return submitted.value.request.id;
  }

  const kimsApplications = (harness: AccessHarness, kimId: string) =>
    [...harness.emulator.state.applicationAssignments.values()].filter((a) => a.PrincipalId === kimId);

  it('previews the applications: those assigned directly are removed, those through a group go with it', async () => {
    h = await startAccessHarness();
    const preview = await h.admin.previewOffboarding(PEOPLE.ada, KIM);
    if (!preview.ok) throw new Error(preview.message);
    expect(preview.value.applications?.map((a) => [a.application, a.throughGroup ?? 'direct'])).toEqual([
      ['Grafana', 'direct'],
      ['Grafana', 'ReadOnly'],
    ]);
  });

  it('removes the applications assigned to the leaver before deleting the user, and says so on the audit channel', async () => {
    h = await startAccessHarness();
    const kimId = h.emulator.state.userByName(KIM)!.UserId;
    expect(kimsApplications(h, kimId)).toHaveLength(1);
    const id = await offboardKim(h);
    await h.drain();

    const view = (await h.service.view(id))!;
    expect(view.request.status).toBe('completed');
    const details = view.request.details as unknown as AdminRequestDetails;
    const step = details.steps.find((s) => s.kind === 'remove_application');
    expect(step).toMatchObject({
      id: `remove_application:${GRAFANA}`,
      label: 'Remove the application Grafana',
      status: 'done',
      applicationArn: GRAFANA,
    });
    const kinds = details.steps.map((s) => s.kind);
    expect(kinds.indexOf('remove_application')).toBeLessThan(kinds.indexOf('delete_user'));
    expect(details.snapshot?.applications).toEqual(['Grafana', 'Grafana (through group ReadOnly)']);
    expect(kimsApplications(h, kimId)).toEqual([]);
    const deleted = callsOf(h.emulator, 'DeleteApplicationAssignment');
    expect(deleted).toHaveLength(1);
    expect(deleted[0]?.input).toMatchObject({
      ApplicationArn: GRAFANA,
      PrincipalId: kimId,
      PrincipalType: 'USER',
    });
    // The group's own assignment is not the leaver's to remove: it stays for the others in ReadOnly.
    const readOnly = groupId(h, 'ReadOnly');
    expect(
      [...h.emulator.state.applicationAssignments.values()].some((a) => a.PrincipalId === readOnly),
    ).toBe(true);
    const audit = await h.ledger.listAudit({ requestId: id });
    expect(
      audit.some((e) => e.action === 'admin.step.done' && String(e.details.label).includes('Grafana')),
    ).toBe(true);
  });

  /** Runs `act` once, the first time the emulator answers `operation` (while the offboarding's steps run). */
  function when(harness: AccessHarness, operation: string, act: () => void): () => boolean {
    const calls = harness.emulator.calls;
    const record = calls.push.bind(calls);
    let done = false;
    calls.push = (...made) => {
      if (!done && made.some((c) => c.operation === operation)) {
        done = true;
        act();
      }
      return record(...made);
    };
    return () => done;
  }

  it('takes an application removed meanwhile as done (AWS: not found), and completes the offboarding', async () => {
    h = await startAccessHarness();
    const kimId = h.emulator.state.userByName(KIM)!.UserId;
    const id = await offboardKim(h);
    // Removed in the console while the steps run, before its own step: when the first assignment goes.
    const happened = when(h, 'DeleteAccountAssignment', () => {
      for (const [key, a] of h!.emulator.state.applicationAssignments)
        if (a.PrincipalId === kimId) h!.emulator.state.applicationAssignments.delete(key);
    });
    await h.drain();
    expect(happened()).toBe(true);
    const details = (await h.service.view(id))!.request.details as unknown as AdminRequestDetails;
    expect(details.steps.find((s) => s.kind === 'remove_application')).toMatchObject({
      status: 'done',
      detail: 'Already gone.',
    });
    expect(kimsApplications(h, kimId)).toEqual([]);
    expect((await h.service.view(id))?.request.status).toBe('completed');
  });

  it('removes an application assigned after the preview before the user goes', async () => {
    h = await startAccessHarness();
    const kimId = h.emulator.state.userByName(KIM)!.UserId;
    const id = await offboardKim(h);
    // Assigned by hand in the console once the application steps are done: when the first group is left.
    const happened = when(h, 'DeleteGroupMembership', () => {
      const wiki = addApplication(h!.emulator.state, { name: 'Wiki' }, new Date());
      assignApplication(h!.emulator.state, {
        ApplicationArn: wiki.ApplicationArn,
        PrincipalType: 'USER',
        PrincipalId: kimId,
      });
    });
    await h.drain();
    expect(happened()).toBe(true);
    const details = (await h.service.view(id))!.request.details as unknown as AdminRequestDetails;
    expect(details.steps.find((s) => s.kind === 'delete_user')?.detail).toContain('the application Wiki');
    expect(kimsApplications(h, kimId)).toEqual([]);
  });
});

describe('the application assignments adapter', () => {
  it('asks per application when AWS refuses the unfiltered listing (a delegated administrator account)', async () => {
    h = await startAccessHarness();
    const kimId = h.emulator.state.userByName(KIM)!.UserId;
    // A member account must name an application: AWS refuses the first, unfiltered, call.
    h.emulator.faults.errors.push({
      service: 'sso-admin',
      operation: 'ListApplicationAssignmentsForPrincipal',
      error: 'accessDenied',
      remaining: 1,
    });
    const listed = await h.aws.applications.listForPrincipal({ type: 'USER', id: kimId });
    expect(listed).toEqual({
      ok: true,
      value: [{ applicationArn: GRAFANA, principal: { type: 'USER', id: kimId } }],
    });
    const filtered = h.emulator.calls.filter(
      (c) => c.operation === 'ListApplicationAssignmentsForPrincipal' && c.errorCode === undefined,
    );
    expect(
      filtered.map((c) => (c.input.Filter as { ApplicationArn?: string } | undefined)?.ApplicationArn),
    ).toEqual([GRAFANA]);
  });

  it('takes removing an assignment that is already gone as done', async () => {
    h = await startAccessHarness();
    const kimId = h.emulator.state.userByName(KIM)!.UserId;
    const assignment = { applicationArn: GRAFANA, principal: { type: 'USER' as const, id: kimId } };
    expect(await h.aws.applications.delete(assignment)).toEqual({ ok: true, value: { removed: true } });
    expect(await h.aws.applications.delete(assignment)).toEqual({ ok: true, value: { removed: false } });
  });
});

describe('npm run audit and the inactive users', () => {
  const CLI = path.resolve(import.meta.dirname, '../../src/audit-cli.ts');

  function runAudit(args: string[], env: Record<string, string>) {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        LOG_LEVEL: 'silent',
        AWS_ACCESS_KEY_ID: testCredentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: testCredentials.secretAccessKey,
        AWS_REGION: 'eu-west-1',
        AWS_EC2_METADATA_DISABLED: 'true',
        ...env,
      },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    return new Promise<{ code: number | null; stdout: string }>((resolve) =>
      child.on('exit', (code) => resolve({ code, stdout })),
    );
  }

  it('prints the inactive users after the summary, and reads no sign-ins with --no-sign-ins', async () => {
    emulator = await startEmulator({ credentials: [testCredentials], rateLimits: false });
    const dir = mkdtempSync(path.join(tmpdir(), 'access-desk-inactive-'));
    const config = path.join(dir, 'access-desk.yml');
    writeFileSync(
      config,
      readFileSync(EXAMPLE_CONFIG_PATH, 'utf8').replace(
        /path: access-desk\.sqlite/,
        `path: ${dir}/none.sqlite`,
      ),
    );
    const env = { ACCESS_DESK_CONFIG: config, AWS_ENDPOINT_URL: emulator.url };

    const read = await runAudit(['--csv', path.join(dir, 'report.csv')], env);
    expect(read.code).toBe(0);
    expect(read.stdout).toContain('• 4 users with no sign-in for 90 days');
    expect(read.stdout).toContain(
      'Inactive users (the longest quiet first); offboard with /access offboard <email>:',
    );
    expect(read.stdout).toContain(`  ${IVY}: no sign-in in CloudTrail’s 90 days (DISABLED)`);
    const rows = csvObjects(readFileSync(path.join(dir, 'report.csv'), 'utf8'));
    expect(rows.filter((r) => r.record === 'inactive_user').map((r) => r.user_name)).toEqual(QUIET);

    const lookups = emulator.calls.filter((c) => c.service === 'cloudtrail').length;
    const skipped = await runAudit(['--csv', path.join(dir, 'report2.csv'), '--no-sign-ins'], env);
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toContain('• Sign-ins: not read');
    expect(skipped.stdout).not.toContain('Inactive users');
    expect(emulator.calls.filter((c) => c.service === 'cloudtrail')).toHaveLength(lookups);
  });
});
