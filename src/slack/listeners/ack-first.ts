/**
 * Acknowledgements first, work after. A listener awaits the gate right after ack(): while commands keep arriving
 * (a burst, each with Slack's 3 s to be acknowledged), the work behind them waits, so that it does not hold the
 * event loop while later requests wait to be acknowledged. Work is let go, in arrival order and one per turn of
 * the event loop, once no command has come in for `quietMs`, or once the oldest has waited `maxWaitMs`, so a
 * steady stream never starves it. A lone command waits `quietMs`.
 *
 * Yielding once (setImmediate) is not enough: the requests of a burst reach the process over tens of
 * milliseconds, and the work of the first ones, started between their arrivals, delays the acknowledgement of
 * the last ones by hundreds.
 */
export interface AckFirstOptions {
  /** How long no command may have arrived before work is let go. */
  quietMs?: number;
  /** The longest a command's work waits, however busy. */
  maxWaitMs?: number;
}

export function ackFirst({ quietMs = 10, maxWaitMs = 500 }: AckFirstOptions = {}): () => Promise<void> {
  const waiting: { go: () => void; since: number }[] = [];
  let lastArrival = 0;
  let timer: NodeJS.Timeout | undefined;
  let draining = false;

  const schedule = (): void => {
    const oldest = waiting[0];
    if (oldest === undefined || timer !== undefined || draining) return;
    const due = Math.min(lastArrival + quietMs, oldest.since + maxWaitMs);
    timer = setTimeout(
      () => {
        timer = undefined;
        release();
      },
      Math.max(0, due - performance.now()),
    );
  };

  const release = (): void => {
    const oldest = waiting[0];
    if (oldest === undefined) {
      draining = false;
      return;
    }
    const now = performance.now();
    if (now - lastArrival < quietMs && now - oldest.since < maxWaitMs) {
      // Commands are arriving again: acknowledge them before going on.
      draining = false;
      schedule();
      return;
    }
    draining = true;
    waiting.shift();
    oldest.go();
    setImmediate(release);
  };

  return () =>
    new Promise<void>((go) => {
      const now = performance.now();
      lastArrival = now;
      waiting.push({ go, since: now });
      schedule();
    });
}
