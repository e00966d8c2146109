/**
 * A bulk onboarding carried out: each person by the usual onboarding steps (create the user, join the role's
 * groups, make its assignments, send the welcome email), run by the same step actions as a single onboarding,
 * one person after another, from the provision job. Every step's outcome is saved at once, so a run resumed after
 * a crash starts at the first step not done and never creates a user twice (create_user looks before it creates,
 * and a user found after an attempt that a crash cut short is taken as ours).
 *
 * One person's failed step stops that person only: the others carry on, and the batch ends failed, naming who
 * failed and why, until an admin retries (which continues from the failed steps). A person whose start date is
 * still to come waits: the batch stays in progress and runs again on that day (a batch that failed meanwhile runs
 * again then too, its failed steps included, so that nobody waiting is left behind).
 */
import type { Logger } from '../../log.js';
import type { AdminRequestDetails, AdminStep, BatchPerson } from '../admin-api.js';
import type { RequestRecord } from '../ledger.js';
import { cardJob, notifyJob } from '../service.js';
import type { AdminDeps } from './deps.js';
import { readDetails, toRecord } from './details.js';
import { personState, stepsOf, subjectOfPerson } from './bulk-steps.js';
import { startOfDay } from './onboarding.js';
import { StepActions, type StepContext } from './step-actions.js';

/** The batch's details as the run changes them: every step and person saved goes through here. */
interface Run {
  request: RequestRecord;
  details: AdminRequestDetails;
  signal?: AbortSignal;
}

export class BatchRunner {
  private readonly log: Logger;
  private readonly actions: StepActions;

  constructor(private readonly deps: AdminDeps) {
    this.log = deps.logger.child({ module: 'admin.batch' });
    this.actions = new StepActions(deps);
  }

  /** At once, unless everyone still to do waits for a later start date: then on the first of those days. */
  startsAt(request: RequestRecord): Date | undefined {
    const details = readDetails(request);
    const now = this.deps.clock.now();
    let first: Date | undefined;
    for (const person of details.batch ?? []) {
      if (personState(details, person, now) === 'done') continue;
      const start = startOf(person);
      if (start === undefined) return undefined;
      if (first === undefined || start < first) first = start;
    }
    return first;
  }

  async run(request: RequestRecord, signal?: AbortSignal): Promise<void> {
    const run: Run = { request, details: readDetails(request), ...(signal !== undefined ? { signal } : {}) };
    const now = this.deps.clock.now();
    const waiting: Date[] = [];
    for (const person of run.details.batch ?? []) {
      const state = personState(run.details, person, now);
      if (state === 'done') continue;
      if (state === 'waiting') {
        waiting.push(startOf(person)!);
        continue;
      }
      await this.runPerson(run, person.row);
    }
    const people = run.details.batch ?? [];
    const failed = people.filter((p) => personState(run.details, p, now) === 'failed');
    const next = waiting.length > 0 ? new Date(Math.min(...waiting.map((d) => d.getTime()))) : undefined;
    if (next !== undefined) await this.waitFor(run, next, waiting.length);
    if (failed.length > 0) await this.finish(run, 'failed', failed);
    else if (next === undefined) await this.finish(run, 'completed', []);
  }

  /** Runs one person's steps not done yet, in order, until one fails. */
  private async runPerson(run: Run, row: number): Promise<void> {
    for (const { index } of stepsOf(run.details, row)) {
      const step = run.details.steps[index]!;
      if (step.status === 'done' || step.status === 'skipped') continue;
      // The job's lease is lost: another worker runs the steps now, and none may start twice.
      run.signal?.throwIfAborted();
      const result = await this.actions.run(step, this.context(run, row));
      const { detail: _previous, ...rest } = step;
      const saved: AdminStep = {
        ...rest,
        status: result.status,
        ...(result.detail !== undefined ? { detail: result.detail } : {}),
      };
      if (result.status !== 'failed' && result.patch !== undefined)
        run.details = patchPerson(run.details, row, result.patch);
      if (result.status === 'failed') run.details = forgetAwsRequest(run.details, step.id);
      run.details = { ...run.details, steps: run.details.steps.map((s, j) => (j === index ? saved : s)) };
      await this.saveStep(run, saved);
      if (saved.status === 'failed') return;
    }
  }

  /** The step actions see one person's onboarding: them as its subject and starter, their own attempt. */
  private context(run: Run, row: number): StepContext {
    const { ledger } = this.deps;
    const person = (): BatchPerson => personOf(run.details, row);
    return {
      request: run.request,
      get details(): AdminRequestDetails {
        const p = person();
        const { createUserAttempted: _batch, ...rest } = run.details;
        return {
          ...rest,
          subject: subjectOfPerson(p),
          starter: p.starter,
          ...(p.createUserAttempted === true ? { createUserAttempted: true } : {}),
        };
      },
      remember: async (patch) => {
        run.details = patchPerson(run.details, row, patch);
        await ledger.updateRequest(run.request.id, { details: toRecord(run.details) });
      },
      ...(run.signal !== undefined ? { signal: run.signal } : {}),
    };
  }

  private async saveStep(run: Run, step: AdminStep): Promise<void> {
    const { ledger, clock } = this.deps;
    const now = clock.now();
    await ledger.transaction(async (tx) => {
      await tx.updateRequest(run.request.id, { details: toRecord(run.details) });
      await tx.appendAudit({
        at: now,
        actor: 'system',
        action: `admin.step.${step.status}`,
        requestId: run.request.id,
        details: {
          step: step.id,
          label: step.label,
          ...(step.detail !== undefined ? { detail: step.detail } : {}),
        },
      });
      await tx.enqueueJob(cardJob(run.request.id, now));
    });
    this.log.info({ requestId: run.request.id, step: step.id, status: step.status }, 'batch step');
  }

  /** Some people start later: the batch runs again on the first of their days (a job of its own). */
  private async waitFor(run: Run, day: Date, people: number): Promise<void> {
    const { ledger, clock } = this.deps;
    const now = clock.now();
    await ledger.transaction(async (tx) => {
      await tx.updateRequest(run.request.id, { details: toRecord(run.details) });
      await tx.appendAudit({
        at: now,
        actor: 'system',
        action: 'admin.batch.waiting',
        requestId: run.request.id,
        details: { people, until: day.toISOString() },
      });
      await tx.enqueueJob({
        kind: 'provision',
        requestId: run.request.id,
        runAt: day,
        dedupeKey: `provision:${run.request.id}:${day.toISOString()}`,
      });
      await tx.enqueueJob(cardJob(run.request.id, now));
    });
  }

  private async finish(run: Run, to: 'completed' | 'failed', failed: readonly BatchPerson[]): Promise<void> {
    const { ledger, clock } = this.deps;
    const now = clock.now();
    const final = to === 'completed' ? { ...run.details, notes: this.notes(run.details) } : run.details;
    const people = run.details.batch?.length ?? 0;
    await ledger.transaction(async (tx) => {
      const moved = await tx.transitionRequest(run.request.id, 'provisioning', to, {
        details: toRecord(final),
      });
      if (!moved) return;
      await tx.appendAudit({
        at: now,
        actor: 'system',
        action: `request.${to}`,
        requestId: run.request.id,
        details: {
          people,
          steps: run.details.steps.length,
          ...(failed.length > 0 ? { failed: failed.map((p) => p.email) } : {}),
        },
      });
      await tx.enqueueJob(cardJob(run.request.id, now));
      await tx.enqueueJob(notifyJob(run.request.id, to === 'completed' ? 'granted' : 'failed', now));
    });
  }

  /** What the admin must still do: every new user's first password, unless the instance emails one. */
  private notes(details: AdminRequestDetails): string[] {
    if (this.deps.config.email.oneTimePasswords) return [];
    const n = details.batch?.length ?? 0;
    return [
      `Users created through the API have no password. Set the first password of each of the ${n} new user${n === 1 ? '' : 's'}: IAM Identity Center console → Users → the user → Reset password → "Generate a one-time password and share the password with the user", and give it to them by another way than email.`,
    ];
  }
}

function personOf(details: AdminRequestDetails, row: number): BatchPerson {
  const person = details.batch?.find((p) => p.row === row);
  if (person === undefined) throw new Error(`bulk onboarding has steps for row ${row} but no person`);
  return person;
}

/**
 * What a step saved about its person (their user id, the CreateUser attempt) goes onto them; AWS request ids
 * stay with the whole batch, keyed by the step's own (row-prefixed) id. Anything else is not a person's and
 * would be lost: a bug.
 */
function patchPerson(
  details: AdminRequestDetails,
  row: number,
  patch: Partial<AdminRequestDetails>,
): AdminRequestDetails {
  const { subject, createUserAttempted, awsRequestIds, ...rest } = patch;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw new Error(`a batch step saved ${unknown.join(', ')}: not a person's`);
  const person = personOf(details, row);
  const changed: BatchPerson = {
    ...person,
    ...(subject?.userId !== undefined ? { userId: subject.userId } : {}),
    ...(createUserAttempted === true ? { createUserAttempted: true } : {}),
  };
  return {
    ...details,
    ...(awsRequestIds !== undefined ? { awsRequestIds } : {}),
    batch: (details.batch ?? []).map((p) => (p.row === row ? changed : p)),
  };
}

/**
 * A step that failed forgets the AWS request it followed: that request ended FAILED for good, and a retry
 * following it again would only read the same failure. The retry asks AWS afresh (looking first, as ever).
 */
export function forgetAwsRequest(details: AdminRequestDetails, stepId: string): AdminRequestDetails {
  if (details.awsRequestIds?.[stepId] === undefined) return details;
  const { [stepId]: _failed, ...rest } = details.awsRequestIds;
  return { ...details, awsRequestIds: rest };
}

const startOf = (person: BatchPerson): Date | undefined =>
  person.starter.startDate === undefined ? undefined : startOfDay(person.starter.startDate);
