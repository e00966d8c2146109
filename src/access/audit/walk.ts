/**
 * The audit's walk: reads the whole organisation with as few calls as AWS allows, as four streams at once, each
 * paced by its own rate-limit budget in the adapter:
 * - identitystore ListUsers (its own 20/s), page after page;
 * - identitystore ListGroups, then ListGroupMemberships per group (another 20/s);
 * - sso-admin (20/s shared by all its APIs): the permission sets, the accounts each is provisioned to, then
 *   ListAccountAssignments per account × permission set. That one list holds users and groups alike, so the
 *   calls grow with accounts × permission sets (27 for 3 × 9), not with people: 5,000 users would cost 5,000
 *   ListAccountAssignmentsForPrincipal calls, over four minutes of the same budget;
 * - IAM ListUsers, then ListAccessKeys and GetAccessKeyLastUsed per user (legacy keys);
 * - CloudTrail LookupEvents for Identity Center sign-ins over the 90 days it keeps, at CloudTrail's 2 pages per
 *   second (its own budget): the slowest stream when people sign in often, so it starts with the others. A
 *   sign-in history that cannot be read (CloudTrail refused, say) is reported as such; the rest of the audit
 *   stands without it.
 * Reading only the accounts a permission set is provisioned to also finds assignments on accounts config does
 * not name, which is exactly what an audit should show.
 */
import type { Clock } from '../clock.js';
import type { Assignments, AwsOutcome, Catalog, Directory, LegacyIam, SignInHistory } from '../ports.js';
import type { LastSignIns } from '../../domain/identity.js';
import { DEFAULT_INACTIVE_AFTER_MS } from './inactive.js';
import type { Assignment } from '../../domain/identity.js';
import type { AuditProgress, AuditSnapshot } from './types.js';

export interface AuditWalkDeps {
  directory: Directory;
  assignments: Assignments;
  catalog: Catalog;
  /** Absent: legacy IAM users are not read. */
  legacyIam?: LegacyIam;
  /** Absent: sign-ins are not read, and nobody is judged inactive. */
  signIns?: SignInHistory;
  clock: Clock;
}

export interface AuditWalkOptions {
  onProgress?: (progress: AuditProgress) => void;
  /**
   * Account × permission set lists in flight at once. They all wait for the sso-admin budget; enough are in
   * flight to keep it busy whatever AWS's latency (20/s × up to 400 ms).
   */
  listConcurrency?: number;
  /** Groups whose members are read at once (one budget for ListGroupMemberships, whatever this is). */
  groupConcurrency?: number;
  /** IAM users read at once (IAM is not paced by the adapter: this is its pacing). */
  legacyConcurrency?: number;
}

export const DEFAULT_LIST_CONCURRENCY = 8;
const DEFAULT_GROUP_CONCURRENCY = 4;

export async function walkOrganisation(
  deps: AuditWalkDeps,
  options: AuditWalkOptions = {},
): Promise<AwsOutcome<AuditSnapshot>> {
  const startedAt = deps.clock.now();
  const progress: AuditProgress = {
    usersListed: 0,
    usersDone: false,
    groupsDone: 0,
    groupsTotal: undefined,
    listsDone: 0,
    listsTotal: undefined,
    legacyDone: 0,
    legacyTotal: deps.legacyIam === undefined ? 0 : undefined,
    signInPages: 0,
    signInsFound: 0,
    signInsDone: deps.signIns === undefined,
  };
  const tell = (change: Partial<AuditProgress>): void => {
    Object.assign(progress, change);
    options.onProgress?.({ ...progress });
  };

  const usersRead = deps.directory
    .listUsers({ onPage: (usersListed) => tell({ usersListed }) })
    .then((users) => {
      if (users.ok) tell({ usersDone: true, usersListed: users.value.length });
      return users;
    });
  const groupsRead = readGroups(deps, options, tell, progress);
  const assignmentsRead = readAssignments(deps, options, tell, progress);
  const legacyRead =
    deps.legacyIam === undefined
      ? Promise.resolve<AwsOutcome<undefined>>({ ok: true, value: undefined })
      : deps.legacyIam.listLegacyUsers({
          ...(options.legacyConcurrency !== undefined ? { concurrency: options.legacyConcurrency } : {}),
          onProgress: (legacyDone, legacyTotal) => tell({ legacyDone, legacyTotal }),
        });

  const signInsRead = readSignIns(deps, tell);

  const [users, groups, assignments, legacy, signIns] = await Promise.all([
    usersRead,
    groupsRead,
    assignmentsRead,
    legacyRead,
    signInsRead,
  ]);
  if (!users.ok) return users;
  if (!groups.ok) return groups;
  if (!assignments.ok) return assignments;
  if (!legacy.ok) return legacy;
  return {
    ok: true,
    value: {
      users: users.value,
      groups: groups.value.groups,
      members: groups.value.members,
      permissionSets: assignments.value.permissionSets,
      assignments: assignments.value.assignments,
      legacyIamUsers: legacy.value,
      signIns: signIns.ok ? signIns.value : undefined,
      ...(signIns.ok ? {} : { signInsUnread: signIns.error.message }),
      startedAt,
      finishedAt: deps.clock.now(),
    },
  };
}

type Tell = (change: Partial<AuditProgress>) => void;

/** The whole history CloudTrail keeps (the adapter stops at its horizon); undefined value: not asked for. */
async function readSignIns(deps: AuditWalkDeps, tell: Tell): Promise<AwsOutcome<LastSignIns | undefined>> {
  if (deps.signIns === undefined) return { ok: true, value: undefined };
  const since = new Date(deps.clock.now().getTime() - DEFAULT_INACTIVE_AFTER_MS);
  const read = await deps.signIns.lastSignIns(since, {
    onPage: (signInPages, signInsFound) => tell({ signInPages, signInsFound }),
  });
  tell({ signInsDone: true });
  return read;
}

async function readGroups(
  deps: AuditWalkDeps,
  options: AuditWalkOptions,
  tell: Tell,
  progress: AuditProgress,
): Promise<AwsOutcome<{ groups: AuditSnapshot['groups']; members: Map<string, string[]> }>> {
  const groups = await deps.directory.listGroups();
  if (!groups.ok) return groups;
  tell({ groupsTotal: groups.value.length });
  const members = new Map<string, string[]>();
  const read = await eachLimited(
    groups.value,
    options.groupConcurrency ?? DEFAULT_GROUP_CONCURRENCY,
    async (group) => {
      const listed = await deps.directory.listMembersOfGroup(group.id);
      if (!listed.ok) return listed;
      members.set(
        group.id,
        listed.value.map((m) => m.userId),
      );
      tell({ groupsDone: progress.groupsDone + 1 });
      return { ok: true, value: undefined };
    },
  );
  return read.ok ? { ok: true, value: { groups: groups.value, members } } : read;
}

async function readAssignments(
  deps: AuditWalkDeps,
  options: AuditWalkOptions,
  tell: Tell,
  progress: AuditProgress,
): Promise<AwsOutcome<{ permissionSets: AuditSnapshot['permissionSets']; assignments: Assignment[] }>> {
  const sets = await deps.catalog.permissionSets();
  if (!sets.ok) return sets;
  const concurrency = options.listConcurrency ?? DEFAULT_LIST_CONCURRENCY;
  const assignments: Assignment[] = [];
  let setsResolved = 0;
  let lists = 0;
  // One pipeline per permission set: its accounts, then its lists, so lists start while other sets are still
  // being resolved and the sso-admin budget never idles behind a barrier.
  const read = await eachLimited(sets.value, concurrency, async (ps) => {
    const accounts = await deps.assignments.listProvisionedAccounts(ps.arn);
    if (!accounts.ok) return accounts;
    setsResolved += 1;
    lists += accounts.value.length;
    // The total is known once every set's accounts are.
    if (setsResolved === sets.value.length) tell({ listsTotal: lists });
    return eachLimited(accounts.value, concurrency, async (accountId) => {
      const listed = await deps.assignments.listForAccount(accountId, ps.arn);
      if (!listed.ok) return listed;
      assignments.push(...listed.value);
      tell({ listsDone: progress.listsDone + 1 });
      return { ok: true, value: undefined };
    });
  });
  return read.ok ? { ok: true, value: { permissionSets: sets.value, assignments } } : read;
}

/** Runs `work` on each item, at most `concurrency` at a time; stops starting new work after a failure. */
async function eachLimited<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<AwsOutcome<undefined>>,
): Promise<AwsOutcome<undefined>> {
  let next = 0;
  let failed: AwsOutcome<undefined> | undefined;
  const worker = async (): Promise<void> => {
    while (failed === undefined && next < items.length) {
      const item = items[next] as T;
      next += 1;
      const outcome = await work(item);
      if (!outcome.ok) failed ??= outcome;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return failed ?? { ok: true, value: undefined };
}
