import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../src/email/html.js';
import { formatDay, renderMigrationEmail, type MigrationEmailInput } from '../../src/email/migration.js';

const input: MigrationEmailInput = {
  organisation: 'Example Ltd',
  displayName: 'Bruno Costa',
  userName: 'bruno.costa@example.com',
  startUrl: 'https://example.awsapps.com/start',
  region: 'eu-west-1',
  sessionName: 'example-ltd',
  iamUserName: 'bruno.costa@example.com',
  confirmBy: new Date('2026-12-08T09:00:00Z'),
  helpAddress: 'aws-access@example.com',
};

describe('the migration email', () => {
  const email = renderMigrationEmail(input);

  it.each([
    ['why', 'Why'],
    ['the portal', 'https://example.awsapps.com/start'],
    ['the username', 'bruno.costa@example.com'],
    ['the configure command', 'aws configure sso'],
    ['the session name', 'example-ltd'],
    ['the SSO region', 'eu-west-1'],
    ['that the old user and keys go once they confirm', 'its access keys will be removed once you confirm'],
    ['where to confirm', 'Press "SSO works for me"'],
    ['the day to confirm by', 'Please confirm by Tuesday 8 December 2026'],
  ])('gives %s in both the text and the HTML part', (_what, expected) => {
    expect(email.text).toContain(expected);
    expect(email.html).toContain(escapeHtml(expected));
  });

  it('puts the day to confirm by in the subject', () => {
    expect(email.subject).toContain('Tuesday 8 December 2026');
  });

  it('asks for the confirmation in Slack without a link to press: the portal is its only link', () => {
    expect(email.html.match(/<a /g)).toHaveLength(1);
    expect(email.html).toContain('<a href="https://example.awsapps.com/start">');
    expect(email.text).toContain('This email has no link to confirm with');
  });

  it('writes dates in UTC, day before month, with the weekday', () => {
    expect(formatDay(new Date('2027-01-01T23:30:00Z'))).toBe('Friday 1 January 2027');
  });

  it('escapes every value it puts into the HTML', () => {
    const hostile = renderMigrationEmail({
      ...input,
      organisation: '<i>Org</i>',
      displayName: '"><script>x</script>',
      userName: "o'brien@example.com",
    });
    expect(hostile.html).not.toMatch(/<script>|<i>Org/);
    expect(hostile.html).toContain('&quot;&gt;&lt;script&gt;x&lt;/script&gt;');
    expect(hostile.html).toContain('o&#39;brien@example.com');
  });
});
