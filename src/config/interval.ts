/**
 * The scheduler's interval, which is the one duration in the file measured in seconds (`30s`). The domain's
 * parseDuration speaks minutes and up, as people ask for access; this small parser stays here rather than
 * teaching every access request about seconds.
 */
import { show } from './show.js';

const UNITS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000 };

/** `1h 59m 59s` fits with room; a longer text is refused before it is read. */
export const INTERVAL_MAX_LENGTH = 32;

export type IntervalParse = { ok: true; ms: number } | { ok: false; message: string };

const isSpace = (ch: string): boolean => /\s/.test(ch);
const isDigit = (ch: string): boolean => ch >= '0' && ch <= '9';

/** The milliseconds in `t` (trimmed, lower case), or undefined: numbers each followed by a unit. One pass. */
function readInterval(t: string): number | undefined {
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
    const unit = UNITS[t.charAt(i)];
    if (unit === undefined) return undefined;
    i += 1;
    ms += amount * unit;
    parts += 1;
  }
  return parts === 0 ? undefined : ms;
}

/** Parses `30s`, `1m`, `1m30s`, `2h` (case-insensitive, spaces allowed between parts). */
export function parseInterval(text: string): IntervalParse {
  const t = text.trim().toLowerCase();
  const ms = t.length > INTERVAL_MAX_LENGTH ? undefined : readInterval(t);
  if (ms === undefined) {
    return {
      ok: false,
      message: `${show(text)} is not an interval: use seconds or minutes like \`30s\`, \`1m\` or \`1m30s\``,
    };
  }
  if (ms < 1_000) return { ok: false, message: `${show(text)} is too short: use at least \`1s\`` };
  return { ok: true, ms };
}
