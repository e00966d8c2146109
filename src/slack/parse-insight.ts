/**
 * `/access whois [email|@user]` and `/access users [page]`. Pure, like parse.ts: the words are read and checked
 * here; whether the person exists, and whether the caller is an admin, is the insight service's to say.
 */
import { escapeMrkdwn, truncate } from '../domain/text.js';
import { parsePersonRef, words } from './slack-text.js';
import { USAGE, type SubcommandName } from './usage.js';

export type InsightParsed<Input> = { kind: 'complete'; input: Input } | { kind: 'error'; message: string };

/** `who` as the insight service takes it (an email, a user name or a Slack user id); absent: yourself. */
export interface WhoisArgs {
  who?: string;
}

export interface UsersArgs {
  page: number;
}

const withUsage = (name: SubcommandName, message: string): string =>
  `${message}\nUsage: \`${USAGE[name].usage}\``;
const shown = (word: string): string => `\`${escapeMrkdwn(truncate(word, 80))}\``;

/** Identity Center user names that are not emails: letters, digits and `+=,.@_-`. */
const USER_NAME = /^[\w+=,.@-]{1,128}$/;

export function parseWhoisArgs(args: string): InsightParsed<WhoisArgs> {
  const [word, ...extra] = words(args);
  if (word === undefined) return { kind: 'complete', input: {} };
  if (extra.length > 0) {
    return { kind: 'error', message: withUsage('whois', 'Look up one person at a time.') };
  }
  const ref = parsePersonRef(word);
  if (ref !== undefined) {
    return { kind: 'complete', input: { who: 'slackId' in ref ? ref.slackId : ref.email } };
  }
  if (USER_NAME.test(word)) return { kind: 'complete', input: { who: word } };
  return {
    kind: 'error',
    message: withUsage('whois', `${shown(word)} is neither a person (@name), an email nor a user name.`),
  };
}

export function parseUsersArgs(args: string): InsightParsed<UsersArgs> {
  const [word, ...extra] = words(args);
  if (word === undefined) return { kind: 'complete', input: { page: 1 } };
  const page = /^\d{1,6}$/.test(word) ? Number(word) : 0;
  if (extra.length > 0 || page < 1) {
    return { kind: 'error', message: withUsage('users', `${shown(args.trim())} is not a page number.`) };
  }
  return { kind: 'complete', input: { page } };
}
