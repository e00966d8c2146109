/**
 * The step of a `group_create` request: the group made in Identity Center, exactly once. It looks before it
 * creates, as creating a user does: a group of that name counts as done only when it is the one this request
 * made (its id was saved, or CreateGroup was sent by a run that crashed before the answer was saved); a group
 * someone else made meanwhile fails the step, saying so, rather than being taken for ours.
 */
import type { AdminStep } from '../admin-api.js';
import { RetryLater, TRANSIENT } from '../jobs.js';
import type { AwsFailure } from '../ports.js';
import type { AdminDeps } from './deps.js';
import type { StepContext, StepResult } from './step-actions.js';

const failedWith = (detail: string): StepResult => ({ status: 'failed', detail });

/** A passing trouble is tried again later; anything else fails the step with AWS's words. */
function failure(error: AwsFailure): StepResult {
  if (TRANSIENT.has(error.code)) throw new RetryLater(error.message);
  return failedWith(error.reason ?? error.message);
}

export async function createGroupStep(
  deps: Pick<AdminDeps, 'directory'>,
  step: AdminStep,
  ctx: StepContext,
): Promise<StepResult> {
  const planned = ctx.details.group;
  if (planned?.action !== 'create') {
    throw new Error(`request ${ctx.request.id}: step ${step.id} without a group to create`);
  }
  const existing = await deps.directory.findGroupByName(planned.name);
  if (!existing.ok) return failure(existing.error);
  if (existing.value !== undefined) {
    const ours = existing.value.id === planned.id || planned.createAttempted === true;
    if (ours) {
      return {
        status: 'done',
        detail: 'Already created by an earlier run.',
        patch: { group: { ...planned, id: existing.value.id } },
      };
    }
    return failedWith(
      `A group named ${existing.value.name} was made by someone else since this was asked for, so nothing was created. Use that group, or ask again with another name.`,
    );
  }
  // Saved before the call: a crash after AWS made the group, before its id is saved, still knows it is ours.
  await ctx.remember({ group: { ...planned, createAttempted: true } });
  const created = await deps.directory.createGroup({
    name: planned.name,
    ...(planned.description !== undefined ? { description: planned.description } : {}),
  });
  if (!created.ok) {
    if (created.error.code === 'group_exists') {
      // AWS refused: the group of that name is someone else's (made between our look and our call).
      await ctx.remember({ group: { ...planned, createAttempted: false } });
      return failedWith(
        `A group named ${planned.name} was made by someone else a moment ago, so nothing was created. Use that group, or ask again with another name.`,
      );
    }
    return failure(created.error);
  }
  return {
    status: 'done',
    detail: `Group id ${created.value.id}.`,
    patch: { group: { ...planned, createAttempted: true, id: created.value.id } },
  };
}
