/**
 * What the product knows about people, groups and access in IAM Identity Center, IAM and SES, in its own
 * words. Adapters map AWS's shapes to these at the edge; nothing here knows about an SDK.
 */

export interface DirectoryUser {
  id: string;
  userName: string;
  displayName: string;
  givenName?: string;
  familyName?: string;
  /** The primary email, or the first one when none is marked primary. */
  email?: string;
  /**
   * ENABLED or DISABLED, as Identity Center now says (set in its console, not through the API). Absent when AWS
   * did not say: such a user is taken as enabled, as every user was before the attribute existed.
   */
  status?: UserStatus;
  /** When the user was created, when AWS says (a user newer than the inactivity window cannot have gone quiet). */
  createdAt?: Date;
}

export type UserStatus = 'ENABLED' | 'DISABLED';

export interface NewDirectoryUser {
  /** Also the user name: people sign in with their work email. */
  email: string;
  givenName: string;
  familyName: string;
  /** `givenName familyName` when absent. */
  displayName?: string;
}

/**
 * What changes of a user's details (UpdateUser): only the attributes given. The user name never changes (it is
 * immutable in Identity Center); a new email replaces the whole list and becomes the primary one.
 */
export interface UserDetailsUpdate {
  givenName?: string;
  familyName?: string;
  displayName?: string;
  email?: string;
}

export interface DirectoryGroup {
  id: string;
  name: string;
  description?: string;
}

export interface GroupMembership {
  membershipId: string;
  groupId: string;
  userId: string;
}

export interface IdentityCenterInstance {
  instanceArn: string;
  identityStoreId: string;
}

export interface PermissionSet {
  arn: string;
  name: string;
  description?: string;
  /** ISO 8601 duration as AWS states it, e.g. `PT1H`, `PT12H`. */
  sessionDuration: string;
  /** The same duration in hours (1–12); sessions already open last this long after access ends. */
  sessionHours: number;
}

export type PrincipalType = 'USER' | 'GROUP';

export interface PrincipalRef {
  type: PrincipalType;
  id: string;
}

export interface Assignment {
  accountId: string;
  permissionSetArn: string;
  principal: PrincipalRef;
}

/**
 * An application (a SAML or OAuth application, or an AWS managed one) assigned to a principal in Identity
 * Center: a second kind of access besides accounts, which a leaver keeps until it is removed.
 */
export interface ApplicationAssignment {
  applicationArn: string;
  /** The user itself, or a group through which a user holds it. */
  principal: PrincipalRef;
}

/** An application a user holds, and how: directly, or through one of their groups. */
export interface HeldApplication {
  applicationArn: string;
  /** The application's name (ListApplications), else its ARN. */
  application: string;
  /** The group it comes through (its name, and its id); absent when it is assigned to the user directly. */
  throughGroup?: string;
  throughGroupId?: string;
}

export interface Application {
  arn: string;
  name: string;
  description?: string;
  /** ENABLED or DISABLED, as AWS says. */
  status?: string;
}

/**
 * The latest successful Identity Center sign-in of each user, as CloudTrail recorded it, within the window read
 * (CloudTrail keeps 90 days). A user absent from both maps did not sign in within the window.
 */
export interface LastSignIns {
  /** Identity Center user id → latest sign-in (events since mid-2025 name the user by id). */
  byUserId: ReadonlyMap<string, Date>;
  /** Lower-cased user name → latest sign-in (older events, and external identity providers, name the user). */
  byUserName: ReadonlyMap<string, Date>;
  /** The window read: from (CloudTrail's horizon, or later) to when the read began. */
  from: Date;
  to: Date;
  /** LookupEvents pages read, and the sign-in events on them (for the benchmark's floor). */
  pages: number;
  events: number;
}

export interface AccessKeyInfo {
  id: string;
  status: 'Active' | 'Inactive';
  createdAt: Date;
  lastUsed?: { at: Date; service: string; region: string };
}

export interface MfaDeviceInfo {
  serialNumber: string;
  enabledAt: Date;
  /** A virtual device (its serial number is an ARN) is deleted after it is deactivated. */
  virtual: boolean;
}

export interface LegacyIamUser {
  userName: string;
  arn: string;
  /** The IAM path it is under: `/`, `/legacy/`. */
  path?: string;
  /**
   * Why access-desk will not delete it (it is outside the configured legacyIam.path), in words for the admin;
   * absent when it may.
   */
  cleanupRefused?: string;
  createdAt: Date;
  passwordLastUsed?: Date;
  accessKeys: AccessKeyInfo[];
  loginProfile?: { createdAt: Date; passwordResetRequired: boolean };
  groups: string[];
  attachedPolicies: { name: string; arn: string }[];
  inlinePolicies: string[];
  mfaDevices: MfaDeviceInfo[];
  signingCertificates: { id: string; status: string }[];
  sshPublicKeys: { id: string; status: string }[];
  serviceCredentials: { id: string; serviceName: string; status: string }[];
}

/** An IAM user as the audit sees it: who, and which access keys with their last use. */
export interface LegacyIamKeyHolder {
  userName: string;
  arn: string;
  createdAt: Date;
  passwordLastUsed?: Date;
  accessKeys: AccessKeyInfo[];
}

export interface EmailMessage {
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  html: string;
}
