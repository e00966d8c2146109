/** "Did you mean": the known names nearest to what was typed, for unknown keys and unknown references. */

/**
 * Only this much of what was typed is compared: no configured name is near a longer one, and the distance costs
 * the product of the two lengths.
 */
const COMPARED_MAX = 100;

/** The known name that is most likely what was meant, when one is near enough to be a typo. */
export function closest(typed: string, known: readonly string[]): string | undefined {
  if (typed.length > COMPARED_MAX) return undefined;
  const t = typed.toLowerCase();
  const exact = known.find((k) => k.toLowerCase() === t);
  if (exact !== undefined) return exact;
  // A third of the word may be wrong ("aprovers"); a shortened name counts too ("reminder", "trustedDomains").
  return rank(typed, known).find((k) => {
    const candidate = k.toLowerCase();
    const near = distance(t, candidate) <= Math.max(1, Math.floor(t.length / 3));
    const shortened = t.length >= 3 && t.length * 2 >= candidate.length && isSubsequence(t, candidate);
    return near || shortened;
  });
}

/** Every letter of `short` appears in `long`, in order. */
function isSubsequence(short: string, long: string): boolean {
  let at = 0;
  for (const letter of long) if (letter === short[at]) at++;
  return at === short.length;
}

const LIST_ALL_UP_TO = 12;

/** `known: dev, staging, prod`, or only the nearest few when the list is long (an organisation's 200 accounts). */
export function knownList(typed: string, known: readonly string[]): string {
  if (known.length === 0) return 'none are configured';
  if (known.length <= LIST_ALL_UP_TO) return `known: ${known.join(', ')}`;
  return `closest: ${rank(typed, known).slice(0, 5).join(', ')}, … of ${known.length}`;
}

function rank(typed: string, known: readonly string[]): string[] {
  const t = typed.slice(0, COMPARED_MAX).toLowerCase();
  return known
    .map((k, order) => ({ k, order, d: distance(t, k.toLowerCase()) }))
    .sort((a, b) => a.d - b.d || a.order - b.order)
    .map((x) => x.k);
}

/** Levenshtein distance: insertions, deletions and substitutions. */
export function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
