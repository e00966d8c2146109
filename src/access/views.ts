import type { Requirement } from '../domain/rule-parts.js';
import type { Ledger, RequestRecord } from './ledger.js';
import type { RequestView } from './notifier.js';
import type { Catalog } from './ports.js';

/** What a card or a message shows about one request, read from the ledger now (never from a Slack message). */
export async function buildView(
  ledger: Ledger,
  catalog: Catalog,
  requestId: string,
): Promise<RequestView | undefined> {
  const request = await ledger.getRequest(requestId);
  if (request === undefined) return undefined;
  const [approvals, grants, ps] = await Promise.all([
    ledger.listApprovals(requestId),
    ledger.findGrants({ requestId }),
    catalog.permissionSetByArn(request.permissionSetArn),
  ]);
  const approvedBy = new Set(approvals.filter((a) => a.decision === 'approve').map((a) => a.approverSlackId));
  const requirements = requirementsOf(request);
  // With several requirements (admin work), each still needs its own: the figure is what is left of each.
  const missing =
    requirements.length > 1
      ? requirements.reduce(
          (sum, r) => sum + Math.max(0, r.approvals - r.approvers.filter((id) => approvedBy.has(id)).length),
          0,
        )
      : Math.max(0, request.requiredApprovals - approvedBy.size);
  return {
    request,
    approvals,
    grants,
    approvalsNeeded: request.status === 'pending' ? missing : 0,
    ...(ps.ok && ps.value.description !== undefined
      ? { permissionSetDescription: ps.value.description }
      : {}),
    ...(ps.ok ? { sessionHours: ps.value.sessionHours } : {}),
  };
}

/** The approvers' requirements an admin request was recorded with (empty for access requests). */
export function requirementsOf(request: RequestRecord): Requirement[] {
  const value = (request.details as { requirements?: unknown }).requirements;
  return Array.isArray(value) ? (value as Requirement[]) : [];
}
