/**
 * Canned data for the Slack layer's tests: the example organisation's names, a config, and RequestViews in
 * any state, built the way the access service would read them from the ledger.
 */
import type { AdminStep, OffboardingPreview, RoleChangePreview } from '../../src/access/admin-api.js';
import type { RequestOptions } from '../../src/access/api.js';
import type { ApprovalRecord, GrantRecord, RequestRecord } from '../../src/access/ledger.js';
import type { RequestView } from '../../src/access/notifier.js';
import type { AccessDeskConfig } from '../../src/config/types.js';
import { DAY, HOUR } from '../../src/domain/duration.js';

export const REQUESTER = 'U0000SAMDEV';
export const LEAD_A = 'U0000LEAD1';
export const LEAD_B = 'U0000LEAD2';
export const LEAD_C = 'U0000LEAD3';
export const APPROVALS_CHANNEL = 'C0000APPROV';

export const OPTIONS: RequestOptions = {
  permissionSets: [
    { name: 'JuniorDeveloper', description: 'Junior developers' },
    { name: 'Developer', description: 'Developers: build and deploy in non-production' },
    { name: 'SeniorDeveloper', description: 'Senior developers, broader environment access' },
    { name: 'InsightsDeveloper', description: 'Analytics and data tooling' },
    { name: 'ProductionSupport', description: 'Read and restart in production' },
    { name: 'SecurityAdmin', description: 'Security tooling' },
    { name: 'FinanceAdmin', description: 'Billing and cost' },
    { name: 'ReadOnlyAccess', description: 'Read everything' },
    { name: 'AdministratorAccess', description: 'Full admin (leads only)' },
  ],
  accounts: [
    { alias: 'dev', id: '111111111111' },
    { alias: 'staging', id: '222222222222' },
    { alias: 'prod', id: '333333333333' },
  ],
};

export function testConfig(): AccessDeskConfig {
  return {
    identityCenter: {
      instanceArn: 'arn:aws:sso:::instance/ssoins-0123456789abcdef',
      identityStoreId: 'd-0123456789',
      region: 'eu-west-1',
      startUrl: 'https://example.awsapps.com/start',
      sessionName: 'example-ltd',
    },
    accounts: Object.fromEntries(OPTIONS.accounts.map((a) => [a.alias, a.id])),
    accountNames: {},
    permissionSets: Object.fromEntries(
      OPTIONS.permissionSets.map((p) => [
        p.name,
        { ...(p.description !== undefined ? { description: p.description } : {}) },
      ]),
    ),
    groups: ['AdministratorAccess', 'ReadOnly', 'Billing'],
    roles: {},
    people: {},
    approvers: { leads: { users: [LEAD_A, LEAD_B, LEAD_C] } },
    admins: ['U0000ADMIN'],
    rules: [{ index: 0, match: {}, approvers: ['leads'], approvals: 2, maxDurationMs: 12 * HOUR }],
    channels: { approvals: APPROVALS_CHANNEL },
    trustedEmailDomains: ['example.com'],
    email: { from: 'aws-access@example.com', cc: [], organisation: 'Example Ltd', oneTimePasswords: false },
    timing: {
      pendingLifetimeMs: DAY,
      reminderBeforeMs: 15 * 60_000,
      schedulerIntervalMs: 30_000,
      jobLeaseMs: 20_000,
    },
    sessions: { endOnRevoke: true, leaveAlone: [] },
    legacyIam: { path: '/' },
    audit: { inactiveAfterMs: 90 * 86_400_000 },
    database: { path: ':memory:', poolSize: 10 },
  };
}

const CREATED = new Date('2026-03-02T09:00:00Z');

export function requestRecord(overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    id: 'R-7K2Q9D',
    kind: 'access',
    status: 'pending',
    requesterSlackId: REQUESTER,
    requesterEmail: 'sam.dev@example.com',
    requesterUserId: '9067c0ffee-11111111-2222-3333-4444-555555555555',
    permissionSet: 'SeniorDeveloper',
    permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0000000000000003',
    accounts: [{ alias: 'prod', id: '333333333333' }],
    durationMs: 4 * HOUR,
    reason: 'fixing incident 4711',
    approvers: [LEAD_A, LEAD_B, LEAD_C],
    requiredApprovals: 2,
    channel: APPROVALS_CHANNEL,
    extendsGrantIds: [],
    details: {},
    createdAt: CREATED,
    lapsesAt: new Date(CREATED.getTime() + DAY),
    decidedAt: null,
    card: null,
    dm: null,
    ...overrides,
  };
}

export function grantRecord(overrides: Partial<GrantRecord> = {}): GrantRecord {
  return {
    id: 'G-0001',
    requestId: 'R-7K2Q9D',
    status: 'active',
    requesterSlackId: REQUESTER,
    principalId: '9067c0ffee-11111111-2222-3333-4444-555555555555',
    accountId: '333333333333',
    accountAlias: 'prod',
    permissionSet: 'SeniorDeveloper',
    permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0000000000000003',
    startsAt: new Date(CREATED.getTime() + HOUR),
    endsAt: new Date(CREATED.getTime() + 5 * HOUR),
    failureReason: null,
    awsRequestId: null,
    createdAssignment: true,
    remindedAt: null,
    endedAt: null,
    endReason: null,
    ...overrides,
  };
}

export function approval(overrides: Partial<ApprovalRecord> = {}): ApprovalRecord {
  return {
    requestId: 'R-7K2Q9D',
    approverSlackId: LEAD_A,
    decision: 'approve',
    reason: null,
    at: new Date(CREATED.getTime() + 30 * 60_000),
    ...overrides,
  };
}

export function requestView(
  request: Partial<RequestRecord> = {},
  extra: Partial<Omit<RequestView, 'request'>> = {},
): RequestView {
  return {
    request: requestRecord(request),
    approvals: [],
    grants: [],
    approvalsNeeded: request.status === undefined || request.status === 'pending' ? 2 : 0,
    permissionSetDescription: 'Senior developers, broader environment access',
    sessionHours: 8,
    ...extra,
  };
}

// ——— Admin work (onboarding, offboarding, role changes) ———

export const ADMIN = 'U0000ADMIN';

/** testConfig() with roles, for the onboarding form and role changes. */
export function adminTestConfig(): AccessDeskConfig {
  return {
    ...testConfig(),
    roles: {
      Developer: {
        description: 'Builds and deploys in non-production',
        groups: ['ReadOnly'],
        assignments: [{ permissionSet: 'Developer', accounts: ['dev', 'staging'] }],
      },
      SeniorDeveloper: {
        groups: ['ReadOnly'],
        assignments: [
          { permissionSet: 'SeniorDeveloper', accounts: ['dev', 'staging'] },
          { permissionSet: 'ReadOnlyAccess', accounts: ['prod'] },
        ],
      },
    },
  };
}

export function adminStep(overrides: Partial<AdminStep> = {}): AdminStep {
  return { id: 'create_user', kind: 'create_user', label: 'Create user', status: 'pending', ...overrides };
}

/** `count` steps, each `status`; ids and labels numbered. */
export function adminSteps(count: number, status: AdminStep['status'] = 'pending'): AdminStep[] {
  return Array.from({ length: count }, (_v, i) =>
    adminStep({ id: `assign:${i}`, kind: 'assign', label: `Assign Developer on account ${i}`, status }),
  );
}

const SUBJECTS = {
  onboard: { email: 'dara.oconnor@example.com', displayName: "Dara O'Connor" },
  offboard: { email: 'kim.leaver@example.com', displayName: 'Kim Leaver', userId: 'user-kim' },
  role_change: { email: 'sam.dev@example.com', displayName: 'Sam Dev', userId: 'user-sam' },
} as const;

/** An admin request as the admin service keeps it: the admin is the requester, the work in details.steps. */
export function adminRequestView(
  kind: 'onboard' | 'offboard' | 'role_change',
  request: Partial<RequestRecord> = {},
  details: Record<string, unknown> = {},
): RequestView {
  return requestView(
    {
      id: 'R-ADM1N1',
      kind,
      requesterSlackId: ADMIN,
      requesterEmail: 'admin@example.com',
      permissionSet: kind === 'offboard' ? '' : 'Developer',
      permissionSetArn: '',
      accounts: kind === 'offboard' ? [] : [{ alias: 'dev', id: '111111111111' }],
      durationMs: null,
      reason: kind === 'offboard' ? 'last day' : null,
      ...request,
      details: { subject: SUBJECTS[kind], steps: [adminStep()], ...details },
    },
    { permissionSetDescription: undefined, sessionHours: undefined },
  );
}

export function offboardingPreview(overrides: Partial<OffboardingPreview> = {}): OffboardingPreview {
  const at = new Date('2026-02-01T10:00:00Z');
  return {
    user: {
      id: 'user-kim',
      userName: 'kim.leaver@example.com',
      displayName: 'Kim Leaver',
      email: 'kim.leaver@example.com',
    },
    groups: [
      { id: 'g-1', name: 'ReadOnly' },
      { id: 'g-2', name: 'Billing' },
    ],
    directAssignments: [
      {
        accountId: '111111111111',
        accountAlias: 'dev',
        permissionSet: 'Developer',
        permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-1',
      },
      {
        accountId: '333333333333',
        accountAlias: 'prod',
        permissionSet: 'ProductionSupport',
        permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-5',
      },
    ],
    groupAssignments: [
      {
        group: 'ReadOnly',
        accountAlias: 'prod',
        permissionSet: 'ReadOnlyAccess',
        accountId: '333333333333',
        permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-3',
      },
    ],
    activeGrants: [grantRecord({ id: 'G-KIM1', requestId: 'R-KIMGR1', permissionSet: 'SeniorDeveloper' })],
    pendingRequests: [requestRecord({ id: 'R-KIMPND', permissionSet: 'FinanceAdmin' })],
    legacyIamUser: {
      userName: 'kim.leaver',
      arn: 'arn:aws:iam::333333333333:user/kim.leaver',
      createdAt: at,
      accessKeys: [
        {
          id: 'AKIAKIMLEAVER0000001',
          status: 'Active',
          createdAt: at,
          lastUsed: { at: new Date('2026-03-01T08:00:00Z'), service: 's3', region: 'eu-west-1' },
        },
        { id: 'AKIAKIMLEAVER0000002', status: 'Inactive', createdAt: at },
      ],
      groups: ['developers'],
      attachedPolicies: [{ name: 'ReadOnlyAccess', arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
      inlinePolicies: ['s3-scratch'],
      mfaDevices: [{ serialNumber: 'arn:aws:iam::333333333333:mfa/kim', enabledAt: at, virtual: true }],
      signingCertificates: [],
      sshPublicKeys: [],
      serviceCredentials: [],
    },
    longestSessionHours: 8,
    longestSessionPermissionSet: 'ProductionSupport',
    ...overrides,
  };
}

export function roleChangePreview(overrides: Partial<RoleChangePreview> = {}): RoleChangePreview {
  return {
    user: {
      id: 'user-sam',
      userName: 'sam.dev@example.com',
      displayName: 'Sam Dev',
      email: 'sam.dev@example.com',
    },
    role: 'SeniorDeveloper',
    current: {
      groups: ['ReadOnly'],
      assignments: [{ permissionSet: 'Developer', accountAlias: 'dev' }],
    },
    add: { groups: [], assignments: [{ permissionSet: 'SeniorDeveloper', accountAlias: 'dev' }] },
    remove: { groups: [], assignments: [{ permissionSet: 'Developer', accountAlias: 'dev' }] },
    ...overrides,
  };
}
