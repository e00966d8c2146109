/**
 * `/access user update <email|@user>` and `/access welcome <email|@user>`. Pure, like parse.ts: the person is
 * read here (an email or a Slack mention); whether they exist, and whether the caller is an admin, is the admin
 * service's to say.
 */
import { escapeMrkdwn, truncate } from '../domain/text.js';
import type { PersonInput } from './parse-admin.js';
import { parsePersonRef, words } from './slack-text.js';
import { USAGE } from './usage.js';

export type PeopleParsed<Input> = { kind: 'complete'; input: Input } | { kind: 'error'; message: string };

const withUsage = (name: 'user' | 'welcome', message: string): string =>
  `${message}\nUsage: \`${USAGE[name].usage}\``;
const shown = (word: string): string => `\`${escapeMrkdwn(truncate(word, 80))}\``;

/** One person, and nothing else on the line. */
function onePerson(
  name: 'user' | 'welcome',
  parts: readonly string[],
  missing: string,
): PeopleParsed<PersonInput> {
  const [word, ...extra] = parts;
  if (word === undefined) return { kind: 'error', message: withUsage(name, missing) };
  const ref = parsePersonRef(word);
  if (ref === undefined) {
    return {
      kind: 'error',
      message: withUsage(name, `${shown(word)} is neither a person (@name) nor an email address.`),
    };
  }
  if (extra.length > 0) {
    return {
      kind: 'error',
      message: withUsage(
        name,
        name === 'user'
          ? 'Name one person: the new names and email go in the form.'
          : 'Name one person at a time.',
      ),
    };
  }
  return { kind: 'complete', input: { who: 'slackId' in ref ? ref.slackId : ref.email } };
}

/** `user update <email|@user>`: `update` is the only action on a user for now. */
export function parseUserArgs(args: string): PeopleParsed<PersonInput> {
  const [action, ...rest] = words(args);
  if (action === undefined || action.toLowerCase() !== 'update') {
    const typed = action === undefined ? '' : `${shown(action)} is not something I do to a user. `;
    return {
      kind: 'error',
      message: withUsage('user', `${typed}Say \`update\` and whose details change.`),
    };
  }
  return onePerson('user', rest, 'Say whose details change: their email or @name.');
}

export function parseWelcomeArgs(args: string): PeopleParsed<PersonInput> {
  return onePerson(
    'welcome',
    words(args),
    'Say who should get the welcome email again: their email or @name.',
  );
}
