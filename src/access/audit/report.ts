/**
 * The audit's judgement, pure: from what AWS holds (the snapshot) and what the ledger granted, one row per
 * user × account × permission set with every source of that access, the users with none, the drift between
 * the two records, and the legacy IAM keys still active.
 */
import type { DirectoryUser } from '../../domain/identity.js';
import type { GrantRecord, SessionDenialRecord } from '../ledger.js';
import type { AdminAssignment } from './admin-work.js';
import { activityOf, DAY_MS, DEFAULT_INACTIVE_AFTER_MS } from './inactive.js';
import type { AccessRow, AccessSource, AuditReport, AuditSnapshot, DriftRow, LegacyKeyRow } from './types.js';

export interface ReportInputs {
  /** Account alias → id, from config. */
  accounts: Readonly<Record<string, string>>;
  /**
   * The ledger's grants in pending, provisioning, active or ending; undefined when there is no ledger (then
   * every direct assignment is shown as direct, and drift is not computed).
   */
  grants: readonly GrantRecord[] | undefined;
  /**
   * Direct assignments that access-desk's own onboardings and role changes made and left in place
   * (assignmentsByAdminWork): permanent access by role, not drift.
   */
  madeByAdminWork?: readonly AdminAssignment[];
  /** Session denials in force or being added (from the ledger). */
  sessionDenials?: readonly SessionDenialRecord[];
  /** audit.inactiveAfter: no sign-in for this long flags a user (default 90 days). */
  inactiveAfterMs?: number;
  now: Date;
}

/** Grants that explain an assignment being there (one being made or being ended still has it, or soon will). */
const EXPLAINS: ReadonlySet<GrantRecord['status']> = new Set(['pending', 'provisioning', 'active', 'ending']);

const DIRECT: AccessSource = { kind: 'direct' };

const keyOf = (userId: string, accountId: string, permissionSetArn: string): string =>
  `${userId}|${accountId}|${permissionSetArn}`;

export function buildAuditReport(snapshot: AuditSnapshot, inputs: ReportInputs): AuditReport {
  const usersById = new Map(snapshot.users.map((u) => [u.id, u]));
  const groupName = new Map(snapshot.groups.map((g) => [g.id, g.name]));
  const psName = new Map(snapshot.permissionSets.map((p) => [p.arn, p.name]));
  const aliasOf = new Map(Object.entries(inputs.accounts).map(([alias, id]) => [id, alias]));
  const groupsOf = new Map<string, string[]>();
  for (const [groupId, userIds] of snapshot.members) {
    for (const userId of userIds) {
      const list = groupsOf.get(userId) ?? [];
      list.push(groupName.get(groupId) ?? groupId);
      groupsOf.set(userId, list);
    }
  }
  for (const list of groupsOf.values()) list.sort(byText);

  const grantsByKey = new Map<string, GrantRecord[]>();
  for (const g of inputs.grants ?? []) {
    if (!EXPLAINS.has(g.status)) continue;
    const key = keyOf(g.principalId, g.accountId, g.permissionSetArn);
    grantsByKey.set(key, [...(grantsByKey.get(key) ?? []), g]);
  }

  const byAdminWork = new Set(
    (inputs.madeByAdminWork ?? []).map((a) => keyOf(a.userId, a.accountId, a.permissionSetArn)),
  );

  // Rows by a number made of the user's, the account's and the permission set's places: an organisation of
  // 20,000 people has hundreds of thousands of rows, and a long key string each would be much of its memory.
  const userPlace = new Map<string, number>();
  snapshot.users.forEach((u, i) => userPlace.set(u.id, i));
  const accountPlace = new Map<string, number>();
  const setPlace = new Map<string, number>();
  for (const a of snapshot.assignments) {
    if (!accountPlace.has(a.accountId)) accountPlace.set(a.accountId, accountPlace.size);
    if (!setPlace.has(a.permissionSetArn)) setPlace.set(a.permissionSetArn, setPlace.size);
  }
  const rows = new Map<number, AccessRow>();
  const withAccess = new Set<string>();
  // A new row's sources start as a one-element array (an empty one grows room for 17 at its first push).
  const addSource = (
    user: DirectoryUser,
    accountId: string,
    permissionSetArn: string,
    source: AccessSource,
  ): void => {
    const key =
      ((userPlace.get(user.id) ?? 0) * accountPlace.size + (accountPlace.get(accountId) ?? 0)) *
        setPlace.size +
      (setPlace.get(permissionSetArn) ?? 0);
    const row = rows.get(key);
    if (row !== undefined) {
      row.sources.push(source);
      return;
    }
    withAccess.add(user.id);
    rows.set(key, {
      user,
      groups: groupsOf.get(user.id) ?? [],
      accountId,
      accountAlias: aliasOf.get(accountId),
      permissionSet: psName.get(permissionSetArn) ?? permissionSetArn,
      permissionSetArn,
      sources: [source],
    });
  };

  const drift: DriftRow[] = [];
  const directKeys = new Set<string>();
  let directAssignments = 0;
  let groupAssignments = 0;
  for (const a of snapshot.assignments) {
    if (a.principal.type === 'GROUP') {
      groupAssignments += 1;
      // One source for all the group's rows: sources are only read.
      const source: AccessSource = {
        kind: 'group',
        groupName: groupName.get(a.principal.id) ?? a.principal.id,
      };
      for (const userId of snapshot.members.get(a.principal.id) ?? []) {
        const user = usersById.get(userId);
        if (user !== undefined) addSource(user, a.accountId, a.permissionSetArn, source);
      }
      continue;
    }
    directAssignments += 1;
    const key = keyOf(a.principal.id, a.accountId, a.permissionSetArn);
    directKeys.add(key);
    const user = usersById.get(a.principal.id);
    const grants = grantsByKey.get(key) ?? [];
    if (user !== undefined) {
      if (grants.length === 0) addSource(user, a.accountId, a.permissionSetArn, DIRECT);
      for (const g of grants)
        addSource(user, a.accountId, a.permissionSetArn, {
          kind: 'grant',
          grantId: g.id,
          requestId: g.requestId,
          endsAt: g.endsAt,
        });
    }
    if (inputs.grants !== undefined && grants.length === 0 && !byAdminWork.has(key)) {
      drift.push({
        kind: 'not_granted',
        user,
        userId: a.principal.id,
        accountId: a.accountId,
        accountAlias: aliasOf.get(a.accountId),
        permissionSet: psName.get(a.permissionSetArn) ?? a.permissionSetArn,
        permissionSetArn: a.permissionSetArn,
      });
    }
  }

  let activeGrants = 0;
  for (const g of inputs.grants ?? []) {
    if (g.status !== 'active') continue;
    activeGrants += 1;
    if (directKeys.has(keyOf(g.principalId, g.accountId, g.permissionSetArn))) continue;
    drift.push({
      kind: 'missing_in_aws',
      user: usersById.get(g.principalId),
      userId: g.principalId,
      accountId: g.accountId,
      accountAlias: aliasOf.get(g.accountId) ?? g.accountAlias,
      permissionSet: psName.get(g.permissionSetArn) ?? g.permissionSet,
      permissionSetArn: g.permissionSetArn,
      grantId: g.id,
      requestId: g.requestId,
      grantEndsAt: g.endsAt,
    });
  }

  const access: AccessRow[] = new Array<AccessRow>(rows.size);
  let filled = 0;
  for (const row of rows.values()) {
    if (row.sources.length > 1) row.sources.sort(bySource);
    access[filled++] = row;
  }
  rows.clear();
  access.sort(byRow);
  const noAccess = snapshot.users
    .filter((u) => !withAccess.has(u.id))
    .map((user) => ({ user, groups: groupsOf.get(user.id) ?? [] }))
    .sort((a, b) => byText(a.user.userName, b.user.userName));
  drift.sort(
    (a, b) =>
      byText(a.kind, b.kind) ||
      byText(a.user?.userName ?? a.userId, b.user?.userName ?? b.userId) ||
      byText(a.accountAlias ?? a.accountId, b.accountAlias ?? b.accountId) ||
      byText(a.permissionSet, b.permissionSet),
  );
  const legacyKeys = legacyKeyRows(snapshot);

  const accountIds = new Set(snapshot.assignments.map((a) => a.accountId));
  const inactiveAfterMs = inputs.inactiveAfterMs ?? DEFAULT_INACTIVE_AFTER_MS;
  const activity = activityOf(snapshot.users, snapshot.signIns, inputs.now, inactiveAfterMs);
  return {
    generatedAt: inputs.now,
    access,
    noAccess,
    drift,
    legacyKeys,
    sessionDenials: [...(inputs.sessionDenials ?? [])],
    activity,
    summary: {
      users: snapshot.users.length,
      groups: snapshot.groups.length,
      accounts: accountIds.size,
      permissionSets: snapshot.permissionSets.length,
      accessRows: access.length,
      usersWithoutAccess: noAccess.length,
      directAssignments,
      groupAssignments,
      activeGrants,
      notGranted: drift.filter((d) => d.kind === 'not_granted').length,
      missingInAws: drift.filter((d) => d.kind === 'missing_in_aws').length,
      legacyUsersWithActiveKeys:
        snapshot.legacyIamUsers === undefined ? undefined : new Set(legacyKeys.map((k) => k.userName)).size,
      activeKeys: snapshot.legacyIamUsers === undefined ? undefined : legacyKeys.length,
      ledger: inputs.grants !== undefined,
      disabledUsers: activity.filter((a) => a.status === 'DISABLED').length,
      ...(snapshot.signIns !== undefined
        ? {
            inactiveUsers: activity.filter((a) => a.inactive === true).length,
            signInPages: snapshot.signIns.pages,
            signInEvents: snapshot.signIns.events,
          }
        : {}),
      inactiveAfterDays: Math.round(inactiveAfterMs / DAY_MS),
      ...(snapshot.signInsUnread !== undefined ? { signInsUnread: snapshot.signInsUnread } : {}),
      ...(inputs.sessionDenials !== undefined ? { sessionDenials: inputs.sessionDenials.length } : {}),
      durationMs: snapshot.finishedAt.getTime() - snapshot.startedAt.getTime(),
    },
  };
}

/** Active keys only: an inactive key cannot sign a request. Matched to SSO users as offboarding does. */
function legacyKeyRows(snapshot: AuditSnapshot): LegacyKeyRow[] {
  const byName = new Map<string, DirectoryUser>();
  for (const u of snapshot.users) {
    const names = [u.userName, u.email, u.userName.split('@')[0], u.email?.split('@')[0]];
    for (const n of names)
      if (n !== undefined && n !== '' && !byName.has(n.toLowerCase())) byName.set(n.toLowerCase(), u);
  }
  const rows: LegacyKeyRow[] = [];
  for (const iamUser of snapshot.legacyIamUsers ?? []) {
    for (const key of iamUser.accessKeys) {
      if (key.status !== 'Active') continue;
      rows.push({
        userName: iamUser.userName,
        arn: iamUser.arn,
        accessKeyId: key.id,
        createdAt: key.createdAt,
        lastUsed: key.lastUsed,
        ssoUser: byName.get(iamUser.userName.toLowerCase()),
      });
    }
  }
  return rows.sort((a, b) => byText(a.userName, b.userName) || byText(a.accessKeyId, b.accessKeyId));
}

const SOURCE_ORDER: Record<AccessSource['kind'], number> = { grant: 0, direct: 1, group: 2 };

function bySource(a: AccessSource, b: AccessSource): number {
  return (
    SOURCE_ORDER[a.kind] - SOURCE_ORDER[b.kind] ||
    (a.kind === 'group' && b.kind === 'group' ? byText(a.groupName, b.groupName) : 0)
  );
}

function byRow(a: AccessRow, b: AccessRow): number {
  return (
    byText(a.user.userName, b.user.userName) ||
    byText(a.accountAlias ?? a.accountId, b.accountAlias ?? b.accountId) ||
    byText(a.permissionSet, b.permissionSet)
  );
}

function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
