/**
 * Canned data for the Slack layer's tests: the example organisation's names, a config, and RequestViews in
 * any state, built the way the access service would read them from the ledger.
 */
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
    timing: { pendingLifetimeMs: DAY, reminderBeforeMs: 15 * 60_000, schedulerIntervalMs: 30_000 },
    database: { path: ':memory:' },
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
