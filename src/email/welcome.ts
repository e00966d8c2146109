/**
 * The welcome email a new starter gets once onboarding has made their user and access, and that an admin can
 * send again (`/access welcome`): where to sign in, with which user name, how the first password is set, what
 * they can reach (groups, permission sets × accounts), how to ask for more, and how to set up the AWS CLI.
 */
import {
  configurePrompts,
  exampleProfile,
  headlessLoginCommand,
  loginCommand,
  profilePrompts,
  profileTip,
  type SsoCliSettings,
} from './cli-steps.js';
import { code, codeBlock, escapeHtml, link, page } from './html.js';
import type { RenderedEmail } from './types.js';

/** What the person can reach today, read from AWS when the email is written. */
export interface WelcomeAccess {
  /** Their Identity Center groups, by name. */
  groups: string[];
  /** Each permission set on each account, directly or through `group`. */
  assignments: { permissionSet: string; accountAlias: string; group?: string }[];
}

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
  access: WelcomeAccess;
  /** Sent again by an admin (the first one was lost): said in the opening line. */
  again?: boolean;
}

/** The command people type in Slack to ask for more, with an example. */
export const REQUEST_COMMAND = '/access request <PermissionSet> <account> [duration] [reason]';
const REQUEST_EXAMPLE = '/access request ReadOnlyAccess dev 4h';

/** One line per permission set, its accounts together, and where it comes from: `Developer on dev, staging`. */
export function accessLines(access: WelcomeAccess): string[] {
  const bySource = new Map<string, { permissionSet: string; group?: string; accounts: string[] }>();
  for (const a of access.assignments) {
    const key = `${a.permissionSet}|${a.group ?? ''}`;
    const line = bySource.get(key) ?? {
      permissionSet: a.permissionSet,
      ...(a.group !== undefined ? { group: a.group } : {}),
      accounts: [],
    };
    if (!line.accounts.includes(a.accountAlias)) line.accounts.push(a.accountAlias);
    bySource.set(key, line);
  }
  return [...bySource.values()].map(
    (l) =>
      `${l.permissionSet} on ${l.accounts.join(', ')}${l.group !== undefined ? ` (through the group ${l.group})` : ''}`,
  );
}

function groupsSentence(access: WelcomeAccess): string {
  if (access.groups.length === 0) return 'You are in no group yet.';
  return `Your groups: ${access.groups.join(', ')}.`;
}

const NOTHING_YET =
  'Nothing yet: ask for what you need in Slack (below), or ask the person who onboarded you.';

function passwordSentence(input: WelcomeEmailInput): string {
  return input.oneTimePasswords
    ? 'AWS sends you a separate email with a one-time password; sign in with it and choose your own password. Then set up a multi-factor authentication device when asked.'
    : `An administrator sets your first password and sends it to you separately (never in this email); sign in with it and choose your own. Then set up a multi-factor authentication device when asked. Nothing yet? Write to ${input.helpAddress}.`;
}

const promptList = (prompts: readonly [string, string][]): string =>
  `<ul>${prompts.map(([q, a]) => `<li>${escapeHtml(q)}: ${code(a)}</li>`).join('')}</ul>`;

export function renderWelcomeEmail(input: WelcomeEmailInput): RenderedEmail {
  const subject = `Your AWS access at ${input.organisation}${input.again === true ? ' (sent again)' : ''}`;
  const prompts = configurePrompts(input);
  const afterPick = profilePrompts(input);
  const profile = exampleProfile(input.sessionName);
  const reach = accessLines(input.access);
  const opening =
    input.again === true
      ? `Here is your AWS access at ${input.organisation} again (the first email may not have reached you). You sign in through the AWS access portal:`
      : `Your AWS access at ${input.organisation} is ready. You sign in through the AWS access portal:`;

  const text = [
    `Hello ${input.displayName},`,
    '',
    opening,
    '',
    `  Portal:    ${input.startUrl}`,
    `  Username:  ${input.userName}`,
    '',
    `First password: ${passwordSentence(input)}`,
    '',
    'What you can reach today:',
    '',
    ...(reach.length === 0 ? [`  ${NOTHING_YET}`] : reach.map((l) => `  - ${l}`)),
    `  ${groupsSentence(input.access)}`,
    '',
    `Need more? Ask in Slack:  ${REQUEST_COMMAND}`,
    `  for example  ${REQUEST_EXAMPLE}  (the rules say who approves it; you hear back in Slack).`,
    '',
    'Setting up the AWS CLI (version 2):',
    '',
    '1. Run:  aws configure sso',
    '   and answer:',
    ...prompts.map(([q, a]) => `     ${q}: ${a}`),
    '   then sign in in the browser it opens, pick the account and role, and answer:',
    ...afterPick.map(([q, a]) => `     ${q}: ${a}`),
    `   (name other profiles as you like, e.g. one per account; ${profile} is used below).`,
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
    `<p>${escapeHtml(opening)}</p>`,
    '<table>',
    `<tr><td>Portal</td><td>${link(input.startUrl)}</td></tr>`,
    `<tr><td>Username</td><td>${code(input.userName)}</td></tr>`,
    '</table>',
    `<p><strong>First password:</strong> ${escapeHtml(passwordSentence(input))}</p>`,
    '<h3>What you can reach today</h3>',
    reach.length === 0
      ? `<p>${escapeHtml(NOTHING_YET)}</p>`
      : `<ul>${reach.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`,
    `<p>${escapeHtml(groupsSentence(input.access))}</p>`,
    `<p><strong>Need more?</strong> Ask in Slack: ${code(REQUEST_COMMAND)}, for example ${code(REQUEST_EXAMPLE)} (the rules say who approves it; you hear back in Slack).</p>`,
    '<h3>Setting up the AWS CLI (version 2)</h3>',
    '<ol>',
    `<li>Run ${code('aws configure sso')} and answer:${promptList(prompts)}then sign in in the browser it opens, pick the account and role, and answer:${promptList(afterPick)}(name other profiles as you like, e.g. one per account; ${code(profile)} is used below).</li>`,
    `<li>Sign in: ${codeBlock([loginCommand(input)])}On a machine without a browser (SSH, a container): ${codeBlock([headlessLoginCommand(input)])}and open the link it prints on any device.</li>`,
    `<li>Tip: set ${code('AWS_PROFILE')} so you need not type ${code('--profile')} every time: ${codeBlock([profileTip(input)])}</li>`,
    '</ol>',
    `<p>Questions? Write to ${escapeHtml(input.helpAddress)}.</p>`,
    `<p>${escapeHtml(input.organisation)} platform team</p>`,
  ].join('\n');

  return { subject, text, html: page(subject, body) };
}
