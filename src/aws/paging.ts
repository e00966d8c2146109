import type { AwsOutcome } from '../access/ports.js';
import type { Sent } from './call.js';
import { failure } from './errors.js';

export interface Page<I> {
  items: readonly I[] | undefined;
  /** The token for the next page; absent or empty on the last one. */
  next: string | undefined;
}

/** Reads every page of a list, to the end. */
export async function pageAll<P, I>(
  fetchPage: (token: string | undefined) => Promise<Sent<P>>,
  read: (page: P) => Page<I>,
  operation: string,
): Promise<AwsOutcome<I[]>> {
  const all: I[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  for (;;) {
    const sent = await fetchPage(token);
    if (!sent.ok) return { ok: false, error: sent.failure };
    const page = read(sent.value);
    all.push(...(page.items ?? []));
    if (page.next === undefined || page.next === '') return { ok: true, value: all };
    if (seen.has(page.next)) {
      return {
        ok: false,
        error: failure(
          'aws_error',
          `AWS returned the same page token twice for ${operation}; the list was not read to the end.`,
        ),
      };
    }
    seen.add(page.next);
    token = page.next;
  }
}

/** Runs `work` on each item, at most `concurrency` at a time; stops starting new work after a failure. */
export async function mapLimited<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<AwsOutcome<R>>,
): Promise<AwsOutcome<R[]>> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failed: AwsOutcome<R[]> | undefined;
  const worker = async (): Promise<void> => {
    while (failed === undefined && next < items.length) {
      const index = next;
      next += 1;
      const outcome = await work(items[index] as T);
      if (!outcome.ok) failed ??= { ok: false, error: outcome.error };
      else results[index] = outcome.value;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return failed ?? { ok: true, value: results };
}
