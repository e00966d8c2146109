/**
 * When scheduled access starts: `/access request … at <when>` and the request modal's date and time pickers
 * give a text that this reads against the moment it is read. Pure (the caller gives `now`), so the service
 * checks the start once, with its clock, whatever the text came from.
 *
 * Times typed are UTC: access-desk does not know the person's time zone (Slack's users.info has it, but the
 * identity path reads only the profile's email), so it reads them as UTC rather than guess. Times said back are
 * plain UTC text by default (a modal's field errors are plain text); an answer in mrkdwn passes `show`
 * (dateMrkdwn, src/domain/text.ts) so each reader sees their own time, with UTC as the fallback.
 */
import { DAY, formatDuration, parseDuration } from './duration.js';

/** How far ahead a start may be when the config says nothing (`timing.scheduleAhead`). */
export const SCHEDULE_AHEAD_DEFAULT_MS = 30 * DAY;

/** The longest `<when>` text read: `2026-12-08 09:00 UTC` and some room. */
export const WHEN_MAX_LENGTH = 40;

export const WHEN_EXAMPLES =
  '`at 2026-12-08 09:00`, `at 09:00` (the next 09:00), `at tomorrow 09:00` or `at +2h` (times are UTC)';

export type WhenRefusal = 'malformed' | 'past' | 'too_far';

export type WhenParse = { ok: true; startsAt: Date } | { ok: false; code: WhenRefusal; message: string };

export interface WhenOptions {
  /** The furthest ahead a start may be; default SCHEDULE_AHEAD_DEFAULT_MS. */
  maxAheadMs?: number;
  /** How a time is said in a refusal; default utcMinuteText (plain text). */
  show?: (at: Date) => string;
}

/** `2026-12-08 09:00 UTC`: how the start is said back in plain text. */
export function utcMinuteText(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const MINUTE_MS = 60_000;

const malformed = (text: string, problem: string): WhenParse => ({
  ok: false,
  code: 'malformed',
  message: `"${text}" is not a start time I can read: ${problem}. Say when like ${WHEN_EXAMPLES}.`,
});

/** `09:00` or `9:00` → minutes after midnight; undefined when it is not a time of day. */
function timeOfDay(word: string): number | 'out_of_range' | undefined {
  const m = /^(\d{1,2}):(\d{2})$/.exec(word);
  if (m === null) return undefined;
  const hours = Number(m[1]);
  const minutes = Number(m[2]);
  if (hours > 23 || minutes > 59) return 'out_of_range';
  return hours * 60 + minutes;
}

/** `2026-12-08` → that day's UTC midnight; 'no_such_day' for 2026-02-30; undefined when not a date. */
function calendarDay(word: string): Date | 'no_such_day' | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(word);
  if (m === null) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const at = new Date(Date.UTC(year, month - 1, day));
  if (at.getUTCFullYear() !== year || at.getUTCMonth() !== month - 1 || at.getUTCDate() !== day) {
    return 'no_such_day';
  }
  return at;
}

const startOfUtcDay = (at: Date): Date =>
  new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));

/** Reads the text alone (no checks against now but "the next 09:00"). */
function read(text: string, now: Date): WhenParse {
  const parts = text
    .trim()
    .replace(/\s+utc$/i, '')
    .replace(/(\d)z$/i, '$1')
    .replace(/^(\d{4}-\d{2}-\d{2})t/i, '$1 ')
    .split(/\s+/)
    .filter((p) => p !== '');
  const [first, second, ...extra] = parts;
  if (first === undefined) return malformed(text, 'it is empty');
  if (extra.length > 0) return malformed(text, 'it has more words than a day and a time');

  if (first.startsWith('+')) {
    if (second !== undefined) return malformed(text, 'a `+` time is one word, like `+2h`');
    const span = parseDuration(first.slice(1));
    if (!span.ok || span.value.kind !== 'for') {
      return malformed(text, `after \`+\` comes a length of time like \`30m\`, \`2h\` or \`1d\``);
    }
    return { ok: true, startsAt: new Date(now.getTime() + span.value.ms) };
  }

  const lower = first.toLowerCase();
  if (lower === 'today' || lower === 'tomorrow') {
    const minutes = second === undefined ? undefined : timeOfDay(second);
    if (minutes === undefined) return malformed(text, `say the time after ${lower}, like \`${lower} 09:00\``);
    if (minutes === 'out_of_range') return malformed(text, 'hours go to 23 and minutes to 59');
    const day = startOfUtcDay(now).getTime() + (lower === 'tomorrow' ? DAY : 0);
    return { ok: true, startsAt: new Date(day + minutes * MINUTE_MS) };
  }

  const day = calendarDay(first);
  if (day === 'no_such_day') return malformed(text, `there is no such day as ${first}`);
  if (day !== undefined) {
    const minutes = second === undefined ? undefined : timeOfDay(second);
    if (minutes === undefined) return malformed(text, 'say the time too, like `2026-12-08 09:00`');
    if (minutes === 'out_of_range') return malformed(text, 'hours go to 23 and minutes to 59');
    return { ok: true, startsAt: new Date(day.getTime() + minutes * MINUTE_MS) };
  }

  const minutes = timeOfDay(first);
  if (minutes === 'out_of_range') return malformed(text, 'hours go to 23 and minutes to 59');
  if (minutes !== undefined) {
    if (second !== undefined) return malformed(text, 'put the day first, like `2026-12-08 09:00`');
    const today = startOfUtcDay(now).getTime() + minutes * MINUTE_MS;
    // The next one: today's if it is still to come, else tomorrow's.
    return { ok: true, startsAt: new Date(today > now.getTime() ? today : today + DAY) };
  }
  return malformed(text, 'it is neither a day and a time, a time, nor `+` and a length of time');
}

/**
 * The start a `<when>` text names, read at `now`: refused when it cannot be read (the problem named, with
 * examples), when it is not after now, or when it is further ahead than `maxAheadMs`.
 */
export function parseWhen(text: string, now: Date, options: WhenOptions = {}): WhenParse {
  const shown = text.trim();
  if (shown.length > WHEN_MAX_LENGTH) {
    return malformed(
      `${shown.slice(0, WHEN_MAX_LENGTH)}…`,
      `it is longer than ${WHEN_MAX_LENGTH} characters`,
    );
  }
  const parsed = read(shown, now);
  if (!parsed.ok) return parsed;
  const { startsAt } = parsed;
  const show = options.show ?? utcMinuteText;
  if (startsAt.getTime() <= now.getTime()) {
    return {
      ok: false,
      code: 'past',
      message: `${show(startsAt)} is in the past (it is ${show(now)} now). Pick a later start, like \`at +1h\`, or leave out \`at\` to ask for access now.`,
    };
  }
  const maxAheadMs = options.maxAheadMs ?? SCHEDULE_AHEAD_DEFAULT_MS;
  if (startsAt.getTime() - now.getTime() > maxAheadMs) {
    const furthest = new Date(now.getTime() + maxAheadMs);
    return {
      ok: false,
      code: 'too_far',
      message: `${show(startsAt)} is more than ${formatDuration(maxAheadMs)} ahead: access can be scheduled at most ${formatDuration(maxAheadMs)} ahead (until ${show(furthest)}). Ask again nearer the time.`,
    };
  }
  return { ok: true, startsAt };
}
