import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AccessDeniedException,
  ConflictException,
  CreateAccountAssignmentCommand,
  CreatePermissionSetCommand,
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  DescribePermissionSetCommand,
  ListAccountAssignmentCreationStatusCommand,
  ListAccountAssignmentDeletionStatusCommand,
  ListAccountAssignmentsCommand,
  ListAccountAssignmentsForPrincipalCommand,
  ListAccountsForProvisionedPermissionSetCommand,
  ListInstancesCommand,
  ListPermissionSetsCommand,
  ListPermissionSetsProvisionedToAccountCommand,
  ResourceNotFoundException,
  ThrottlingException,
  ValidationException,
  paginateListAccountAssignments,
  paginateListAccountAssignmentsForPrincipal,
  paginateListAccountsForProvisionedPermissionSet,
  paginateListPermissionSets,
} from '@aws-sdk/client-sso-admin';
import type { AccountAssignmentOperationStatus, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { startEmulator } from '../../src/emulator/server.js';
import type { RunningEmulator } from '../../src/emulator/server.js';
import { defaultFaults } from '../../src/emulator/faults.js';
import { ids } from '../../src/emulator/ids.js';
import type { AssignmentTarget, EmulatorState } from '../../src/emulator/state.js';
import { sdkClients, testCredentials } from '../support/aws-clients.js';

const DEV = '111111111111';
const PROD = '222222222222';
const MANAGEMENT = '999999999999';
const PROVISIONING_MS = 50;

/** The emulator's clock, moved by hand so that provisioning completes exactly when a test says. */
let now = Date.UTC(2030, 0, 1, 9, 0, 0);
const clock = { now: () => now };

let emu: RunningEmulator;
let sso: SSOAdminClient;

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

beforeEach(() => {
  emu.reset();
  Object.assign(emu.faults, defaultFaults(), { provisioningDelayMs: PROVISIONING_MS });
  const { accounts } = emu.state;
  accounts.set(DEV, { id: DEV, alias: 'dev', management: false });
  accounts.set(PROD, { id: PROD, alias: 'prod', management: false });
  accounts.set(MANAGEMENT, { id: MANAGEMENT, alias: 'management', management: true });
});

const instanceArn = (): string => emu.state.instance.InstanceArn;

function addUser(state: EmulatorState, userName: string): string {
  const UserId = ids.directoryObjectId(state.instance.IdentityStoreId);
  state.users.set(UserId, { UserId, UserName: userName, attributes: {} });
  state.userIdsByName.set(userName.toLowerCase(), UserId);
  return UserId;
}

function addGroup(state: EmulatorState, displayName: string): string {
  const GroupId = ids.directoryObjectId(state.instance.IdentityStoreId);
  state.groups.set(GroupId, { GroupId, DisplayName: displayName });
  return GroupId;
}

async function createPermissionSet(Name: string, SessionDuration?: string): Promise<string> {
  const out = await sso.send(
    new CreatePermissionSetCommand({ InstanceArn: instanceArn(), Name, SessionDuration }),
  );
  return out.PermissionSet!.PermissionSetArn!;
}

/** An assignment that already exists, as the seeder would leave it. */
function seedAssignment(target: AssignmentTarget): void {
  emu.state.putAssignment(target);
  emu.state.markProvisioned(target.PermissionSetArn, target.AccountId);
}

function assignment(accountId: string, permissionSetArn: string, userId: string) {
  return {
    InstanceArn: instanceArn(),
    TargetId: accountId,
    TargetType: 'AWS_ACCOUNT' as const,
    PermissionSetArn: permissionSetArn,
    PrincipalType: 'USER' as const,
    PrincipalId: userId,
  };
}

async function creationStatus(requestId: string): Promise<AccountAssignmentOperationStatus> {
  const out = await sso.send(
    new DescribeAccountAssignmentCreationStatusCommand({
      InstanceArn: instanceArn(),
      AccountAssignmentCreationRequestId: requestId,
    }),
  );
  return out.AccountAssignmentCreationStatus!;
}

async function deletionStatus(requestId: string): Promise<AccountAssignmentOperationStatus> {
  const out = await sso.send(
    new DescribeAccountAssignmentDeletionStatusCommand({
      InstanceArn: instanceArn(),
      AccountAssignmentDeletionRequestId: requestId,
    }),
  );
  return out.AccountAssignmentDeletionStatus!;
}

/** Polls the way access-desk does, moving the clock 20 ms between polls; gives every status seen. */
async function pollUntilDone(describe: () => Promise<AccountAssignmentOperationStatus>) {
  const seen: AccountAssignmentOperationStatus[] = [];
  for (let i = 0; i < 20; i += 1) {
    const status = await describe();
    seen.push(status);
    if (status.Status !== 'IN_PROGRESS') return seen;
    now += 20;
  }
  throw new Error('the operation never completed');
}

async function createAndWait(accountId: string, permissionSetArn: string, userId: string) {
  const out = await sso.send(
    new CreateAccountAssignmentCommand(assignment(accountId, permissionSetArn, userId)),
  );
  const seen = await pollUntilDone(() => creationStatus(out.AccountAssignmentCreationStatus!.RequestId!));
  return seen[seen.length - 1]!;
}

async function listAssignments(accountId: string, permissionSetArn: string) {
  const out = await sso.send(
    new ListAccountAssignmentsCommand({
      InstanceArn: instanceArn(),
      AccountId: accountId,
      PermissionSetArn: permissionSetArn,
    }),
  );
  return out.AccountAssignments ?? [];
}

describe('instances and permission sets', () => {
  it('lists the one instance with its identity store, owner account, name and status', async () => {
    const out = await sso.send(new ListInstancesCommand({}));
    expect(out.Instances).toEqual([
      {
        InstanceArn: emu.state.instance.InstanceArn,
        IdentityStoreId: emu.state.instance.IdentityStoreId,
        OwnerAccountId: emu.state.instance.OwnerAccountId,
        Name: emu.state.instance.Name,
        CreatedDate: emu.state.instance.CreatedDate,
        Status: 'ACTIVE',
      },
    ]);
    expect(out.Instances?.[0]?.OwnerAccountId).toMatch(/^\d{12}$/);
    expect(out.NextToken).toBeUndefined();
  });

  it('creates a permission set with a one-hour session by default and describes it', async () => {
    const created = await sso.send(
      new CreatePermissionSetCommand({
        InstanceArn: instanceArn(),
        Name: 'ReadOnly',
        Description: 'Look, do not touch',
        RelayState: 'https://console.aws.amazon.com/',
      }),
    );
    const arn = created.PermissionSet!.PermissionSetArn!;
    expect(arn).toMatch(/^arn:aws:sso:::permissionSet\/ssoins-[0-9a-f]{16}\/ps-[0-9a-f]{16}$/);

    const described = await sso.send(
      new DescribePermissionSetCommand({ InstanceArn: instanceArn(), PermissionSetArn: arn }),
    );
    expect(described.PermissionSet).toEqual({
      Name: 'ReadOnly',
      PermissionSetArn: arn,
      Description: 'Look, do not touch',
      RelayState: 'https://console.aws.amazon.com/',
      SessionDuration: 'PT1H',
      CreatedDate: new Date(now),
    });
  });

  it('keeps the session duration it was given between one and twelve hours', async () => {
    await createPermissionSet('Twelve', 'PT12H');
    await createPermissionSet('NinetyMinutes', 'PT90M');
    for (const duration of ['PT30M', 'PT12H1M', 'P1D', 'PT0S']) {
      const attempt = createPermissionSet(`Bad${duration}`, duration);
      await expect(attempt).rejects.toBeInstanceOf(ValidationException);
      await expect(attempt).rejects.toThrow(/between PT1H .* and PT12H/);
    }
    const arns = (await sso.send(new ListPermissionSetsCommand({ InstanceArn: instanceArn() })))
      .PermissionSets;
    expect(arns).toHaveLength(2);
  });

  it('refuses a second permission set with the same name with ConflictException', async () => {
    await createPermissionSet('Admin');
    await expect(createPermissionSet('Admin')).rejects.toBeInstanceOf(ConflictException);
  });

  it('pages through permission sets in the order they were created', async () => {
    const created: string[] = [];
    for (let i = 0; i < 5; i += 1) created.push(await createPermissionSet(`Set${i}`));
    const pages: string[][] = [];
    for await (const page of paginateListPermissionSets(
      { client: sso, pageSize: 2 },
      { InstanceArn: instanceArn() },
    )) {
      pages.push(page.PermissionSets ?? []);
    }
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual(created);
  });

  it('answers ResourceNotFoundException for a permission set that does not exist', async () => {
    const missing = ids.permissionSetArn(instanceArn());
    const attempt = sso.send(
      new DescribePermissionSetCommand({ InstanceArn: instanceArn(), PermissionSetArn: missing }),
    );
    await expect(attempt).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(attempt).rejects.toThrow(missing);
  });

  it('answers ResourceNotFoundException for a well-formed instance that is not this one', async () => {
    const other = ids.instanceArn();
    const attempt = sso.send(new ListPermissionSetsCommand({ InstanceArn: other }));
    await expect(attempt).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(attempt).rejects.toThrow(`Instance ${other} not found`);
  });

  it('answers ValidationException for a malformed instance ARN', async () => {
    const attempt = sso.send(new ListPermissionSetsCommand({ InstanceArn: 'arn:aws:sso:::instance/nope' }));
    await expect(attempt).rejects.toBeInstanceOf(ValidationException);
  });
});

describe('creating an account assignment', () => {
  let permissionSetArn: string;
  let alice: string;

  beforeEach(async () => {
    permissionSetArn = await createPermissionSet('Developer');
    alice = addUser(emu.state, 'alice');
  });

  it('answers IN_PROGRESS, then SUCCEEDED after a few polls once provisioning time has passed', async () => {
    const startedAt = now;
    const out = await sso.send(new CreateAccountAssignmentCommand(assignment(DEV, permissionSetArn, alice)));
    const status = out.AccountAssignmentCreationStatus!;
    expect(status).toEqual({
      Status: 'IN_PROGRESS',
      RequestId: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      ) as string,
      TargetId: DEV,
      TargetType: 'AWS_ACCOUNT',
      PermissionSetArn: permissionSetArn,
      PrincipalType: 'USER',
      PrincipalId: alice,
      CreatedDate: new Date(startedAt),
    });
    expect(await listAssignments(DEV, permissionSetArn)).toEqual([]);

    const seen = await pollUntilDone(() => creationStatus(status.RequestId!));
    expect(seen.map((s) => s.Status)).toEqual(['IN_PROGRESS', 'IN_PROGRESS', 'IN_PROGRESS', 'SUCCEEDED']);
    expect(seen[3]).toEqual({ ...status, Status: 'SUCCEEDED' });
    expect(now - startedAt).toBeGreaterThanOrEqual(PROVISIONING_MS);

    expect(await listAssignments(DEV, permissionSetArn)).toEqual([
      { AccountId: DEV, PermissionSetArn: permissionSetArn, PrincipalType: 'USER', PrincipalId: alice },
    ]);
  });

  it('provisions the permission set in the account with its first successful assignment', async () => {
    const provisionedAccounts = async () =>
      (
        await sso.send(
          new ListAccountsForProvisionedPermissionSetCommand({
            InstanceArn: instanceArn(),
            PermissionSetArn: permissionSetArn,
          }),
        )
      ).AccountIds;
    expect(await provisionedAccounts()).toEqual([]);

    await sso.send(new CreateAccountAssignmentCommand(assignment(DEV, permissionSetArn, alice)));
    expect(await provisionedAccounts()).toEqual([]);
    now += PROVISIONING_MS;
    expect(await provisionedAccounts()).toEqual([DEV]);

    const inDev = await sso.send(
      new ListPermissionSetsProvisionedToAccountCommand({ InstanceArn: instanceArn(), AccountId: DEV }),
    );
    expect(inDev.PermissionSets).toEqual([permissionSetArn]);
    const inProd = await sso.send(
      new ListPermissionSetsProvisionedToAccountCommand({ InstanceArn: instanceArn(), AccountId: PROD }),
    );
    expect(inProd.PermissionSets).toEqual([]);
    const notLatest = await sso.send(
      new ListAccountsForProvisionedPermissionSetCommand({
        InstanceArn: instanceArn(),
        PermissionSetArn: permissionSetArn,
        ProvisioningStatus: 'LATEST_PERMISSION_SET_NOT_PROVISIONED',
      }),
    );
    expect(notLatest.AccountIds).toEqual([]);
  });

  it('succeeds again for an assignment that already exists', async () => {
    expect((await createAndWait(DEV, permissionSetArn, alice)).Status).toBe('SUCCEEDED');
    expect((await createAndWait(DEV, permissionSetArn, alice)).Status).toBe('SUCCEEDED');
    expect(await listAssignments(DEV, permissionSetArn)).toHaveLength(1);
  });

  it('ends FAILED with the reason when provisioning fails, and grants nothing', async () => {
    const reason = 'Received a 409 status error: the account has reached its quota of 1000 IAM roles.';
    emu.faults.failedProvisioning.push({ accountId: DEV, reason, remaining: 1 });

    const last = await createAndWait(DEV, permissionSetArn, alice);
    expect(last.Status).toBe('FAILED');
    expect(last.FailureReason).toBe(reason);
    expect(await listAssignments(DEV, permissionSetArn)).toEqual([]);
    const provisioned = await sso.send(
      new ListAccountsForProvisionedPermissionSetCommand({
        InstanceArn: instanceArn(),
        PermissionSetArn: permissionSetArn,
      }),
    );
    expect(provisioned.AccountIds).toEqual([]);

    // The fault wore off: the retry succeeds.
    expect((await createAndWait(DEV, permissionSetArn, alice)).Status).toBe('SUCCEEDED');
  });

  it('answers ConflictException while another operation on the same assignment is in progress', async () => {
    await sso.send(new CreateAccountAssignmentCommand(assignment(DEV, permissionSetArn, alice)));
    const again = sso.send(new CreateAccountAssignmentCommand(assignment(DEV, permissionSetArn, alice)));
    await expect(again).rejects.toBeInstanceOf(ConflictException);
    await expect(again).rejects.toThrow(/already in progress/);
    await expect(
      sso.send(new DeleteAccountAssignmentCommand(assignment(DEV, permissionSetArn, alice))),
    ).rejects.toBeInstanceOf(ConflictException);

    // Another target is not in the way, and once provisioning is done the same target is free again.
    await sso.send(new CreateAccountAssignmentCommand(assignment(PROD, permissionSetArn, alice)));
    now += PROVISIONING_MS;
    const removal = await sso.send(
      new DeleteAccountAssignmentCommand(assignment(DEV, permissionSetArn, alice)),
    );
    expect(removal.AccountAssignmentDeletionStatus?.Status).toBe('IN_PROGRESS');
  });

  it('answers AccessDeniedException for an account a delegated administrator may not assign in', async () => {
    emu.faults.accessDeniedAccounts.push(MANAGEMENT);
    const attempt = sso.send(
      new CreateAccountAssignmentCommand(assignment(MANAGEMENT, permissionSetArn, alice)),
    );
    await expect(attempt).rejects.toBeInstanceOf(AccessDeniedException);
    await expect(attempt).rejects.toThrow(/management account/);
    await expect(
      sso.send(new DeleteAccountAssignmentCommand(assignment(MANAGEMENT, permissionSetArn, alice))),
    ).rejects.toBeInstanceOf(AccessDeniedException);
    expect(emu.state.assignmentOperations.size).toBe(0);
  });

  it('refuses an unknown permission set, principal or instance with ResourceNotFoundException', async () => {
    const missingSet = ids.permissionSetArn(instanceArn());
    await expect(
      sso.send(new CreateAccountAssignmentCommand(assignment(DEV, missingSet, alice))),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);

    const nobody = ids.directoryObjectId(emu.state.instance.IdentityStoreId);
    const unknownUser = sso.send(
      new CreateAccountAssignmentCommand(assignment(DEV, permissionSetArn, nobody)),
    );
    await expect(unknownUser).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(unknownUser).rejects.toThrow(`User ${nobody} not found`);

    // A user's id is not a group's.
    const asGroup = sso.send(
      new CreateAccountAssignmentCommand({
        ...assignment(DEV, permissionSetArn, alice),
        PrincipalType: 'GROUP',
      }),
    );
    await expect(asGroup).rejects.toBeInstanceOf(ResourceNotFoundException);

    const otherInstance = sso.send(
      new CreateAccountAssignmentCommand({
        ...assignment(DEV, permissionSetArn, alice),
        InstanceArn: ids.instanceArn(),
      }),
    );
    await expect(otherInstance).rejects.toBeInstanceOf(ResourceNotFoundException);
    expect(emu.state.assignmentOperations.size).toBe(0);
  });

  it('refuses an account outside the organisation with ValidationException', async () => {
    const attempt = sso.send(
      new CreateAccountAssignmentCommand(assignment('333333333333', permissionSetArn, alice)),
    );
    await expect(attempt).rejects.toBeInstanceOf(ValidationException);
    await expect(attempt).rejects.toThrow(/333333333333/);
    const listing = sso.send(
      new ListPermissionSetsProvisionedToAccountCommand({
        InstanceArn: instanceArn(),
        AccountId: '333333333333',
      }),
    );
    await expect(listing).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('answers ResourceNotFoundException for an unknown creation request id', async () => {
    const attempt = creationStatus(ids.requestId());
    await expect(attempt).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('lists creation requests with their status, filtered by status', async () => {
    const bob = addUser(emu.state, 'bob');
    const first = await sso.send(
      new CreateAccountAssignmentCommand(assignment(DEV, permissionSetArn, alice)),
    );
    now += PROVISIONING_MS;
    const second = await sso.send(new CreateAccountAssignmentCommand(assignment(DEV, permissionSetArn, bob)));

    const all = await sso.send(
      new ListAccountAssignmentCreationStatusCommand({ InstanceArn: instanceArn() }),
    );
    expect(all.AccountAssignmentsCreationStatus).toEqual([
      {
        RequestId: first.AccountAssignmentCreationStatus!.RequestId,
        Status: 'SUCCEEDED',
        CreatedDate: first.AccountAssignmentCreationStatus!.CreatedDate,
      },
      {
        RequestId: second.AccountAssignmentCreationStatus!.RequestId,
        Status: 'IN_PROGRESS',
        CreatedDate: second.AccountAssignmentCreationStatus!.CreatedDate,
      },
    ]);
    const running = await sso.send(
      new ListAccountAssignmentCreationStatusCommand({
        InstanceArn: instanceArn(),
        Filter: { Status: 'IN_PROGRESS' },
      }),
    );
    expect(running.AccountAssignmentsCreationStatus?.map((s) => s.RequestId)).toEqual([
      second.AccountAssignmentCreationStatus!.RequestId,
    ]);
    const deletions = await sso.send(
      new ListAccountAssignmentDeletionStatusCommand({ InstanceArn: instanceArn() }),
    );
    expect(deletions.AccountAssignmentsDeletionStatus).toEqual([]);
  });
});

describe('deleting an account assignment', () => {
  let permissionSetArn: string;
  let alice: string;

  beforeEach(async () => {
    permissionSetArn = await createPermissionSet('Developer');
    alice = addUser(emu.state, 'alice');
  });

  it('removes an existing assignment asynchronously', async () => {
    await createAndWait(DEV, permissionSetArn, alice);
    const out = await sso.send(new DeleteAccountAssignmentCommand(assignment(DEV, permissionSetArn, alice)));
    const status = out.AccountAssignmentDeletionStatus!;
    expect(status).toMatchObject({
      Status: 'IN_PROGRESS',
      TargetId: DEV,
      PrincipalId: alice,
      PermissionSetArn: permissionSetArn,
    });
    expect(await listAssignments(DEV, permissionSetArn)).toHaveLength(1);

    const seen = await pollUntilDone(() => deletionStatus(status.RequestId!));
    expect(seen[0]?.Status).toBe('IN_PROGRESS');
    expect(seen[seen.length - 1]?.Status).toBe('SUCCEEDED');
    expect(await listAssignments(DEV, permissionSetArn)).toEqual([]);

    const listed = await sso.send(
      new ListAccountAssignmentDeletionStatusCommand({ InstanceArn: instanceArn() }),
    );
    expect(listed.AccountAssignmentsDeletionStatus?.map((s) => [s.RequestId, s.Status])).toEqual([
      [status.RequestId, 'SUCCEEDED'],
    ]);
  });

  it('answers ResourceNotFoundException for an assignment that does not exist', async () => {
    const attempt = sso.send(new DeleteAccountAssignmentCommand(assignment(DEV, permissionSetArn, alice)));
    await expect(attempt).rejects.toBeInstanceOf(ResourceNotFoundException);
    expect(emu.state.assignmentOperations.size).toBe(0);
  });

  it('does not describe a creation request as a deletion', async () => {
    const created = await sso.send(
      new CreateAccountAssignmentCommand(assignment(DEV, permissionSetArn, alice)),
    );
    const attempt = deletionStatus(created.AccountAssignmentCreationStatus!.RequestId!);
    await expect(attempt).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('listing assignments', () => {
  let developer: string;
  let admin: string;

  beforeEach(async () => {
    developer = await createPermissionSet('Developer');
    admin = await createPermissionSet('Admin');
  });

  it('lists a principal’s direct assignments only, not those through its groups', async () => {
    const alice = addUser(emu.state, 'alice');
    const engineers = addGroup(emu.state, 'engineers');
    emu.state.memberships.set('m-1', { MembershipId: 'm-1', GroupId: engineers, UserId: alice });
    seedAssignment({
      AccountId: PROD,
      PermissionSetArn: developer,
      PrincipalType: 'GROUP',
      PrincipalId: engineers,
    });
    await createAndWait(DEV, admin, alice);
    await createAndWait(PROD, admin, alice);

    const forAlice = await sso.send(
      new ListAccountAssignmentsForPrincipalCommand({
        InstanceArn: instanceArn(),
        PrincipalId: alice,
        PrincipalType: 'USER',
      }),
    );
    expect(forAlice.AccountAssignments).toEqual([
      { AccountId: DEV, PermissionSetArn: admin, PrincipalId: alice, PrincipalType: 'USER' },
      { AccountId: PROD, PermissionSetArn: admin, PrincipalId: alice, PrincipalType: 'USER' },
    ]);

    const inProd = await sso.send(
      new ListAccountAssignmentsForPrincipalCommand({
        InstanceArn: instanceArn(),
        PrincipalId: alice,
        PrincipalType: 'USER',
        Filter: { AccountId: PROD },
      }),
    );
    expect(inProd.AccountAssignments?.map((a) => a.AccountId)).toEqual([PROD]);

    const forGroup = await sso.send(
      new ListAccountAssignmentsForPrincipalCommand({
        InstanceArn: instanceArn(),
        PrincipalId: engineers,
        PrincipalType: 'GROUP',
      }),
    );
    expect(forGroup.AccountAssignments).toEqual([
      { AccountId: PROD, PermissionSetArn: developer, PrincipalId: engineers, PrincipalType: 'GROUP' },
    ]);
  });

  it('answers ResourceNotFoundException for a principal that does not exist', async () => {
    const nobody = ids.directoryObjectId(emu.state.instance.IdentityStoreId);
    const attempt = sso.send(
      new ListAccountAssignmentsForPrincipalCommand({
        InstanceArn: instanceArn(),
        PrincipalId: nobody,
        PrincipalType: 'USER',
      }),
    );
    await expect(attempt).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('answers ResourceNotFoundException when listing an unknown account or permission set', async () => {
    await expect(listAssignments('333333333333', developer)).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    await expect(listAssignments(DEV, ids.permissionSetArn(instanceArn()))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('pages through the assignments of an account and permission set with the SDK paginator', async () => {
    const principals: string[] = [];
    for (let i = 0; i < 7; i += 1) {
      const user = addUser(emu.state, `user${i}`);
      principals.push(user);
      seedAssignment({
        AccountId: DEV,
        PermissionSetArn: developer,
        PrincipalType: 'USER',
        PrincipalId: user,
      });
    }
    const group = addGroup(emu.state, 'everyone');
    seedAssignment({
      AccountId: DEV,
      PermissionSetArn: developer,
      PrincipalType: 'GROUP',
      PrincipalId: group,
    });
    seedAssignment({ AccountId: DEV, PermissionSetArn: admin, PrincipalType: 'GROUP', PrincipalId: group });

    const pages: string[][] = [];
    for await (const page of paginateListAccountAssignments(
      { client: sso, pageSize: 3 },
      { InstanceArn: instanceArn(), AccountId: DEV, PermissionSetArn: developer },
    )) {
      pages.push((page.AccountAssignments ?? []).map((a) => `${a.PrincipalType}:${a.PrincipalId}`));
    }
    expect(pages.map((p) => p.length)).toEqual([3, 3, 2]);
    expect(pages.flat()).toEqual([`GROUP:${group}`, ...principals.sort().map((p) => `USER:${p}`)]);
  });

  it('pages through a principal’s assignments and a permission set’s accounts', async () => {
    const alice = addUser(emu.state, 'alice');
    const accountIds = ['444444444444', '555555555555', '666666666666', '777777777777', '888888888888'];
    for (const id of accountIds) {
      emu.state.accounts.set(id, { id, alias: `acct-${id.slice(0, 1)}`, management: false });
      seedAssignment({
        AccountId: id,
        PermissionSetArn: developer,
        PrincipalType: 'USER',
        PrincipalId: alice,
      });
    }

    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateListAccountAssignmentsForPrincipal(
      { client: sso, pageSize: 2 },
      { InstanceArn: instanceArn(), PrincipalId: alice, PrincipalType: 'USER' },
    )) {
      pages += 1;
      seen.push(...(page.AccountAssignments ?? []).map((a) => a.AccountId!));
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(accountIds);

    const provisioned: string[] = [];
    for await (const page of paginateListAccountsForProvisionedPermissionSet(
      { client: sso, pageSize: 4 },
      { InstanceArn: instanceArn(), PermissionSetArn: developer },
    )) {
      provisioned.push(...(page.AccountIds ?? []));
    }
    expect(provisioned).toEqual(accountIds);
  });

  it('refuses a page size above the model’s maximum and a token from another list', async () => {
    await expect(
      sso.send(new ListPermissionSetsCommand({ InstanceArn: instanceArn(), MaxResults: 101 })),
    ).rejects.toBeInstanceOf(ValidationException);

    const first = await sso.send(
      new ListPermissionSetsCommand({ InstanceArn: instanceArn(), MaxResults: 1 }),
    );
    expect(first.NextToken).toBeDefined();
    const misuse = sso.send(
      new ListAccountsForProvisionedPermissionSetCommand({
        InstanceArn: instanceArn(),
        PermissionSetArn: developer,
        NextToken: first.NextToken,
      }),
    );
    await expect(misuse).rejects.toBeInstanceOf(ValidationException);
  });
});

describe('the limit on assignment creations in progress', () => {
  let limited: RunningEmulator;
  let client: SSOAdminClient;

  beforeAll(async () => {
    // Rate limits on (the 15-creation limit is one of them), the per-second rate high enough not to interfere.
    limited = await startEmulator({
      credentials: [testCredentials],
      seed: false,
      clock,
      rateLimits: { ssoAdminPerSecond: 1000 },
      faults: { provisioningDelayMs: PROVISIONING_MS },
    });
    client = sdkClients(limited.url).ssoAdmin;
  });

  afterAll(async () => {
    client.destroy();
    await limited.close();
  });

  it('answers ThrottlingException to the sixteenth creation while fifteen are in progress', async () => {
    const { state } = limited;
    state.accounts.set(DEV, { id: DEV, alias: 'dev', management: false });
    const created = await client.send(
      new CreatePermissionSetCommand({ InstanceArn: state.instance.InstanceArn, Name: 'Developer' }),
    );
    const permissionSetArn = created.PermissionSet!.PermissionSetArn!;
    const users = Array.from({ length: 16 }, (_, i) => addUser(state, `user${i}`));
    const request = (user: string) =>
      new CreateAccountAssignmentCommand({
        InstanceArn: state.instance.InstanceArn,
        TargetId: DEV,
        TargetType: 'AWS_ACCOUNT',
        PermissionSetArn: permissionSetArn,
        PrincipalType: 'USER',
        PrincipalId: user,
      });

    const results = await Promise.allSettled(users.map((u) => client.send(request(u))));
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(15);
    expect(rejected).toHaveLength(1);
    const reason = (rejected[0] as PromiseRejectedResult).reason as ThrottlingException;
    expect(reason).toBeInstanceOf(ThrottlingException);
    expect(reason.message).toMatch(/at most 15 CreateAccountAssignment requests/);

    // Once provisioning has moved on, there is room again.
    now += PROVISIONING_MS;
    const refused = users.find((_, i) => results[i]?.status === 'rejected')!;
    const retry = await client.send(request(refused));
    expect(retry.AccountAssignmentCreationStatus?.Status).toBe('IN_PROGRESS');
  });
});
