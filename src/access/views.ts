import type { Ledger } from './ledger.js';
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
  const approved = new Set(approvals.filter((a) => a.decision === 'approve').map((a) => a.approverSlackId))
    .size;
  return {
    request,
    approvals,
    grants,
    approvalsNeeded: request.status === 'pending' ? Math.max(0, request.requiredApprovals - approved) : 0,
    ...(ps.ok && ps.value.description !== undefined
      ? { permissionSetDescription: ps.value.description }
      : {}),
    ...(ps.ok ? { sessionHours: ps.value.sessionHours } : {}),
  };
}
