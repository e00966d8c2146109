/**
 * Identity Center groups as the Slack layer asks for them: who is in a group, what it carries, a person added
 * to or removed from one, a new group made. Changes are admin work like any other (src/access/admin-api.ts):
 * judged by the rules, approved on a card, then carried out by one durable step; listing is for anyone.
 */
import type { DirectoryGroup, DirectoryUser } from '../domain/identity.js';
import type { Outcome } from './api.js';
import type { HeldAccess } from './admin-api.js';
import type { RequestView } from './notifier.js';

export type GroupAction = 'add' | 'remove';

/** A person added to or removed from a group, as `/access group add|remove` asks for it. */
export interface GroupChangeInput {
  /** An email, a user name or a Slack user id. */
  who: string;
  /** The group's display name, as typed (matched ignoring case). */
  group: string;
  action: GroupAction;
  /**
   * The group id the preview showed: a submission for a group that is no longer that one (deleted and made again
   * under the same name) changes nothing.
   */
  groupId?: string;
  reason?: string;
}

/** What the admin sees before asking for approval: the person, the group, and what the group carries. */
export interface GroupChangePreview {
  user: DirectoryUser;
  /** The email access-desk knows the person by. */
  email: string;
  group: DirectoryGroup;
  action: GroupAction;
  /** Every permission set × account the group gives its members, read from AWS. */
  carries: HeldAccess[];
  /** Removal: what the group carries that the person also holds another way (those sessions stay open). */
  keptOtherwise: HeldAccess[];
  memberCount: number;
  /** Whether the rules need a reason for this change (the form then asks for one). */
  reasonRequired: boolean;
  /** Removal: the sessions already open for what the person loses are ended (sessions.endOnRevoke). */
  endsSessions: boolean;
}

export interface GroupCreateInput {
  name: string;
  description?: string;
}

/** One group as `/access group list` shows it. */
export interface GroupSummary {
  group: DirectoryGroup;
  memberCount: number;
  carries: { permissionSet: string; accountAlias: string }[];
}

export interface GroupMemberLine {
  userId: string;
  displayName: string;
  email: string;
}

export type GroupListing =
  /** Every group, by name; `more`: groups past those shown, by name only. */
  | { kind: 'all'; groups: GroupSummary[]; more: string[] }
  /** One group and its members, by display name; `moreMembers`: how many are not shown. */
  | { kind: 'one'; summary: GroupSummary; members: GroupMemberLine[]; moreMembers: number };

export interface GroupApi {
  /** Admins only: checks the change (the group, the person, the membership, the rules) and shows it. */
  previewGroupChange(
    adminSlackId: string,
    input: Omit<GroupChangeInput, 'reason'>,
  ): Promise<Outcome<GroupChangePreview>>;
  /**
   * Records a `group_change` request judged by the rules. `clickId`: the recorded form submission this runs;
   * run again, it finds the request it made instead of making a second one.
   */
  submitGroupChange(
    adminSlackId: string,
    input: GroupChangeInput,
    clickId?: string,
  ): Promise<Outcome<RequestView>>;
  /** Anyone: every group with its member count and what it carries; with a name, that group's members. */
  listGroups(slackId: string, group?: string): Promise<Outcome<GroupListing>>;
  /** Admins only: records a `group_create` request; a name already taken is refused at once. */
  submitGroupCreate(
    adminSlackId: string,
    input: GroupCreateInput,
    clickId?: string,
  ): Promise<Outcome<RequestView>>;
}
