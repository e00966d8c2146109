/**
 * The identity store: users, groups, memberships. Users and groups are looked up by a unique attribute
 * (GetUserId / GetGroupId), never by scanning a list; every list is read to its end.
 */
import {
  CreateGroupCommand,
  CreateGroupMembershipCommand,
  CreateUserCommand,
  DeleteGroupMembershipCommand,
  DeleteUserCommand,
  DescribeGroupCommand,
  DescribeUserCommand,
  GetGroupIdCommand,
  GetGroupMembershipIdCommand,
  GetUserIdCommand,
  ListGroupMembershipsCommand,
  ListGroupMembershipsForMemberCommand,
  ListGroupsCommand,
  ListUsersCommand,
  UpdateUserCommand,
  type AttributeOperation,
  type IdentitystoreClient,
} from '@aws-sdk/client-identitystore';
import type { AwsOutcome, Directory } from '../access/ports.js';
import type {
  DirectoryGroup,
  DirectoryUser,
  GroupMembership,
  NewDirectoryUser,
  UserDetailsUpdate,
} from '../domain/identity.js';
import { send, type CallContext, type Sent } from './call.js';
import { failure, notFoundResourceType } from './errors.js';
import { toDirectoryGroup, toDirectoryUser, toMemberships } from './directory-map.js';
import type { InstanceResolver } from './instance.js';
import { pageAll } from './paging.js';

const PAGE_SIZE = 100;

/** A user, group or membership that does not exist; a missing identity store is a failure, not an absence. */
function isGone(sent: Sent<unknown>): boolean {
  return (
    !sent.ok &&
    sent.name === 'ResourceNotFoundException' &&
    notFoundResourceType(sent.error) !== 'IDENTITY_STORE'
  );
}

export class AwsDirectory implements Directory {
  constructor(
    private readonly ctx: CallContext,
    private readonly client: IdentitystoreClient,
    private readonly instance: InstanceResolver,
  ) {}

  findUserByUserName(userName: string): Promise<AwsOutcome<DirectoryUser | undefined>> {
    return this.findUser('userName', userName);
  }

  findUserByEmail(email: string): Promise<AwsOutcome<DirectoryUser | undefined>> {
    return this.findUser('emails.value', email);
  }

  findUserIdByEmail(email: string): Promise<AwsOutcome<string | undefined>> {
    return this.withStore(async (store) => {
      const id = await this.getUserId(store, 'emails.value', email);
      if (!id.ok) return isGone(id) ? { ok: true, value: undefined } : { ok: false, error: id.failure };
      return { ok: true, value: id.value.UserId ?? '' };
    });
  }

  async describeUser(userId: string): Promise<AwsOutcome<DirectoryUser>> {
    return this.withStore(async (store) => {
      const sent = await this.describeUserIn(store, userId);
      return sent.ok ? { ok: true, value: toDirectoryUser(sent.value) } : { ok: false, error: sent.failure };
    });
  }

  async createUser(user: NewDirectoryUser): Promise<AwsOutcome<DirectoryUser>> {
    const userName = user.email.trim();
    const displayName = user.displayName ?? `${user.givenName} ${user.familyName}`;
    return this.withStore(async (store) => {
      // Not safe to repeat after an unknown outcome: a second try would answer "exists" for our own user.
      const sent = await this.call('CreateUser', false, userName, () =>
        this.client.send(
          new CreateUserCommand({
            IdentityStoreId: store,
            UserName: userName,
            DisplayName: displayName,
            Name: { GivenName: user.givenName, FamilyName: user.familyName, Formatted: displayName },
            Emails: [{ Value: userName, Type: 'work', Primary: true }],
          }),
        ),
      );
      if (!sent.ok) {
        if (sent.name === 'ConflictException') {
          return {
            ok: false,
            error: failure('user_exists', `A user named ${userName} already exists in the identity store.`, {
              resource: userName,
              field: 'userName',
            }),
          };
        }
        return { ok: false, error: sent.failure };
      }
      const id = sent.value.UserId ?? '';
      this.ctx.logger.info({ userId: id }, 'identity store user created');
      return {
        ok: true,
        value: {
          id,
          userName,
          displayName,
          givenName: user.givenName,
          familyName: user.familyName,
          email: userName,
        },
      };
    });
  }

  async updateUser(userId: string, update: UserDetailsUpdate): Promise<AwsOutcome<void>> {
    const operations = userOperations(update);
    if (operations.length === 0) return { ok: true, value: undefined };
    return this.withStore<void>(async (store) => {
      // Safe to repeat: setting the same values twice leaves the user as the first call did.
      const sent = await this.call('UpdateUser', true, userId, () =>
        this.client.send(
          new UpdateUserCommand({ IdentityStoreId: store, UserId: userId, Operations: operations }),
        ),
      );
      if (sent.ok) {
        this.ctx.logger.info(
          { userId, attributes: operations.map((o) => o.AttributePath) },
          'identity store user updated',
        );
        return { ok: true, value: undefined };
      }
      const reason = (sent.error as { Reason?: unknown }).Reason;
      if (sent.name === 'ConflictException' && reason !== 'CONCURRENT_MODIFICATION') {
        // Another user has the email: not a passing trouble, and AWS's own words say which.
        const said =
          sent.error instanceof Error && sent.error.message !== '' ? ` AWS said: ${sent.error.message}` : '';
        return {
          ok: false,
          error: failure(
            'user_exists',
            `AWS refused UpdateUser: the email ${update.email ?? ''} is already another user's.${said}`,
            {
              resource: userId,
              field: 'emails',
              reason: `ConflictException: ${sent.error instanceof Error ? sent.error.message : 'the email is already in use'}`,
            },
          ),
        };
      }
      return { ok: false, error: sent.failure };
    });
  }

  async deleteUser(userId: string): Promise<AwsOutcome<{ deleted: boolean }>> {
    return this.withStore<{ deleted: boolean }>(async (store) => {
      const sent = await this.call('DeleteUser', true, userId, () =>
        this.client.send(new DeleteUserCommand({ IdentityStoreId: store, UserId: userId })),
      );
      if (!sent.ok && isGone(sent)) return { ok: true, value: { deleted: false } };
      if (!sent.ok) return { ok: false, error: sent.failure };
      this.ctx.logger.info({ userId }, 'identity store user deleted');
      return { ok: true, value: { deleted: true } };
    });
  }

  async findGroupByName(name: string): Promise<AwsOutcome<DirectoryGroup | undefined>> {
    return this.withStore(async (store) => {
      const id = await this.call('GetGroupId', true, name, () =>
        this.client.send(
          new GetGroupIdCommand({
            IdentityStoreId: store,
            AlternateIdentifier: { UniqueAttribute: { AttributePath: 'displayName', AttributeValue: name } },
          }),
        ),
      );
      if (!id.ok) return isGone(id) ? { ok: true, value: undefined } : { ok: false, error: id.failure };
      const groupId = id.value.GroupId ?? '';
      const described = await this.call('DescribeGroup', true, groupId, () =>
        this.client.send(new DescribeGroupCommand({ IdentityStoreId: store, GroupId: groupId })),
      );
      if (!described.ok) {
        return isGone(described) ? { ok: true, value: undefined } : { ok: false, error: described.failure };
      }
      return { ok: true, value: toDirectoryGroup(described.value) };
    });
  }

  async createGroup(group: { name: string; description?: string }): Promise<AwsOutcome<DirectoryGroup>> {
    return this.withStore<DirectoryGroup>(async (store) => {
      // Not safe to repeat after an unknown outcome: a second try would answer "exists" for our own group.
      const sent = await this.call('CreateGroup', false, group.name, () =>
        this.client.send(
          new CreateGroupCommand({
            IdentityStoreId: store,
            DisplayName: group.name,
            ...(group.description !== undefined ? { Description: group.description } : {}),
          }),
        ),
      );
      if (!sent.ok) {
        if (sent.name !== 'ConflictException') return { ok: false, error: sent.failure };
        const message = `A group named ${group.name} already exists in the identity store.`;
        return {
          ok: false,
          error: failure('group_exists', message, { resource: group.name, field: 'displayName' }),
        };
      }
      const id = sent.value.GroupId ?? '';
      this.ctx.logger.info({ groupId: id }, 'identity store group created');
      return {
        ok: true,
        value: {
          id,
          name: group.name,
          ...(group.description !== undefined ? { description: group.description } : {}),
        },
      };
    });
  }

  async listGroups(): Promise<AwsOutcome<DirectoryGroup[]>> {
    return this.withStore(async (store) => {
      const listed = await pageAll(
        (token) =>
          this.call('ListGroups', true, undefined, () =>
            this.client.send(
              new ListGroupsCommand({ IdentityStoreId: store, NextToken: token, MaxResults: PAGE_SIZE }),
            ),
          ),
        (page) => ({ items: page.Groups, next: page.NextToken }),
        'ListGroups',
      );
      return listed.ok ? { ok: true, value: listed.value.map(toDirectoryGroup) } : listed;
    });
  }

  async listUsers(
    options: { onPage?: (listedSoFar: number) => void } = {},
  ): Promise<AwsOutcome<DirectoryUser[]>> {
    return this.withStore(async (store) => {
      let listedSoFar = 0;
      const listed = await pageAll(
        (token) =>
          this.call('ListUsers', true, undefined, () =>
            this.client.send(
              new ListUsersCommand({ IdentityStoreId: store, NextToken: token, MaxResults: PAGE_SIZE }),
            ),
          ),
        (page) => {
          listedSoFar += page.Users?.length ?? 0;
          options.onPage?.(listedSoFar);
          return { items: page.Users, next: page.NextToken };
        },
        'ListUsers',
      );
      return listed.ok ? { ok: true, value: listed.value.map(toDirectoryUser) } : listed;
    });
  }

  async addMembership(
    groupId: string,
    userId: string,
  ): Promise<AwsOutcome<{ membershipId: string; created: boolean }>> {
    return this.withStore<{ membershipId: string; created: boolean }>(async (store) => {
      const created = await this.call('CreateGroupMembership', true, `${groupId}/${userId}`, () =>
        this.client.send(
          new CreateGroupMembershipCommand({
            IdentityStoreId: store,
            GroupId: groupId,
            MemberId: { UserId: userId },
          }),
        ),
      );
      if (created.ok) {
        this.ctx.logger.info({ groupId, userId }, 'group membership created');
        return { ok: true, value: { membershipId: created.value.MembershipId ?? '', created: true } };
      }
      if (created.name !== 'ConflictException') return { ok: false, error: created.failure };
      // Already a member (or another change raced ours): the existing membership is the answer.
      const existing = await this.membershipId(store, groupId, userId);
      if (!existing.ok) return existing;
      if (existing.value === undefined) return { ok: false, error: created.failure };
      return { ok: true, value: { membershipId: existing.value, created: false } };
    });
  }

  async removeMembership(groupId: string, userId: string): Promise<AwsOutcome<{ removed: boolean }>> {
    return this.withStore<{ removed: boolean }>(async (store) => {
      const existing = await this.membershipId(store, groupId, userId);
      if (!existing.ok) return existing;
      const membershipId = existing.value;
      if (membershipId === undefined) return { ok: true, value: { removed: false } };
      const deleted = await this.call('DeleteGroupMembership', true, membershipId, () =>
        this.client.send(
          new DeleteGroupMembershipCommand({ IdentityStoreId: store, MembershipId: membershipId }),
        ),
      );
      if (!deleted.ok && isGone(deleted)) return { ok: true, value: { removed: false } };
      if (!deleted.ok) return { ok: false, error: deleted.failure };
      this.ctx.logger.info({ groupId, userId }, 'group membership removed');
      return { ok: true, value: { removed: true } };
    });
  }

  async listMembershipsOfUser(userId: string): Promise<AwsOutcome<GroupMembership[]>> {
    return this.withStore(async (store) => {
      const listed = await pageAll(
        (token) =>
          this.call('ListGroupMembershipsForMember', true, userId, () =>
            this.client.send(
              new ListGroupMembershipsForMemberCommand({
                IdentityStoreId: store,
                MemberId: { UserId: userId },
                NextToken: token,
                MaxResults: PAGE_SIZE,
              }),
            ),
          ),
        (page) => ({ items: page.GroupMemberships, next: page.NextToken }),
        'ListGroupMembershipsForMember',
      );
      return listed.ok ? { ok: true, value: toMemberships(listed.value) } : listed;
    });
  }

  async listMembersOfGroup(groupId: string): Promise<AwsOutcome<GroupMembership[]>> {
    return this.withStore(async (store) => {
      const listed = await pageAll(
        (token) =>
          this.call('ListGroupMemberships', true, groupId, () =>
            this.client.send(
              new ListGroupMembershipsCommand({
                IdentityStoreId: store,
                GroupId: groupId,
                NextToken: token,
                MaxResults: PAGE_SIZE,
              }),
            ),
          ),
        (page) => ({ items: page.GroupMemberships, next: page.NextToken }),
        'ListGroupMemberships',
      );
      return listed.ok ? { ok: true, value: toMemberships(listed.value) } : listed;
    });
  }

  private async findUser(
    attributePath: 'userName' | 'emails.value',
    value: string,
  ): Promise<AwsOutcome<DirectoryUser | undefined>> {
    return this.withStore(async (store) => {
      const id = await this.getUserId(store, attributePath, value);
      if (!id.ok) return isGone(id) ? { ok: true, value: undefined } : { ok: false, error: id.failure };
      const described = await this.describeUserIn(store, id.value.UserId ?? '');
      if (!described.ok) {
        // Deleted between the two calls: as good as never found.
        return isGone(described) ? { ok: true, value: undefined } : { ok: false, error: described.failure };
      }
      return { ok: true, value: toDirectoryUser(described.value) };
    });
  }

  private getUserId(store: string, attributePath: 'userName' | 'emails.value', value: string) {
    return this.call('GetUserId', true, value, () =>
      this.client.send(
        new GetUserIdCommand({
          IdentityStoreId: store,
          AlternateIdentifier: { UniqueAttribute: { AttributePath: attributePath, AttributeValue: value } },
        }),
      ),
    );
  }

  private describeUserIn(store: string, userId: string) {
    return this.call('DescribeUser', true, userId, () =>
      this.client.send(new DescribeUserCommand({ IdentityStoreId: store, UserId: userId })),
    );
  }

  /** The membership's id, or undefined when the user is not in the group (or either is gone). */
  private async membershipId(
    store: string,
    groupId: string,
    userId: string,
  ): Promise<AwsOutcome<string | undefined>> {
    const sent = await this.call('GetGroupMembershipId', true, `${groupId}/${userId}`, () =>
      this.client.send(
        new GetGroupMembershipIdCommand({
          IdentityStoreId: store,
          GroupId: groupId,
          MemberId: { UserId: userId },
        }),
      ),
    );
    if (sent.ok) return { ok: true, value: sent.value.MembershipId };
    return isGone(sent) ? { ok: true, value: undefined } : { ok: false, error: sent.failure };
  }

  private call<T>(
    operation: string,
    safeToRetry: boolean,
    resource: string | undefined,
    fn: () => Promise<T>,
  ): Promise<Sent<T>> {
    return send(
      this.ctx,
      { service: 'identitystore', operation, safeToRetry, ...(resource !== undefined ? { resource } : {}) },
      fn,
    );
  }

  private async withStore<T>(
    work: (identityStoreId: string) => Promise<AwsOutcome<T>>,
  ): Promise<AwsOutcome<T>> {
    const instance = await this.instance();
    return instance.ok ? work(instance.value.identityStoreId) : instance;
  }
}

/**
 * UpdateUser's operations for the attributes that change: the name's parts one by one (the others are kept), the
 * emails as a whole list whose one entry is the primary work email.
 */
export function userOperations(update: UserDetailsUpdate): AttributeOperation[] {
  const ops: AttributeOperation[] = [];
  if (update.givenName !== undefined)
    ops.push({ AttributePath: 'name.givenName', AttributeValue: update.givenName });
  if (update.familyName !== undefined)
    ops.push({ AttributePath: 'name.familyName', AttributeValue: update.familyName });
  if (update.displayName !== undefined)
    ops.push({ AttributePath: 'displayName', AttributeValue: update.displayName });
  if (update.email !== undefined) {
    ops.push({
      AttributePath: 'emails',
      AttributeValue: [{ value: update.email, type: 'work', primary: true }],
    });
  }
  return ops;
}
