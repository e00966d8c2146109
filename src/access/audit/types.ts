/**
 * What an audit reads from AWS (the snapshot) and what it reports. The report is computed from the snapshot and
 * the ledger's grants by a pure function, so the walk and the judgement are tested apart.
 */
import type { SessionDenialRecord } from '../ledger.js';
import type {
  Assignment,
  DirectoryGroup,
  DirectoryUser,
  LastSignIns,
  LegacyIamKeyHolder,
  PermissionSet,
  UserStatus,
} from '../../domain/identity.js';

/** Everything the walk read, as AWS holds it now. */
export interface AuditSnapshot {
  users: DirectoryUser[];
  groups: DirectoryGroup[];
  /** Group id → the ids of its member users. */
  members: Map<string, string[]>;
  permissionSets: PermissionSet[];
  /** Every assignment, of users and of groups, on every account each permission set is provisioned to. */
  assignments: Assignment[];
  /** undefined when the legacy IAM part was not read. */
  legacyIamUsers: LegacyIamKeyHolder[] | undefined;
  /** Each user's latest sign-in (CloudTrail); undefined when the sign-in history was not read. */
  signIns: LastSignIns | undefined;
  /** Why the sign-in history could not be read (AWS's words): the rest of the audit stands without it. */
  signInsUnread?: string;
  /** When the walk began and ended. */
  startedAt: Date;
  finishedAt: Date;
}

/** Where one piece of access comes from. */
export type AccessSource =
  | { kind: 'direct' }
  | { kind: 'grant'; grantId: string; requestId: string; endsAt: Date | null }
  | { kind: 'group'; groupName: string };

/** One user × account × permission set, with every source that gives it. */
export interface AccessRow {
  user: DirectoryUser;
  groups: string[];
  accountId: string;
  /** From config; undefined for an account config does not name. */
  accountAlias: string | undefined;
  permissionSet: string;
  permissionSetArn: string;
  sources: AccessSource[];
}

export type DriftKind =
  /** A direct user assignment in AWS that no active access-desk grant accounts for. */
  | 'not_granted'
  /** An active grant in the ledger whose assignment AWS no longer has. */
  | 'missing_in_aws';

export interface DriftRow {
  kind: DriftKind;
  /** The user, when AWS still knows them (a grant's principal may be gone). */
  user: DirectoryUser | undefined;
  userId: string;
  accountId: string;
  accountAlias: string | undefined;
  permissionSet: string;
  permissionSetArn: string;
  grantId?: string;
  requestId?: string;
  grantEndsAt?: Date | null;
}

export interface LegacyKeyRow {
  userName: string;
  arn: string;
  accessKeyId: string;
  createdAt: Date;
  lastUsed: { at: Date; service: string; region: string } | undefined;
  /** The Identity Center user of the same name, when there is one (they could move to SSO). */
  ssoUser: DirectoryUser | undefined;
}

/** One user's status and sign-ins, and whether they have gone quiet. */
export interface UserActivity {
  user: DirectoryUser;
  /** ENABLED unless AWS says DISABLED (absent from older answers: taken as enabled). */
  status: UserStatus;
  /** Their latest sign-in within CloudTrail's history; undefined when none (or not read). */
  lastSignIn: Date | undefined;
  /**
   * No sign-in for `audit.inactiveAfter` (and older than that: a newer user has not had the time); undefined
   * when it cannot be told (the sign-in history was not read).
   */
  inactive: boolean | undefined;
}

export interface AuditSummary {
  users: number;
  groups: number;
  accounts: number;
  permissionSets: number;
  /** Rows of access (user × account × permission set). */
  accessRows: number;
  usersWithoutAccess: number;
  directAssignments: number;
  groupAssignments: number;
  activeGrants: number;
  notGranted: number;
  missingInAws: number;
  /** undefined when the legacy IAM part was not read. */
  legacyUsersWithActiveKeys: number | undefined;
  activeKeys: number | undefined;
  /** false when no ledger was available: grants are not known, drift not computed. */
  ledger: boolean;
  /** Users whose Identity Center status is DISABLED. */
  disabledUsers?: number;
  /** Users with no sign-in for `inactiveAfterDays`; undefined when the sign-in history was not read. */
  inactiveUsers?: number;
  inactiveAfterDays?: number;
  /** LookupEvents pages read for the sign-ins (each waits for CloudTrail's 2/s), and sign-ins found. */
  signInPages?: number;
  signInEvents?: number;
  /** Why the sign-ins were not read, when they could not be. */
  signInsUnread?: string;
  /** Session denials in force or being added (sessions ended with the access); undefined without a ledger. */
  sessionDenials?: number;
  durationMs: number;
}

export interface AuditReport {
  generatedAt: Date;
  access: AccessRow[];
  noAccess: { user: DirectoryUser; groups: string[] }[];
  drift: DriftRow[];
  legacyKeys: LegacyKeyRow[];
  /** Sessions ended by access-desk and still denied: in force, or being put in force. */
  sessionDenials: SessionDenialRecord[];
  /** Every user's status, latest sign-in and inactivity, by user name. */
  activity: UserActivity[];
  summary: AuditSummary;
}

/** How far the walk is; every count so far, totals where known. */
export interface AuditProgress {
  usersListed: number;
  /** true once ListUsers reached its last page. */
  usersDone: boolean;
  groupsDone: number;
  groupsTotal: number | undefined;
  /** Account × permission set lists read, of those to read. */
  listsDone: number;
  listsTotal: number | undefined;
  legacyDone: number;
  legacyTotal: number | undefined;
  /** LookupEvents pages read so far (CloudTrail's 2/s), sign-ins found, and whether it is done (or not read). */
  signInPages: number;
  signInsFound: number;
  signInsDone: boolean;
}
