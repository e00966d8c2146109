/**
 * Which lane of AWS's budget the work under way spends: `interactive` (the default: a person waits for it, as
 * an approval's provisioning does) or `background` (jobs nobody watches call by call: the audit and its
 * sign-in scan, grants ending by expiry, reminders, Home tab reads). The AWS adapter's limiter serves the
 * interactive lane first (src/aws/limiter.ts), so a long audit or a mass expiry never holds up a person's
 * request by more than one token's interval.
 *
 * The lane travels with the work's async context, not as a parameter of every port: the job runner and the
 * scheduler wrap the background work with `inBackground`, and the limiter reads `currentLane()`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export type WorkLane = 'interactive' | 'background';

const lane = new AsyncLocalStorage<WorkLane>();

/** The lane of the work under way: background only inside `inBackground` (and not inside `inInteractive`). */
export function currentLane(): WorkLane {
  return lane.getStore() ?? 'interactive';
}

/** Runs `work` (and everything it starts) in the background lane. */
export function inBackground<T>(work: () => T): T {
  return lane.run('background', work);
}

/**
 * Runs `work` in the interactive lane even when called from background work: for what a background job starts
 * but does not own (a drain of the job queue woken from inside a job runs everyone's jobs).
 */
export function inInteractive<T>(work: () => T): T {
  return lane.run('interactive', work);
}

/** Runs `work` in the given lane. */
export function inLane<T>(which: WorkLane, work: () => T): T {
  return lane.run(which, work);
}
