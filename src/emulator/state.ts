/**
 * The emulated organisation: everything the four services know, in memory. Handlers read and change it;
 * the seeder fills it; the control endpoint shows it. Time comes from the injected clock, so that the
 * asynchronous work of sso-admin (assignment provisioning) is settled lazily and deterministically.
 */
import type { ApplicationAssignment, StoredApplication } from './applications.js';
import type { TrailEvent } from './trail.js';
import { ids } from './ids.js';

// ---------- identitystore ----------

export interface StoredUser {
  UserId: string;
  UserName: string;
  /** Every other attribute as CreateUser/UpdateUser gave it: Name, DisplayName, Emails, Title, … */
  attributes: Record<string, unknown>;
  /**
   * ENABLED when absent. No API sets it (AWS shows it, only the console changes it): the seed's `status` and the
   * control endpoint's PATCH /_emulator/users/<userName> do.
   */
  UserStatus?: 'ENABLED' | 'DISABLED';
}

export interface StoredGroup {
  GroupId: string;
  DisplayName: string;
  Description?: string;
}

export interface StoredMembership {
  MembershipId: string;
  GroupId: string;
  UserId: string;
}

// ---------- sso-admin ----------

export interface Instance {
  InstanceArn: string;
  IdentityStoreId: string;
  Name: string;
  OwnerAccountId: string;
  CreatedDate: Date;
}

export interface Account {
  id: string;
  alias: string;
  /** The organisation's management account: a delegated administrator may not assign in it. */
  management: boolean;
}

export interface StoredPermissionSet {
  PermissionSetArn: string;
  Name: string;
  Description?: string;
  /** ISO 8601 duration, PT1H by default, at most PT12H. */
  SessionDuration: string;
  RelayState?: string;
  CreatedDate: Date;
}

export type PrincipalType = 'USER' | 'GROUP';

export interface AssignmentTarget {
  AccountId: string;
  PermissionSetArn: string;
  PrincipalType: PrincipalType;
  PrincipalId: string;
}

export type OperationStatus = 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';

/** One CreateAccountAssignment or DeleteAccountAssignment request and its (future) outcome. */
export interface AssignmentOperation {
  RequestId: string;
  kind: 'create' | 'delete';
  target: AssignmentTarget;
  CreatedDate: Date;
  /** IN_PROGRESS until `completesAt` (clock ms), then `outcome`. */
  Status: OperationStatus;
  completesAt: number;
  outcome: 'SUCCEEDED' | 'FAILED';
  /** Given when the outcome is FAILED. */
  FailureReason?: string;
}

/**
 * A permission set's inline policy as last provisioned to one account: what the IAM role there carries, which
 * changes only when ProvisionPermissionSet (or the set's first assignment there) completes, not when the
 * policy is edited.
 */
export interface ProvisionedPolicy {
  /** '' when the set had no inline policy then. */
  InlinePolicy: string;
  /** The set's policy revision it came from: an older one means the account lacks the latest version. */
  revision: number;
  /** When that provisioning completed, so a Deny in it can be said to hold since then. */
  provisionedAt: Date;
}

/** One ProvisionPermissionSet request and its (future) outcome. */
export interface PermissionSetProvisioning {
  RequestId: string;
  PermissionSetArn: string;
  TargetType: 'AWS_ACCOUNT' | 'ALL_PROVISIONED_ACCOUNTS';
  /** The account asked for; absent for ALL_PROVISIONED_ACCOUNTS. */
  AccountId?: string;
  /** The accounts it updates, fixed when it was asked for. */
  accountIds: string[];
  CreatedDate: Date;
  /** IN_PROGRESS until `completesAt` (clock ms), then `outcome`. */
  Status: OperationStatus;
  completesAt: number;
  outcome: 'SUCCEEDED' | 'FAILED';
  FailureReason?: string;
}

// ---------- sessions (control endpoint only) ----------

/** A session someone opened with a permission set in an account: what its credentials were issued for. */
export interface StoredSession {
  sessionId: string;
  userId: string;
  accountId: string;
  permissionSetArn: string;
  issuedAt: Date;
}

// ---------- SES ----------

export interface SentEmail {
  MessageId: string;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo: string[];
  subject: string;
  text?: string;
  html?: string;
  sentAt: Date;
}

// ---------- IAM ----------

export interface IamAccessKey {
  AccessKeyId: string;
  Status: 'Active' | 'Inactive';
  CreateDate: Date;
  lastUsed?: { LastUsedDate: Date; ServiceName: string; Region: string };
}

export interface IamMfaDevice {
  SerialNumber: string;
  EnableDate: Date;
  /** A virtual device is an entity of its own (DeleteVirtualMFADevice) once deactivated. */
  virtual: boolean;
}

export interface IamUser {
  UserName: string;
  UserId: string;
  Arn: string;
  Path: string;
  CreateDate: Date;
  PasswordLastUsed?: Date;
  accessKeys: IamAccessKey[];
  loginProfile?: { CreateDate: Date; PasswordResetRequired: boolean };
  groups: string[];
  attachedPolicies: { PolicyName: string; PolicyArn: string }[];
  /** Inline policy name → policy document (JSON text). */
  inlinePolicies: Record<string, string>;
  mfaDevices: IamMfaDevice[];
  signingCertificates: {
    CertificateId: string;
    CertificateBody: string;
    Status: 'Active' | 'Inactive';
    UploadDate: Date;
  }[];
  sshPublicKeys: {
    SSHPublicKeyId: string;
    Fingerprint: string;
    SSHPublicKeyBody: string;
    Status: 'Active' | 'Inactive';
    UploadDate: Date;
  }[];
  serviceCredentials: {
    ServiceSpecificCredentialId: string;
    ServiceName: string;
    ServiceUserName: string;
    Status: 'Active' | 'Inactive';
    CreateDate: Date;
  }[];
}

/** A virtual MFA device left behind after DeactivateMFADevice, until DeleteVirtualMFADevice. */
export interface IamVirtualMfaDevice {
  SerialNumber: string;
  EnableDate?: Date;
  UserName?: string;
}

export const assignmentKey = (t: AssignmentTarget): string =>
  `${t.AccountId}|${t.PermissionSetArn}|${t.PrincipalType}|${t.PrincipalId}`;
export const provisionKey = (permissionSetArn: string, accountId: string): string =>
  `${permissionSetArn}|${accountId}`;
const principalKey = (type: PrincipalType, id: string): string => `${type}|${id}`;
const accountPermissionSetKey = (accountId: string, permissionSetArn: string): string =>
  `${accountId}|${permissionSetArn}`;

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  let set = map.get(key);
  if (set === undefined) {
    set = new Set();
    map.set(key, set);
  }
  set.add(value);
}

function removeFrom<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (set === undefined) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}

export interface EmulatorClock {
  now(): number;
}

export const systemClock: EmulatorClock = { now: () => Date.now() };

export class EmulatorState {
  instance: Instance;
  /** Keyed by UserId; `userIdsByName` (lower-cased user name → UserId) keeps user names unique. */
  readonly users = new Map<string, StoredUser>();
  readonly userIdsByName = new Map<string, string>();
  readonly groups = new Map<string, StoredGroup>();
  readonly memberships = new Map<string, StoredMembership>();
  readonly accounts = new Map<string, Account>();
  readonly permissionSets = new Map<string, StoredPermissionSet>();
  readonly mailbox: SentEmail[] = [];
  /** Verified SES identities: email addresses and domains. */
  readonly verifiedIdentities = new Set<string>();
  readonly iamUsers = new Map<string, IamUser>();
  readonly virtualMfaDevices = new Map<string, IamVirtualMfaDevice>();
  /** Sessions opened through the control endpoint, by sessionId (src/emulator/sessions.ts). */
  readonly sessions = new Map<string, StoredSession>();
  /** CloudTrail's event history, in the order recorded (src/emulator/trail.ts): sign-ins, for now. */
  readonly trailEvents: TrailEvent[] = [];
  /** Application instances by ApplicationArn, and who is assigned to them (src/emulator/applications.ts). */
  readonly applications = new Map<string, StoredApplication>();
  readonly applicationAssignments = new Map<string, ApplicationAssignment>();

  // Assignments, provisioning and operations change only through the methods below, so that the indexes
  // beside them cannot drift: with thousands of users no handler may scan every assignment or operation.
  readonly #assignments = new Map<string, AssignmentTarget>();
  readonly #assignmentsByPrincipal = new Map<string, Set<string>>();
  readonly #assignmentsByAccountPermissionSet = new Map<string, Set<string>>();
  readonly #provisioned = new Set<string>();
  readonly #accountsByPermissionSet = new Map<string, Set<string>>();
  readonly #permissionSetsByAccount = new Map<string, Set<string>>();
  readonly #operations = new Map<string, AssignmentOperation>();
  readonly #operationsByKind = {
    create: new Map<string, AssignmentOperation>(),
    delete: new Map<string, AssignmentOperation>(),
  };
  /** IN_PROGRESS operations in the order they were made, so that settle() visits only these. */
  readonly #pending = new Set<AssignmentOperation>();
  readonly #pendingByTarget = new Map<string, Set<AssignmentOperation>>();
  #pendingCreations = 0;
  /** Inline policy text and its revision by permission set; each Put or Delete makes a new revision. */
  readonly #inlinePolicies = new Map<string, string>();
  readonly #policyRevisions = new Map<string, number>();
  /** What each provisioned permission set × account carries, by provisionKey. */
  readonly #provisionedPolicies = new Map<string, ProvisionedPolicy>();
  readonly #provisionings = new Map<string, PermissionSetProvisioning>();
  /** IN_PROGRESS provisionings in the order they were asked for, and by each account they update. */
  readonly #pendingProvisionings = new Set<PermissionSetProvisioning>();
  readonly #pendingProvisioningsByAccount = new Map<string, Set<PermissionSetProvisioning>>();

  constructor(
    readonly clock: EmulatorClock = systemClock,
    instance?: Partial<Instance>,
  ) {
    const InstanceArn = instance?.InstanceArn ?? ids.instanceArn();
    this.instance = {
      InstanceArn,
      IdentityStoreId: instance?.IdentityStoreId ?? ids.identityStoreId(),
      Name: instance?.Name ?? 'access-desk local Identity Center',
      OwnerAccountId: instance?.OwnerAccountId ?? ids.accountId(),
      CreatedDate: instance?.CreatedDate ?? new Date(clock.now()),
    };
  }

  now(): Date {
    return new Date(this.clock.now());
  }

  /** Assignments that exist, by assignmentKey, in the order they came to exist. */
  get assignments(): ReadonlyMap<string, AssignmentTarget> {
    return this.#assignments;
  }

  /** Permission set × account pairs provisioned (an IAM role exists in the account), as provisionKeys. */
  get provisioned(): ReadonlySet<string> {
    return this.#provisioned;
  }

  /** Every assignment request ever made, by RequestId, in the order they were made. */
  get assignmentOperations(): ReadonlyMap<string, AssignmentOperation> {
    return this.#operations;
  }

  hasAssignment(target: AssignmentTarget): boolean {
    return this.#assignments.has(assignmentKey(target));
  }

  /** Makes the assignment exist (again); an existing one keeps its place in the order. */
  putAssignment(target: AssignmentTarget): void {
    const key = assignmentKey(target);
    const stored = { ...target };
    if (!this.#assignments.has(key)) {
      addTo(this.#assignmentsByPrincipal, principalKey(stored.PrincipalType, stored.PrincipalId), key);
      addTo(
        this.#assignmentsByAccountPermissionSet,
        accountPermissionSetKey(stored.AccountId, stored.PermissionSetArn),
        key,
      );
    }
    this.#assignments.set(key, stored);
  }

  /** False when there was no such assignment. */
  removeAssignment(target: AssignmentTarget): boolean {
    const key = assignmentKey(target);
    const stored = this.#assignments.get(key);
    if (stored === undefined) return false;
    removeFrom(this.#assignmentsByPrincipal, principalKey(stored.PrincipalType, stored.PrincipalId), key);
    removeFrom(
      this.#assignmentsByAccountPermissionSet,
      accountPermissionSetKey(stored.AccountId, stored.PermissionSetArn),
      key,
    );
    return this.#assignments.delete(key);
  }

  /** A principal's direct assignments, in the order they came to exist. */
  assignmentsOfPrincipal(type: PrincipalType, id: string): AssignmentTarget[] {
    return this.#assignmentsAt(this.#assignmentsByPrincipal.get(principalKey(type, id)));
  }

  /** Everyone assigned a permission set in an account, in the order they were assigned. */
  assignmentsOn(accountId: string, permissionSetArn: string): AssignmentTarget[] {
    return this.#assignmentsAt(
      this.#assignmentsByAccountPermissionSet.get(accountPermissionSetKey(accountId, permissionSetArn)),
    );
  }

  #assignmentsAt(keys: Iterable<string> | undefined): AssignmentTarget[] {
    const out: AssignmentTarget[] = [];
    for (const key of keys ?? []) {
      const a = this.#assignments.get(key);
      if (a !== undefined) out.push(a);
    }
    return out;
  }

  /**
   * Provisioning is never undone: AWS keeps the role in the account after its last assignment goes. The first
   * provisioning in an account carries the set's inline policy as it is then; later edits wait for
   * provisionPermissionSet.
   */
  markProvisioned(permissionSetArn: string, accountId: string, at: Date = this.now()): void {
    const key = provisionKey(permissionSetArn, accountId);
    if (this.#provisioned.has(key)) return;
    this.#provisioned.add(key);
    addTo(this.#accountsByPermissionSet, permissionSetArn, accountId);
    addTo(this.#permissionSetsByAccount, accountId, permissionSetArn);
    this.#takePolicySnapshot(permissionSetArn, accountId, at);
  }

  /** What ProvisionPermissionSet does in one account once it completes: the role gets the current policy. */
  provisionPermissionSet(permissionSetArn: string, accountId: string, at: Date = this.now()): void {
    this.markProvisioned(permissionSetArn, accountId, at);
    this.#takePolicySnapshot(permissionSetArn, accountId, at);
  }

  #takePolicySnapshot(permissionSetArn: string, accountId: string, at: Date): void {
    this.#provisionedPolicies.set(provisionKey(permissionSetArn, accountId), {
      InlinePolicy: this.inlinePolicyOf(permissionSetArn),
      revision: this.policyRevisionOf(permissionSetArn),
      provisionedAt: at,
    });
  }

  /** Undefined where the set is not provisioned. */
  provisionedPolicy(permissionSetArn: string, accountId: string): ProvisionedPolicy | undefined {
    return this.#provisionedPolicies.get(provisionKey(permissionSetArn, accountId));
  }

  /** Whether the account carries the set's latest revision (what ProvisioningStatus filters on). */
  hasLatestProvisioned(permissionSetArn: string, accountId: string): boolean {
    return (
      this.provisionedPolicy(permissionSetArn, accountId)?.revision ===
      this.policyRevisionOf(permissionSetArn)
    );
  }

  /** For a saved state read back (src/emulator/persist.ts): the set must already be marked provisioned there. */
  restoreProvisionedPolicy(permissionSetArn: string, accountId: string, policy: ProvisionedPolicy): void {
    if (!this.isProvisioned(permissionSetArn, accountId)) {
      throw new Error(`${permissionSetArn} is not provisioned to ${accountId}.`);
    }
    this.#provisionedPolicies.set(provisionKey(permissionSetArn, accountId), policy);
  }

  // ---------- inline policies ----------

  /** '' when the set has none, as GetInlinePolicyForPermissionSet answers. */
  inlinePolicyOf(permissionSetArn: string): string {
    return this.#inlinePolicies.get(permissionSetArn) ?? '';
  }

  policyRevisionOf(permissionSetArn: string): number {
    return this.#policyRevisions.get(permissionSetArn) ?? 0;
  }

  /** Permission sets that have an inline policy, in the order they first got one. */
  permissionSetsWithInlinePolicy(): string[] {
    return [...this.#inlinePolicies.keys()];
  }

  putInlinePolicy(permissionSetArn: string, policy: string): void {
    this.#inlinePolicies.set(permissionSetArn, policy);
    this.#policyRevisions.set(permissionSetArn, this.policyRevisionOf(permissionSetArn) + 1);
  }

  /** False when there was none (nothing changes then: the provisioned accounts stay up to date). */
  deleteInlinePolicy(permissionSetArn: string): boolean {
    if (!this.#inlinePolicies.delete(permissionSetArn)) return false;
    this.#policyRevisions.set(permissionSetArn, this.policyRevisionOf(permissionSetArn) + 1);
    return true;
  }

  /** For a saved state read back: the text and revision exactly as they were. */
  restoreInlinePolicy(permissionSetArn: string, policy: string | undefined, revision: number): void {
    if (policy === undefined) this.#inlinePolicies.delete(permissionSetArn);
    else this.#inlinePolicies.set(permissionSetArn, policy);
    this.#policyRevisions.set(permissionSetArn, revision);
  }

  /** Every set whose policy was ever set, with its text (undefined once deleted) and revision. */
  inlinePolicyRevisions(): { permissionSetArn: string; InlinePolicy?: string; revision: number }[] {
    return [...this.#policyRevisions.entries()].map(([permissionSetArn, revision]) => ({
      permissionSetArn,
      InlinePolicy: this.#inlinePolicies.get(permissionSetArn),
      revision,
    }));
  }

  // ---------- permission set provisioning ----------

  /** Every ProvisionPermissionSet request ever made, by RequestId, in the order they were made. */
  get permissionSetProvisionings(): ReadonlyMap<string, PermissionSetProvisioning> {
    return this.#provisionings;
  }

  /** Keeps a new ProvisionPermissionSet request; settle() completes it in place when its time comes. */
  recordPermissionSetProvisioning(op: PermissionSetProvisioning): void {
    if (this.#provisionings.has(op.RequestId)) {
      throw new Error(`Permission set provisioning ${op.RequestId} is already recorded.`);
    }
    this.#provisionings.set(op.RequestId, op);
    if (op.Status !== 'IN_PROGRESS') return;
    this.#pendingProvisionings.add(op);
    for (const accountId of op.accountIds) addTo(this.#pendingProvisioningsByAccount, accountId, op);
  }

  /** The IN_PROGRESS provisioning updating an account, if any (AWS updates one permission set at a time). */
  provisioningInProgressIn(accountId: string): PermissionSetProvisioning | undefined {
    return this.#pendingProvisioningsByAccount.get(accountId)?.values().next().value;
  }

  /** Every IN_PROGRESS provisioning, in the order they were asked for. */
  provisioningsInProgress(): PermissionSetProvisioning[] {
    return [...this.#pendingProvisionings];
  }

  isProvisioned(permissionSetArn: string, accountId: string): boolean {
    return this.#provisioned.has(provisionKey(permissionSetArn, accountId));
  }

  /** In the order they were provisioned. */
  accountsProvisionedWith(permissionSetArn: string): string[] {
    return [...(this.#accountsByPermissionSet.get(permissionSetArn) ?? [])];
  }

  /** In the order they were provisioned. */
  permissionSetsProvisionedTo(accountId: string): string[] {
    return [...(this.#permissionSetsByAccount.get(accountId) ?? [])];
  }

  /** Keeps a new assignment request; settle() completes it in place when its time comes. */
  recordOperation(op: AssignmentOperation): void {
    // Replacing an operation would leave the old one in the pending indexes.
    if (this.#operations.has(op.RequestId)) {
      throw new Error(`Assignment operation ${op.RequestId} is already recorded.`);
    }
    this.#operations.set(op.RequestId, op);
    this.#operationsByKind[op.kind].set(op.RequestId, op);
    if (op.Status !== 'IN_PROGRESS') return;
    this.#pending.add(op);
    addTo(this.#pendingByTarget, assignmentKey(op.target), op);
    if (op.kind === 'create') this.#pendingCreations += 1;
  }

  /** Requests of one kind by RequestId, in the order they were made. */
  operationsOfKind(kind: AssignmentOperation['kind']): ReadonlyMap<string, AssignmentOperation> {
    return this.#operationsByKind[kind];
  }

  /** IN_PROGRESS operations on one target (AWS lets only one run at a time). */
  runningOperationsOn(target: AssignmentTarget): AssignmentOperation[] {
    return [...(this.#pendingByTarget.get(assignmentKey(target)) ?? [])];
  }

  /** IN_PROGRESS creations, for the limit of 15 CreateAccountAssignment requests running at once. */
  runningCreationCount(): number {
    return this.#pendingCreations;
  }

  /** Every IN_PROGRESS operation, in the order they were made. */
  operationsInProgress(): AssignmentOperation[] {
    return [...this.#pending];
  }

  /**
   * Completes every assignment operation and permission set provisioning whose time has come. Safe to call at
   * any time; called before every AWS call and control read, so a completion sees the policy of its moment.
   */
  settle(): void {
    this.#settleAssignments();
    this.#settleProvisionings();
  }

  #settleAssignments(): void {
    const now = this.clock.now();
    // In the order the requests were made, as AWS would have applied them.
    for (const op of this.#pending) {
      if (op.completesAt > now) continue;
      this.#pending.delete(op);
      removeFrom(this.#pendingByTarget, assignmentKey(op.target), op);
      if (op.kind === 'create') this.#pendingCreations -= 1;
      op.Status = op.outcome;
      if (op.outcome === 'FAILED') continue;
      if (op.kind === 'create') {
        this.putAssignment(op.target);
        this.markProvisioned(op.target.PermissionSetArn, op.target.AccountId, new Date(op.completesAt));
      } else {
        this.removeAssignment(op.target);
      }
    }
  }

  #settleProvisionings(): void {
    const now = this.clock.now();
    for (const op of this.#pendingProvisionings) {
      if (op.completesAt > now) continue;
      this.#pendingProvisionings.delete(op);
      for (const accountId of op.accountIds) removeFrom(this.#pendingProvisioningsByAccount, accountId, op);
      op.Status = op.outcome;
      if (op.outcome === 'FAILED') continue;
      for (const accountId of op.accountIds) {
        this.provisionPermissionSet(op.PermissionSetArn, accountId, new Date(op.completesAt));
      }
    }
  }

  userByName(userName: string): StoredUser | undefined {
    const id = this.userIdsByName.get(userName.toLowerCase());
    return id === undefined ? undefined : this.users.get(id);
  }

  accountByAlias(alias: string): Account | undefined {
    return [...this.accounts.values()].find((a) => a.alias === alias);
  }

  permissionSetByName(name: string): StoredPermissionSet | undefined {
    return [...this.permissionSets.values()].find((p) => p.Name === name);
  }
}
