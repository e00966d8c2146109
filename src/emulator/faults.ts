/** Fault injection: what the emulator does wrong on purpose, switched through the control endpoint or in process. */
export type ServiceName = 'identitystore' | 'sso-admin' | 'sesv2' | 'iam' | 'cloudtrail';

export interface ErrorFault {
  /** Which calls it hits; absent means any. */
  service?: ServiceName;
  operation?: string;
  /** `throttling`: ThrottlingException; `internal`: HTTP 500; `accessDenied`: AccessDeniedException. */
  error: 'throttling' | 'internal' | 'accessDenied';
  /** How many calls it hits before it wears off; absent means until cleared. */
  remaining?: number;
  /** AWS's message instead of the emulator's (e.g. one naming a role ARN, as real AccessDenied messages do). */
  message?: string;
}

export interface ProvisioningFault {
  accountId?: string;
  permissionSetArn?: string;
  principalId?: string;
  /** AWS's FailureReason, shown to the person. */
  reason: string;
  remaining?: number;
}

/** A ProvisionPermissionSet that ends FAILED: any field left out matches every value. */
export interface PermissionSetProvisioningFault {
  accountId?: string;
  permissionSetArn?: string;
  /** AWS's FailureReason, shown to the person. */
  reason: string;
  remaining?: number;
}

export interface FaultSettings {
  /** Added to every call, milliseconds. */
  latencyMs: number;
  /** Added to one operation's calls, by `service:Operation`, milliseconds. */
  operationLatencyMs: Record<string, number>;
  /** How long an assignment creation or deletion stays IN_PROGRESS, milliseconds. */
  provisioningDelayMs: number;
  errors: ErrorFault[];
  /** Assignment creations and deletions on these accounts answer AccessDeniedException (e.g. the management account). */
  accessDeniedAccounts: string[];
  /** Assignment creations matching one of these end FAILED with its reason. */
  failedProvisioning: ProvisioningFault[];
  /** ProvisionPermissionSet requests matching one of these end FAILED with its reason. */
  failedPermissionSetProvisioning: PermissionSetProvisioningFault[];
  /**
   * Permission sets this caller may not change (managed from the management account, or by another team's
   * tooling): Put/DeleteInlinePolicy on them answer AccessDeniedException.
   */
  refusedPermissionSets: string[];
}

export const defaultFaults = (): FaultSettings => ({
  latencyMs: 0,
  operationLatencyMs: {},
  provisioningDelayMs: 300,
  errors: [],
  accessDeniedAccounts: [],
  failedProvisioning: [],
  failedPermissionSetProvisioning: [],
  refusedPermissionSets: [],
});

/** Takes the first error fault that matches a call, counting it down. */
export function takeErrorFault(
  faults: FaultSettings,
  service: ServiceName,
  operation: string,
): ErrorFault | undefined {
  const index = faults.errors.findIndex(
    (f) =>
      (f.service === undefined || f.service === service) &&
      (f.operation === undefined || f.operation === operation),
  );
  if (index < 0) return undefined;
  const fault = faults.errors[index]!;
  if (fault.remaining !== undefined) {
    fault.remaining -= 1;
    if (fault.remaining <= 0) faults.errors.splice(index, 1);
  }
  return fault;
}

/** Takes the provisioning failure planned for an assignment creation, if any, counting it down. */
export function takeProvisioningFault(
  faults: FaultSettings,
  target: { AccountId: string; PermissionSetArn: string; PrincipalId: string },
): ProvisioningFault | undefined {
  const index = faults.failedProvisioning.findIndex(
    (f) =>
      (f.accountId === undefined || f.accountId === target.AccountId) &&
      (f.permissionSetArn === undefined || f.permissionSetArn === target.PermissionSetArn) &&
      (f.principalId === undefined || f.principalId === target.PrincipalId),
  );
  if (index < 0) return undefined;
  const fault = faults.failedProvisioning[index]!;
  if (fault.remaining !== undefined) {
    fault.remaining -= 1;
    if (fault.remaining <= 0) faults.failedProvisioning.splice(index, 1);
  }
  return fault;
}

/**
 * Takes the failure planned for a ProvisionPermissionSet, if any, counting it down. A fault naming an account
 * matches a request that updates that account (one of several, for ALL_PROVISIONED_ACCOUNTS).
 */
export function takePermissionSetProvisioningFault(
  faults: FaultSettings,
  request: { PermissionSetArn: string; accountIds: readonly string[] },
): PermissionSetProvisioningFault | undefined {
  const index = faults.failedPermissionSetProvisioning.findIndex(
    (f) =>
      (f.accountId === undefined || request.accountIds.includes(f.accountId)) &&
      (f.permissionSetArn === undefined || f.permissionSetArn === request.PermissionSetArn),
  );
  if (index < 0) return undefined;
  const fault = faults.failedPermissionSetProvisioning[index]!;
  if (fault.remaining !== undefined) {
    fault.remaining -= 1;
    if (fault.remaining <= 0) faults.failedPermissionSetProvisioning.splice(index, 1);
  }
  return fault;
}
