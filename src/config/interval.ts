/**
 * The scheduler's interval, which is the one duration in the file measured in seconds (`30s`). The domain's
 * parseDuration speaks minutes and up, as people ask for access; this small parser stays here rather than
 * teaching every access request about seconds.
 */
import { readSpan, type UnitAt } from '../domain/duration.js';
import { show } from './show.js';

const UNITS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000 };

/** `1h 59m 59s` fits with room; a longer text is refused before it is read. */
export const INTERVAL_MAX_LENGTH = 32;

export type IntervalParse = { ok: true; ms: number } | { ok: false; message: string };

/** Seconds, minutes and hours: the scheduler's units. */
const INTERVAL_UNIT: UnitAt = (t, i) => {
  const ms = UNITS[t.charAt(i)];
  return ms === undefined ? undefined : { ms, length: 1 };
};

/** Parses `30s`, `1m`, `1m30s`, `2h` (case-insensitive, spaces allowed between parts). */
export function parseInterval(text: string): IntervalParse {
  const t = text.trim().toLowerCase();
  const ms = t.length > INTERVAL_MAX_LENGTH ? undefined : readSpan(t, INTERVAL_UNIT);
  if (ms === undefined) {
    return {
      ok: false,
      message: `${show(text)} is not an interval: use seconds or minutes like \`30s\`, \`1m\` or \`1m30s\``,
    };
  }
  if (ms < 1_000) return { ok: false, message: `${show(text)} is too short: use at least \`1s\`` };
  return { ok: true, ms };
}
