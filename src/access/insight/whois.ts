/**
 * `whois`: the holdings gathered for offboarding (src/access/admin/holdings.ts), arranged by account and
 * permission set with every source named — direct, through a group, an access-desk grant until a time — so
 * that a person reads at a glance why someone can reach an account.
 */
import type { Outcome } from '../api.js';
import type { GrantRecord as Grant } from '../ledger.js';
import type {
  AccessSource,
  AccountAccess,
  HeldPermissionSet,
  TimeBoundGroup,
  WhoisReport,
} from '../insight-api.js';
import { readAccessToday } from '../admin/access-today.js';
import {
  findLegacyIamUser,
  ownApplicationsOf,
  readHoldings,
  type Holdings,
  type HoldingsDeps,
  type HoldingsStarted,
} from '../admin/holdings.js';
import { ok } from '../admin/details.js';
import { slackIdIn, type Person } from '../admin/subject.js';

/** A read started ahead and then not needed: its outcome is dropped, and so is any error it throws. */
const drop = (started: Promise<unknown>): void => {
  started.catch(() => undefined);
};

/**
 * whois of someone named by email, on the shortest path: the legacy IAM look-up (its name follows from the
 * email) starts with the user id look-up, and the user's description starts with their groups, assignments and
 * own applications once the id is known. Undefined when `who` is no email or the quick path cannot answer (no such email, a user
 * gone between two calls, AWS failing): the usual path (findPerson, then readWhois) then answers, with its
 * messages.
 */
export async function readWhoisByEmail(
  deps: HoldingsDeps,
  who: string,
): Promise<Outcome<WhoisReport> | undefined> {
  const email = who.trim();
  if (!email.includes('@') || slackIdIn(email) !== undefined) return undefined;
  const legacy = { email, found: findLegacyIamUser(deps, email) };
  const id = await deps.directory.findUserIdByEmail(email);
  if (!id.ok || id.value === undefined) {
    drop(legacy.found);
    return undefined;
  }
  const today = readAccessToday(deps, id.value);
  const ownApplications = ownApplicationsOf(deps, id.value);
  const described = await deps.directory.describeUser(id.value);
  if (!described.ok) {
    drop(legacy.found);
    drop(today);
    drop(ownApplications);
    return undefined;
  }
  const user = described.value;
  return readWhois(deps, { user, email: user.email ?? user.userName }, { today, legacy, ownApplications });
}

export async function readWhois(
  deps: HoldingsDeps,
  person: Person,
  started: HoldingsStarted = {},
): Promise<Outcome<WhoisReport>> {
  const [held, denials] = await Promise.all([
    readHoldings(deps, person, started),
    deps.ledger.findSessionDenials({ userId: person.user.id, statuses: ['adding', 'in_force'] }),
  ]);
  if (!held.ok) return held;
  const timeBound = timeBoundGroups(held.value);
  return ok({
    user: person.user,
    email: person.email,
    ...(person.slackUserId !== undefined ? { slackUserId: person.slackUserId } : {}),
    groups: held.value.today.groups,
    ...(timeBound.length > 0 ? { timeBoundGroups: timeBound } : {}),
    accounts: arrangeByAccount(held.value, Object.values(deps.config.accounts)),
    pendingRequests: held.value.pendingRequests,
    ...(held.value.legacyIamUser !== undefined ? { legacyIamUser: held.value.legacyIamUser } : {}),
    credentialIdsShown: true,
    applications: held.value.applications,
    ...(held.value.applicationsUnread !== undefined
      ? { applicationsUnread: held.value.applicationsUnread }
      : {}),
    ...(denials.length > 0 ? { sessionDenials: denials } : {}),
  });
}

/** The active group-membership grants, named as the group is called in Identity Center now. */
export function timeBoundGroups(holdings: Holdings): TimeBoundGroup[] {
  const { today, activeGrants } = holdings;
  return activeGrants
    .flatMap((g) => (g.group !== undefined ? [{ grant: g, group: g.group }] : []))
    .map(({ grant, group }) => {
      const now = today.groups.find((t) => t.id === group.id);
      return {
        groupId: group.id,
        group: now?.name ?? group.name,
        requestId: grant.requestId,
        endsAt: grant.endsAt,
        inAws: now !== undefined,
      };
    })
    .sort((a, b) => a.group.localeCompare(b.group));
}

const key = (accountId: string, permissionSetArn: string): string => `${accountId}|${permissionSetArn}`;

function grantSource(grant: Grant, inAws: boolean): AccessSource {
  return { kind: 'grant', requestId: grant.requestId, grantId: grant.id, endsAt: grant.endsAt, inAws };
}

/**
 * Accounts in the order config lists them (then the others by id), permission sets by name. A direct
 * assignment that an active grant made is shown as that grant; one that existed before the grant (the grant
 * did not create it, so it outlives the grant) is shown as both.
 */
export function arrangeByAccount(holdings: Holdings, configOrder: readonly string[]): AccountAccess[] {
  const { today, activeGrants } = holdings;
  const accounts = new Map<string, AccountAccess>();
  const held = new Map<string, HeldPermissionSet>();
  const entry = (accountId: string, alias: string, name: string, arn: string): HeldPermissionSet => {
    let account = accounts.get(accountId);
    if (account === undefined) {
      account = { accountId, accountAlias: alias, permissionSets: [] };
      accounts.set(accountId, account);
    }
    let ps = held.get(key(accountId, arn));
    if (ps === undefined) {
      ps = { permissionSet: name, permissionSetArn: arn, sources: [] };
      held.set(key(accountId, arn), ps);
      account.permissionSets.push(ps);
    }
    return ps;
  };

  const grantsAt = new Map<string, Grant[]>();
  // A group membership's grant is shown on the group it gives (below), never as an assignment of its own.
  const timeBound = new Map(timeBoundGroups(holdings).map((t) => [t.group, t]));
  for (const g of activeGrants.filter((grant) => grant.group === undefined)) {
    const k = key(g.accountId, g.permissionSetArn);
    grantsAt.set(k, [...(grantsAt.get(k) ?? []), g]);
  }
  for (const a of today.direct) {
    const ps = entry(a.accountId, a.accountAlias, a.permissionSet, a.permissionSetArn);
    const grants = grantsAt.get(key(a.accountId, a.permissionSetArn)) ?? [];
    grantsAt.delete(key(a.accountId, a.permissionSetArn));
    if (grants.length === 0 || grants.some((g) => g.createdAssignment === false)) {
      ps.sources.push({ kind: 'direct' });
    }
    ps.sources.push(...grants.map((g) => grantSource(g, true)));
  }
  for (const a of today.throughGroups) {
    const ps = entry(a.accountId, a.accountAlias, a.permissionSet, a.permissionSetArn);
    if (!ps.sources.some((s) => s.kind === 'group' && s.group === a.group)) {
      const until = timeBound.get(a.group);
      ps.sources.push({
        kind: 'group',
        group: a.group,
        ...(until !== undefined ? { timeBound: until } : {}),
      });
    }
  }
  // Grants the ledger holds as active but AWS has no assignment for: shown, so that nobody is misled.
  for (const grants of grantsAt.values()) {
    for (const g of grants) {
      entry(g.accountId, g.accountAlias, g.permissionSet, g.permissionSetArn).sources.push(
        grantSource(g, false),
      );
    }
  }

  const order = new Map<string, number>();
  configOrder.forEach((id, i) => {
    if (!order.has(id)) order.set(id, i);
  });
  const rank = (accountId: string): number => order.get(accountId) ?? configOrder.length;
  const out = [...accounts.values()].sort(
    (a, b) => rank(a.accountId) - rank(b.accountId) || a.accountId.localeCompare(b.accountId),
  );
  // One collator for the thousands of comparisons of a person with access on 1,000 accounts (localeCompare
  // would set one up on every call).
  const byName = new Intl.Collator().compare;
  for (const account of out) {
    if (account.permissionSets.length > 1)
      account.permissionSets.sort((a, b) => byName(a.permissionSet, b.permissionSet));
  }
  return out;
}
