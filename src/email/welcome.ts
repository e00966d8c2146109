/**
 * The welcome email a new starter gets once onboarding has made their user and access: where to sign in,
 * with which user name, how the first password is set, and how to set up the AWS CLI.
 */
import {
  configurePrompts,
  exampleProfile,
  headlessLoginCommand,
  loginCommand,
  profileTip,
  type SsoCliSettings,
} from './cli-steps.js';
import { code, codeBlock, escapeHtml, link, page } from './html.js';
import type { RenderedEmail } from './types.js';

export interface WelcomeEmailInput extends SsoCliSettings {
  organisation: string;
  /** How the person is greeted. */
  displayName: string;
  /** Their Identity Center user name (their work email). */
  userName: string;
  /** The instance emails a one-time password at first sign-in; else an admin sets the first password. */
  oneTimePasswords: boolean;
  /** Where to ask for help (the sender address). */
  helpAddress: string;
}

function passwordSentence(input: WelcomeEmailInput): string {
  return input.oneTimePasswords
    ? 'AWS sends you a separate email with a one-time password; sign in with it and choose your own password. Then set up a multi-factor authentication device when asked.'
    : `An administrator sets your first password and sends it to you separately (never in this email); sign in with it and choose your own. Then set up a multi-factor authentication device when asked. Nothing yet? Write to ${input.helpAddress}.`;
}

export function renderWelcomeEmail(input: WelcomeEmailInput): RenderedEmail {
  const subject = `Your AWS access at ${input.organisation}`;
  const prompts = configurePrompts(input);
  const profile = exampleProfile(input.sessionName);

  const text = [
    `Hello ${input.displayName},`,
    '',
    `Your AWS access at ${input.organisation} is ready. You sign in through the AWS access portal:`,
    '',
    `  Portal:    ${input.startUrl}`,
    `  Username:  ${input.userName}`,
    '',
    `First password: ${passwordSentence(input)}`,
    '',
    'Setting up the AWS CLI (version 2):',
    '',
    '1. Run:  aws configure sso',
    '   and answer:',
    ...prompts.map(([q, a]) => `     ${q}: ${a}`),
    `   then pick the account and role, and name the profile (for example ${profile}).`,
    '',
    `2. Sign in:  ${loginCommand(input)}`,
    `   On a machine without a browser (SSH, a container):  ${headlessLoginCommand(input)}`,
    '   and open the link it prints on any device.',
    '',
    `3. Tip: set AWS_PROFILE so you need not type --profile every time:  ${profileTip(input)}`,
    '',
    `Questions? Write to ${input.helpAddress}.`,
    '',
    `${input.organisation} platform team`,
  ].join('\n');

  const body = [
    `<p>Hello ${escapeHtml(input.displayName)},</p>`,
    `<p>Your AWS access at ${escapeHtml(input.organisation)} is ready. You sign in through the AWS access portal:</p>`,
    '<table>',
    `<tr><td>Portal</td><td>${link(input.startUrl)}</td></tr>`,
    `<tr><td>Username</td><td>${code(input.userName)}</td></tr>`,
    '</table>',
    `<p><strong>First password:</strong> ${escapeHtml(passwordSentence(input))}</p>`,
    '<h3>Setting up the AWS CLI (version 2)</h3>',
    '<ol>',
    `<li>Run ${code('aws configure sso')} and answer:<ul>${prompts
      .map(([q, a]) => `<li>${escapeHtml(q)}: ${code(a)}</li>`)
      .join(
        '',
      )}</ul>then pick the account and role, and name the profile (for example ${code(profile)}).</li>`,
    `<li>Sign in: ${codeBlock([loginCommand(input)])}On a machine without a browser (SSH, a container): ${codeBlock([headlessLoginCommand(input)])}and open the link it prints on any device.</li>`,
    `<li>Tip: set ${code('AWS_PROFILE')} so you need not type ${code('--profile')} every time: ${codeBlock([profileTip(input)])}</li>`,
    '</ol>',
    `<p>Questions? Write to ${escapeHtml(input.helpAddress)}.</p>`,
    `<p>${escapeHtml(input.organisation)} platform team</p>`,
  ].join('\n');

  return { subject, text, html: page(subject, body) };
}
