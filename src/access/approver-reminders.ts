/**
 * Reminders and escalation of pending requests (a rule's `remind: { after, escalateAfter, escalateTo }`): the
 * scheduler's step that finds them due, and the job that posts them as a reply in the card's thread.
 *
 * Each happens once per request across replicas: the request is held (locked on PostgreSQL; SQLite runs one
 * transaction at a time), its details read again, and the moment written into them in the same transaction as
 * the audit event and the job that posts the reply (with a fixed key). A replica ticking at the same moment
 * waits, then finds it done. The reply's mentions are decided then and kept in the job: the approvers who have
 * not approved yet, never the requester, never a `notify: false` approver (their group is named instead).
 */
import type { AccessDeskConfig } from '../config/types.js';
import { quietApprovers } from '../domain/follow-ups.js';
import type { Logger } from '../log.js';
import type { Clock } from './clock.js';
import {
  escalationMembers,
  followUpsOf,
  groupsNow,
  requesterAccountsAmong,
  type ApproverNudge,
} from './follow-ups.js';
import type { JobRecord, Ledger, LedgerTx, RequestRecord } from './ledger.js';
import type { Notifier } from './notifier.js';
import type { SlackPeople } from './people.js';
import type { Catalog } from './ports.js';
import { cardJob } from './service.js';
import { buildView } from './views.js';

export interface ReminderDeps {
  config: AccessDeskConfig;
  ledger: Ledger;
  clock: Clock;
  logger: Logger;
  /** To look up the members of approver groups kept as Slack user groups; absent: the users the file lists. */
  people?: SlackPeople;
}

export const NUDGE_JOB = 'remind_approvers' as const;

/** Reminds and escalates every pending request that is due; returns how many replies it queued. */
export async function remindAndEscalate(deps: ReminderDeps): Promise<number> {
  const now = deps.clock.now();
  const pending = await deps.ledger.findRequests({ statuses: ['pending'] });
  let n = 0;
  for (const request of pending) {
    const f = followUpsOf(request);
    if (f.remind === undefined) continue;
    const since = now.getTime() - request.createdAt.getTime();
    if (f.remindedAt === undefined && since >= f.remind.afterMs && (await remind(deps, request, now))) n += 1;
    const escalateAfter = f.remind.escalateAfterMs;
    if (
      f.escalation === undefined &&
      escalateAfter !== undefined &&
      since >= escalateAfter &&
      (await escalate(deps, request, f.remind.escalateTo ?? [], now))
    ) {
      n += 1;
    }
  }
  return n;
}

/** The reminder: the approvers who have not approved are mentioned in the card's thread. */
async function remind(deps: ReminderDeps, request: RequestRecord, now: Date): Promise<boolean> {
  const groups = await groupsNow(deps.config, deps.people);
  const f0 = followUpsOf(request);
  // Looked up before the transaction holds the request: the requester's other Slack accounts among them.
  const requester = await requesterAccountsAmong(
    request,
    [...request.approvers, ...(f0.escalation?.approvers ?? [])],
    deps.config,
    deps.people,
  );
  return deps.ledger.transaction(async (tx) => {
    const current = await held(tx, request.id);
    if (current === undefined || followUpsOf(current).remindedAt !== undefined) return false;
    const f = followUpsOf(current);
    const waiting = (
      await notYetApproved(tx, current, [...current.approvers, ...(f.escalation?.approvers ?? [])])
    ).filter((id) => !requester.has(id));
    const nudge = nudgeFor('reminder', current, waiting, groups, deps.config, []);
    await tx.updateRequest(current.id, { details: { ...current.details, remindedAt: now.toISOString() } });
    await tx.appendAudit({
      at: now,
      actor: 'system',
      action: 'request.reminded',
      requestId: current.id,
      details: { mentioned: nudge.mention, quietGroups: nudge.quietGroups },
    });
    await tx.enqueueJob(nudgeJob(current.id, nudge, now));
    return true;
  });
}

/**
 * The escalation: the groups' members may approve from now on (recorded in the request, read at every click),
 * the card says so, and they are mentioned in its thread.
 */
async function escalate(
  deps: ReminderDeps,
  request: RequestRecord,
  to: readonly string[],
  now: Date,
): Promise<boolean> {
  const groups = await groupsNow(deps.config, deps.people);
  const members = await escalationMembers(request, to, deps.config, deps.people);
  return deps.ledger.transaction(async (tx) => {
    const current = await held(tx, request.id);
    if (current === undefined || followUpsOf(current).escalation !== undefined) return false;
    const waiting = await notYetApproved(tx, current, members);
    const nudge = nudgeFor('escalation', current, waiting, groups, deps.config, to);
    const escalation = { groups: [...to], at: now.toISOString(), approvers: members };
    await tx.updateRequest(current.id, { details: { ...current.details, escalation } });
    await tx.appendAudit({
      at: now,
      actor: 'system',
      action: 'request.escalated',
      requestId: current.id,
      details: { groups: [...to], approvers: members, mentioned: nudge.mention },
    });
    await tx.enqueueJob(nudgeJob(current.id, nudge, now));
    await tx.enqueueJob(cardJob(current.id, now));
    return true;
  });
}

/** The request, held until the transaction ends, if it still waits for a decision. */
async function held(tx: LedgerTx, id: string): Promise<RequestRecord | undefined> {
  const current = await (tx.lockRequest?.(id) ?? tx.getRequest(id));
  return current?.status === 'pending' ? current : undefined;
}

async function notYetApproved(
  tx: LedgerTx,
  request: RequestRecord,
  candidates: readonly string[],
): Promise<string[]> {
  const approved = new Set(
    (await tx.listApprovals(request.id))
      .filter((a) => a.decision === 'approve')
      .map((a) => a.approverSlackId),
  );
  return [...new Set(candidates)].filter((id) => id !== request.requesterSlackId && !approved.has(id)).sort();
}

function nudgeFor(
  step: ApproverNudge['step'],
  request: RequestRecord,
  waiting: readonly string[],
  groups: Readonly<Record<string, readonly string[]>>,
  config: Pick<AccessDeskConfig, 'approvers'>,
  to: readonly string[],
): ApproverNudge {
  // Quiet as decided when it was asked for, and as the groups are now (a group turned quiet since counts).
  const recorded = new Set(followUpsOf(request).quiet?.approvers ?? []);
  const quietNow = quietApprovers(waiting, groups, config);
  const quiet = new Set([...recorded, ...(quietNow?.approvers ?? [])]);
  const quietGroups = [
    ...new Set([...(followUpsOf(request).quiet?.groups ?? []), ...(quietNow?.groups ?? [])]),
  ]
    .filter((g) => (groups[g] ?? []).some((id) => waiting.includes(id)))
    .sort();
  return { step, mention: waiting.filter((id) => !quiet.has(id)), quietGroups, groups: [...to] };
}

function nudgeJob(requestId: string, nudge: ApproverNudge, now: Date) {
  return {
    kind: NUDGE_JOB,
    requestId,
    payload: { ...nudge },
    runAt: now,
    dedupeKey: `${nudge.step}:${requestId}`,
  };
}

export interface NudgeWorkDeps {
  config: Pick<AccessDeskConfig, 'sessions'>;
  ledger: Ledger;
  catalog: Catalog;
  notifier: Notifier;
}

/**
 * Runs a reminder's or an escalation's job: the reply goes into the card's thread. Nothing is posted once the
 * request is decided (the card says so already); a card not posted yet makes the job wait and run again.
 */
export async function postNudge(deps: NudgeWorkDeps, job: JobRecord): Promise<void> {
  if (job.requestId === null) return;
  const view = await buildView(deps.ledger, deps.catalog, job.requestId, deps.config.sessions);
  if (view === undefined || view.request.status !== 'pending') return;
  if (view.request.card === null) throw new Error(`the card of ${job.requestId} is not posted yet`);
  const p = job.payload;
  const list = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  const nudge: ApproverNudge = {
    step: p.step === 'escalation' ? 'escalation' : 'reminder',
    mention: list(p.mention),
    quietGroups: list(p.quietGroups),
    groups: list(p.groups),
  };
  await deps.notifier.nudgeApprovers?.(view, nudge);
}
