/**
 * The groups admin work joins (an onboarding, a role change, a bulk onboarding), read again at the approval
 * click. The work was judged by what those groups carried when it was asked for (`details.ruleParts`); an access
 * given to one of them in Identity Center since was never judged by anyone, so the approval is refused and the
 * admin asks again, as for a time-bound membership (src/access/group-access.ts reads what a group carries).
 */
import type { RulePart } from '../../domain/rule-parts.js';
import { escapeMrkdwn, joinWords } from '../../domain/text.js';
import type { Outcome } from '../api.js';
import { carriedSinceAsked, type GroupAccessDeps } from '../group-access.js';
import { carriesText, type CarriedAccess, type GroupAccessDetails } from '../group-access-details.js';
import type { RequestRecord } from '../ledger.js';
import { unavailable } from './access-today.js';
import { ok } from './details.js';

/** Admin work that joins groups, and the command its admin asks again with. */
const AGAIN: Partial<Record<RequestRecord['kind'], string>> = {
  onboard: '/access onboard …',
  role_change: '/access role …',
  bulk_onboard: '/access onboard with the file',
};

export interface GrownGroup {
  group: Pick<GroupAccessDetails, 'groupName' | 'carries'>;
  /** What it carries now that the card did not show. */
  added: CarriedAccess[];
}

/** The groups the work joins, each with what it carried when the work was judged (its card's parts). Pure. */
export function groupsJoinedBy(request: Pick<RequestRecord, 'kind' | 'details'>): GrownGroup['group'][] {
  if (AGAIN[request.kind] === undefined) return [];
  const parts = (request.details as { ruleParts?: unknown }).ruleParts;
  if (!Array.isArray(parts)) return [];
  const joined = new Map<string, CarriedAccess[]>();
  for (const part of parts as RulePart[]) {
    for (const name of part.groups ?? []) {
      const carries = joined.get(name) ?? [];
      joined.set(name, carries);
      if (part.permissionSet === undefined) continue;
      for (const accountAlias of part.accounts)
        carries.push({ permissionSet: part.permissionSet, accountAlias });
    }
  }
  return [...joined].map(([groupName, carries]) => ({ groupName, carries }));
}

/**
 * The groups the work joins that carry more now than when it was judged, read from AWS. Less than the card
 * showed is no reason to stop (the parts judged were the stricter), nor is a group Identity Center no longer has
 * (joining it fails at its step, and says so).
 */
export async function joinedGroupsGrown(
  deps: Pick<GroupAccessDeps, 'config' | 'directory' | 'assignments' | 'catalog'>,
  request: Pick<RequestRecord, 'kind' | 'details'>,
): Promise<Outcome<GrownGroup[]>> {
  const joined = groupsJoinedBy(request);
  if (joined.length === 0) return ok([]);
  const all = await deps.directory.listGroups();
  if (!all.ok) return unavailable('the groups', all.error);
  const grown: GrownGroup[] = [];
  for (const group of joined) {
    const found = all.value.find((g) => g.name === group.groupName);
    if (found === undefined) continue;
    const added = await carriedSinceAsked(deps, { ...group, groupId: found.id, parts: [] });
    if (!added.ok) return added;
    if (added.value.length > 0) grown.push({ group, added: added.value });
  }
  return ok(grown);
}

/** Why admin work whose groups gained access since it was asked for is not approved (mrkdwn). */
export function grownGroupsWords(
  request: Pick<RequestRecord, 'id' | 'kind' | 'requesterSlackId'>,
  grown: readonly GrownGroup[],
): string {
  const each = grown.map(({ group, added }) => {
    const name = escapeMrkdwn(group.groupName);
    const shown =
      group.carries.length === 0 ? 'carrying nothing' : `carrying only ${carriesText(group.carries)}`;
    return `group *${name}* now carries ${carriesText(added)} too (its card showed it ${shown})`;
  });
  const again = AGAIN[request.kind] ?? '/access …';
  return `Since ${request.id} was asked for, ${joinWords(each)}, given in Identity Center; nobody judged that. Nothing was granted and no approval was counted: <@${request.requesterSlackId}> must ask again (\`${again}\`), to be judged by what the groups carry now.`;
}
