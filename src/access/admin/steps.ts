/**
 * The step runner: the approved work of an admin request, run by the provision job. Steps run in order, those
 * whose order among themselves does not matter side by side (src/access/admin/waves.ts: a role change's
 * additions, then its removals; an offboarding's assignments, then its groups); each one's outcome is saved
 * right after it (details, an audit event, the card), so a run resumed after a crash starts at the first step
 * not done and nothing is done twice. A failed step stops the work (the request goes to `failed`, saying why)
 * until an admin retries, which continues from that step.
 */
import type { Logger } from '../../log.js';
import type { AdminRequestDetails, AdminStep } from '../admin-api.js';
import type { AdminWork } from '../jobs.js';
import type { RequestRecord } from '../ledger.js';
import { cardJob, notifyJob } from '../service.js';
import type { AdminDeps } from './deps.js';
import { readDetails, toRecord } from './details.js';
import { openSessionsNote, replanOffboarding } from './offboarding.js';
import { startOfDay } from './onboarding.js';
import { StepActions, type StepContext } from './step-actions.js';
import { BatchRunner, forgetAwsRequest } from './bulk-runner.js';
import {
  DetailsSaver,
  heldAssignmentsOnce,
  nextWave,
  runWave,
  stepAudit,
  WAVE_CONCURRENCY,
} from './waves.js';

export class StepRunner implements AdminWork {
  private readonly log: Logger;
  private readonly actions: StepActions;
  /** Bulk onboardings: each person's onboarding steps, person by person (src/access/admin/bulk-runner.ts). */
  private readonly batch: BatchRunner;

  constructor(private readonly deps: AdminDeps) {
    this.log = deps.logger.child({ module: 'admin.runner' });
    this.actions = new StepActions(deps);
    this.batch = new BatchRunner(deps);
  }

  startsAt(request: RequestRecord): Date | undefined {
    if (request.kind === 'bulk_onboard') return this.batch.startsAt(request);
    if (request.kind !== 'onboard') return undefined;
    const day = readDetails(request).starter?.startDate;
    return day === undefined ? undefined : startOfDay(day);
  }

  async run(request: RequestRecord, signal?: AbortSignal): Promise<void> {
    if (request.kind === 'bulk_onboard') return this.batch.run(request, signal);
    const { ledger } = this.deps;
    let details = readDetails(request);
    if (
      request.kind === 'offboard' &&
      !details.steps.some((s) => s.status === 'done' || s.status === 'failed')
    ) {
      // Nothing done yet: plan again from what the person holds now, which may have changed since the
      // request was made (a grant made or ended while it waited for approval).
      const fresh = await replanOffboarding(this.deps, details, this.deps.clock.now());
      if (fresh !== undefined) {
        details = fresh;
        await ledger.updateRequest(request.id, { details: toRecord(details) });
      }
    }
    // Every write of the details goes through one saver, so that steps running side by side never save an
    // older picture over a newer one.
    const saver = new DetailsSaver((steps) => this.saveSteps(request, details, steps));
    const remember = async (patch: Partial<AdminRequestDetails>): Promise<void> => {
      details = { ...details, ...patch };
      await saver.save();
    };
    let madeUser = false;
    const order = details.steps.map((_s, i) => i);
    for (let at = 0; at < order.length;) {
      const wave = nextWave(details.steps, order, at);
      at = wave.next;
      if (wave.indexes.length === 0) continue;
      const heldAssignments = heldAssignmentsOnce(
        this.deps.assignments,
        wave.indexes.map((i) => details.steps[i]!),
        () => details.subject.userId ?? '',
        madeUser,
      );
      const ctx: StepContext = {
        request,
        get details() {
          return details;
        },
        remember,
        ...(signal !== undefined ? { signal } : {}),
        ...(heldAssignments !== undefined ? { heldAssignments } : {}),
      };
      const failedAt = await runWave(
        wave.indexes,
        WAVE_CONCURRENCY,
        async (i) => {
          // The job's lease is lost: another worker runs the steps now, and none may start twice.
          signal?.throwIfAborted();
          const step = details.steps[i]!;
          const result = await this.actions.run(step, ctx);
          if (result.status !== 'failed' && result.madeUser === true) madeUser = true;
          const { detail: _previous, ...rest } = step;
          const saved: AdminStep = {
            ...rest,
            status: result.status,
            ...(result.detail !== undefined ? { detail: result.detail } : {}),
          };
          const patch = result.status === 'failed' ? {} : (result.patch ?? {});
          details = { ...details, ...patch, steps: details.steps.map((s, j) => (j === i ? saved : s)) };
          // A retry must not follow an AWS request that ended FAILED: it would read the same failure again.
          if (saved.status === 'failed') details = forgetAwsRequest(details, saved.id);
          await saver.save(saved);
          return saved.status === 'failed' ? 'failed' : 'done';
        },
        signal,
      );
      if (failedAt !== undefined) {
        await this.finish(request, details, 'failed', details.steps[failedAt]);
        return;
      }
    }
    await this.finish(request, details, 'completed');
  }

  async giveUp(request: RequestRecord, message: string): Promise<void> {
    const details = readDetails((await this.deps.ledger.getRequest(request.id)) ?? request);
    const index = details.steps.findIndex((s) => s.status === 'pending' || s.status === 'failed');
    const step = details.steps[index];
    if (step === undefined) return;
    const saved: AdminStep = { ...step, status: 'failed', detail: `AWS did not answer in time: ${message}` };
    const next = { ...details, steps: details.steps.map((s, j) => (j === index ? saved : s)) };
    await this.saveStep(request, next, saved);
    await this.finish(request, next, 'failed', saved);
  }

  /** The details as they are now, and an audit line for each step saved since the last write, in one transaction. */
  private async saveSteps(
    request: RequestRecord,
    details: AdminRequestDetails,
    steps: readonly AdminStep[],
  ): Promise<void> {
    if (steps.length === 0) {
      await this.deps.ledger.updateRequest(request.id, { details: toRecord(details) });
      return;
    }
    const { ledger, clock } = this.deps;
    const now = clock.now();
    await ledger.transaction(async (tx) => {
      await tx.updateRequest(request.id, { details: toRecord(details) });
      for (const step of steps) await tx.appendAudit(stepAudit(request.id, step, now));
      await tx.enqueueJob(cardJob(request.id, now));
    });
    // The card shows these steps done now, while the next ones run (not all at once at the end).
    this.deps.wake?.();
    for (const step of steps)
      this.log.info({ requestId: request.id, step: step.id, status: step.status }, 'admin step');
  }

  private async saveStep(request: RequestRecord, details: AdminRequestDetails, step: AdminStep) {
    const { ledger, clock } = this.deps;
    const now = clock.now();
    await ledger.transaction(async (tx) => {
      await tx.updateRequest(request.id, { details: toRecord(details) });
      await tx.appendAudit(stepAudit(request.id, step, now));
      await tx.enqueueJob(cardJob(request.id, now));
    });
    this.deps.wake?.();
    this.log.info({ requestId: request.id, step: step.id, status: step.status }, 'admin step');
  }

  private async finish(
    request: RequestRecord,
    details: AdminRequestDetails,
    to: 'completed' | 'failed',
    failedStep?: AdminStep,
  ): Promise<void> {
    const { ledger, clock } = this.deps;
    const now = clock.now();
    const final = to === 'completed' ? { ...details, notes: this.notes(request, details) } : details;
    await ledger.transaction(async (tx) => {
      if (!(await tx.transitionRequest(request.id, 'provisioning', to, { details: toRecord(final) }))) return;
      await tx.appendAudit({
        at: now,
        actor: 'system',
        action: `request.${to}`,
        requestId: request.id,
        details:
          failedStep === undefined
            ? { steps: details.steps.length }
            : { step: failedStep.id, detail: failedStep.detail ?? '' },
      });
      await tx.enqueueJob(cardJob(request.id, now));
      await tx.enqueueJob(notifyJob(request.id, to === 'completed' ? 'granted' : 'failed', now));
    });
  }

  /** What the admin must still know or do once the work is done. */
  private notes(request: RequestRecord, details: AdminRequestDetails): string[] {
    const { config } = this.deps;
    const notes: string[] = [];
    if (request.kind === 'onboard' && !config.email.oneTimePasswords) {
      notes.push(
        `Users created through the API have no password. Set ${details.subject.email}'s first password: IAM Identity Center console → Users → ${details.subject.email} → Reset password → "Generate a one-time password and share the password with the user", and give it to them by another way than email.`,
      );
    }
    if (request.kind === 'offboard' && details.snapshot !== undefined && !config.sessions.endOnRevoke) {
      const note = openSessionsNote(details.snapshot);
      if (note !== undefined) notes.push(note);
    }
    return notes;
  }
}
