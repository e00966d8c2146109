/**
 * `/access group add|remove <email|@user> <group>`, `/access group list [group]` and
 * `/access group create <name> [description]`. Pure, like parse.ts: the words are read here; whether the group
 * or the person exists, whether the name is one AWS takes, and whether the caller is an admin is the admin
 * service's to say. A group name may hold spaces: it is the rest of the line (add, remove, list), or one word
 * or a "quoted name" before the description (create).
 */
import { didYouMean, resolveName } from '../domain/names.js';
import { escapeMrkdwn, truncate } from '../domain/text.js';
import type { AdminParsed } from './parse-admin.js';
import { parsePersonRef, plainFromSlack, words } from './slack-text.js';
import { USAGE } from './usage.js';

export type GroupCommand =
  | { action: 'list'; group?: string }
  | { action: 'add' | 'remove'; who: string; group: string }
  | { action: 'create'; name: string; description?: string };

const VERBS = ['add', 'remove', 'list', 'create'] as const;

const withUsage = (message: string): string => `${message}\nUsage: \`${USAGE.group.usage}\``;
const shown = (word: string): string => `\`${escapeMrkdwn(truncate(word, 80))}\``;

/** Opening quote → its closing one: straight, or as Slack's clients often turn them. */
const QUOTES: Readonly<Record<string, string>> = { '"': '"', '“': '”', '”': '”' };

/** The text after the first word of `text` (trimmed). */
const afterFirst = (text: string, first: string): string => text.trim().slice(first.length).trim();

/** A group name as typed: Slack's markup read back, surrounding quotes dropped. */
function nameFrom(text: string): string {
  const plain = plainFromSlack(text).trim();
  const close = QUOTES[plain.charAt(0)];
  return close !== undefined && plain.length > 1 && plain.endsWith(close) ? plain.slice(1, -1).trim() : plain;
}

export function parseGroupArgs(args: string): AdminParsed<GroupCommand> {
  const [verbWord] = words(args);
  if (verbWord === undefined) {
    return { kind: 'error', message: withUsage('Say what to do with groups: add, remove, list or create.') };
  }
  const verb = verbWord.toLowerCase();
  const rest = afterFirst(args, verbWord);
  switch (verb) {
    case 'list': {
      const group = nameFrom(rest);
      return { kind: 'complete', input: group === '' ? { action: 'list' } : { action: 'list', group } };
    }
    case 'add':
    case 'remove':
      return membership(verb, rest);
    case 'create':
      return create(rest);
    default: {
      const resolved = resolveName(verb, VERBS);
      const hint = didYouMean(resolved.ok ? [] : resolved.suggestions, (v) => `\`/access group ${v}\``);
      return {
        kind: 'error',
        message: withUsage(
          `${shown(verbWord)} is not something I do with groups${hint === '' ? ': add, remove, list or create.' : `: ${hint}`}`,
        ),
      };
    }
  }
}

function membership(action: 'add' | 'remove', text: string): AdminParsed<GroupCommand> {
  const [personWord] = words(text);
  const toFrom = action === 'add' ? 'to' : 'from';
  if (personWord === undefined) {
    return { kind: 'error', message: withUsage(`Say whom to ${action}, and ${toFrom} which group.`) };
  }
  const ref = parsePersonRef(personWord);
  if (ref === undefined) {
    return {
      kind: 'error',
      message: withUsage(`${shown(personWord)} is neither a person (@name) nor an email address.`),
    };
  }
  const group = nameFrom(afterFirst(text, personWord));
  if (group === '') {
    return { kind: 'error', message: withUsage(`Say which group to ${action} them ${toFrom}.`) };
  }
  return { kind: 'complete', input: { action, who: 'slackId' in ref ? ref.slackId : ref.email, group } };
}

function create(text: string): AdminParsed<GroupCommand> {
  const plain = plainFromSlack(text).trim();
  if (plain === '') return { kind: 'error', message: withUsage('Give the new group a name.') };
  const close = QUOTES[plain.charAt(0)];
  let name: string;
  let description: string;
  if (close !== undefined) {
    const end = plain.indexOf(close, 1);
    if (end === -1) {
      return {
        kind: 'error',
        message: withUsage('The group’s name has an opening quote but no closing one.'),
      };
    }
    name = plain.slice(1, end).trim();
    description = plain.slice(end + 1).trim();
  } else {
    const [first = ''] = plain.split(/\s+/, 1);
    name = first;
    description = plain.slice(first.length).trim();
  }
  if (name === '') return { kind: 'error', message: withUsage('Give the new group a name.') };
  return {
    kind: 'complete',
    input: { action: 'create', name, ...(description !== '' ? { description } : {}) },
  };
}
