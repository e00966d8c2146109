/**
 * Recording a new admin request: the rules decide who approves (as for any request), and the request goes
 * into the ledger with its audit event, its card and the admin's message in one transaction; approved at
 * once when the rules say so.
 */
import type { AccessDeskConfig } from '../../config/types.js';
import { decideAdminWork, type AdminWork, type PartsDecision } from '../../domain/rule-parts.js';
import type { RuleSubject } from '../../domain/rules.js';
import type { RequestKind } from '../../domain/request.js';
import { escapeMrkdwn } from '../../domain/text.js';
import type { AdminRequestDetails } from '../admin-api.js';
import type { Outcome, RefusalCode } from '../api.js';
import { newRequestId } from '../ids.js';
import type { AccountRef, Ledger, LedgerTx, RequestRecord } from '../ledger.js';
import { approverGroupsNow } from '../approver-groups.js';
import { requestMadeByClick } from '../made-by-click.js';
import type { SlackPeople } from '../people.js';
import { cardJob, notifyJob, provisionJob } from '../service.js';
import { ok, refuse, toRecord } from './details.js';
import { batchHolding } from './bulk-steps.js';

export type Approval = Extract<PartsDecision, { ok: true }>;

/** Who admin work is judged as: its kind, the admin, the subject's Slack ids, the reason. */
export type AdminRuleSubject = Pick<
  RuleSubject,
  'kind' | 'requesterSlackId' | 'reason' | 'excludedApprovers'
>;

/**
 * The rules' decision for admin work, from what it would grant (`work`, see src/domain/rule-parts.ts): what a
 * role gives is permanent, so rules that limit durations apply to it as to a request for permanent access.
 * Work that grants nothing (offboarding, a role change that only removes) is judged by the accounts it touches,
 * with no duration.
 */
export async function decideAdmin(
  config: AccessDeskConfig,
  people: SlackPeople,
  subject: AdminRuleSubject,
  work: AdminWork,
): Promise<Outcome<Approval>> {
  const decision = decideAdminWork(work, subject, config, await approverGroupsNow(config, people));
  if (decision.ok) return ok(decision);
  const code: RefusalCode = decision.code === 'permanent_not_allowed' ? 'duration_too_long' : decision.code;
  // Config admins read the rules' keys (`rules[2]`); anyone else the rules in words.
  const forAdmin = config.admins.includes(subject.requesterSlackId) ? decision.adminMessage : undefined;
  return refuse(code, forAdmin ?? decision.message);
}

export interface NewAdminRequest {
  kind: Exclude<RequestKind, 'access' | 'extend'>;
  adminSlackId: string;
  /** The role, or ''. */
  permissionSet: string;
  accounts: AccountRef[];
  reason: string | null;
  details: Omit<AdminRequestDetails, 'matchedRules'>;
  /**
   * What makes an open request of the same kind the same work, refused while that one is under way: by default
   * the person it is about. `key` reads it from a request's details (one person's change of one group; a group's
   * name); `says` names the work in the refusal ("a change of kim@… in group ReadOnly").
   */
  sameWork?: { key: (details: Partial<AdminRequestDetails>) => string | undefined; says: string };
}

const OPEN = ['pending', 'approved', 'provisioning', 'failed'] as const;

export async function recordAdminRequest(
  ledger: Ledger,
  config: AccessDeskConfig,
  input: NewAdminRequest,
  approval: Approval,
  now: Date,
): Promise<Outcome<RequestRecord>> {
  const details: AdminRequestDetails = {
    ...input.details,
    matchedRules: approval.matchedRules,
    requirements: approval.requirements,
  };
  const request: RequestRecord = {
    id: newRequestId(),
    kind: input.kind,
    status: 'pending',
    requesterSlackId: input.adminSlackId,
    // The admin asks; the person it is about is in details.subject.
    requesterEmail: '',
    requesterUserId: '',
    permissionSet: input.permissionSet,
    permissionSetArn: '',
    accounts: input.accounts,
    durationMs: null,
    reason: input.reason,
    approvers: approval.approvers,
    requiredApprovals: approval.requiredApprovals,
    channel: approval.channel,
    extendsGrantIds: [],
    details: toRecord(details),
    createdAt: now,
    lapsesAt: new Date(now.getTime() + config.timing.pendingLifetimeMs),
    decidedAt: null,
    card: null,
    dm: null,
  };
  const email = details.subject.email.toLowerCase();
  const keyOf = input.sameWork?.key ?? ((d: Partial<AdminRequestDetails>) => d.subject?.email?.toLowerCase());
  const key = keyOf(details) ?? email;
  return ledger.transaction(async (tx) => {
    // One submission about this person at a time, across replicas (the checks below look, then insert).
    await tx.lockKey?.(`admin:${input.kind}:${key}`);
    // The same recorded submission run twice at once (its listener, and a worker that took its lease over).
    if (details.clickId !== undefined) {
      const made = await requestMadeByClick(tx, input.adminSlackId, input.kind, details.clickId);
      if (made !== undefined) return ok(made);
    }
    // Inside the transaction, so that two admins submitting the same work at once do not both pass.
    const open = await tx.findRequests({ statuses: [...OPEN], kinds: [input.kind] });
    const clash = open.find((r) => keyOf(r.details as Partial<AdminRequestDetails>) === key);
    if (clash !== undefined) {
      const what =
        input.sameWork?.says ??
        `${input.kind === 'role_change' ? 'a role change' : `an ${input.kind}ing`} of ${escapeMrkdwn(email)}`;
      return refuse(
        'already_requested',
        `There is already ${what} under way (${clash.id}, ${clash.status}). Finish or cancel it first.`,
      );
    }
    // A bulk onboarding under way may have this person among its people (it takes the same lock for each).
    const batch =
      input.kind === 'onboard'
        ? batchHolding(await tx.findRequests({ statuses: [...OPEN], kinds: ['bulk_onboard'] }), email)
        : undefined;
    if (batch !== undefined) {
      return refuse(
        'already_requested',
        `${escapeMrkdwn(email)} is already being onboarded in the bulk onboarding ${batch.id} (${batch.status}). Finish or cancel it first.`,
      );
    }
    await tx.insertRequest(request);
    await tx.appendAudit({
      at: now,
      actor: input.adminSlackId,
      action: 'request.submitted',
      requestId: request.id,
      details: {
        kind: input.kind,
        subject: details.subject.email,
        ...(input.permissionSet !== '' ? { role: input.permissionSet } : {}),
        steps: details.steps.map((s) => s.id),
        approvers: request.approvers,
        requiredApprovals: request.requiredApprovals,
      },
    });
    await startRecordedWork(tx, request.id, approval.autoApprove, now);
    return ok(request);
  });
}

/**
 * What follows recording admin work, in the same transaction: approved at once when the rules approve it
 * (and its provisioning started), else the admin told it waits; the card posted either way.
 */
export async function startRecordedWork(
  tx: LedgerTx,
  requestId: string,
  autoApprove: boolean,
  now: Date,
): Promise<void> {
  if (autoApprove) {
    await tx.transitionRequest(requestId, 'pending', 'approved', { decidedAt: now });
    await tx.appendAudit({ at: now, actor: 'system', action: 'request.auto_approved', requestId });
    await tx.enqueueJob(provisionJob(requestId, now));
    await tx.enqueueJob(notifyJob(requestId, 'approved', now));
  } else {
    await tx.enqueueJob(notifyJob(requestId, 'submitted', now));
  }
  await tx.enqueueJob(cardJob(requestId, now));
}
