/**
 * sso-admin (IAM Identity Center administration): the instance, permission sets, and account assignments,
 * which AWS creates and deletes asynchronously. Semantics follow AWS where access-desk depends on them:
 * assignment operations stay IN_PROGRESS until the provisioning delay has passed, at most 15 creations run at
 * once, a second operation on the same target conflicts, and deleting an assignment that does not exist is
 * refused rather than silently accepted. Inline policies and ProvisionPermissionSet are in
 * sso-admin-provisioning.ts; applications and their assignments in sso-admin-applications.ts.
 */
import { AwsServiceError, accessDenied, conflict, throttling, validationError } from '../errors.js';
import { takeProvisioningFault } from '../faults.js';
import { ids } from '../ids.js';
import type {
  AssignmentOperation,
  AssignmentTarget,
  EmulatorState,
  PrincipalType,
  StoredPermissionSet,
} from '../state.js';
import {
  byString,
  durationSeconds,
  notFound,
  pageOf,
  requireInstance,
  requirePermissionSet,
  str,
} from './sso-admin-common.js';
import { applicationHandlers } from './sso-admin-applications.js';
import { permissionSetProvisioningHandlers } from './sso-admin-provisioning.js';
import type { OperationContext, OperationHandler, ServiceHandlers } from './types.js';

/** AWS's limit on CreateAccountAssignment requests IN_PROGRESS at once (not raisable). */
export const DEFAULT_MAX_CREATE_ASSIGNMENTS_IN_PROGRESS = 15;
/** Permission sets per instance (FACTS.md). */
const MAX_PERMISSION_SETS = 3500;
const MIN_SESSION_SECONDS = 3600;
const MAX_SESSION_SECONDS = 12 * 3600;

// ---------- input and lookups ----------

function requireAccountForListing(state: EmulatorState, accountId: string): void {
  if (!state.accounts.has(accountId)) throw notFound(`Account ${accountId} not found in the organization.`);
}

function requirePrincipal(state: EmulatorState, type: PrincipalType, id: string): void {
  const exists = type === 'USER' ? state.users.has(id) : state.groups.has(id);
  if (!exists) {
    const what = type === 'USER' ? 'User' : 'Group';
    throw notFound(`${what} ${id} not found in identity store ${state.instance.IdentityStoreId}.`);
  }
}

function describePermissionSet(ps: StoredPermissionSet) {
  return {
    Name: ps.Name,
    PermissionSetArn: ps.PermissionSetArn,
    Description: ps.Description,
    CreatedDate: ps.CreatedDate,
    SessionDuration: ps.SessionDuration,
    RelayState: ps.RelayState,
  };
}

/**
 * The ProvisioningStatus filter of the two provisioned-listing operations: absent, every provisioned pair;
 * otherwise those whose account does (or does not) carry the set's latest inline policy revision.
 */
function matchesProvisioningStatus(
  state: EmulatorState,
  input: Record<string, unknown>,
  permissionSetArn: string,
  accountId: string,
): boolean {
  if (input.ProvisioningStatus === undefined) return true;
  const latest = state.hasLatestProvisioned(permissionSetArn, accountId);
  return input.ProvisioningStatus === 'LATEST_PERMISSION_SET_PROVISIONED' ? latest : !latest;
}

// ---------- account assignments ----------

function assignmentTarget(input: Record<string, unknown>): AssignmentTarget {
  return {
    AccountId: str(input, 'TargetId'),
    PermissionSetArn: str(input, 'PermissionSetArn'),
    PrincipalType: str(input, 'PrincipalType') as PrincipalType,
    PrincipalId: str(input, 'PrincipalId'),
  };
}

function operationStatus(op: AssignmentOperation) {
  return {
    Status: op.Status,
    RequestId: op.RequestId,
    FailureReason: op.Status === 'FAILED' ? op.FailureReason : undefined,
    TargetId: op.target.AccountId,
    TargetType: 'AWS_ACCOUNT',
    PermissionSetArn: op.target.PermissionSetArn,
    PrincipalType: op.target.PrincipalType,
    PrincipalId: op.target.PrincipalId,
    CreatedDate: op.CreatedDate,
  };
}

/** The checks CreateAccountAssignment and DeleteAccountAssignment share, in the order AWS applies them. */
function checkAssignmentRequest(
  input: Record<string, unknown>,
  ctx: OperationContext,
  operation: 'CreateAccountAssignment' | 'DeleteAccountAssignment',
): AssignmentTarget {
  const { state, faults } = ctx;
  requireInstance(state, input);
  const target = assignmentTarget(input);
  if (faults.accessDeniedAccounts.includes(target.AccountId)) {
    throw accessDenied(
      `User is not authorized to perform: sso:${operation} on resource: ${target.PermissionSetArn} in account ` +
        `${target.AccountId}. Account ${target.AccountId} is the organization's management account; only the ` +
        'management account, not a delegated administrator, can manage its assignments.',
    );
  }
  requirePermissionSet(state, target.PermissionSetArn);
  if (!state.accounts.has(target.AccountId)) {
    throw validationError(`TargetId ${target.AccountId} is not an account in the organization.`);
  }
  requirePrincipal(state, target.PrincipalType, target.PrincipalId);
  if (state.runningOperationsOn(target).length > 0) {
    throw conflict(
      `An account assignment operation is already in progress for principal ${target.PrincipalId}, ` +
        `permission set ${target.PermissionSetArn} and account ${target.AccountId}. Retry later.`,
    );
  }
  return target;
}

function startOperation(
  ctx: OperationContext,
  kind: 'create' | 'delete',
  target: AssignmentTarget,
): AssignmentOperation {
  const { state, faults } = ctx;
  const fault = kind === 'create' ? takeProvisioningFault(faults, target) : undefined;
  const op: AssignmentOperation = {
    RequestId: ids.requestId(),
    kind,
    target,
    CreatedDate: state.now(),
    Status: 'IN_PROGRESS',
    completesAt: state.clock.now() + faults.provisioningDelayMs,
    outcome: fault === undefined ? 'SUCCEEDED' : 'FAILED',
    FailureReason: fault?.reason,
  };
  state.recordOperation(op);
  // A zero delay completes at once, as if AWS had answered after provisioning.
  if (faults.provisioningDelayMs <= 0) state.settle();
  return op;
}

const createAccountAssignment: OperationHandler = (input, ctx) => {
  const target = checkAssignmentRequest(input, ctx, 'CreateAccountAssignment');
  // The framework gives Infinity when rate limits are off; the default covers a hand-built context.
  const max = ctx.limits?.maxCreateAssignmentsInProgress ?? DEFAULT_MAX_CREATE_ASSIGNMENTS_IN_PROGRESS;
  if (ctx.state.runningCreationCount() >= max) {
    throw throttling(
      `Rate exceeded: at most ${max} CreateAccountAssignment requests can be in progress at the same time.`,
    );
  }
  // Creating an assignment that already exists is accepted and succeeds, as in AWS.
  return { AccountAssignmentCreationStatus: operationStatus(startOperation(ctx, 'create', target)) };
};

const deleteAccountAssignment: OperationHandler = (input, ctx) => {
  const target = checkAssignmentRequest(input, ctx, 'DeleteAccountAssignment');
  if (!ctx.state.hasAssignment(target)) {
    throw notFound(
      `Could not find account assignment for principal ${target.PrincipalId}, permission set ` +
        `${target.PermissionSetArn} and account ${target.AccountId}.`,
    );
  }
  return { AccountAssignmentDeletionStatus: operationStatus(startOperation(ctx, 'delete', target)) };
};

function describeOperation(ctx: OperationContext, kind: 'create' | 'delete', requestId: string) {
  const op = ctx.state.operationsOfKind(kind).get(requestId);
  if (op === undefined) {
    const what = kind === 'create' ? 'creation' : 'deletion';
    throw notFound(`Account assignment ${what} request ${requestId} not found.`);
  }
  return operationStatus(op);
}

function listOperations(input: Record<string, unknown>, ctx: OperationContext, kind: 'create' | 'delete') {
  requireInstance(ctx.state, input);
  const filter = input.Filter as { Status?: string } | undefined;
  const all = [...ctx.state.operationsOfKind(kind).values()];
  const matching = filter?.Status === undefined ? all : all.filter((op) => op.Status === filter.Status);
  const { page, nextToken } = pageOf(
    matching,
    input,
    `sso-admin:assignment-${kind}-status:${filter?.Status ?? ''}`,
  );
  return {
    items: page.map((op) => ({ Status: op.Status, RequestId: op.RequestId, CreatedDate: op.CreatedDate })),
    NextToken: nextToken,
  };
}

const assignmentEntry = (a: AssignmentTarget) => ({
  AccountId: a.AccountId,
  PermissionSetArn: a.PermissionSetArn,
  PrincipalType: a.PrincipalType,
  PrincipalId: a.PrincipalId,
});

// ---------- handlers ----------

export const ssoAdminHandlers: ServiceHandlers = {
  // As AWS answers today: the instance with its owner account, name, creation date and status (members newer
  // than the botocore model in ../shared/aws-models, which the SDK v3 reads all the same).
  ListInstances: (input, { state }) => {
    const { instance } = state;
    const instances = [
      {
        InstanceArn: instance.InstanceArn,
        IdentityStoreId: instance.IdentityStoreId,
        OwnerAccountId: instance.OwnerAccountId,
        Name: instance.Name,
        CreatedDate: instance.CreatedDate,
        Status: 'ACTIVE',
      },
    ];
    const { page, nextToken } = pageOf(instances, input, 'sso-admin:instances');
    return { Instances: page, NextToken: nextToken };
  },

  ListPermissionSets: (input, { state }) => {
    requireInstance(state, input);
    const arns = [...state.permissionSets.keys()];
    const { page, nextToken } = pageOf(arns, input, 'sso-admin:permission-sets');
    return { PermissionSets: page, NextToken: nextToken };
  },

  DescribePermissionSet: (input, { state }) => {
    requireInstance(state, input);
    return {
      PermissionSet: describePermissionSet(requirePermissionSet(state, str(input, 'PermissionSetArn'))),
    };
  },

  CreatePermissionSet: (input, { state }) => {
    requireInstance(state, input);
    const name = str(input, 'Name');
    const sessionDuration = typeof input.SessionDuration === 'string' ? input.SessionDuration : 'PT1H';
    const seconds = durationSeconds(sessionDuration);
    if (seconds === undefined || seconds < MIN_SESSION_SECONDS || seconds > MAX_SESSION_SECONDS) {
      throw validationError(
        `SessionDuration ${sessionDuration} is invalid: it must be between PT1H (1 hour) and PT12H (12 hours).`,
      );
    }
    if (state.permissionSetByName(name) !== undefined) {
      throw conflict(
        `A permission set named ${name} already exists in instance ${state.instance.InstanceArn}.`,
      );
    }
    if (state.permissionSets.size >= MAX_PERMISSION_SETS) {
      throw new AwsServiceError(
        'ServiceQuotaExceededException',
        `The instance already has the maximum of ${MAX_PERMISSION_SETS} permission sets.`,
      );
    }
    const ps: StoredPermissionSet = {
      PermissionSetArn: ids.permissionSetArn(state.instance.InstanceArn),
      Name: name,
      Description: typeof input.Description === 'string' ? input.Description : undefined,
      SessionDuration: sessionDuration,
      RelayState: typeof input.RelayState === 'string' ? input.RelayState : undefined,
      CreatedDate: state.now(),
    };
    state.permissionSets.set(ps.PermissionSetArn, ps);
    return { PermissionSet: describePermissionSet(ps) };
  },

  ListAccountsForProvisionedPermissionSet: (input, { state }) => {
    requireInstance(state, input);
    const arn = str(input, 'PermissionSetArn');
    requirePermissionSet(state, arn);
    const accounts = state
      .accountsProvisionedWith(arn)
      .filter((accountId) => matchesProvisioningStatus(state, input, arn, accountId))
      .sort(byString);
    const { page, nextToken } = pageOf(accounts, input, `sso-admin:accounts-for-permission-set:${arn}`);
    return { AccountIds: page, NextToken: nextToken };
  },

  ListPermissionSetsProvisionedToAccount: (input, { state }) => {
    requireInstance(state, input);
    const accountId = str(input, 'AccountId');
    requireAccountForListing(state, accountId);
    const arns = state
      .permissionSetsProvisionedTo(accountId)
      .filter((arn) => matchesProvisioningStatus(state, input, arn, accountId))
      .sort(byString);
    const { page, nextToken } = pageOf(arns, input, `sso-admin:permission-sets-in-account:${accountId}`);
    return { PermissionSets: page, NextToken: nextToken };
  },

  CreateAccountAssignment: createAccountAssignment,

  DescribeAccountAssignmentCreationStatus: (input, ctx) => {
    requireInstance(ctx.state, input);
    const requestId = str(input, 'AccountAssignmentCreationRequestId');
    return { AccountAssignmentCreationStatus: describeOperation(ctx, 'create', requestId) };
  },

  DeleteAccountAssignment: deleteAccountAssignment,

  DescribeAccountAssignmentDeletionStatus: (input, ctx) => {
    requireInstance(ctx.state, input);
    const requestId = str(input, 'AccountAssignmentDeletionRequestId');
    return { AccountAssignmentDeletionStatus: describeOperation(ctx, 'delete', requestId) };
  },

  ListAccountAssignmentCreationStatus: (input, ctx) => {
    const { items, NextToken } = listOperations(input, ctx, 'create');
    return { AccountAssignmentsCreationStatus: items, NextToken };
  },

  ListAccountAssignmentDeletionStatus: (input, ctx) => {
    const { items, NextToken } = listOperations(input, ctx, 'delete');
    return { AccountAssignmentsDeletionStatus: items, NextToken };
  },

  ListAccountAssignments: (input, { state }) => {
    requireInstance(state, input);
    const accountId = str(input, 'AccountId');
    const arn = str(input, 'PermissionSetArn');
    requireAccountForListing(state, accountId);
    requirePermissionSet(state, arn);
    const assignments = state
      .assignmentsOn(accountId, arn)
      .sort((a, b) => byString(a.PrincipalType, b.PrincipalType) || byString(a.PrincipalId, b.PrincipalId));
    const { page, nextToken } = pageOf(assignments, input, `sso-admin:assignments:${accountId}|${arn}`);
    return { AccountAssignments: page.map(assignmentEntry), NextToken: nextToken };
  },

  ListAccountAssignmentsForPrincipal: (input, { state }) => {
    requireInstance(state, input);
    const type = str(input, 'PrincipalType') as PrincipalType;
    const id = str(input, 'PrincipalId');
    requirePrincipal(state, type, id);
    const accountId = (input.Filter as { AccountId?: string } | undefined)?.AccountId;
    // Direct assignments only: access through a group is listed under the group.
    const assignments = state
      .assignmentsOfPrincipal(type, id)
      .filter((a) => accountId === undefined || a.AccountId === accountId)
      .sort((a, b) => byString(a.AccountId, b.AccountId) || byString(a.PermissionSetArn, b.PermissionSetArn));
    const { page, nextToken } = pageOf(
      assignments,
      input,
      `sso-admin:assignments-for-principal:${type}|${id}|${accountId ?? ''}`,
    );
    return { AccountAssignments: page.map(assignmentEntry), NextToken: nextToken };
  },

  ...permissionSetProvisioningHandlers,
  ...applicationHandlers,
};
