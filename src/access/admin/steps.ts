/**
 * The step runner: the approved work of an admin request, run by the provision job. Steps run in order;
 * each one's outcome is saved right after it (details, an audit event, the card), so a run resumed after a
 * crash starts at the first step not done and nothing is done twice. A failed step stops the work (the
 * request goes to `failed`, saying why) until an admin retries, which continues from that step.
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
    const remember = async (patch: Partial<AdminRequestDetails>): Promise<void> => {
      details = { ...details, ...patch };
      await ledger.updateRequest(request.id, { details: toRecord(details) });
    };
    const ctx: StepContext = {
      request,
      get details() {
        return details;
      },
      remember,
      ...(signal !== undefined ? { signal } : {}),
    };
    for (let i = 0; i < details.steps.length; i += 1) {
      const step = details.steps[i]!;
      if (step.status === 'done' || step.status === 'skipped') continue;
      // The job's lease is lost: another worker runs the steps now, and none may start twice.
      signal?.throwIfAborted();
      const result = await this.actions.run(step, ctx);
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
      await this.saveStep(request, details, saved);
      if (saved.status === 'failed') {
        await this.finish(request, details, 'failed', saved);
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

  private async saveStep(request: RequestRecord, details: AdminRequestDetails, step: AdminStep) {
    const { ledger, clock } = this.deps;
    const now = clock.now();
    await ledger.transaction(async (tx) => {
      await tx.updateRequest(request.id, { details: toRecord(details) });
      await tx.appendAudit({
        at: now,
        actor: 'system',
        action: `admin.step.${step.status}`,
        requestId: request.id,
        details: {
          step: step.id,
          label: step.label,
          ...(step.detail !== undefined ? { detail: step.detail } : {}),
        },
      });
      await tx.enqueueJob(cardJob(request.id, now));
    });
    // The card shows this step done now, while the next ones run (not all at once at the end).
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
