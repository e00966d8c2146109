/**
 * Ticket references that rules require (`requireTicket: { pattern, url }`): checking a pattern when the config
 * is loaded, finding a reference in what a requester gave, and the link to it. Pure.
 *
 * A pattern is a person's regular expression run against a requester's text, so it is guarded twice: at load
 * (short, compiles, matches no empty reference, no repeat nested in a repeat, the shape that can take forever on
 * some text) and when run (only against bounded text: a reference given is at most TICKET_REF_MAX characters,
 * and a reason is searched word by word, each at most TICKET_WORD_MAX, the whole at most TICKET_TEXT_MAX).
 */
import { escapeMrkdwn, joinWords } from './text.js';

/** What a rule asks for: a pattern (JavaScript regular expression, no flags) and a link template with `{ticket}`. */
export interface TicketRule {
  pattern: string;
  url: string;
}

/** A ticket reference found for a request, with the link the rule's template makes of it. */
export interface TicketRef {
  ref: string;
  url: string;
  /** The pattern it was asked for by. */
  pattern: string;
}

export const TICKET_PATTERN_MAX = 200;
/** The longest ticket reference read from a `ticket:` argument or the modal's Ticket field. */
export const TICKET_REF_MAX = 100;
/** The most text a pattern ever runs against (a reason is capped below this already). */
export const TICKET_TEXT_MAX = 2_000;
/** The longest word of a reason a pattern is run on: a ticket reference is one short word. */
export const TICKET_WORD_MAX = 40;

/** A quantified group that itself contains a quantifier: `(a+)+`, `(\w*x)*`, `(a|b+){2,}`. */
const NESTED_REPEAT = /\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)[+*{]/;

/** Why a pattern cannot be used, or undefined when it can: for config messages. */
export function ticketPatternProblem(pattern: string): string | undefined {
  if (pattern.length > TICKET_PATTERN_MAX) {
    return `is ${pattern.length} characters long; keep a ticket pattern under ${TICKET_PATTERN_MAX} (like '[A-Z]+-\\d+')`;
  }
  let compiled: RegExp;
  try {
    compiled = new RegExp(`^(?:${pattern})$`);
  } catch (error) {
    const why = error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : '';
    return `is not a regular expression (${why}); a ticket pattern looks like '[A-Z]+-\\d+'`;
  }
  if (NESTED_REPEAT.test(pattern)) {
    return "repeats a group that repeats inside (like '(a+)+'), which can take forever on some text: write it without the nested repeat, like '[A-Z]+-\\d+'";
  }
  if (compiled.test('')) return "matches an empty reference, so it would accept anything: like '[A-Z]+-\\d+'";
  return undefined;
}

/** Why a link template cannot be used, or undefined when it can. */
export function ticketUrlProblem(url: string): string | undefined {
  if (!url.includes('{ticket}')) {
    return "must contain {ticket} where the reference goes, like 'https://tracker.example.com/browse/{ticket}'";
  }
  if (/[\s<>|"]/.test(url)) return 'must not contain spaces, quotes, < > or |';
  let parsed: URL;
  try {
    parsed = new URL(url.replaceAll('{ticket}', 'T-1'));
  } catch {
    return "is not a URL, like 'https://tracker.example.com/browse/{ticket}'";
  }
  if (parsed.protocol !== 'https:') return 'must be an https:// link';
  return undefined;
}

/** The link to a reference: the template with the reference URL-encoded in place of `{ticket}`. */
export function ticketLink(rule: TicketRule, ref: string): string {
  return rule.url.replaceAll('{ticket}', encodeURIComponent(ref));
}

export type TicketCheck = { ok: true; tickets: TicketRef[] } | { ok: false; message: string };

/**
 * Finds, for every rule's pattern, the reference that meets it: one of the references given explicitly (`ticket`,
 * several separated by spaces or commas, or `ticket:ABC-123` in the reason; each matching the whole pattern),
 * else the first match in the reason.
 * All patterns must be met; an explicit reference that meets none of them is refused, so that a typo is not
 * silently replaced by something found in the reason. `target` names the request in messages (mrkdwn, escaped).
 */
export function findTickets(
  rules: readonly TicketRule[],
  input: { ticket?: string; reason?: string },
  target: string,
): TicketCheck {
  const wanted = uniqueRules(rules);
  if (wanted.length === 0) return { ok: true, tickets: [] };
  const given = (input.ticket ?? '').trim();
  if (given.length > TICKET_REF_MAX) {
    return {
      ok: false,
      message: `The ticket reference is ${given.length} characters long; give just the reference (at most ${TICKET_REF_MAX}), like ${exampleOf(wanted)}.`,
    };
  }
  const reason = (input.reason ?? '').slice(0, TICKET_TEXT_MAX);
  const refs = [...(given === '' ? [] : given.split(/[\s,]+/).filter((r) => r !== '')), ...namedIn(reason)];
  const stray = refs.find((ref) => !wanted.some((rule) => whole(rule.pattern).test(ref)));
  if (stray !== undefined) {
    return {
      ok: false,
      message: `"${escapeMrkdwn(stray)}" is not a ticket reference for ${target}: it needs a ticket like ${exampleOf(wanted)}. Nothing was asked.`,
    };
  }
  const tickets: TicketRef[] = [];
  const missing: TicketRule[] = [];
  for (const rule of wanted) {
    const ref = refs.find((r) => whole(rule.pattern).test(r)) ?? firstMatch(rule.pattern, reason);
    if (ref === undefined) missing.push(rule);
    else tickets.push({ ref, url: ticketLink(rule, ref), pattern: rule.pattern });
  }
  if (missing.length > 0) {
    return {
      ok: false,
      message: `${capitalise(target)} needs a ticket like ${exampleOf(missing)}: put it in the reason, or add \`ticket:<reference>\` to the command (the form has a Ticket field). Nothing was asked.`,
    };
  }
  return { ok: true, tickets };
}

/** `ticket:ABC-123` words in a reason: references named as such (a trailing `.`, `,`, `;` or `)` left out). */
function namedIn(reason: string): string[] {
  return [...reason.matchAll(/(?:^|\s)ticket:(\S{1,100})/gi)]
    .map((m) => m[1]!.replace(/[.,;:)]+$/, ''))
    .filter((r) => r !== '');
}

/** The references of a request's tickets as one `ticket` input, so that a decision taken again finds them again. */
export function ticketInputOf(tickets: readonly TicketRef[] | undefined): string | undefined {
  return tickets === undefined || tickets.length === 0 ? undefined : tickets.map((t) => t.ref).join(' ');
}

/** `ABC-123 (pattern [A-Z]+-\d+)`, for each rule: the form a requester can copy. */
function exampleOf(rules: readonly TicketRule[]): string {
  return joinWords(
    rules.map((r) => `${sampleFor(r.pattern)}(pattern \`${r.pattern.replaceAll('`', "'")}\`)`),
    'and',
  );
}

/** A sample reference for the common shapes; none for others (the pattern says it then). */
function sampleFor(pattern: string): string {
  const samples = ['ABC-123', 'SEC-123', 'INC-123', 'CHG-123', '#123', '123'];
  const sample = samples.find((s) => whole(pattern).test(s));
  return sample !== undefined ? `${sample} ` : '';
}

const compiled = new Map<string, { whole: RegExp; anywhere: RegExp }>();

function patternOf(pattern: string): { whole: RegExp; anywhere: RegExp } {
  let known = compiled.get(pattern);
  if (known === undefined) {
    known = { whole: new RegExp(`^(?:${pattern})$`), anywhere: new RegExp(pattern) };
    compiled.set(pattern, known);
  }
  return known;
}

const whole = (pattern: string): RegExp => patternOf(pattern).whole;

/**
 * The first match in the reason, looked for word by word (words longer than TICKET_WORD_MAX skipped): a pattern
 * that backtracks a lot then runs on a few dozen characters at a time, never on the whole of the requester's text.
 */
function firstMatch(pattern: string, text: string): string | undefined {
  const anywhere = patternOf(pattern).anywhere;
  for (const word of text.split(/\s+/)) {
    if (word === '' || word.length > TICKET_WORD_MAX) continue;
    const found = anywhere.exec(word);
    if (found !== null && found[0] !== '') return found[0];
  }
  return undefined;
}

function uniqueRules(rules: readonly TicketRule[]): TicketRule[] {
  const seen = new Map<string, TicketRule>();
  for (const r of rules) if (!seen.has(r.pattern)) seen.set(r.pattern, r);
  return [...seen.values()];
}

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
