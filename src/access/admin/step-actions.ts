/**
 * What each kind of step does in AWS and in the ledger. Every action looks before it acts and takes "already
 * there" / "already gone" as success when it is the expected thing, so a step run twice (after a crash, or a
 * retry) changes nothing the second time. A passing AWS trouble throws RetryLater: the job runs again later.
 */
import type { Logger } from '../../log.js';
import { joinWords } from '../../domain/text.js';
import type { AdminRequestDetails, AdminStep, HeldAccess } from '../admin-api.js';
import { RetryLater, TRANSIENT } from '../jobs.js';
import type { RequestRecord } from '../ledger.js';
import type { Assignment } from '../../domain/identity.js';
import type { AwsFailure, AwsOutcome } from '../ports.js';
import { cardJob, notifyJob } from '../service.js';
import { accountAlias } from './access-today.js';
import { removeApplicationsLeft, removeApplicationStep } from './application-steps.js';
import { createGroupStep } from './group-steps.js';
import { updateUserStep } from './user-update-step.js';
import { sendWelcomeEmail } from './welcome.js';
import type { AdminDeps } from './deps.js';
import { pendingRequestsOf, requestsBeingGrantedTo } from './holdings.js';
import { recordGrantEnded } from '../grant-ended.js';
import { heldKey, readHeldNow, recordEndedAccess } from '../sessions.js';

export type StepResult =
  | {
      status: 'done' | 'skipped';
      detail?: string;
      patch?: Partial<AdminRequestDetails>;
      /** The step made the Identity Center user just now: a user this new holds no assignment yet. */
      madeUser?: true;
    }
  | { status: 'failed'; detail: string };

export interface StepContext {
  request: RequestRecord;
  details: AdminRequestDetails;
  /** Saves part of the details at once (before an AWS call whose outcome a crash could lose). */
  remember(patch: Partial<AdminRequestDetails>): Promise<void>;
  /** Aborted when the job's lease is lost: no assignment change may be submitted or followed after that. */
  signal?: AbortSignal;
  /**
   * What the subject holds, read once for all the assignment steps run side by side (src/access/admin/waves.ts),
   * instead of one read a step. Absent: each assignment step reads its own account.
   */
  heldAssignments?: () => Promise<AwsOutcome<Assignment[]>>;
}

const done = (detail?: string, patch?: Partial<AdminRequestDetails>): StepResult => ({
  status: 'done',
  ...(detail !== undefined ? { detail } : {}),
  ...(patch !== undefined ? { patch } : {}),
});
const failed = (detail: string): StepResult => ({ status: 'failed', detail });

/** A passing trouble is tried again later; anything else fails the step with AWS's words. */
function failure(error: AwsFailure): StepResult {
  if (TRANSIENT.has(error.code)) throw new RetryLater(error.message);
  return failed(error.reason ?? error.message);
}

export class StepActions {
  private readonly log: Logger;

  constructor(private readonly deps: AdminDeps) {
    this.log = deps.logger.child({ module: 'admin.steps' });
  }

  run(step: AdminStep, ctx: StepContext): Promise<StepResult> {
    switch (step.kind) {
      case 'create_user':
        return this.createUser(ctx);
      case 'join_group':
        return this.joinGroup(step, ctx);
      case 'assign':
        return this.assign(step, ctx);
      case 'send_welcome':
        return this.sendWelcome(ctx);
      case 'cancel_requests':
        return this.cancelRequests(ctx);
      case 'end_grants':
        return this.endGrants(ctx);
      case 'unassign':
        return this.unassign(step, ctx);
      case 'leave_group':
        return this.leaveGroup(step, ctx);
      case 'legacy_iam_cleanup':
        return this.legacyIam(ctx);
      case 'delete_user':
        return this.deleteUser(ctx);
      case 'send_migration':
        return Promise.resolve(failed('The migration email is sent at once, never as a step.'));
      case 'end_sessions':
        return this.endSessions(step, ctx);
      case 'remove_application':
        return removeApplicationStep(this.deps, step, ctx);
      case 'create_group':
        return createGroupStep(this.deps, step, ctx);
      case 'update_user':
        return updateUserStep(this.deps, ctx);
    }
  }

  private userId(ctx: StepContext): string {
    const id = ctx.details.subject.userId;
    if (id === undefined)
      throw new Error(`request ${ctx.request.id}: no user id before a step that needs one`);
    return id;
  }

  // ---------- onboarding ----------

  private async createUser(ctx: StepContext): Promise<StepResult> {
    const { directory } = this.deps;
    const { subject, starter } = ctx.details;
    if (starter === undefined) throw new Error(`request ${ctx.request.id}: onboarding without a starter`);
    const ours = (id: string) => subject.userId === id || ctx.details.createUserAttempted === true;
    const existing = await directory.findUserByUserName(subject.email);
    if (!existing.ok) return failure(existing.error);
    if (existing.value !== undefined) {
      // Ours when a run before a crash created it (it did not exist when the onboarding was approved).
      if (ours(existing.value.id))
        return done('Already created by an earlier run.', {
          subject: { ...subject, userId: existing.value.id },
        });
      return failed(
        `${subject.email} was created by someone else since this onboarding was asked for. Use /access role to change their access.`,
      );
    }
    await ctx.remember({ createUserAttempted: true });
    const created = await directory.createUser({
      email: subject.email,
      givenName: starter.givenName,
      familyName: starter.familyName,
      displayName: starter.displayName,
    });
    if (!created.ok) return failure(created.error);
    return {
      status: 'done',
      detail: `User id ${created.value.id}.`,
      patch: { subject: { ...subject, userId: created.value.id } },
      madeUser: true,
    };
  }

  private async joinGroup(step: AdminStep, ctx: StepContext): Promise<StepResult> {
    const { directory } = this.deps;
    let groupId = step.groupId;
    if (groupId === undefined) {
      const group = await directory.findGroupByName(step.groupName ?? '');
      if (!group.ok) return failure(group.error);
      if (group.value === undefined) return failed(`There is no group ${step.groupName} in Identity Center.`);
      groupId = group.value.id;
    }
    const joined = await directory.addMembership(groupId, this.userId(ctx));
    if (!joined.ok) return failure(joined.error);
    return done(joined.value.created ? undefined : 'Already a member.');
  }

  private async assign(step: AdminStep, ctx: StepContext): Promise<StepResult> {
    const { assignments } = this.deps;
    const assignment = this.assignmentOf(step, ctx);
    const resumeRequestId = ctx.details.awsRequestIds?.[step.id];
    if (resumeRequestId === undefined) {
      const held =
        ctx.heldAssignments !== undefined
          ? await ctx.heldAssignments()
          : await assignments.listForPrincipal(assignment.principal, { accountIds: [assignment.accountId] });
      if (!held.ok) return failure(held.error);
      const same = (a: Assignment) =>
        a.accountId === assignment.accountId &&
        a.permissionSetArn === assignment.permissionSetArn &&
        a.principal.type === assignment.principal.type &&
        a.principal.id === assignment.principal.id;
      if (held.value.some(same)) return done('Already held.');
    }
    const result = await this.follow(step, ctx, resumeRequestId, (options) =>
      assignments.create(assignment, options),
    );
    if (!result.ok) return failure(result.error);
    return done();
  }

  private async sendWelcome(ctx: StepContext): Promise<StepResult> {
    const { subject, starter } = ctx.details;
    // What they can reach is read from AWS now, after the steps that gave it (src/access/admin/welcome.ts).
    // SES sends are not idempotent: a crash between the send and saving this step could send it twice,
    // which is better than a starter who never hears how to sign in.
    const welcome = await sendWelcomeEmail(this.deps, {
      userId: this.userId(ctx),
      userName: subject.email,
      displayName: starter?.displayName ?? subject.displayName,
      to: subject.email,
    });
    if (welcome.step === 'read') throw new RetryLater(welcome.outcome.message);
    if (!welcome.outcome.ok) return failure(welcome.outcome.error);
    return done(`Message ${welcome.outcome.value.messageId}.`);
  }

  // ---------- offboarding ----------

  private async cancelRequests(ctx: StepContext): Promise<StepResult> {
    const { ledger, clock } = this.deps;
    const { subject } = ctx.details;
    const pending = (await pendingRequestsOf(ledger, this.userId(ctx), subject.email)).filter(
      (r) => r.id !== ctx.request.id,
    );
    const cancelled: string[] = [];
    for (const request of pending) {
      const now = clock.now();
      const moved = await ledger.transaction(async (tx) => {
        if (!(await tx.transitionRequest(request.id, 'pending', 'cancelled', { decidedAt: now })))
          return false;
        await tx.appendAudit({
          at: now,
          actor: 'system',
          action: 'request.cancelled',
          requestId: request.id,
          details: { why: 'offboarded', by: ctx.request.id },
        });
        await tx.enqueueJob(cardJob(request.id, now));
        await tx.enqueueJob(notifyJob(request.id, 'cancelled', now));
        return true;
      });
      if (moved) cancelled.push(request.id);
    }
    // An approved request still being carried out would add access after the preview listed what to remove:
    // the offboarding waits for it (Retry continues from here), and then takes that access away with the rest.
    const running = (await requestsBeingGrantedTo(ledger, this.userId(ctx), subject.email)).filter(
      (r) => r.id !== ctx.request.id,
    );
    if (running.length > 0) {
      const cancelledText = cancelled.length === 0 ? '' : `Cancelled ${joinWords(cancelled)}. `;
      return failed(
        `${cancelledText}${joinWords(running.map((r) => r.id))} ${running.length === 1 ? 'is' : 'are'} being granted in AWS right now; press Retry once ${running.length === 1 ? 'it has' : 'they have'} finished, and the offboarding takes that access away too.`,
      );
    }
    return done(cancelled.length === 0 ? 'None pending.' : `Cancelled ${joinWords(cancelled)}.`);
  }

  private async endGrants(ctx: StepContext): Promise<StepResult> {
    const { ledger, clock } = this.deps;
    const grants = await ledger.findGrants({ principalId: this.userId(ctx), statuses: ['active'] });
    const ended: string[] = [];
    for (const grant of grants) {
      const now = clock.now();
      // Ended in the ledger only: the assignment itself goes with the direct assignments, next.
      const moved = await ledger.transaction(async (tx) => {
        if (!(await tx.transitionGrant(grant.id, 'active', 'ending'))) return false;
        await tx.transitionGrant(grant.id, 'ending', 'ended', { endedAt: now, endReason: 'offboarded' });
        await recordGrantEnded(tx, grant, now, { reason: 'offboarded', by: ctx.request.id });
        return true;
      });
      if (moved) ended.push(`${grant.permissionSet} on ${grant.accountAlias}`);
    }
    return done(ended.length === 0 ? 'None active.' : `Ended ${joinWords(ended)}.`);
  }

  private async unassign(step: AdminStep, ctx: StepContext): Promise<StepResult> {
    const assignment = this.assignmentOf(step, ctx);
    const result = await this.follow(step, ctx, ctx.details.awsRequestIds?.[step.id], (options) =>
      this.deps.assignments.delete(assignment, options),
    );
    if (!result.ok) return failure(result.error);
    return done(result.value.outcome === 'already_gone' ? 'Already gone.' : undefined);
  }

  private async leaveGroup(step: AdminStep, ctx: StepContext): Promise<StepResult> {
    if (step.groupId === undefined) throw new Error(`step ${step.id} has no group id`);
    const left = await this.deps.directory.removeMembership(step.groupId, this.userId(ctx));
    if (!left.ok) return failure(left.error);
    return done(left.value.removed ? undefined : 'Already gone.');
  }

  private async legacyIam(ctx: StepContext): Promise<StepResult> {
    const userName = ctx.details.legacyIamUserName;
    if (userName === undefined) return done('No legacy IAM user.');
    const cleaned = await this.deps.legacyIam.deleteCompletely(userName);
    if (!cleaned.ok) return failure(cleaned.error);
    if (!cleaned.value.existed) return done(`No IAM user ${userName} (already gone).`);
    const keys = cleaned.value.steps.filter((s) => s.action === 'delete_access_key').length;
    return done(
      `Removed ${cleaned.value.steps.length} things, ${keys} access key${keys === 1 ? '' : 's'} among them, then the user.`,
    );
  }

  private async deleteUser(ctx: StepContext): Promise<StepResult> {
    // Last look before the user goes: an assignment made since the preview (by hand in the console, or a
    // grant that finished while the steps ran) would outlive the user, so it goes first.
    const principal = { type: 'USER' as const, id: this.userId(ctx) };
    const left = await this.deps.assignments.listForPrincipal(principal);
    if (!left.ok) return failure(left.error);
    const removed: string[] = [];
    if (left.value.length > 0) {
      const sets = await this.deps.catalog.permissionSets();
      const names = new Map(sets.ok ? sets.value.map((p) => [p.arn, p.name]) : []);
      for (const assignment of left.value) {
        const gone = await this.deps.assignments.delete(
          assignment,
          ctx.signal !== undefined ? { signal: ctx.signal } : {},
        );
        if (!gone.ok) return failure(gone.error);
        const name = names.get(assignment.permissionSetArn) ?? assignment.permissionSetArn;
        removed.push(`${name} on ${accountAlias(this.deps.config, assignment.accountId)}`);
      }
    }
    const apps = await removeApplicationsLeft(this.deps, principal.id);
    if (!apps.ok) return apps.result;
    removed.push(...apps.removed);
    const deleted = await this.deps.directory.deleteUser(principal.id);
    if (!deleted.ok) return failure(deleted.error);
    // Every replica's cache of who this person was is checked against the ledger: forget them there, under
    // every Slack account that resolved to them.
    const slackId = ctx.details.subject.slackUserId;
    if (slackId !== undefined) await this.deps.ledger.forgetIdentity?.(slackId);
    await this.deps.ledger.forgetUserIdentities?.(principal.id);
    const late =
      removed.length === 0 ? '' : `Also removed what was assigned after the preview: ${joinWords(removed)}. `;
    return done(deleted.value.deleted ? (late === '' ? undefined : late.trim()) : `${late}Already gone.`);
  }

  /**
   * Records a session denial for each thing the person held before the steps and no longer holds now (directly
   * or through a group): the session job puts them in force and the card shows how that went. A person who is
   * gone (offboarded) holds nothing.
   */
  private async endSessions(step: AdminStep, ctx: StepContext): Promise<StepResult> {
    const { config, ledger, clock } = this.deps;
    if (!config.sessions.endOnRevoke)
      return { status: 'skipped', detail: 'Not asked for (sessions.endOnRevoke is false).' };
    const userId = this.userId(ctx);
    const held = await readHeldNow(this.deps, userId);
    if (!held.ok) return failure(held.error);
    const key = (h: HeldAccess) => heldKey(h.permissionSetArn, h.accountId);
    const ended = (step.sessions ?? []).filter(
      (h) => !held.value.direct.has(key(h)) && !held.value.throughGroups.has(key(h)),
    );
    if (ended.length === 0) return done('Nothing ended: everything is still held another way.');
    const now = clock.now();
    const { subject } = ctx.details;
    const cause =
      ctx.request.kind === 'offboard'
        ? 'offboarded'
        : ctx.request.kind === 'group_change'
          ? 'group_change'
          : 'role_change';
    await ledger.transaction((tx) =>
      recordEndedAccess(
        tx,
        config,
        ended.map((h) => ({
          id: `${ctx.request.id}:${h.permissionSetArn}:${h.accountId}`,
          userId,
          slackUserId: subject.slackUserId ?? null,
          userName: subject.email,
          accountId: h.accountId,
          accountAlias: h.accountAlias,
          permissionSet: h.permissionSet,
          permissionSetArn: h.permissionSetArn,
          endedAt: now,
          cause,
          requestId: ctx.request.id,
          grantId: null,
        })),
        now,
      ),
    );
    return done(`Ending them for ${joinWords(ended.map((h) => `${h.permissionSet} on ${h.accountAlias}`))}.`);
  }

  // ---------- helpers ----------

  private assignmentOf(step: AdminStep, ctx: StepContext) {
    if (step.accountId === undefined || step.permissionSetArn === undefined)
      throw new Error(`step ${step.id} has no account or permission set`);
    return {
      accountId: step.accountId,
      permissionSetArn: step.permissionSetArn,
      principal: { type: 'USER' as const, id: this.userId(ctx) },
    };
  }

  /**
   * Runs an assignment change, saving AWS's request id as soon as it is known, so that a run resumed after a
   * crash follows that request to its end instead of asking AWS a second time.
   */
  private async follow<T>(
    step: AdminStep,
    ctx: StepContext,
    resumeRequestId: string | undefined,
    change: (options: {
      resumeRequestId?: string;
      onProgress: (p: { requestId: string }) => void;
      signal?: AbortSignal;
    }) => Promise<T>,
  ): Promise<T> {
    let saving: Promise<void> = Promise.resolve();
    let saved = resumeRequestId;
    const result = await change({
      ...(resumeRequestId !== undefined ? { resumeRequestId } : {}),
      ...(ctx.signal !== undefined ? { signal: ctx.signal } : {}),
      onProgress: (p) => {
        if (p.requestId === saved) return;
        saved = p.requestId;
        const awsRequestIds = { ...ctx.details.awsRequestIds, [step.id]: p.requestId };
        saving = ctx.remember({ awsRequestIds }).catch((error: unknown) => {
          this.log.warn({ err: error, step: step.id }, 'could not save the AWS request id');
        });
      },
    });
    await saving;
    return result;
  }
}
