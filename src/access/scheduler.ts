/**
 * The scheduler: what happens because time passed. Requests lapse, holders are reminded, grants end, and due
 * jobs run. Each step is a compare-and-set, so two replicas ticking at the same moment do each thing once; and
 * at start it runs at once, so whatever fell due while the service was down happens now (catch-up).
 */
import type { Logger } from '../log.js';
import type { AccessDeskConfig } from '../config/types.js';
import type { Clock } from './clock.js';
import type { JobRunner } from './jobs.js';
import type { Ledger } from './ledger.js';
import { remindAndEscalate } from './approver-reminders.js';
import type { SlackPeople } from './people.js';
import { cardJob, endGrantJob, notifyJob } from './service.js';
import { sessionsJob } from './sessions.js';
import { inBackground } from './work-lane.js';

export interface SchedulerDeps {
  config: AccessDeskConfig;
  ledger: Ledger;
  runner: JobRunner;
  clock: Clock;
  logger: Logger;
  /**
   * Session denials (src/access/sessions.ts): their job is started when some wait to be added (catch-up after a
   * crash) or are due to be lifted. Absent: none.
   */
  sessions?: { due(now: Date): Promise<boolean> };
  /** Members of approver groups kept as Slack user groups, for reminders and escalation. Absent: the file's users. */
  people?: SlackPeople;
  /** Break-glass uses nobody has reviewed: their requesters reminded (src/access/break-glass.ts). Absent: none. */
  breakGlass?: { remindDue(now: Date): Promise<number> };
}

export interface TickReport {
  lapsed: number;
  reminded: number;
  expired: number;
  jobs: number;
}

/** The soonest a follow-up tick runs after the last: a job due at once is drained by the tick itself. */
const MIN_FOLLOW_UP_MS = 250;

export class Scheduler {
  private readonly log: Logger;
  private timer: NodeJS.Timeout | undefined;
  /** Looks, between ticks, for work held by a replica that died (see watchLeases). */
  private watcher: NodeJS.Timeout | undefined;
  /** A tick between two regular ones, when a job falls due sooner (a retry, a dead worker's lease ending). */
  private followUp: NodeJS.Timeout | undefined;
  private started = false;
  private ticking: Promise<TickReport> | undefined;

  constructor(private readonly deps: SchedulerDeps) {
    this.log = deps.logger.child({ module: 'scheduler' });
  }

  /** Catches up at once, then ticks every `timing.schedulerInterval`. */
  async start(): Promise<TickReport> {
    this.started = true;
    const first = await this.tick();
    if (first.lapsed + first.expired + first.jobs > 0) this.log.info(first, 'caught up after start');
    this.timer = setInterval(() => {
      this.tick().catch((error: unknown) => this.log.error({ err: error }, 'scheduler tick failed'));
    }, this.deps.config.timing.schedulerIntervalMs);
    this.timer.unref();
    this.watchLeases();
    return first;
  }

  /**
   * Another replica's work is not announced here: a replica that dies holding a job leaves it under a lease
   * that ends within `timing.jobLease`. Every half lease this replica asks when the next job falls due (two
   * small reads) and ticks then, so that it takes the work over as the lease ends, not at its next regular
   * tick (and work another replica queued but never ran is run too).
   */
  private watchLeases(): void {
    const { config } = this.deps;
    const every = Math.max(
      250,
      Math.floor(Math.min(config.timing.jobLeaseMs, config.timing.schedulerIntervalMs) / 2),
    );
    this.watcher = setInterval(() => {
      if (this.ticking === undefined) void this.followUpWhenDue();
    }, every);
    this.watcher.unref();
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    clearInterval(this.watcher);
    this.watcher = undefined;
    clearTimeout(this.followUp);
    this.followUp = undefined;
    await this.ticking;
  }

  /** One pass; a tick while one runs waits for it instead of running twice. */
  tick(): Promise<TickReport> {
    this.ticking ??= this.pass().finally(() => {
      this.ticking = undefined;
      if (this.started) void this.followUpWhenDue();
    });
    return this.ticking;
  }

  /**
   * Ticks again when the next job falls due, if that is before the next regular tick: work held by a worker
   * that died is taken over as its lease ends (within `timing.jobLease`), not up to a scheduler interval later.
   */
  private async followUpWhenDue(): Promise<void> {
    const { runner, clock, config } = this.deps;
    try {
      const next = await runner.nextDueAt();
      if (!this.started || next === undefined) return;
      const delay = Math.max(MIN_FOLLOW_UP_MS, next.getTime() - clock.now().getTime() + 10);
      if (delay >= config.timing.schedulerIntervalMs) return;
      clearTimeout(this.followUp);
      this.followUp = setTimeout(() => {
        this.followUp = undefined;
        this.tick().catch((error: unknown) => this.log.error({ err: error }, 'scheduler tick failed'));
      }, delay);
      this.followUp.unref();
    } catch (error) {
      this.log.warn({ err: error }, 'could not look for the next job due');
    }
  }

  private async pass(): Promise<TickReport> {
    const lapsed = await this.lapse();
    const expired = await this.expire();
    await this.sessionsDue();
    // Reminders are background work: whatever AWS they read gives way to people's requests.
    const reminded = await inBackground(async () => {
      const n = await this.remind();
      // Pending requests' approvers reminded, and requests escalated, once each (src/access/approver-reminders.ts).
      await remindAndEscalate(this.deps);
      await this.deps.breakGlass?.remindDue(this.deps.clock.now());
      return n;
    });
    const jobs = await this.deps.runner.drain();
    return { lapsed, reminded, expired, jobs };
  }

  private async lapse(): Promise<number> {
    const { ledger, clock } = this.deps;
    const now = clock.now();
    const due = (await ledger.findRequests({ statuses: ['pending'] })).filter((r) => r.lapsesAt <= now);
    let n = 0;
    for (const request of due) {
      await ledger.transaction(async (tx) => {
        if (!(await tx.transitionRequest(request.id, 'pending', 'lapsed', { decidedAt: now }))) return;
        await tx.appendAudit({ at: now, actor: 'system', action: 'request.lapsed', requestId: request.id });
        await tx.enqueueJob(cardJob(request.id, now));
        await tx.enqueueJob(notifyJob(request.id, 'lapsed', now));
        n += 1;
      });
    }
    return n;
  }

  private async expire(): Promise<number> {
    const { ledger, clock } = this.deps;
    const now = clock.now();
    const due = await ledger.findGrants({ statuses: ['active'], endsAtOrBefore: now });
    let n = 0;
    for (const grant of due) {
      await ledger.transaction(async (tx) => {
        // Re-read, holding the grant: an extension may have moved the end since the query, and one committing
        // now (on another replica) must either be seen here or wait until this transaction ends the grant.
        const current = await (tx.lockGrant?.(grant.id) ?? tx.getGrant(grant.id));
        if (current?.endsAt === null || current === undefined || current.endsAt > now) return;
        if (!(await tx.transitionGrant(grant.id, 'active', 'ending'))) return;
        await tx.appendAudit({
          at: now,
          actor: 'system',
          action: 'grant.expired',
          requestId: grant.requestId,
          grantId: grant.id,
        });
        await tx.enqueueJob(endGrantJob(grant, 'expired', now));
        n += 1;
      });
    }
    return n;
  }

  /** Starts the session job when it has work: one fixed key, so asking on every tick is asking once. */
  private async sessionsDue(): Promise<void> {
    const { ledger, clock, sessions } = this.deps;
    const now = clock.now();
    if (sessions !== undefined && (await sessions.due(now))) await ledger.enqueueJob(sessionsJob(now));
  }

  private async remind(): Promise<number> {
    const { ledger, clock, config } = this.deps;
    const now = clock.now();
    const soon = new Date(now.getTime() + config.timing.reminderBeforeMs);
    const due = (
      await ledger.findGrants({ statuses: ['active'], endsAtOrBefore: soon, notReminded: true })
    ).filter((g) => g.endsAt !== null && g.endsAt > now);
    let n = 0;
    for (const grant of due) {
      await ledger.transaction(async (tx) => {
        // Held, so that a replica reminding at the same moment waits and then finds it reminded.
        const current = await (tx.lockGrant?.(grant.id) ?? tx.getGrant(grant.id));
        if (current?.status !== 'active' || current.remindedAt !== null) return;
        await tx.updateGrant(grant.id, { remindedAt: now });
        await tx.appendAudit({
          at: now,
          actor: 'system',
          action: 'grant.reminded',
          requestId: grant.requestId,
          grantId: grant.id,
        });
        await tx.enqueueJob(notifyJob(grant.requestId, 'reminder', now, grant.id));
        n += 1;
      });
    }
    return n;
  }
}
