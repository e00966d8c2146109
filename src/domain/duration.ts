/** Durations as people type them: `30m`, `4h`, `2d`, `1h30m`, `permanent`. */

/** A requested duration: a span of time, or permanent. */
export type DurationSpec = { kind: 'permanent' } | { kind: 'for'; ms: number };

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const UNITS: Record<string, number> = { m: MINUTE, min: MINUTE, h: HOUR, d: DAY, w: 7 * DAY };
const PERMANENT = new Set(['permanent', 'perm', 'forever']);

export type DurationParse = { ok: true; value: DurationSpec } | { ok: false; message: string };

/** Parses `30m`, `4h`, `2d`, `1w`, `1h30m` or `permanent` (case-insensitive). */
export function parseDuration(text: string): DurationParse {
  const t = text.trim().toLowerCase();
  if (PERMANENT.has(t)) return { ok: true, value: { kind: 'permanent' } };
  const parts = [...t.matchAll(/(\d+)\s*(min|m|h|d|w)/g)];
  const consumed = parts.map((p) => p[0]).join('');
  if (parts.length === 0 || consumed.replace(/\s/g, '') !== t.replace(/\s/g, '')) {
    return {
      ok: false,
      message: `"${text}" is not a duration: use minutes, hours or days like \`30m\`, \`4h\`, \`2d\`, or \`permanent\``,
    };
  }
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * (UNITS[p[2] ?? ''] ?? 0), 0);
  if (ms <= 0) return { ok: false, message: `"${text}" is no time at all: ask for at least \`1m\`` };
  return { ok: true, value: { kind: 'for', ms } };
}

/** True when the word looks like a duration (for telling a duration from the start of a reason). */
export const looksLikeDuration = (word: string): boolean => parseDuration(word).ok;

/** `4h`, `1h 30m`, `2d`, `permanent`: how a duration is shown back to people. */
export function formatDuration(spec: DurationSpec | number | null): string {
  if (spec === null) return 'permanent';
  const ms = typeof spec === 'number' ? spec : spec.kind === 'permanent' ? null : spec.ms;
  if (ms === null) return 'permanent';
  const days = Math.floor(ms / DAY);
  const hours = Math.floor((ms % DAY) / HOUR);
  const minutes = Math.round((ms % HOUR) / MINUTE);
  const out = [days > 0 ? `${days}d` : '', hours > 0 ? `${hours}h` : '', minutes > 0 ? `${minutes}m` : '']
    .filter(Boolean)
    .join(' ');
  return out === '' ? '0m' : out;
}

/** Milliseconds of a spec, null for permanent. */
export const durationMs = (spec: DurationSpec): number | null => (spec.kind === 'permanent' ? null : spec.ms);
