import type { Requirement } from '../domain/rule-parts.js';
import type { AccessDeskConfig } from '../config/types.js';
import type { ApprovalRecord, GrantRecord, Ledger, RequestRecord, SessionDenialRecord } from './ledger.js';
import type { RequestView } from './notifier.js';
import type { Catalog } from './ports.js';

/** What a card or a message shows about one request, read from the ledger now (never from a Slack message). */
export async function buildView(
  ledger: Ledger,
  catalog: Catalog,
  requestId: string,
  sessions?: AccessDeskConfig['sessions'],
): Promise<RequestView | undefined> {
  const request = await ledger.getRequest(requestId);
  if (request === undefined) return undefined;
  const [approvals, grants, ps, denials] = await Promise.all([
    ledger.listApprovals(requestId),
    grantsShownWith(ledger, request),
    catalog.permissionSetByArn(request.permissionSetArn),
    ledger.findSessionDenials({ requestIds: [requestId] }),
  ]);
  return viewOf(request, approvals, grants, ps, denials, sessions);
}

/**
 * The views of many requests already read (a Home tab's lists): their approvals and grants in one query each,
 * however many requests there are, and each permission set looked up once (the catalog caches it).
 */
export async function buildViews(
  ledger: Ledger,
  catalog: Catalog,
  requests: readonly RequestRecord[],
  sessions?: AccessDeskConfig['sessions'],
): Promise<RequestView[]> {
  if (requests.length === 0) return [];
  const ids = requests.map((r) => r.id);
  const [approvals, grants, sets, denials] = await Promise.all([
    ledger.listApprovalsOf?.(ids) ??
      Promise.all(ids.map((id) => ledger.listApprovals(id))).then((lists) => lists.flat()),
    ledger.findGrants({ requestIds: ids }),
    Promise.all(
      [...new Set(requests.map((r) => r.permissionSetArn))].map(
        async (arn) => [arn, await catalog.permissionSetByArn(arn)] as const,
      ),
    ),
    ledger.findSessionDenials({ requestIds: ids }),
  ]);
  const byArn = new Map(sets);
  const extended = await Promise.all(
    requests.map((r) => (r.kind === 'extend' ? grantsShownWith(ledger, r) : Promise.resolve([]))),
  );
  return requests.map((request, i) =>
    viewOf(
      request,
      approvals.filter((a) => a.requestId === request.id),
      request.kind === 'extend' ? extended[i]! : grants.filter((g) => g.requestId === request.id),
      byArn.get(request.permissionSetArn)!,
      denials.filter((d) => d.requestId === request.id),
      sessions,
    ),
  );
}

/**
 * The grants a request's card and messages show: its own, or for an extension the grants it moves (it makes
 * none of its own), so that "Extended" can say until when.
 */
async function grantsShownWith(ledger: Ledger, request: RequestRecord): Promise<GrantRecord[]> {
  if (request.kind !== 'extend') return ledger.findGrants({ requestId: request.id });
  const found = await Promise.all(request.extendsGrantIds.map((id) => ledger.getGrant(id)));
  return found.filter((g): g is GrantRecord => g !== undefined);
}

function viewOf(
  request: RequestRecord,
  approvals: ApprovalRecord[],
  grants: GrantRecord[],
  ps: Awaited<ReturnType<Catalog['permissionSetByArn']>>,
  denials: SessionDenialRecord[],
  sessions: AccessDeskConfig['sessions'] | undefined,
): RequestView {
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
    ...(denials.length > 0 ? { sessionDenials: denials } : {}),
    ...(sessions !== undefined ? { sessionsEnd: sessionsEndOf(sessions, request.permissionSet) } : {}),
  };
}

function sessionsEndOf(
  sessions: AccessDeskConfig['sessions'],
  permissionSet: string,
): RequestView['sessionsEnd'] {
  if (!sessions.endOnRevoke) return 'off';
  return sessions.leaveAlone.includes(permissionSet) ? 'leave_alone' : 'end';
}

export function requirementsOf(request: RequestRecord): Requirement[] {
  const value = (request.details as { requirements?: unknown }).requirements;
  return Array.isArray(value) ? (value as Requirement[]) : [];
}
