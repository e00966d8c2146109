/**
 * The admins' `/access` subcommands: `onboard [email]`, `offboard <email|@user>` and `role <email|@user> <role>`
 * (`migrate` is parse-migrate.ts). Pure, like parse.ts: the person and the role are read and checked here; whether the
 * person exists, and whether the caller is an admin, is the admin service's to say.
 */
import { didYouMean, resolveName } from '../domain/names.js';
import { escapeMrkdwn, truncate } from '../domain/text.js';
import { parsePersonRef, words } from './slack-text.js';
import { USAGE, type SubcommandName } from './usage.js';

export type AdminParsed<Input, Prefill = never> =
  | { kind: 'complete'; input: Input }
  | { kind: 'modal'; prefill: Prefill }
  | { kind: 'error'; message: string };

export interface OnboardPrefill {
  email?: string;
}

/** `who` as the admin service takes it: an email, or a Slack user id. */
export interface PersonInput {
  who: string;
}

export interface RoleChangeArgs extends PersonInput {
  role: string;
}

const withUsage = (name: SubcommandName, message: string): string =>
  `${message}\nUsage: \`${USAGE[name].usage}\``;
const shown = (word: string): string => `\`${escapeMrkdwn(truncate(word, 80))}\``;

/** An email or a Slack user id from one word of the command, or what was wrong with it. */
function person(
  name: SubcommandName,
  word: string | undefined,
  missing: string,
): { ok: true; who: string } | { ok: false; message: string } {
  if (word === undefined) return { ok: false, message: withUsage(name, missing) };
  const ref = parsePersonRef(word);
  if (ref === undefined) {
    return {
      ok: false,
      message: withUsage(name, `${shown(word)} is neither a person (@name) nor an email address.`),
    };
  }
  return { ok: true, who: 'slackId' in ref ? ref.slackId : ref.email };
}

export function parseOnboardArgs(args: string): AdminParsed<never, OnboardPrefill> {
  const [first, ...extra] = words(args);
  if (first === undefined) return { kind: 'modal', prefill: {} };
  const ref = parsePersonRef(first);
  if (ref === undefined || 'slackId' in ref || extra.length > 0) {
    // A Slack account is picked in the form; only the work email can be given on the command line.
    return {
      kind: 'error',
      message: withUsage('onboard', 'Give the new starter’s work email, or nothing to fill in the form.'),
    };
  }
  return { kind: 'modal', prefill: { email: ref.email } };
}

export function parseOffboardArgs(args: string): AdminParsed<PersonInput> {
  const [first, ...extra] = words(args);
  const who = person('offboard', first, 'Say who is leaving: their email or @name.');
  if (!who.ok) return { kind: 'error', message: who.message };
  if (extra.length > 0) {
    return {
      kind: 'error',
      message: withUsage('offboard', 'Offboard one person at a time; the reason goes in the form.'),
    };
  }
  return { kind: 'complete', input: { who: who.who } };
}

/** The role as configured (case-insensitive), with suggestions when it is close to one. */
function checkRole(
  typed: string,
  roles: readonly string[],
): { ok: true; role: string } | { ok: false; message: string } {
  const resolved = resolveName(typed, roles);
  if (resolved.ok) return { ok: true, role: resolved.name };
  const hint = didYouMean(resolved.suggestions, (n) => `\`${escapeMrkdwn(n)}\``);
  const known =
    roles.length === 0
      ? 'No roles are configured.'
      : `Known roles: ${roles
          .slice(0, 12)
          .map((r) => `\`${escapeMrkdwn(r)}\``)
          .join(', ')}${roles.length > 12 ? ` and ${roles.length - 12} more` : ''}.`;
  const lead = `I don't know the role ${shown(typed)}`;
  return { ok: false, message: hint === '' ? `${lead}. ${known}` : `${lead}: ${hint}` };
}

/**
 * `roles`: the configured role names, checked here so a typo is answered before AWS is asked anything; absent,
 * the role goes to the service as typed.
 */
export function parseRoleArgs(args: string, roles?: readonly string[]): AdminParsed<RoleChangeArgs> {
  const [first, roleWord, ...extra] = words(args);
  const who = person('role', first, 'Say whose role changes, and to which role.');
  if (!who.ok) return { kind: 'error', message: who.message };
  if (roleWord === undefined) {
    return { kind: 'error', message: withUsage('role', 'Say which role they move to.') };
  }
  if (extra.length > 0) return { kind: 'error', message: withUsage('role', 'Give one person and one role.') };
  if (roles === undefined) return { kind: 'complete', input: { who: who.who, role: roleWord } };
  const role = checkRole(roleWord, roles);
  if (!role.ok) return { kind: 'error', message: role.message };
  return { kind: 'complete', input: { who: who.who, role: role.role } };
}
