/**
 * A bulk onboarding carried out: each person by the usual onboarding steps (create the user, join the role's
 * groups, make its assignments, send the welcome email), run by the same step actions as a single onboarding,
 * several people side by side (PEOPLE_CONCURRENCY), each one's steps in order (joining groups beside making
 * assignments, src/access/admin/waves.ts), from the provision job. Every step's outcome is saved at once, so a run
 * resumed after a crash starts at the first step not done and never creates a user twice (create_user looks
 * before it creates, and a user found after an attempt that a crash cut short is taken as ours). A passing AWS
 * trouble (or a lost lease) stops starting people; those started go on to their end, and the job runs again.
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
import type { Assignment } from '../../domain/identity.js';
import type { Clock } from '../clock.js';
import type { Assignments, AwsOutcome } from '../ports.js';
import {
  DetailsSaver,
  heldAssignmentsOnce,
  nextWave,
  runWave,
  stepAudit,
  WAVE_CONCURRENCY,
} from './waves.js';

/** How long the groups' listings are shared by a batch's welcome emails. */
const GROUP_LISTING_MS = 60_000;

/** The batch's details as the run changes them: every step and person saved goes through here. */
interface Run {
  request: RequestRecord;
  details: AdminRequestDetails;
  signal?: AbortSignal;
  /** One write at a time, the latest details each time (people run side by side). */
  saver: DetailsSaver;
}

/**
 * People onboarded at once. Each person's steps are a chain of round trips (look the user up, create them, join
 * the group while the assignments are made, read what they hold, send the email): 8 people at once keep
 * sso-admin's 20 calls a second and the 15 assignment creations in progress busy all the way through (200
 * people in 1.04× the floor the rate limits set, bench/admin-scale.ts), while the limiter's queue, which a
 * person's own call joins at its end, stays about half a second long (24 at once: no faster, and longer).
 */
export const PEOPLE_CONCURRENCY = 8;

export class BatchRunner {
  private readonly log: Logger;
  private readonly actions: StepActions;

  constructor(private readonly deps: AdminDeps) {
    this.log = deps.logger.child({ module: 'admin.batch' });
    // The people of a batch join the same groups: what a group carries, for their welcome emails, is read once a
    // minute at most instead of once a person (each email still reads the person's own groups and assignments).
    this.actions = new StepActions({
      ...deps,
      assignments: sharedGroupListings(deps.assignments, deps.clock, GROUP_LISTING_MS),
    });
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
    const run: Run = {
      request,
      details: readDetails(request),
      ...(signal !== undefined ? { signal } : {}),
      saver: new DetailsSaver((steps) => this.saveSteps(run, steps)),
    };
    const now = this.deps.clock.now();
    const waiting: Date[] = [];
    const rows: number[] = [];
    for (const person of run.details.batch ?? []) {
      const state = personState(run.details, person, now);
      if (state === 'done') continue;
      if (state === 'waiting') {
        waiting.push(startOf(person)!);
        continue;
      }
      rows.push(person.row);
    }
    // People side by side, each one's steps in order; a person's failure stops that person only. A throw (a
    // passing AWS trouble: the job runs again later; a lost lease) stops starting people, and is passed on once
    // those started have stopped.
    let taken = 0;
    const thrown: unknown[] = [];
    const worker = async (): Promise<void> => {
      while (thrown.length === 0 && taken < rows.length) {
        const row = rows[taken]!;
        taken += 1;
        try {
          await this.runPerson(run, row);
        } catch (error) {
          thrown.push(error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(PEOPLE_CONCURRENCY, rows.length)) }, worker));
    if (thrown.length > 0) throw thrown[0];
    const people = run.details.batch ?? [];
    const failed = people.filter((p) => personState(run.details, p, now) === 'failed');
    const next = waiting.length > 0 ? new Date(Math.min(...waiting.map((d) => d.getTime()))) : undefined;
    if (next !== undefined) await this.waitFor(run, next, waiting.length);
    if (failed.length > 0) await this.finish(run, 'failed', failed);
    else if (next === undefined) await this.finish(run, 'completed', []);
  }

  /**
   * Runs one person's steps not done yet, in order (joining groups beside making assignments), until one fails.
   */
  private async runPerson(run: Run, row: number): Promise<void> {
    const order = stepsOf(run.details, row).map((s) => s.index);
    let madeUser = false;
    for (let at = 0; at < order.length;) {
      const wave = nextWave(run.details.steps, order, at);
      at = wave.next;
      if (wave.indexes.length === 0) continue;
      const heldAssignments = heldAssignmentsOnce(
        this.deps.assignments,
        wave.indexes.map((i) => run.details.steps[i]!),
        () => personOf(run.details, row).userId ?? '',
        madeUser,
      );
      const ctx = this.context(run, row, heldAssignments);
      const failedAt = await runWave(
        wave.indexes,
        WAVE_CONCURRENCY,
        async (index) => {
          // The job's lease is lost: another worker runs the steps now, and none may start twice.
          run.signal?.throwIfAborted();
          const step = run.details.steps[index]!;
          const result = await this.actions.run(step, ctx);
          if (result.status !== 'failed' && result.madeUser === true) madeUser = true;
          const { detail: _previous, ...rest } = step;
          const saved: AdminStep = {
            ...rest,
            status: result.status,
            ...(result.detail !== undefined ? { detail: result.detail } : {}),
          };
          if (result.status !== 'failed' && result.patch !== undefined)
            run.details = patchPerson(run.details, row, result.patch);
          if (result.status === 'failed') run.details = forgetAwsRequest(run.details, step.id);
          run.details = {
            ...run.details,
            steps: run.details.steps.map((s, j) => (j === index ? saved : s)),
          };
          await run.saver.save(saved);
          return saved.status === 'failed' ? 'failed' : 'done';
        },
        run.signal,
      );
      if (failedAt !== undefined) return;
    }
  }

  /** The step actions see one person's onboarding: them as its subject and starter, their own attempt. */
  private context(
    run: Run,
    row: number,
    heldAssignments: StepContext['heldAssignments'] | undefined,
  ): StepContext {
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
        await run.saver.save();
      },
      ...(run.signal !== undefined ? { signal: run.signal } : {}),
      ...(heldAssignments !== undefined ? { heldAssignments } : {}),
    };
  }

  /** The details as they are now, and an audit line for each step saved since the last write. */
  private async saveSteps(run: Run, steps: readonly AdminStep[]): Promise<void> {
    const { ledger, clock } = this.deps;
    if (steps.length === 0) {
      await ledger.updateRequest(run.request.id, { details: toRecord(run.details) });
      return;
    }
    const now = clock.now();
    await ledger.transaction(async (tx) => {
      await tx.updateRequest(run.request.id, { details: toRecord(run.details) });
      for (const step of steps) await tx.appendAudit(stepAudit(run.request.id, step, now));
      await tx.enqueueJob(cardJob(run.request.id, now));
    });
    for (const step of steps)
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

/**
 * `assignments` whose whole listing of a group is read once and shared for `ms` (readers at the same moment
 * share one read; a failed read is not kept). Listings of some accounts only, and everything else, go to AWS.
 */
function sharedGroupListings(assignments: Assignments, clock: Clock, ms: number): Assignments {
  const kept = new Map<string, { at: number; read: Promise<AwsOutcome<Assignment[]>> }>();
  const listForGroup: Assignments['listForGroup'] = (groupId, options) => {
    if (options?.accountIds !== undefined) return assignments.listForGroup(groupId, options);
    const now = clock.now().getTime();
    for (const [id, entry] of kept) if (now - entry.at >= ms) kept.delete(id);
    const entry = kept.get(groupId);
    if (entry !== undefined) return entry.read;
    const read = assignments.listForGroup(groupId);
    kept.set(groupId, { at: now, read });
    void read.then((listed) => {
      if (!listed.ok && kept.get(groupId)?.read === read) kept.delete(groupId);
    });
    return read;
  };
  return new Proxy(assignments, {
    get: (target, property, receiver) =>
      property === 'listForGroup' ? listForGroup : (Reflect.get(target, property, receiver) as unknown),
  });
}
