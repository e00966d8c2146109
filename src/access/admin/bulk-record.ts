/**
 * Recording a bulk onboarding: one request for the whole batch, with its audit event, its card and the admin's
 * message, in one transaction; approved at once only when the rules say so. Nobody may be onboarded twice at
 * the same time: the transaction takes the lock a single onboarding of each person takes, then looks for an
 * onboarding of any of them under way (alone, or in another batch), so that two admins cannot both pass.
 */
import type { AccessDeskConfig } from '../../config/types.js';
import type { RulePart } from '../../domain/rule-parts.js';
import { escapeMrkdwn } from '../../domain/text.js';
import type { AdminRequestDetails, AdminStep, BatchPerson } from '../admin-api.js';
import type { Outcome } from '../api.js';
import { newRequestId } from '../ids.js';
import type { AccountRef, Ledger, LedgerTx, RequestRecord } from '../ledger.js';
import { requestMadeByClick } from '../made-by-click.js';
import { batchHolding } from './bulk-steps.js';
import { ok, refuse, toRecord } from './details.js';
import { startRecordedWork, type Approval } from './record.js';

export interface NewBatch {
  adminSlackId: string;
  reason: string | null;
  accounts: AccountRef[];
  people: BatchPerson[];
  steps: AdminStep[];
  ruleParts: RulePart[];
  /** The file it was read from: the audit keeps which file was approved. */
  file: { name?: string; digest: string };
  clickId?: string;
}

const OPEN = ['pending', 'approved', 'provisioning', 'failed'] as const;

/** The key a single onboarding of this person locks (src/access/admin/record.ts): the batch takes it too. */
export const onboardingLock = (email: string): string => `admin:onboard:${email.toLowerCase()}`;

export async function recordBatch(
  ledger: Ledger,
  config: AccessDeskConfig,
  input: NewBatch,
  approval: Approval,
  now: Date,
): Promise<Outcome<RequestRecord>> {
  const n = input.people.length;
  const details: AdminRequestDetails = {
    matchedRules: approval.matchedRules,
    requirements: approval.requirements,
    // Nobody in particular: the people are in `batch`, each of them a subject (bulk-steps.ts, subjectsOf).
    subject: { email: '', displayName: `${n} ${n === 1 ? 'person' : 'people'}` },
    ruleParts: input.ruleParts,
    steps: input.steps,
    batch: input.people,
    ...(input.clickId !== undefined ? { clickId: input.clickId } : {}),
  };
  const request: RequestRecord = {
    id: newRequestId(),
    kind: 'bulk_onboard',
    status: 'pending',
    requesterSlackId: input.adminSlackId,
    requesterEmail: '',
    requesterUserId: '',
    permissionSet: '',
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
  const emails = [...new Set(input.people.map((p) => p.email.toLowerCase()))].sort();
  return ledger.transaction(async (tx) => {
    for (const email of emails) await tx.lockKey?.(onboardingLock(email));
    if (input.clickId !== undefined) {
      const made = await requestMadeByClick(tx, input.adminSlackId, 'bulk_onboard', input.clickId);
      if (made !== undefined) return ok(made);
    }
    const clash = await onboardingUnderWay(tx, input.people);
    if (clash !== undefined) return clash;
    await tx.insertRequest(request);
    await tx.appendAudit({
      at: now,
      actor: input.adminSlackId,
      action: 'request.submitted',
      requestId: request.id,
      details: {
        kind: 'bulk_onboard',
        people: n,
        emails,
        file: {
          ...(input.file.name !== undefined ? { name: input.file.name } : {}),
          sha256: input.file.digest,
        },
        steps: input.steps.length,
        approvers: request.approvers,
        requiredApprovals: request.requiredApprovals,
      },
    });
    await startRecordedWork(tx, request.id, approval.autoApprove, now);
    return ok(request);
  });
}

/** A refusal naming the first person of the batch already being onboarded, by their row. */
async function onboardingUnderWay(
  tx: LedgerTx,
  people: readonly BatchPerson[],
): Promise<Extract<Outcome<never>, { ok: false }> | undefined> {
  const open = await tx.findRequests({ statuses: [...OPEN], kinds: ['onboard', 'bulk_onboard'] });
  for (const person of people) {
    const email = person.email.toLowerCase();
    const single = open.find(
      (r) =>
        r.kind === 'onboard' &&
        (r.details as Partial<AdminRequestDetails>).subject?.email?.toLowerCase() === email,
    );
    const under = single ?? batchHolding(open, email);
    if (under !== undefined) {
      return refuse(
        'already_requested',
        `${escapeMrkdwn(email)} (row ${person.row}) is already being onboarded (${under.id}, ${under.status}). Finish or cancel that first, or leave the row out.`,
      );
    }
  }
  return undefined;
}
