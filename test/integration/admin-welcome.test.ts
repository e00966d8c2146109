/**
 * `/access welcome` through the admin service, against the local Identity Center and SES: the welcome email sent
 * again, with what the person can reach today read from AWS, and recorded in the audit. Also the onboarding's own
 * welcome email, which says the same. Refusals first.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { auditLineOf } from '../../src/access/audit-feed.js';
import { PEOPLE, startAccessHarness, type AccessHarness } from '../support/access-harness.js';

let h: AccessHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const SAM = 'sam.dev@example.com';
const LEASE = 60_000;
const dbFile = (): string => path.join(mkdtempSync(path.join(tmpdir(), 'access-desk-')), 'ledger.sqlite');

describe('sending the welcome email again: refusals', () => {
  it('refuses anyone who is not an admin, and sends nothing', async () => {
    h = await startAccessHarness();
    const outcome = await h.admin.resendWelcome(PEOPLE.lena, SAM);
    expect(outcome).toMatchObject({ ok: false, code: 'not_admin' });
    expect(h.emulator.state.mailbox).toEqual([]);
    expect(await h.ledger.listAudit({})).toEqual([]);
  });

  it('refuses someone Identity Center does not know', async () => {
    h = await startAccessHarness();
    const outcome = await h.admin.resendWelcome(PEOPLE.ada, 'nina.never@example.com');
    expect(outcome).toMatchObject({ ok: false, code: 'not_found' });
    expect(!outcome.ok && outcome.message).toContain('nina.never@example.com');
    expect(h.emulator.state.mailbox).toEqual([]);
  });

  it('refuses someone disabled in Identity Center: they could not sign in', async () => {
    h = await startAccessHarness();
    h.emulator.state.userByName('jay.junior@example.com')!.UserStatus = 'DISABLED';
    const outcome = await h.admin.resendWelcome(PEOPLE.ada, 'jay.junior@example.com');
    expect(outcome).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(!outcome.ok && outcome.message).toMatch(/disabled/);
    expect(h.emulator.state.mailbox).toEqual([]);
    expect(await h.ledger.listAudit({})).toEqual([]);
  });
});

describe('sending the welcome email again', () => {
  it('sends it to the person’s primary email with what they can reach today, and records it in the audit', async () => {
    h = await startAccessHarness();
    const sent = await h.admin.resendWelcome(PEOPLE.ada, PEOPLE.sam);
    if (!sent.ok) throw new Error(sent.message);
    expect(sent.value).toMatchObject({ to: SAM, userName: SAM, groups: 1, assignments: 5 });

    expect(h.emulator.state.mailbox).toHaveLength(1);
    const mail = h.emulator.state.mailbox[0]!;
    expect(mail).toMatchObject({
      MessageId: sent.value.messageId,
      from: 'aws-access@example.com',
      to: [SAM],
      cc: ['it@example.com'],
    });
    expect(mail.subject).toContain('(sent again)');
    for (const part of [mail.text!, mail.html!]) {
      // Direct, and through the ReadOnly group, as AWS has them now.
      expect(part).toContain('Developer on dev, staging');
      expect(part).toContain('ReadOnlyAccess on dev, staging, prod (through the group ReadOnly)');
      expect(part).toContain('/access request');
      expect(part).toContain('CLI default output format');
    }
    const audit = await h.ledger.listAudit({});
    const event = audit.find((e) => e.action === 'email.welcome_resent');
    expect(event).toMatchObject({
      actor: PEOPLE.ada,
      details: { to: SAM, messageId: sent.value.messageId, groups: ['ReadOnly'], assignments: 5 },
    });
    // No approval: nothing waits in the ledger. The audit channel gets a line.
    expect(await h.ledger.findRequests({})).toEqual([]);
    expect(auditLineOf(event!, undefined, undefined)).toMatchObject({
      kind: 'change',
      did: 'sent the welcome email again',
      forEmail: SAM,
      bySlackId: PEOPLE.ada,
    });
  });

  it('says what is there now: access added since onboarding is listed', async () => {
    h = await startAccessHarness();
    const jay = h.emulator.state.userByName('jay.junior@example.com')!;
    const group = [...h.emulator.state.groups.values()].find((g) => g.DisplayName === 'Billing')!;
    expect((await h.aws.directory.addMembership(group.GroupId, jay.UserId)).ok).toBe(true);
    const sent = await h.admin.resendWelcome(PEOPLE.ada, 'jay.junior@example.com');
    if (!sent.ok) throw new Error(sent.message);
    const mail = h.emulator.state.mailbox.at(-1)!;
    expect(mail.text).toContain('JuniorDeveloper on dev');
    expect(mail.text).toContain('FinanceAdmin on management (through the group Billing)');
    expect(mail.text).toContain('Your groups: Billing.');
  });
});

describe('`/access welcome` recorded before its ack', () => {
  it('is sent once by the restarted service when the process died right after the ack, and the admin is told', async () => {
    const first = await startAccessHarness({ dbPath: dbFile() });
    await first.clicks.record({
      action: 'welcome',
      userId: PEOPLE.ada,
      welcome: { who: SAM },
      responseUrl: 'https://hooks.slack.test/commands/T1/welcome',
    });
    // The crash: the listener never ran it. Its lease runs out, and the new service runs it.
    h = await first.restart();
    h.clock.advance(LEASE + 1);
    await h.drain();
    await h.drain();
    expect(h.emulator.state.mailbox.map((m) => m.to)).toEqual([[SAM]]);
    const told = h.clickAnswers.answers.find((a) => a.click.action === 'welcome');
    expect(told?.message.text).toBe(`Sent the welcome email again to ${SAM}`);
    expect(told?.click.responseUrl).toBe('https://hooks.slack.test/commands/T1/welcome');
    expect(await h.ledger.findJobs({ kind: 'decide' })).toMatchObject([{ status: 'done' }]);
  });

  it('run again once the email went, answers what was sent instead of sending a second one', async () => {
    h = await startAccessHarness();
    const click = await h.clicks.record({
      action: 'welcome',
      userId: PEOPLE.ada,
      welcome: { who: PEOPLE.sam },
    });
    const sent = await h.clicks.runWelcome(click);
    if (!sent.ok) throw new Error(sent.message);
    const again = await h.admin.resendWelcome(PEOPLE.ada, PEOPLE.sam, click.id);
    expect(again).toEqual(sent);
    expect(h.emulator.state.mailbox).toHaveLength(1);
    expect((await h.ledger.listAudit({})).filter((e) => e.action === 'email.welcome_resent')).toHaveLength(1);
  });

  it('refuses a non-admin’s recorded command when it runs, sending nothing', async () => {
    h = await startAccessHarness();
    const click = await h.clicks.record({ action: 'welcome', userId: PEOPLE.sam, welcome: { who: SAM } });
    expect(await h.clicks.runWelcome(click)).toMatchObject({ ok: false, code: 'not_admin' });
    expect(h.emulator.state.mailbox).toEqual([]);
  });
});

describe('the onboarding’s welcome email', () => {
  it('says what access the new starter got, as AWS has it once the steps are done', async () => {
    h = await startAccessHarness();
    const submitted = await h.admin.submitOnboarding(PEOPLE.ada, {
      email: 'nina.new@example.com',
      givenName: 'Nina',
      familyName: 'New',
      role: 'developer',
      note: 'starts Monday',
    });
    if (!submitted.ok) throw new Error(submitted.message);
    await h.service.approve(submitted.value.request.id, PEOPLE.lena);
    await h.drain();
    expect((await h.service.view(submitted.value.request.id))?.request.status).toBe('completed');
    const mail = h.emulator.state.mailbox.find((m) => m.to.includes('nina.new@example.com'))!;
    expect(mail.subject).not.toContain('again');
    expect(mail.text).toContain('Developer on dev, staging');
    expect(mail.text).toContain('(through the group ReadOnly)');
    expect(mail.text).toContain('CLI default client Region: eu-west-1');
    expect(mail.text).toContain('CLI default output format: json');
  });
});
