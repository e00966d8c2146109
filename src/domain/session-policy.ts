/**
 * Ending sessions already open. Removing an account assignment stops new sessions, but a role session that
 * Identity Center already issued lasts up to the permission set's session duration. AWS's documented remedy
 * is a Deny-all statement in the permission set's inline policy, for that user's sessions issued before a
 * moment. access-desk adds one such denial per (person, account, moment access ended) and removes them once
 * those sessions have expired.
 *
 * The inline policy is shared with whoever else manages the permission set (the console, Terraform), so the
 * text is edited, never re-serialised: everything that is not access-desk's survives byte for byte, and only
 * statements whose Sid starts with SID_PREFIX are ever changed or removed.
 *
 * Pure: text in, text out. Reading and writing the policy is the adapter's job.
 */

/** One session denial: sessions of `userId` (Identity Center user id) on `accountId` issued before `endedAt` are denied. */
export interface SessionDenial {
  userId: string;
  accountId: string;
  endedAt: Date;
}

/** The Sid prefix that marks statements as access-desk's: only these are ever changed or removed. */
export const SID_PREFIX = 'AccessDeskEndedSessions';

/** AWS's limit on an inline policy: 10,240 characters not counting whitespace (and MAX_POLICY_BYTES). */
export const MAX_POLICY_CHARS = 10_240;

/** AWS's other limit on an inline policy, in bytes of UTF-8, whitespace included. */
export const MAX_POLICY_BYTES = 32_768;

/** The policy language version of a policy access-desk creates when there was none. */
export const POLICY_VERSION = '2012-10-17';

export type PolicyEdit =
  | {
      ok: true;
      /** The policy to put; null: no policy left at all (delete it, or leave none). */
      text: string | null;
      /** True when `text` is what `current` already was: there is nothing to write. */
      unchanged: boolean;
      /** The denials whose sessions the policy ends, in the order given. */
      fitted: SessionDenial[];
      /** The denials that did not fit within AWS's size limits, in the order given: their sessions stay open. */
      left: SessionDenial[];
    }
  | {
      ok: false;
      /** A sentence naming what is wrong with the existing policy. */
      problem: string;
    };

/**
 * Rewrites `current` (the text GetInlinePolicyForPermissionSet answered; '' or null: none) so that
 * access-desk's statements are exactly those for `denials`, merged so that many fit.
 *
 * When they do not all fit AWS's limits, as many as fit are kept, tried in the order given (callers pass the
 * oldest first, whose sessions are the longest open), and the rest are answered in `left`. When the other
 * statements alone already exceed the limits, `current` is kept as it is and every denial is left: writing
 * anything would be refused.
 *
 * Throws on an invalid denial: ids and moments come from our own records, so one that is wrong is a bug.
 */
export function withSessionDenials(current: string | null, denials: readonly SessionDenial[]): PolicyEdit {
  denials.forEach(checkDenial);
  const framed = frameOf(current);
  if (!framed.ok) return framed;
  const { frame } = framed;
  const everything = compose(frame, denyText(latestPerPair(denials.map(toPair)).values()));
  if (fits(everything)) return edited(current, everything, [...denials], []);
  if (!fits(compose(frame, '')))
    return edited(current, hasPolicy(current) ? current : null, [], [...denials]);
  return fitInOrder(current, frame, denials);
}

/** access-desk's denials found in a policy text, one per (user, account) its statements deny (for whois/audit). */
export function sessionDenialsIn(text: string | null): SessionDenial[] {
  if (!hasPolicy(text)) return [];
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return [];
  }
  if (!isObject(doc)) return [];
  const statements = Array.isArray(doc.Statement) ? (doc.Statement as unknown[]) : [doc.Statement];
  return statements.filter(isOurs).flatMap(denialsOfStatement);
}

/**
 * How AWS measures a policy against MAX_POLICY_CHARS: every character that is not whitespace. Counted on the
 * safe side: only the whitespace JSON itself knows (space, tab, line feed, carriage return) is left out, and a
 * character outside the Basic Multilingual Plane counts as two.
 */
export function nonWhitespaceLength(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += 1) if (!isJsonSpace(text.charCodeAt(i))) count += 1;
  return count;
}

// ---------------------------------------------------------------------------------------------------------
// Checking denials

/** Identity Store's ResourceId pattern (identitystore.json), anchored: also keeps quotes out of the JSON. */
const USER_ID =
  /^(?:[0-9a-f]{10}-)?[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/;
const USER_ID_MAX = 47;
const ACCOUNT_ID = /^\d{12}$/;
const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

function checkDenial(d: SessionDenial, index: number): void {
  const name = `session denial #${index + 1} (${JSON.stringify(d.userId)} on ${JSON.stringify(d.accountId)})`;
  if (typeof d.userId !== 'string' || d.userId.length > USER_ID_MAX || !USER_ID.test(d.userId)) {
    throw new RangeError(`${name}: the user id is not an Identity Store user id`);
  }
  if (typeof d.accountId !== 'string' || !ACCOUNT_ID.test(d.accountId)) {
    throw new RangeError(`${name}: the account id is not 12 digits`);
  }
  if (!(d.endedAt instanceof Date) || !Number.isFinite(d.endedAt.getTime())) {
    throw new RangeError(`${name}: endedAt is not a valid date`);
  }
  if (!ISO_SECONDS.test(isoSeconds(deniedBefore(d.endedAt)))) {
    throw new RangeError(`${name}: endedAt ${d.endedAt.toISOString()} is outside the years 0000–9999`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Merging denials into statements

/** A denial as a statement sees it: the moment is already the whole second sessions are denied before. */
interface PairDenial {
  userId: string;
  accountId: string;
  before: number;
}

/** Users × accounts × issued before `before`: exactly the pairs asked for, never more. */
interface DenyStatement {
  users: string[];
  accounts: string[];
  before: number;
}

/**
 * The whole second, in epoch milliseconds, sessions are denied before: rounded up, so that a session issued
 * earlier in the same second as access ended (aws:TokenIssueTime has whole seconds) is denied too. A moment
 * that is already a whole second stays: reading a statement back and writing it again changes nothing.
 */
const deniedBefore = (endedAt: Date): number => Math.ceil(endedAt.getTime() / 1000) * 1000;

/** `2026-12-07T14:02:00Z`: ISO 8601 in whole seconds, as policy conditions are usually written. */
const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const toPair = (d: SessionDenial): PairDenial => ({
  userId: d.userId,
  accountId: d.accountId,
  before: deniedBefore(d.endedAt),
});

const pairKey = (p: PairDenial): string => `${p.userId} ${p.accountId}`;

/** One denial per (user, account), the latest: denying sessions issued before it covers the earlier ones. */
function latestPerPair(pairs: readonly PairDenial[]): Map<string, PairDenial> {
  const latest = new Map<string, PairDenial>();
  for (const p of pairs) {
    const prior = latest.get(pairKey(p));
    if (prior === undefined || prior.before < p.before) latest.set(pairKey(p), p);
  }
  return latest;
}

/**
 * Merges one-per-pair denials into statements, only where the product is exact: a user's accounts at one
 * moment become one list; then users whose account lists at a moment are identical share a statement. So a
 * statement never denies a (user, account) pair that was not asked for. Sorted by moment, then first user,
 * then accounts, so the same denials always give the same text.
 */
function mergeStatements(pairs: Iterable<PairDenial>): DenyStatement[] {
  const accountsOf = new Map<string, { userId: string; before: number; accounts: string[] }>();
  for (const p of pairs) {
    const key = `${p.before} ${p.userId}`;
    const group = accountsOf.get(key) ?? { userId: p.userId, before: p.before, accounts: [] };
    group.accounts.push(p.accountId);
    accountsOf.set(key, group);
  }
  const usersOf = new Map<string, DenyStatement>();
  for (const { userId, before, accounts } of accountsOf.values()) {
    const sorted = [...accounts].sort();
    const key = `${before} ${sorted.join(',')}`;
    const statement = usersOf.get(key) ?? { users: [], accounts: sorted, before };
    statement.users.push(userId);
    usersOf.set(key, statement);
  }
  const statements = [...usersOf.values()];
  for (const s of statements) s.users.sort();
  return statements.sort(compareStatements);
}

function compareStatements(a: DenyStatement, b: DenyStatement): number {
  if (a.before !== b.before) return a.before - b.before;
  return compareText(a.users[0] ?? '', b.users[0] ?? '') || compareText(a.accounts.join(), b.accounts.join());
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** One statement, compact, numbered: the AWS-documented Deny-all for sessions issued before a moment. */
function renderStatement(s: DenyStatement, n: number): string {
  return JSON.stringify({
    Sid: `${SID_PREFIX}${n}`,
    Effect: 'Deny',
    Action: '*',
    Resource: '*',
    Condition: {
      StringEquals: { 'identitystore:userId': s.users, 'aws:PrincipalAccount': s.accounts },
      DateLessThan: { 'aws:TokenIssueTime': isoSeconds(s.before) },
    },
  });
}

/** access-desk's statements for these pairs, numbered 1..n and joined by ","; '' for none. */
const denyText = (pairs: Iterable<PairDenial>): string =>
  mergeStatements(pairs)
    .map((s, i) => renderStatement(s, i + 1))
    .join(',');

// ---------------------------------------------------------------------------------------------------------
// Reading statements back

function isOurs(statement: unknown): boolean {
  return isObject(statement) && typeof statement.Sid === 'string' && statement.Sid.startsWith(SID_PREFIX);
}

function denialsOfStatement(statement: unknown): SessionDenial[] {
  if (!isObject(statement) || !isObject(statement.Condition)) return [];
  const { StringEquals: equals, DateLessThan: lessThan } = statement.Condition;
  if (!isObject(equals) || !isObject(lessThan)) return [];
  const users = stringsOf(equals['identitystore:userId']);
  const accounts = stringsOf(equals['aws:PrincipalAccount']);
  const before = lessThan['aws:TokenIssueTime'];
  const endedAt = typeof before === 'string' ? new Date(before) : undefined;
  if (endedAt === undefined || !Number.isFinite(endedAt.getTime())) return [];
  return users.flatMap((userId) =>
    accounts.map((accountId) => ({ userId, accountId, endedAt: new Date(endedAt) })),
  );
}

function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------------------
// Fitting AWS's limits

function fits(text: string | null): boolean {
  return (
    text === null || (nonWhitespaceLength(text) <= MAX_POLICY_CHARS && utf8Length(text) <= MAX_POLICY_BYTES)
  );
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/**
 * Tries each denial in the order given and keeps it when the policy still fits: the earlier ones have the
 * first claim on the room. A denial already covered by a kept later moment for its pair costs nothing.
 */
function fitInOrder(current: string | null, frame: Frame, denials: readonly SessionDenial[]): PolicyEdit {
  let chosen = new Map<string, PairDenial>();
  let text = compose(frame, '');
  const fitted: SessionDenial[] = [];
  const left: SessionDenial[] = [];
  for (const d of denials) {
    const pair = toPair(d);
    const prior = chosen.get(pairKey(pair));
    if (prior !== undefined && prior.before >= pair.before) {
      fitted.push(d);
      continue;
    }
    const trial = new Map(chosen).set(pairKey(pair), pair);
    const trialText = compose(frame, denyText(trial.values()));
    if (fits(trialText)) {
      chosen = trial;
      text = trialText;
      fitted.push(d);
    } else {
      left.push(d);
    }
  }
  return edited(current, text, fitted, left);
}

function edited(
  current: string | null,
  text: string | null,
  fitted: SessionDenial[],
  left: SessionDenial[],
): PolicyEdit {
  const unchanged = text === null ? !hasPolicy(current) : text === current;
  return { ok: true, text, unchanged, fitted, left };
}

// ---------------------------------------------------------------------------------------------------------
// The policy text around access-desk's statements

/**
 * The existing policy with access-desk's statements taken out, ready to take the new ones:
 * - none: there was no policy;
 * - array: the Statement array, `before` ending just after its last remaining element (or its opening
 *   whitespace when none remains) and `after` starting with the whitespace before its `]`;
 * - single: the Statement was one object, `theirs` its original text (null when it was ours).
 */
type Frame =
  | { kind: 'none' }
  | { kind: 'array'; before: string; after: string; keptAny: boolean; removedAny: boolean }
  | { kind: 'single'; before: string; after: string; theirs: string | null };

/** The new policy text: the frame with `ours` (statements joined by ",", '' for none) put in. */
function compose(frame: Frame, ours: string): string | null {
  switch (frame.kind) {
    case 'none':
      return ours === '' ? null : `{"Version":"${POLICY_VERSION}","Statement":[${ours}]}`;
    case 'array': {
      const joint = frame.keptAny && ours !== '' ? ',' : '';
      const text = `${frame.before}${joint}${ours}${frame.after}`;
      return ours === '' && frame.removedAny ? nullIfBare(text) : text;
    }
    case 'single':
      if (frame.theirs === null) {
        const text = `${frame.before}[${ours}]${frame.after}`;
        return ours === '' ? nullIfBare(text) : text;
      }
      return `${frame.before}${ours === '' ? frame.theirs : `[${frame.theirs},${ours}]`}${frame.after}`;
  }
}

/**
 * Null when all that is left of a policy is a Version and an empty Statement, whatever its whitespace: that is
 * the skeleton access-desk created, or one that says nothing at all, and an empty Statement would be refused.
 */
function nullIfBare(text: string): string | null {
  const doc = JSON.parse(text) as Record<string, unknown>;
  const keys = Object.keys(doc).filter((k) => k !== 'Version');
  const empty = Array.isArray(doc.Statement) && doc.Statement.length === 0;
  return keys.length === 1 && keys[0] === 'Statement' && empty ? null : text;
}

const hasPolicy = (text: string | null): text is string => text !== null && text.trim() !== '';

type Framed = { ok: true; frame: Frame } | { ok: false; problem: string };

/** Checks the existing policy and finds where access-desk's statements are, and where new ones go. */
function frameOf(current: string | null): Framed {
  if (!hasPolicy(current)) return { ok: true, frame: { kind: 'none' } };
  let doc: unknown;
  try {
    doc = JSON.parse(current);
  } catch (e) {
    return { ok: false, problem: `the inline policy is not valid JSON (${(e as Error).message})` };
  }
  if (!isObject(doc)) return { ok: false, problem: 'the inline policy is not a JSON object' };
  const members = objectMembers(current, skipSpace(current, 0)).filter((m) => m.key === 'Statement');
  const member = members[0];
  if (member === undefined) return { ok: false, problem: 'the inline policy has no Statement' };
  if (members.length > 1) {
    return {
      ok: false,
      problem: 'the inline policy has more than one Statement, so which one AWS reads is unclear',
    };
  }
  const statement = doc.Statement;
  if (Array.isArray(statement)) return { ok: true, frame: arrayFrame(current, member.value, statement) };
  if (!isObject(statement)) {
    return {
      ok: false,
      problem: "the inline policy's Statement is neither a list of statements nor one statement",
    };
  }
  const before = current.slice(0, member.value.start);
  const after = current.slice(member.value.end);
  const theirs = isOurs(statement) ? null : current.slice(member.value.start, member.value.end);
  return { ok: true, frame: { kind: 'single', before, after, theirs } };
}

/**
 * Takes access-desk's elements out of the Statement array at `span`, each with the separator before it (after
 * it, for the first), so that every other element keeps its own leading separator and whitespace exactly.
 * `parsed` is the same array, parsed: its elements are in the same order as the spans.
 */
function arrayFrame(text: string, span: Span, parsed: readonly unknown[]): Frame {
  const elements = arrayElements(text, span);
  const first = elements[0];
  const last = elements[elements.length - 1];
  const innerEnd = span.end - 1;
  let before = text.slice(0, first?.start ?? innerEnd);
  let keptAny = false;
  let removedAny = false;
  elements.forEach((element, i) => {
    if (isOurs(parsed[i])) {
      removedAny = true;
      return;
    }
    const separator = keptAny ? text.slice(elements[i - 1]?.end ?? element.start, element.start) : '';
    before += separator + text.slice(element.start, element.end);
    keptAny = true;
  });
  const after = text.slice(last?.end ?? innerEnd, innerEnd) + text.slice(innerEnd);
  return { kind: 'array', before, after, keptAny, removedAny };
}

// ---------------------------------------------------------------------------------------------------------
// A small JSON scanner: offsets of an object's members and an array's elements in the original text. It runs
// only on text JSON.parse accepted, so it reads structure and does not re-check grammar.

/** Characters [start, end) of the text. */
interface Span {
  start: number;
  end: number;
}

interface Member {
  /** The key as JSON.parse reads it, escapes decoded. */
  key: string;
  value: Span;
}

const isJsonSpace = (code: number): boolean =>
  code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;

function skipSpace(text: string, i: number): number {
  let j = i;
  while (j < text.length && isJsonSpace(text.charCodeAt(j))) j += 1;
  return j;
}

function expectChar(text: string, i: number, ch: string): void {
  if (text[i] !== ch) throw new Error(`session-policy scanner: expected ${ch} at ${i}, found ${text[i]}`);
}

/** The members of the object that opens at `start`. */
function objectMembers(text: string, start: number): Member[] {
  expectChar(text, start, '{');
  const members: Member[] = [];
  let i = skipSpace(text, start + 1);
  if (text[i] === '}') return members;
  for (;;) {
    const keyEnd = stringEnd(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipSpace(text, keyEnd);
    expectChar(text, i, ':');
    const valueStart = skipSpace(text, i + 1);
    const valueEnd = valueEndAt(text, valueStart);
    members.push({ key, value: { start: valueStart, end: valueEnd } });
    i = skipSpace(text, valueEnd);
    if (text[i] === '}') return members;
    expectChar(text, i, ',');
    i = skipSpace(text, i + 1);
  }
}

/** The elements of the array at `span`. */
function arrayElements(text: string, span: Span): Span[] {
  expectChar(text, span.start, '[');
  const elements: Span[] = [];
  let i = skipSpace(text, span.start + 1);
  if (text[i] === ']') return elements;
  for (;;) {
    const end = valueEndAt(text, i);
    elements.push({ start: i, end });
    i = skipSpace(text, end);
    if (text[i] === ']') return elements;
    expectChar(text, i, ',');
    i = skipSpace(text, i + 1);
  }
}

/** Where the value that starts at `start` ends (exclusive). */
function valueEndAt(text: string, start: number): number {
  const ch = text[start];
  if (ch === '"') return stringEnd(text, start);
  if (ch === '{' || ch === '[') return containerEnd(text, start);
  let i = start;
  while (i < text.length && !isJsonSpace(text.charCodeAt(i)) && !',]}'.includes(text.charAt(i))) i += 1;
  return i;
}

/** Where the string that opens at `start` ends, past its closing quote; an escape is skipped whole. */
function stringEnd(text: string, start: number): number {
  expectChar(text, start, '"');
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') return i + 1;
    i += ch === '\\' ? 2 : 1;
  }
  throw new Error(`session-policy scanner: unterminated string at ${start}`);
}

/** Where the object or array that opens at `start` ends, past its closing bracket; strings are skipped whole. */
function containerEnd(text: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') {
      i = stringEnd(text, i);
      continue;
    }
    if (ch === '{' || ch === '[') depth += 1;
    else if (ch === '}' || ch === ']') depth -= 1;
    i += 1;
    if (depth === 0) return i;
  }
  throw new Error(`session-policy scanner: unclosed ${text[start]} at ${start}`);
}
