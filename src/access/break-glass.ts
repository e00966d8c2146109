/**
 * Break-glass: access taken at once, without approval, by the people a rule allows (`breakGlass: { who,
 * maxDuration, perDay }`), and loudly. What it grants is judged by the rules engine exactly as a request for it
 * would be (src/domain/break-glass.ts): never for what no rule allows, never longer than the rules allow, never
 * more often a day than they allow (counted per Identity Center user, across Slack accounts and replicas).
 *
 * It is recorded as an ordinary access request (kind `access`, so a rule about access requests covers it) that
 * goes straight to provisioning through the same durable jobs as an auto-approved one, and it ends like any
 * grant. What makes it loud runs from jobs, never inline: its card (drawn red, with "Mark reviewed" and "End
 * access now") in the approvals channel by the card job, the card's copy in channels.security from that same
 * job, a direct message to every approver of the target, and a line in the audit channel. Until an approver
 * reviews it (or ends it), the requester is reminded every 4 hours (BREAK_GLASS_REMIND_EVERY_MS), even once the
 * access has ended, and the audit lists it.
 */
import type { Logger } from '../log.js';
import type { AccessDeskConfig } from '../config/types.js';
import {
  BREAK_GLASS_REMIND_EVERY_MS,
  BREAK_GLASS_WINDOW_MS,
  decideBreakGlass,
} from '../domain/break-glass.js';
import { formatDuration } from '../domain/duration.js';
import { decide } from '../domain/rules.js';
import { dateMrkdwn, escapeMrkdwn, LIMITS } from '../domain/text.js';
import type { Outcome, RefusalCode } from './api.js';
import { slackIdsOf } from './admin/subject.js';
import { approverGroupsNow } from './approver-groups.js';
import { requesterAccountsAmong } from './follow-ups.js';
import {
  breakGlassOf,
  type BreakGlassApi,
  type BreakGlassDetails,
  type BreakGlassInput,
  type BreakGlassMessages,
  type BreakGlassReview,
} from './break-glass-api.js';
import type { BreakGlassRecord } from './break-glass-ledger.js';
import type { Clock } from './clock.js';
import type { IdentityResolver } from './identity.js';
import { pendingGrantsOf } from './group-access-details.js';
import { newRequestId } from './ids.js';
import type { JobRecord, Ledger, LedgerTx, NewJob, RequestRecord } from './ledger.js';
import { requestMadeByClick } from './made-by-click.js';
import type { RequestView } from './notifier.js';
import type { SlackPeople } from './people.js';
import type { Catalog } from './ports.js';
import { cardJob, provisionJob, endGrantJob, notifyJob, submitLocks, type AccessService } from './service.js';
import { buildView } from './views.js';

export interface BreakGlassDeps {
  config: AccessDeskConfig;
  ledger: Ledger;
  catalog: Catalog;
  identities: IdentityResolver;
  people: SlackPeople;
  clock: Clock;
  logger: Logger;
  /** The access service's checks for a new request (names, identity, access already held). */
  access: Pick<AccessService, 'checkNewAccess'>;
  /** The security channel's copy and the direct messages. Absent: only the card and the audit line. */
  messages?: BreakGlassMessages;
  wake?: () => void;
}

type Refusal = Extract<Outcome<never>, { ok: false }>;
const refuse = (code: RefusalCode, message: string): Refusal => ({ ok: false, code, message });
const mention = (slackId: string): string => `<@${slackId}>`;

export class BreakGlass implements BreakGlassApi {
  private readonly log: Logger;

  constructor(private readonly deps: BreakGlassDeps) {
    this.log = deps.logger.child({ module: 'break-glass' });
  }

  // ---------- /access breakglass ----------

  async submit(input: BreakGlassInput): Promise<Outcome<RequestView>> {
    const { ledger, clock, config } = this.deps;
    if (input.clickId !== undefined) {
      const made = await requestMadeByClick(ledger, input.requesterSlackId, 'access', input.clickId);
      if (made !== undefined) return this.viewOutcome(made.id);
    }
    const reason = input.reason.trim();
    if (reason === '') {
      return refuse(
        'reason_required',
        'Break-glass needs a reason: say what is on fire, with the incident or ticket, e.g. `/access breakglass ProductionSupport prod 1h INC-4711 payments down`.',
      );
    }
    if (reason.length > LIMITS.reason) {
      return refuse(
        'reason_too_long',
        `The reason is ${reason.length} characters long; keep it under ${LIMITS.reason} (link to the incident for the details).`,
      );
    }
    if (input.duration.kind === 'permanent') {
      return refuse(
        'duration_too_long',
        'Break-glass is never permanent: say how long you need it, e.g. `1h`. Permanent access comes with a role.',
      );
    }
    const durationMs = input.duration.ms;
    const checked = await this.deps.access.checkNewAccess(input.requesterSlackId, input.permissionSet, [
      input.account,
    ]);
    if (!checked.ok) return checked;
    const { permissionSet, accounts, identity, permissionSetArn } = checked.value;
    const groups = await approverGroupsNow(config, this.deps.people);
    const mine = await this.groupsOfPerson(identity.user.id, input.requesterSlackId, groups);
    const subject = {
      requesterSlackId: input.requesterSlackId,
      permissionSet,
      accounts: accounts.map((a) => a.alias),
      durationMs,
      reason,
      inGroup: (g: string) => mine.has(g),
      samePerson: slackIdsOf(config.people, identity.email, input.requesterSlackId),
    };
    let decision = decideBreakGlass(subject, config, groups);
    if (decision.ok) {
      // Their other Slack accounts among the approvers by their profile email too: never told, never reviewers.
      const same = await requesterAccountsAmong(
        { requesterSlackId: input.requesterSlackId, requesterEmail: identity.email },
        decision.approvers,
        config,
        this.deps.people,
      );
      const more = decision.approvers.filter((id) => same.has(id));
      if (more.length > 0) {
        decision = decideBreakGlass(
          { ...subject, samePerson: [...new Set([...subject.samePerson, ...more])] },
          config,
          groups,
        );
      }
    }
    if (!decision.ok) {
      const code: RefusalCode =
        decision.code === 'not_break_glass' || decision.code === 'not_allowed'
          ? 'break_glass_not_allowed'
          : decision.code;
      // Config admins read the rules' keys (`rules[2]`); everyone else the rules in words.
      const admin = config.admins.includes(input.requesterSlackId);
      return refuse(code, admin ? decision.adminMessage : decision.message);
    }

    const now = clock.now();
    const details: BreakGlassDetails = {
      allowedBy: decision.allowedBy,
      because: decision.allowedByWords,
      perDay: decision.perDay,
      told: decision.told,
    };
    const request: RequestRecord = {
      id: newRequestId(),
      kind: 'access',
      status: 'pending',
      requesterSlackId: input.requesterSlackId,
      requesterEmail: identity.email,
      requesterUserId: identity.user.id,
      permissionSet,
      permissionSetArn,
      accounts,
      durationMs,
      reason,
      approvers: decision.approvers,
      requiredApprovals: 0,
      channel: decision.channel,
      extendsGrantIds: [],
      details: {
        matchedRules: decision.matchedRules,
        breakGlass: details,
        ...(input.clickId !== undefined ? { clickId: input.clickId } : {}),
      },
      createdAt: now,
      lapsesAt: now,
      decidedAt: null,
      card: null,
      dm: null,
    };
    const refused = await ledger.transaction((tx) => this.record(tx, request, details, now));
    if (refused !== undefined && 'sameClick' in refused) return this.viewOutcome(refused.sameClick);
    if (refused !== undefined) return refused;
    this.log.warn(
      {
        requestId: request.id,
        permissionSet,
        accounts: accounts.map((a) => a.alias),
        by: request.requesterSlackId,
      },
      'break-glass: access taken at once',
    );
    this.deps.wake?.();
    return this.viewOutcome(request.id);
  }

  /**
   * In one transaction, holding the person (on PostgreSQL, across replicas and Slack accounts): the per-day limit
   * counted, access held looked for once more, then the request recorded approved with its grants, the jobs that
   * make them and announce it, and the break_glass row.
   */
  private async record(
    tx: LedgerTx,
    request: RequestRecord,
    details: BreakGlassDetails,
    now: Date,
  ): Promise<Refusal | { sameClick: string } | undefined> {
    await tx.lockKey?.(`break-glass:${request.requesterUserId}`);
    // And the locks an ordinary request of this person (by any Slack account) takes for the same access: the two
    // never both take the same target. Always after the break-glass lock, which ordinary requests never take.
    for (const key of submitLocks(request)) await tx.lockKey?.(key);
    const clickId = request.details.clickId;
    if (typeof clickId === 'string') {
      const same = await requestMadeByClick(tx, request.requesterSlackId, 'access', clickId);
      if (same !== undefined) return { sameClick: same.id };
    }
    const used = await tx.findBreakGlass({
      userId: request.requesterUserId,
      since: new Date(now.getTime() - BREAK_GLASS_WINDOW_MS),
    });
    if (used.length >= details.perDay) return this.overLimit(used, details.perDay, request);
    const held = await tx.findGrants({
      principalId: request.requesterUserId,
      permissionSetArn: request.permissionSetArn,
      statuses: ['pending', 'provisioning', 'active'],
    });
    const clash = held.find((g) => request.accounts.some((a) => a.id === g.accountId));
    if (clash !== undefined) {
      return refuse(
        'already_held',
        `You already hold ${escapeMrkdwn(clash.permissionSet)} on ${escapeMrkdwn(clash.accountAlias)} (request ${clash.requestId}): there is nothing to break glass for.`,
      );
    }
    const replaced = await this.replaceOpenRequest(tx, request, now);
    if (replaced !== undefined) return replaced;
    await tx.insertRequest(request);
    await tx.appendAudit({
      at: now,
      actor: request.requesterSlackId,
      action: 'request.submitted',
      requestId: request.id,
      details: {
        permissionSet: request.permissionSet,
        accounts: request.accounts.map((a) => a.alias),
        duration: formatDuration(request.durationMs),
        breakGlass: true,
      },
    });
    if (!(await tx.transitionRequest(request.id, 'pending', 'approved', { decidedAt: now }))) {
      throw new Error(`break-glass request ${request.id} was not pending right after it was written`);
    }
    await tx.appendAudit({
      at: now,
      actor: request.requesterSlackId,
      action: 'request.break_glass',
      requestId: request.id,
      details: { allowedBy: details.allowedBy, told: details.told, reason: request.reason },
    });
    for (const grant of pendingGrantsOf(request)) await tx.insertGrant(grant);
    await tx.insertBreakGlass({
      requestId: request.id,
      userId: request.requesterUserId,
      requesterSlackId: request.requesterSlackId,
      createdAt: now,
      securityCard: null,
      reviewedBy: null,
      reviewedAt: null,
      outcome: null,
      remindedAt: null,
    });
    // The same durable path as an auto-approved request: provision, the card (red, drawn from the request; its
    // copy in the security channel follows it), the requester's message; then one message per approver.
    await tx.enqueueJob(provisionJob(request.id, now));
    await tx.enqueueJob(cardJob(request.id, now));
    await tx.enqueueJob(notifyJob(request.id, 'approved', now));
    for (const approver of details.told) await tx.enqueueJob(approverJob(request.id, approver, now));
    return undefined;
  }

  /**
   * An ordinary request of the person's for the same target: still pending, break-glass replaces it (cancelled,
   * its card redrawn, so that nobody approves a second grant of the same thing later); approved or on its way,
   * there is nothing to break glass for.
   */
  private async replaceOpenRequest(
    tx: LedgerTx,
    request: RequestRecord,
    now: Date,
  ): Promise<Refusal | undefined> {
    // The person's, from any of their Slack accounts (the same Identity Center user).
    const open = (
      await tx.findRequests({
        statuses: ['pending', 'approved', 'scheduled', 'provisioning'],
        kinds: ['access'],
      })
    ).filter(
      (r) =>
        r.requesterSlackId === request.requesterSlackId ||
        (r.requesterUserId !== '' && r.requesterUserId === request.requesterUserId),
    );
    const clashes = open.filter(
      (r) =>
        r.permissionSet === request.permissionSet &&
        r.accounts.some((a) => request.accounts.some((b) => b.id === a.id)),
    );
    const going = clashes.find((r) => r.status !== 'pending');
    if (going !== undefined) {
      return refuse(
        'already_requested',
        `${going.id} already gives you ${escapeMrkdwn(going.permissionSet)} on ${going.accounts.map((a) => escapeMrkdwn(a.alias)).join(', ')} (${going.status}): there is nothing to break glass for.${going.status === 'scheduled' ? ' Cancel it from `/access pending` first if you need it now.' : ''}`,
      );
    }
    for (const pending of clashes) {
      if (!(await tx.transitionRequest(pending.id, 'pending', 'cancelled', { decidedAt: now }))) continue;
      await tx.appendAudit({
        at: now,
        actor: request.requesterSlackId,
        action: 'request.cancelled',
        requestId: pending.id,
        details: { replacedBy: request.id, breakGlass: true },
      });
      await tx.enqueueJob(cardJob(pending.id, now));
    }
    return undefined;
  }

  private overLimit(used: readonly BreakGlassRecord[], perDay: number, request: RequestRecord): Refusal {
    const earliest = used[0]!;
    const again = new Date(earliest.createdAt.getTime() + BREAK_GLASS_WINDOW_MS);
    const times = perDay === 1 ? 'once' : `${perDay} times`;
    return refuse(
      'break_glass_limit',
      `You broke glass ${used.length === 1 ? 'once' : `${used.length} times`} in the last 24 hours (${used.map((u) => u.requestId).join(', ')}), and the rules allow it ${times} in 24 hours per person, whichever Slack account asks (counted over the last 24 hours, not the calendar day): the next is possible from ${dateMrkdwn(again)}. Until then, ask for it the usual way: \`/access request ${request.permissionSet} ${request.accounts.map((a) => a.alias).join(',')} ${formatDuration(request.durationMs)} …\`.`,
    );
  }

  /**
   * The approver groups the person is in, by any of their Slack accounts: each member of each group is resolved
   * to their Identity Center user (cached), so a second Slack account of someone in `who` counts, and a second
   * Slack account of someone outside it does not.
   */
  private async groupsOfPerson(
    userId: string,
    slackId: string,
    groups: Readonly<Record<string, readonly string[]>>,
  ): Promise<Set<string>> {
    const named = new Set(this.deps.config.rules.flatMap((r) => r.breakGlass?.who ?? []));
    const same = new Map<string, boolean>([[slackId, true]]);
    const isPerson = async (member: string): Promise<boolean> => {
      if (!same.has(member)) {
        const identity = await this.deps.identities.resolve(member, { allowDisabled: true });
        same.set(member, identity.ok && identity.value.user.id === userId);
      }
      return same.get(member)!;
    };
    const mine = new Set<string>();
    for (const group of named) {
      for (const member of groups[group] ?? []) {
        if (await isPerson(member)) {
          mine.add(group);
          break;
        }
      }
    }
    return mine;
  }

  // ---------- the card's buttons ----------

  async review(
    requestId: string,
    slackUserId: string,
    action: BreakGlassReview,
  ): Promise<Outcome<RequestView>> {
    const { ledger, clock } = this.deps;
    const request = await ledger.getRequest(requestId);
    const glass = request === undefined ? undefined : breakGlassOf(request);
    if (request === undefined || glass === undefined) {
      return refuse('not_found', `There is no break-glass use ${escapeMrkdwn(requestId)}.`);
    }
    const may = await this.checkReviewer(request, slackUserId);
    if (!may.ok) return may;
    const before = await ledger.getBreakGlass(requestId);
    if (before === undefined) return refuse('not_found', `There is no break-glass use ${requestId}.`);
    if (before.reviewedAt !== null) return this.alreadyReviewed(before);
    const now = clock.now();
    const result = await ledger.transaction(async (tx): Promise<Refusal | undefined> => {
      const current = (await (tx.lockRequest?.(requestId) ?? tx.getRequest(requestId)))!;
      const grants = await tx.findGrants({ requestId });
      if (action === 'end' && grants.some((g) => g.status === 'pending' || g.status === 'provisioning')) {
        return refuse(
          'not_holder',
          `${requestId} is still being granted in AWS; press *End access now* again in a moment.`,
        );
      }
      if (action === 'end' && !grants.some((g) => g.status === 'active')) {
        return refuse(
          'not_holder',
          `The access of ${requestId} has already ended, so there is nothing to end: press *Mark reviewed* once you have looked at what was done.`,
        );
      }
      const reviewed = await tx.updateBreakGlass(
        requestId,
        { reviewedBy: slackUserId, reviewedAt: now, outcome: action === 'end' ? 'ended' : 'reviewed' },
        true,
      );
      if (!reviewed) {
        const done = await tx.getBreakGlass(requestId);
        return done === undefined ? refuse('not_found', 'That use is gone.') : this.alreadyReviewed(done);
      }
      const details: BreakGlassDetails = {
        ...(breakGlassOf(current) ?? glass),
        reviewedBy: slackUserId,
        reviewedAt: now.toISOString(),
        outcome: action === 'end' ? 'ended' : 'reviewed',
      };
      await tx.updateRequest(requestId, { details: { ...current.details, breakGlass: details } });
      await tx.appendAudit({
        at: now,
        actor: slackUserId,
        action: action === 'end' ? 'break_glass.ended' : 'break_glass.reviewed',
        requestId,
      });
      if (action === 'end') {
        // The revoke path: each active grant set ending, its job removes the assignment and ends the sessions.
        for (const grant of grants) {
          if (!(await tx.transitionGrant(grant.id, 'active', 'ending'))) continue;
          await tx.appendAudit({
            at: now,
            actor: slackUserId,
            action: 'grant.revoked',
            requestId,
            grantId: grant.id,
          });
          await tx.enqueueJob(endGrantJob(grant, 'revoked', now));
        }
      }
      await tx.enqueueJob(cardJob(requestId, now));
      return undefined;
    });
    if (result !== undefined) return result;
    this.log.info({ requestId, by: slackUserId, action }, 'break-glass reviewed');
    this.deps.wake?.();
    return this.viewOutcome(requestId);
  }

  /**
   * Only an approver of the target under the rules as they are now reviews it: never the requester, by any of
   * their Slack accounts (resolved afresh to their Identity Center user).
   */
  private async checkReviewer(request: RequestRecord, slackId: string): Promise<Outcome<void>> {
    const { config } = this.deps;
    if (slackId === request.requesterSlackId) {
      return refuse(
        'own_request',
        `You broke glass for ${request.id}: an approver other than you reviews it (${request.approvers.map(mention).join(' ')}).`,
      );
    }
    // The requester's other Slack accounts that config.people names are no approvers of it, as for approvals.
    const samePerson = slackIdsOf(config.people, request.requesterEmail, request.requesterSlackId);
    if (samePerson.includes(slackId)) {
      return refuse(
        'own_request',
        `Your Slack account and ${mention(request.requesterSlackId)}'s are the same person: nobody reviews their own break-glass use.`,
      );
    }
    const decision = decide(
      {
        kind: 'access',
        requesterSlackId: request.requesterSlackId,
        permissionSet: request.permissionSet,
        accounts: request.accounts.map((a) => a.alias),
        durationMs: undefined,
        // What it was asked with, so that a rule requiring a reason (or a ticket in it) names its approvers.
        ...(request.reason !== null ? { reason: request.reason } : {}),
        excludedApprovers: samePerson,
      },
      config,
      await approverGroupsNow(config, this.deps.people),
    );
    if (!decision.ok) {
      return refuse(
        'not_approver',
        `Nobody may review ${request.id} under the rules as they are now: ${decision.message}`,
      );
    }
    if (!decision.approvers.includes(slackId)) {
      return refuse(
        'not_approver',
        `Only an approver of ${escapeMrkdwn(request.permissionSet)} on ${request.accounts.map((a) => escapeMrkdwn(a.alias)).join(', ')} reviews ${request.id}: ${decision.approvers.map(mention).join(' ')}.`,
      );
    }
    const me = await this.deps.identities.resolve(slackId, { fresh: true });
    if (!me.ok) {
      return refuse(
        me.code,
        `I cannot tell who you are in Identity Center, so you cannot review ${request.id}: ${me.message}`,
      );
    }
    if (me.value.user.id === request.requesterUserId) {
      return refuse(
        'own_request',
        `Your Slack account and ${mention(request.requesterSlackId)}'s are the same person in Identity Center: nobody reviews their own break-glass use.`,
      );
    }
    return { ok: true, value: undefined };
  }

  private alreadyReviewed(record: BreakGlassRecord): Refusal {
    const what = record.outcome === 'ended' ? 'ended' : 'reviewed';
    return refuse(
      'already_reviewed',
      `${record.requestId} was already ${what} by ${mention(record.reviewedBy ?? 'someone')}${record.reviewedAt !== null ? ` at ${dateMrkdwn(record.reviewedAt)}` : ''}; nothing changed.`,
    );
  }

  // ---------- jobs and the scheduler ----------

  /**
   * After the card job drew a break-glass request's card: its copy in the security channel, drawn from the same
   * view. It runs inside that job (one at a time per request, across replicas), so the copy is posted once.
   */
  async cardSynced(view: RequestView): Promise<void> {
    const channel = this.deps.config.channels.security;
    const messages = this.deps.messages;
    if (channel === undefined || messages === undefined || breakGlassOf(view.request) === undefined) return;
    const record = await this.deps.ledger.getBreakGlass(view.request.id);
    if (record === undefined) return;
    const card = await messages.syncSecurityCard(channel, record.securityCard, view);
    if (record.securityCard?.ts !== card.ts || record.securityCard.channel !== card.channel) {
      await this.deps.ledger.updateBreakGlass(view.request.id, { securityCard: card });
    }
  }

  /** Runs a `break_glass` job: one approver's message, or a reminder to the requester. */
  async run(job: JobRecord): Promise<void> {
    const messages = this.deps.messages;
    if (job.requestId === null || messages === undefined) return;
    const view = await buildView(
      this.deps.ledger,
      this.deps.catalog,
      job.requestId,
      this.deps.config.sessions,
    );
    if (view === undefined) return;
    if (job.payload.step === 'approver' && typeof job.payload.approver === 'string') {
      await messages.tellApprover(job.payload.approver, view);
      return;
    }
    if (job.payload.step === 'remind') {
      // Reviewed since it was due: no reminder.
      const record = await this.deps.ledger.getBreakGlass(job.requestId);
      if (record?.reviewedAt === null) await messages.remindRequester(view);
    }
  }

  /**
   * The scheduler's part: every break-glass use nobody has reviewed is reminded every BREAK_GLASS_REMIND_EVERY_MS
   * (the access may have ended: the review is about what was done with it). Holding the request, so that a
   * replica reminding at the same moment waits and then finds it reminded.
   */
  async remindDue(now: Date): Promise<number> {
    const { ledger } = this.deps;
    const open = await ledger.findBreakGlass({ unreviewed: true });
    const due = open.filter((r) => isDue(r, now));
    let n = 0;
    for (const record of due) {
      await ledger.transaction(async (tx) => {
        const request = await (tx.lockRequest?.(record.requestId) ?? tx.getRequest(record.requestId));
        if (request === undefined) return;
        const current = await tx.getBreakGlass(record.requestId);
        if (current === undefined || current.reviewedAt !== null || !isDue(current, now)) return;
        await tx.updateBreakGlass(record.requestId, { remindedAt: now });
        await tx.appendAudit({
          at: now,
          actor: 'system',
          action: 'break_glass.reminded',
          requestId: record.requestId,
        });
        await tx.enqueueJob({
          kind: 'break_glass',
          requestId: record.requestId,
          payload: { step: 'remind' },
          runAt: now,
          dedupeKey: `break-glass:remind:${record.requestId}:${now.toISOString()}`,
        });
        n += 1;
      });
    }
    if (n > 0) this.deps.wake?.();
    return n;
  }

  private async viewOutcome(requestId: string): Promise<Outcome<RequestView>> {
    const view = await buildView(this.deps.ledger, this.deps.catalog, requestId, this.deps.config.sessions);
    if (view === undefined) throw new Error(`request ${requestId} vanished after it was written`);
    return { ok: true, value: view };
  }
}

const isDue = (r: BreakGlassRecord, now: Date): boolean =>
  (r.remindedAt ?? r.createdAt).getTime() + BREAK_GLASS_REMIND_EVERY_MS <= now.getTime();

function approverJob(requestId: string, approver: string, now: Date): NewJob {
  return {
    kind: 'break_glass',
    requestId,
    payload: { step: 'approver', approver },
    runAt: now,
    dedupeKey: `break-glass:approver:${requestId}:${approver}`,
  };
}
