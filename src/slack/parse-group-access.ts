/**
 * The pieces of `/access request` for a group membership and for access ahead of time: `group:<Group>` in place
 * of a permission set and accounts (`group:"Platform Team"` for a name with spaces), and `at <when>` after the
 * accounts or the duration. Pure: the group's name and the start are checked by the service, against AWS and its
 * clock, so a refusal names the problem whatever the text came from.
 */
import type { AccessRequestInput, ExtensionInput, RevokeInput } from '../access/api.js';
import { escapeMrkdwn, truncate } from '../domain/text.js';
import { WHEN_EXAMPLES } from '../domain/when.js';
import { checkReason, takeDuration, type Checked } from './parse-args.js';
import { parsePersonRef, words } from './slack-text.js';

export const GROUP_PREFIX = 'group:';

type Parsed<T> = { kind: 'complete'; input: T } | { kind: 'error'; message: string };

/** Whether the arguments name a group (`group:…`) rather than a permission set. */
export const namesGroup = (args: string): boolean => args.trim().toLowerCase().startsWith(GROUP_PREFIX);

/** The group named after `group:` and the text after it. */
export function takeGroup(args: string): Checked<{ group: string; rest: string }> {
  const after = args.trim().slice(GROUP_PREFIX.length);
  let group: string;
  let rest: string;
  const quote = /^["“']/.exec(after)?.[0];
  if (quote !== undefined) {
    const close = quote === '“' ? '”' : quote;
    const end = after.indexOf(close, 1);
    if (end < 0) return { ok: false, message: `The group's name has no closing ${close}.` };
    group = after.slice(1, end).trim();
    rest = after.slice(end + 1);
  } else {
    // `group: ReadOnly` is not read as a name: the name follows the colon at once.
    const [word = ''] = /^\s/.test(after) ? [] : words(after);
    group = word;
    rest = after.slice(word.length);
  }
  if (group === '') {
    return {
      ok: false,
      message:
        'Name the group after `group:`, like `/access request group:ReadOnly 2h` (quotes for a name with spaces: `group:"Platform Team"`).',
    };
  }
  return { ok: true, value: { group, rest } };
}

/** Words that can begin a start time: `2026-12-08`, `today`, `tomorrow`, `09:00`, `+2h`, `2026-12-08T09:00`. */
const DAY_WORD = /^(\d{4}-\d{2}-\d{2}|today|tomorrow)$/i;
const ONE_WORD_WHEN = /^(\d{1,2}:\d{2}|\+\S+|\d{4}-\d{2}-\d{2}t\S+)$/i;

/**
 * `at <when>` at the start of `rest`: the when's text (one or two words and an optional `UTC`) and what follows.
 * undefined when `rest` does not start so (a reason may start with the word "at").
 */
export function takeWhen(rest: string): { when: string; rest: string } | undefined {
  const all = words(rest);
  if (all[0]?.toLowerCase() !== 'at') return undefined;
  const first = all[1];
  if (first === undefined || !(DAY_WORD.test(first) || ONE_WORD_WHEN.test(first))) return undefined;
  let taken = 2;
  if (DAY_WORD.test(first) && all[2] !== undefined) taken = 3;
  if (all[taken]?.toLowerCase() === 'utc') taken += 1;
  const when = all.slice(1, taken).join(' ');
  // What follows the words taken, as typed (the reason keeps its spacing).
  let cut = rest;
  for (const w of all.slice(0, taken)) cut = cut.slice(cut.indexOf(w) + w.length);
  return { when, rest: cut };
}

/**
 * `at <when>` that ends the line, after a reason (`… reading the logs at tomorrow 09:00`, as the issue writes
 * `/access request … at <when>`): the when's text and the reason before it. undefined when the line does not end
 * with a start this reads (the words stay the reason).
 */
export function takeTrailingWhen(rest: string): { when: string; rest: string } | undefined {
  for (const m of rest.matchAll(/(^|\s)at\s/gi)) {
    const from = (m.index ?? 0) + (m[1] ?? '').length;
    const taken = takeWhen(rest.slice(from));
    if (taken !== undefined && taken.rest.trim() === '')
      return { when: taken.when, rest: rest.slice(0, from) };
  }
  return undefined;
}

/** Words after `at` that mean a time the reader does not take: refused rather than read as a reason. */
const TIME_ISH =
  /\d|^(next|this|on|noon|midnight|tonight|monday|tuesday|wednesday|thursday|friday|saturday|sunday)$/i;

/**
 * The `at` of a line that has one the reader could not take (`at`, `at next tuesday`, `at 9am`): said, rather
 * than read as a reason and granted now. A reason that merely starts with "at" (`at the customer's request`) passes.
 */
export function strayAt(rest: string): string | undefined {
  const [first, second] = words(rest);
  if (first?.toLowerCase() !== 'at') return undefined;
  if (second !== undefined && !TIME_ISH.test(second)) return undefined;
  const shown = second === undefined ? '' : ` \`${escapeMrkdwn(truncate(second, 40))}\``;
  return `I cannot read the start after \`at\`${shown}, so nothing was asked for. Say when like ${WHEN_EXAMPLES}.`;
}

/** `/access request group:<Group> [<duration>] [at <when>] [reason…] [at <when>]`. */
export function parseGroupRequest(args: string, userId: string): Parsed<AccessRequestInput> {
  const taken = takeGroup(args);
  if (!taken.ok) return { kind: 'error', message: taken.message };
  const { group, rest } = taken.value;
  const duration = takeDuration(rest);
  if (duration.kind === 'error') return { kind: 'error', message: duration.message };
  const afterDuration = duration.kind === 'duration' ? duration.rest : rest;
  const early = takeWhen(afterDuration);
  const afterWhen = early?.rest ?? afterDuration;
  const stray = strayAt(afterWhen);
  if (stray !== undefined) return { kind: 'error', message: stray };
  const late = early === undefined ? takeTrailingWhen(afterWhen) : undefined;
  const when = early ?? late;
  const reason = checkReason(late?.rest ?? afterWhen);
  if (!reason.ok) return { kind: 'error', message: reason.message };
  return {
    kind: 'complete',
    input: {
      requesterSlackId: userId,
      permissionSet: '',
      accounts: [],
      group,
      ...(duration.kind === 'duration' ? { duration: duration.value } : {}),
      ...(when !== undefined ? { when: when.when } : {}),
      ...(reason.value !== undefined ? { reason: reason.value } : {}),
    },
  };
}

/** `/access extend group:<Group> <duration> [reason…]`. */
export function parseGroupExtend(args: string, userId: string): Parsed<ExtensionInput> {
  const taken = takeGroup(args);
  if (!taken.ok) return { kind: 'error', message: taken.message };
  const { group, rest } = taken.value;
  const duration = takeDuration(rest);
  if (duration.kind !== 'duration') {
    return {
      kind: 'error',
      message:
        duration.kind === 'error'
          ? duration.message
          : `Say how much longer, like \`/access extend group:${escapeMrkdwn(truncate(group, 80))} 2h\`.`,
    };
  }
  const reason = checkReason(duration.rest);
  if (!reason.ok) return { kind: 'error', message: reason.message };
  return {
    kind: 'complete',
    input: {
      requesterSlackId: userId,
      group,
      duration: duration.value,
      ...(reason.value !== undefined ? { reason: reason.value } : {}),
    },
  };
}

/** `/access revoke group:<Group> [@user|email]`. */
export function parseGroupRevoke(args: string, userId: string): Parsed<RevokeInput> {
  const taken = takeGroup(args);
  if (!taken.ok) return { kind: 'error', message: taken.message };
  const { group, rest } = taken.value;
  const [personWord, ...extra] = words(rest);
  const input: RevokeInput = { actorSlackId: userId, permissionSet: '', account: '', group };
  if (personWord === undefined) return { kind: 'complete', input };
  const person = extra.length === 0 ? parsePersonRef(personWord) : undefined;
  if (person === undefined) {
    return {
      kind: 'error',
      message: `After the group, name at most one person (@name or an email): \`/access revoke group:${escapeMrkdwn(truncate(group, 80))} @sam\`.`,
    };
  }
  if ('slackId' in person) {
    return {
      kind: 'complete',
      input: person.slackId === userId ? input : { ...input, targetSlackId: person.slackId },
    };
  }
  return { kind: 'complete', input: { ...input, targetEmail: person.email } };
}
