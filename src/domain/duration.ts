/** Durations as people type them: `30m`, `4h`, `2d`, `1h30m`, `permanent`. */

/** A requested duration: a span of time, or permanent. */
export type DurationSpec = { kind: 'permanent' } | { kind: 'for'; ms: number };

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const UNITS: Record<string, number> = { m: MINUTE, h: HOUR, d: DAY, w: 7 * DAY };
const PERMANENT = new Set(['permanent', 'perm', 'forever']);

/** The longest text read as a duration: `1w 6d 23h 59m` fits with room; anything longer is refused unread. */
export const DURATION_MAX_LENGTH = 32;
/** The longest span a duration may be; beyond it, access is asked for as `permanent`. */
export const MAX_SPAN = 366 * DAY;

/** What would be valid, for every refusal. */
export const DURATION_EXAMPLES = '`30m`, `4h`, `2d`, `1w`, `1h30m` or `permanent`';

export type DurationRefusal = 'not_a_duration' | 'no_time' | 'too_long_a_span' | 'too_long_a_text';

export type DurationParse =
  { ok: true; value: DurationSpec } | { ok: false; code: DurationRefusal; message: string };

const isSpace = (ch: string): boolean => /\s/.test(ch);
const isDigit = (ch: string): boolean => ch >= '0' && ch <= '9';

/** A unit at position `i` of a text: its milliseconds and how many characters it takes; undefined: none. */
export type UnitAt = (t: string, i: number) => { ms: number; length: number } | undefined;

/** Access durations' units: `min`, `m`, `h`, `d`, `w`. */
const ACCESS_UNIT: UnitAt = (t, i) => {
  if (t.startsWith('min', i)) return { ms: MINUTE, length: 3 };
  const ms = UNITS[t.charAt(i)];
  return ms === undefined ? undefined : { ms, length: 1 };
};

/**
 * The span in `t` (already trimmed and lower case), or undefined when it is not one: numbers each followed by a
 * unit that `unitAt` knows, spaces allowed between them. One pass, no regex: linear in the length.
 */
export function readSpan(t: string, unitAt: UnitAt = ACCESS_UNIT): number | undefined {
  let i = 0;
  let ms = 0;
  let parts = 0;
  while (i < t.length) {
    while (i < t.length && isSpace(t.charAt(i))) i += 1;
    if (i === t.length) break;
    const start = i;
    while (i < t.length && isDigit(t.charAt(i))) i += 1;
    if (i === start) return undefined;
    const amount = Number(t.slice(start, i));
    while (i < t.length && isSpace(t.charAt(i))) i += 1;
    const unit = unitAt(t, i);
    if (unit === undefined) return undefined;
    i += unit.length;
    ms += amount * unit.ms;
    parts += 1;
  }
  return parts === 0 ? undefined : ms;
}

/**
 * Parses `30m`, `4h`, `2d`, `1w`, `1h30m` or `permanent` (case-insensitive). Text longer than
 * DURATION_MAX_LENGTH is refused before it is read, and a span longer than MAX_SPAN is refused too.
 */
export function parseDuration(text: string): DurationParse {
  const t = text.trim().toLowerCase();
  if (t.length > DURATION_MAX_LENGTH) {
    return {
      ok: false,
      code: 'too_long_a_text',
      message: `A duration of ${t.length} characters is not one: durations are at most ${DURATION_MAX_LENGTH} characters, like ${DURATION_EXAMPLES}`,
    };
  }
  if (PERMANENT.has(t)) return { ok: true, value: { kind: 'permanent' } };
  const ms = readSpan(t);
  if (ms === undefined) {
    return {
      ok: false,
      code: 'not_a_duration',
      message: `"${text}" is not a duration: use minutes, hours or days like \`30m\`, \`4h\`, \`2d\`, or \`permanent\``,
    };
  }
  if (ms <= 0)
    return { ok: false, code: 'no_time', message: `"${text}" is no time at all: ask for at least \`1m\`` };
  if (ms > MAX_SPAN) {
    return {
      ok: false,
      code: 'too_long_a_span',
      message: `"${text}" is longer than ${formatDuration(MAX_SPAN)}: ask for at most \`${formatDuration(MAX_SPAN)}\`, or \`permanent\``,
    };
  }
  return { ok: true, value: { kind: 'for', ms } };
}

/** True when the word looks like a duration (for telling a duration from the start of a reason). */
export const looksLikeDuration = (word: string): boolean => parseDuration(word).ok;

/** `4h`, `1h 30m`, `2d`, `permanent`: how a duration is shown back to people. */
export function formatDuration(spec: DurationSpec | number | null): string {
  if (spec === null) return 'permanent';
  const ms = typeof spec === 'number' ? spec : spec.kind === 'permanent' ? null : spec.ms;
  if (ms === null) return 'permanent';
  // Rounded to the minute first, then split: rounding the minutes alone showed 59m 40s as "60m".
  const total = Math.round(ms / MINUTE) * MINUTE;
  const days = Math.floor(total / DAY);
  const hours = Math.floor((total % DAY) / HOUR);
  const minutes = Math.floor((total % HOUR) / MINUTE);
  const out = [days > 0 ? `${days}d` : '', hours > 0 ? `${hours}h` : '', minutes > 0 ? `${minutes}m` : '']
    .filter(Boolean)
    .join(' ');
  return out === '' ? '0m' : out;
}

/** Milliseconds of a spec, null for permanent. */
export const durationMs = (spec: DurationSpec): number | null => (spec.kind === 'permanent' ? null : spec.ms);
