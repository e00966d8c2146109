/**
 * Reading assignments. ListAccountAssignmentsForPrincipal answers in one (paged) call, but AWS allows it only
 * from the management account of an organization instance; where it is refused, the same answer is built from
 * ListAccountAssignments for every account × permission set that is provisioned.
 */
import {
  ListAccountAssignmentsCommand,
  ListAccountAssignmentsForPrincipalCommand,
  ListAccountsForProvisionedPermissionSetCommand,
  type AccountAssignment,
  type SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import type { AwsOutcome } from '../access/ports.js';
import type { Assignment, PrincipalRef } from '../domain/identity.js';
import { send, type CallContext } from './call.js';
import { mapLimited, pageAll } from './paging.js';

const PAGE_SIZE = 100;
/** Names that say this caller may not (or cannot) use ListAccountAssignmentsForPrincipal. */
const PRINCIPAL_LISTING_REFUSED = new Set(['AccessDeniedException', 'UnknownOperationException']);

export interface AssignmentListDeps {
  ctx: CallContext;
  client: SSOAdminClient;
  /** Every permission set's ARN (for the fallback). */
  permissionSetArns: () => Promise<AwsOutcome<string[]>>;
  /** Parallel reads in the fallback; they still pass the sso-admin limiter. */
  concurrency: number;
}

export function toAssignment(a: AccountAssignment): Assignment | undefined {
  if (a.AccountId === undefined || a.PermissionSetArn === undefined || a.PrincipalId === undefined)
    return undefined;
  if (a.PrincipalType !== 'USER' && a.PrincipalType !== 'GROUP') return undefined;
  return {
    accountId: a.AccountId,
    permissionSetArn: a.PermissionSetArn,
    principal: { type: a.PrincipalType, id: a.PrincipalId },
  };
}

const defined = <T>(x: T | undefined): x is T => x !== undefined;

export async function listForAccount(
  deps: AssignmentListDeps,
  instanceArn: string,
  accountId: string,
  permissionSetArn: string,
): Promise<AwsOutcome<Assignment[]>> {
  const listed = await pageAll(
    (token) =>
      send(
        deps.ctx,
        { service: 'sso-admin', operation: 'ListAccountAssignments', safeToRetry: true, resource: accountId },
        () =>
          deps.client.send(
            new ListAccountAssignmentsCommand({
              InstanceArn: instanceArn,
              AccountId: accountId,
              PermissionSetArn: permissionSetArn,
              NextToken: token,
              MaxResults: PAGE_SIZE,
            }),
          ),
      ),
    (page) => ({ items: page.AccountAssignments, next: page.NextToken }),
    'ListAccountAssignments',
  );
  return listed.ok ? { ok: true, value: listed.value.map(toAssignment).filter(defined) } : listed;
}

/**
 * The principal's assignments through ListAccountAssignmentsForPrincipal; `refused` when this caller may not
 * use it, so that the caller falls back.
 */
export async function listForPrincipalDirect(
  deps: AssignmentListDeps,
  instanceArn: string,
  principal: PrincipalRef,
  accountIds: readonly string[] | undefined,
): Promise<AwsOutcome<Assignment[]> | 'refused'> {
  const only = accountIds?.length === 1 ? accountIds[0] : undefined;
  let refusedName: string | undefined;
  const listed = await pageAll(
    async (token) => {
      const sent = await send(
        deps.ctx,
        {
          service: 'sso-admin',
          operation: 'ListAccountAssignmentsForPrincipal',
          safeToRetry: true,
          resource: principal.id,
        },
        () =>
          deps.client.send(
            new ListAccountAssignmentsForPrincipalCommand({
              InstanceArn: instanceArn,
              PrincipalId: principal.id,
              PrincipalType: principal.type,
              ...(only !== undefined ? { Filter: { AccountId: only } } : {}),
              NextToken: token,
              MaxResults: PAGE_SIZE,
            }),
          ),
      );
      if (!sent.ok && sent.name !== undefined && PRINCIPAL_LISTING_REFUSED.has(sent.name))
        refusedName = sent.name;
      return sent;
    },
    (page) => ({ items: page.AccountAssignments, next: page.NextToken }),
    'ListAccountAssignmentsForPrincipal',
  );
  if (!listed.ok) return refusedName !== undefined ? 'refused' : listed;
  const wanted = accountIds === undefined ? undefined : new Set(accountIds);
  return {
    ok: true,
    value: listed.value
      .map(toAssignment)
      .filter(defined)
      .filter(
        (a) =>
          a.principal.type === principal.type &&
          a.principal.id === principal.id &&
          (wanted === undefined || wanted.has(a.accountId)),
      ),
  };
}

/** The same answer from ListAccountAssignments over every provisioned account × permission set. */
export async function listForPrincipalByAccounts(
  deps: AssignmentListDeps,
  instanceArn: string,
  principal: PrincipalRef,
  accountIds: readonly string[] | undefined,
): Promise<AwsOutcome<Assignment[]>> {
  const arns = await deps.permissionSetArns();
  if (!arns.ok) return arns;
  const wanted = accountIds === undefined ? undefined : new Set(accountIds);
  const pairs = await mapLimited(arns.value, deps.concurrency, async (permissionSetArn) => {
    const accounts = await provisionedAccounts(deps, instanceArn, permissionSetArn);
    if (!accounts.ok) return accounts;
    return {
      ok: true,
      value: accounts.value
        .filter((accountId) => wanted === undefined || wanted.has(accountId))
        .map((accountId) => ({ accountId, permissionSetArn })),
    };
  });
  if (!pairs.ok) return pairs;
  const found = await mapLimited(pairs.value.flat(), deps.concurrency, (pair) =>
    listForAccount(deps, instanceArn, pair.accountId, pair.permissionSetArn),
  );
  if (!found.ok) return found;
  return {
    ok: true,
    value: found.value
      .flat()
      .filter((a) => a.principal.type === principal.type && a.principal.id === principal.id),
  };
}

export async function provisionedAccounts(
  deps: AssignmentListDeps,
  instanceArn: string,
  permissionSetArn: string,
): Promise<AwsOutcome<string[]>> {
  return pageAll(
    (token) =>
      send(
        deps.ctx,
        {
          service: 'sso-admin',
          operation: 'ListAccountsForProvisionedPermissionSet',
          safeToRetry: true,
          resource: permissionSetArn,
        },
        () =>
          deps.client.send(
            new ListAccountsForProvisionedPermissionSetCommand({
              InstanceArn: instanceArn,
              PermissionSetArn: permissionSetArn,
              NextToken: token,
              MaxResults: PAGE_SIZE,
            }),
          ),
      ),
    (page) => ({ items: page.AccountIds, next: page.NextToken }),
    'ListAccountsForProvisionedPermissionSet',
  );
}
