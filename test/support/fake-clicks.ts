/**
 * The click desk for the Bolt app tests, without a ledger: the real ClickDesk (so a click runs exactly as in
 * production) over a runner that keeps the recorded clicks in memory and runs them in the caller.
 */
import type { AdminApi } from '../../src/access/admin-api.js';
import type { AccessApi } from '../../src/access/api.js';
import { ClickDesk } from '../../src/access/clicks.js';
import { systemClock } from '../../src/access/clock.js';
import type { HeldJob } from '../../src/access/jobs.js';
import type { JobRecord, NewJob } from '../../src/access/ledger.js';
import { silentLogger } from '../../src/log.js';

export class FakeClickRunner {
  /** Every click recorded, in order, as the job that holds it. */
  readonly recorded: JobRecord[] = [];
  /** The next record fails, as when the ledger does not answer. */
  failNextRecord = false;

  claimNew(job: NewJob): Promise<JobRecord> {
    if (this.failNextRecord) {
      this.failNextRecord = false;
      return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    }
    const record: JobRecord = {
      kind: job.kind,
      requestId: job.requestId ?? null,
      grantId: job.grantId ?? null,
      payload: job.payload ?? {},
      runAt: job.runAt,
      dedupeKey: job.dedupeKey,
      id: `click-${this.recorded.length + 1}`,
      status: 'running',
      attempts: 0,
      leaseOwner: 'test',
      leaseUntil: null,
      lastError: null,
      createdAt: job.runAt,
    };
    this.recorded.push(record);
    return Promise.resolve(record);
  }

  runClaimed<T>(_job: HeldJob, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return work(new AbortController().signal);
  }
}

export function fakeClicks(
  services: { access: AccessApi; admin?: AdminApi },
  runner = new FakeClickRunner(),
): ClickDesk {
  return new ClickDesk({
    runner,
    access: services.access,
    ...(services.admin !== undefined ? { admin: services.admin, migration: services.admin } : {}),
    clock: systemClock,
    logger: silentLogger,
  });
}
