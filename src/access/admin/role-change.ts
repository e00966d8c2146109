/**
 * A role change planned: today's access against the role's bundle, and the steps that add what is new
 * before they remove what is gone, so the person is never left with nothing in between.
 */
import type { AdminStep, RoleChangePreview } from '../admin-api.js';
import type { Outcome } from '../api.js';
import type { AccountRef } from '../ledger.js';
import { readAccessToday } from './access-today.js';
import type { AdminDeps } from './deps.js';
import { ok, pendingStep } from './details.js';
import { endSessionsStep } from './offboarding.js';
import type { Person } from './subject.js';
import { accountsOf, assignStepId, resolveAssignments, type AssignmentTarget } from './targets.js';

export interface PlannedRoleChange {
  preview: RoleChangePreview;
  steps: AdminStep[];
  /** Accounts whose assignments change: what the rules see. */
  accounts: AccountRef[];
}

const same = (a: { permissionSetArn: string; accountId: string }, b: AssignmentTarget): boolean =>
  a.permissionSetArn === b.permissionSetArn && a.accountId === b.account.id;

export async function planRoleChange(
  deps: Pick<AdminDeps, 'config' | 'directory' | 'assignments' | 'catalog' | 'ledger'>,
  person: Person,
  role: string,
): Promise<Outcome<PlannedRoleChange>> {
  const { config } = deps;
  const bundle = config.roles[role];
  if (bundle === undefined) throw new Error(`role ${role} was resolved but is not in config`);
  const [today, targets, grants] = await Promise.all([
    readAccessToday(deps, person.user.id),
    resolveAssignments(config, deps.catalog, bundle.assignments),
    deps.ledger.findGrants({ principalId: person.user.id, statuses: ['active', 'ending'] }),
  ]);
  if (!today.ok) return today;
  if (!targets.ok) return targets;

  const currentGroups = today.value.groups.map((g) => g.name);
  const addGroups = bundle.groups.filter((g) => !currentGroups.includes(g));
  // Only groups access-desk manages (config.groups) are left: others belong to whoever made them.
  const removeGroups = today.value.groups.filter(
    (g) => config.groups.includes(g.name) && !bundle.groups.includes(g.name),
  );
  const add = targets.value.filter((t) => !today.value.direct.some((d) => same(d, t)));
  // Access-desk grants end on their own schedule; a role change does not take them early.
  const remove = today.value.direct.filter(
    (d) =>
      !targets.value.some((t) => same(d, t)) &&
      !grants.some((g) => g.accountId === d.accountId && g.permissionSetArn === d.permissionSetArn),
  );
  const removeTargets: AssignmentTarget[] = remove.map((d) => ({
    permissionSet: d.permissionSet,
    permissionSetArn: d.permissionSetArn,
    account: { alias: d.accountAlias, id: d.accountId },
  }));

  const target = (t: AssignmentTarget, kind: 'assign' | 'unassign'): AdminStep =>
    pendingStep({
      id: assignStepId(kind, t),
      kind,
      label: `${kind === 'assign' ? 'Give' : 'Remove'} ${t.permissionSet} on ${t.account.alias}`,
      accountId: t.account.id,
      accountAlias: t.account.alias,
      permissionSet: t.permissionSet,
      permissionSetArn: t.permissionSetArn,
    });
  // What goes away: the direct assignments removed, and what the groups left gave. The step checks, once the
  // others have run, what the person still holds some other way: those sessions stay.
  const ending = !config.sessions.endOnRevoke
    ? undefined
    : endSessionsStep([
        ...removeTargets.map((t) => ({
          accountId: t.account.id,
          accountAlias: t.account.alias,
          permissionSet: t.permissionSet,
          permissionSetArn: t.permissionSetArn,
        })),
        ...today.value.throughGroups.filter((a) => removeGroups.some((g) => g.name === a.group)),
      ]);
  const steps: AdminStep[] = [
    ...addGroups.map((g) =>
      pendingStep({ id: `join_group:${g}`, kind: 'join_group', label: `Join group ${g}`, groupName: g }),
    ),
    ...add.map((t) => target(t, 'assign')),
    ...removeTargets.map((t) => target(t, 'unassign')),
    ...removeGroups.map((g) =>
      pendingStep({
        id: `leave_group:${g.name}`,
        kind: 'leave_group',
        label: `Leave group ${g.name}`,
        groupId: g.id,
        groupName: g.name,
      }),
    ),
    ...(ending !== undefined ? [ending] : []),
  ];
  const short = (t: AssignmentTarget) => ({ permissionSet: t.permissionSet, accountAlias: t.account.alias });
  return ok({
    preview: {
      user: person.user,
      role,
      current: {
        groups: currentGroups,
        assignments: today.value.direct.map((d) => ({
          permissionSet: d.permissionSet,
          accountAlias: d.accountAlias,
        })),
      },
      add: { groups: addGroups, assignments: add.map(short) },
      remove: { groups: removeGroups.map((g) => g.name), assignments: removeTargets.map(short) },
    },
    steps,
    accounts: accountsOf([...add, ...removeTargets]),
  });
}
