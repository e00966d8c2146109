/**
 * A permission set's inline policy and its provisioning to accounts, through the real SDK client: what
 * access-desk relies on to end open sessions (a Deny put in the policy reaches an account only once
 * ProvisionPermissionSet completes there; one update at a time per account).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AccessDeniedException,
  ConflictException,
  CreateAccountAssignmentCommand,
  CreatePermissionSetCommand,
  DeleteInlinePolicyFromPermissionSetCommand,
  DescribePermissionSetProvisioningStatusCommand,
  GetInlinePolicyForPermissionSetCommand,
  ListAccountsForProvisionedPermissionSetCommand,
  ListPermissionSetProvisioningStatusCommand,
  ListPermissionSetsProvisionedToAccountCommand,
  ProvisionPermissionSetCommand,
  PutInlinePolicyToPermissionSetCommand,
  ResourceNotFoundException,
  ValidationException,
  type PermissionSetProvisioningStatus,
  type SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { defaultFaults } from '../../src/emulator/faults.js';
import { ids } from '../../src/emulator/ids.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { sdkClients, testCredentials } from '../support/aws-clients.js';

const DEV = '111111111111';
const PROD = '222222222222';
const PROVISIONING_MS = 50;

/** The emulator's clock, moved by hand so that provisioning completes exactly when a test says. */
let now = Date.UTC(2030, 0, 1, 9, 0, 0);
const clock = { now: () => now };

let emu: RunningEmulator;
let sso: SSOAdminClient;
let developer: string;

beforeAll(async () => {
  emu = await startEmulator({
    credentials: [testCredentials],
    seed: false,
    rateLimits: false,
    clock,
    faults: { provisioningDelayMs: PROVISIONING_MS },
  });
  sso = sdkClients(emu.url).ssoAdmin;
});

afterAll(async () => {
  sso.destroy();
  await emu.close();
});

beforeEach(async () => {
  emu.reset();
  Object.assign(emu.faults, defaultFaults(), { provisioningDelayMs: PROVISIONING_MS });
  emu.state.accounts.set(DEV, { id: DEV, alias: 'dev', management: false });
  emu.state.accounts.set(PROD, { id: PROD, alias: 'prod', management: false });
  developer = await createPermissionSet('Developer');
});

const instanceArn = (): string => emu.state.instance.InstanceArn;

async function createPermissionSet(Name: string): Promise<string> {
  const out = await sso.send(new CreatePermissionSetCommand({ InstanceArn: instanceArn(), Name }));
  return out.PermissionSet!.PermissionSetArn!;
}

/** A deny-all statement, as access-desk writes one, under this Sid. */
const denyPolicy = (sid: string): string =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: sid, Effect: 'Deny', Action: '*', Resource: '*' }],
  });

const put = (InlinePolicy: string, PermissionSetArn = developer) =>
  sso.send(
    new PutInlinePolicyToPermissionSetCommand({ InstanceArn: instanceArn(), PermissionSetArn, InlinePolicy }),
  );

async function get(PermissionSetArn = developer): Promise<string | undefined> {
  const out = await sso.send(
    new GetInlinePolicyForPermissionSetCommand({ InstanceArn: instanceArn(), PermissionSetArn }),
  );
  return out.InlinePolicy;
}

const remove = (PermissionSetArn = developer) =>
  sso.send(new DeleteInlinePolicyFromPermissionSetCommand({ InstanceArn: instanceArn(), PermissionSetArn }));

async function provision(TargetId: string | undefined, PermissionSetArn = developer) {
  const out = await sso.send(
    new ProvisionPermissionSetCommand({
      InstanceArn: instanceArn(),
      PermissionSetArn,
      ...(TargetId === undefined
        ? { TargetType: 'ALL_PROVISIONED_ACCOUNTS' as const }
        : { TargetType: 'AWS_ACCOUNT' as const, TargetId }),
    }),
  );
  return out.PermissionSetProvisioningStatus!;
}

async function describeProvisioning(requestId: string): Promise<PermissionSetProvisioningStatus> {
  const out = await sso.send(
    new DescribePermissionSetProvisioningStatusCommand({
      InstanceArn: instanceArn(),
      ProvisionPermissionSetRequestId: requestId,
    }),
  );
  return out.PermissionSetProvisioningStatus!;
}

/** The policy text the account's role carries now. */
const carried = (accountId: string, arn = developer): string | undefined =>
  emu.state.provisionedPolicy(arn, accountId)?.InlinePolicy;

async function outdatedAccounts(arn = developer): Promise<string[] | undefined> {
  const out = await sso.send(
    new ListAccountsForProvisionedPermissionSetCommand({
      InstanceArn: instanceArn(),
      PermissionSetArn: arn,
      ProvisioningStatus: 'LATEST_PERMISSION_SET_NOT_PROVISIONED',
    }),
  );
  return out.AccountIds;
}

/** The set provisioned to these accounts already, with no inline policy, as an assignment there leaves it. */
function provisionedTo(...accounts: string[]): void {
  for (const account of accounts) emu.state.markProvisioned(developer, account);
}

async function refusal(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected the call to be refused');
    },
    (error: unknown) => error as Error,
  );
}

describe('an inline policy on a permission set', () => {
  it('is kept as put, read back whole, and gone once deleted (Get then answers an empty string)', async () => {
    expect(await get()).toBe('');
    const policy = denyPolicy('EndAll');
    await put(policy);
    expect(await get()).toBe(policy);
    await remove();
    expect(await get()).toBe('');
  });

  it('replaces the previous policy on a second put', async () => {
    await put(denyPolicy('First'));
    await put(denyPolicy('Second'));
    expect(await get()).toBe(denyPolicy('Second'));
  });

  it('refuses malformed JSON with ValidationException saying the policy has syntax errors', async () => {
    const error = await refusal(put('{"Version": "2012-10-17", "Statement": [}'));
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.message).toMatch(
      /^Invalid PermissionsPolicy Document: Syntax errors in policy: the document is not JSON/,
    );
    expect(await get()).toBe('');
  });

  it.each([
    ['no Statement', { Version: '2012-10-17' }, /Missing required field Statement/],
    [
      'an Effect other than Allow or Deny',
      { Statement: { Effect: 'Maybe', Action: '*', Resource: '*' } },
      /Effect must be Allow or Deny/,
    ],
    [
      'a Sid that is not alphanumeric',
      { Statement: { Sid: 'end-alice', Effect: 'Deny', Action: '*', Resource: '*' } },
      /Statement IDs \(SID\) must be alpha-numeric/,
    ],
    ['no Action', { Statement: { Effect: 'Deny', Resource: '*' } }, /Policy statement must contain actions/],
    [
      'no Resource',
      { Statement: { Effect: 'Deny', Action: '*' } },
      /Policy statement must contain resources/,
    ],
    [
      'a Principal',
      { Statement: { Effect: 'Deny', Principal: '*', Action: '*', Resource: '*' } },
      /should not specify a principal/,
    ],
    [
      'a condition value that is an object',
      {
        Statement: {
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: { StringEquals: { 'aws:PrincipalAccount': { id: DEV } } },
        },
      },
      /Condition StringEquals aws:PrincipalAccount must be a string/,
    ],
    ['an unknown Version', { Version: '2020-01-01', Statement: [] }, /failed legacy parsing/],
  ])('refuses a document with %s, saying what is wrong', async (_what, document, message) => {
    const error = await refusal(put(JSON.stringify(document)));
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.message).toMatch(/^Invalid PermissionsPolicy Document: /);
    expect(error.message).toMatch(message);
  });

  it('refuses a policy over the size limit with ValidationException naming the limit', async () => {
    const actions = Array.from({ length: 800 }, (_, i) => `s3:GetObjectNumber${i}`);
    const policy = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] });
    expect(policy.length).toBeGreaterThan(10_240);
    const error = await refusal(put(policy));
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.message).toContain('10240');
    expect(await get()).toBe('');
  });

  it('answers ResourceNotFoundException for a permission set that does not exist', async () => {
    const missing = ids.permissionSetArn(instanceArn());
    expect(await refusal(put(denyPolicy('X'), missing))).toBeInstanceOf(ResourceNotFoundException);
    expect(await refusal(get(missing))).toBeInstanceOf(ResourceNotFoundException);
  });

  it('answers AccessDeniedException to a put or delete on a permission set managed elsewhere, changing nothing', async () => {
    await put(denyPolicy('Theirs'));
    emu.faults.refusedPermissionSets = [developer];
    const putError = await refusal(put(denyPolicy('Ours')));
    expect(putError).toBeInstanceOf(AccessDeniedException);
    expect(putError.message).toContain(`sso:PutInlinePolicyToPermissionSet on resource: ${developer}`);
    expect(await refusal(remove())).toBeInstanceOf(AccessDeniedException);
    expect(await get()).toBe(denyPolicy('Theirs'));

    // Other permission sets are still ours to change.
    const other = await createPermissionSet('Other');
    await put(denyPolicy('Ours'), other);
    expect(await get(other)).toBe(denyPolicy('Ours'));
  });

  it('changes nothing in the accounts until the permission set is provisioned there', async () => {
    provisionedTo(DEV);
    await put(denyPolicy('EndAll'));
    expect(carried(DEV)).toBe('');
    expect(await outdatedAccounts()).toEqual([DEV]);
  });
});

describe('provisioning a permission set', () => {
  it('answers IN_PROGRESS, then SUCCEEDED once the provisioning time has passed, and the account carries the policy', async () => {
    provisionedTo(DEV);
    await put(denyPolicy('EndAll'));
    const startedAt = now;
    const started = await provision(DEV);
    expect(started).toEqual({
      Status: 'IN_PROGRESS',
      RequestId: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      ) as string,
      AccountId: DEV,
      PermissionSetArn: developer,
      CreatedDate: new Date(startedAt),
    });
    expect(carried(DEV)).toBe('');

    now += PROVISIONING_MS - 1;
    expect((await describeProvisioning(started.RequestId!)).Status).toBe('IN_PROGRESS');
    now += 1;
    expect(await describeProvisioning(started.RequestId!)).toEqual({ ...started, Status: 'SUCCEEDED' });
    expect(carried(DEV)).toBe(denyPolicy('EndAll'));
    expect(emu.state.provisionedPolicy(developer, DEV)?.provisionedAt).toEqual(
      new Date(startedAt + PROVISIONING_MS),
    );
    expect(await outdatedAccounts()).toEqual([]);
  });

  it('provisions to an account that had none, which then lists the set', async () => {
    await put(denyPolicy('EndAll'));
    await provision(PROD);
    now += PROVISIONING_MS;
    const inProd = await sso.send(
      new ListPermissionSetsProvisionedToAccountCommand({ InstanceArn: instanceArn(), AccountId: PROD }),
    );
    expect(inProd.PermissionSets).toEqual([developer]);
    expect(carried(PROD)).toBe(denyPolicy('EndAll'));
  });

  it('updates every account the set is provisioned to with ALL_PROVISIONED_ACCOUNTS', async () => {
    provisionedTo(DEV, PROD);
    await put(denyPolicy('EndAll'));
    const started = await provision(undefined);
    expect(started.AccountId).toBeUndefined();
    now += PROVISIONING_MS;
    expect((await describeProvisioning(started.RequestId!)).Status).toBe('SUCCEEDED');
    expect([carried(DEV), carried(PROD)]).toEqual([denyPolicy('EndAll'), denyPolicy('EndAll')]);
  });

  it('answers ConflictException to a second provisioning in an account while the first runs, but not in another account', async () => {
    const other = await createPermissionSet('Other');
    provisionedTo(DEV, PROD);
    await provision(DEV);

    const error = await refusal(provision(DEV, other));
    expect(error).toBeInstanceOf(ConflictException);
    expect(error.message).toMatch(/^There is a conflicting operation in process\./);
    expect(await refusal(provision(undefined))).toBeInstanceOf(ConflictException);

    expect((await provision(PROD, other)).Status).toBe('IN_PROGRESS');
    now += PROVISIONING_MS;
    expect((await provision(DEV, other)).Status).toBe('IN_PROGRESS');
  });

  it('ends FAILED with the fault’s reason, and the account keeps what it carried', async () => {
    provisionedTo(DEV);
    await put(denyPolicy('EndAll'));
    emu.faults.failedPermissionSetProvisioning = [
      { accountId: DEV, reason: 'The IAM role could not be updated.', remaining: 1 },
    ];
    const started = await provision(DEV);
    now += PROVISIONING_MS;
    expect(await describeProvisioning(started.RequestId!)).toEqual({
      ...started,
      Status: 'FAILED',
      FailureReason: 'The IAM role could not be updated.',
    });
    expect(carried(DEV)).toBe('');
    expect(await outdatedAccounts()).toEqual([DEV]);

    // The fault wore off: the retry succeeds.
    const retried = await provision(DEV);
    now += PROVISIONING_MS;
    expect((await describeProvisioning(retried.RequestId!)).Status).toBe('SUCCEEDED');
    expect(carried(DEV)).toBe(denyPolicy('EndAll'));
  });

  it('takes the failure and refusal faults through PATCH /_emulator/faults', async () => {
    const answer = await fetch(`${emu.url}/_emulator/faults`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        failedPermissionSetProvisioning: [{ permissionSetArn: developer, reason: 'Role quota exceeded.' }],
        refusedPermissionSets: [developer],
      }),
    });
    expect(answer.status).toBe(200);
    expect(await refusal(put(denyPolicy('EndAll')))).toBeInstanceOf(AccessDeniedException);
    const started = await provision(DEV);
    now += PROVISIONING_MS;
    expect((await describeProvisioning(started.RequestId!)).FailureReason).toBe('Role quota exceeded.');
  });

  it('refuses AWS_ACCOUNT without a TargetId, or with an account outside the organisation', async () => {
    const noTarget = sso.send(
      new ProvisionPermissionSetCommand({
        InstanceArn: instanceArn(),
        PermissionSetArn: developer,
        TargetType: 'AWS_ACCOUNT',
      }),
    );
    expect(await refusal(noTarget)).toBeInstanceOf(ValidationException);
    expect(await refusal(provision('333333333333'))).toBeInstanceOf(ValidationException);
  });

  it('answers ResourceNotFoundException for an unknown provisioning request id', async () => {
    expect(await refusal(describeProvisioning(ids.requestId()))).toBeInstanceOf(ResourceNotFoundException);
  });

  it('lists provisioning requests page by page, filtered by status', async () => {
    const other = await createPermissionSet('Other');
    const first = await provision(DEV);
    const second = await provision(PROD);
    now += PROVISIONING_MS;
    const third = await provision(DEV, other);

    const list = async (Status?: 'IN_PROGRESS' | 'SUCCEEDED') => {
      const seen: { RequestId?: string; Status?: string }[] = [];
      let NextToken: string | undefined;
      do {
        const page = await sso.send(
          new ListPermissionSetProvisioningStatusCommand({
            InstanceArn: instanceArn(),
            MaxResults: 2,
            NextToken,
            ...(Status ? { Filter: { Status } } : {}),
          }),
        );
        seen.push(...(page.PermissionSetsProvisioningStatus ?? []));
        NextToken = page.NextToken;
      } while (NextToken !== undefined);
      return seen.map((s) => [s.RequestId, s.Status]);
    };
    expect(await list()).toEqual([
      [first.RequestId, 'SUCCEEDED'],
      [second.RequestId, 'SUCCEEDED'],
      [third.RequestId, 'IN_PROGRESS'],
    ]);
    expect(await list('IN_PROGRESS')).toEqual([[third.RequestId, 'IN_PROGRESS']]);
  });
});

describe('an account’s first assignment', () => {
  it('provisions the inline policy as it is when the assignment completes there', async () => {
    const UserId = ids.directoryObjectId(emu.state.instance.IdentityStoreId);
    emu.state.users.set(UserId, { UserId, UserName: 'alice@example.com', attributes: {} });
    await put(denyPolicy('EndAll'));
    await sso.send(
      new CreateAccountAssignmentCommand({
        InstanceArn: instanceArn(),
        TargetId: DEV,
        TargetType: 'AWS_ACCOUNT',
        PermissionSetArn: developer,
        PrincipalType: 'USER',
        PrincipalId: UserId,
      }),
    );
    expect(carried(DEV)).toBeUndefined();
    now += PROVISIONING_MS;
    expect(await outdatedAccounts()).toEqual([]);
    expect(carried(DEV)).toBe(denyPolicy('EndAll'));

    // A later edit waits for ProvisionPermissionSet, even as more assignments complete there.
    await put(denyPolicy('Changed'));
    expect(carried(DEV)).toBe(denyPolicy('EndAll'));
  });
});
