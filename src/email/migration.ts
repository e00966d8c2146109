/**
 * The IAM-to-SSO migration email: why long-lived IAM access keys are going, how to sign in through the
 * access portal instead, and how to say that it works: in Slack, on the direct message access-desk sends them,
 * never through a link in an email (a link that "confirms" is what a phishing email would carry). The old IAM
 * user goes once they confirm; the date is when an admin may remove it without waiting.
 */
import { configurePrompts, exampleProfile, loginCommand, type SsoCliSettings } from './cli-steps.js';
import { code, codeBlock, escapeHtml, link, page } from './html.js';
import type { RenderedEmail } from './types.js';

export interface MigrationEmailInput extends SsoCliSettings {
  organisation: string;
  displayName: string;
  /** Their Identity Center user name. */
  userName: string;
  /** The legacy IAM user that goes once they confirm. */
  iamUserName: string;
  /** The day to confirm by: after it, an admin may remove the IAM user without waiting. */
  confirmBy: Date;
  helpAddress: string;
}

/** `Tuesday 8 December 2026`: a date nobody misreads, whatever their country's order of day and month. */
export function formatDay(date: Date): string {
  // Built from parts: the en-GB format puts a comma after the weekday in some Node versions and not others.
  const part = (options: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat('en-GB', { ...options, timeZone: 'UTC' }).format(date);
  return `${part({ weekday: 'long' })} ${date.getUTCDate()} ${part({ month: 'long' })} ${date.getUTCFullYear()}`;
}

/** How to confirm: in Slack, with no link in the email to press (so a look-alike email cannot borrow it). */
const CONFIRM =
  'Once single sign-on works for you, say so in Slack: access-desk has sent you a direct message there. Press "SSO works for me" on it, or "I need help" if something does not work. This email has no link to confirm with, and we will never ask you to confirm through one.';

const byDay = (day: string): string =>
  `Please confirm by ${day}: after that, an admin may remove your old IAM user without waiting.`;

export function renderMigrationEmail(input: MigrationEmailInput): RenderedEmail {
  const day = formatDay(input.confirmBy);
  const subject = `Action needed: move to AWS single sign-on by ${day}`;
  const prompts = configurePrompts(input);
  const why =
    'Long-lived IAM access keys can leak and keep working for years. With IAM Identity Center you sign in with your work account, get short-lived credentials, and leave nothing on disk that outlives a session.';

  const text = [
    `Hello ${input.displayName},`,
    '',
    `Why: ${why}`,
    '',
    `Your old IAM user (${input.iamUserName}) and its access keys will be removed once you confirm that single sign-on works for you. Anything that still uses them (scripts, ~/.aws/credentials) will stop working then.`,
    '',
    'Sign in through the AWS access portal instead:',
    `  Portal:    ${input.startUrl}`,
    `  Username:  ${input.userName}`,
    '',
    'Set up the AWS CLI (version 2):',
    '  aws configure sso',
    ...prompts.map(([q, a]) => `     ${q}: ${a}`),
    `  then pick the account and role, and name the profile (for example ${exampleProfile(input.sessionName)}).`,
    `  Sign in with:  ${loginCommand(input)}`,
    '',
    'Then remove the old keys from ~/.aws/credentials.',
    '',
    `${CONFIRM} ${byDay(day)}`,
    '',
    `Questions? Write to ${input.helpAddress}.`,
    '',
    `${input.organisation} platform team`,
  ].join('\n');

  const body = [
    `<p>Hello ${escapeHtml(input.displayName)},</p>`,
    `<p><strong>Why:</strong> ${escapeHtml(why)}</p>`,
    `<p><strong>Your old IAM user (${code(input.iamUserName)}) and its access keys will be removed once you confirm that single sign-on works for you.</strong> Anything that still uses them (scripts, ${code('~/.aws/credentials')}) will stop working then.</p>`,
    '<p>Sign in through the AWS access portal instead:</p>',
    '<table>',
    `<tr><td>Portal</td><td>${link(input.startUrl)}</td></tr>`,
    `<tr><td>Username</td><td>${code(input.userName)}</td></tr>`,
    '</table>',
    `<p>Set up the AWS CLI (version 2): run ${code('aws configure sso')} and answer:</p>`,
    `<ul>${prompts.map(([q, a]) => `<li>${escapeHtml(q)}: ${code(a)}</li>`).join('')}</ul>`,
    `<p>then pick the account and role, name the profile (for example ${code(exampleProfile(input.sessionName))}), and sign in with:</p>`,
    codeBlock([loginCommand(input)]),
    `<p>Then remove the old keys from ${code('~/.aws/credentials')}.</p>`,
    `<p><strong>${escapeHtml(CONFIRM)}</strong> ${escapeHtml(byDay(day))}</p>`,
    `<p>Questions? Write to ${escapeHtml(input.helpAddress)}.</p>`,
    `<p>${escapeHtml(input.organisation)} platform team</p>`,
  ].join('\n');

  return { subject, text, html: page(subject, body) };
}
