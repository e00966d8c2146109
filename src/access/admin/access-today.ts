/**
 * What a person holds in AWS now, read from AWS (not from the ledger): their groups, the assignments made to
 * them directly, and those they have through their groups. Offboarding previews it; role changes diff it.
 */
import type { AccessDeskConfig } from '../../config/types.js';
import type { Assignment, DirectoryGroup, PermissionSet } from '../../domain/identity.js';
import type { Outcome } from '../api.js';
import type { AwsFailure } from '../ports.js';
import type { AdminDeps } from './deps.js';
import { ok, refuse } from './details.js';

export interface HeldAssignment {
  accountId: string;
  accountAlias: string;
  permissionSet: string;
  permissionSetArn: string;
}

export interface AccessToday {
  groups: DirectoryGroup[];
  direct: HeldAssignment[];
  throughGroups: (HeldAssignment & { group: string })[];
  /** Every permission set of the instance, by ARN (for names and session durations). */
  permissionSets: ReadonlyMap<string, PermissionSet>;
}

export const unavailable = (what: string, error: AwsFailure) =>
  refuse('aws_unavailable', `I could not read ${what} from AWS: ${error.message}`);

/** id → alias for each config's accounts, made once (an organisation's 1,000 accounts are looked up often). */
const aliasesOf = new WeakMap<AccessDeskConfig['accounts'], ReadonlyMap<string, string>>();

/** The alias config gives an account id, or the id itself for an account config does not name. */
export function accountAlias(config: AccessDeskConfig, accountId: string): string {
  let aliases = aliasesOf.get(config.accounts);
  if (aliases === undefined) {
    const byId = new Map<string, string>();
    // The first alias of an id wins, as a search in file order would find it.
    for (const [alias, id] of Object.entries(config.accounts)) if (!byId.has(id)) byId.set(id, alias);
    aliases = byId;
    aliasesOf.set(config.accounts, aliases);
  }
  return aliases.get(accountId) ?? accountId;
}

export async function readAccessToday(
  deps: Pick<AdminDeps, 'config' | 'directory' | 'assignments' | 'catalog'>,
  userId: string,
): Promise<Outcome<AccessToday>> {
  const { directory, assignments, catalog, config } = deps;
  const [memberships, allGroups, sets, direct] = await Promise.all([
    directory.listMembershipsOfUser(userId),
    directory.listGroups(),
    catalog.permissionSets(),
    assignments.listForPrincipal({ type: 'USER', id: userId }),
  ]);
  if (!memberships.ok) return unavailable('their group memberships', memberships.error);
  if (!allGroups.ok) return unavailable('the groups', allGroups.error);
  if (!sets.ok) return unavailable('the permission sets', sets.error);
  if (!direct.ok) return unavailable('their assignments', direct.error);

  const permissionSets = new Map(sets.value.map((p) => [p.arn, p]));
  const held = (a: Assignment): HeldAssignment => ({
    accountId: a.accountId,
    accountAlias: accountAlias(config, a.accountId),
    permissionSet: permissionSets.get(a.permissionSetArn)?.name ?? a.permissionSetArn,
    permissionSetArn: a.permissionSetArn,
  });
  const byId = new Map(allGroups.value.map((g) => [g.id, g]));
  const groups = memberships.value.map((m) => byId.get(m.groupId) ?? { id: m.groupId, name: m.groupId });
  // Side by side: a person in several groups costs one round trip, not one per group (the limiter paces them).
  const ofGroups = await Promise.all(groups.map((group) => assignments.listForGroup(group.id)));
  const throughGroups: AccessToday['throughGroups'] = [];
  for (const [i, group] of groups.entries()) {
    const of = ofGroups[i]!;
    if (!of.ok) return unavailable(`the assignments of group ${group.name}`, of.error);
    throughGroups.push(...of.value.map((a) => ({ ...held(a), group: group.name })));
  }
  return ok({ groups, direct: direct.value.map(held), throughGroups, permissionSets });
}
