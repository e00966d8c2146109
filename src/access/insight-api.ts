/**
 * Who has what, as the Slack layer asks for it: `whois` (anyone, about anyone, themself by default), the paged
 * user listing (admins) and a person's own grants for the Home tab. Answers come from AWS, with the ledger
 * adding what access-desk granted; nothing here changes anything.
 */
import type { DirectoryGroup, DirectoryUser, HeldApplication, LegacyIamUser } from '../domain/identity.js';
import type { Outcome } from './api.js';
import type { GrantRecord, RequestRecord, SessionDenialRecord } from './ledger.js';

/** Where one permission set on one account comes from. A person may hold it in several ways at once. */
export type AccessSource =
  /** Assigned to the user directly in Identity Center, not by an access-desk grant: it has no end. */
  | { kind: 'direct' }
  | {
      kind: 'group';
      group: string;
      /** A time-bound membership made by an access-desk grant (src/access/group-access.ts): until when. */
      timeBound?: TimeBoundGroup;
    }
  /**
   * An active access-desk grant: until `endsAt`, or permanent (null). `inAws: false` when the ledger holds
   * the grant but AWS no longer has the assignment (drift).
   */
  | { kind: 'grant'; requestId: string; grantId: string; endsAt: Date | null; inAws: boolean };

/** A group membership an access-desk grant gives for a while. */
export interface TimeBoundGroup {
  groupId: string;
  group: string;
  requestId: string;
  /** null: no end (never made by `/access request group:…`, which is never permanent). */
  endsAt: Date | null;
  /** False when the ledger holds the grant but Identity Center no longer has the person in the group. */
  inAws: boolean;
}

export interface HeldPermissionSet {
  permissionSet: string;
  permissionSetArn: string;
  sources: AccessSource[];
}

export interface AccountAccess {
  accountId: string;
  /** The alias config gives it, else the account id. */
  accountAlias: string;
  permissionSets: HeldPermissionSet[];
}

export interface WhoisReport {
  user: DirectoryUser;
  /** Their primary email, else their user name. */
  email: string;
  /** Known when they were asked about by Slack id (or asked about themself). */
  slackUserId?: string;
  groups: DirectoryGroup[];
  /** Their memberships that access-desk gives for a while, by group name (absent: none). */
  timeBoundGroups?: TimeBoundGroup[];
  /** Grouped by account, accounts by alias, permission sets by name. */
  accounts: AccountAccess[];
  pendingRequests: RequestRecord[];
  /**
   * The IAM user of the same name, from before Identity Center, if there is one. For anyone but an admin, its
   * credential ids (access key ids, MFA serials, certificate and SSH key ids, the ARN) are left out: they say
   * how many keys there are and how they are used, not which.
   */
  legacyIamUser?: LegacyIamUser;
  /** False when the asker is not an admin and the ids above were left out. */
  credentialIdsShown: boolean;
  /** The applications they are assigned to, directly or through a group (sorted by name). */
  applications?: HeldApplication[];
  /** Why the applications could not be read (AWS's words), when they could not. */
  applicationsUnread?: string;
  /**
   * Their sessions ended by access-desk and still denied (src/access/sessions.ts): sessions of theirs issued
   * before the moment named are refused on that account until the statement is lifted.
   */
  sessionDenials?: SessionDenialRecord[];
  /**
   * When what their groups give was read from AWS, if not during this whois (whois keeps each group's listing
   * for a while: src/access/insight/group-listings.ts); absent: everything was read just now.
   */
  groupAssignmentsReadAt?: Date;
}

export interface ListedUser {
  user: DirectoryUser;
  /** Group names, sorted. */
  groups: string[];
  /**
   * The applications they are assigned to, read for the page shown (one call per person on it); absent when
   * they could not be read.
   */
  applications?: HeldApplication[];
}

export interface UsersPage {
  /** 1-based; a page past the end is answered with the last page. */
  page: number;
  pageSize: number;
  pages: number;
  total: number;
  users: ListedUser[];
  /** When the listing was read from AWS (pages share one listing for a short while). */
  listedAt: Date;
}

export interface InsightApi {
  /** `who`: an email, a user name, a Slack user id or `<@U…|name>`; absent: the asker. */
  whois(askerSlackId: string, who?: string): Promise<Outcome<WhoisReport>>;
  /** Every Identity Center user with their groups, a page at a time. Admins only. */
  users(adminSlackId: string, page: number): Promise<Outcome<UsersPage>>;
  /** The person's active access-desk grants, soonest end first (permanent last). */
  myAccess(slackId: string): Promise<GrantRecord[]>;
}
