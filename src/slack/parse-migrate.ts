/**
 * `/access migrate` (admins): with nothing, who is still waiting; with a person, the migration email and their
 * message; `remove <person> [--reason "why"]`, the removal of their legacy IAM user (without their confirmation,
 * only with a reason). Pure: whether the person exists, and whether the caller is an admin, is the service's to
 * say.
 */
import { escapeMrkdwn, LIMITS, truncate } from '../domain/text.js';
import { checkReason } from './parse-args.js';
import { parsePersonRef, words } from './slack-text.js';
import { USAGE } from './usage.js';

export type MigrateCommand =
  { kind: 'list' } | { kind: 'start'; who: string } | { kind: 'remove'; who: string; reason?: string };

export type MigrateParsed = { kind: 'complete'; input: MigrateCommand } | { kind: 'error'; message: string };

const withUsage = (message: string): string => `${message}\nUsage: \`${USAGE.migrate.usage}\``;
const shown = (word: string): string => `\`${escapeMrkdwn(truncate(word, 80))}\``;

/** An email or a Slack user id from one word, or what was wrong with it. */
function person(word: string | undefined, missing: string): { who: string } | { message: string } {
  if (word === undefined) return { message: withUsage(missing) };
  const ref = parsePersonRef(word);
  if (ref === undefined) {
    return { message: withUsage(`${shown(word)} is neither a person (@name) nor an email address.`) };
  }
  return { who: 'slackId' in ref ? ref.slackId : ref.email };
}

/** The text after the first `count` words of `text`, as typed (a reason keeps its spacing and quotes). */
function after(text: string, count: number): string {
  let rest = text.trimStart();
  for (const word of words(text).slice(0, count)) {
    rest = rest.slice(rest.indexOf(word) + word.length).trimStart();
  }
  return rest;
}

export function parseMigrateArgs(args: string): MigrateParsed {
  const [first, second, ...extra] = words(args);
  if (first === undefined) return { kind: 'complete', input: { kind: 'list' } };
  if (first.toLowerCase() !== 'remove') {
    const who = person(first, 'Say who should get the migration email.');
    if ('message' in who) return { kind: 'error', message: who.message };
    if (second !== undefined || extra.length > 0) {
      return {
        kind: 'error',
        message: withUsage(
          'Send the migration email to one person at a time. To remove someone’s IAM user, start with `remove`.',
        ),
      };
    }
    return { kind: 'complete', input: { kind: 'start', who: who.who } };
  }
  const who = person(second, 'Say whose legacy IAM user to remove.');
  if ('message' in who) return { kind: 'error', message: who.message };
  const raw = after(args, 2).replace(/^--reason(?:=|\s+|$)/i, '');
  const reason = checkReason(raw, LIMITS.reason);
  if (!reason.ok) return { kind: 'error', message: withUsage(reason.message) };
  return {
    kind: 'complete',
    input: { kind: 'remove', who: who.who, ...(reason.value !== undefined ? { reason: reason.value } : {}) },
  };
}
