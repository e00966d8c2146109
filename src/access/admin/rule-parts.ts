/**
 * What admin work would grant, as the rules see it: each permission set × account it assigns directly, and
 * each permission set × account that every group it joins carries, read from AWS (a group's assignments are
 * made in Identity Center, not in access-desk's config). See src/domain/rule-parts.ts for how they are judged.
 */
import type { RulePart } from '../../domain/rule-parts.js';
import type { Outcome } from '../api.js';
import { accountAlias, unavailable } from './access-today.js';
import type { AdminDeps } from './deps.js';
import { ok } from './details.js';
import type { AssignmentTarget } from './targets.js';

export async function grantedParts(
  deps: Pick<AdminDeps, 'config' | 'directory' | 'assignments' | 'catalog'>,
  targets: readonly Pick<AssignmentTarget, 'permissionSet' | 'account'>[],
  groups: readonly string[],
): Promise<Outcome<RulePart[]>> {
  const { config, directory, assignments, catalog } = deps;
  const parts: RulePart[] = targets.map((t) => ({
    permissionSet: t.permissionSet,
    accounts: [t.account.alias],
  }));
  if (groups.length === 0) return ok(parts);
  const [all, sets] = await Promise.all([directory.listGroups(), catalog.permissionSets()]);
  if (!all.ok) return unavailable('the groups', all.error);
  if (!sets.ok) return unavailable('the permission sets', sets.error);
  const names = new Map(sets.value.map((p) => [p.arn, p.name]));
  for (const name of groups) {
    const group = all.value.find((g) => g.name === name);
    // A group Identity Center does not have yet carries nothing (joining it would fail at its step anyway).
    const carried = group === undefined ? undefined : await assignments.listForGroup(group.id);
    if (carried !== undefined && !carried.ok) return unavailable(`what group ${name} carries`, carried.error);
    const held = carried?.value ?? [];
    if (held.length === 0) parts.push({ accounts: [], groups: [name] });
    for (const a of held) {
      parts.push({
        permissionSet: names.get(a.permissionSetArn) ?? a.permissionSetArn,
        accounts: [accountAlias(config, a.accountId)],
        groups: [name],
      });
    }
  }
  return ok(parts);
}
