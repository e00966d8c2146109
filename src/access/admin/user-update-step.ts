/**
 * The one step of a `user_update`: UpdateUser with what was approved. It looks first (DescribeUser): values
 * already as wanted count as done, so a run resumed after a crash, or a retry, changes nothing twice. An email
 * that has become another user's since the request was made fails the step with AWS's words. Once the email
 * changed, every cached match of a Slack person to this user is forgotten (the ledger's identities, shared by
 * every replica): nobody keeps being matched by the email they no longer have.
 */
import type { UserDetailsUpdate } from '../../domain/identity.js';
import type { UserChange } from '../people-api.js';
import { RetryLater, TRANSIENT } from '../jobs.js';
import type { AwsFailure } from '../ports.js';
import type { AdminDeps } from './deps.js';
import type { StepContext, StepResult } from './step-actions.js';
import { currentValue, sameValue } from './user-update.js';

const failed = (detail: string): StepResult => ({ status: 'failed', detail });

/** A passing trouble is tried again later; anything else fails the step with AWS's words. */
function failure(error: AwsFailure): StepResult {
  if (TRANSIENT.has(error.code)) throw new RetryLater(error.message);
  return failed(error.reason ?? error.message);
}

export async function updateUserStep(deps: AdminDeps, ctx: StepContext): Promise<StepResult> {
  const { directory, config } = deps;
  const { subject, changes = [] } = ctx.details;
  const userId = subject.userId;
  if (userId === undefined) throw new Error(`request ${ctx.request.id}: a user update without a user id`);
  const now = await directory.describeUser(userId);
  if (!now.ok) {
    if (now.error.code === 'not_found')
      return failed(
        `${subject.email} is no longer in Identity Center (offboarded?): there is nothing to update.`,
      );
    return failure(now.error);
  }
  const wanted = changes.filter((c) => !sameValue(c.field, currentValue(now.value, c.field), c.to));
  if (wanted.length > 0) {
    // The job's lease is lost: another worker runs this step now, and makes the change itself.
    ctx.signal?.throwIfAborted();
    const updated = await directory.updateUser(userId, updateOf(wanted));
    if (!updated.ok) return failure(updated.error);
  }
  // Also when it was done already: a run that crashed after UpdateUser may not have forgotten them yet.
  if (changes.some((c) => c.field === 'email')) await forgetIdentities(deps, userId, subject.slackUserId);
  const stale = staleMappings(config.people, changes);
  const said = wanted.length === 0 ? 'Already so in Identity Center.' : undefined;
  return {
    status: 'done',
    ...(said !== undefined || stale !== undefined ? { detail: [said, stale].filter(Boolean).join(' ') } : {}),
  };
}

function updateOf(changes: readonly UserChange[]): UserDetailsUpdate {
  const update: UserDetailsUpdate = {};
  for (const c of changes) update[c.field] = c.to;
  return update;
}

async function forgetIdentities(deps: AdminDeps, userId: string, slackUserId: string | undefined) {
  await deps.ledger.forgetUserIdentities?.(userId);
  if (slackUserId !== undefined) await deps.ledger.forgetIdentity?.(slackUserId);
}

/**
 * The Slack accounts `people:` maps to the old email: they are no longer matched to anyone until the config
 * names the new one. Said on the card, so the admin can fix the config.
 */
function staleMappings(
  people: Readonly<Record<string, string>>,
  changes: readonly UserChange[],
): string | undefined {
  const email = changes.find((c) => c.field === 'email');
  if (email === undefined || email.from === '') return undefined;
  const ids = Object.entries(people)
    .filter(([, v]) => v.toLowerCase() === email.from.toLowerCase())
    .map(([id]) => id);
  if (ids.length === 0) return undefined;
  return `The config's \`people:\` still maps ${ids.join(', ')} to ${email.from}: change it to ${email.to}, or ${ids.length === 1 ? 'that Slack account is' : 'those Slack accounts are'} no longer matched to anyone.`;
}
