/**
 * The IAM-to-SSO migration email: why long-lived IAM access keys are going, how to sign in through the
 * access portal instead, and the date the old keys will be removed.
 */
import { configurePrompts, exampleProfile, loginCommand, type SsoCliSettings } from './cli-steps.js';
import { code, codeBlock, escapeHtml, link, page } from './html.js';
import type { RenderedEmail } from './types.js';

export interface MigrationEmailInput extends SsoCliSettings {
  organisation: string;
  displayName: string;
  /** Their Identity Center user name. */
  userName: string;
  /** When the old IAM user's access keys will be removed. */
  keysRemovedOn: Date;
  helpAddress: string;
}

/** `Tuesday 8 December 2026`: a date nobody misreads, whatever their country's order of day and month. */
export function formatDay(date: Date): string {
  // Built from parts: the en-GB format puts a comma after the weekday in some Node versions and not others.
  const part = (options: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat('en-GB', { ...options, timeZone: 'UTC' }).format(date);
  return `${part({ weekday: 'long' })} ${date.getUTCDate()} ${part({ month: 'long' })} ${date.getUTCFullYear()}`;
}

export function renderMigrationEmail(input: MigrationEmailInput): RenderedEmail {
  const day = formatDay(input.keysRemovedOn);
  const subject = `Action needed: move to AWS single sign-on before ${day}`;
  const prompts = configurePrompts(input);
  const why =
    'Long-lived IAM access keys can leak and keep working for years. With IAM Identity Center you sign in with your work account, get short-lived credentials, and leave nothing on disk that outlives a session.';

  const text = [
    `Hello ${input.displayName},`,
    '',
    `Why: ${why}`,
    '',
    `Your old IAM access keys will be removed on ${day}. Anything that still uses them (scripts, ~/.aws/credentials) will stop working then.`,
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
    `Questions? Write to ${input.helpAddress}.`,
    '',
    `${input.organisation} platform team`,
  ].join('\n');

  const body = [
    `<p>Hello ${escapeHtml(input.displayName)},</p>`,
    `<p><strong>Why:</strong> ${escapeHtml(why)}</p>`,
    `<p><strong>Your old IAM access keys will be removed on ${escapeHtml(day)}.</strong> Anything that still uses them (scripts, ${code('~/.aws/credentials')}) will stop working then.</p>`,
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
    `<p>Questions? Write to ${escapeHtml(input.helpAddress)}.</p>`,
    `<p>${escapeHtml(input.organisation)} platform team</p>`,
  ].join('\n');

  return { subject, text, html: page(subject, body) };
}
