/**
 * Offboarding's application steps: each application assigned to the leaver directly is removed by a step of its
 * own (DeleteApplicationAssignment is immediate in AWS; one already gone is done), and the user's deletion first
 * removes any application assigned since the preview, so that nothing outlives the user.
 */
import type { AdminStep } from '../admin-api.js';
import { applicationNames } from './applications.js';
import { RetryLater, TRANSIENT } from '../jobs.js';
import type { AwsFailure } from '../ports.js';
import type { AdminDeps } from './deps.js';
import type { StepContext, StepResult } from './step-actions.js';

/** A passing trouble is tried again later; anything else fails the step with AWS's words. */
function failed(error: AwsFailure): StepResult {
  if (TRANSIENT.has(error.code)) throw new RetryLater(error.message);
  return { status: 'failed', detail: error.reason ?? error.message };
}

function userIdOf(ctx: StepContext): string {
  const id = ctx.details.subject.userId;
  if (id === undefined) throw new Error(`request ${ctx.request.id}: no user id before a step that needs one`);
  return id;
}

export async function removeApplicationStep(
  deps: Pick<AdminDeps, 'applications'>,
  step: AdminStep,
  ctx: StepContext,
): Promise<StepResult> {
  if (step.applicationArn === undefined) throw new Error(`step ${step.id} names no application`);
  const removed = await deps.applications.delete({
    applicationArn: step.applicationArn,
    principal: { type: 'USER', id: userIdOf(ctx) },
  });
  if (!removed.ok) return failed(removed.error);
  return removed.value.removed ? { status: 'done' } : { status: 'done', detail: 'Already gone.' };
}

/**
 * Before the user goes: the applications still assigned to them directly (assigned since the preview, or whose
 * step was skipped) are removed. Returns what was removed, by name; a failure is the step's failure.
 */
export async function removeApplicationsLeft(
  deps: Pick<AdminDeps, 'applications'>,
  userId: string,
): Promise<{ ok: true; removed: string[] } | { ok: false; result: StepResult }> {
  const left = await deps.applications.listForPrincipal({ type: 'USER', id: userId });
  if (!left.ok) return { ok: false, result: failed(left.error) };
  const own = left.value.filter((a) => a.principal.type === 'USER' && a.principal.id === userId);
  if (own.length === 0) return { ok: true, removed: [] };
  const names = await applicationNames(
    deps.applications,
    own.map((a) => a.applicationArn),
  );
  const removed: string[] = [];
  for (const assignment of own) {
    const gone = await deps.applications.delete(assignment);
    if (!gone.ok) return { ok: false, result: failed(gone.error) };
    if (gone.value.removed)
      removed.push(`the application ${names.get(assignment.applicationArn) ?? assignment.applicationArn}`);
  }
  return { ok: true, removed };
}
