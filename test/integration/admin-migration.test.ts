import { afterEach, describe, expect, it } from 'vitest';
import { DAY } from '../../src/domain/duration.js';
import { formatDay } from '../../src/email/migration.js';
import { PEOPLE, startAccessHarness, type AccessHarness } from '../support/access-harness.js';

let h: AccessHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('the IAM-to-SSO migration email', () => {
  it('is sent at once by an admin, says when the old keys go, and is recorded in the audit log', async () => {
    h = await startAccessHarness();
    const sent = await h.admin.sendMigrationEmail(PEOPLE.ada, 'Bruno.Costa@example.com');
    if (!sent.ok) throw new Error(sent.message);
    expect(sent.value.to).toBe('bruno.costa@example.com');

    expect(h.emulator.state.mailbox).toHaveLength(1);
    const mail = h.emulator.state.mailbox[0]!;
    expect(mail).toMatchObject({
      MessageId: sent.value.messageId,
      from: 'aws-access@example.com',
      to: ['bruno.costa@example.com'],
      cc: ['it@example.com'],
    });
    const day = formatDay(new Date(h.clock.now().getTime() + 14 * DAY));
    for (const part of [mail.text!, mail.html!]) {
      expect(part).toContain(day);
      expect(part).toContain('https://example.awsapps.com/start');
      expect(part).toContain('bruno.costa@example.com');
      expect(part).toContain('aws configure sso');
      expect(part).toMatch(/access keys will be removed/);
    }
    const audit = await h.ledger.listAudit({});
    expect(audit.find((e) => e.action === 'email.migration_sent')).toMatchObject({
      actor: PEOPLE.ada,
      details: { to: 'bruno.costa@example.com', messageId: sent.value.messageId },
    });
    // No approval: nothing waits in the ledger.
    expect(await h.ledger.findRequests({})).toEqual([]);
  });

  it('refuses someone with no Identity Center user: they could not sign in after moving', async () => {
    h = await startAccessHarness();
    const outcome = await h.admin.sendMigrationEmail(PEOPLE.ada, 'old-ci-bot@example.com');
    expect(outcome).toMatchObject({ ok: false, code: 'not_found' });
    expect(!outcome.ok && outcome.message).toContain('/access onboard');
    expect(h.emulator.state.mailbox).toHaveLength(0);
  });
});
