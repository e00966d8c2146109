/**
 * Scheduled access (`/access request … at <when>`, a permission set or a `group:` membership): approved now,
 * granted at its start, ended `durationMs` after the start.
 *
 * - Approval before the start moves the request to `scheduled` and queues its provision job to run at the start
 *   (the ledger's job queue: durable across restarts, claimed under a lease by one replica). No grant exists
 *   until then, so nothing waiting counts as access held (ending another grant never keeps an assignment for it).
 * - At the start the job checks again, before anything changes in AWS: the requester still resolves to an
 *   ENABLED Identity Center user (offboarded or disabled: not granted), the same one as when they asked, does not
 *   hold the access already, the rules as they are now still offer it, and the approvals it got still meet them
 *   (from people who are approvers of it now, as many as the rules now ask). Then, in one compare-and-set
 *   (`scheduled → provisioning`, so two replicas starting it at once start it once), its grants are recorded and
 *   provisioned as any approved request's.
 * - An approval that comes after the start grants at once, for the whole length asked for, from the approval:
 *   the rules and the approvers judged a length of access, and counting it from a start already past could leave
 *   minutes of it, or none. The audit says so (`request.start_passed`), and the card's Starts field.
 * - Until its start the requester (by any Slack account that is the same Identity Center user) or an admin may
 *   cancel it; after the start, ending it is a revoke.
 */
import { escalationMembers, followUpsOf, ticketSubject } from './follow-ups.js';
import type { AccessDeskConfig } from '../config/types.js';
import { decide } from '../domain/rules.js';
import { dateMrkdwn, escapeMrkdwn } from '../domain/text.js';
import type { Outcome } from './api.js';
import { approverGroupsNow } from './approver-groups.js';
import type { Clock } from './clock.js';
import { groupAccessOf, pendingGrantsOf } from './group-access-details.js';
import type { IdentityResolver } from './identity.js';
import { RetryLater } from './jobs.js';
import type { Ledger, LedgerTx, NewJob, RequestRecord } from './ledger.js';
import type { SlackPeople } from './people.js';
import { cardJob, notifyJob, provisionJob } from './service.js';

type Refusal = Extract<Outcome<never>, { ok: false }>;

/** What the rules as they are now ask of a request's approvals (a permission set's, or a group's part by part). */
interface JudgedApprovals {
  autoApprove: boolean;
  approvers: readonly string[];
  requiredApprovals: number;
}

/** When the grants of a request count from: its start, if it was approved before it; else undefined (now). */
export function scheduledFrom(request: RequestRecord): Date | undefined {
  const { startsAt, decidedAt } = request;
  if (startsAt === undefined || startsAt === null || decidedAt === null) return undefined;
  return decidedAt.getTime() < startsAt.getTime() ? startsAt : undefined;
}

/** A new grant's end: the length asked for, from the scheduled start (approved before it) or from now. */
export function grantEnd(request: RequestRecord, now: Date): Date | null {
  if (request.durationMs === null) return null;
  const from = scheduledFrom(request) ?? now;
  return new Date(from.getTime() + request.durationMs);
}

/** The provision job of a scheduled request: due at its start, one per request (the same key as at once). */
export function startJob(request: RequestRecord, startsAt: Date): NewJob {
  return provisionJob(request.id, startsAt);
}

/**
 * Called by the approval's transaction once the request is `approved`: a start still to come makes it
 * `scheduled` with its provision job due then (true: nothing else to do now). A start already past is said in
 * the audit and the request is granted at once (false).
 */
export async function scheduleInTx(tx: LedgerTx, request: RequestRecord, now: Date): Promise<boolean> {
  const startsAt = request.startsAt;
  if (request.kind !== 'access' && request.kind !== 'group_access') return false;
  if (startsAt === undefined || startsAt === null) return false;
  if (startsAt.getTime() <= now.getTime()) {
    await tx.appendAudit({
      at: now,
      actor: 'system',
      action: 'request.start_passed',
      requestId: request.id,
      details: { startsAt: startsAt.toISOString() },
    });
    return false;
  }
  if (!(await tx.transitionRequest(request.id, 'approved', 'scheduled'))) return false;
  await tx.appendAudit({
    at: now,
    actor: 'system',
    action: 'request.scheduled',
    requestId: request.id,
    details: {
      startsAt: startsAt.toISOString(),
      endsAt:
        request.durationMs === null ? null : new Date(startsAt.getTime() + request.durationMs).toISOString(),
    },
  });
  await tx.enqueueJob(startJob(request, startsAt));
  await tx.enqueueJob(cardJob(request.id, now));
  await tx.enqueueJob(notifyJob(request.id, 'approved', now));
  return true;
}

export interface ScheduledDeps {
  config: AccessDeskConfig;
  ledger: Ledger;
  identities: IdentityResolver;
  people: SlackPeople;
  clock: Clock;
  /**
   * The checks every new access request passes (names, the Identity Center user, access already held), from the
   * access service: run again at the start, as if the request were made then.
   */
  checkNewAccess(
    requesterSlackId: string,
    permissionSet: string,
    accounts: string[],
  ): Promise<Outcome<unknown>>;
  /**
   * The same for a time-bound group membership (src/access/group-access.ts, planGroupAccess): the group still
   * exists, the person is not in it already, and the rules as they are now offer what it carries.
   */
  checkNewGroupAccess(request: RequestRecord): Promise<Outcome<{ decision: JudgedApprovals }>>;
  isAdmin(slackUserId: string): boolean;
}

/** Refusals that say AWS did not answer: the start is tried again later rather than refused. */
const PASSING = new Set(['aws_unavailable']);

export class ScheduledAccess {
  constructor(private readonly deps: ScheduledDeps) {}

  /**
   * Runs from the request's provision job once its start has come. true: the request is now `provisioning` with
   * its grants recorded, and the job goes on to make them. false: nothing to provision (not due yet, cancelled,
   * started by another replica, or refused at the start: the request failed and its people were told).
   */
  async start(request: RequestRecord): Promise<boolean> {
    const { ledger, clock } = this.deps;
    const now = clock.now();
    const startsAt = request.startsAt;
    if (request.status !== 'scheduled' || startsAt === undefined || startsAt === null) return false;
    if (startsAt.getTime() > now.getTime()) {
      // Claimed early (another replica's clock ahead of this one's): due again at the start.
      await ledger.enqueueJob({ ...startJob(request, startsAt), dedupeKey: `provision:${request.id}:start` });
      return false;
    }
    const refused = await this.refusalAtStart(request);
    if (refused !== undefined) {
      await this.failAtStart(request, refused, now);
      return false;
    }
    return ledger.transaction(async (tx) => {
      const current = await (tx.lockRequest?.(request.id) ?? tx.getRequest(request.id));
      if (current?.status !== 'scheduled') return false;
      if (!(await tx.transitionRequest(request.id, 'scheduled', 'provisioning'))) return false;
      // A group membership has one grant, for the group; its accounts are only what the group carries.
      for (const grant of pendingGrantsOf(current)) await tx.insertGrant(grant);
      await tx.appendAudit({
        at: now,
        actor: 'system',
        action: 'request.started',
        requestId: current.id,
        details: { startsAt: startsAt.toISOString() },
      });
      await tx.enqueueJob(cardJob(current.id, now));
      return true;
    });
  }

  /**
   * Why it must not be granted now, or undefined. Asked afresh: someone offboarded or disabled since the
   * approval must not receive access; AWS not answering is a RetryLater (the job runs again), never a refusal.
   */
  private async refusalAtStart(request: RequestRecord): Promise<string | undefined> {
    const { identities, config, people } = this.deps;
    const identity = await identities.resolve(request.requesterSlackId, { fresh: true });
    if (!identity.ok) {
      if (PASSING.has(identity.code)) throw new RetryLater(identity.message);
      return `${mention(request.requesterSlackId)} no longer resolves to an active Identity Center user (${identity.message})`;
    }
    if (request.requesterUserId !== '' && identity.value.user.id !== request.requesterUserId) {
      return `${mention(request.requesterSlackId)}'s Slack account now leads to another Identity Center user than when it was asked for`;
    }
    if (request.kind === 'group_access') {
      const planned = await this.deps.checkNewGroupAccess(request);
      // The approvals it got, judged as for any scheduled access (below) by what the rules now ask of it.
      if (planned.ok) return this.approvalsShort(request, planned.value.decision);
      if (planned.code === 'no_approver') return undefined;
      if (PASSING.has(planned.code)) throw new RetryLater(planned.message);
      return planned.message;
    }
    const decision = decide(
      {
        kind: 'access',
        requesterSlackId: request.requesterSlackId,
        permissionSet: request.permissionSet,
        accounts: request.accounts.map((a) => a.alias),
        durationMs: request.durationMs,
        ...(request.reason !== null ? { reason: request.reason } : {}),
        // The tickets it was asked with (a rule requiring one would refuse it otherwise): follow-ups.ts.
        ...ticketSubject(request),
      },
      config,
      await approverGroupsNow(config, people),
    );
    if (!decision.ok) return `the rules as they are now do not allow it: ${decision.message}`;
    // The approvals it got, judged by the rules and approver groups as they are now (approved up to
    // timing.scheduleAhead ago, by someone who may have left the approvers since, or under rules that ask more).
    const short = await this.approvalsShort(request, decision);
    if (short !== undefined) return short;
    const held = await this.deps.checkNewAccess(
      request.requesterSlackId,
      request.permissionSet,
      request.accounts.map((a) => a.alias),
    );
    if (!held.ok) {
      if (PASSING.has(held.code)) throw new RetryLater(held.message);
      return held.message;
    }
    return undefined;
  }

  /**
   * Why the approvals it got no longer suffice, or undefined: approvals count only from people who are approvers of
   * it now (its escalation's groups included), once per Identity Center user, and must meet the count asked now.
   */
  private async approvalsShort(
    request: RequestRecord,
    decision: JudgedApprovals,
  ): Promise<string | undefined> {
    if (decision.autoApprove) return undefined;
    const { config, people, identities, ledger } = this.deps;
    const escalation = followUpsOf(request).escalation;
    const approversNow = new Set([
      ...decision.approvers,
      ...(escalation !== undefined
        ? await escalationMembers(request, escalation.groups, config, people)
        : []),
    ]);
    const counting = (await ledger.listApprovals(request.id)).filter(
      (a) =>
        a.decision === 'approve' &&
        approversNow.has(a.approverSlackId) &&
        a.approverSlackId !== request.requesterSlackId,
    );
    const needed = decision.requiredApprovals;
    const users = new Set(counting.map((a) => a.approverSlackId));
    if (users.size >= needed && needed > 1) {
      // Several needed: once per person, whichever of their Slack accounts approved (the click checked the same).
      users.clear();
      for (const approval of counting) {
        const who = await identities.resolve(approval.approverSlackId, { allowDisabled: true });
        if (who.ok && who.value.user.id === request.requesterUserId) continue;
        users.add(who.ok ? who.value.user.id : approval.approverSlackId);
      }
    }
    if (users.size >= needed) return undefined;
    const named = [...approversNow].sort().map(mention).join(' ');
    return `the rules as they are now need ${needed} approval${needed === 1 ? '' : 's'} of it from ${named}, and ${users.size === 0 ? 'none' : users.size} of the approvals it got still count: ask for it again to be approved under the rules as they are`;
  }

  private async failAtStart(request: RequestRecord, why: string, now: Date): Promise<void> {
    await this.deps.ledger.transaction(async (tx) => {
      const moved = await tx.transitionRequest(request.id, 'scheduled', 'failed', {
        details: { ...request.details, startRefused: why },
      });
      if (!moved) return;
      await tx.appendAudit({
        at: now,
        actor: 'system',
        action: 'request.start_refused',
        requestId: request.id,
        details: { reason: why },
      });
      await tx.enqueueJob(cardJob(request.id, now));
      await tx.enqueueJob(notifyJob(request.id, 'failed', now));
    });
  }

  /**
   * Cancels a scheduled request before its start: by the requester (any Slack account of the same Identity
   * Center user) or an admin. Once started, it is refused with how to end the access instead (a revoke).
   */
  async cancel(request: RequestRecord, actorSlackId: string): Promise<Outcome<void>> {
    const { ledger, clock } = this.deps;
    const allowed = await this.mayCancel(request, actorSlackId);
    if (!allowed.ok) return allowed;
    const now = clock.now();
    const refusal = await ledger.transaction(async (tx): Promise<Refusal | undefined> => {
      const current = await (tx.lockRequest?.(request.id) ?? tx.getRequest(request.id));
      if (current === undefined) return refuse('not_found', `There is no request ${request.id}.`);
      if (current.status !== 'scheduled') return startedOrDone(current, actorSlackId);
      const moved = await tx.transitionRequest(request.id, 'scheduled', 'cancelled', {
        details: { ...current.details, cancelledBy: actorSlackId },
      });
      if (!moved) return startedOrDone(current, actorSlackId);
      await tx.appendAudit({
        at: now,
        actor: actorSlackId,
        action: 'request.cancelled',
        requestId: request.id,
        details: { scheduled: true, startsAt: current.startsAt?.toISOString() ?? null },
      });
      await tx.enqueueJob(cardJob(request.id, now));
      await tx.enqueueJob(notifyJob(request.id, 'cancelled', now));
      return undefined;
    });
    return refusal ?? { ok: true, value: undefined };
  }

  private async mayCancel(request: RequestRecord, actorSlackId: string): Promise<Outcome<void>> {
    if (actorSlackId === request.requesterSlackId || this.deps.isAdmin(actorSlackId)) {
      return { ok: true, value: undefined };
    }
    // Another Slack account of the same person (a second workspace account mapped to the same user).
    const actor = await this.deps.identities.resolve(actorSlackId, { fresh: true, allowDisabled: true });
    if (actor.ok && request.requesterUserId !== '' && actor.value.user.id === request.requesterUserId) {
      return { ok: true, value: undefined };
    }
    return refuse(
      'not_requester',
      `Only ${mention(request.requesterSlackId)} (or an admin) can cancel ${request.id}.`,
    );
  }
}

const mention = (slackId: string): string => `<@${slackId}>`;
const refuse = (code: Refusal['code'], message: string): Refusal => ({ ok: false, code, message });

function startedOrDone(request: RequestRecord, actorSlackId: string): Refusal {
  if (request.status === 'provisioning' || request.status === 'active' || request.status === 'completed') {
    const whose = actorSlackId === request.requesterSlackId ? '' : ` ${mention(request.requesterSlackId)}`;
    const group = groupAccessOf(request);
    const revokes =
      request.kind === 'group_access' && group !== undefined
        ? `\`/access revoke group:${escapeMrkdwn(groupWord(group.groupName))}${whose}\``
        : request.accounts
            .map(
              (a) =>
                `\`/access revoke ${escapeMrkdwn(request.permissionSet)} ${escapeMrkdwn(a.alias)}${whose}\``,
            )
            .join(', ');
    return refuse(
      'already_started',
      `${request.id} has started${request.startsAt ? ` (${dateMrkdwn(request.startsAt)})` : ''}, so there is nothing to cancel. To end the access now: ${revokes}.`,
    );
  }
  return refuse('already_decided', `${request.id} is ${request.status}: nothing to cancel.`);
}

/** A group's name as typed after `group:` (quoted when it has spaces). */
const groupWord = (name: string): string => (/\s/.test(name) ? `"${name}"` : name);
