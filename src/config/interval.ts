/**
 * The scheduler's interval, which is the one duration in the file measured in seconds (`30s`). The domain's
 * parseDuration speaks minutes and up, as people ask for access; this small parser stays here rather than
 * teaching every access request about seconds.
 */

const UNITS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000 };

export type IntervalParse = { ok: true; ms: number } | { ok: false; message: string };

/** Parses `30s`, `1m`, `1m30s`, `2h` (case-insensitive, spaces allowed between parts). */
export function parseInterval(text: string): IntervalParse {
  const t = text.trim().toLowerCase();
  const parts = [...t.matchAll(/(\d+)\s*([smh])/g)];
  const consumed = parts.map((p) => p[0]).join('');
  if (parts.length === 0 || consumed.replace(/\s/g, '') !== t.replace(/\s/g, '')) {
    return {
      ok: false,
      message: `"${text}" is not an interval: use seconds or minutes like \`30s\`, \`1m\` or \`1m30s\``,
    };
  }
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * (UNITS[p[2] ?? ''] ?? 0), 0);
  if (ms < 1_000) return { ok: false, message: `"${text}" is too short: use at least \`1s\`` };
  return { ok: true, ms };
}
