/**
 * Access that ends, ends: the sessions already open when a grant ends, is revoked, or a person leaves are
 * denied by a temporary statement in the permission set's inline policy, provisioned to that account, and the
 * statement is removed again once the set's session duration has passed. Checked against the local Identity
 * Center's sessions, which answer whether a call made with them now would be allowed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ProvisionPermissionSetCommand } from '@aws-sdk/client-sso-admin';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/access/clock.js';
import { HOUR, MINUTE } from '../../src/domain/duration.js';
import { SID_PREFIX } from '../../src/domain/session-policy.js';
import { sessionNote } from '../../src/slack/blocks/sessions-text.js';
import { whoisMessage } from '../../src/slack/blocks/whois-message.js';
import { PEOPLE, exampleConfig, startAccessHarness, type AccessHarness } from '../support/access-harness.js';
import { sdkClients } from '../support/aws-clients.js';
import { inlinePolicyOf, openSession, sessionNow } from '../support/sessions.js';

let h: AccessHarness | undefined;
/**
 * The harness's clock starts two hours back: sessions are opened "now" on it, and the local Identity Center
 * opens no session in its own future.
 */
const start = (options: Parameters<typeof startAccessHarness>[0] = {}) =>
  startAccessHarness({ clock: new ManualClock(Date.now() - 2 * HOUR), ...options });
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const PROD = '333333333333';
const SAM = 'sam.dev@example.com';
const SARA = 'sara.senior@example.com';
const KIM = 'kim.leaver@example.com';

async function granted(
  harness: AccessHarness,
  requesterSlackId: string,
  accounts: string[],
  durationMs = 4 * HOUR,
  permissionSet = 'SeniorDeveloper',
) {
  const outcome = await harness.service.submitAccessRequest({
    requesterSlackId,
    permissionSet,
    accounts,
    duration: { kind: 'for', ms: durationMs },
    reason: 'incident 4711',
  });
  if (!outcome.ok) throw new Error(`refused: ${outcome.code}: ${outcome.message}`);
  const request = outcome.value.request;
  const approved = await harness.service.approve(request.id, PEOPLE.lena);
  if (!approved.ok) throw new Error(`not approved: ${approved.message}`);
  await harness.drain();
  const view = await harness.service.view(request.id);
  expect(view?.grants.every((g) => g.status === 'active')).toBe(true);
  return request;
}

const sessionAt = (
  harness: AccessHarness,
  userName: string,
  account: string,
  permissionSet = 'SeniorDeveloper',
) =>
  openSession(harness.emulator, {
    userName,
    permissionSetName: permissionSet,
    account,
    issuedAt: harness.clock.now(),
  });

describe('sessions already open end with the access', () => {
  it('denies the revoked grant’s session, and not the same person’s on another account, nor another person’s, nor one opened after a new grant', async () => {
    h = await start();
    const request = await granted(h, PEOPLE.sam, ['prod', 'dev']);
    await granted(h, PEOPLE.sara, ['prod']);
    const samProd = await sessionAt(h, SAM, 'prod');
    const samDev = await sessionAt(h, SAM, 'dev');
    const saraProd = await sessionAt(h, SARA, 'prod');
    h.clock.advance(MINUTE);

    const revoked = await h.service.revoke({
      actorSlackId: PEOPLE.sam,
      permissionSet: 'SeniorDeveloper',
      account: 'prod',
    });
    expect(revoked.ok).toBe(true);
    await h.drain();

    expect(await sessionNow(h.emulator, samProd.sessionId)).toMatchObject({
      allowed: false,
      reason: 'denied',
    });
    expect((await sessionNow(h.emulator, samDev.sessionId)).allowed).toBe(true);
    expect((await sessionNow(h.emulator, saraProd.sessionId)).allowed).toBe(true);

    const view = await h.service.view(request.id);
    expect(view?.sessionDenials).toHaveLength(1);
    expect(view?.sessionDenials?.[0]).toMatchObject({
      status: 'in_force',
      accountAlias: 'prod',
      cause: 'revoked',
    });
    expect(sessionNote(view!)).toContain('were ended');
    // The holder hears that the access ended only once the sessions are ended too, and the message says so.
    const ended = h.notifier.messages.filter((m) => m.requestId === request.id && m.event === 'ended');
    expect(ended).toHaveLength(1);
    expect(sessionNote(ended[0]!.view)).toContain('were ended');

    // whois names the statement in force: whose sessions, where, since when and until when.
    const whois = await h.insight.whois(PEOPLE.sam, PEOPLE.sam);
    if (!whois.ok) throw new Error(whois.message);
    expect(
      whois.value.sessionDenials?.map((d) => `${d.accountAlias}:${d.permissionSet}:${d.status}`),
    ).toEqual(['prod:SeniorDeveloper:in_force']);
    expect(JSON.stringify(whoisMessage(whois.value).blocks)).toMatch(
      /Sam Developer's sessions on \*prod\* as \*SeniorDeveloper\* ended <!date\^\d+.*, until <!date/,
    );

    h.clock.advance(MINUTE);
    await granted(h, PEOPLE.sam, ['prod']);
    const later = await sessionAt(h, SAM, 'prod');
    expect((await sessionNow(h.emulator, later.sessionId)).allowed).toBe(true);
    expect((await sessionNow(h.emulator, samProd.sessionId)).allowed).toBe(false);
  });

  it('ends the sessions of a grant that expires, and removes the statement once the session duration has passed', async () => {
    h = await start();
    const request = await granted(h, PEOPLE.sam, ['prod'], HOUR);
    const session = await sessionAt(h, SAM, 'prod');
    h.clock.advance(HOUR + MINUTE);
    expect((await h.scheduler.tick()).expired).toBe(1);
    await h.drain();
    expect((await sessionNow(h.emulator, session.sessionId)).allowed).toBe(false);
    expect(inlinePolicyOf(h.emulator, 'SeniorDeveloper')).toContain(SID_PREFIX);
    const [denial] = (await h.service.view(request.id))!.sessionDenials!;
    expect(denial?.cause).toBe('expired');
    const hours = h.emulator.state.permissionSetByName('SeniorDeveloper')!.SessionDuration;
    expect(denial!.liftAt!.getTime() - denial!.inForceAt!.getTime()).toBe(
      Number(/PT(\d+)H/.exec(hours)?.[1] ?? 1) * HOUR,
    );

    h.clock.advance(denial!.liftAt!.getTime() - h.clock.now().getTime() - MINUTE);
    await h.scheduler.tick();
    expect(inlinePolicyOf(h.emulator, 'SeniorDeveloper')).toContain(SID_PREFIX);
    h.clock.advance(2 * MINUTE);
    await h.scheduler.tick();
    expect(inlinePolicyOf(h.emulator, 'SeniorDeveloper')).not.toContain(SID_PREFIX);
    const lifted = (await h.service.view(request.id))!.sessionDenials![0]!;
    expect(lifted).toMatchObject({ status: 'lifted' });
    expect(lifted.liftedAt).not.toBeNull();
  });

  it('leaves another team’s inline policy byte for byte through adding and removing its own statements', async () => {
    h = await start();
    const ps = h.emulator.state.permissionSetByName('SeniorDeveloper')!;
    const theirs =
      '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Sid": "TerraformManaged", "Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"}\n  ]\n}';
    h.emulator.state.putInlinePolicy(ps.PermissionSetArn, theirs);
    const request = await granted(h, PEOPLE.sam, ['prod'], HOUR);
    h.clock.advance(MINUTE);
    await h.service.revoke({ actorSlackId: PEOPLE.sam, permissionSet: 'SeniorDeveloper', account: 'prod' });
    await h.drain();
    const during = inlinePolicyOf(h.emulator, 'SeniorDeveloper');
    expect(during).toContain(SID_PREFIX);
    expect(during).toContain(
      '{"Sid": "TerraformManaged", "Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"}',
    );

    const denial = (await h.service.view(request.id))!.sessionDenials![0]!;
    h.clock.advance(denial.liftAt!.getTime() - h.clock.now().getTime() + MINUTE);
    await h.scheduler.tick();
    expect(inlinePolicyOf(h.emulator, 'SeniorDeveloper')).toBe(theirs);
  });

  it('still ends the grant when AWS refuses to change the permission set, and says why the sessions stay open', async () => {
    h = await start();
    const ps = h.emulator.state.permissionSetByName('SeniorDeveloper')!;
    const request = await granted(h, PEOPLE.sam, ['prod']);
    const session = await sessionAt(h, SAM, 'prod');
    h.emulator.faults.refusedPermissionSets = [ps.PermissionSetArn];
    h.clock.advance(MINUTE);
    await h.service.revoke({ actorSlackId: PEOPLE.sam, permissionSet: 'SeniorDeveloper', account: 'prod' });
    await h.drain();

    const view = (await h.service.view(request.id))!;
    expect(view.grants[0]!.status).toBe('ended');
    expect(view.sessionDenials![0]).toMatchObject({ status: 'failed' });
    expect(view.sessionDenials![0]!.failure).toMatch(/refused/i);
    expect(sessionNote(view)).toContain('could not be ended');
    expect((await sessionNow(h.emulator, session.sessionId)).allowed).toBe(true);
    expect(h.notifier.messages.filter((m) => m.requestId === request.id && m.event === 'ended')).toHaveLength(
      1,
    );
  });

  it('still ends the grant when the statement would pass the policy’s size limit, and says so', async () => {
    h = await start();
    const ps = h.emulator.state.permissionSetByName('SeniorDeveloper')!;
    // Someone else's statements fill the policy to just under AWS's 10,240 characters.
    const filler = `{"Version":"2012-10-17","Statement":[{"Sid":"Big","Effect":"Deny","Action":"s3:GetObject","Resource":[${Array.from(
      { length: 345 },
      (_, i) => `"arn:aws:s3:::bucket-${String(i).padStart(4, '0')}/*"`,
    ).join(',')}]}]}`;
    expect(filler.length).toBeLessThan(10_240);
    expect(filler.length).toBeGreaterThan(10_000);
    h.emulator.state.putInlinePolicy(ps.PermissionSetArn, filler);
    const request = await granted(h, PEOPLE.sam, ['prod']);
    h.clock.advance(MINUTE);
    await h.service.revoke({ actorSlackId: PEOPLE.sam, permissionSet: 'SeniorDeveloper', account: 'prod' });
    await h.drain();
    const view = (await h.service.view(request.id))!;
    expect(view.grants[0]!.status).toBe('ended');
    expect(view.sessionDenials![0]!.failure).toContain('10,240');
    expect(inlinePolicyOf(h.emulator, 'SeniorDeveloper')).toBe(filler);
  });

  it('ends two people’s sessions on one account with one statement', async () => {
    h = await start();
    await granted(h, PEOPLE.sam, ['prod']);
    await granted(h, PEOPLE.sara, ['prod']);
    const sam = await sessionAt(h, SAM, 'prod');
    const sara = await sessionAt(h, SARA, 'prod');
    h.clock.advance(MINUTE);
    await h.service.revoke({ actorSlackId: PEOPLE.sam, permissionSet: 'SeniorDeveloper', account: 'prod' });
    await h.service.revoke({ actorSlackId: PEOPLE.sara, permissionSet: 'SeniorDeveloper', account: 'prod' });
    await h.drain();
    expect((await sessionNow(h.emulator, sam.sessionId)).allowed).toBe(false);
    expect((await sessionNow(h.emulator, sara.sessionId)).allowed).toBe(false);
    // Same account, same moment: one statement names both of them.
    expect(
      inlinePolicyOf(h.emulator, 'SeniorDeveloper').match(/"Sid":"AccessDeskEndedSessions/g),
    ).toHaveLength(1);
  });

  it('waits while AWS is busy with another permission set on the same account, then provisions', async () => {
    h = await start({ provisioningDelayMs: 300 });
    const { ssoAdmin } = sdkClients(h.emulator.url);
    const set = (name: string) => h!.emulator.state.permissionSetByName(name)!.PermissionSetArn;
    // Someone else updates another permission set on prod at this moment: AWS takes one at a time per account.
    await ssoAdmin.send(
      new ProvisionPermissionSetCommand({
        InstanceArn: h.config.identityCenter.instanceArn,
        PermissionSetArn: set('ReadOnlyAccess'),
        TargetType: 'AWS_ACCOUNT',
        TargetId: PROD,
      }),
    );
    ssoAdmin.destroy();
    const result = await h.aws.policies.provision(set('SeniorDeveloper'), PROD);
    expect(result.ok).toBe(true);
    const ours = h.emulator.calls.filter(
      (c) => c.operation === 'ProvisionPermissionSet' && c.input.PermissionSetArn === set('SeniorDeveloper'),
    );
    expect(ours[0]?.errorCode).toBe('ConflictException');
    expect(ours.at(-1)?.status).toBe(200);
  });

  it('leaves the sessions of a permission set in sessions.leaveAlone open, and says so', async () => {
    const config = exampleConfig((yaml) =>
      yaml.replace('  leaveAlone: []\n', '  leaveAlone: [SeniorDeveloper]\n'),
    );
    h = await start({ config });
    const request = await granted(h, PEOPLE.sam, ['prod']);
    const session = await sessionAt(h, SAM, 'prod');
    h.clock.advance(MINUTE);
    await h.service.revoke({ actorSlackId: PEOPLE.sam, permissionSet: 'SeniorDeveloper', account: 'prod' });
    await h.drain();
    expect((await sessionNow(h.emulator, session.sessionId)).allowed).toBe(true);
    expect(inlinePolicyOf(h.emulator, 'SeniorDeveloper')).toBe('');
    expect(h.emulator.calls.some((c) => c.operation === 'PutInlinePolicyToPermissionSet')).toBe(false);
    const view = (await h.service.view(request.id))!;
    expect(sessionNote(view)).toContain('sessions.leaveAlone');
  });

  it('does nothing to inline policies with sessions.endOnRevoke false, and keeps the warning that sessions outlive the access', async () => {
    const config = exampleConfig((yaml) => yaml.replace('  endOnRevoke: true\n', '  endOnRevoke: false\n'));
    h = await start({ config });
    const request = await granted(h, PEOPLE.sam, ['prod']);
    const session = await sessionAt(h, SAM, 'prod');
    h.clock.advance(MINUTE);
    await h.service.revoke({ actorSlackId: PEOPLE.sam, permissionSet: 'SeniorDeveloper', account: 'prod' });
    await h.drain();
    expect((await sessionNow(h.emulator, session.sessionId)).allowed).toBe(true);
    expect(h.emulator.calls.some((c) => c.operation === 'ProvisionPermissionSet')).toBe(false);
    expect(sessionNote((await h.service.view(request.id))!)).toContain('stay valid for up to');
  });

  it('resumes after a crash between writing the statement and provisioning it, and ends the sessions then', async () => {
    h = await start({ dbPath: path.join(mkdtempSync(path.join(tmpdir(), 'access-desk-')), 'ledger.sqlite') });
    await granted(h, PEOPLE.sam, ['prod']);
    const session = await sessionAt(h, SAM, 'prod');
    h.clock.advance(MINUTE);
    // Provisioning fails for now: the statement is written, the job is given back to try again.
    h.emulator.faults.errors.push({
      service: 'sso-admin',
      operation: 'ProvisionPermissionSet',
      error: 'internal',
      remaining: 50,
    });
    await h.service.revoke({ actorSlackId: PEOPLE.sam, permissionSet: 'SeniorDeveloper', account: 'prod' });
    await h.drain();
    expect(inlinePolicyOf(h.emulator, 'SeniorDeveloper')).toContain(SID_PREFIX);
    expect((await sessionNow(h.emulator, session.sessionId)).allowed).toBe(true);

    h.emulator.faults.errors.length = 0;
    h = await h.restart();
    h.clock.advance(10 * MINUTE);
    await h.scheduler.tick();
    await h.drain();
    expect((await sessionNow(h.emulator, session.sessionId)).allowed).toBe(false);
  });

  it('ends every session a leaver could use when offboarded, direct and through groups, and no one else’s', async () => {
    h = await start();
    const kimDev = await sessionAt(h, KIM, 'dev', 'Developer');
    const kimProdReadOnly = await sessionAt(h, KIM, 'prod', 'ReadOnlyAccess');
    const samProdReadOnly = await sessionAt(h, SAM, 'prod', 'ReadOnlyAccess');
    h.clock.advance(MINUTE);
    const submitted = await h.admin.submitOffboarding(PEOPLE.ada, {
      who: KIM,
      reason: 'contract ended',
      cleanupLegacyIam: false,
    });
    if (!submitted.ok) throw new Error(submitted.message);
    expect((await h.service.approve(submitted.value.request.id, PEOPLE.leo)).ok).toBe(true);
    await h.drain();

    const view = (await h.service.view(submitted.value.request.id))!;
    expect(view.request.status).toBe('completed');
    expect((await sessionNow(h.emulator, kimDev.sessionId)).allowed).toBe(false);
    expect((await sessionNow(h.emulator, kimProdReadOnly.sessionId)).allowed).toBe(false);
    expect((await sessionNow(h.emulator, samProdReadOnly.sessionId)).allowed).toBe(true);
    expect(view.sessionDenials?.every((d) => d.status === 'in_force' && d.cause === 'offboarded')).toBe(true);
    expect(view.sessionDenials?.map((d) => `${d.accountAlias}:${d.permissionSet}`)).toEqual(
      expect.arrayContaining(['dev:Developer', 'prod:ReadOnlyAccess', 'prod:ProductionSupport']),
    );
  });

  it('ends the sessions of what a role change removes, and keeps those of what the person still holds', async () => {
    h = await start();
    const samDev = await sessionAt(h, SAM, 'dev', 'Developer');
    const samProdReadOnly = await sessionAt(h, SAM, 'prod', 'ReadOnlyAccess');
    h.clock.advance(MINUTE);
    const submitted = await h.admin.submitRoleChange(PEOPLE.ada, {
      who: PEOPLE.sam,
      role: 'sre',
      reason: 'joins the SRE team',
    });
    if (!submitted.ok) throw new Error(submitted.message);
    expect((await h.service.approve(submitted.value.request.id, PEOPLE.lena)).ok).toBe(true);
    await h.drain();

    const view = (await h.service.view(submitted.value.request.id))!;
    expect(view.request.status).toBe('completed');
    expect((await sessionNow(h.emulator, samDev.sessionId)).allowed).toBe(false);
    expect((await sessionNow(h.emulator, samProdReadOnly.sessionId)).allowed).toBe(true);
    const added = await sessionAt(h, SAM, 'staging', 'ProductionSupport');
    expect((await sessionNow(h.emulator, added.sessionId)).allowed).toBe(true);
    expect(view.sessionDenials?.map((d) => `${d.accountAlias}:${d.permissionSet}:${d.cause}`).sort()).toEqual(
      ['dev:Developer:role_change', 'staging:Developer:role_change'],
    );
  });

  it('warns, with sessions.endOnRevoke false, that a leaver’s open sessions outlive the offboarding, and for how long', async () => {
    const config = exampleConfig((yaml) => yaml.replace('  endOnRevoke: true\n', '  endOnRevoke: false\n'));
    h = await start({ config });
    const kimDev = await sessionAt(h, KIM, 'dev', 'Developer');
    h.clock.advance(MINUTE);
    const submitted = await h.admin.submitOffboarding(PEOPLE.ada, {
      who: KIM,
      reason: 'left',
      cleanupLegacyIam: false,
    });
    if (!submitted.ok) throw new Error(submitted.message);
    expect((await h.service.approve(submitted.value.request.id, PEOPLE.leo)).ok).toBe(true);
    await h.drain();
    const view = (await h.service.view(submitted.value.request.id))!;
    const details = view.request.details as { notes?: string[]; steps: { kind: string }[] };
    expect(details.notes?.join(' ')).toMatch(/up to 12 hours \(ReadOnlyAccess\)/);
    expect(details.steps.map((s) => s.kind)).not.toContain('end_sessions');
    expect((await sessionNow(h.emulator, kimDev.sessionId)).allowed).toBe(true);
  });

  it('still removes the statement on time after a restart between ending the sessions and the clean-up', async () => {
    h = await start({ dbPath: path.join(mkdtempSync(path.join(tmpdir(), 'access-desk-')), 'ledger.sqlite') });
    const request = await granted(h, PEOPLE.sam, ['prod']);
    h.clock.advance(MINUTE);
    await h.service.revoke({ actorSlackId: PEOPLE.sam, permissionSet: 'SeniorDeveloper', account: 'prod' });
    await h.drain();
    expect(inlinePolicyOf(h.emulator, 'SeniorDeveloper')).toContain(SID_PREFIX);
    const denial = (await h.service.view(request.id))!.sessionDenials![0]!;

    h = await h.restart();
    h.clock.advance(denial.liftAt!.getTime() - h.clock.now().getTime() + MINUTE);
    await h.scheduler.tick();
    expect(inlinePolicyOf(h.emulator, 'SeniorDeveloper')).toBe('');
    expect((await h.service.view(request.id))!.sessionDenials![0]!.status).toBe('lifted');
  });
});
