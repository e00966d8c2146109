/**
 * Matching what people type (`seniordeveloper`, `prd`) to the names the config knows (`SeniorDeveloper`,
 * `prod`). Only a case-insensitive exact match resolves: anything else is answered with suggestions, never
 * guessed, because a guess here is access to the wrong thing.
 */
import { joinWords } from './text.js';

export type NameResolution = { ok: true; name: string } | { ok: false; suggestions: string[] };

/** How many names `resolveName` suggests at most. */
export const MAX_SUGGESTIONS = 3;

/**
 * Resolves `input` against `known`, ignoring case and surrounding spaces.
 *
 * When nothing matches exactly, up to three suggestions, best first:
 * 1. names equal once case, spaces, `-` and `_` are ignored (`read-only-access` → ReadOnlyAccess);
 * 2. names that start with the input (`senior` → SeniorDeveloper);
 * 3. names within a few typos (`prd` → prod, `stagign` → staging): an edit distance, transpositions
 *    included, of at most a third of the input's length (at least 1, at most 3);
 * 4. names that contain the input, for inputs of 3 characters or more (`admin` → SecurityAdmin).
 * Within a group, the closer by edit distance first, then the order of `known`.
 *
 * Two known names that differ only in case are ambiguous for an input that matches neither exactly: the
 * answer is both as suggestions.
 */
export function resolveName(input: string, known: readonly string[]): NameResolution {
  const typed = input.trim();
  if (typed === '') return { ok: false, suggestions: [] };
  if (known.includes(typed)) return { ok: true, name: typed };
  const lower = typed.toLowerCase();
  const sameCase = known.filter((k) => k.toLowerCase() === lower);
  if (sameCase.length === 1 && sameCase[0] !== undefined) return { ok: true, name: sameCase[0] };
  if (sameCase.length > 1) return { ok: false, suggestions: sameCase.slice(0, MAX_SUGGESTIONS) };
  return { ok: false, suggestions: suggest(typed, known) };
}

function suggest(typed: string, known: readonly string[]): string[] {
  const key = normalise(typed);
  if (key === '') return [];
  const threshold = Math.min(3, Math.max(1, Math.floor(key.length / 3)));
  const ranked: { name: string; tier: number; distance: number; position: number }[] = [];
  known.forEach((name, position) => {
    const candidate = normalise(name);
    // No tier can take a name shorter than the input by more than the threshold (the distance is at least the
    // difference in length): skipping it keeps the work to the names' lengths, however long the input.
    if (key.length > candidate.length + threshold) return;
    const distance = editDistance(key, candidate);
    const tier =
      candidate === key
        ? 0
        : candidate.startsWith(key)
          ? 1
          : distance <= threshold
            ? 2
            : key.length >= 3 && candidate.includes(key)
              ? 3
              : undefined;
    if (tier !== undefined) ranked.push({ name, tier, distance, position });
  });
  ranked.sort((a, b) => a.tier - b.tier || a.distance - b.distance || a.position - b.position);
  return [...new Set(ranked.map((r) => r.name))].slice(0, MAX_SUGGESTIONS);
}

const normalise = (name: string): string => name.toLowerCase().replace(/[\s_-]+/g, '');

/**
 * Optimal string alignment distance (Damerau-Levenshtein where no substring is edited twice): insertions,
 * deletions, substitutions and swaps of two neighbouring characters each cost 1.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return at(rows - 1, cols - 1);
}

/**
 * `did you mean SeniorDeveloper?`, `did you mean dev or prod?`, `did you mean a, b or c?`; empty when there
 * is nothing to suggest. `format` dresses each name (e.g. in backticks); names come from the config.
 */
export function didYouMean(
  suggestions: readonly string[],
  format: (name: string) => string = (n) => n,
): string {
  if (suggestions.length === 0) return '';
  return `did you mean ${joinWords(suggestions.map(format), 'or')}?`;
}
