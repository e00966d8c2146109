/**
 * Direct assignments that access-desk itself made for good: the `assign` steps of onboardings and role
 * changes that were carried out, less those a later role change or offboarding took away again. The audit
 * counts these as access-desk's, not as drift.
 */
import type { AdminRequestDetails } from '../admin-api.js';
import type { RequestRecord } from '../ledger.js';
import { rowOfStep } from '../admin/bulk-steps.js';

export interface AdminAssignment {
  userId: string;
  accountId: string;
  permissionSetArn: string;
  /** The onboarding or role change that made it. */
  requestId: string;
}

export const ADMIN_KINDS = ['onboard', 'role_change', 'offboard', 'bulk_onboard'] as const;

/** From the admin requests in the ledger (any order): what their done steps leave assigned. */
export function assignmentsByAdminWork(requests: readonly RequestRecord[]): AdminAssignment[] {
  const held = new Map<string, AdminAssignment>();
  const inOrder = [...requests].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  for (const request of inOrder) {
    if (!(ADMIN_KINDS as readonly string[]).includes(request.kind)) continue;
    const details = request.details as Partial<AdminRequestDetails>;
    if (!Array.isArray(details.steps)) continue;
    for (const step of details.steps) {
      // A bulk onboarding's steps are each person's, by the row their id starts with.
      const userId = userOfStep(details, step.id);
      if (userId === undefined) continue;
      if (step.status !== 'done' || step.accountId === undefined || step.permissionSetArn === undefined)
        continue;
      const key = `${userId}|${step.accountId}|${step.permissionSetArn}`;
      if (step.kind === 'assign') {
        held.set(key, {
          userId,
          accountId: step.accountId,
          permissionSetArn: step.permissionSetArn,
          requestId: request.id,
        });
      } else if (step.kind === 'unassign') {
        held.delete(key);
      }
    }
  }
  return [...held.values()];
}

/** Whose a step is: the subject's, or for a bulk onboarding the person of the row the step belongs to. */
function userOfStep(details: Partial<AdminRequestDetails>, stepId: string): string | undefined {
  const row = details.batch === undefined ? undefined : rowOfStep(stepId);
  if (row === undefined) return details.subject?.userId;
  return details.batch?.find((p) => p.row === row)?.userId;
}
