/**
 * The access service: decides (purely, with the rules engine) and records (in the ledger, one transaction per
 * transition with its audit event and jobs); the AWS work and the Slack messages run later from those jobs
 * (jobs.ts), so that a crash at any point resumes where it stopped and nothing is done twice.
 */
import type { Logger } from '../log.js';
import type { AccessDeskConfig } from '../config/types.js';
import { durationMs, formatDuration } from '../domain/duration.js';
import { didYouMean, resolveName } from '../domain/names.js';
import {
  decideAdminWork,
  decideParts,
  requirementsMet,
  type AdminWork,
  type Requirement,
} from '../domain/rule-parts.js';
import { decide, onCallSchedulesFor, type Decision } from '../domain/rules.js';
import { extensionSpan } from '../domain/content-checks.js';
import { dateMrkdwn, escapeMrkdwn, LIMITS } from '../domain/text.js';
import { parseWhen } from '../domain/when.js';
import { followUpDetails } from '../domain/follow-ups.js';
import {
  escalatedApprovers,
  requesterAccountsAmong,
  ticketPatternsOf,
  ticketsAudit,
  ticketSubject,
} from './follow-ups.js';
import type {
  AccessApi,
  AccessRequestInput,
  ExtensionInput,
  Outcome,
  RefusalCode,
  RequestOptions,
  RevokeInput,
} from './api.js';
import { slackIdsOf } from './admin/subject.js';
import { subjectsOf } from './admin/bulk-steps.js';
import { grownGroupsWords, joinedGroupsGrown } from './admin/joined-groups.js';
import { approverGroupsNow } from './approver-groups.js';
import { requestMadeByClick } from './made-by-click.js';
import { onCallDetails, type OnCallCheck, type OnCallRecord } from './on-call.js';
import { ScheduledAccess, scheduleInTx } from './scheduled.js';
import {
  carriedSinceAsked,
  carriesAdded,
  carriesMoreWords,
  groupAccessNow,
  planGroupAccess,
  type GroupAccessPlan,
} from './group-access.js';
import { groupAccessOf, pendingGrantsOf, sameGroupAccess } from './group-access-details.js';
import type { Clock } from './clock.js';
import { newRequestId } from './ids.js';
import type { Identity, IdentityResolver } from './identity.js';
import type { AccountRef, GrantRecord, Ledger, LedgerTx, RequestRecord } from './ledger.js';
import type { RequestView } from './notifier.js';
import type { SlackPeople } from './people.js';
import type { AdminRequestDetails } from './admin-api.js';
import type { Assignments, Catalog, Directory } from './ports.js';
import { buildView, buildViews } from './views.js';

export interface AccessServiceDeps {
  config: AccessDeskConfig;
  ledger: Ledger;
  catalog: Catalog;
  assignments: Assignments;
  /** Group memberships, for access a person already holds through a group. */
  directory: Directory;
  identities: IdentityResolver;
  people: SlackPeople;
  clock: Clock;
  logger: Logger;
  /** Called after a transaction enqueued jobs, so the runner starts them now rather than at its next tick. */
  wake?: () => void;
  /** Who is on call now, for rules that auto-approve on call (src/access/on-call.ts). Absent: nobody is. */
  onCall?: Pick<OnCallCheck, 'check'>;
}

type Refusal = Extract<Outcome<never>, { ok: false }>;
const refuse = (code: RefusalCode, message: string): Refusal => ({ ok: false, code, message });
const mention = (slackId: string): string => `<@${slackId}>`;

interface ApproversNow {
  requirements: Requirement[];
  /** Everyone in some requirement. */
  approvers: string[];
  /** The largest number any one requirement asks for. */
  requiredApprovals: number;
}

/** Statuses in which a request still occupies its target (a second request for it is refused). */
const OPEN_STATUSES = ['pending', 'approved', 'scheduled', 'provisioning'] as const;

export class AccessService implements AccessApi {
  private readonly log: Logger;
  /** Access approved ahead of time: its start (run by the provision job) and its cancel (src/access/scheduled.ts). */
  readonly scheduled: ScheduledAccess;

  constructor(private readonly deps: AccessServiceDeps) {
    this.log = deps.logger.child({ module: 'access' });
    this.scheduled = new ScheduledAccess({
      ...deps,
      checkNewAccess: (slackId, permissionSet, accounts) =>
        this.checkNewAccess(slackId, permissionSet, accounts),
      checkNewGroupAccess: (request) => this.checkGroupAtStart(request),
      isAdmin: (slackId) => this.isAdmin(slackId),
    });
  }

  // ---------- what people may pick ----------

  requestOptions(): RequestOptions {
    const { config } = this.deps;
    return {
      permissionSets: Object.entries(config.permissionSets).map(([name, p]) => ({
        name,
        ...(p.description !== undefined ? { description: p.description } : {}),
      })),
      accounts: Object.entries(config.accounts).map(([alias, id]) => {
        const name = config.accountNames[alias];
        return name === undefined ? { alias, id } : { alias, id, name };
      }),
      ...ticketPatternsOf(config),
    };
  }

  /** A scheduled group membership at its start: planned again, as if asked for now, for the same group. */
  private async checkGroupAtStart(request: RequestRecord): Promise<Outcome<GroupAccessPlan>> {
    const asked = groupAccessOf(request);
    if (asked === undefined) return refuse('unknown_group', `${request.id} names no group.`);
    const planned = await planGroupAccess(this.deps, {
      requesterSlackId: request.requesterSlackId,
      group: asked.groupName,
      durationMs: request.durationMs,
      ...(request.reason !== null ? { reason: request.reason } : {}),
      ...ticketSubject(request),
    });
    if (planned.ok && planned.value.group.groupId !== asked.groupId) {
      return refuse(
        'unknown_group',
        `group *${escapeMrkdwn(asked.groupName)}* was deleted since it was asked for (a group of that name now is another one)`,
      );
    }
    if (planned.ok) {
      // Approved for what the card showed: anything the group was given since was never judged by an approver.
      const added = carriesAdded(asked.carries, planned.value.group.carries);
      if (added.length > 0) return refuse('not_offered', carriesMoreWords(request, asked, added));
    }
    return planned;
  }

  isAdmin(slackUserId: string): boolean {
    return this.deps.config.admins.includes(slackUserId);
  }

  checkStart(when: string): Outcome<Date> {
    const { config, clock } = this.deps;
    const read = parseWhen(when, clock.now(), { maxAheadMs: config.timing.scheduleAheadMs });
    return read.ok ? { ok: true, value: read.startsAt } : refuse('bad_start', read.message);
  }

  async view(requestId: string): Promise<RequestView | undefined> {
    return buildView(this.deps.ledger, this.deps.catalog, requestId, this.deps.config.sessions);
  }

  // ---------- submit ----------

  async submitAccessRequest(input: AccessRequestInput): Promise<Outcome<RequestView>> {
    const { config, clock } = this.deps;
    if (input.group !== undefined) return this.submitGroupAccess({ ...input, group: input.group });
    if (input.clickId !== undefined) {
      // Asked again by the same submission (run again after a crash): the request it made is the answer; the
      // rules would refuse the repeat as held or asked for already.
      const made = await requestMadeByClick(
        this.deps.ledger,
        input.requesterSlackId,
        'access',
        input.clickId,
      );
      if (made !== undefined) return this.viewOutcome(made.id);
    }
    const target = this.resolveTarget(input.permissionSet, input.accounts);
    if (!target.ok) return target;
    const { permissionSet, accounts } = target.value;
    // Scheduled access: the rules judge it as if asked for now, for its length from the start.
    const asked = this.reasonAndStart(input);
    if (!asked.ok) return asked;
    const { reason, when } = asked.value;

    const requester = this.identityOnce(input.requesterSlackId);
    const decision = await this.decide(
      {
        kind: 'access',
        requesterSlackId: input.requesterSlackId,
        permissionSet,
        accounts: accounts.map((a) => a.alias),
        durationMs: input.duration === undefined ? undefined : durationMs(input.duration),
        ...(reason !== '' ? { reason } : {}),
        ...(input.ticket !== undefined ? { ticket: input.ticket } : {}),
      },
      { startsLater: when?.ok === true, requester },
    );
    if (!decision.ok) return decision;

    const identity = await requester();
    if (!identity.ok) return identity;
    const ps = await this.permissionSetArn(permissionSet);
    if (!ps.ok) return ps;

    const held = await this.alreadyHeld(identity.value, ps.value, permissionSet, accounts);
    if (!held.ok) return held;

    const now = clock.now();
    const request: RequestRecord = {
      id: newRequestId(),
      kind: 'access',
      status: 'pending',
      requesterSlackId: input.requesterSlackId,
      requesterEmail: identity.value.email,
      requesterUserId: identity.value.user.id,
      permissionSet,
      permissionSetArn: ps.value,
      accounts,
      durationMs: decision.value.durationMs,
      reason: reason === '' ? null : reason,
      approvers: decision.value.approvers,
      requiredApprovals: decision.value.requiredApprovals,
      channel: decision.value.channel,
      extendsGrantIds: [],
      details: {
        matchedRules: decision.value.matchedRules,
        ...(input.clickId !== undefined ? { clickId: input.clickId } : {}),
        ...followUpDetails(decision.value),
        ...onCallDetails(decision.value.onCall),
      },
      createdAt: now,
      lapsesAt: new Date(now.getTime() + config.timing.pendingLifetimeMs),
      decidedAt: null,
      ...(when?.ok === true ? { startsAt: when.startsAt } : {}),
      card: null,
      dm: null,
    };
    const refused = await this.record(request, decision.value.autoApprove, {
      permissionSet,
      accounts: accounts.map((a) => a.alias),
      duration: formatDuration(request.durationMs),
      ...(when?.ok === true ? { startsAt: when.startsAt.toISOString() } : {}),
      approvers: request.approvers,
      requiredApprovals: request.requiredApprovals,
      ...ticketsAudit(decision.value.tickets),
      ...onCallDetails(decision.value.onCall),
    });
    if (refused !== undefined && 'sameClick' in refused) return this.viewOutcome(refused.sameClick);
    if (refused !== undefined) return refused;
    this.log.info(
      { requestId: request.id, permissionSet, auto: decision.value.autoApprove },
      'request submitted',
    );
    this.deps.wake?.();
    return this.viewOutcome(request.id);
  }

  /** A request's reason (trimmed, within its limit) and its start when asked for later (`at <when>`), read now. */
  private reasonAndStart(
    input: Pick<AccessRequestInput, 'reason' | 'when'>,
  ): Outcome<{ reason: string; when?: { ok: true; startsAt: Date } }> {
    const { config, clock } = this.deps;
    const reason = input.reason?.trim() ?? '';
    if (reason.length > LIMITS.reason) {
      return refuse(
        'reason_too_long',
        `The reason is ${reason.length} characters long; keep it under ${LIMITS.reason} (link to a ticket for the details).`,
      );
    }
    if (input.when === undefined) return { ok: true, value: { reason } };
    const when = parseWhen(input.when, clock.now(), {
      maxAheadMs: config.timing.scheduleAheadMs,
      // Said in a message (mrkdwn); the request form's field errors come from checkStart, in plain text.
      show: dateMrkdwn,
    });
    if (!when.ok) return refuse('bad_start', when.message);
    return { ok: true, value: { reason, when: { ok: true, startsAt: when.startsAt } } };
  }

  /** `/access request group:<Group> <duration> [reason]`: a time-bound membership (src/access/group-access.ts). */
  private async submitGroupAccess(
    input: AccessRequestInput & { group: string },
  ): Promise<Outcome<RequestView>> {
    const { config, clock, ledger } = this.deps;
    if (input.clickId !== undefined) {
      const made = await requestMadeByClick(ledger, input.requesterSlackId, 'group_access', input.clickId);
      if (made !== undefined) return this.viewOutcome(made.id);
    }
    // Ahead of time (`at <when>`): judged now, joined at the start (src/access/scheduled.ts).
    const asked = this.reasonAndStart(input);
    if (!asked.ok) return asked;
    const { reason, when } = asked.value;
    const planned = await planGroupAccess(this.deps, {
      requesterSlackId: input.requesterSlackId,
      group: input.group,
      durationMs: input.duration === undefined ? undefined : durationMs(input.duration),
      ...(reason !== '' ? { reason } : {}),
      ...(input.ticket !== undefined ? { ticket: input.ticket } : {}),
    });
    if (!planned.ok) return planned;
    const { identity, group, accounts, decision } = planned.value;
    const now = clock.now();
    const request: RequestRecord = {
      id: newRequestId(),
      kind: 'group_access',
      status: 'pending',
      requesterSlackId: input.requesterSlackId,
      requesterEmail: identity.email,
      requesterUserId: identity.user.id,
      permissionSet: '',
      permissionSetArn: '',
      accounts,
      durationMs: decision.durationMs,
      reason: reason === '' ? null : reason,
      approvers: decision.approvers,
      requiredApprovals: decision.requiredApprovals,
      channel: decision.channel,
      extendsGrantIds: [],
      details: {
        matchedRules: decision.matchedRules,
        requirements: decision.requirements,
        groupAccess: group,
        ...(input.clickId !== undefined ? { clickId: input.clickId } : {}),
        ...followUpDetails(decision),
      },
      createdAt: now,
      lapsesAt: new Date(now.getTime() + config.timing.pendingLifetimeMs),
      decidedAt: null,
      ...(when?.ok === true ? { startsAt: when.startsAt } : {}),
      card: null,
      dm: null,
    };
    const refused = await this.record(request, decision.autoApprove, {
      group: group.groupName,
      groupId: group.groupId,
      duration: formatDuration(request.durationMs),
      ...(when?.ok === true ? { startsAt: when.startsAt.toISOString() } : {}),
      approvers: request.approvers,
      requiredApprovals: request.requiredApprovals,
      ...ticketsAudit(decision.tickets),
    });
    if (refused !== undefined && 'sameClick' in refused) return this.viewOutcome(refused.sameClick);
    if (refused !== undefined) return refused;
    this.log.info(
      { requestId: request.id, group: group.groupName, auto: decision.autoApprove },
      'group access asked for',
    );
    this.deps.wake?.();
    return this.viewOutcome(request.id);
  }

  // ---------- decide ----------

  async approve(requestId: string, approverSlackId: string): Promise<Outcome<RequestView>> {
    const { ledger, clock } = this.deps;
    const request = await ledger.getRequest(requestId);
    const check = await this.checkApprover(request, approverSlackId);
    if (!check.ok) return check;
    const grew = await this.groupChangedSinceAsked(check.value.request, check.value.requiredApprovals);
    if (grew !== undefined) return grew;
    const { approverUserId, requiredApprovals, requirements } = check.value;
    // Approvals count per person (Identity Center user), not per Slack account: who the earlier approvers are.
    const earlier = await this.approverUsers(await ledger.listApprovals(requestId));
    const now = clock.now();
    const result = await ledger.transaction(async (tx): Promise<Refusal | undefined> => {
      // Locked (on PostgreSQL) so that two approvers at once each count the other's approval.
      const current = await (tx.lockRequest?.(requestId) ?? tx.getRequest(requestId));
      if (current === undefined || current.status !== 'pending') return this.alreadyDecided(tx, current);
      const before = (await tx.listApprovals(requestId)).filter((a) => a.decision === 'approve');
      const users = await this.approverUsers(before, earlier);
      const same = before.find((a) => users.get(a.approverSlackId) === approverUserId);
      if (same !== undefined) {
        return refuse(
          'already_voted',
          same.approverSlackId === approverSlackId
            ? `You have already approved ${requestId}; it needs someone else now.`
            : `You have already approved ${requestId} as ${mention(same.approverSlackId)} (the same person in Identity Center): approvals count per person, so it needs someone else now.`,
        );
      }
      const recorded = await tx.insertApproval({
        requestId,
        approverSlackId,
        decision: 'approve',
        reason: null,
        at: now,
      });
      if (!recorded) {
        return refuse('already_voted', `You have already approved ${requestId}; it needs someone else now.`);
      }
      const people = new Set([...before.map((a) => users.get(a.approverSlackId)), approverUserId]);
      const personOf = (slackId: string): string | undefined =>
        slackId === approverSlackId ? approverUserId : users.get(slackId);
      const met = requirementsMet(
        requirements,
        [...before.map((a) => a.approverSlackId), approverSlackId],
        personOf,
      );
      await tx.appendAudit({
        at: now,
        actor: approverSlackId,
        action: 'request.approval_recorded',
        requestId,
        details: { approvals: people.size, required: requiredApprovals, approverUserId, met },
      });
      if (met) {
        if (!(await this.approveInTx(tx, current, approverSlackId, now, 'request.approved'))) {
          return this.alreadyDecided(tx, await tx.getRequest(requestId));
        }
      } else {
        await tx.enqueueJob(cardJob(requestId, now));
      }
      return undefined;
    });
    if (result !== undefined) return result;
    this.deps.wake?.();
    return this.viewOutcome(requestId);
  }

  async deny(requestId: string, approverSlackId: string, reason: string): Promise<Outcome<RequestView>> {
    const { ledger, clock } = this.deps;
    const text = reason.trim();
    if (text === '')
      return refuse('reason_required', 'Say why you deny it: the requester will see your reason.');
    if (text.length > LIMITS.denyReason) {
      return refuse('reason_too_long', `Keep the reason under ${LIMITS.denyReason} characters.`);
    }
    const request = await ledger.getRequest(requestId);
    const check = await this.checkApprover(request, approverSlackId);
    if (!check.ok) return check;
    const now = clock.now();
    const result = await ledger.transaction(async (tx): Promise<Refusal | undefined> => {
      const moved = await tx.transitionRequest(requestId, 'pending', 'denied', { decidedAt: now });
      if (!moved) return this.alreadyDecided(tx, await tx.getRequest(requestId));
      await tx.insertApproval({ requestId, approverSlackId, decision: 'deny', reason: text, at: now });
      await tx.appendAudit({
        at: now,
        actor: approverSlackId,
        action: 'request.denied',
        requestId,
        details: { reason: text },
      });
      await tx.enqueueJob(cardJob(requestId, now));
      await tx.enqueueJob(notifyJob(requestId, 'denied', now));
      return undefined;
    });
    if (result !== undefined) return result;
    this.deps.wake?.();
    return this.viewOutcome(requestId);
  }

  async cancel(requestId: string, requesterSlackId: string): Promise<Outcome<RequestView>> {
    const { ledger, clock } = this.deps;
    const request = await ledger.getRequest(requestId);
    if (request === undefined) return refuse('not_found', `There is no request ${escapeMrkdwn(requestId)}.`);
    if (request.startsAt !== undefined && request.startsAt !== null && request.status !== 'pending') {
      // Approved ahead of time: cancelled before its start by its requester or an admin, else a revoke.
      const cancelled = await this.scheduled.cancel(request, requesterSlackId);
      if (!cancelled.ok) return cancelled;
      this.deps.wake?.();
      return this.viewOutcome(requestId);
    }
    if (request.requesterSlackId !== requesterSlackId) {
      return refuse('not_requester', `Only ${mention(request.requesterSlackId)} can cancel ${requestId}.`);
    }
    const now = clock.now();
    const result = await ledger.transaction(async (tx): Promise<Refusal | undefined> => {
      const moved = await tx.transitionRequest(requestId, 'pending', 'cancelled', { decidedAt: now });
      if (!moved) return this.alreadyDecided(tx, await tx.getRequest(requestId));
      await tx.appendAudit({ at: now, actor: requesterSlackId, action: 'request.cancelled', requestId });
      await tx.enqueueJob(cardJob(requestId, now));
      await tx.enqueueJob(notifyJob(requestId, 'cancelled', now));
      return undefined;
    });
    if (result !== undefined) return result;
    this.deps.wake?.();
    return this.viewOutcome(requestId);
  }

  // ---------- extend and revoke ----------

  async requestExtension(input: ExtensionInput): Promise<Outcome<RequestView>> {
    const { clock, config } = this.deps;
    if (input.clickId !== undefined) {
      // Asked again by the same click (run again after a crash): what it made then is the answer. Looked for
      // first, as the grant it extended has moved since and the rules would judge the repeat anew.
      const made = await requestMadeByClick(
        this.deps.ledger,
        input.requesterSlackId,
        'extend',
        input.clickId,
      );
      if (made !== undefined) return this.viewOutcome(made.id);
    }
    if (input.duration.kind === 'permanent') {
      return refuse(
        'duration_too_long',
        'An extension adds a time to a grant; to keep the access for good, `/access request` it as `permanent`.',
      );
    }
    if (input.group !== undefined) return this.extendGroupAccess({ ...input, group: input.group });
    const grants = await this.activeGrantsOf(input.requesterSlackId, input.permissionSet, input.account);
    if (!grants.ok) return grants;
    const timeBound = grants.value.filter((g) => g.endsAt !== null);
    if (timeBound.length === 0) {
      return refuse(
        'nothing_to_extend',
        grants.value.length > 0
          ? 'That access is permanent: there is nothing to extend.'
          : 'You hold no active access-desk grant to extend. See `/access pending`, or `/access request` it.',
      );
    }
    const targets = groupByRequest(timeBound);
    if (targets.length > 1) {
      return refuse(
        'ambiguous_grant',
        `You hold several grants; say which: ${targets
          .map((g) =>
            g[0]!.group !== undefined
              ? `\`/access extend group:${g[0]!.group.name} ${formatDuration(input.duration)}\``
              : `\`/access extend ${g[0]!.permissionSet} ${g[0]!.accountAlias} ${formatDuration(input.duration)}\``,
          )
          .join(', ')}.`,
      );
    }
    const chosen = targets[0]!;
    const first = chosen[0]!;
    if (first.group !== undefined) return this.extendGroupAccess({ ...input, group: first.group.name });
    const reason = input.reason?.trim() ?? '';
    if (reason.length > LIMITS.reason) {
      return refuse('reason_too_long', `Keep the reason under ${LIMITS.reason} characters.`);
    }
    const now = clock.now();
    const extensionMs = input.duration.ms;
    const latestEnd = Math.max(...chosen.map((g) => g.endsAt!.getTime()));
    // The rules' longest time is the grant's whole length: its start to the new end (heldMs: to its end now).
    const span = extensionSpan(chosen, extensionMs, now)!;
    const requester = this.identityOnce(input.requesterSlackId);
    const decision = await this.decide(
      {
        kind: 'extend',
        requesterSlackId: input.requesterSlackId,
        permissionSet: first.permissionSet,
        accounts: chosen.map((g) => g.accountAlias),
        ...span,
        ...(reason !== '' ? { reason } : {}),
        // The tickets the grant was asked with count again: a rule requiring one is met by the access it extends.
        ...ticketSubject((await this.deps.ledger.getRequest(first.requestId)) ?? { details: {} }),
      },
      { requester },
    );
    if (!decision.ok) return decision;
    const identity = await requester();
    if (!identity.ok) return identity;

    const request: RequestRecord = {
      id: newRequestId(),
      kind: 'extend',
      status: 'pending',
      requesterSlackId: input.requesterSlackId,
      requesterEmail: identity.value.email,
      requesterUserId: identity.value.user.id,
      permissionSet: first.permissionSet,
      permissionSetArn: first.permissionSetArn,
      accounts: chosen.map((g) => ({ alias: g.accountAlias, id: g.accountId })),
      durationMs: extensionMs,
      reason: reason === '' ? null : reason,
      approvers: decision.value.approvers,
      requiredApprovals: decision.value.requiredApprovals,
      channel: decision.value.channel,
      extendsGrantIds: chosen.map((g) => g.id),
      details: {
        matchedRules: decision.value.matchedRules,
        extendsRequestId: first.requestId,
        ...followUpDetails(decision.value),
        ...onCallDetails(decision.value.onCall),
        ...(input.clickId !== undefined ? { clickId: input.clickId } : {}),
      },
      createdAt: now,
      lapsesAt: new Date(Math.min(now.getTime() + config.timing.pendingLifetimeMs, latestEnd)),
      decidedAt: null,
      card: null,
      dm: null,
    };
    const refused = await this.record(request, decision.value.autoApprove, {
      extends: request.extendsGrantIds,
      by: formatDuration(extensionMs),
      ...ticketsAudit(decision.value.tickets),
      ...onCallDetails(decision.value.onCall),
    });
    if (refused !== undefined && 'sameClick' in refused) return this.viewOutcome(refused.sameClick);
    if (refused !== undefined) return refused;
    this.deps.wake?.();
    return this.viewOutcome(request.id);
  }

  /**
   * `/access extend group:<Group> <duration>`: a time-bound membership's end moved, judged like the membership
   * (what the group carried when it was asked for, with the group), for its whole length once extended.
   */
  private async extendGroupAccess(input: ExtensionInput & { group: string }): Promise<Outcome<RequestView>> {
    const { clock, config, ledger } = this.deps;
    if (input.duration.kind === 'permanent') {
      return refuse(
        'duration_too_long',
        'An extension adds a time to a membership: say how much, like `2h`.',
      );
    }
    const wanted = input.group.trim().toLowerCase();
    const held = (
      await ledger.findGrants({ requesterSlackId: input.requesterSlackId, statuses: ['active'] })
    ).filter((g) => g.group !== undefined && g.group.name.toLowerCase() === wanted && g.endsAt !== null);
    const grant = held[0];
    const original = grant === undefined ? undefined : await ledger.getRequest(grant.requestId);
    const joins = original === undefined ? undefined : groupAccessOf(original);
    if (grant === undefined || original === undefined || joins === undefined) {
      return refuse(
        'nothing_to_extend',
        `You hold no time-bound membership of group ${escapeMrkdwn(input.group.trim())} from access-desk to extend. Ask for one with \`/access request group:${escapeMrkdwn(input.group.trim())} 2h\`.`,
      );
    }
    const reason = input.reason?.trim() ?? '';
    if (reason.length > LIMITS.reason) {
      return refuse('reason_too_long', `Keep the reason under ${LIMITS.reason} characters.`);
    }
    // Judged by what the group carries now (it may have been given more since the person joined), shown so.
    const current = await groupAccessNow(this.deps, joins);
    if (!current.ok) return current;
    const now = clock.now();
    const span = extensionSpan([grant], input.duration.ms, now)!;
    const decision = decideParts(
      current.value.group.parts,
      {
        kind: 'extend',
        requesterSlackId: input.requesterSlackId,
        ...span,
        ...(reason !== '' ? { reason } : {}),
      },
      config,
      await this.approverGroups(),
    );
    if (!decision.ok) {
      const forAdmin = this.isAdmin(input.requesterSlackId) ? decision.adminMessage : undefined;
      return refuse(
        decision.code === 'permanent_not_allowed' ? 'duration_too_long' : decision.code,
        forAdmin ?? decision.message,
      );
    }
    const request: RequestRecord = {
      id: newRequestId(),
      kind: 'extend',
      status: 'pending',
      requesterSlackId: input.requesterSlackId,
      requesterEmail: original.requesterEmail,
      requesterUserId: grant.principalId,
      permissionSet: '',
      permissionSetArn: '',
      accounts: current.value.accounts,
      durationMs: input.duration.ms,
      reason: reason === '' ? null : reason,
      approvers: decision.approvers,
      requiredApprovals: decision.requiredApprovals,
      channel: decision.channel,
      extendsGrantIds: [grant.id],
      details: {
        matchedRules: decision.matchedRules,
        requirements: decision.requirements,
        extendsRequestId: grant.requestId,
        groupAccess: current.value.group,
        ...followUpDetails(decision),
        ...(input.clickId !== undefined ? { clickId: input.clickId } : {}),
      },
      createdAt: now,
      lapsesAt: new Date(Math.min(now.getTime() + config.timing.pendingLifetimeMs, grant.endsAt!.getTime())),
      decidedAt: null,
      card: null,
      dm: null,
    };
    const refused = await this.record(request, decision.autoApprove, {
      extends: request.extendsGrantIds,
      group: joins.groupName,
      by: formatDuration(input.duration.ms),
    });
    if (refused !== undefined && 'sameClick' in refused) return this.viewOutcome(refused.sameClick);
    if (refused !== undefined) return refused;
    this.deps.wake?.();
    return this.viewOutcome(request.id);
  }

  /** `/access revoke group:<Group> [@user|email]`: time-bound memberships of that group ended now. */
  private async revokeGroupAccess(
    input: RevokeInput & { group: string },
    someoneElse: boolean,
  ): Promise<Outcome<{ ended: GrantRecord[] }>> {
    const { ledger } = this.deps;
    const wanted = input.group.trim().toLowerCase();
    const whose =
      input.targetEmail !== undefined ? await this.deps.identities.byEmail(input.targetEmail) : undefined;
    if (whose !== undefined && !whose.ok) return whose;
    const query =
      whose !== undefined
        ? { principalId: whose.value.id }
        : { requesterSlackId: input.targetSlackId ?? input.actorSlackId };
    const ofGroup = (statuses: GrantRecord['status'][]) =>
      ledger
        .findGrants({ ...query, statuses })
        .then((all) => all.filter((g) => g.group !== undefined && g.group.name.toLowerCase() === wanted));
    const grants = await ofGroup(['active']);
    if (grants.length === 0 && input.clickId !== undefined) {
      // The same recorded command run again: what its first run set ending is its answer.
      const ending = await ofGroup(['ending']);
      if (ending.length > 0) return { ok: true, value: { ended: ending } };
    }
    if (grants.length === 0) {
      return refuse(
        'not_holder',
        `${someoneElse ? 'They hold' : 'You hold'} no time-bound membership of group ${escapeMrkdwn(input.group.trim())} from access-desk. A membership made outside access-desk is not mine to end (an admin uses \`/access group remove\`).`,
      );
    }
    return this.endRevoked(grants, input.actorSlackId);
  }

  async revoke(input: RevokeInput): Promise<Outcome<{ ended: GrantRecord[] }>> {
    const { ledger } = this.deps;
    const someoneElse =
      (input.targetSlackId !== undefined && input.targetSlackId !== input.actorSlackId) ||
      input.targetEmail !== undefined;
    if (someoneElse && !this.isAdmin(input.actorSlackId)) {
      return refuse(
        'not_admin',
        "Only an admin can end someone else's access. You can end your own: `/access revoke <PermissionSet> <account>`.",
      );
    }
    if (input.group !== undefined)
      return this.revokeGroupAccess({ ...input, group: input.group }, someoneElse);
    const target = this.resolveTarget(input.permissionSet, [input.account]);
    if (!target.ok) return target;
    const account = target.value.accounts[0]!;
    let grants: GrantRecord[];
    if (input.targetEmail !== undefined) {
      const user = await this.deps.identities.byEmail(input.targetEmail);
      if (!user.ok) return user;
      grants = await ledger.findGrants({
        principalId: user.value.id,
        accountId: account.id,
        statuses: ['active'],
      });
    } else {
      grants = await ledger.findGrants({
        requesterSlackId: input.targetSlackId ?? input.actorSlackId,
        accountId: account.id,
        statuses: ['active'],
      });
    }
    grants = grants.filter((g) => g.permissionSet === target.value.permissionSet);
    if (grants.length === 0 && input.clickId !== undefined) {
      // The same recorded command run again (its first run ended them, then the process died before it answered).
      const ending = await ledger.findGrants({
        requesterSlackId: input.targetSlackId ?? input.actorSlackId,
        accountId: account.id,
        statuses: ['ending'],
      });
      const mine = ending.filter((g) => g.permissionSet === target.value.permissionSet);
      if (mine.length > 0 && input.targetEmail === undefined) return { ok: true, value: { ended: mine } };
    }
    if (grants.length === 0) {
      const whose = someoneElse ? 'They hold' : 'You hold';
      return refuse(
        'not_holder',
        `${whose} no active access-desk grant of ${target.value.permissionSet} on ${account.alias}. Access given outside access-desk (directly or through a group) is not mine to end.`,
      );
    }
    return this.endRevoked(grants, input.actorSlackId);
  }

  /** Ends these active grants as revoked by `actor` (one that moved on meanwhile is left alone), in one transaction. */
  private async endRevoked(grants: GrantRecord[], actor: string): Promise<Outcome<{ ended: GrantRecord[] }>> {
    const { ledger, clock } = this.deps;
    const now = clock.now();
    const ended: GrantRecord[] = [];
    await ledger.transaction(async (tx) => {
      for (const grant of grants) {
        if (!(await tx.transitionGrant(grant.id, 'active', 'ending'))) continue;
        await tx.appendAudit({
          at: now,
          actor,
          action: 'grant.revoked',
          requestId: grant.requestId,
          grantId: grant.id,
        });
        await tx.enqueueJob(endGrantJob(grant, 'revoked', now));
        ended.push(grant);
      }
    });
    this.deps.wake?.();
    return { ok: true, value: { ended } };
  }

  async pending(slackUserId: string): Promise<{ mine: RequestView[]; awaitingMe: RequestView[] }> {
    const { ledger } = this.deps;
    const [mine, awaiting] = await Promise.all([
      ledger.findRequests({
        requesterSlackId: slackUserId,
        statuses: ['pending', 'approved', 'scheduled', 'provisioning'],
      }),
      ledger.findRequests({ approverSlackId: slackUserId, statuses: ['pending'] }),
    ]);
    // Two lists of views, each in a handful of queries however long it is (a Home tab draws them).
    const [mineViews, awaitingViews] = await Promise.all([
      buildViews(ledger, this.deps.catalog, mine, this.deps.config.sessions),
      buildViews(ledger, this.deps.catalog, awaiting, this.deps.config.sessions),
    ]);
    const awaitingMe = awaitingViews.filter(
      (v) =>
        v.request.requesterSlackId !== slackUserId &&
        !v.approvals.some((a) => a.approverSlackId === slackUserId),
    );
    return { mine: mineViews, awaitingMe };
  }

  /**
   * The checks every new access request passes before the rules decide how it is granted — the names, the
   * requester's Identity Center user, the permission set's ARN, access already held (an access-desk grant, an
   * assignment, a group) — for another way of asking: break-glass (src/access/break-glass.ts).
   */
  async checkNewAccess(
    requesterSlackId: string,
    permissionSetInput: string,
    accountInputs: string[],
  ): Promise<
    Outcome<{ permissionSet: string; accounts: AccountRef[]; identity: Identity; permissionSetArn: string }>
  > {
    const target = this.resolveTarget(permissionSetInput, accountInputs);
    if (!target.ok) return target;
    const { permissionSet, accounts } = target.value;
    const identity = await this.deps.identities.resolve(requesterSlackId);
    if (!identity.ok) return identity;
    const ps = await this.permissionSetArn(permissionSet);
    if (!ps.ok) return ps;
    const held = await this.alreadyHeld(identity.value, ps.value, permissionSet, accounts);
    if (!held.ok) return held;
    return {
      ok: true,
      value: { permissionSet, accounts, identity: identity.value, permissionSetArn: ps.value },
    };
  }

  // ---------- helpers ----------

  /**
   * Records a new request with its audit event, its card and the requester's message, approving it at once
   * when the rules say so. Looks for an open request on the same target inside the transaction, so that two
   * identical commands at once do not both pass.
   */
  private record(
    request: RequestRecord,
    autoApprove: boolean,
    details: Record<string, unknown>,
  ): Promise<Refusal | { sameClick: string } | undefined> {
    const now = request.createdAt;
    return this.deps.ledger.transaction(async (tx) => {
      // One submission of this person's for this target at a time, across replicas and Slack accounts: the same
      // click run twice, two identical commands, or the same person's two accounts must each find the other's.
      for (const key of submitLocks(request)) await tx.lockKey?.(key);
      const clickId = request.details.clickId;
      if (typeof clickId === 'string') {
        // The same click run twice at once (its lease lost meanwhile): the first one's request is the answer.
        const same = await requestMadeByClick(tx, request.requesterSlackId, request.kind, clickId);
        if (same !== undefined) return { sameClick: same.id };
      }
      const duplicate = await this.openRequestFor(tx, request);
      if (duplicate !== undefined) return duplicate;
      await tx.insertRequest(request);
      await tx.appendAudit({
        at: now,
        actor: request.requesterSlackId,
        action: 'request.submitted',
        requestId: request.id,
        details,
      });
      if (autoApprove) await this.approveInTx(tx, request, 'system', now, 'request.auto_approved');
      else await tx.enqueueJob(notifyJob(request.id, 'submitted', now));
      await tx.enqueueJob(cardJob(request.id, now));
      return undefined;
    });
  }

  /**
   * A pending group membership (or its extension), an admin's group add, or admin work that joins groups
   * (onboarding, role change, bulk onboarding) whose group was given more in Identity Center since it was asked
   * for, or a membership the rules now want more approvals of than its card said: refused at the click, for what
   * the card showed is not what the approver would grant. The requester asks again and is judged afresh.
   */
  private async groupChangedSinceAsked(
    request: RequestRecord,
    approvalsNow: number,
  ): Promise<Refusal | undefined> {
    if (request.status !== 'pending') return undefined;
    const change = adminGroupChangeOf(request);
    if (change !== undefined) {
      // An admin's `/access group add|remove`: judged by what the group carried when asked, as a membership is.
      const added = await carriedSinceAsked(this.deps, change.group);
      if (!added.ok) return added;
      if (added.value.length === 0) return undefined;
      return refuse('not_offered', carriesMoreWords(request, change.group, added.value, change.again));
    }
    // An onboarding, a role change, a bulk onboarding: judged by what the groups they join carried when asked.
    const grown = await joinedGroupsGrown(this.deps, request);
    if (!grown.ok) return grown;
    if (grown.value.length > 0) {
      this.log.warn(
        {
          requestId: request.id,
          kind: request.kind,
          groups: grown.value.map((g) => ({ group: g.group.groupName, added: g.added })),
        },
        'approval refused: a group the work joins carries more than when it was asked for',
      );
      return refuse('not_offered', grownGroupsWords(request, grown.value));
    }
    const joins = groupAccessOf(request);
    if (joins === undefined) return undefined;
    if (approvalsNow > request.requiredApprovals) {
      return refuse(
        'not_approver',
        `The approvals needed changed since ${request.id} was asked for: the rules now need ${approvalsNow} approvals of group *${escapeMrkdwn(joins.groupName)}*, and its card asked for ${request.requiredApprovals}. Nothing was granted: ${mention(request.requesterSlackId)} must ask again, to be approved under the rules as they are now.`,
      );
    }
    const added = await carriedSinceAsked(this.deps, joins);
    if (!added.ok) return added;
    if (added.value.length === 0) return undefined;
    this.log.warn(
      { requestId: request.id, group: joins.groupName, added: added.value },
      'approval refused: the group carries more than when it was asked for',
    );
    return refuse('not_offered', carriesMoreWords(request, joins, added.value));
  }

  /** Moves a pending request to approved, with its grants and the job that makes them. */
  private async approveInTx(
    tx: LedgerTx,
    request: RequestRecord,
    actor: string,
    now: Date,
    action: string,
  ): Promise<boolean> {
    const moved = await tx.transitionRequest(request.id, 'pending', 'approved', { decidedAt: now });
    // Another approver's transaction got there first (possible where transactions run side by side).
    if (!moved) return false;
    await tx.appendAudit({ at: now, actor, action, requestId: request.id });
    // Approved ahead of its start: scheduled, its grants made when it starts (src/access/scheduled.ts).
    if (await scheduleInTx(tx, request, now)) return true;
    for (const grant of pendingGrantsOf(request)) await tx.insertGrant(grant);
    await tx.enqueueJob(provisionJob(request.id, now));
    await tx.enqueueJob(cardJob(request.id, now));
    await tx.enqueueJob(notifyJob(request.id, 'approved', now));
    return true;
  }

  /**
   * Who may approve is decided at the click, from the rules and the groups as they are now (an approver removed
   * from a group, or a rule changed by a config reload, counts from then on), and per person: the clicker's Slack
   * account is resolved to its Identity Center user, which may be neither the requester's nor, for admin work,
   * the subject's, whichever Slack account it comes through.
   */
  private async checkApprover(
    request: RequestRecord | undefined,
    slackId: string,
  ): Promise<
    Outcome<{
      request: RequestRecord;
      approverUserId: string;
      requiredApprovals: number;
      requirements: Requirement[];
    }>
  > {
    if (request === undefined) return refuse('not_found', 'That request no longer exists.');
    if (request.requesterSlackId === slackId) {
      return refuse(
        'own_request',
        `You cannot approve or deny your own request. It needs ${this.whoMayApprove(request)}.`,
      );
    }
    // Everyone the work is about: the subject, or every person of a bulk onboarding.
    const subjects = subjectsOf(request);
    if (subjects.some((s) => s.slackUserId === slackId)) {
      return refuse(
        'own_request',
        `You cannot approve or deny ${request.id}: it is about you. It needs ${this.whoMayApprove(request)}.`,
      );
    }
    const now = await this.approversNow(request);
    if (!now.ok) return now;
    // Once escalated (src/access/follow-ups.ts), the escalation's groups may approve too; never fewer approvals.
    const widened = await escalatedApprovers(request, now.value, this.deps.config, this.deps.people);
    const { approvers, requiredApprovals, requirements } = widened;
    const shown = { ...request, approvers, requiredApprovals };
    if (!approvers.includes(slackId)) {
      return refuse(
        'not_approver',
        `You are not one of the approvers of ${request.id} under the rules as they are now: it needs ${this.whoMayApprove(shown)}.`,
      );
    }
    // Asked afresh: someone offboarded (or whose Slack email changed) since an earlier look must not approve.
    const approver = await this.deps.identities.resolve(slackId, { fresh: true });
    if (!approver.ok) {
      return refuse(
        approver.code,
        `I cannot count your approval of ${request.id}, because I cannot tell who you are in Identity Center: ${approver.message}`,
      );
    }
    const userId = approver.value.user.id;
    const email = (approver.value.user.email ?? approver.value.email).toLowerCase();
    const requesterUserId =
      request.requesterUserId !== ''
        ? request.requesterUserId
        : await this.userIdOf(request.requesterSlackId);
    if (requesterUserId === userId) {
      return refuse(
        'own_request',
        `Your Slack account and ${mention(request.requesterSlackId)}'s are the same person in Identity Center: nobody approves their own request. It needs ${this.whoMayApprove(shown)}.`,
      );
    }
    const about = subjects.find(
      (s) =>
        s.userId === userId ||
        s.email.toLowerCase() === email ||
        s.email.toLowerCase() === approver.value.email.toLowerCase(),
    );
    if (about !== undefined) {
      return refuse(
        'own_request',
        `You cannot approve or deny ${request.id}: it is about you (${escapeMrkdwn(about.email)} in Identity Center). It needs ${this.whoMayApprove(shown)}.`,
      );
    }
    return { ok: true, value: { request, approverUserId: userId, requiredApprovals, requirements } };
  }

  /**
   * Who must approve under today's rules and groups, for a request made earlier: a list of requirements, each
   * met by enough distinct people. An access request has one; admin work has one per distinct set of approvers
   * among the things it would grant (src/domain/rule-parts.ts). The subject's own Slack accounts never count.
   */
  private async approversNow(request: RequestRecord): Promise<Outcome<ApproversNow>> {
    const { config } = this.deps;
    const subjects = subjectsOf(request);
    const kind = request.kind;
    const details = request.details as Partial<AdminRequestDetails>;
    const excluded = [...new Set(subjects.flatMap((s) => slackIdsOf(config.people, s.email, s.slackUserId)))];
    // The tickets it was asked with count again, so that a rule requiring one does not refuse it at the click.
    const reason = {
      ...(request.reason !== null ? { reason: request.reason } : {}),
      ...ticketSubject(request),
    };
    const groups = await approverGroupsNow(config, this.deps.people);
    const changed = (message: string): Refusal =>
      refuse(
        'not_approver',
        `The rules changed since ${request.id} was asked for, and nobody may approve it now: ${message}`,
      );
    const joins = groupAccessOf(request);
    if (joins !== undefined) {
      // A group membership (or its extension): judged again part by part, by what the group carried when asked.
      const decision = decideParts(
        joins.parts,
        { kind, requesterSlackId: request.requesterSlackId, durationMs: undefined, ...reason },
        config,
        groups,
      );
      if (!decision.ok) return changed(decision.message);
      const requirements = decision.autoApprove
        ? [{ approvers: decision.approvers, approvals: 1, what: '' }]
        : decision.requirements;
      return { ok: true, value: this.flatten(requirements) };
    }
    const work: AdminWork | undefined =
      details.ruleParts !== undefined
        ? { grants: details.ruleParts }
        : details.affects !== undefined
          ? { affects: details.affects }
          : details.touches !== undefined
            ? { touches: details.touches }
            : undefined;
    if (subjects.length > 0 && work !== undefined) {
      const decision = decideAdminWork(
        work,
        { kind, requesterSlackId: request.requesterSlackId, excludedApprovers: excluded, ...reason },
        config,
        groups,
      );
      if (!decision.ok) return changed(decision.message);
      const requirements = decision.autoApprove
        ? [{ approvers: decision.approvers, approvals: 1, what: '' }]
        : decision.requirements;
      return { ok: true, value: this.flatten(requirements) };
    }
    const aliases = request.accounts.map((a) => a.alias);
    const adminGroups =
      kind === 'onboard'
        ? [...(config.roles[details.role ?? '']?.groups ?? [])]
        : kind === 'role_change'
          ? [...(details.roleChange?.add.groups ?? [])]
          : undefined;
    const decision = decide(
      {
        kind,
        requesterSlackId: request.requesterSlackId,
        excludedApprovers: excluded,
        ...(kind === 'access' || kind === 'extend' ? { permissionSet: request.permissionSet } : {}),
        accounts: aliases,
        ...(adminGroups !== undefined ? { groups: adminGroups } : {}),
        // Durations were judged when it was asked for; at the click only who may approve is decided again.
        durationMs: undefined,
        ...reason,
      },
      config,
      groups,
    );
    if (!decision.ok) return changed(decision.message);
    const approvals = Math.max(1, decision.requiredApprovals, request.requiredApprovals);
    return { ok: true, value: this.flatten([{ approvers: decision.approvers, approvals, what: '' }]) };
  }

  private flatten(requirements: Requirement[]): ApproversNow {
    return {
      requirements,
      approvers: [...new Set(requirements.flatMap((r) => r.approvers))].sort(),
      requiredApprovals: Math.max(1, ...requirements.map((r) => r.approvals)),
    };
  }

  /** The Identity Center user of each approval's Slack account (undefined where it cannot be told). */
  private async approverUsers(
    approvals: readonly { approverSlackId: string; decision: string }[],
    known: ReadonlyMap<string, string | undefined> = new Map(),
  ): Promise<Map<string, string | undefined>> {
    const out = new Map<string, string | undefined>();
    for (const a of approvals) {
      if (a.decision !== 'approve' || out.has(a.approverSlackId)) continue;
      out.set(
        a.approverSlackId,
        known.has(a.approverSlackId) ? known.get(a.approverSlackId) : await this.userIdOf(a.approverSlackId),
      );
    }
    return out;
  }

  private async userIdOf(slackId: string): Promise<string | undefined> {
    if (slackId === 'system') return undefined;
    // Who they are, for telling people apart: a disabled user is still the same person.
    const identity = await this.deps.identities.resolve(slackId, { allowDisabled: true });
    return identity.ok ? identity.value.user.id : undefined;
  }

  private whoMayApprove(request: RequestRecord): string {
    const n = request.requiredApprovals;
    return `${n} approval${n === 1 ? '' : 's'} from ${request.approvers.map(mention).join(' ')}`;
  }

  private async alreadyDecided(tx: LedgerTx, request: RequestRecord | undefined): Promise<Refusal> {
    if (request === undefined) return refuse('not_found', 'That request no longer exists.');
    const approvals = await tx.listApprovals(request.id);
    const by = (decision: 'approve' | 'deny') =>
      approvals
        .filter((a) => a.decision === decision)
        .map((a) => (a.approverSlackId === 'system' ? 'the rules' : mention(a.approverSlackId)));
    const what: Record<string, string> = {
      denied: `denied by ${by('deny').join(', ')}`,
      cancelled: 'cancelled by the requester',
      lapsed: 'lapsed without a decision',
    };
    const state =
      what[request.status] ??
      `already approved${by('approve').length > 0 ? ` by ${by('approve').join(', ')}` : ''}`;
    return refuse('already_decided', `${request.id} was ${state}; nothing changed.`);
  }

  private resolveTarget(
    permissionSetInput: string,
    accountInputs: string[],
  ): Outcome<{ permissionSet: string; accounts: AccountRef[] }> {
    const { config } = this.deps;
    const names = Object.keys(config.permissionSets);
    const ps = resolveName(permissionSetInput, names);
    if (!ps.ok) {
      return refuse(
        'unknown_permission_set',
        `There is no permission set called "${escapeMrkdwn(permissionSetInput)}"${suggest(ps.suggestions)}. Known: ${names.join(', ')}.`,
      );
    }
    const aliases = Object.keys(config.accounts);
    const accounts: AccountRef[] = [];
    for (const raw of accountInputs) {
      const input = raw.trim();
      const byId = Object.entries(config.accounts).find(([, id]) => id === input);
      const resolved =
        byId !== undefined ? { ok: true as const, name: byId[0] } : resolveName(input, aliases);
      if (!resolved.ok) {
        return refuse(
          'unknown_account',
          `There is no account called "${escapeMrkdwn(input)}"${suggest(resolved.suggestions)}. Known: ${aliases.join(', ')}.`,
        );
      }
      if (!accounts.some((a) => a.alias === resolved.name)) {
        accounts.push({ alias: resolved.name, id: config.accounts[resolved.name]! });
      }
    }
    if (accounts.length === 0)
      return refuse('unknown_account', `Name at least one account: ${aliases.join(', ')}.`);
    return { ok: true, value: { permissionSet: ps.name, accounts } };
  }

  private async decide(
    subject: Parameters<typeof decide>[0],
    options: { startsLater?: boolean; requester?: () => Promise<Outcome<Identity>> } = {},
  ): Promise<Outcome<Extract<Decision, { ok: true }> & { onCall?: OnCallRecord }>> {
    const groups = await this.approverGroups();
    let decision = decide(subject, this.deps.config, groups);
    const requester = options.requester ?? this.identityOnce(subject.requesterSlackId);
    const same = decision.ok ? await this.requesterAccounts(subject, decision.approvers, requester) : [];
    if (same.length > 0) {
      subject = {
        ...subject,
        excludedApprovers: [...new Set([...(subject.excludedApprovers ?? []), ...same])],
      };
      decision = decide(subject, this.deps.config, groups);
    }
    if (decision.ok) {
      // On-call auto-approval (src/access/on-call.ts): asked only once the rules allow the rest, and only when its
      // answer could approve it at once; a schedule that cannot be read leaves it to the approvers.
      const schedules = onCallSchedulesFor(subject, this.deps.config.rules);
      if (schedules.length === 0 || decision.autoApprove) return { ok: true, value: decision };
      if (options.startsLater === true) {
        // Being on call now says nothing about who is on call at a later start: the approvers decide.
        const why =
          'it starts later, and being on call now says nothing about then; ask without `at` once your shift has begun to be approved on call';
        return {
          ok: true,
          value: {
            ...decision,
            onCall: { schedules, onCall: [], unavailable: schedules.map((schedule) => ({ schedule, why })) },
          },
        };
      }
      const checked = await this.deps.onCall?.check(subject.requesterSlackId, schedules);
      const onCall = checked?.record ?? {
        schedules,
        onCall: [],
        unavailable: schedules.map((schedule) => ({ schedule, why: 'on-call is not set up here' })),
      };
      const again = decide(subject, this.deps.config, groups, checked?.onCallIn ?? new Set());
      if (again.ok) return { ok: true, value: { ...again, onCall } };
      return { ok: true, value: { ...decision, onCall } };
    }
    const code: RefusalCode = decision.code === 'permanent_not_allowed' ? 'duration_too_long' : decision.code;
    // Config admins read the rules' keys (`rules[2]`); everyone else the rules in words.
    const forAdmin = this.isAdmin(subject.requesterSlackId) ? decision.adminMessage : undefined;
    return refuse(code, forAdmin ?? decision.message);
  }

  /**
   * The requester's other Slack accounts among `approvers` (by `people:` or by their Slack profile's email): never
   * named, mentioned or reminded, and a request only they could approve is refused at once. The click refuses
   * them anyway, by the Identity Center user they resolve to.
   */
  private async requesterAccounts(
    subject: Parameters<typeof decide>[0],
    approvers: readonly string[],
    requester: () => Promise<Outcome<Identity>>,
  ): Promise<string[]> {
    if (approvers.length === 0) return [];
    const identity = await requester();
    if (!identity.ok) return [];
    const same = await requesterAccountsAmong(
      { requesterSlackId: subject.requesterSlackId, requesterEmail: identity.value.email },
      approvers,
      this.deps.config,
      this.deps.people,
    );
    return approvers.filter((id) => same.has(id));
  }

  /**
   * The requester's Identity Center user, looked up once for the whole of one request (the rules' exclusions and
   * the request record both need it; each look-up is an AWS call) and only when first needed.
   */
  private identityOnce(slackId: string): () => Promise<Outcome<Identity>> {
    let looked: Promise<Outcome<Identity>> | undefined;
    return () => (looked ??= this.deps.identities.resolve(slackId));
  }

  private approverGroups(): Promise<Record<string, string[]>> {
    return approverGroupsNow(this.deps.config, this.deps.people);
  }

  private async permissionSetArn(name: string): Promise<Outcome<string>> {
    const configured = this.deps.config.permissionSets[name]?.arn;
    if (configured !== undefined) return { ok: true, value: configured };
    const found = await this.deps.catalog.permissionSetByName(name);
    if (found.ok) return { ok: true, value: found.value.arn };
    if (found.error.code === 'not_found') {
      return refuse(
        'unknown_permission_set',
        `${name} is in the access-desk config but not in Identity Center. Ask an admin to fix the config.`,
      );
    }
    return refuse('aws_unavailable', `I could not read the permission sets from AWS: ${found.error.message}`);
  }

  /** Refuses access the person holds already: from an access-desk grant, or an assignment in AWS. */
  private async alreadyHeld(
    identity: Identity,
    permissionSetArn: string,
    permissionSet: string,
    accounts: AccountRef[],
  ): Promise<Outcome<void>> {
    const grants = await this.deps.ledger.findGrants({
      principalId: identity.user.id,
      permissionSetArn,
      statuses: ['pending', 'provisioning', 'active'],
    });
    const fromGrants = accounts.filter((a) => grants.some((g) => g.accountId === a.id));
    if (fromGrants.length > 0) {
      const grant = grants.find((g) => g.accountId === fromGrants[0]!.id)!;
      const until = grant.endsAt === null ? 'permanently' : `until ${dateMrkdwn(grant.endsAt)}`;
      return refuse(
        'already_held',
        `You already hold ${permissionSet} on ${fromGrants.map((a) => a.alias).join(', ')} (${until}, request ${grant.requestId}). To keep it longer: \`/access extend ${permissionSet} ${fromGrants[0]!.alias} 2h\`.`,
      );
    }
    const direct = await this.deps.assignments.listForPrincipal(
      { type: 'USER', id: identity.user.id },
      { accountIds: accounts.map((a) => a.id) },
    );
    if (!direct.ok) {
      return refuse(
        'aws_unavailable',
        `I could not read your current access from AWS: ${direct.error.message}`,
      );
    }
    const held = accounts.filter((a) =>
      direct.value.some((x) => x.accountId === a.id && x.permissionSetArn === permissionSetArn),
    );
    if (held.length > 0) {
      return refuse(
        'already_held',
        `You already have ${permissionSet} on ${held.map((a) => a.alias).join(', ')} in AWS (assigned outside access-desk). Ask for the accounts you lack.`,
      );
    }
    return this.heldThroughGroups(identity, permissionSetArn, permissionSet, accounts);
  }

  /** Access that comes through a group the person is in is held already: a direct grant would only double it. */
  private async heldThroughGroups(
    identity: Identity,
    permissionSetArn: string,
    permissionSet: string,
    accounts: AccountRef[],
  ): Promise<Outcome<void>> {
    const { directory, assignments } = this.deps;
    const memberships = await directory.listMembershipsOfUser(identity.user.id);
    if (!memberships.ok) {
      return refuse('aws_unavailable', `I could not read your groups from AWS: ${memberships.error.message}`);
    }
    const through = new Map<string, string[]>();
    for (const m of memberships.value) {
      const carried = await assignments.listForGroup(m.groupId, { accountIds: accounts.map((a) => a.id) });
      if (!carried.ok) {
        return refuse(
          'aws_unavailable',
          `I could not read what your groups carry from AWS: ${carried.error.message}`,
        );
      }
      for (const a of accounts) {
        if (carried.value.some((x) => x.accountId === a.id && x.permissionSetArn === permissionSetArn)) {
          through.set(a.alias, [...(through.get(a.alias) ?? []), m.groupId]);
        }
      }
    }
    if (through.size === 0) return { ok: true, value: undefined };
    const groups = await directory.listGroups();
    const nameOf = (id: string): string =>
      (groups.ok ? groups.value.find((g) => g.id === id)?.name : undefined) ?? id;
    const where = [...through.entries()]
      .map(
        ([alias, ids]) => `${alias} (through ${ids.map((id) => `*${escapeMrkdwn(nameOf(id))}*`).join(', ')})`,
      )
      .join(', ');
    return refuse(
      'already_held',
      `You already have ${permissionSet} on ${where}: your group gives it to you, so there is nothing to grant. Ask for the accounts you lack.`,
    );
  }

  private async openRequestFor(tx: LedgerTx, request: RequestRecord): Promise<Refusal | undefined> {
    // The person's open requests from any of their Slack accounts (the same Identity Center user): two of them
    // approved would make two grants of one thing, the second finding the first's assignment and keeping it.
    const open = (await tx.findRequests({ statuses: [...OPEN_STATUSES], kinds: [request.kind] })).filter(
      (r) =>
        r.requesterSlackId === request.requesterSlackId ||
        (request.requesterUserId !== '' && r.requesterUserId === request.requesterUserId),
    );
    const from = (r: RequestRecord): string =>
      r.requesterSlackId === request.requesterSlackId
        ? ''
        : ` from your other Slack account <@${r.requesterSlackId}>`;
    const there = (r: RequestRecord): string =>
      r.requesterSlackId === request.requesterSlackId ? '' : ' in that account';
    const joins = groupAccessOf(request);
    if (joins !== undefined) {
      const same = open.find((r) => sameGroupAccess(r, request));
      if (same === undefined) return undefined;
      return refuse(
        'already_requested',
        `You already asked for group ${escapeMrkdwn(joins.groupName)}${from(same)} (${same.id}, ${same.status}). Cancel it from \`/access pending\`${there(same)} to ask again.`,
      );
    }
    const clash = open.find(
      (r) =>
        r.permissionSet === request.permissionSet &&
        r.accounts.some((a) => request.accounts.some((b) => b.id === a.id)),
    );
    if (clash === undefined) return undefined;
    return refuse(
      'already_requested',
      `You already asked for ${clash.permissionSet} on ${clash.accounts.map((a) => a.alias).join(', ')}${from(clash)} (${clash.id}, ${clash.status}). Cancel it from \`/access pending\`${there(clash)} to ask again.`,
    );
  }

  private async activeGrantsOf(
    slackId: string,
    permissionSet: string | undefined,
    account: string | undefined,
  ): Promise<Outcome<GrantRecord[]>> {
    let grants = await this.deps.ledger.findGrants({ requesterSlackId: slackId, statuses: ['active'] });
    if (permissionSet !== undefined || account !== undefined) {
      const target = this.resolveTarget(
        permissionSet ?? grants[0]?.permissionSet ?? '',
        account !== undefined ? [account] : grants.map((g) => g.accountAlias),
      );
      if (!target.ok) return target;
      grants = grants.filter(
        (g) =>
          g.permissionSet === target.value.permissionSet &&
          target.value.accounts.some((a) => a.id === g.accountId),
      );
    }
    return { ok: true, value: grants };
  }

  private async viewOutcome(requestId: string): Promise<Outcome<RequestView>> {
    const view = await this.view(requestId);
    if (view === undefined) throw new Error(`request ${requestId} vanished after it was written`);
    return { ok: true, value: view };
  }
}

const suggest = (suggestions: string[]): string =>
  suggestions.length > 0 ? ` (${didYouMean(suggestions)})` : '';

function groupByRequest(grants: GrantRecord[]): GrantRecord[][] {
  const groups = new Map<string, GrantRecord[]>();
  for (const g of grants) groups.set(g.requestId, [...(groups.get(g.requestId) ?? []), g]);
  return [...groups.values()];
}

/**
 * The locks a new request's transaction holds while it looks for an open request on the same target and records
 * its own (src/store/ledger-tx.ts, lockKey: advisory on PostgreSQL): one per person (Identity Center user, so any
 * of their Slack accounts) and thing asked for, so that two requests that would clash never both pass, whichever
 * accounts and replicas they come through, and an ordinary request and a break-glass of the same access exclude
 * each other (src/access/break-glass.ts takes the same). Sorted, so that two requests over several accounts take
 * their common locks in the same order. A person not yet matched to a user is held by their Slack account.
 */
export function submitLocks(request: RequestRecord): string[] {
  const person =
    request.requesterUserId !== '' ? request.requesterUserId : `slack:${request.requesterSlackId}`;
  const group = groupAccessOf(request);
  const targets =
    group !== undefined
      ? [`group:${group.groupId}`]
      : request.accounts.length > 0
        ? request.accounts.map((a) => `${request.permissionSet}@${a.id}`)
        : [request.kind];
  return [...new Set(targets)].sort().map((target) => `submit:${person}:${target}`);
}

/** The group of an admin's group change (`details.group`, src/access/admin/groups.ts) and how to ask again. */
function adminGroupChangeOf(
  request: RequestRecord,
): { group: Parameters<typeof carriedSinceAsked>[1]; again: string } | undefined {
  if (request.kind !== 'group_change') return undefined;
  const raw = (request.details as { group?: unknown }).group;
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { id, name, action, carries } = raw as Record<string, unknown>;
  if (typeof id !== 'string' || typeof name !== 'string' || !Array.isArray(carries)) return undefined;
  const shown = carries.filter(
    (c): c is { permissionSet: string; accountAlias: string } =>
      typeof c === 'object' &&
      c !== null &&
      typeof (c as { permissionSet?: unknown }).permissionSet === 'string' &&
      typeof (c as { accountAlias?: unknown }).accountAlias === 'string',
  );
  return {
    group: { groupId: id, groupName: name, carries: shown, parts: [] },
    again: `/access group ${action === 'remove' ? 'remove' : 'add'} … ${escapeMrkdwn(name)}`,
  };
}

/** Makes an approved request's change in AWS: one provision job per request at a time, on any replica. */
export function provisionJob(requestId: string, runAt: Date) {
  return { kind: 'provision' as const, requestId, runAt, dedupeKey: `provision:${requestId}` };
}

export function cardJob(requestId: string, now: Date) {
  // One card job per request at a time, on any replica (two at once could post two cards, or an older drawing
  // after a newer one); a change made while it runs draws the card once more, so every change reaches it.
  return {
    kind: 'sync_card' as const,
    requestId,
    runAt: now,
    dedupeKey: `card:${requestId}`,
    rerunIfRunning: true,
  };
}

export function notifyJob(requestId: string, event: string, now: Date, grantId?: string) {
  return {
    kind: 'notify' as const,
    requestId,
    ...(grantId !== undefined ? { grantId } : {}),
    payload: { event },
    runAt: now,
    dedupeKey: `notify:${requestId}:${event}:${grantId ?? ''}`,
  };
}

export function endGrantJob(grant: GrantRecord, reason: 'expired' | 'revoked', now: Date) {
  return {
    kind: 'end_grant' as const,
    requestId: grant.requestId,
    grantId: grant.id,
    payload: { reason },
    runAt: now,
    dedupeKey: `end:${grant.id}`,
  };
}
