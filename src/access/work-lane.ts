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
import type { JobKind } from './ledger.js';

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

/**
 * The lane a job runs in, in AWS's budget and in the job runner's slots: work nobody waits for call by call (the
 * audit, a grant ending by expiry, the sessions of ended grants, reminders, Home tabs) gives way to people's requests (provisioning,
 * revocations, clicks, everything else). Kept on the job's row, so that every replica claims people's jobs first.
 */
export function jobLane(job: { kind: JobKind; payload?: Record<string, unknown> | undefined }): WorkLane {
  // end_sessions ends the sessions already open (one job for every ended grant, src/access/sessions.ts) after the
  // assignments themselves are gone: a mass expiry removes every assignment first, as the queue did before.
  switch (job.kind) {
    case 'audit':
    case 'home':
    case 'remind_approvers':
    case 'end_sessions':
      return 'background';
    case 'end_grant':
      return job.payload?.reason === 'expired' ? 'background' : 'interactive';
    default:
      return 'interactive';
  }
}
