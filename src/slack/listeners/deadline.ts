/**
 * Slack's clocks: a trigger_id opens a modal only within 3 s of the click or command, and a view submission
 * must be acked within 3 s. Work that may take longer is given a budget; past it, the listener moves on (opens
 * a waiting modal, or acks) and uses the result when it arrives.
 */

/** What is left of Slack's 3 s once our own ack and the network are counted. */
export const SLACK_BUDGET_MS = 2_000;

export type Settled<T> = { settled: true; value: T } | { settled: false };

/**
 * The promise's value if it settles within `ms`; `{ settled: false }` otherwise. A rejection within the budget
 * is thrown; a later one is the caller's, who still holds the promise (it is never left unhandled here).
 */
export async function settleWithin<T>(promise: Promise<T>, ms: number): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Settled<T>>((resolve) => {
    timer = setTimeout(() => resolve({ settled: false }), ms);
  });
  try {
    return await Promise.race([promise.then((value): Settled<T> => ({ settled: true, value })), late]);
  } finally {
    clearTimeout(timer);
  }
}
