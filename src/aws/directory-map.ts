/** identitystore shapes → domain types: the only place that knows how AWS spells a user or a group. */
import type { Email, Group, GroupMembership as AwsMembership, Name } from '@aws-sdk/client-identitystore';
import type { DirectoryGroup, DirectoryUser, GroupMembership } from '../domain/identity.js';

/** The fields of a User / DescribeUser answer that the product reads. */
export interface AwsUserLike {
  UserId?: string | undefined;
  UserName?: string | undefined;
  DisplayName?: string | undefined;
  Name?: Name | undefined;
  Emails?: Email[] | undefined;
  /** ENABLED / DISABLED (newer users' attribute; absent from older answers). */
  UserStatus?: string | undefined;
  CreatedAt?: Date | undefined;
}

export function toDirectoryUser(user: AwsUserLike): DirectoryUser {
  const userName = user.UserName ?? '';
  const givenName = user.Name?.GivenName;
  const familyName = user.Name?.FamilyName;
  const fullName = [givenName, familyName].filter((p) => p !== undefined && p !== '').join(' ');
  const emails = user.Emails ?? [];
  const email = (emails.find((e) => e.Primary === true) ?? emails[0])?.Value;
  return {
    id: user.UserId ?? '',
    userName,
    displayName: user.DisplayName ?? user.Name?.Formatted ?? (fullName !== '' ? fullName : userName),
    ...(givenName !== undefined ? { givenName } : {}),
    ...(familyName !== undefined ? { familyName } : {}),
    ...(email !== undefined ? { email } : {}),
    ...(user.UserStatus === 'ENABLED' || user.UserStatus === 'DISABLED' ? { status: user.UserStatus } : {}),
    ...(user.CreatedAt instanceof Date ? { createdAt: user.CreatedAt } : {}),
  };
}

export function toDirectoryGroup(
  group: Pick<Group, 'GroupId' | 'DisplayName' | 'Description'>,
): DirectoryGroup {
  return {
    id: group.GroupId ?? '',
    name: group.DisplayName ?? '',
    ...(group.Description !== undefined ? { description: group.Description } : {}),
  };
}

/** Memberships of users only: a group member that is not a user is not something the product acts on. */
export function toMemberships(memberships: readonly AwsMembership[]): GroupMembership[] {
  const out: GroupMembership[] = [];
  for (const m of memberships) {
    const userId = m.MemberId?.UserId;
    if (m.MembershipId === undefined || m.GroupId === undefined || userId === undefined) continue;
    out.push({ membershipId: m.MembershipId, groupId: m.GroupId, userId });
  }
  return out;
}
