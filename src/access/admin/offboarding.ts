/**
 * Offboarding planned: everything a person holds (groups, direct assignments and those through groups,
 * access-desk grants, pending requests, a legacy IAM user of the same name), and the steps that take it away
 * in a safe order — the identity-store user last, so that a failed step leaves them findable and retryable.
 */
import type {
  AdminRequestDetails,
  AdminStep,
  HeldAccess,
  OffboardingPreview,
  OffboardingSnapshot,
} from '../admin-api.js';
import type { Outcome } from '../api.js';
import { directApplications, heldApplicationText } from './applications.js';
import type { AdminDeps } from './deps.js';
import { ok, pendingStep, refuse } from './details.js';
import { readHoldings } from './holdings.js';
import type { Person } from './subject.js';

export async function previewOffboarding(
  deps: Pick<
    AdminDeps,
    'config' | 'directory' | 'assignments' | 'catalog' | 'ledger' | 'legacyIam' | 'applications'
  >,
  person: Person,
): Promise<Outcome<OffboardingPreview>> {
  const { user } = person;
  const held = await readHoldings(deps, person);
  if (!held.ok) return held;
  const { today, activeGrants, pendingRequests, legacyIamUser, applications, applicationsUnread } =
    held.value;
  // Offboarding promises to take everything away: what it cannot see, it cannot promise.
  if (applicationsUnread !== undefined)
    return refuse(
      'aws_unavailable',
      `I could not read the applications ${user.userName} is assigned to, so I cannot show everything offboarding would remove: ${applicationsUnread}`,
    );
  // Open sessions outlive removal by up to their permission set's session duration: name the longest.
  let longest: { hours: number; name?: string } = { hours: 0 };
  for (const a of [...today.direct, ...today.throughGroups]) {
    const hours = today.permissionSets.get(a.permissionSetArn)?.sessionHours ?? 0;
    if (hours > longest.hours) longest = { hours, name: a.permissionSet };
  }
  return ok({
    user,
    groups: today.groups,
    directAssignments: today.direct,
    groupAssignments: today.throughGroups.map((a) => ({
      group: a.group,
      accountAlias: a.accountAlias,
      permissionSet: a.permissionSet,
      accountId: a.accountId,
      permissionSetArn: a.permissionSetArn,
    })),
    activeGrants,
    pendingRequests,
    ...(legacyIamUser !== undefined ? { legacyIamUser } : {}),
    applications,
    longestSessionHours: longest.hours,
    ...(longest.name !== undefined ? { longestSessionPermissionSet: longest.name } : {}),
    endsSessions: deps.config.sessions.endOnRevoke,
  });
}

/**
 * The steps, in the order PRODUCT.md gives: requests, grants, assignments, applications, groups, IAM, then the
 * user. Applications held through a group go with the group; those assigned directly are removed one by one.
 */
export function offboardingSteps(preview: OffboardingPreview, cleanupLegacyIam: boolean): AdminStep[] {
  const iam = preview.legacyIamUser;
  const steps: AdminStep[] = [
    pendingStep({
      id: 'cancel_requests',
      kind: 'cancel_requests',
      label: `Cancel pending requests (${preview.pendingRequests.length})`,
    }),
    pendingStep({
      id: 'end_grants',
      kind: 'end_grants',
      label: `End access-desk grants (${preview.activeGrants.length})`,
    }),
    ...preview.directAssignments.map((a) =>
      pendingStep({
        id: `unassign:${a.accountAlias}:${a.permissionSet}`,
        kind: 'unassign',
        label: `Remove ${a.permissionSet} on ${a.accountAlias}`,
        accountId: a.accountId,
        accountAlias: a.accountAlias,
        permissionSet: a.permissionSet,
        permissionSetArn: a.permissionSetArn,
      }),
    ),
    ...directApplications(preview.applications ?? []).map((a) =>
      pendingStep({
        id: `remove_application:${a.applicationArn}`,
        kind: 'remove_application',
        label: `Remove the application ${a.application}`,
        applicationArn: a.applicationArn,
        application: a.application,
      }),
    ),
    ...preview.groups.map((g) =>
      pendingStep({
        id: `leave_group:${g.name}`,
        kind: 'leave_group',
        label: `Leave group ${g.name}`,
        groupId: g.id,
        groupName: g.name,
      }),
    ),
  ];
  if (iam !== undefined) {
    const step = pendingStep({
      id: `legacy_iam:${iam.userName}`,
      kind: 'legacy_iam_cleanup',
      label: `Delete the legacy IAM user ${iam.userName} (${iam.accessKeys.length} access key${iam.accessKeys.length === 1 ? '' : 's'})`,
    });
    // Out of reach (outside legacyIam.path): skipped with the reason, so the rest of the offboarding goes on.
    const skip = iam.cleanupRefused ?? (cleanupLegacyIam ? undefined : 'Not asked for: it stays.');
    steps.push(skip === undefined ? step : { ...step, status: 'skipped', detail: skip });
  }
  steps.push(
    pendingStep({
      id: 'delete_user',
      kind: 'delete_user',
      label: `Delete the Identity Center user ${preview.user.userName}`,
    }),
  );
  const held =
    preview.endsSessions === false
      ? undefined
      : endSessionsStep([...preview.directAssignments, ...preview.groupAssignments]);
  if (held !== undefined) steps.push(held);
  return steps;
}

/**
 * The last step of work that takes access away: the sessions already open for what the person held, and no
 * longer holds once the steps before have run, are ended (src/access/sessions.ts). undefined: nothing was held.
 */
export function endSessionsStep(held: readonly HeldAccess[]): AdminStep | undefined {
  const unique = new Map<string, HeldAccess>();
  for (const h of held)
    unique.set(`${h.permissionSetArn}|${h.accountId}`, {
      accountId: h.accountId,
      accountAlias: h.accountAlias,
      permissionSet: h.permissionSet,
      permissionSetArn: h.permissionSetArn,
    });
  if (unique.size === 0) return undefined;
  return pendingStep({
    id: 'end_sessions',
    kind: 'end_sessions',
    label: `End the sessions already open (${unique.size} permission set${unique.size === 1 ? '' : 's'} × account)`,
    sessions: [...unique.values()],
  });
}

/** The longest session, at the top of the details (the card shows it) as well as in the snapshot. */
export function sessionFields(
  preview: OffboardingPreview,
): Pick<AdminRequestDetails, 'longestSessionHours' | 'longestSessionPermissionSet'> {
  return {
    longestSessionHours: preview.longestSessionHours,
    ...(preview.longestSessionPermissionSet !== undefined
      ? { longestSessionPermissionSet: preview.longestSessionPermissionSet }
      : {}),
  };
}

export function snapshotOf(preview: OffboardingPreview, at: Date): OffboardingSnapshot {
  const iam = preview.legacyIamUser;
  return {
    userName: preview.user.userName,
    groups: preview.groups.map((g) => g.name),
    directAssignments: preview.directAssignments.map((a) => ({
      accountAlias: a.accountAlias,
      permissionSet: a.permissionSet,
    })),
    groupAssignments: preview.groupAssignments,
    activeGrantIds: preview.activeGrants.map((g) => g.id),
    pendingRequestIds: preview.pendingRequests.map((r) => r.id),
    ...(iam !== undefined
      ? { legacyIamUser: { userName: iam.userName, accessKeyIds: iam.accessKeys.map((k) => k.id) } }
      : {}),
    ...(preview.applications !== undefined && preview.applications.length > 0
      ? { applications: preview.applications.map(heldApplicationText) }
      : {}),
    longestSessionHours: preview.longestSessionHours,
    ...(preview.longestSessionPermissionSet !== undefined
      ? { longestSessionPermissionSet: preview.longestSessionPermissionSet }
      : {}),
    takenAt: at.toISOString(),
  };
}

/** The warning the admin reads when it is done: removal does not end sessions already open. */
export function openSessionsNote(snapshot: OffboardingSnapshot): string | undefined {
  if (snapshot.longestSessionHours === 0) return undefined;
  const h = snapshot.longestSessionHours;
  return `Sessions already open stay valid until their session duration runs out: up to ${h} hour${h === 1 ? '' : 's'} (${snapshot.longestSessionPermissionSet ?? 'the longest permission set'}).`;
}

/**
 * The offboarding steps planned again from what the person holds now; undefined when that cannot be read
 * (the plan made at submission then stands).
 */
export async function replanOffboarding(
  deps: Pick<
    AdminDeps,
    'config' | 'directory' | 'assignments' | 'catalog' | 'ledger' | 'legacyIam' | 'applications'
  >,
  details: AdminRequestDetails,
  now: Date,
): Promise<AdminRequestDetails | undefined> {
  const userId = details.subject.userId;
  if (userId === undefined) return undefined;
  const user = await deps.directory.describeUser(userId);
  if (!user.ok) return undefined;
  const preview = await previewOffboarding(deps, { user: user.value, email: details.subject.email });
  if (!preview.ok) return undefined;
  const cleanup = details.cleanupLegacyIam === true;
  const iam = preview.value.legacyIamUser;
  return {
    ...details,
    steps: offboardingSteps(preview.value, cleanup),
    snapshot: snapshotOf(preview.value, now),
    ...sessionFields(preview.value),
    ...(iam !== undefined ? { legacyIamUserName: iam.userName } : {}),
  };
}
