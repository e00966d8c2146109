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
}

export interface NewDirectoryUser {
  /** Also the user name: people sign in with their work email. */
  email: string;
  givenName: string;
  familyName: string;
  /** `givenName familyName` when absent. */
  displayName?: string;
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
