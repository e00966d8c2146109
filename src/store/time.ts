/**
 * The one representation of time in the ledger: ISO 8601 UTC text of fixed width. Both dialects compare it
 * as text, so `<` on the column is `<` in time, and no dialect-specific date function is ever needed. (It holds
 * under a linguistic PostgreSQL collation too: every value has its digits and punctuation in the same places.)
 */
import type { IsoTime } from './tables.js';

export function toIso(date: Date): IsoTime {
  if (Number.isNaN(date.getTime())) throw new Error('invalid Date given to the ledger');
  const iso = date.toISOString();
  // Years outside 0000–9999 widen the text and would break string order.
  if (iso.length !== 24) throw new Error(`date out of the ledger's range: ${iso}`);
  return iso;
}

export function toIsoOrNull(date: Date | null): IsoTime | null {
  return date === null ? null : toIso(date);
}

export function fromIso(text: IsoTime): Date {
  return new Date(text);
}

export function fromIsoOrNull(text: IsoTime | null): Date | null {
  return text === null ? null : fromIso(text);
}
