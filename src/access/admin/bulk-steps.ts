/**
 * A bulk onboarding's steps are each person's onboarding steps, prefixed by their row: `r2:create_user`,
 * `r2:join_group:ReadOnly`, `r2:assign:dev:Developer`, `r2:send_welcome`, then `r3:…`. One list in the request's
 * details, saved after every step like any admin work's, so that a run resumed after a crash starts at the
 * first step not done, for the person it belongs to, and nothing is done twice.
 */
import type { AdminRequestDetails, AdminStep, AdminSubject, BatchPerson } from '../admin-api.js';
import type { RequestRecord } from '../ledger.js';

export const rowPrefix = (row: number): string => `r${row}:`;

/** The row a batch step belongs to; undefined for a step that is not a batch's. */
export function rowOfStep(stepId: string): number | undefined {
  const match = /^r(\d+):/.exec(stepId);
  return match === null ? undefined : Number(match[1]);
}

/**
 * One person's onboarding steps as the batch runs them: prefixed by the row, and saying whom they are for
 * wherever the single onboarding's label does not ("Join group ReadOnly for nina@…"), since the card and the
 * audit channel read them among everyone's.
 */
export function personSteps(row: number, email: string, steps: readonly AdminStep[]): AdminStep[] {
  return steps.map((s) => ({
    ...s,
    id: `${rowPrefix(row)}${s.id}`,
    label: s.label.includes(email) ? s.label : `${s.label} for ${email}`,
  }));
}

/** The steps of one person, with their index in the whole list. */
export function stepsOf(
  details: Pick<AdminRequestDetails, 'steps'>,
  row: number,
): { step: AdminStep; index: number }[] {
  const prefix = rowPrefix(row);
  return details.steps.flatMap((step, index) => (step.id.startsWith(prefix) ? [{ step, index }] : []));
}

export type PersonState = 'done' | 'failed' | 'waiting' | 'pending';

/** Where one person stands: all steps done (or skipped), one failed, not started before their start date, or to do. */
export function personState(
  details: Pick<AdminRequestDetails, 'steps'>,
  person: Pick<BatchPerson, 'row'> & { starter?: { startDate?: string } },
  now: Date,
): PersonState {
  const steps = stepsOf(details, person.row).map((s) => s.step);
  if (steps.every((s) => s.status === 'done' || s.status === 'skipped')) return 'done';
  if (steps.some((s) => s.status === 'failed')) return 'failed';
  const start = person.starter?.startDate;
  const begun = steps.some((s) => s.status !== 'pending');
  if (!begun && start !== undefined && new Date(`${start}T00:00:00.000Z`) > now) return 'waiting';
  return 'pending';
}

/** The person as their own onboarding's subject: what the onboarding steps read. */
export function subjectOfPerson(person: BatchPerson): AdminSubject {
  return {
    email: person.email,
    displayName: person.displayName,
    ...(person.userId !== undefined ? { userId: person.userId } : {}),
    ...(person.slackUserId !== undefined ? { slackUserId: person.slackUserId } : {}),
  };
}

/**
 * Everyone admin work is about: the subject, or for a bulk onboarding every person of the batch. None of them
 * may approve it, by any of their Slack accounts or their Identity Center user.
 */
export function subjectsOf(request: RequestRecord): AdminSubject[] {
  if (request.kind === 'access' || request.kind === 'extend') return [];
  const details = request.details as Partial<AdminRequestDetails>;
  if (request.kind === 'bulk_onboard') {
    return Array.isArray(details.batch)
      ? details.batch.filter((p) => typeof p.email === 'string').map(subjectOfPerson)
      : [];
  }
  const subject = details.subject;
  return subject !== undefined && typeof subject.email === 'string' ? [subject] : [];
}

/** The open bulk onboarding that has this email among its people, if any. */
export function batchHolding(open: readonly RequestRecord[], email: string): RequestRecord | undefined {
  const wanted = email.toLowerCase();
  return open.find(
    (r) =>
      r.kind === 'bulk_onboard' &&
      ((r.details as Partial<AdminRequestDetails>).batch ?? []).some((p) => p.email.toLowerCase() === wanted),
  );
}
