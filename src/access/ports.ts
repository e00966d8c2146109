/**
 * What the access service needs from AWS, in its own terms. The AWS adapter (src/aws/) implements these;
 * tests may too. Expected outcomes (not found, already exists, throttled, AWS said no) are values of
 * `AwsOutcome`; a thrown error is a bug.
 */
import type {
  Application,
  ApplicationAssignment,
  Assignment,
  DirectoryGroup,
  DirectoryUser,
  EmailMessage,
  GroupMembership,
  IdentityCenterInstance,
  LegacyIamKeyHolder,
  LegacyIamUser,
  LastSignIns,
  NewDirectoryUser,
  PermissionSet,
  PrincipalRef,
  UserDetailsUpdate,
} from '../domain/identity.js';

export type AwsFailureCode =
  | 'user_exists'
  | 'group_exists'
  | 'not_found'
  | 'access_denied'
  | 'throttled'
  | 'invalid_input'
  | 'conflict'
  | 'provisioning_failed'
  | 'timed_out'
  | 'aws_error';

export interface AwsFailure {
  code: AwsFailureCode;
  /** A sentence a person can act on; never holds a secret. */
  message: string;
  /** What it was about: `USER d-123…`, a permission set ARN, an assignment request id. */
  resource?: string;
  /** The request member AWS found wrong (from a ValidationException), e.g. `userName`. */
  field?: string;
  /** AWS's FailureReason for an assignment that ended FAILED. */
  reason?: string;
}

export type AwsOutcome<T> = { ok: true; value: T } | { ok: false; error: AwsFailure };

export interface Directory {
  /** undefined when no user has that user name. */
  findUserByUserName(userName: string): Promise<AwsOutcome<DirectoryUser | undefined>>;
  /** undefined when no user has that email. */
  findUserByEmail(email: string): Promise<AwsOutcome<DirectoryUser | undefined>>;
  /** The user id alone (one call fewer than findUserByEmail); undefined when no user has that email. */
  findUserIdByEmail(email: string): Promise<AwsOutcome<string | undefined>>;
  describeUser(userId: string): Promise<AwsOutcome<DirectoryUser>>;
  /** `user_exists` when the user name (the email) is taken. */
  createUser(user: NewDirectoryUser): Promise<AwsOutcome<DirectoryUser>>;
  /**
   * Changes names, display name and the primary email (UpdateUser, one call: all or nothing). `user_exists` when
   * the new email is another user's, with AWS's words; `not_found` when the user is gone. Safe to repeat.
   */
  updateUser(userId: string, update: UserDetailsUpdate): Promise<AwsOutcome<void>>;
  /** A user already gone is fine: `deleted: false`. */
  deleteUser(userId: string): Promise<AwsOutcome<{ deleted: boolean }>>;
  findGroupByName(name: string): Promise<AwsOutcome<DirectoryGroup | undefined>>;
  /**
   * A new group (CreateGroup). `group_exists` when a group has that display name already; not retried after an
   * unknown outcome, so look for the group by name before calling it again.
   */
  createGroup(group: { name: string; description?: string }): Promise<AwsOutcome<DirectoryGroup>>;
  listGroups(): Promise<AwsOutcome<DirectoryGroup[]>>;
  /** Every user, read page by page; `onPage` hears how many have been read so far (an audit's progress). */
  listUsers(options?: { onPage?: (listedSoFar: number) => void }): Promise<AwsOutcome<DirectoryUser[]>>;
  /** A membership that already exists is fine: `created: false` with its id. */
  addMembership(
    groupId: string,
    userId: string,
  ): Promise<AwsOutcome<{ membershipId: string; created: boolean }>>;
  /** A membership already gone is fine: `removed: false`. */
  removeMembership(groupId: string, userId: string): Promise<AwsOutcome<{ removed: boolean }>>;
  listMembershipsOfUser(userId: string): Promise<AwsOutcome<GroupMembership[]>>;
  listMembersOfGroup(groupId: string): Promise<AwsOutcome<GroupMembership[]>>;
}

export type AssignmentOperationStatus = 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';

/** One look at an assignment change while AWS provisions it (for a card that shows progress). */
export interface AssignmentProgress {
  operation: 'create' | 'delete';
  assignment: Assignment;
  requestId: string;
  status: AssignmentOperationStatus;
  /** How many status polls so far. */
  polls: number;
  elapsedMs: number;
}

export interface AssignmentChangeOptions {
  onProgress?: (progress: AssignmentProgress) => void;
  /**
   * The request id of a change submitted before (by a run that crashed): follow that one to its outcome instead
   * of submitting again, so a resumed job makes no second AWS call. Unknown to AWS → submitted anew.
   */
  resumeRequestId?: string;
  /**
   * Aborted when the job making the change lost its lease (another worker has it now): nothing more is
   * submitted or followed, and the call rejects with the signal's reason.
   */
  signal?: AbortSignal;
}

export interface AssignmentChange {
  /**
   * `already_gone`: there was nothing to delete (safe to repeat a step). Creating an assignment that exists
   * is accepted by AWS and reported as `created`.
   */
  outcome: 'created' | 'deleted' | 'already_gone';
  requestId?: string;
  polls: number;
  elapsedMs: number;
}

export interface Assignments {
  /** Creates and waits until AWS has provisioned it; FAILED → `provisioning_failed` with AWS's reason. */
  create(assignment: Assignment, options?: AssignmentChangeOptions): Promise<AwsOutcome<AssignmentChange>>;
  /** Deletes and waits until AWS has deprovisioned it; one already gone is fine. */
  delete(assignment: Assignment, options?: AssignmentChangeOptions): Promise<AwsOutcome<AssignmentChange>>;
  /** The principal's own assignments (for a user: not those it has through groups). */
  listForPrincipal(
    principal: PrincipalRef,
    options?: { accountIds?: string[] },
  ): Promise<AwsOutcome<Assignment[]>>;
  listForGroup(groupId: string, options?: { accountIds?: string[] }): Promise<AwsOutcome<Assignment[]>>;
  /** Every principal holding this permission set in this account. */
  listForAccount(accountId: string, permissionSetArn: string): Promise<AwsOutcome<Assignment[]>>;
  /** The accounts this permission set is provisioned to: the only places it can be assigned. */
  listProvisionedAccounts(permissionSetArn: string): Promise<AwsOutcome<string[]>>;
}

/** How a permission set's provisioning to one account ended. */
export interface PermissionSetProvisioning {
  requestId: string;
  polls: number;
  elapsedMs: number;
}

/**
 * A permission set's inline policy, and provisioning it to an account (what makes a change of the policy take
 * effect there). Used to end sessions already open (src/access/sessions.ts).
 */
export interface PermissionSetPolicies {
  /** The inline policy's text as AWS keeps it; '' when the set has none. */
  getInlinePolicy(permissionSetArn: string): Promise<AwsOutcome<string>>;
  putInlinePolicy(permissionSetArn: string, policy: string): Promise<AwsOutcome<void>>;
  /** One already gone is fine. */
  deleteInlinePolicy(permissionSetArn: string): Promise<AwsOutcome<void>>;
  /**
   * Provisions the set to the account and waits for AWS to finish; another update of that account running
   * (ConflictException) is waited out. FAILED → `provisioning_failed` with AWS's reason.
   */
  provision(
    permissionSetArn: string,
    accountId: string,
    options?: { signal?: AbortSignal },
  ): Promise<AwsOutcome<PermissionSetProvisioning>>;
}

export interface Catalog {
  instance(): Promise<AwsOutcome<IdentityCenterInstance>>;
  /** Every permission set, from a cache that lives for a configured time. */
  permissionSets(): Promise<AwsOutcome<PermissionSet[]>>;
  /** `not_found` names the permission sets that do exist. */
  permissionSetByName(name: string): Promise<AwsOutcome<PermissionSet>>;
  permissionSetByArn(arn: string): Promise<AwsOutcome<PermissionSet>>;
  /** Reads the permission sets from AWS again now. */
  refresh(): Promise<AwsOutcome<PermissionSet[]>>;
}

export interface Mailer {
  send(message: EmailMessage): Promise<AwsOutcome<{ messageId: string }>>;
}

export type LegacyIamAction =
  | 'delete_access_key'
  | 'delete_login_profile'
  | 'remove_from_group'
  | 'detach_policy'
  | 'delete_inline_policy'
  | 'deactivate_mfa_device'
  | 'delete_virtual_mfa_device'
  | 'delete_signing_certificate'
  | 'delete_ssh_public_key'
  | 'delete_service_credential'
  | 'delete_user';

export interface LegacyIamStep {
  action: LegacyIamAction;
  /** What it acted on: a key id, a group name, a policy ARN, a device serial number, the user name. */
  target: string;
}

export interface LegacyIamCleanup {
  /** false when there was no such IAM user to begin with. */
  existed: boolean;
  steps: LegacyIamStep[];
}

export interface LegacyIam {
  /** undefined when there is no IAM user of that name. */
  describe(userName: string): Promise<AwsOutcome<LegacyIamUser | undefined>>;
  /** Removes everything IAM requires gone first, then the user; safe to run again after a partial run. */
  deleteCompletely(userName: string): Promise<AwsOutcome<LegacyIamCleanup>>;
  /**
   * Every IAM user with its access keys and their last use (for the audit): ListUsers, then ListAccessKeys and
   * GetAccessKeyLastUsed per user, `concurrency` users at a time; `onProgress` hears users done of those listed.
   */
  listLegacyUsers(options?: {
    concurrency?: number;
    onProgress?: (done: number, total: number) => void;
  }): Promise<AwsOutcome<LegacyIamKeyHolder[]>>;
}

/**
 * Identity Center sign-ins, from CloudTrail's event history (LookupEvents, 2 requests/s per account and region,
 * 90 days kept): who signed in last when, for the audit's inactive users.
 */
export interface SignInHistory {
  /**
   * Every successful sign-in from `since` (or CloudTrail's 90-day horizon, whichever is later) until now, read
   * newest first, reduced to each user's latest. `onPage` hears the pages and sign-ins read so far (progress).
   */
  lastSignIns(
    since: Date,
    options?: { onPage?: (pages: number, signIns: number) => void },
  ): Promise<AwsOutcome<LastSignIns>>;
}

/** Applications assigned to users and groups (sso-admin): a leaver's second kind of access. */
export interface ApplicationAssignments {
  /**
   * The principal's application assignments, as AWS lists them for it: for a user, those through its groups too
   * (each names the group as its principal).
   */
  listForPrincipal(principal: PrincipalRef): Promise<AwsOutcome<ApplicationAssignment[]>>;
  /** One already gone (or an application gone) is fine: `removed: false`. */
  delete(assignment: ApplicationAssignment): Promise<AwsOutcome<{ removed: boolean }>>;
  /**
   * Every application of the instance (their names), kept for a short while; `fresh`: read again now (an ARN the
   * kept list does not know is an application added since).
   */
  listApplications(options?: { fresh?: boolean }): Promise<AwsOutcome<Application[]>>;
}
