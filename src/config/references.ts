/**
 * Names that must refer to something the file defines: the permission sets, accounts, groups and approver
 * groups that roles and rules mention. Runs once the file's form is right.
 */
import { knownList } from './closest.js';
import { checkOnCallReferences } from './on-call.js';
import { problem, type PathStep, type Problem } from './problem.js';
import type { ConfigFile } from './schema.js';

type Kind = 'permission set' | 'account' | 'group' | 'approver group';

export function checkReferences(file: ConfigFile): Problem[] {
  const accountIds = new Map(Object.entries(file.accounts).map(([alias, id]) => [id, alias]));
  const known: Record<Kind, readonly string[]> = {
    'permission set': Object.keys(file.permissionSets),
    account: Object.keys(file.accounts),
    group: file.groups,
    'approver group': Object.keys(file.approvers),
  };
  const problems: Problem[] = [];

  const check = (kind: Kind, name: string, path: PathStep[]): void => {
    if (known[kind].includes(name)) return;
    const alias = kind === 'account' ? accountIds.get(name) : undefined;
    const hint = alias !== undefined ? `use its alias: ${alias}` : knownList(name, known[kind]);
    problems.push(problem(path, `unknown ${kind} "${name}" (${hint})`));
  };
  const checkAll = (kind: Kind, names: readonly string[] | undefined, path: PathStep[]): void =>
    names?.forEach((name, i) => check(kind, name, [...path, i]));

  for (const [name, role] of Object.entries(file.roles)) {
    checkAll('group', role.groups, ['roles', name, 'groups']);
    role.assignments.forEach((assignment, i) => {
      const at = ['roles', name, 'assignments', i];
      check('permission set', assignment.permissionSet, [...at, 'permissionSet']);
      checkAll('account', assignment.accounts, [...at, 'accounts']);
    });
  }
  file.rules.forEach((rule, i) => {
    checkAll('permission set', rule.match.permissionSets, ['rules', i, 'match', 'permissionSets']);
    checkAll('account', rule.match.accounts, ['rules', i, 'match', 'accounts']);
    checkAll('group', rule.match.groups, ['rules', i, 'match', 'groups']);
    checkAll('approver group', rule.approvers, ['rules', i, 'approvers']);
    checkAll('approver group', rule.remind?.escalateTo, ['rules', i, 'remind', 'escalateTo']);
    checkAll('approver group', rule.breakGlass?.who, ['rules', i, 'breakGlass', 'who']);
  });
  checkAll('permission set', file.sessions.leaveAlone, ['sessions', 'leaveAlone']);
  for (const alias of Object.keys(file.accountNames)) check('account', alias, ['accountNames', alias]);
  problems.push(...checkOnCallReferences(file));
  return problems;
}
