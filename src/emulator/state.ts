/**
 * The emulated organisation: everything the four services know, in memory. Handlers read and change it;
 * the seeder fills it; the control endpoint shows it. Time comes from the injected clock, so that the
 * asynchronous work of sso-admin (assignment provisioning) is settled lazily and deterministically.
 */
import { ids } from './ids.js';

// ---------- identitystore ----------

export interface StoredUser {
  UserId: string;
  UserName: string;
  /** Every other attribute as CreateUser/UpdateUser gave it: Name, DisplayName, Emails, Title, … */
  attributes: Record<string, unknown>;
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
  /** Assignments that exist, by assignmentKey. */
  readonly assignments = new Map<string, AssignmentTarget>();
  /** Permission set × account pairs provisioned (an IAM role exists in the account), by provisionKey. */
  readonly provisioned = new Set<string>();
  /** Every assignment request ever made, by RequestId. */
  readonly assignmentOperations = new Map<string, AssignmentOperation>();
  readonly mailbox: SentEmail[] = [];
  /** Verified SES identities: email addresses and domains. */
  readonly verifiedIdentities = new Set<string>();
  readonly iamUsers = new Map<string, IamUser>();
  readonly virtualMfaDevices = new Map<string, IamVirtualMfaDevice>();

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

  /** Completes every assignment operation whose provisioning time has come. Safe to call at any time. */
  settle(): void {
    const now = this.clock.now();
    for (const op of this.assignmentOperations.values()) {
      if (op.Status !== 'IN_PROGRESS' || op.completesAt > now) continue;
      op.Status = op.outcome;
      if (op.outcome === 'FAILED') continue;
      const key = assignmentKey(op.target);
      if (op.kind === 'create') {
        this.assignments.set(key, { ...op.target });
        this.provisioned.add(provisionKey(op.target.PermissionSetArn, op.target.AccountId));
      } else {
        this.assignments.delete(key);
      }
    }
  }

  /** Operations still running, e.g. to enforce the 15 concurrent CreateAccountAssignment limit. */
  inProgress(kind: 'create' | 'delete'): AssignmentOperation[] {
    return [...this.assignmentOperations.values()].filter(
      (o) => o.kind === kind && o.Status === 'IN_PROGRESS',
    );
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
