/**
 * The admins' work — onboarding, offboarding, role changes, the migration email — as the Slack layer asks for
 * it. Each change is a request like any other (rules, approval card, audit), whose approved work is a list of
 * steps run in order by a durable job: each step is done once, reported on the card, and a failed step stops
 * the work until an admin retries it, which continues where it stopped.
 */
import type { DirectoryGroup, DirectoryUser, HeldApplication, LegacyIamUser } from '../domain/identity.js';
import type { Requirement, RulePart } from '../domain/rule-parts.js';
import type { Outcome } from './api.js';
import type { GroupApi } from './group-api.js';
import type { MigrationApi } from './migration-api.js';
import type { PeopleApi } from './people-api.js';
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
    | 'end_sessions'
    | 'remove_application'
    | 'create_group'
    | 'update_user';
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
  /** For remove_application: the application assignment to remove (the person's own, not a group's). */
  applicationArn?: string;
  application?: string;
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
  /**
   * The applications they are assigned to: directly (each removed by a step) or through a group (gone with the
   * group). Absent on previews made before applications were read.
   */
  applications?: HeldApplication[];
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

/** One person of a bulk onboarding, as the request keeps them while their steps run. */
export interface BatchPerson {
  /** The CSV row they came from, as a spreadsheet numbers it (the header is row 1). */
  row: number;
  email: string;
  displayName: string;
  role?: string;
  slackUserId?: string;
  /** The new starter as planned (names, start date): what their create_user and welcome steps use. */
  starter: NewStarter & { displayName: string };
  /** Their Identity Center user id, once made. */
  userId?: string;
  /** CreateUser was sent for them, so a user found by that name on a resumed run is ours. */
  createUserAttempted?: boolean;
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
  /** The applications held, as `Jira` or `Jira (through group Billing)`. */
  applications?: string[];
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
  /**
   * What work that grants nothing is about, part by part, judged with no duration: what a group someone leaves
   * carries, a group being made (src/access/admin/groups.ts). Rules naming those groups, permission sets and
   * accounts apply to it.
   */
  affects?: RulePart[];
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
    /** group_create, internal: CreateGroup was sent, so a group found by that name on a resumed run is ours. */
    createAttempted?: boolean;
  };
  /** user_update: each attribute that changes, from what to what. */
  changes?: { field: 'givenName' | 'familyName' | 'displayName' | 'email'; from: string; to: string }[];
  /**
   * bulk_onboard: the people, one per CSV row. Their steps are in `steps`, each id prefixed by the row
   * (`r2:create_user`, `r2:join_group:ReadOnly`, …): src/access/admin/bulk-steps.ts.
   */
  batch?: BatchPerson[];
  /** legacy_removal: who confirmed that SSO works (their Slack id), or the admin's override and its reason. */
  confirmedBy?: string;
  override?: { bySlackId: string; reason: string };
}

export interface AdminApi extends GroupApi, PeopleApi, MigrationApi {
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
}
