/**
 * The job runner: claims due jobs from the ledger (with a lease, so two workers never run the same job and a
 * crashed worker's job is taken over) and runs them. Every job is safe to run again from the start: it reads
 * the ledger, skips what is done, and follows an AWS change it already submitted instead of submitting twice.
 *
 * Leases are short and renewed while a job runs (20 s, renewed every 5 s by default): work held by a process
 * that died is taken over within one lease of its death. A worker whose renewal finds the lease lost (another
 * worker took the job) aborts the job's signal, and makes no further AWS change for it.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../log.js';
import type { AccessDeskConfig } from '../config/types.js';
import type { Clock } from './clock.js';
import type { GrantRecord, JobRecord, Ledger, NewJob, RequestRecord } from './ledger.js';
import type { Notifier, RequesterEvent, RequestView } from './notifier.js';
import type { Assignments, AwsFailure, Catalog } from './ports.js';
import { postNudge } from './approver-reminders.js';
import { AUDIT_FEED_KEY } from './audit-feed.js';
import { recordGrantEnded } from './grant-ended.js';
import { endedGrant, recordEndedAccess, SessionsRetryLater } from './sessions.js';
import { cardJob, notifyJob } from './service.js';
import { grantEnd } from './scheduled.js';
import { buildView } from './views.js';
import { inBackground, inInteractive, inLane, jobLane, type WorkLane } from './work-lane.js';

/**
 * The admins' work (onboard, offboard, role_change): a list of steps run by src/access/admin, from the same
 * provision job as access requests, so that it shares their leases, retries and resume after a crash.
 */
export interface AdminWork {
  /** When the work may begin (a new starter's first day); undefined: at once. */
  startsAt(request: RequestRecord): Date | undefined;
  /**
   * Runs the steps not done yet; throws RetryLater (or anything) to be run again later. `signal` aborts when
   * the job's lease is lost: no step may start after that.
   */
  run(request: RequestRecord, signal?: AbortSignal): Promise<void>;
  /** The job gave up after its attempts: the request must end failed, saying why. */
  giveUp(request: RequestRecord, message: string): Promise<void>;
}

const ADMIN_KINDS: ReadonlySet<RequestRecord['kind']> = new Set([
  'onboard',
  'offboard',
  'role_change',
  'group_change',
  'group_create',
  'user_update',
  'bulk_onboard',
  'legacy_removal',
]);

export interface JobRunnerDeps {
  config: AccessDeskConfig;
  ledger: Ledger;
  assignments: Assignments;
  catalog: Catalog;
  notifier: Notifier;
  clock: Clock;
  logger: Logger;
  adminWork?: AdminWork;
  /** Runs `audit` jobs (src/access/audit); absent: such a job fails, saying so. */
  auditWork?: { run(job: JobRecord): Promise<void> };
  /**
   * The audit channel's feed (src/access/audit-feed.ts): once a drain has nothing else due, the runner asks it
   * whether lines wait, and runs its job (one fixed key: one replica at a time). Absent: no feed.
   */
  auditFeed?: { due(): Promise<boolean>; run(): Promise<void> };
  /** Runs `decide` jobs (clicks whose listener died: src/access/clicks.ts); absent: such a job fails. */
  clickWork?: { run(job: JobRecord, signal: AbortSignal): Promise<void> };
  /** Draws a person's Home tab again (`home` jobs, src/slack/home-publisher.ts); absent: such a job does nothing. */
  homeWork?: { publish(slackUserId: string): Promise<void> };
  /** Ends sessions already open (`end_sessions` jobs, src/access/sessions.ts); absent: such a job fails. */
  sessionWork?: { run(signal: AbortSignal): Promise<void> };
  /**
   * Scheduled access at its start (src/access/scheduled.ts): checks the requester again and records the grants
   * (true when this call started it). Absent: a scheduled request's job fails (and is retried), granting nothing.
   */
  scheduledStart?: { start(request: RequestRecord): Promise<boolean> };
  /**
   * Break-glass (src/access/break-glass.ts): runs `break_glass` jobs, and draws the security channel's copy of a
   * break-glass card after its card job. Absent: such a job does nothing.
   */
  breakGlassWork?: { run(job: JobRecord): Promise<void>; cardSynced(view: RequestView): Promise<void> };
  /**
   * Time-bound group memberships (src/access/group-access.ts): joins the group for a grant being provisioned, and
   * leaves it (if the membership is ours) for one ending. Absent: such a grant's job fails, changing nothing.
   */
  groupGrants?: {
    join(request: RequestRecord, grant: GroupGrant): Promise<void>;
    end(grant: GroupGrant, reason: 'expired' | 'revoked'): Promise<void>;
  };
}

type GroupGrant = GrantRecord & { group: NonNullable<GrantRecord['group']> };

export interface JobRunnerOptions {
  /** Who claims: unique per process. */
  owner?: string;
  /**
   * How long a claimed job is ours before another worker may take it over: a crash leaves it at most this long.
   * Renewed every `renewEveryMs` while the job runs. Default 20 s.
   */
  leaseMs?: number;
  /** Default: a quarter of the lease, so that two renewals can fail before the lease runs out. */
  renewEveryMs?: number;
  /** Jobs run at once. AWS calls inside are paced by the adapter's limiter whatever this is. */
  concurrency?: number;
  /** First wait before a job that failed for a passing reason runs again; doubles, at most `retryMaxMs`. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Attempts before a job that keeps failing is given up (end_grant is never given up: access must end). */
  maxAttempts?: number;
}

/** A failure worth trying again later (throttling, a timeout, AWS unreachable). */
export class RetryLater extends Error {}

/** The reason a job's signal aborts: its lease ran out or was taken, so another worker may be running it. */
export class LeaseLost extends Error {}

export const DEFAULT_LEASE_MS = 20_000;

type Held<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** What running a claimed job needs to know of it. */
export type HeldJob = Pick<JobRecord, 'id' | 'kind' | 'attempts' | 'requestId' | 'grantId' | 'leaseUntil'>;

export const TRANSIENT: ReadonlySet<AwsFailure['code']> = new Set([
  'throttled',
  'timed_out',
  'aws_error',
  'conflict',
]);

export class JobRunner {
  private readonly log: Logger;
  /** Who claims: unique per process start, so a restarted process never mistakes a dead one's lease for its own. */
  readonly owner: string;
  readonly leaseMs: number;
  private readonly renewEveryMs: number;
  private readonly concurrency: number;
  /** How many of the slots background work may fill (src/access/work-lane.ts): the rest wait for people's jobs. */
  private readonly backgroundSlots: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly maxAttempts: number;
  /** Card and message jobs of one request run one after another, in the order claimed. */
  private readonly chains = new Map<string, Promise<void>>();
  private draining: Promise<number> | undefined;
  /** Jobs run by their callers (claimNew + runClaimed): stop() waits for them too. */
  private readonly claimedRuns = new Set<Promise<unknown>>();
  private again = false;
  /** Set while a drain waits for running jobs: wake() ends the wait, so a job due now is claimed at once. */
  private nudge: (() => void) | undefined;
  private stopped = false;

  constructor(
    private readonly deps: JobRunnerDeps,
    options: JobRunnerOptions = {},
  ) {
    this.log = deps.logger.child({ module: 'jobs' });
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.renewEveryMs = options.renewEveryMs ?? Math.max(100, Math.floor(this.leaseMs / 4));
    this.concurrency = options.concurrency ?? 16;
    this.backgroundSlots = Math.max(1, this.concurrency - Math.floor(this.concurrency / 4));
    this.retryBaseMs = options.retryBaseMs ?? 2_000;
    this.retryMaxMs = options.retryMaxMs ?? 5 * 60_000;
    this.maxAttempts = options.maxAttempts ?? 8;
  }

  /** Starts draining now, in the background; a call while draining makes the drain look again when done. */
  wake(): void {
    if (this.stopped) return;
    if (this.draining !== undefined) {
      this.again = true;
      this.nudge?.();
      return;
    }
    void this.drain().catch((error: unknown) => this.log.error({ err: error }, 'job drain failed'));
  }

  /** Claims and runs every due job (and those that become due meanwhile); resolves with how many ran. */
  drain(): Promise<number> {
    if (this.draining !== undefined) {
      this.again = true;
      return this.draining;
    }
    // A drain woken from inside background work runs everyone's jobs: each in its own lane, none in the waker's.
    this.draining = inInteractive(() => this.drainLoop()).finally(() => {
      this.draining = undefined;
    });
    return this.draining;
  }

  /** Waits for the jobs under way, and claims no more. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.draining;
    await Promise.allSettled([...this.claimedRuns]);
  }

  /**
   * Records a new job already claimed by this runner (one insert), for a caller that runs it at once with
   * runClaimed; if this process dies first, another worker takes it over when the lease runs out.
   */
  claimNew(job: NewJob): Promise<JobRecord> {
    return this.deps.ledger.insertClaimedJob(job, this.owner, this.deps.clock.now(), this.leaseMs);
  }

  /**
   * Runs `work` for a job claimed with claimNew, keeping its lease while it runs: the job is done when `work`
   * resolves; when it throws, the job is given back to run again later (as its kind) and the error rethrown.
   */
  async runClaimed<T>(job: HeldJob, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const run = this.held(job, work);
    this.claimedRuns.add(run);
    try {
      const result = await run;
      if (!result.ok) throw result.error;
      return result.value;
    } finally {
      this.claimedRuns.delete(run);
    }
  }

  /** When the next job falls due (queued, or held by a worker that may have died); undefined: none waits. */
  nextDueAt(): Promise<Date | undefined> {
    return this.deps.ledger.nextJobDueAt(this.owner);
  }

  private async drainLoop(): Promise<number> {
    let ran = 0;
    let fed = false;
    const running = new Set<Promise<void>>();
    const background = new Set<Promise<void>>();
    for (;;) {
      this.again = false;
      while (running.size >= this.concurrency) await Promise.race(running);
      const claimed = this.stopped ? undefined : await this.claimNext(background.size);
      if (claimed !== undefined) {
        ran += 1;
        const p = this.runSerialised(claimed.job).finally(() => {
          running.delete(p);
          background.delete(p);
        });
        running.add(p);
        if (claimed.lane === 'background') background.add(p);
        continue;
      }
      // Nothing due now; the jobs under way may enqueue more (a grant made enqueues its card), so look again
      // each time one finishes, and stop only when nothing runs and nothing is due. Last, the audit channel's
      // lines for what this drain did.
      if (running.size === 0 && !this.again) {
        if (!fed && !this.stopped && (await this.feedDue())) {
          fed = true;
          continue;
        }
        break;
      }
      // Wait for a job to finish, or for new work (a long job's step enqueues its card: drawn while it runs).
      if (running.size > 0) {
        const woken = new Promise<void>((resolve) => {
          this.nudge = resolve;
        });
        await Promise.race([...running, woken]);
        this.nudge = undefined;
      }
    }
    return ran;
  }

  /**
   * The next due job: people's first (src/access/work-lane.ts), then background work while fewer than its share
   * of the slots run it. A quarter of the slots are kept for people's jobs, so that a mass expiry or an audit
   * never makes an approval's provisioning wait for a slot.
   */
  private async claimNext(
    backgroundRunning: number,
  ): Promise<{ job: JobRecord; lane: WorkLane } | undefined> {
    const { ledger, clock } = this.deps;
    const interactive = await ledger.claimJob(this.owner, clock.now(), this.leaseMs, 'interactive');
    if (interactive !== undefined) return { job: interactive, lane: 'interactive' };
    if (backgroundRunning >= this.backgroundSlots) return undefined;
    const background = await ledger.claimJob(this.owner, clock.now(), this.leaseMs, 'background');
    return background === undefined ? undefined : { job: background, lane: 'background' };
  }

  /** Enqueues the audit feed's job when lines wait; true when one was enqueued (or already is). */
  private async feedDue(): Promise<boolean> {
    const feed = this.deps.auditFeed;
    if (feed === undefined || !(await feed.due())) return false;
    await this.deps.ledger.enqueueJob({
      kind: 'audit_feed',
      runAt: this.deps.clock.now(),
      dedupeKey: AUDIT_FEED_KEY,
    });
    return true;
  }

  private runSerialised(job: JobRecord): Promise<void> {
    if (job.kind !== 'sync_card' && job.kind !== 'notify') return this.run(job);
    const key = `${job.kind}:${job.requestId ?? ''}`;
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.run(job));
    this.chains.set(key, next);
    return next.finally(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
  }

  private async run(job: JobRecord): Promise<void> {
    await this.held(job, (signal) => inLane(jobLane(job), () => this.dispatch(job, signal)));
  }

  private async dispatch(job: JobRecord, signal: AbortSignal): Promise<void> {
    switch (job.kind) {
      case 'provision':
        await this.provision(job, signal);
        break;
      case 'end_grant':
        await this.endGrant(job, signal);
        break;
      case 'sync_card':
        await this.syncCard(job);
        break;
      case 'notify':
        await this.notify(job);
        break;
      case 'audit':
        if (this.deps.auditWork === undefined) throw new Error('no audit runner in this deployment');
        await this.deps.auditWork.run(job);
        break;
      case 'decide':
        if (this.deps.clickWork === undefined) throw new Error('no click runner in this deployment');
        await this.deps.clickWork.run(job, signal);
        break;
      case 'audit_feed':
        await this.deps.auditFeed?.run();
        break;
      case 'home':
        if (typeof job.payload.userId === 'string') await this.deps.homeWork?.publish(job.payload.userId);
        break;
      case 'end_sessions':
        if (this.deps.sessionWork === undefined) throw new Error('no session work in this deployment');
        await this.deps.sessionWork.run(signal);
        break;
      case 'remind_approvers':
        await postNudge(this.deps, job);
        break;
      case 'break_glass':
        await this.deps.breakGlassWork?.run(job);
        break;
    }
  }

  /**
   * Runs `work` for a job this worker holds, keeping the lease while it runs; then marks the job done, or gives
   * it back to run again later (or fails it for good after its attempts). A worker that lost the lease touches
   * the job no more: another worker has it.
   */
  private async held<T>(job: HeldJob, work: (signal: AbortSignal) => Promise<T>): Promise<Held<T>> {
    const log = this.log.child({
      jobId: job.id,
      kind: job.kind,
      requestId: job.requestId,
      grantId: job.grantId,
    });
    const lease = this.keepLease(job, log);
    try {
      const value = await work(lease.signal);
      await this.deps.ledger.completeJob(job.id, this.owner, this.deps.clock.now());
      return { ok: true, value };
    } catch (error) {
      if (lease.signal.aborted) {
        log.warn({ reason: String(lease.signal.reason) }, 'job stopped: its lease was lost');
        return { ok: false, error };
      }
      const attempts = job.attempts + 1;
      // Access must end, and so must the sessions already open: those are never given up.
      const forever = job.kind === 'end_grant' || job.kind === 'end_sessions';
      const giveUp = !forever && attempts >= this.maxAttempts;
      const delay = Math.min(this.retryBaseMs * 2 ** Math.min(job.attempts, 16), this.retryMaxMs);
      const runAt = giveUp ? null : new Date(this.deps.clock.now().getTime() + delay);
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof RetryLater || error instanceof SessionsRetryLater)
        log.warn({ attempts, retryInMs: giveUp ? null : delay }, message);
      else log.error({ err: error, attempts }, 'job failed');
      await this.deps.ledger.releaseJob(job.id, this.owner, message, runAt);
      if (giveUp && job.kind === 'provision' && job.requestId !== null)
        await this.giveUpProvisioning(job.requestId, message);
      return { ok: false, error };
    } finally {
      lease.stop();
    }
  }

  /**
   * Renews the job's lease every `renewEveryMs` while it runs. The signal aborts when a renewal finds the lease
   * taken, or when renewals kept failing until the lease ran out: from then on another worker may run the job.
   */
  private keepLease(job: HeldJob, log: Logger): { signal: AbortSignal; stop: () => void } {
    const { ledger, clock } = this.deps;
    const controller = new AbortController();
    let until = job.leaseUntil?.getTime() ?? clock.now().getTime() + this.leaseMs;
    let renewing = false;
    const renew = async (): Promise<void> => {
      const now = clock.now();
      try {
        if (await ledger.renewJobLease(job.id, this.owner, now, this.leaseMs)) {
          until = now.getTime() + this.leaseMs;
          return;
        }
        controller.abort(new LeaseLost(`the lease of job ${job.id} was taken by another worker`));
      } catch (error) {
        log.warn({ err: error }, 'could not renew the job lease');
        if (clock.now().getTime() >= until)
          controller.abort(new LeaseLost(`the lease of job ${job.id} ran out while it could not be renewed`));
      }
    };
    const timer = setInterval(() => {
      if (renewing || controller.signal.aborted) return;
      renewing = true;
      void renew().finally(() => {
        renewing = false;
      });
    }, this.renewEveryMs);
    timer.unref();
    return { signal: controller.signal, stop: () => clearInterval(timer) };
  }

  // ---------- provision: make the request's assignments ----------

  private async provision(job: JobRecord, signal: AbortSignal): Promise<void> {
    const { ledger, clock } = this.deps;
    const request = job.requestId === null ? undefined : await ledger.getRequest(job.requestId);
    if (request === undefined) return;
    const admin = ADMIN_KINDS.has(request.kind) ? this.deps.adminWork : undefined;
    if (ADMIN_KINDS.has(request.kind) && admin === undefined)
      throw new Error(`no admin work runner for ${request.kind} request ${request.id}`);
    const startsAt = admin?.startsAt(request);
    if (request.status === 'approved' && startsAt !== undefined && startsAt > clock.now()) {
      // Approved before the starter's first day: the work waits for it, in a job of its own.
      await ledger.enqueueJob({
        kind: 'provision',
        requestId: request.id,
        runAt: startsAt,
        dedupeKey: `provision:${request.id}:${startsAt.toISOString()}`,
      });
      return;
    }
    if (request.status === 'scheduled') {
      // Its start has come: checked again, then provisioned like any approved request (read afresh).
      if (this.deps.scheduledStart === undefined) throw new Error('no scheduled start in this deployment');
      // Only the run that started it goes on to make its grants, as an approved request's run that moved it to
      // provisioning does: a second run that reached the same start (another replica's job of the same request)
      // would call AWS for the same grants again. A crash after the start is this job's retry, which finds the
      // request provisioning and carries on below.
      if (await this.deps.scheduledStart.start(request)) await this.provision(job, signal);
      return;
    }
    if (request.status === 'approved' || request.status === 'failed') {
      const now = clock.now();
      const started = await ledger.transaction(async (tx) => {
        if (!(await tx.transitionRequest(request.id, request.status, 'provisioning'))) return false;
        await tx.appendAudit({
          at: now,
          actor: 'system',
          action: 'request.provisioning',
          requestId: request.id,
        });
        await tx.enqueueJob(cardJob(request.id, now));
        return true;
      });
      if (!started) return;
    } else if (request.status !== 'provisioning') {
      return; // already finished by an earlier run
    }
    if (request.kind === 'extend') {
      await this.extend(request);
      return;
    }
    if (admin !== undefined) {
      // An admin's work is many calls nobody waits for one by one (an offboarding of 300 assignments, a role
      // change, a bulk of 200 people): people's requests go ahead of it in AWS's budget, call by call.
      await inBackground(() => admin.run({ ...request, status: 'provisioning' }, signal));
      return;
    }
    const grants = await ledger.findGrants({ requestId: request.id });
    const outcomes = await Promise.allSettled(
      grants
        .filter(
          (g) =>
            g.status === 'pending' ||
            g.status === 'provisioning' ||
            (g.status === 'failed' && request.status === 'failed'),
        )
        .map((g) => this.provisionGrant(request, g, signal)),
    );
    const transient = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (transient !== undefined) throw transient.reason;
    await this.finishProvisioning(request);
  }

  private async provisionGrant(
    request: RequestRecord,
    grant: GrantRecord,
    signal: AbortSignal,
  ): Promise<void> {
    const { ledger, clock, assignments } = this.deps;
    let current = grant;
    if (grant.status === 'pending' || grant.status === 'failed') {
      const now = clock.now();
      const moved = await ledger.transaction(async (tx) => {
        if (!(await tx.transitionGrant(grant.id, grant.status, 'provisioning', { failureReason: null })))
          return false;
        await tx.appendAudit({
          at: now,
          actor: 'system',
          action: 'grant.provisioning',
          requestId: request.id,
          grantId: grant.id,
        });
        await tx.enqueueJob(cardJob(request.id, now));
        return true;
      });
      if (!moved) return;
      current = { ...grant, status: 'provisioning', failureReason: null };
    }
    if (current.group !== undefined) {
      // A group membership instead of an assignment.
      if (this.deps.groupGrants === undefined) throw new Error('no group grants in this deployment');
      await this.deps.groupGrants.join(request, { ...current, group: current.group });
      return;
    }
    const assignment = {
      accountId: current.accountId,
      permissionSetArn: current.permissionSetArn,
      principal: { type: 'USER' as const, id: current.principalId },
    };
    // Look before you create: an assignment that exists though we never asked for it was made by someone
    // else, and ending this grant must leave it alone.
    if (current.awsRequestId === null) {
      const existing = await assignments.listForPrincipal(assignment.principal, {
        accountIds: [current.accountId],
      });
      if (!existing.ok) this.transientOr(existing.error);
      else if (
        existing.value.some(
          (a) => a.accountId === current.accountId && a.permissionSetArn === current.permissionSetArn,
        )
      ) {
        await this.grantActive(request, current, false, null);
        return;
      }
    }
    let saving: Promise<void> = Promise.resolve();
    let savedRequestId = current.awsRequestId;
    const result = await assignments.create(assignment, {
      ...(current.awsRequestId !== null ? { resumeRequestId: current.awsRequestId } : {}),
      signal,
      onProgress: (p) => {
        if (p.requestId === savedRequestId) return;
        savedRequestId = p.requestId;
        // Kept at once, so that a run resumed after a crash follows this request instead of creating again.
        saving = ledger.updateGrant(current.id, { awsRequestId: p.requestId });
      },
    });
    await saving;
    if (result.ok) {
      await this.grantActive(request, current, true, result.value.requestId ?? savedRequestId);
      return;
    }
    this.transientOr(result.error);
    const now = clock.now();
    const reason = result.error.reason ?? result.error.message;
    await ledger.transaction(async (tx) => {
      if (!(await tx.transitionGrant(current.id, 'provisioning', 'failed', { failureReason: reason })))
        return;
      await tx.appendAudit({
        at: now,
        actor: 'system',
        action: 'aws.assignment.failed',
        requestId: request.id,
        grantId: current.id,
        details: { account: current.accountAlias, code: result.error.code, reason },
      });
      await tx.enqueueJob(cardJob(request.id, now));
    });
  }

  private async grantActive(
    request: RequestRecord,
    grant: GrantRecord,
    created: boolean,
    awsRequestId: string | null,
  ) {
    const { ledger, clock } = this.deps;
    const now = clock.now();
    await ledger.transaction(async (tx) => {
      const moved = await tx.transitionGrant(grant.id, 'provisioning', 'active', {
        startsAt: now,
        // Scheduled access ends its length after its start, not after the moment AWS finished.
        endsAt: grantEnd(request, now),
        createdAssignment: created,
        ...(awsRequestId !== null ? { awsRequestId } : {}),
      });
      if (!moved) return;
      await tx.appendAudit({
        at: now,
        actor: 'system',
        action: created ? 'aws.assignment.created' : 'aws.assignment.found',
        requestId: request.id,
        grantId: grant.id,
        details: { account: grant.accountAlias, permissionSet: grant.permissionSet, awsRequestId },
      });
      await tx.enqueueJob(cardJob(request.id, now));
    });
  }

  private async finishProvisioning(request: RequestRecord): Promise<void> {
    const { ledger, clock } = this.deps;
    const grants = await ledger.findGrants({ requestId: request.id });
    const active = grants.filter((g) => g.status === 'active').length;
    const failed = grants.filter((g) => g.status === 'failed').length;
    const to = active === 0 ? 'failed' : request.durationMs === null ? 'completed' : 'active';
    const event: RequesterEvent = active === 0 ? 'failed' : failed > 0 ? 'partially_granted' : 'granted';
    const now = clock.now();
    await ledger.transaction(async (tx) => {
      if (!(await tx.transitionRequest(request.id, 'provisioning', to))) return;
      await tx.appendAudit({
        at: now,
        actor: 'system',
        action: `request.${to}`,
        requestId: request.id,
        details: { active, failed },
      });
      await tx.enqueueJob(cardJob(request.id, now));
      await tx.enqueueJob(notifyJob(request.id, event, now));
    });
  }

  private async giveUpProvisioning(requestId: string, message: string): Promise<void> {
    const { ledger, clock } = this.deps;
    const now = clock.now();
    const admin = await ledger.getRequest(requestId);
    if (admin !== undefined && ADMIN_KINDS.has(admin.kind) && this.deps.adminWork !== undefined) {
      await this.deps.adminWork.giveUp(admin, message);
      return;
    }
    const grants = await ledger.findGrants({ requestId, statuses: ['pending', 'provisioning'] });
    await ledger.transaction(async (tx) => {
      for (const g of grants) {
        await tx.transitionGrant(g.id, g.status, g.status === 'pending' ? 'ended' : 'failed', {
          failureReason: `AWS did not answer in time: ${message}`,
        });
      }
      await tx.appendAudit({
        at: now,
        actor: 'system',
        action: 'request.provisioning_abandoned',
        requestId,
        details: { message },
      });
    });
    const request = await ledger.getRequest(requestId);
    if (request !== undefined) await this.finishProvisioning(request);
  }

  private transientOr(error: AwsFailure): void {
    if (TRANSIENT.has(error.code)) throw new RetryLater(error.message);
  }

  // ---------- extend: move the grants' end ----------

  private async extend(request: RequestRecord): Promise<void> {
    const { ledger, clock } = this.deps;
    const now = clock.now();
    const extensionMs = request.durationMs ?? 0;
    await ledger.transaction(async (tx) => {
      let moved = 0;
      for (const id of request.extendsGrantIds) {
        // Held: the scheduler ending this grant at this moment (on any replica) either ends it first, and the
        // extension finds it no longer active, or waits and finds the new end.
        const grant = await (tx.lockGrant?.(id) ?? tx.getGrant(id));
        if (grant?.status !== 'active' || grant.endsAt === null) continue;
        const endsAt = new Date(grant.endsAt.getTime() + extensionMs);
        await tx.updateGrant(id, { endsAt, remindedAt: null });
        await tx.appendAudit({
          at: now,
          actor: 'system',
          action: 'grant.extended',
          requestId: request.id,
          grantId: id,
          details: { from: grant.endsAt.toISOString(), to: endsAt.toISOString() },
        });
        moved += 1;
      }
      const to = moved > 0 ? 'completed' : 'failed';
      await tx.transitionRequest(request.id, 'provisioning', to);
      await tx.appendAudit({
        at: now,
        actor: 'system',
        action: `request.${to}`,
        requestId: request.id,
        details: { extended: moved },
      });
      await tx.enqueueJob(cardJob(request.id, now));
      await tx.enqueueJob(notifyJob(request.id, moved > 0 ? 'extended' : 'failed', now));
      const original = request.details.extendsRequestId;
      if (typeof original === 'string') await tx.enqueueJob(cardJob(original, now));
    });
  }

  // ---------- end_grant: remove the assignment unless something else needs it ----------

  private async endGrant(job: JobRecord, signal: AbortSignal): Promise<void> {
    const { ledger, clock, assignments } = this.deps;
    const grant = job.grantId === null ? undefined : await ledger.getGrant(job.grantId);
    if (grant?.status !== 'ending') return;
    const reason = job.payload.reason === 'revoked' ? 'revoked' : 'expired';
    if (grant.group !== undefined) {
      if (this.deps.groupGrants === undefined) throw new Error('no group grants in this deployment');
      await this.deps.groupGrants.end({ ...grant, group: grant.group }, reason);
      return;
    }
    const others = (
      await ledger.findGrants({
        principalId: grant.principalId,
        accountId: grant.accountId,
        permissionSetArn: grant.permissionSetArn,
        statuses: ['pending', 'provisioning', 'active'],
      })
    ).filter((g) => g.id !== grant.id);
    let awsAction: string;
    if (grant.createdAssignment === false) {
      awsAction = 'aws.assignment.kept'; // made outside access-desk: not ours to remove
    } else if (others.length > 0) {
      awsAction = 'aws.assignment.kept'; // another grant (perhaps permanent) still needs it
    } else {
      const result = await assignments.delete(
        {
          accountId: grant.accountId,
          permissionSetArn: grant.permissionSetArn,
          principal: { type: 'USER', id: grant.principalId },
        },
        { signal },
      );
      if (!result.ok) {
        await ledger.appendAudit({
          at: clock.now(),
          actor: 'system',
          action: 'aws.assignment.delete_failed',
          requestId: grant.requestId,
          grantId: grant.id,
          details: { code: result.error.code, message: result.error.message },
        });
        // Access must end: every failure is retried, with a growing wait.
        throw new RetryLater(`ending ${grant.id}: ${result.error.message}`);
      }
      awsAction =
        result.value.outcome === 'already_gone' ? 'aws.assignment.already_gone' : 'aws.assignment.deleted';
    }
    const now = clock.now();
    await ledger.transaction(async (tx) => {
      if (!(await tx.transitionGrant(grant.id, 'ending', 'ended', { endedAt: now, endReason: reason })))
        return;
      // The assignment is gone (or was already): sessions opened with it before now are ended too. Kept, it was
      // not ours or is still needed, and its sessions are rightly alive.
      const denials =
        awsAction === 'aws.assignment.kept'
          ? []
          : await recordEndedAccess(tx, this.deps.config, [endedGrant(grant, reason, now, null)], now);
      await tx.appendAudit({
        at: now,
        actor: 'system',
        action: awsAction,
        requestId: grant.requestId,
        grantId: grant.id,
        details: {
          account: grant.accountAlias,
          permissionSet: grant.permissionSet,
          ...(awsAction === 'aws.assignment.kept'
            ? {
                why:
                  grant.createdAssignment === false
                    ? 'made outside access-desk'
                    : `still needed by ${others.map((g) => g.id).join(', ')}`,
              }
            : {}),
        },
      });
      await recordGrantEnded(
        tx,
        grant,
        now,
        { reason },
        { tellHolder: !denials.some((d) => d.status === 'adding') },
      );
    });
  }

  // ---------- messages ----------

  private async syncCard(job: JobRecord): Promise<void> {
    if (job.requestId === null) return;
    const view = await buildView(
      this.deps.ledger,
      this.deps.catalog,
      job.requestId,
      this.deps.config.sessions,
    );
    if (view === undefined) return;
    const card = await this.deps.notifier.syncCard(view);
    if (view.request.card?.ts !== card.ts || view.request.card.channel !== card.channel) {
      await this.deps.ledger.updateRequest(job.requestId, { card });
    }
    if (view.request.details.breakGlass !== undefined) await this.deps.breakGlassWork?.cardSynced(view);
  }

  private async notify(job: JobRecord): Promise<void> {
    if (job.requestId === null) return;
    const view = await buildView(
      this.deps.ledger,
      this.deps.catalog,
      job.requestId,
      this.deps.config.sessions,
    );
    if (view === undefined) return;
    const grant = job.grantId === null ? undefined : await this.deps.ledger.getGrant(job.grantId);
    const event = job.payload.event as RequesterEvent;
    const dm = await this.deps.notifier.notifyRequester(view, event, grant);
    if (view.request.dm?.ts !== dm.ts || view.request.dm.channel !== dm.channel) {
      await this.deps.ledger.updateRequest(job.requestId, { dm });
    }
  }
}
