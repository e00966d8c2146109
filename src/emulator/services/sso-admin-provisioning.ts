/**
 * A permission set's inline policy and its provisioning to accounts. As in AWS, editing the policy changes
 * only the permission set: the IAM roles in the accounts keep what they were last provisioned with until
 * ProvisionPermissionSet completes there (asynchronously, after the same delay as an assignment), and an
 * account takes one permission set update at a time. access-desk ends open sessions this way (a Deny in the
 * inline policy, provisioned), so what is provisioned is kept apart from what is current.
 */
import { accessDenied, conflict, validationError } from '../errors.js';
import { takePermissionSetProvisioningFault } from '../faults.js';
import { ids } from '../ids.js';
import { checkPolicyDocument } from '../policy-document.js';
import type { PermissionSetProvisioning } from '../state.js';
import { notFound, pageOf, requireInstance, requirePermissionSet, str } from './sso-admin-common.js';
import type { OperationContext, OperationHandler, ServiceHandlers } from './types.js';

/** A set the caller may not change answers as AWS answers a delegated administrator for the management's. */
function refuseManagedElsewhere(ctx: OperationContext, permissionSetArn: string): void {
  if (!ctx.faults.refusedPermissionSets.includes(permissionSetArn)) return;
  throw accessDenied(
    `User is not authorized to perform: sso:${ctx.operation} on resource: ${permissionSetArn}. The permission ` +
      'set is managed from the organization’s management account; a delegated administrator cannot change it.',
  );
}

// ---------- inline policy ----------

const putInlinePolicy: OperationHandler = (input, ctx) => {
  requireInstance(ctx.state, input);
  const arn = str(input, 'PermissionSetArn');
  refuseManagedElsewhere(ctx, arn);
  requirePermissionSet(ctx.state, arn);
  const policy = str(input, 'InlinePolicy');
  const check = checkPolicyDocument(policy);
  if (!check.ok) throw validationError(check.problem);
  ctx.state.putInlinePolicy(arn, policy);
  return {};
};

const getInlinePolicy: OperationHandler = (input, { state }) => {
  requireInstance(state, input);
  const arn = str(input, 'PermissionSetArn');
  requirePermissionSet(state, arn);
  // AWS answers an empty string, not an error, for a set without one.
  return { InlinePolicy: state.inlinePolicyOf(arn) };
};

const deleteInlinePolicy: OperationHandler = (input, ctx) => {
  requireInstance(ctx.state, input);
  const arn = str(input, 'PermissionSetArn');
  refuseManagedElsewhere(ctx, arn);
  requirePermissionSet(ctx.state, arn);
  ctx.state.deleteInlinePolicy(arn);
  return {};
};

// ---------- provisioning ----------

function provisioningStatus(op: PermissionSetProvisioning) {
  return {
    Status: op.Status,
    RequestId: op.RequestId,
    AccountId: op.AccountId,
    PermissionSetArn: op.PermissionSetArn,
    FailureReason: op.Status === 'FAILED' ? op.FailureReason : undefined,
    CreatedDate: op.CreatedDate,
  };
}

/** The accounts a request updates: the one named, or every account the set is provisioned to now. */
function targetAccounts(input: Record<string, unknown>, ctx: OperationContext, arn: string): string[] {
  if (input.TargetType === 'ALL_PROVISIONED_ACCOUNTS') return ctx.state.accountsProvisionedWith(arn);
  const accountId = str(input, 'TargetId');
  if (accountId === '') throw validationError('TargetId is required when TargetType is AWS_ACCOUNT.');
  if (ctx.faults.accessDeniedAccounts.includes(accountId)) {
    throw accessDenied(
      `User is not authorized to perform: sso:ProvisionPermissionSet on resource: ${arn} in account ${accountId}. ` +
        `Account ${accountId} is the organization's management account; only the management account, not a ` +
        'delegated administrator, can provision permission sets there.',
    );
  }
  if (!ctx.state.accounts.has(accountId)) {
    throw validationError(`TargetId ${accountId} is not an account in the organization.`);
  }
  return [accountId];
}

/** AWS updates one permission set at a time in an account; a second update meanwhile is refused. */
function refuseWhileUpdating(ctx: OperationContext, accountIds: readonly string[]): void {
  for (const accountId of accountIds) {
    const running = ctx.state.provisioningInProgressIn(accountId);
    if (running === undefined) continue;
    throw conflict(
      `There is a conflicting operation in process. Permission set provisioning ${running.RequestId} is in ` +
        `progress in account ${accountId}; retry when it completes.`,
    );
  }
}

const provisionPermissionSet: OperationHandler = (input, ctx) => {
  const { state, faults } = ctx;
  requireInstance(state, input);
  const arn = str(input, 'PermissionSetArn');
  requirePermissionSet(state, arn);
  const accountIds = targetAccounts(input, ctx, arn);
  refuseWhileUpdating(ctx, accountIds);
  const fault = takePermissionSetProvisioningFault(faults, { PermissionSetArn: arn, accountIds });
  const op: PermissionSetProvisioning = {
    RequestId: ids.requestId(),
    PermissionSetArn: arn,
    TargetType: input.TargetType === 'ALL_PROVISIONED_ACCOUNTS' ? 'ALL_PROVISIONED_ACCOUNTS' : 'AWS_ACCOUNT',
    AccountId: input.TargetType === 'ALL_PROVISIONED_ACCOUNTS' ? undefined : accountIds[0],
    accountIds,
    CreatedDate: state.now(),
    Status: 'IN_PROGRESS',
    completesAt: state.clock.now() + faults.provisioningDelayMs,
    outcome: fault === undefined ? 'SUCCEEDED' : 'FAILED',
    FailureReason: fault?.reason,
  };
  state.recordPermissionSetProvisioning(op);
  // A zero delay completes at once, as if AWS had answered after provisioning.
  if (faults.provisioningDelayMs <= 0) state.settle();
  return { PermissionSetProvisioningStatus: provisioningStatus(op) };
};

const describeProvisioning: OperationHandler = (input, { state }) => {
  requireInstance(state, input);
  const requestId = str(input, 'ProvisionPermissionSetRequestId');
  const op = state.permissionSetProvisionings.get(requestId);
  if (op === undefined) throw notFound(`Permission set provisioning request ${requestId} not found.`);
  return { PermissionSetProvisioningStatus: provisioningStatus(op) };
};

const listProvisionings: OperationHandler = (input, { state }) => {
  requireInstance(state, input);
  const status = (input.Filter as { Status?: string } | undefined)?.Status;
  const all = [...state.permissionSetProvisionings.values()];
  const matching = status === undefined ? all : all.filter((op) => op.Status === status);
  const { page, nextToken } = pageOf(
    matching,
    input,
    `sso-admin:permission-set-provisioning:${status ?? ''}`,
  );
  return {
    PermissionSetsProvisioningStatus: page.map((op) => ({
      Status: op.Status,
      RequestId: op.RequestId,
      CreatedDate: op.CreatedDate,
    })),
    NextToken: nextToken,
  };
};

export const permissionSetProvisioningHandlers: ServiceHandlers = {
  PutInlinePolicyToPermissionSet: putInlinePolicy,
  GetInlinePolicyForPermissionSet: getInlinePolicy,
  DeleteInlinePolicyFromPermissionSet: deleteInlinePolicy,
  ProvisionPermissionSet: provisionPermissionSet,
  DescribePermissionSetProvisioningStatus: describeProvisioning,
  ListPermissionSetProvisioningStatus: listProvisionings,
};
