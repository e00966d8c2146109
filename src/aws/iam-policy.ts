/**
 * The IAM policy access-desk's own AWS principal needs, scoped to one deployment: built from the config, by
 * `npm run iam-policy` (src/iam-policy-cli.ts); docs/iam-policy.json is the one built from
 * access-desk.example.yml. Every action here is one the adapter calls (test/unit/iam-policy.test.ts checks both
 * ways), except the IAM role and SAML provider actions that Identity Center itself performs with the caller's
 * permissions when it provisions a permission set in the caller's own account (see the README's IAM section).
 *
 * Resource types are those AWS's Service Authorization Reference gives for each action: an action that supports
 * no resource-level permission (sso:ListInstances, iam:ListUsers) keeps "*"; the rest are named.
 */
import type { AccessDeskConfig } from '../config/types.js';

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string[] | '*';
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

export interface IamPolicyOptions {
  /**
   * The 12-digit account access-desk's credentials belong to: IAM users, SES identities and the identity store
   * live there. Absent: `*`, which comes to the same, since these calls can only act in the caller's account.
   */
  account?: string;
}

/** The Identity Center calls, by what they need to name. */
export const SSO_ACTIONS = {
  /**
   * No resource-level permission: how the instance is found, what /readyz asks, and the instance's applications
   * (their names, for whois and the offboarding preview).
   */
  unscoped: ['sso:ListApplications', 'sso:ListInstances'],
  /** Instance* only. */
  instance: [
    'sso:DescribeAccountAssignmentCreationStatus',
    'sso:DescribeAccountAssignmentDeletionStatus',
    'sso:DescribePermissionSetProvisioningStatus',
    'sso:ListAccountAssignmentsForPrincipal',
    'sso:ListApplicationAssignmentsForPrincipal',
    'sso:ListPermissionSets',
  ],
  /**
   * Any permission set of the instance, on any account: offboarding removes every direct assignment a leaver
   * holds (whatever it is), and whois and the audit read them all.
   */
  anyAssignment: [
    'sso:DeleteAccountAssignment',
    'sso:DescribePermissionSet',
    'sso:ListAccountAssignments',
    'sso:ListAccountsForProvisionedPermissionSet',
  ],
  /** Only the configured permission sets on the configured accounts. */
  grant: ['sso:CreateAccountAssignment'],
  /** On the application: offboarding removes a leaver's application assignments, whichever the application. */
  applications: ['sso:DeleteApplicationAssignment'],
  /**
   * Ending sessions already open (sessions.endOnRevoke): access-desk's own Deny statements in any permission
   * set's inline policy (offboarding ends a leaver's sessions of every set they held), provisioned to any account.
   */
  endSessions: [
    'sso:DeleteInlinePolicyFromPermissionSet',
    'sso:GetInlinePolicyForPermissionSet',
    'sso:ProvisionPermissionSet',
    'sso:PutInlinePolicyToPermissionSet',
  ],
} as const;

export const IDENTITY_STORE_ACTIONS = [
  'identitystore:CreateGroup',
  'identitystore:CreateGroupMembership',
  'identitystore:CreateUser',
  'identitystore:DeleteGroupMembership',
  'identitystore:DeleteUser',
  'identitystore:DescribeGroup',
  'identitystore:DescribeUser',
  'identitystore:GetGroupId',
  'identitystore:GetGroupMembershipId',
  'identitystore:GetUserId',
  'identitystore:ListGroupMemberships',
  'identitystore:ListGroupMembershipsForMember',
  'identitystore:ListGroups',
  'identitystore:ListUsers',
  'identitystore:UpdateUser',
] as const;

/**
 * What Identity Center does in the account the caller belongs to when it provisions a permission set there
 * (the AWSReservedSSO_ role and the AWSSSO_ SAML provider). access-desk never calls these; in other accounts
 * Identity Center's service-linked role does the same with its own permissions.
 */
export const PROVISIONING_ACTIONS = [
  'iam:AttachRolePolicy',
  'iam:CreateRole',
  'iam:CreateSAMLProvider',
  'iam:DeleteRole',
  'iam:DeleteRolePolicy',
  'iam:DeleteSAMLProvider',
  'iam:DetachRolePolicy',
  'iam:GetRole',
  'iam:GetSAMLProvider',
  'iam:ListAttachedRolePolicies',
  'iam:ListRolePolicies',
  'iam:PutRolePolicy',
  'iam:UpdateRole',
  'iam:UpdateRoleDescription',
  'iam:UpdateSAMLProvider',
] as const;

export const PROVISIONING_SID = 'IdentityCenterProvisionsRoles';

/**
 * CloudTrail: the sign-in history the audit reads for inactive users. LookupEvents supports no resource-level
 * permission (it reads the account's whole event history), so only "*" allows it.
 */
export const CLOUDTRAIL_ACTIONS = ['cloudtrail:LookupEvents'] as const;

/** The legacy IAM calls, by what IAM authorizes them on. */
export const LEGACY_IAM_ACTIONS = {
  /** No resource-level permission. */
  unscoped: ['iam:ListUsers'],
  /** On the user: reading is not reaching, and the audit reports every IAM user's access keys. */
  read: [
    'iam:GetAccessKeyLastUsed',
    'iam:GetLoginProfile',
    'iam:GetUser',
    'iam:ListAccessKeys',
    'iam:ListAttachedUserPolicies',
    'iam:ListGroupsForUser',
    'iam:ListMFADevices',
    'iam:ListSSHPublicKeys',
    'iam:ListServiceSpecificCredentials',
    'iam:ListSigningCertificates',
    'iam:ListUserPolicies',
  ],
  /** On the user: only users under legacyIam.path. */
  remove: [
    'iam:DeactivateMFADevice',
    'iam:DeleteAccessKey',
    'iam:DeleteLoginProfile',
    'iam:DeleteSSHPublicKey',
    'iam:DeleteServiceSpecificCredential',
    'iam:DeleteSigningCertificate',
    'iam:DeleteUser',
    'iam:DeleteUserPolicy',
    'iam:DetachUserPolicy',
  ],
  /** IAM authorizes it on the group, not the user: the code refuses users outside the path. */
  group: ['iam:RemoveUserFromGroup'],
  /** On the device; one still assigned must first be deactivated, which is scoped to the path. */
  mfa: ['iam:DeleteVirtualMFADevice'],
} as const;

/** `aws`, `aws-us-gov`, `aws-cn`: the partition the instance is in. */
function partitionOf(instanceArn: string): string {
  return instanceArn.split(':')[1] ?? 'aws';
}

/** `ssoins-…` from `arn:aws:sso:::instance/ssoins-…`. */
function instanceIdOf(instanceArn: string): string {
  return instanceArn.slice(instanceArn.lastIndexOf('/') + 1);
}

const sorted = (values: Iterable<string>): string[] => [...new Set(values)].sort();

export function iamPolicy(config: AccessDeskConfig, options: IamPolicyOptions = {}): PolicyDocument {
  const { instanceArn, identityStoreId } = config.identityCenter;
  const partition = partitionOf(instanceArn);
  const instanceId = instanceIdOf(instanceArn);
  const account = options.account ?? '*';
  const anyPermissionSet = `arn:${partition}:sso:::permissionSet/${instanceId}/*`;
  const accountArn = (id: string): string => `arn:${partition}:sso:::account/${id}`;

  // Pinned ARNs name the permission sets exactly; one left to be found by name leaves only the instance's all.
  const pinned = Object.values(config.permissionSets).map((set) => set.arn);
  const grantablePermissionSets = pinned.every((arn): arn is string => arn !== undefined)
    ? sorted(pinned)
    : [anyPermissionSet];

  const sesRegion = config.email.region ?? config.identityCenter.region;
  const domain = config.email.from.slice(config.email.from.lastIndexOf('@') + 1);
  const sesIdentity = (name: string): string =>
    `arn:${partition}:ses:${sesRegion}:${account}:identity/${name}`;

  const iam = (resource: string): string => `arn:${partition}:iam::${account}:${resource}`;

  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'NoResourceLevelPermissions',
        Effect: 'Allow',
        Action: [...SSO_ACTIONS.unscoped, ...LEGACY_IAM_ACTIONS.unscoped, ...CLOUDTRAIL_ACTIONS],
        Resource: '*',
      },
      {
        Sid: 'IdentityCenterInstance',
        Effect: 'Allow',
        Action: [...SSO_ACTIONS.instance],
        Resource: [instanceArn],
      },
      {
        Sid: 'IdentityCenterReadAndRemoveAssignments',
        Effect: 'Allow',
        Action: [...SSO_ACTIONS.anyAssignment],
        Resource: [instanceArn, anyPermissionSet, accountArn('*')],
      },
      {
        Sid: 'IdentityCenterGrantConfiguredAccess',
        Effect: 'Allow',
        Action: [...SSO_ACTIONS.grant],
        Resource: [
          instanceArn,
          ...grantablePermissionSets,
          ...sorted(Object.values(config.accounts)).map(accountArn),
        ],
      },
      {
        Sid: 'IdentityCenterRemoveApplicationAssignments',
        Effect: 'Allow',
        Action: [...SSO_ACTIONS.applications],
        // Applications belong to the account that holds the instance (the management account).
        Resource: [`arn:${partition}:sso::${account}:application/${instanceId}/*`],
      },
      ...(config.sessions.endOnRevoke
        ? [
            {
              Sid: 'EndOpenSessions',
              Effect: 'Allow' as const,
              Action: [...SSO_ACTIONS.endSessions],
              Resource: [instanceArn, anyPermissionSet, accountArn('*')],
            },
          ]
        : []),
      {
        Sid: 'IdentityStoreDirectory',
        Effect: 'Allow',
        Action: [...IDENTITY_STORE_ACTIONS],
        Resource: [
          `arn:${partition}:identitystore::${account}:identitystore/${identityStoreId}`,
          `arn:${partition}:identitystore:::user/*`,
          `arn:${partition}:identitystore:::group/*`,
          `arn:${partition}:identitystore:::membership/*`,
        ],
      },
      {
        Sid: PROVISIONING_SID,
        Effect: 'Allow',
        Action: [...PROVISIONING_ACTIONS],
        Resource: [iam('role/aws-reserved/sso.amazonaws.com/*'), iam('saml-provider/AWSSSO_*')],
      },
      {
        Sid: 'WelcomeEmail',
        Effect: 'Allow',
        Action: ['ses:SendEmail'],
        Resource: sorted([sesIdentity(config.email.from), sesIdentity(domain)]),
      },
      {
        Sid: 'LegacyIamUsersRead',
        Effect: 'Allow',
        Action: [...LEGACY_IAM_ACTIONS.read],
        Resource: [iam('user/*')],
      },
      {
        Sid: 'LegacyIamUsersCleanUpUnderPath',
        Effect: 'Allow',
        Action: [...LEGACY_IAM_ACTIONS.remove],
        Resource: [iam(`user${config.legacyIam.path}*`)],
      },
      {
        Sid: 'LegacyIamGroupMembership',
        Effect: 'Allow',
        Action: [...LEGACY_IAM_ACTIONS.group],
        Resource: [iam('group/*')],
      },
      {
        Sid: 'LegacyIamVirtualMfaDevices',
        Effect: 'Allow',
        Action: [...LEGACY_IAM_ACTIONS.mfa],
        Resource: [iam('mfa/*')],
      },
    ],
  };
}

/** The policy as `npm run iam-policy` prints it and docs/iam-policy.json holds it. */
export function iamPolicyJson(config: AccessDeskConfig, options: IamPolicyOptions = {}): string {
  return `${JSON.stringify(iamPolicy(config, options), null, 2)}\n`;
}
