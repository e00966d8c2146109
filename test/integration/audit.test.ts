/**
 * The audit against the local Identity Center with AWS's rate limits on, on SQLite with a recording notifier:
 * planted drift both ways, a user with no access, legacy IAM keys, the CSV read back with an RFC 4180 reader.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HOUR } from '../../src/domain/duration.js';
import { applySeed, checkSeed } from '../../src/emulator/seed.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { PEOPLE, startAccessHarness, type AccessHarness } from '../support/access-harness.js';
import { csvObjects } from '../support/csv-parse.js';
import { testCredentials } from '../support/aws-clients.js';

const PROD = '333333333333';
/** Where `/access audit` was typed: a channel the report must never reach. */
const CHANNEL = 'C0000OPS01';
/** The example config's audit channel, and the DM the recording notifier gives Ada. */
const AUDIT_CHANNEL = 'C0000AUDIT';
const ADA_DM = `D${PEOPLE.ada}`;

let h: AccessHarness | undefined;
let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await h?.close();
  await emulator?.close();
  h = undefined;
  emulator = undefined;
});

/** An access request approved by a lead (unless the rules approve it at once) and provisioned. */
async function granted(harness: AccessHarness, slackId: string, permissionSet: string, account: string) {
  const submitted = await harness.service.submitAccessRequest({
    requesterSlackId: slackId,
    permissionSet,
    accounts: [account],
    duration: { kind: 'for', ms: 4 * HOUR },
    reason: 'audit test',
  });
  if (!submitted.ok) throw new Error(submitted.message);
  if (submitted.value.request.status === 'pending') {
    const approved = await harness.service.approve(submitted.value.request.id, PEOPLE.lena);
    if (!approved.ok) throw new Error(approved.message);
  }
  await harness.drain();
  const [grant] = await harness.ledger.findGrants({ requestId: submitted.value.request.id });
  expect(grant?.status).toBe('active');
  return grant!;
}

/** The example organisation with a person who has nothing, and the rate limits AWS has. */
async function plantedOrganisation() {
  emulator = await startEmulator({ credentials: [testCredentials], faults: { provisioningDelayMs: 20 } });
  applySeed(
    emulator.state,
    checkSeed({
      users: [
        {
          userName: 'nora.nothing@example.com',
          givenName: 'Nora',
          familyName: 'Nothing',
          displayName: '=HYPERLINK("http://x")',
          email: 'nora.nothing@example.com',
        },
      ],
      legacyIamUsers: [
        { userName: 'deploy-bot', accessKeys: [{ status: 'Active', lastUsedDaysAgo: 2, service: 'ecr' }] },
      ],
    }),
  );
  h = await startAccessHarness({ emulator });
  return { emulator, h };
}

describe('the audit', () => {
  it('finds planted drift both ways, a user with no access and legacy IAM users with active keys', async () => {
    const { emulator: aws, h: harness } = await plantedOrganisation();
    const kept = await granted(harness, PEOPLE.jay, 'ReadOnlyAccess', 'dev');
    const lost = await granted(harness, PEOPLE.jay, 'Developer', 'prod');
    const { state } = aws;
    const jay = state.userByName('jay.junior@example.com')!.UserId;
    const dara = state.userByName('dara.oconnor@example.com')!.UserId;
    const admin = state.permissionSetByName('AdministratorAccess')!.PermissionSetArn;
    // Removed in the console behind access-desk's back; and one made there, never asked for.
    expect(
      state.removeAssignment({
        AccountId: PROD,
        PermissionSetArn: lost.permissionSetArn,
        PrincipalType: 'USER',
        PrincipalId: jay,
      }),
    ).toBe(true);
    state.putAssignment({
      AccountId: PROD,
      PermissionSetArn: admin,
      PrincipalType: 'USER',
      PrincipalId: dara,
    });

    aws.calls.length = 0; // from here on, the audit's calls only
    const started = await harness.audit.startAudit(PEOPLE.ada, CHANNEL);
    expect(started).toEqual({
      ok: true,
      value: { requestedBy: PEOPLE.ada, auditChannel: AUDIT_CHANNEL, alreadyRunning: false },
    });
    await harness.drain();

    // The report goes to the admin's DM and the audit channel, never to the channel it was asked in.
    expect(harness.notifier.auditReports.map((r) => r.channel).sort()).toEqual(
      [ADA_DM, AUDIT_CHANNEL].sort(),
    );
    expect(harness.notifier.auditStatuses.every((s) => s.channel === ADA_DM)).toBe(true);
    const report = harness.notifier.auditReports.find((r) => r.channel === ADA_DM);
    expect(report?.file.filename).toMatch(/^access-audit-\d{4}-\d{2}-\d{2}T\d{4}Z\.csv$/);
    const rows = csvObjects(report!.file.content);
    const of = (record: string) => rows.filter((r) => r.record === record);

    // Access, with where it comes from.
    const jayDev = of('access').filter(
      (r) => r.user_name === 'jay.junior@example.com' && r.account === 'dev',
    );
    expect(jayDev.map((r) => [r.permission_set, r.source])).toEqual([
      ['JuniorDeveloper', 'direct'],
      ['ReadOnlyAccess', `access-desk grant ${kept.id} until ${kept.endsAt!.toISOString()}`],
    ]);
    expect(jayDev[1]?.grant_id).toBe(kept.id);
    const ada = of('access').find(
      (r) =>
        r.user_name === 'ada.admin@example.com' &&
        r.account === 'prod' &&
        r.permission_set === 'ReadOnlyAccess',
    );
    expect(ada?.source).toBe('through group ReadOnly');
    expect(ada?.groups).toBe('AdministratorAccess; ReadOnly');
    const management = of('access').find(
      (r) => r.user_name === 'ada.admin@example.com' && r.account_id === '999999999999',
    );
    expect(management?.account).toBe('management');
    expect(management?.source).toBe('through group AdministratorAccess');

    // Nobody else has nothing; Nora's name is kept from running as a formula.
    expect(of('no_access').map((r) => [r.user_name, r.display_name])).toEqual([
      ['nora.nothing@example.com', '\'=HYPERLINK("http://x")'],
    ]);

    // Drift both ways.
    const notGranted = of('drift').filter((r) => r.source === 'not granted by access-desk');
    expect(notGranted).toContainEqual(
      expect.objectContaining({
        user_name: 'dara.oconnor@example.com',
        account: 'prod',
        permission_set: 'AdministratorAccess',
      }),
    );
    expect(
      notGranted.some(
        (r) => r.user_name === 'jay.junior@example.com' && r.permission_set === 'ReadOnlyAccess',
      ),
    ).toBe(false);
    expect(of('drift').filter((r) => r.source === 'grant missing in AWS')).toEqual([
      expect.objectContaining({
        user_name: 'jay.junior@example.com',
        account: 'prod',
        account_id: PROD,
        permission_set: 'Developer',
        grant_id: lost.id,
      }),
    ]);

    // Legacy IAM: active keys only (old-ci-bot's key is inactive), with their last use.
    const keys = of('legacy_iam_key');
    expect(keys.map((r) => r.user_name)).toEqual([
      'bruno.costa@example.com',
      'deploy-bot',
      'kim.leaver@example.com',
      'kim.leaver@example.com',
    ]);
    expect(keys.find((r) => r.user_name === 'deploy-bot')).toMatchObject({
      key_last_used_service: 'ecr (eu-west-1)',
      user_id: '',
    });
    expect(keys.find((r) => r.user_name === 'bruno.costa@example.com')?.email).toBe(
      'bruno.costa@example.com',
    );
    expect(keys.filter((r) => r.key_last_used_at === '')).toHaveLength(1);

    // The summary beside the file, and the message that followed the walk.
    expect(report?.comment).toContain('1 user with no access at all');
    expect(report?.comment).toContain('1 grant in the ledger that AWS no longer has');
    expect(report?.comment).toContain('Legacy IAM: 3 users with 4 active access keys');
    const statuses = harness.notifier.auditStatuses;
    expect(statuses[0]?.status.state).toBe('running');
    expect(statuses.at(-1)?.status).toMatchObject({ state: 'done', requestedBy: PEOPLE.ada });
    expect(new Set(statuses.map((s) => s.ts)).size).toBe(1);

    // Within AWS's rate limits: not one throttled answer.
    expect(aws.calls.filter((c) => c.errorCode === 'ThrottlingException')).toEqual([]);
    expect(aws.calls.some((c) => c.operation === 'ListAccountAssignmentsForPrincipal')).toBe(false);
  });

  it("counts the assignments its own onboardings and role changes made as access-desk's, not as drift", async () => {
    const { emulator: aws, h: harness } = await plantedOrganisation();
    const submitted = await harness.admin.submitOnboarding(PEOPLE.ada, {
      email: 'nina.new@example.com',
      givenName: 'Nina',
      familyName: 'New',
      role: 'developer',
      note: 'joins the payments team',
    });
    if (!submitted.ok) throw new Error(submitted.message);
    expect((await harness.service.approve(submitted.value.request.id, PEOPLE.lena)).ok).toBe(true);
    await harness.drain();
    const moved = await harness.admin.submitRoleChange(PEOPLE.ada, {
      who: 'nina.new@example.com',
      role: 'data',
      reason: 'moves to the data team',
    });
    if (!moved.ok) throw new Error(moved.message);
    expect((await harness.service.approve(moved.value.request.id, PEOPLE.lena)).ok).toBe(true);
    await harness.drain();
    // And one made by hand in the AWS console: that one is drift.
    const nina = aws.state.userByName('nina.new@example.com')!.UserId;
    aws.state.putAssignment({
      AccountId: PROD,
      PermissionSetArn: aws.state.permissionSetByName('AdministratorAccess')!.PermissionSetArn,
      PrincipalType: 'USER',
      PrincipalId: nina,
    });

    await harness.audit.startAudit(PEOPLE.ada, CHANNEL);
    await harness.drain();
    const rows = csvObjects(harness.notifier.auditReports[0]!.file.content);
    const ninas = rows.filter((r) => r.user_name === 'nina.new@example.com');
    expect(
      ninas.filter((r) => r.record === 'access').map((r) => `${r.permission_set} on ${r.account}`),
    ).toEqual(
      expect.arrayContaining([
        'InsightsDeveloper on dev',
        'InsightsDeveloper on prod',
        'AdministratorAccess on prod',
      ]),
    );
    expect(
      ninas.filter((r) => r.record === 'drift').map((r) => `${r.permission_set} on ${r.account}`),
    ).toEqual(['AdministratorAccess on prod']);
  });

  it('lists the session denials in force: whose sessions, where, and until when', async () => {
    h = await startAccessHarness();
    const grant = await granted(h, PEOPLE.sam, 'SeniorDeveloper', 'prod');
    const revoked = await h.service.revoke({
      actorSlackId: PEOPLE.sam,
      permissionSet: 'SeniorDeveloper',
      account: 'prod',
    });
    expect(revoked.ok).toBe(true);
    await h.drain();
    await h.audit.startAudit(PEOPLE.ada, CHANNEL);
    await h.drain();
    const report = h.notifier.auditReports.find((r) => r.channel === ADA_DM)!;
    expect(report.comment).toContain('Sessions ended by access-desk and still denied: 1');
    const rows = csvObjects(report.file.content).filter((r) => r.record === 'session_denial');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      account: 'prod',
      account_id: PROD,
      permission_set: 'SeniorDeveloper',
      grant_id: grant.id,
      source: 'ended by access-desk (revoked)',
    });
    expect(rows[0]!.detail).toMatch(/^Sessions issued before \S+ denied since \S+, until \S+\.$/);
  });

  it('is refused to anyone but an admin, and runs once however often it is asked', async () => {
    const { h: harness } = await plantedOrganisation();
    const refused = await harness.audit.startAudit(PEOPLE.sam, CHANNEL);
    expect(refused).toMatchObject({ ok: false, code: 'not_admin' });
    expect(await harness.ledger.findJobs({ kind: 'audit' })).toEqual([]);

    await harness.audit.startAudit(PEOPLE.ada, CHANNEL);
    const again = await harness.audit.startAudit(PEOPLE.ada, 'C0000OTHER');
    expect(again).toEqual({
      ok: true,
      value: { requestedBy: PEOPLE.ada, auditChannel: AUDIT_CHANNEL, alreadyRunning: true },
    });
    await harness.drain();
    expect(harness.notifier.auditReports.map((r) => r.channel).sort()).toEqual(
      [ADA_DM, AUDIT_CHANNEL].sort(),
    );
  });

  it('says on its message why it stopped when AWS refuses the walk', async () => {
    const { emulator: aws, h: harness } = await plantedOrganisation();
    aws.faults.errors.push({ service: 'identitystore', operation: 'ListUsers', error: 'accessDenied' });
    await harness.audit.startAudit(PEOPLE.ada, CHANNEL);
    await harness.drain();
    expect(harness.notifier.auditReports).toEqual([]);
    const last = harness.notifier.auditStatuses.at(-1)?.status;
    expect(last?.state).toBe('failed');
    expect(last?.text).toMatch(/^The audit stopped: .*Run it again once AWS answers\.$/);
  });
});
