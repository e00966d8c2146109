/**
 * The pieces `/access` subcommands share: a permission set, accounts, a duration and a reason, each checked
 * against the config's names with suggestions for what was probably meant. Pure.
 */
import type { RequestOptions } from '../access/api.js';
import {
  formatDuration,
  MAX_SPAN,
  parseDuration,
  type DurationRefusal,
  type DurationSpec,
} from '../domain/duration.js';
import { didYouMean, resolveName } from '../domain/names.js';
import { escapeMrkdwn, LIMITS, truncate } from '../domain/text.js';
import { plainFromSlack } from './slack-text.js';

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

const code = (name: string): string => `\`${escapeMrkdwn(name)}\``;
/** How many known names an error lists when it has nothing closer to suggest. */
const LISTED_NAMES = 12;

function listKnown(kind: string, known: readonly string[]): string {
  if (known.length === 0) return `No ${kind}s are configured.`;
  const shown = known.slice(0, LISTED_NAMES).map(code);
  const more = known.length > LISTED_NAMES ? ` and ${known.length - LISTED_NAMES} more` : '';
  return `Known ${kind}s: ${shown.join(', ')}${more}.`;
}

function unknownName(kind: string, typed: string, suggestions: string[], known: readonly string[]): string {
  const hint = didYouMean(suggestions, code);
  const lead = `I don't know the ${kind} ${code(truncate(typed, 80))}`;
  return hint === '' ? `${lead}. ${listKnown(kind, known)}` : `${lead}: ${hint}`;
}

export function checkPermissionSet(typed: string, options: RequestOptions): Checked<string> {
  const known = options.permissionSets.map((p) => p.name);
  const resolved = resolveName(typed, known);
  if (resolved.ok) return { ok: true, value: resolved.name };
  return { ok: false, message: unknownName('permission set', typed, resolved.suggestions, known) };
}

export function checkAccount(typed: string, options: RequestOptions): Checked<string> {
  const byId = options.accounts.find((a) => a.id === typed.trim());
  if (byId !== undefined) return { ok: true, value: byId.alias };
  const known = options.accounts.map((a) => a.alias);
  const resolved = resolveName(typed, known);
  if (resolved.ok) return { ok: true, value: resolved.name };
  return { ok: false, message: unknownName('account', typed, resolved.suggestions, known) };
}

/** How many unknown accounts one answer explains; the rest are counted. */
const LISTED_PROBLEMS = 5;

/** `prod,staging`, `prod, staging`: every account checked; the unknown ones reported at once. */
export function checkAccounts(typed: readonly string[], options: RequestOptions): Checked<string[]> {
  const found: string[] = [];
  const problems: string[] = [];
  for (const name of typed) {
    const checked = checkAccount(name, options);
    if (checked.ok) {
      if (!found.includes(checked.value)) found.push(checked.value);
    } else {
      problems.push(checked.message);
    }
  }
  if (problems.length === 0) return { ok: true, value: found };
  const more = problems.length - LISTED_PROBLEMS;
  const shown = problems.slice(0, LISTED_PROBLEMS).join('\n');
  return { ok: false, message: more > 0 ? `${shown}\n…and ${more} more unknown accounts.` : shown };
}

/**
 * The leading account list of `rest`: names joined by commas, with or without spaces around them
 * (`prod, staging 4h …`). Returns the names and what follows.
 */
export function takeAccountList(rest: string): { names: string[]; rest: string } {
  const match = /^[^\s,]+(?:\s*,\s*[^\s,]+)*\s*,?/.exec(rest.trimStart());
  if (match === null) return { names: [], rest: rest.trim() };
  const names = match[0]
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  return { names, rest: rest.trimStart().slice(match[0].length).trim() };
}

/**
 * A word that was meant as a duration, valid or not: a digit first (or a sign and a digit), then only digits,
 * letters, `.`, `,` and `:` (`4h`, `-1h`, `+4h`, `1.5h`, `4hours`, `1:30`, `999999d`). Better refused, naming
 * it, than read as the start of a reason; `500-errors`, `fixing` or a quoted `"-1h …"` start a reason. One pass.
 */
export function looksLikeDurationWord(word: string): boolean {
  const signed = word.startsWith('-') || word.startsWith('+');
  const first = signed ? 1 : 0;
  if (!isDigit(word.charAt(first))) return false;
  for (let i = first + 1; i < word.length; i += 1) {
    const ch = word.charAt(i);
    if (!isDigit(ch) && !isLetter(ch) && ch !== '.' && ch !== ',' && ch !== ':') return false;
  }
  return true;
}

const isDigit = (ch: string): boolean => ch >= '0' && ch <= '9';
const isLetter = (ch: string): boolean => (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');

/** What each refusal of parseDuration says about the word, after the word itself. */
const DURATION_REFUSED: Readonly<Record<DurationRefusal, string>> = {
  not_a_duration: 'is not a duration',
  too_long_a_text: 'is not a duration',
  no_time: 'is no time at all',
  too_long_a_span: `is longer than ${formatDuration(MAX_SPAN)}`,
};

/** The refusal of a word that looks like a duration but is not a valid one, with what would be valid. */
export function durationRefusal(word: string, refusal: DurationRefusal): string {
  const limit = refusal === 'too_long_a_span' ? ` (at most \`${formatDuration(MAX_SPAN)}\`)` : '';
  return (
    `${code(truncate(word, 80))} ${DURATION_REFUSED[refusal]}: use \`30m\`, \`4h\`, \`2d\`${limit} or \`permanent\`.` +
    ' If it starts the reason, put the reason in quotes.'
  );
}

export type DurationTake =
  | { kind: 'none' }
  | { kind: 'duration'; value: DurationSpec; rest: string }
  | { kind: 'error'; message: string };

/** The first word of `text` and what follows it, in one pass (no split over the whole text). */
function firstWord(text: string): { word: string; rest: string } {
  let end = 0;
  while (end < text.length && !/\s/.test(text.charAt(end))) end += 1;
  return { word: text.slice(0, end), rest: text.slice(end).trim() };
}

/**
 * Reads a duration from the first word of `rest`, if there is one. A word that looks like a duration but is not
 * a valid one is an error naming it; any other word is not a duration (it starts the reason).
 */
export function takeDuration(rest: string): DurationTake {
  const { word, rest: after } = firstWord(rest.trim());
  if (word === '') return { kind: 'none' };
  const parsed = parseDuration(word);
  if (parsed.ok) return { kind: 'duration', value: parsed.value, rest: after };
  if (looksLikeDurationWord(word)) return { kind: 'error', message: durationRefusal(word, parsed.code) };
  return { kind: 'none' };
}

const QUOTES: readonly (readonly [string, string])[] = [
  ['"', '"'],
  ["'", "'"],
  ['“', '”'],
  ['‘', '’'],
  ['«', '»'],
];

function stripQuotes(text: string): string {
  const t = text.trim();
  for (const [open, close] of QUOTES) {
    if (t.length >= 2 && t.startsWith(open) && t.endsWith(close)) return t.slice(1, -1).trim();
  }
  return t;
}

/** The reason as the person meant it (quotes optional), or undefined when there is none. */
export function checkReason(raw: string, limit: number = LIMITS.reason): Checked<string | undefined> {
  const reason = stripQuotes(plainFromSlack(raw));
  if (reason === '') return { ok: true, value: undefined };
  if (reason.length > limit) {
    return {
      ok: false,
      message: `The reason is ${reason.length} characters long; keep it to ${limit}.`,
    };
  }
  return { ok: true, value: reason };
}
