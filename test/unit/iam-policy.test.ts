/**
 * docs/iam-policy.json against the code: every SDK command built in src/aws has its IAM action in the policy,
 * and the policy grants nothing the code does not call, beyond the role and SAML-provider actions Identity
 * Center needs to provision a permission set in an account. The file is what `npm run iam-policy` builds from
 * access-desk.example.yml, and every action names the resources AWS's Service Authorization Reference says IAM
 * checks for it, "*" only where AWS offers no resource-level permission.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { iamPolicy, type PolicyStatement } from '../../src/aws/iam-policy.js';
import { exampleConfig } from '../support/access-harness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const awsDir = join(root, 'src', 'aws');

/** The SDK client package → its IAM action prefix. */
const PREFIX: Record<string, string> = {
  'client-identitystore': 'identitystore',
  'client-sso-admin': 'sso',
  'client-sesv2': 'ses',
  'client-iam': 'iam',
  'client-cloudtrail': 'cloudtrail',
};

const PROVISIONING_SID = 'IdentityCenterProvisionsRoles';

type Statement = PolicyStatement;

function policy(): { Version: string; Statement: Statement[] } {
  return JSON.parse(readFileSync(join(root, 'docs', 'iam-policy.json'), 'utf8')) as {
    Version: string;
    Statement: Statement[];
  };
}

/** `iam:DeleteUser` for every `new DeleteUserCommand(` in a file importing it from @aws-sdk/client-iam. */
function actionsCalled(): Set<string> {
  const actions = new Set<string>();
  for (const file of readdirSync(awsDir).filter((f) => f.endsWith('.ts'))) {
    const source = readFileSync(join(awsDir, file), 'utf8');
    const from = new Map<string, string>();
    for (const m of source.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'@aws-sdk\/([a-z0-9-]+)'/g)) {
      const prefix = PREFIX[m[2] ?? ''];
      if (prefix === undefined) throw new Error(`${file}: no IAM prefix known for @aws-sdk/${m[2]}`);
      for (const name of (m[1] ?? '').split(',')) {
        const bare = name.trim().replace(/^type\s+/, '');
        if (bare.endsWith('Command')) from.set(bare, prefix);
      }
    }
    for (const m of source.matchAll(/new\s+([A-Z][A-Za-z0-9]*)Command\(/g)) {
      const command = `${m[1]}Command`;
      const prefix = from.get(command);
      if (prefix === undefined)
        throw new Error(`${file}: ${command} is not imported from an @aws-sdk client`);
      actions.add(`${prefix}:${m[1]}`);
    }
  }
  return actions;
}

describe('docs/iam-policy.json', () => {
  it('is an Allow-only policy document', () => {
    const doc = policy();
    expect(doc.Version).toBe('2012-10-17');
    for (const s of doc.Statement) {
      expect(s.Effect).toBe('Allow');
      for (const action of s.Action)
        expect(action).toMatch(/^(sso|identitystore|ses|iam|cloudtrail):[A-Z][A-Za-z]+$/);
      expect(s.Sid).toMatch(/^[A-Za-z0-9]+$/);
    }
  });

  it('is the policy `npm run iam-policy` builds from access-desk.example.yml', () => {
    expect(policy()).toEqual(iamPolicy(exampleConfig()));
  });

  it('grants every action the AWS adapter calls', () => {
    const called = actionsCalled();
    expect(called.size).toBeGreaterThan(30);
    expect(called).toContain('sso:CreateAccountAssignment');
    expect(called).toContain('identitystore:DeleteUser');
    expect(called).toContain('iam:DeleteUser');
    const granted = new Set(policy().Statement.flatMap((s) => s.Action));
    const missing = [...called].filter((a) => !granted.has(a)).sort();
    expect(missing).toEqual([]);
  });

  it('grants nothing else, except what Identity Center needs to provision roles', () => {
    const called = actionsCalled();
    const extra = policy()
      .Statement.filter((s) => s.Sid !== PROVISIONING_SID)
      .flatMap((s) => s.Action)
      .filter((a) => !called.has(a));
    expect(extra).toEqual([]);
    const provisioning = policy().Statement.find((s) => s.Sid === PROVISIONING_SID);
    expect(provisioning?.Resource).toEqual([
      'arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*',
      'arn:aws:iam::*:saml-provider/AWSSSO_*',
    ]);
  });
});

/**
 * The resource types AWS's Service Authorization Reference lists as required for each action access-desk calls
 * (empty: the action supports no resource-level permission, so only "*" can allow it). Read from the reference
 * (sso, identitystore, ses, iam) when the policy was scoped; the ARN forms are the reference's too.
 */
const REQUIRED: Record<string, string[]> = {
  'sso:ListInstances': [],
  'sso:ListApplications': [],
  'sso:ListApplicationAssignmentsForPrincipal': ['sso:Instance'],
  'sso:DeleteApplicationAssignment': ['sso:Application'],
  'cloudtrail:LookupEvents': [],
  'sso:DescribeAccountAssignmentCreationStatus': ['sso:Instance'],
  'sso:DescribeAccountAssignmentDeletionStatus': ['sso:Instance'],
  'sso:ListAccountAssignmentsForPrincipal': ['sso:Instance'],
  'sso:ListPermissionSets': ['sso:Instance'],
  'sso:DescribePermissionSet': ['sso:Instance', 'sso:PermissionSet'],
  'sso:ListAccountsForProvisionedPermissionSet': ['sso:Instance', 'sso:PermissionSet'],
  'sso:CreateAccountAssignment': ['sso:Account', 'sso:Instance', 'sso:PermissionSet'],
  'sso:DeleteAccountAssignment': ['sso:Account', 'sso:Instance', 'sso:PermissionSet'],
  'sso:ListAccountAssignments': ['sso:Account', 'sso:Instance', 'sso:PermissionSet'],
  'sso:DescribePermissionSetProvisioningStatus': ['sso:Instance'],
  'sso:GetInlinePolicyForPermissionSet': ['sso:Instance', 'sso:PermissionSet'],
  'sso:PutInlinePolicyToPermissionSet': ['sso:Instance', 'sso:PermissionSet'],
  'sso:DeleteInlinePolicyFromPermissionSet': ['sso:Instance', 'sso:PermissionSet'],
  'sso:ProvisionPermissionSet': ['sso:Account', 'sso:Instance', 'sso:PermissionSet'],
  'identitystore:CreateUser': ['identitystore:Identitystore'],
  'identitystore:CreateGroup': ['identitystore:Identitystore'],
  'identitystore:CreateGroupMembership': [
    'identitystore:Group',
    'identitystore:Identitystore',
    'identitystore:User',
  ],
  'identitystore:DeleteGroupMembership': [
    'identitystore:Group',
    'identitystore:GroupMembership',
    'identitystore:Identitystore',
    'identitystore:User',
  ],
  'identitystore:GetGroupMembershipId': [
    'identitystore:Group',
    'identitystore:GroupMembership',
    'identitystore:Identitystore',
    'identitystore:User',
  ],
  'identitystore:DeleteUser': ['identitystore:Identitystore', 'identitystore:User'],
  'identitystore:DescribeUser': ['identitystore:Identitystore', 'identitystore:User'],
  'identitystore:GetUserId': ['identitystore:Identitystore', 'identitystore:User'],
  'identitystore:DescribeGroup': ['identitystore:Group', 'identitystore:Identitystore'],
  'identitystore:GetGroupId': ['identitystore:Group', 'identitystore:Identitystore'],
  'identitystore:ListGroupMemberships': [
    'identitystore:AllGroupMemberships',
    'identitystore:Group',
    'identitystore:Identitystore',
  ],
  'identitystore:ListGroupMembershipsForMember': [
    'identitystore:AllGroupMemberships',
    'identitystore:Identitystore',
    'identitystore:User',
  ],
  'identitystore:ListGroups': ['identitystore:AllGroups', 'identitystore:Identitystore'],
  'identitystore:ListUsers': ['identitystore:AllUsers', 'identitystore:Identitystore'],
  'identitystore:UpdateUser': ['identitystore:Identitystore', 'identitystore:User'],
  'ses:SendEmail': ['ses:identity'],
  'iam:ListUsers': [],
  // ListMFADevices and DeleteVirtualMFADevice name their resource as optional; access-desk names it anyway.
  'iam:ListMFADevices': ['iam:user'],
  'iam:DeleteVirtualMFADevice': ['iam:mfa'],
  'iam:RemoveUserFromGroup': ['iam:group'],
  ...Object.fromEntries(
    [
      'GetAccessKeyLastUsed',
      'GetLoginProfile',
      'GetUser',
      'ListAccessKeys',
      'ListAttachedUserPolicies',
      'ListGroupsForUser',
      'ListSSHPublicKeys',
      'ListServiceSpecificCredentials',
      'ListSigningCertificates',
      'ListUserPolicies',
      'DeactivateMFADevice',
      'DeleteAccessKey',
      'DeleteLoginProfile',
      'DeleteSSHPublicKey',
      'DeleteServiceSpecificCredential',
      'DeleteSigningCertificate',
      'DeleteUser',
      'DeleteUserPolicy',
      'DetachUserPolicy',
    ].map((a) => [`iam:${a}`, ['iam:user']]),
  ),
  ...Object.fromEntries(
    [
      'AttachRolePolicy',
      'CreateRole',
      'DeleteRole',
      'DeleteRolePolicy',
      'DetachRolePolicy',
      'GetRole',
      'ListAttachedRolePolicies',
      'ListRolePolicies',
      'PutRolePolicy',
      'UpdateRole',
      'UpdateRoleDescription',
    ].map((a) => [`iam:${a}`, ['iam:role']]),
  ),
  ...Object.fromEntries(
    ['CreateSAMLProvider', 'DeleteSAMLProvider', 'GetSAMLProvider', 'UpdateSAMLProvider'].map((a) => [
      `iam:${a}`,
      ['iam:saml-provider'],
    ]),
  ),
};

/** Each resource type's ARN form (Service Authorization Reference, "Resource types"). */
const ARN_FORM: Record<string, RegExp> = {
  'sso:Instance': /^arn:aws:sso:::instance\/ssoins-[0-9a-f]{16}$/,
  'sso:PermissionSet': /^arn:aws:sso:::permissionSet\/ssoins-[0-9a-f]{16}\/(ps-[0-9a-f]{16}|\*)$/,
  'sso:Account': /^arn:aws:sso:::account\/(\d{12}|\*)$/,
  'sso:Application': /^arn:aws:sso::(\d{12}|\*):application\/ssoins-[0-9a-f]{16}\/(apl-[0-9a-zA-Z]{16}|\*)$/,
  'identitystore:Identitystore': /^arn:aws:identitystore::(\d{12}|\*):identitystore\/d-[0-9a-f]{10}$/,
  'identitystore:User': /^arn:aws:identitystore:::user\/\*$/,
  'identitystore:AllUsers': /^arn:aws:identitystore:::user\/\*$/,
  'identitystore:Group': /^arn:aws:identitystore:::group\/\*$/,
  'identitystore:AllGroups': /^arn:aws:identitystore:::group\/\*$/,
  'identitystore:GroupMembership': /^arn:aws:identitystore:::membership\/\*$/,
  'identitystore:AllGroupMemberships': /^arn:aws:identitystore:::membership\/\*$/,
  'ses:identity': /^arn:aws:ses:[a-z]{2}(-[a-z]+)+-\d:(\d{12}|\*):identity\/[^*]+$/,
  'iam:user': /^arn:aws:iam::(\d{12}|\*):user\/([\x21-\x7e]*\/)?\*$/,
  'iam:group': /^arn:aws:iam::(\d{12}|\*):group\//,
  'iam:mfa': /^arn:aws:iam::(\d{12}|\*):mfa\//,
  'iam:role': /^arn:aws:iam::(\d{12}|\*):role\/aws-reserved\/sso\.amazonaws\.com\/\*$/,
  'iam:saml-provider': /^arn:aws:iam::(\d{12}|\*):saml-provider\/AWSSSO_\*$/,
};

describe('the scope of docs/iam-policy.json', () => {
  const statements = policy().Statement;
  const resourcesOf = (action: string) =>
    statements.filter((s) => s.Action.includes(action)).map((s) => s.Resource);

  it('knows what AWS requires of every action it grants', () => {
    const granted = new Set(statements.flatMap((s) => s.Action));
    expect([...granted].filter((a) => REQUIRED[a] === undefined)).toEqual([]);
  });

  it('keeps "*" for the actions AWS offers no resource-level permission for, and for no other', () => {
    for (const [action, types] of Object.entries(REQUIRED)) {
      const resources = resourcesOf(action);
      if (resources.length === 0) continue;
      if (types.length === 0) expect(resources, action).toEqual(['*']);
      else expect(resources, action).not.toContain('*');
    }
  });

  it('names, for every action, a resource of each type AWS checks it against', () => {
    const missing: string[] = [];
    for (const [action, types] of Object.entries(REQUIRED)) {
      const resources = resourcesOf(action).flatMap((r) => (r === '*' ? [] : r));
      if (resourcesOf(action).length === 0 || types.length === 0) continue;
      for (const type of types) {
        const form = ARN_FORM[type];
        if (form === undefined) throw new Error(`no ARN form for ${type}`);
        if (!resources.some((r) => form.test(r))) missing.push(`${action} needs a ${type}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('grants new access only with the configured permission sets on the configured accounts', () => {
    const grant = statements.filter((s) => s.Action.includes('sso:CreateAccountAssignment'));
    expect(grant).toHaveLength(1);
    expect(grant[0]?.Action).toEqual(['sso:CreateAccountAssignment']);
    const accounts = (grant[0]?.Resource as string[]).filter((r) => r.includes(':account/')).sort();
    expect(accounts).toEqual(
      Object.values(exampleConfig().accounts)
        .map((id) => `arn:aws:sso:::account/${id}`)
        .sort(),
    );
  });

  it('removes application assignments only of the instance’s applications', () => {
    expect(resourcesOf('sso:DeleteApplicationAssignment')).toEqual([
      ['arn:aws:sso::*:application/ssoins-6804c2b7a1e93f50/*'],
    ]);
  });

  it('sends email only as the configured sender (or its domain) in the SES region', () => {
    expect(resourcesOf('ses:SendEmail')).toEqual([
      [
        'arn:aws:ses:eu-west-1:*:identity/aws-access@example.com',
        'arn:aws:ses:eu-west-1:*:identity/example.com',
      ],
    ]);
  });
});

describe('the policy `npm run iam-policy` builds for another deployment', () => {
  const PINNED = {
    Developer: 'arn:aws-us-gov:sso:::permissionSet/ssoins-7907a1b2c3d4e5f6/ps-00000000000000a1',
    ReadOnlyAccess: 'arn:aws-us-gov:sso:::permissionSet/ssoins-7907a1b2c3d4e5f6/ps-00000000000000a2',
  };
  const config = {
    ...exampleConfig(),
    identityCenter: {
      ...exampleConfig().identityCenter,
      instanceArn: 'arn:aws-us-gov:sso:::instance/ssoins-7907a1b2c3d4e5f6',
      identityStoreId: 'd-9067000001',
      region: 'us-gov-west-1',
    },
    accounts: { dev: '444444444444', prod: '555555555555' },
    permissionSets: { Developer: { arn: PINNED.Developer }, ReadOnlyAccess: { arn: PINNED.ReadOnlyAccess } },
    email: { ...exampleConfig().email, from: 'access@corp.example.org', region: 'us-gov-east-1' },
    legacyIam: { path: '/legacy/' },
  };
  const built = iamPolicy(config, { account: '666666666666' });
  const statement = (sid: string) => built.Statement.find((s) => s.Sid === sid);
  const grantsOn = (action: string) =>
    built.Statement.filter((s) => s.Action.includes(action)).flatMap((s) => s.Resource);

  it('grants with the pinned permission sets alone, on the configured accounts, in the instance’s partition', () => {
    expect(grantsOn('sso:CreateAccountAssignment')).toEqual([
      'arn:aws-us-gov:sso:::instance/ssoins-7907a1b2c3d4e5f6',
      PINNED.Developer,
      PINNED.ReadOnlyAccess,
      'arn:aws-us-gov:sso:::account/444444444444',
      'arn:aws-us-gov:sso:::account/555555555555',
    ]);
  });

  it('falls back to every permission set of the instance when one is found by name', () => {
    const unpinned = iamPolicy({ ...config, permissionSets: { ...config.permissionSets, Billing: {} } });
    expect(
      unpinned.Statement.filter((s) => s.Action.includes('sso:CreateAccountAssignment')).flatMap(
        (s) => s.Resource,
      ),
    ).toContain('arn:aws-us-gov:sso:::permissionSet/ssoins-7907a1b2c3d4e5f6/*');
  });

  it('deletes legacy IAM users only under legacyIam.path, and reads them all', () => {
    expect(grantsOn('iam:DeleteUser')).toEqual(['arn:aws-us-gov:iam::666666666666:user/legacy/*']);
    expect(grantsOn('iam:DeleteAccessKey')).toEqual(['arn:aws-us-gov:iam::666666666666:user/legacy/*']);
    expect(grantsOn('iam:ListAccessKeys')).toEqual(['arn:aws-us-gov:iam::666666666666:user/*']);
  });

  it('names the identity store and the SES identities in the given account and the SES region', () => {
    expect(statement('IdentityStoreDirectory')?.Resource).toContain(
      'arn:aws-us-gov:identitystore::666666666666:identitystore/d-9067000001',
    );
    expect(grantsOn('ses:SendEmail')).toEqual([
      'arn:aws-us-gov:ses:us-gov-east-1:666666666666:identity/access@corp.example.org',
      'arn:aws-us-gov:ses:us-gov-east-1:666666666666:identity/corp.example.org',
    ]);
  });
});
