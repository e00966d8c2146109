/**
 * The admins' work — onboarding, offboarding, role changes, the migration email — as the Slack layer asks for
 * it. Each change is a request like any other (rules, approval card, audit), whose approved work is a list of
 * steps run in order by a durable job: each step is done once, reported on the card, and a failed step stops
 * the work until an admin retries it, which continues where it stopped.
 */
import type { DirectoryGroup, DirectoryUser, LegacyIamUser } from '../domain/identity.js';
import type { Requirement, RulePart } from '../domain/rule-parts.js';
import type { Outcome } from './api.js';
import type { GrantRecord, RequestRecord } from './ledger.js';
import type { RequestView } from './notifier.js';

/** One step of an admin request's work, kept in the request's details as `details.steps`. */
export interface AdminStep {
  /** Stable within the request: `create_user`, `join_group:ReadOnly`, `assign:dev:Developer`, … */
  id: string;
  kind:
    | 'create_user'
    | 'join_group'
    | 'assign'
    | 'send_welcome'
    | 'cancel_requests'
    | 'end_grants'
    | 'unassign'
    | 'leave_group'
    | 'legacy_iam_cleanup'
    | 'delete_user'
    | 'send_migration'
    | 'end_sessions';
  /** What a person reads on the card: "Join group ReadOnly", "Remove Developer on prod". */
  label: string;
  status: 'pending' | 'done' | 'failed' | 'skipped';
  /** Why it failed (AWS's words where AWS said no), or why it was skipped. */
  detail?: string;
  /** For assign/unassign: the target; for join/leave_group: the group. */
  accountId?: string;
  accountAlias?: string;
  permissionSet?: string;
  permissionSetArn?: string;
  groupId?: string;
  groupName?: string;
  /** For end_sessions: what the person held before the steps took it away (their sessions of it end). */
  sessions?: HeldAccess[];
}

/** One permission set on one account, as a person held it. */
export interface HeldAccess {
  accountId: string;
  accountAlias: string;
  permissionSet: string;
  permissionSetArn: string;
}

export interface NewStarter {
  /** Work email, in a trusted domain; also the Identity Center user name. */
  email: string;
  givenName: string;
  familyName: string;
  /** Default: `givenName familyName`. */
  displayName?: string;
  /** A role from config: groups to join and assignments to hold. */
  role?: string;
  /** Permission sets × accounts beyond the role. */
  extra?: { permissionSet: string; accounts: string[] }[];
  /** The starter's Slack account, if they have one. */
  slackUserId?: string;
  /** YYYY-MM-DD; a future date waits until that day (UTC) before the work starts. */
  startDate?: string;
  note?: string;
}

export interface OnboardingPlan {
  starter: NewStarter & { displayName: string };
  groups: string[];
  assignments: { permissionSet: string; accounts: string[] }[];
  steps: AdminStep[];
}

/** Everything that will go when a person is offboarded, shown in the modal before anyone approves. */
export interface OffboardingPreview {
  user: DirectoryUser;
  groups: DirectoryGroup[];
  directAssignments: {
    accountId: string;
    accountAlias: string;
    permissionSet: string;
    permissionSetArn: string;
  }[];
  groupAssignments: {
    group: string;
    accountAlias: string;
    permissionSet: string;
    accountId: string;
    permissionSetArn: string;
  }[];
  activeGrants: GrantRecord[];
  pendingRequests: RequestRecord[];
  legacyIamUser?: LegacyIamUser;
  /** The longest session duration among the permission sets the person holds: open sessions outlive removal. */
  longestSessionHours: number;
  longestSessionPermissionSet?: string;
  /** true: the sessions already open are ended with the access (sessions.endOnRevoke). */
  endsSessions?: boolean;
}

export interface RoleChangePreview {
  user: DirectoryUser;
  role: string;
  current: { groups: string[]; assignments: { permissionSet: string; accountAlias: string }[] };
  add: { groups: string[]; assignments: { permissionSet: string; accountAlias: string }[] };
  remove: { groups: string[]; assignments: { permissionSet: string; accountAlias: string }[] };
}

/** Who an admin request is about (the requester is the admin). */
export interface AdminSubject {
  email: string;
  displayName: string;
  /** The Identity Center user id: known from the start, except for onboarding (set once the user is made). */
  userId?: string;
  slackUserId?: string;
}

/** What an offboarding keeps of what the person had, in the ledger, once it is all gone. */
export interface OffboardingSnapshot {
  userName: string;
  groups: string[];
  directAssignments: { accountAlias: string; permissionSet: string }[];
  groupAssignments: { group: string; accountAlias: string; permissionSet: string }[];
  activeGrantIds: string[];
  pendingRequestIds: string[];
  legacyIamUser?: { userName: string; accessKeyIds: string[] };
  longestSessionHours: number;
  longestSessionPermissionSet?: string;
  takenAt: string;
}

/**
 * `request.details` of an onboard, offboard or role_change request. Written by src/access/admin; the Slack
 * layer reads `subject`, `steps` and `notes` to draw the card and the admin's messages.
 */
export interface AdminRequestDetails {
  matchedRules: number[];
  /**
   * What the work would grant, as the rules judge it (src/domain/rule-parts.ts); re-judged at every click under
   * the rules as they are then. Absent on work that grants nothing (offboarding, pure removals): `touches`.
   */
  ruleParts?: RulePart[];
  /** The accounts work that grants nothing touches, as the rules judge it. */
  touches?: string[];
  /** Who must approve, as decided when it was asked for (the card shows them). */
  requirements?: Requirement[];
  subject: AdminSubject;
  steps: AdminStep[];
  /** Onboarding: the new starter as planned. */
  starter?: NewStarter & { displayName: string };
  /** Onboarding, role change: the role. */
  role?: string;
  /** Role change: today's access and the difference, as shown when it was asked for. */
  roleChange?: Pick<RoleChangePreview, 'current' | 'add' | 'remove'>;
  /** Offboarding: whether the legacy IAM user is cleaned up, and its name. */
  cleanupLegacyIam?: boolean;
  legacyIamUserName?: string;
  snapshot?: OffboardingSnapshot;
  /** Offboarding: the same as in the snapshot, at the top where the card reads it. */
  longestSessionHours?: number;
  longestSessionPermissionSet?: string;
  /**
   * What the admin must know once the work is done (the console step for a first password; sessions that
   * stay open after offboarding). Plain sentences, user text not escaped for Slack.
   */
  notes?: string[];
  /** Internal: assignment request ids by step id, so a resumed step follows AWS's request instead of asking again. */
  awsRequestIds?: Record<string, string>;
  /** The recorded form submission that made this request, so that running it again finds it. */
  clickId?: string;
  /** Internal: CreateUser was sent, so a user found by that name on a resumed run is ours. */
  createUserAttempted?: boolean;
  /**
   * group_change, group_create: the group, and for a change whether the person joins or leaves it. `carries`:
   * what the group gives (permission set × account), as shown when it was asked for.
   */
  group?: {
    name: string;
    id?: string;
    description?: string;
    action: 'add' | 'remove' | 'create';
    carries?: { permissionSet: string; accountAlias: string }[];
  };
  /** user_update: each attribute that changes, from what to what. */
  changes?: { field: 'givenName' | 'familyName' | 'displayName' | 'email'; from: string; to: string }[];
  /** bulk_onboard: the people, one per CSV row, each with the request id of their own onboarding once made. */
  batch?: { row: number; email: string; displayName: string; role?: string; requestId?: string }[];
  /** legacy_removal: who confirmed that SSO works (their Slack id), or the admin's override and its reason. */
  confirmedBy?: string;
  override?: { bySlackId: string; reason: string };
}

export interface AdminApi {
  /** Checks a new starter (admin, trusted domain, unknown user, known role and names) without recording anything. */
  planOnboarding(adminSlackId: string, starter: NewStarter): Promise<Outcome<OnboardingPlan>>;
  /**
   * `clickId`: the recorded form submission this runs (src/access/clicks.ts); run again, it finds the request it
   * made instead of making (or refusing) a second one. Likewise for offboarding and role changes.
   */
  submitOnboarding(
    adminSlackId: string,
    starter: NewStarter,
    clickId?: string,
  ): Promise<Outcome<RequestView>>;
  /** `who`: an email or a Slack user id. */
  previewOffboarding(adminSlackId: string, who: string): Promise<Outcome<OffboardingPreview>>;
  submitOffboarding(
    adminSlackId: string,
    input: { who: string; reason: string; cleanupLegacyIam: boolean },
    clickId?: string,
  ): Promise<Outcome<RequestView>>;
  previewRoleChange(adminSlackId: string, who: string, role: string): Promise<Outcome<RoleChangePreview>>;
  submitRoleChange(
    adminSlackId: string,
    input: { who: string; role: string; reason?: string },
    clickId?: string,
  ): Promise<Outcome<RequestView>>;
  /** Continues a failed admin request from the step that failed. Admins only. */
  retry(requestId: string, adminSlackId: string): Promise<Outcome<RequestView>>;
  /** Sends the IAM-to-SSO migration email to someone who has an Identity Center user. Admins only. */
  sendMigrationEmail(
    adminSlackId: string,
    email: string,
  ): Promise<Outcome<{ messageId: string; to: string }>>;
}
