import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../src/email/html.js';
import { renderWelcomeEmail, type WelcomeEmailInput } from '../../src/email/welcome.js';

const input: WelcomeEmailInput = {
  organisation: 'Example Ltd',
  displayName: 'Nina New',
  userName: 'nina.new@example.com',
  startUrl: 'https://example.awsapps.com/start',
  region: 'eu-west-1',
  sessionName: 'example-ltd',
  oneTimePasswords: false,
  helpAddress: 'aws-access@example.com',
  access: {
    groups: ['ReadOnly'],
    assignments: [
      { permissionSet: 'Developer', accountAlias: 'dev' },
      { permissionSet: 'Developer', accountAlias: 'staging' },
      { permissionSet: 'ReadOnlyAccess', accountAlias: 'dev', group: 'ReadOnly' },
      { permissionSet: 'ReadOnlyAccess', accountAlias: 'prod', group: 'ReadOnly' },
    ],
  },
};

describe('the welcome email', () => {
  const email = renderWelcomeEmail(input);

  it.each([
    ['the portal URL', 'https://example.awsapps.com/start'],
    ['the username', 'nina.new@example.com'],
    ['the configure command', 'aws configure sso'],
    ['the session name', 'example-ltd'],
    ['the SSO region', 'eu-west-1'],
    ['the sign-in command with a profile', 'aws sso login --profile example-ltd-dev'],
    ['the AWS_PROFILE tip', 'export AWS_PROFILE=example-ltd-dev'],
    ['the headless sign-in', '--no-browser'],
    ['how the first password is set', 'First password'],
    ['each permission set with its accounts', 'Developer on dev, staging'],
    ['what comes through a group', 'ReadOnlyAccess on dev, prod (through the group ReadOnly)'],
    ['the groups', 'Your groups: ReadOnly.'],
    ['how to ask for more in Slack', '/access request <PermissionSet> <account> [duration] [reason]'],
    ['an example request', '/access request ReadOnlyAccess dev 4h'],
    ['the default region prompt of aws configure sso', 'CLI default client Region'],
    ['the output format prompt and its answer', 'CLI default output format'],
  ])('gives %s in both the text and the HTML part', (_what, expected) => {
    expect(email.text).toContain(expected);
    expect(email.html).toContain(escapeHtml(expected));
  });

  it('names the organisation in the subject', () => {
    expect(email.subject).toBe('Your AWS access at Example Ltd');
  });

  it('answers the default region prompt with the SSO region and the output format prompt with json', () => {
    expect(email.text).toMatch(/CLI default client Region: eu-west-1\n/);
    expect(email.text).toMatch(/CLI default output format: json\n/);
    expect(email.html).toContain(`CLI default client Region: <code>eu-west-1</code>`);
    expect(email.html).toContain(`CLI default output format: <code>json</code>`);
    // Asked after the account and role are picked, so they come after the SSO prompts.
    expect(email.text.indexOf('CLI default client Region')).toBeGreaterThan(email.text.indexOf('SSO region'));
  });

  it('says there is nothing yet, and how to ask, for someone with no access', () => {
    const none = renderWelcomeEmail({ ...input, access: { groups: [], assignments: [] } });
    expect(none.text).toMatch(/Nothing yet/);
    expect(none.text).toContain('You are in no group yet.');
    expect(none.text).toContain('/access request');
  });

  it('says it is sent again, in the subject and the opening, when an admin resends it', () => {
    const again = renderWelcomeEmail({ ...input, again: true });
    expect(again.subject).toBe('Your AWS access at Example Ltd (sent again)');
    expect(again.text).toMatch(/again \(the first email may not have reached you\)/);
    expect(email.text).not.toMatch(/again/);
  });

  it('says an administrator sets the first password, unless the instance emails a one-time password', () => {
    expect(email.text).toMatch(/administrator sets your first password/);
    const otp = renderWelcomeEmail({ ...input, oneTimePasswords: true });
    expect(otp.text).toMatch(/one-time password/);
    expect(otp.text).not.toMatch(/administrator sets/);
  });

  it('escapes every value it puts into the HTML', () => {
    const hostile = renderWelcomeEmail({
      ...input,
      organisation: 'Evil <script>alert(1)</script> & Co',
      displayName: '<img src=x onerror=alert(1)>',
      userName: 'a"b@example.com',
      startUrl: 'https://example.awsapps.com/start?a=1&b="><script>',
      sessionName: '<b>s</b>',
      access: {
        groups: ['<i>g</i>'],
        assignments: [{ permissionSet: '<svg onload=alert(1)>', accountAlias: 'dev', group: '<i>g</i>' }],
      },
    });
    expect(hostile.html).not.toMatch(/<script>|<img|<b>s<\/b>|"><script|<svg|<i>g<\/i>/);
    expect(hostile.html).toContain('Evil &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co');
    expect(hostile.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(hostile.html).toContain('a&quot;b@example.com');
    expect(hostile.html).toContain(
      'href="https://example.awsapps.com/start?a=1&amp;b=&quot;&gt;&lt;script&gt;"',
    );
    // The text part is plain text: it carries the values as they are.
    expect(hostile.text).toContain('<img src=x onerror=alert(1)>');
  });

  it('makes no link of a start URL that is not http(s)', () => {
    const odd = renderWelcomeEmail({ ...input, startUrl: 'javascript:alert(1)' });
    expect(odd.html).not.toContain('href="javascript:');
    expect(odd.html).toContain('javascript:alert(1)');
  });
});
