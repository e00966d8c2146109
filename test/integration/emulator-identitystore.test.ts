import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConflictException,
  CreateGroupCommand,
  CreateGroupMembershipCommand,
  CreateUserCommand,
  DeleteGroupCommand,
  DeleteGroupMembershipCommand,
  DeleteUserCommand,
  DescribeGroupCommand,
  DescribeGroupMembershipCommand,
  DescribeUserCommand,
  GetGroupIdCommand,
  GetGroupMembershipIdCommand,
  GetUserIdCommand,
  IsMemberInGroupsCommand,
  ListGroupMembershipsCommand,
  ListGroupMembershipsForMemberCommand,
  ListGroupsCommand,
  ListUsersCommand,
  ResourceNotFoundException,
  UpdateGroupCommand,
  UpdateUserCommand,
  ValidationException,
  paginateListGroupMemberships,
  paginateListUsers,
} from '@aws-sdk/client-identitystore';
import type { IdentitystoreClient, User } from '@aws-sdk/client-identitystore';
import { startEmulator } from '../../src/emulator/server.js';
import type { RunningEmulator } from '../../src/emulator/server.js';
import { sdkClients, testCredentials } from '../support/aws-clients.js';

let emu: RunningEmulator;
let client: IdentitystoreClient;
let storeId: string;

beforeEach(async () => {
  emu = await startEmulator({ credentials: [testCredentials], seed: false, rateLimits: false });
  client = sdkClients(emu.url).identitystore;
  storeId = emu.state.instance.IdentityStoreId;
});

afterEach(async () => {
  client.destroy();
  await emu.close();
});

/** The error a call fails with; fails the test if the call succeeds. */
async function failure(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

async function createUser(userName: string, email = `${userName}@example.com`): Promise<string> {
  const out = await client.send(
    new CreateUserCommand({
      IdentityStoreId: storeId,
      UserName: userName,
      DisplayName: `${userName} Display`,
      Name: { GivenName: userName, FamilyName: 'Tester' },
      Emails: [{ Value: email, Type: 'work', Primary: true }],
    }),
  );
  return out.UserId!;
}

async function createGroup(displayName: string, description?: string): Promise<string> {
  const out = await client.send(
    new CreateGroupCommand({ IdentityStoreId: storeId, DisplayName: displayName, Description: description }),
  );
  return out.GroupId!;
}

async function addMember(groupId: string, userId: string): Promise<string> {
  const out = await client.send(
    new CreateGroupMembershipCommand({
      IdentityStoreId: storeId,
      GroupId: groupId,
      MemberId: { UserId: userId },
    }),
  );
  return out.MembershipId!;
}

const userIdByEmail = async (email: string): Promise<string | undefined> =>
  (
    await client.send(
      new GetUserIdCommand({
        IdentityStoreId: storeId,
        AlternateIdentifier: { UniqueAttribute: { AttributePath: 'emails.value', AttributeValue: email } },
      }),
    )
  ).UserId;

describe('identitystore users', () => {
  it('creates a user and describes it with every attribute it was given', async () => {
    const created = await client.send(
      new CreateUserCommand({
        IdentityStoreId: storeId,
        UserName: 'ada.lovelace',
        DisplayName: 'Ada Lovelace',
        Name: { GivenName: 'Ada', FamilyName: 'Lovelace' },
        Emails: [{ Value: 'ada@example.com', Type: 'work', Primary: true }],
        Title: 'Analyst',
      }),
    );
    expect(created.IdentityStoreId).toBe(storeId);
    expect(created.UserId).toMatch(/^[0-9a-f]{10}-[0-9a-f-]{36}$/);

    const user = await client.send(
      new DescribeUserCommand({ IdentityStoreId: storeId, UserId: created.UserId }),
    );
    expect(user).toMatchObject({
      UserId: created.UserId,
      IdentityStoreId: storeId,
      UserName: 'ada.lovelace',
      DisplayName: 'Ada Lovelace',
      Name: { GivenName: 'Ada', FamilyName: 'Lovelace' },
      Emails: [{ Value: 'ada@example.com', Type: 'work', Primary: true }],
      Title: 'Analyst',
    });
  });

  it('refuses a user name that differs from an existing one only in case, naming the duplicate', async () => {
    await createUser('grace.hopper');
    const error = await failure(createUser('Grace.Hopper', 'other@example.com'));
    expect(error).toBeInstanceOf(ConflictException);
    expect(error).toMatchObject({ Reason: 'UNIQUENESS_CONSTRAINT_VIOLATION' });
    expect((error as ConflictException).message).toContain('grace.hopper');
  });

  it('refuses an email address another user already has, whatever its case', async () => {
    await createUser('alan', 'alan@example.com');
    const error = await failure(createUser('alan.two', 'ALAN@example.com'));
    expect(error).toBeInstanceOf(ConflictException);
    expect(error).toMatchObject({ Reason: 'UNIQUENESS_CONSTRAINT_VIOLATION' });
    expect((error as ConflictException).message).toContain('ALAN@example.com');
  });

  it('requires a display name and a name, as the real service does', async () => {
    const noDisplayName = await failure(
      client.send(
        new CreateUserCommand({ IdentityStoreId: storeId, UserName: 'x', Name: { GivenName: 'X' } }),
      ),
    );
    expect(noDisplayName).toBeInstanceOf(ValidationException);
    expect((noDisplayName as ValidationException).message).toContain('displayName');

    const noName = await failure(
      client.send(new CreateUserCommand({ IdentityStoreId: storeId, UserName: 'x', DisplayName: 'X' })),
    );
    expect(noName).toBeInstanceOf(ValidationException);
    expect((noName as ValidationException).message).toContain("'name'");
    expect(emu.state.users.size).toBe(0);
  });

  it('refuses the user names AWS reserves', async () => {
    const error = await failure(createUser('Administrator'));
    expect(error).toBeInstanceOf(ValidationException);
  });

  it('answers ResourceNotFoundException of type USER for an unknown user id', async () => {
    const unknown = '0123456789-00000000-0000-4000-8000-000000000000';
    const error = await failure(
      client.send(new DescribeUserCommand({ IdentityStoreId: storeId, UserId: unknown })),
    );
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error).toMatchObject({ ResourceType: 'USER', ResourceId: unknown });
  });

  it('updates display name, given name, title and email, and removes an attribute given no value', async () => {
    const userId = await createUser('linus', 'linus@example.com');
    await client.send(
      new UpdateUserCommand({
        IdentityStoreId: storeId,
        UserId: userId,
        Operations: [{ AttributePath: 'title', AttributeValue: 'Engineer' }],
      }),
    );
    await client.send(
      new UpdateUserCommand({
        IdentityStoreId: storeId,
        UserId: userId,
        Operations: [
          { AttributePath: 'displayName', AttributeValue: 'Linus T.' },
          { AttributePath: 'name.givenName', AttributeValue: 'Linus' },
          { AttributePath: 'name.familyName', AttributeValue: 'Torvalds' },
          {
            AttributePath: 'emails',
            AttributeValue: [{ value: 'lt@example.com', type: 'work', primary: true }],
          },
          { AttributePath: 'title' },
        ],
      }),
    );
    const user = await client.send(new DescribeUserCommand({ IdentityStoreId: storeId, UserId: userId }));
    expect(user).toMatchObject({
      DisplayName: 'Linus T.',
      Name: { GivenName: 'Linus', FamilyName: 'Torvalds' },
      Emails: [{ Value: 'lt@example.com', Type: 'work', Primary: true }],
    });
    expect(user.Title).toBeUndefined();
    expect(await userIdByEmail('lt@example.com')).toBe(userId);
    expect(await failure(userIdByEmail('linus@example.com'))).toBeInstanceOf(ResourceNotFoundException);
  });

  it('refuses to change a user name, which Identity Center keeps immutable, and changes nothing else of that update', async () => {
    const userId = await createUser('ken');
    const error = await failure(
      client.send(
        new UpdateUserCommand({
          IdentityStoreId: storeId,
          UserId: userId,
          Operations: [
            { AttributePath: 'displayName', AttributeValue: 'Changed' },
            { AttributePath: 'userName', AttributeValue: 'ken.thompson' },
          ],
        }),
      ),
    );
    expect(error).toBeInstanceOf(ValidationException);
    expect((error as Error).message).toMatch(/UserName is immutable/);
    const unchanged = await client.send(
      new DescribeUserCommand({ IdentityStoreId: storeId, UserId: userId }),
    );
    expect(unchanged).toMatchObject({ UserName: 'ken', DisplayName: 'ken Display' });
  });

  it('refuses an empty email list, an email without a value and a name with control characters, changing nothing', async () => {
    const userId = await createUser('grace', 'grace@example.com');
    const update = (op: { AttributePath: string; AttributeValue?: unknown }) =>
      failure(
        client.send(
          new UpdateUserCommand({
            IdentityStoreId: storeId,
            UserId: userId,
            Operations: [op as { AttributePath: string; AttributeValue: never }],
          }),
        ),
      );
    expect(await update({ AttributePath: 'emails', AttributeValue: [] })).toBeInstanceOf(ValidationException);
    expect(await update({ AttributePath: 'emails', AttributeValue: [{ type: 'work' }] })).toBeInstanceOf(
      ValidationException,
    );
    expect(await update({ AttributePath: 'name.givenName', AttributeValue: 'Gr\u0007ace' })).toBeInstanceOf(
      ValidationException,
    );
    expect(await userIdByEmail('grace@example.com')).toBe(userId);
  });

  it('refuses an update to an attribute path it does not know, and an email another user has', async () => {
    const userId = await createUser('barbara');
    await createUser('frances', 'frances@example.com');
    const unknownPath = await failure(
      client.send(
        new UpdateUserCommand({
          IdentityStoreId: storeId,
          UserId: userId,
          Operations: [{ AttributePath: 'favouriteColour', AttributeValue: 'blue' }],
        }),
      ),
    );
    expect(unknownPath).toBeInstanceOf(ValidationException);
    const takenEmail = await failure(
      client.send(
        new UpdateUserCommand({
          IdentityStoreId: storeId,
          UserId: userId,
          Operations: [{ AttributePath: 'emails', AttributeValue: [{ value: 'Frances@example.com' }] }],
        }),
      ),
    );
    expect(takenEmail).toBeInstanceOf(ConflictException);
    expect(takenEmail).toMatchObject({ Reason: 'UNIQUENESS_CONSTRAINT_VIOLATION' });
    expect(await userIdByEmail('frances@example.com')).not.toBe(userId);
  });

  it('deletes a user with their memberships, and answers ResourceNotFoundException when deleted again', async () => {
    const userId = await createUser('margaret');
    const groupId = await createGroup('Apollo');
    await addMember(groupId, userId);
    await client.send(new DeleteUserCommand({ IdentityStoreId: storeId, UserId: userId }));

    const members = await client.send(
      new ListGroupMembershipsCommand({ IdentityStoreId: storeId, GroupId: groupId }),
    );
    expect(members.GroupMemberships).toEqual([]);
    const again = await failure(
      client.send(new DeleteUserCommand({ IdentityStoreId: storeId, UserId: userId })),
    );
    expect(again).toBeInstanceOf(ResourceNotFoundException);
    expect(again).toMatchObject({ ResourceType: 'USER', ResourceId: userId });
    // The name and the email are free again.
    await createUser('margaret');
  });

  it('finds a user id by user name, whatever its case, and by email', async () => {
    const userId = await createUser('Katherine.Johnson', 'kj@example.com');
    const byName = await client.send(
      new GetUserIdCommand({
        IdentityStoreId: storeId,
        AlternateIdentifier: {
          UniqueAttribute: { AttributePath: 'userName', AttributeValue: 'katherine.johnson' },
        },
      }),
    );
    expect(byName).toEqual(expect.objectContaining({ UserId: userId, IdentityStoreId: storeId }));
    expect(await userIdByEmail('KJ@example.com')).toBe(userId);
    const byUpperPath = await client.send(
      new GetUserIdCommand({
        IdentityStoreId: storeId,
        AlternateIdentifier: {
          UniqueAttribute: { AttributePath: 'Emails.Value', AttributeValue: 'kj@example.com' },
        },
      }),
    );
    expect(byUpperPath.UserId).toBe(userId);
  });

  it('answers ResourceNotFoundException when no user matches, and ValidationException for an unsupported path', async () => {
    const missing = await failure(userIdByEmail('nobody@example.com'));
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect(missing).toMatchObject({ ResourceType: 'USER' });

    const badPath = await failure(
      client.send(
        new GetUserIdCommand({
          IdentityStoreId: storeId,
          AlternateIdentifier: { UniqueAttribute: { AttributePath: 'title', AttributeValue: 'Engineer' } },
        }),
      ),
    );
    expect(badPath).toBeInstanceOf(ValidationException);
  });

  it('finds users the seeder wrote straight into the state, by name, email and external id', async () => {
    const userId = '0123456789-11111111-1111-4111-8111-111111111111';
    emu.state.users.set(userId, {
      UserId: userId,
      UserName: 'seeded.user',
      attributes: {
        DisplayName: 'Seeded User',
        Emails: [{ Value: 'seeded@example.com', Primary: true }],
        ExternalIds: [{ Issuer: 'https://scim.example.com', Id: 'ext-42' }],
      },
    });
    emu.state.userIdsByName.set('seeded.user', userId);

    expect(await userIdByEmail('seeded@example.com')).toBe(userId);
    const byExternalId = await client.send(
      new GetUserIdCommand({
        IdentityStoreId: storeId,
        AlternateIdentifier: { ExternalId: { Issuer: 'https://scim.example.com', Id: 'ext-42' } },
      }),
    );
    expect(byExternalId.UserId).toBe(userId);
    expect(await failure(createUser('someone', 'SEEDED@example.com'))).toBeInstanceOf(ConflictException);
  });

  it('pages 250 users 100 at a time in the order they were created', async () => {
    const created: string[] = [];
    for (let i = 0; i < 250; i += 1) created.push(await createUser(`user${String(i).padStart(3, '0')}`));

    const first = await client.send(new ListUsersCommand({ IdentityStoreId: storeId, MaxResults: 100 }));
    expect(first.Users).toHaveLength(100);
    expect(first.NextToken).toBeDefined();
    const second = await client.send(
      new ListUsersCommand({ IdentityStoreId: storeId, MaxResults: 100, NextToken: first.NextToken }),
    );
    expect(second.Users).toHaveLength(100);
    const third = await client.send(
      new ListUsersCommand({ IdentityStoreId: storeId, MaxResults: 100, NextToken: second.NextToken }),
    );
    expect(third.Users).toHaveLength(50);
    expect(third.NextToken).toBeUndefined();
    const listed = [...first.Users!, ...second.Users!, ...third.Users!].map((u) => u.UserId);
    expect(listed).toEqual(created);

    const viaPaginator: User[] = [];
    for await (const page of paginateListUsers({ client, pageSize: 100 }, { IdentityStoreId: storeId })) {
      viaPaginator.push(...(page.Users ?? []));
    }
    expect(viaPaginator.map((u) => u.UserId)).toEqual(created);
    expect(viaPaginator[0]).toMatchObject({ UserName: 'user000', IdentityStoreId: storeId });
  });

  it('answers at most 100 users a page when no MaxResults is given', async () => {
    for (let i = 0; i < 101; i += 1) await createUser(`u${i}`);
    const page = await client.send(new ListUsersCommand({ IdentityStoreId: storeId }));
    expect(page.Users).toHaveLength(100);
    expect(page.NextToken).toBeDefined();
  });

  it('refuses a MaxResults above 100 and a NextToken that belongs to another list', async () => {
    expect(
      await failure(client.send(new ListUsersCommand({ IdentityStoreId: storeId, MaxResults: 101 }))),
    ).toBeInstanceOf(ValidationException);

    for (let i = 0; i < 3; i += 1) await createGroup(`Group ${i}`);
    const groups = await client.send(new ListGroupsCommand({ IdentityStoreId: storeId, MaxResults: 1 }));
    const foreign = await failure(
      client.send(new ListUsersCommand({ IdentityStoreId: storeId, NextToken: groups.NextToken })),
    );
    expect(foreign).toBeInstanceOf(ValidationException);
  });

  it('still accepts the deprecated UserName filter, matching exactly whatever the case', async () => {
    const userId = await createUser('Dorothy');
    await createUser('dorothy.vaughan');
    const out = await client.send(
      new ListUsersCommand({
        IdentityStoreId: storeId,
        Filters: [{ AttributePath: 'UserName', AttributeValue: 'DOROTHY' }],
      }),
    );
    expect(out.Users?.map((u) => u.UserId)).toEqual([userId]);
  });

  it('refuses a filter on any attribute but UserName (DisplayName is ListGroups’ filter), as AWS does', async () => {
    await createUser('Dorothy');
    const refused = await failure(
      client.send(
        new ListUsersCommand({
          IdentityStoreId: storeId,
          Filters: [{ AttributePath: 'DisplayName', AttributeValue: 'Dorothy' }],
        }),
      ),
    );
    expect(refused).toBeInstanceOf(ValidationException);
    expect((refused as ValidationException).message).toBe(
      "Invalid filter attribute path 'DisplayName': ListUsers filters only on UserName.",
    );
    const groups = await failure(
      client.send(
        new ListGroupsCommand({
          IdentityStoreId: storeId,
          Filters: [{ AttributePath: 'Description', AttributeValue: 'x' }],
        }),
      ),
    );
    expect(groups).toBeInstanceOf(ValidationException);
  });
});

describe('identitystore groups', () => {
  it('creates, describes, renames and lists groups', async () => {
    const groupId = await createGroup('Engineers', 'Everyone who builds');
    expect(
      await client.send(new DescribeGroupCommand({ IdentityStoreId: storeId, GroupId: groupId })),
    ).toMatchObject({
      GroupId: groupId,
      DisplayName: 'Engineers',
      Description: 'Everyone who builds',
      IdentityStoreId: storeId,
    });

    await client.send(
      new UpdateGroupCommand({
        IdentityStoreId: storeId,
        GroupId: groupId,
        Operations: [
          { AttributePath: 'displayName', AttributeValue: 'Platform Engineers' },
          { AttributePath: 'description' },
        ],
      }),
    );
    const renamed = await client.send(
      new DescribeGroupCommand({ IdentityStoreId: storeId, GroupId: groupId }),
    );
    expect(renamed.DisplayName).toBe('Platform Engineers');
    expect(renamed.Description).toBeUndefined();

    await createGroup('Operators');
    const listed = await client.send(new ListGroupsCommand({ IdentityStoreId: storeId }));
    expect(listed.Groups?.map((g) => g.DisplayName)).toEqual(['Platform Engineers', 'Operators']);
    const filtered = await client.send(
      new ListGroupsCommand({
        IdentityStoreId: storeId,
        Filters: [{ AttributePath: 'DisplayName', AttributeValue: 'operators' }],
      }),
    );
    expect(filtered.Groups?.map((g) => g.DisplayName)).toEqual(['Operators']);
  });

  it('finds a group id by display name, whatever its case', async () => {
    const groupId = await createGroup('Security Auditors');
    const out = await client.send(
      new GetGroupIdCommand({
        IdentityStoreId: storeId,
        AlternateIdentifier: {
          UniqueAttribute: { AttributePath: 'displayName', AttributeValue: 'security auditors' },
        },
      }),
    );
    expect(out).toEqual(expect.objectContaining({ GroupId: groupId, IdentityStoreId: storeId }));

    const missing = await failure(
      client.send(
        new GetGroupIdCommand({
          IdentityStoreId: storeId,
          AlternateIdentifier: {
            UniqueAttribute: { AttributePath: 'displayName', AttributeValue: 'Nobody' },
          },
        }),
      ),
    );
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect(missing).toMatchObject({ ResourceType: 'GROUP' });

    const badPath = await failure(
      client.send(
        new GetGroupIdCommand({
          IdentityStoreId: storeId,
          AlternateIdentifier: { UniqueAttribute: { AttributePath: 'description', AttributeValue: 'x' } },
        }),
      ),
    );
    expect(badPath).toBeInstanceOf(ValidationException);
  });

  it('refuses a second group with the same display name', async () => {
    const first = await createGroup('Finance');
    const error = await failure(createGroup('FINANCE'));
    expect(error).toBeInstanceOf(ConflictException);
    expect(error).toMatchObject({ Reason: 'UNIQUENESS_CONSTRAINT_VIOLATION' });

    const other = await createGroup('Legal');
    const rename = await failure(
      client.send(
        new UpdateGroupCommand({
          IdentityStoreId: storeId,
          GroupId: other,
          Operations: [{ AttributePath: 'displayName', AttributeValue: 'Finance' }],
        }),
      ),
    );
    expect(rename).toBeInstanceOf(ConflictException);
    expect(first).not.toBe(other);
  });

  it('deletes a group with its memberships, and answers ResourceNotFoundException when deleted again', async () => {
    const groupId = await createGroup('Temporary');
    const userId = await createUser('temp');
    await addMember(groupId, userId);
    await client.send(new DeleteGroupCommand({ IdentityStoreId: storeId, GroupId: groupId }));

    const forMember = await client.send(
      new ListGroupMembershipsForMemberCommand({ IdentityStoreId: storeId, MemberId: { UserId: userId } }),
    );
    expect(forMember.GroupMemberships).toEqual([]);
    const again = await failure(
      client.send(new DeleteGroupCommand({ IdentityStoreId: storeId, GroupId: groupId })),
    );
    expect(again).toBeInstanceOf(ResourceNotFoundException);
    expect(again).toMatchObject({ ResourceType: 'GROUP', ResourceId: groupId });
    const describe = await failure(
      client.send(new DescribeGroupCommand({ IdentityStoreId: storeId, GroupId: groupId })),
    );
    expect(describe).toMatchObject({ name: 'ResourceNotFoundException', ResourceType: 'GROUP' });
  });
});

describe('identitystore group memberships', () => {
  it('adds a member, finds, describes and lists the membership from both sides', async () => {
    const userId = await createUser('mary');
    const groupId = await createGroup('Admins');
    const otherGroup = await createGroup('Readers');
    const membershipId = await addMember(groupId, userId);

    const found = await client.send(
      new GetGroupMembershipIdCommand({
        IdentityStoreId: storeId,
        GroupId: groupId,
        MemberId: { UserId: userId },
      }),
    );
    expect(found).toEqual(expect.objectContaining({ MembershipId: membershipId, IdentityStoreId: storeId }));

    const described = await client.send(
      new DescribeGroupMembershipCommand({ IdentityStoreId: storeId, MembershipId: membershipId }),
    );
    const expected = {
      IdentityStoreId: storeId,
      MembershipId: membershipId,
      GroupId: groupId,
      MemberId: { UserId: userId },
    };
    expect(described).toMatchObject(expected);

    const byGroup = await client.send(
      new ListGroupMembershipsCommand({ IdentityStoreId: storeId, GroupId: groupId }),
    );
    expect(byGroup.GroupMemberships).toEqual([expected]);
    const byMember = await client.send(
      new ListGroupMembershipsForMemberCommand({ IdentityStoreId: storeId, MemberId: { UserId: userId } }),
    );
    expect(byMember.GroupMemberships).toEqual([expected]);

    const check = await client.send(
      new IsMemberInGroupsCommand({
        IdentityStoreId: storeId,
        MemberId: { UserId: userId },
        GroupIds: [groupId, otherGroup],
      }),
    );
    expect(check.Results).toEqual([
      { GroupId: groupId, MemberId: { UserId: userId }, MembershipExists: true },
      { GroupId: otherGroup, MemberId: { UserId: userId }, MembershipExists: false },
    ]);
  });

  it('refuses the same member twice in a group', async () => {
    const userId = await createUser('joan');
    const groupId = await createGroup('Ops');
    await addMember(groupId, userId);
    const error = await failure(addMember(groupId, userId));
    expect(error).toBeInstanceOf(ConflictException);
    expect(error).toMatchObject({ Reason: 'UNIQUENESS_CONSTRAINT_VIOLATION' });
  });

  it('answers ResourceNotFoundException naming the group or the user that does not exist', async () => {
    const userId = await createUser('hedy');
    const groupId = await createGroup('Radio');
    const unknown = '0123456789-22222222-2222-4222-8222-222222222222';

    const noGroup = await failure(addMember(unknown, userId));
    expect(noGroup).toBeInstanceOf(ResourceNotFoundException);
    expect(noGroup).toMatchObject({ ResourceType: 'GROUP', ResourceId: unknown });

    const noUser = await failure(addMember(groupId, unknown));
    expect(noUser).toBeInstanceOf(ResourceNotFoundException);
    expect(noUser).toMatchObject({ ResourceType: 'USER', ResourceId: unknown });

    const noMembership = await failure(
      client.send(
        new GetGroupMembershipIdCommand({
          IdentityStoreId: storeId,
          GroupId: groupId,
          MemberId: { UserId: userId },
        }),
      ),
    );
    expect(noMembership).toMatchObject({
      name: 'ResourceNotFoundException',
      ResourceType: 'GROUP_MEMBERSHIP',
    });
  });

  it('deletes a membership, and answers ResourceNotFoundException of type GROUP_MEMBERSHIP when deleted again', async () => {
    const userId = await createUser('radia');
    const groupId = await createGroup('Network');
    const membershipId = await addMember(groupId, userId);
    await client.send(
      new DeleteGroupMembershipCommand({ IdentityStoreId: storeId, MembershipId: membershipId }),
    );

    const again = await failure(
      client.send(new DeleteGroupMembershipCommand({ IdentityStoreId: storeId, MembershipId: membershipId })),
    );
    expect(again).toBeInstanceOf(ResourceNotFoundException);
    expect(again).toMatchObject({ ResourceType: 'GROUP_MEMBERSHIP', ResourceId: membershipId });
    const describe = await failure(
      client.send(
        new DescribeGroupMembershipCommand({ IdentityStoreId: storeId, MembershipId: membershipId }),
      ),
    );
    expect(describe).toBeInstanceOf(ResourceNotFoundException);
    const check = await client.send(
      new IsMemberInGroupsCommand({
        IdentityStoreId: storeId,
        MemberId: { UserId: userId },
        GroupIds: [groupId],
      }),
    );
    expect(check.Results?.[0]?.MembershipExists).toBe(false);
    // The same member may join again.
    expect(await addMember(groupId, userId)).not.toBe(membershipId);
  });

  it('pages a group of 120 members and lists them in the order they joined', async () => {
    const groupId = await createGroup('Everyone');
    const joined: string[] = [];
    for (let i = 0; i < 120; i += 1) joined.push(await addMember(groupId, await createUser(`m${i}`)));

    const first = await client.send(
      new ListGroupMembershipsCommand({ IdentityStoreId: storeId, GroupId: groupId, MaxResults: 50 }),
    );
    expect(first.GroupMemberships).toHaveLength(50);
    const listed: string[] = [];
    for await (const page of paginateListGroupMemberships(
      { client, pageSize: 50 },
      { IdentityStoreId: storeId, GroupId: groupId },
    )) {
      listed.push(...(page.GroupMemberships ?? []).map((m) => m.MembershipId!));
    }
    expect(listed).toEqual(joined);
  });
});

describe('identitystore identity store check', () => {
  it('answers ResourceNotFoundException of type IDENTITY_STORE for another identity store, on every operation', async () => {
    const other = 'd-0000000000';
    const someId = '0123456789-33333333-3333-4333-8333-333333333333';
    const calls: (() => Promise<unknown>)[] = [
      () =>
        client.send(
          new CreateUserCommand({
            IdentityStoreId: other,
            UserName: 'x',
            DisplayName: 'X',
            Name: { GivenName: 'X' },
          }),
        ),
      () => client.send(new DescribeUserCommand({ IdentityStoreId: other, UserId: someId })),
      () =>
        client.send(
          new UpdateUserCommand({
            IdentityStoreId: other,
            UserId: someId,
            Operations: [{ AttributePath: 'title', AttributeValue: 'x' }],
          }),
        ),
      () => client.send(new DeleteUserCommand({ IdentityStoreId: other, UserId: someId })),
      () => client.send(new ListUsersCommand({ IdentityStoreId: other })),
      () =>
        client.send(
          new GetUserIdCommand({
            IdentityStoreId: other,
            AlternateIdentifier: { UniqueAttribute: { AttributePath: 'userName', AttributeValue: 'x' } },
          }),
        ),
      () => client.send(new CreateGroupCommand({ IdentityStoreId: other, DisplayName: 'X' })),
      () => client.send(new DescribeGroupCommand({ IdentityStoreId: other, GroupId: someId })),
      () =>
        client.send(
          new UpdateGroupCommand({
            IdentityStoreId: other,
            GroupId: someId,
            Operations: [{ AttributePath: 'description', AttributeValue: 'x' }],
          }),
        ),
      () => client.send(new DeleteGroupCommand({ IdentityStoreId: other, GroupId: someId })),
      () => client.send(new ListGroupsCommand({ IdentityStoreId: other })),
      () =>
        client.send(
          new GetGroupIdCommand({
            IdentityStoreId: other,
            AlternateIdentifier: { UniqueAttribute: { AttributePath: 'displayName', AttributeValue: 'X' } },
          }),
        ),
      () =>
        client.send(
          new CreateGroupMembershipCommand({
            IdentityStoreId: other,
            GroupId: someId,
            MemberId: { UserId: someId },
          }),
        ),
      () => client.send(new DescribeGroupMembershipCommand({ IdentityStoreId: other, MembershipId: someId })),
      () => client.send(new DeleteGroupMembershipCommand({ IdentityStoreId: other, MembershipId: someId })),
      () =>
        client.send(
          new GetGroupMembershipIdCommand({
            IdentityStoreId: other,
            GroupId: someId,
            MemberId: { UserId: someId },
          }),
        ),
      () => client.send(new ListGroupMembershipsCommand({ IdentityStoreId: other, GroupId: someId })),
      () =>
        client.send(
          new ListGroupMembershipsForMemberCommand({ IdentityStoreId: other, MemberId: { UserId: someId } }),
        ),
      () =>
        client.send(
          new IsMemberInGroupsCommand({
            IdentityStoreId: other,
            MemberId: { UserId: someId },
            GroupIds: [someId],
          }),
        ),
    ];
    expect(calls).toHaveLength(19);
    for (const call of calls) {
      const error = await failure(call());
      expect(error).toBeInstanceOf(ResourceNotFoundException);
      expect(error).toMatchObject({ ResourceType: 'IDENTITY_STORE', ResourceId: other });
    }
  });
});
