/** The audit's summary and progress in words: plain text that reads the same in a terminal and in Slack. */
import type { AuditProgress, AuditSummary } from './types.js';

const n = (value: number): string => value.toLocaleString('en-GB');
const plural = (count: number, one: string, many = `${one}s`): string =>
  `${n(count)} ${count === 1 ? one : many}`;

export function summaryLines(s: AuditSummary): string[] {
  const lines = [
    `Audit of ${plural(s.users, 'user')}, ${plural(s.groups, 'group')}, ${plural(s.accounts, 'account')} and ${plural(s.permissionSets, 'permission set')} (${(s.durationMs / 1000).toFixed(1)} s)`,
    `• ${plural(s.accessRows, 'access row')} (user × account × permission set), from ${plural(s.directAssignments, 'direct assignment')} and ${plural(s.groupAssignments, 'group assignment')}`,
    `• ${plural(s.usersWithoutAccess, 'user')} with no access at all`,
  ];
  lines.push(
    s.ledger
      ? `• Drift: ${plural(s.notGranted, 'direct assignment')} that access-desk did not grant; ${plural(s.missingInAws, 'grant')} in the ledger that AWS no longer has (${plural(s.activeGrants, 'active grant')} in all)`
      : '• Drift: not computed (no access-desk ledger was available)',
  );
  lines.push(
    s.legacyUsersWithActiveKeys === undefined || s.activeKeys === undefined
      ? '• Legacy IAM users: not read'
      : `• Legacy IAM: ${plural(s.legacyUsersWithActiveKeys, 'user')} with ${plural(s.activeKeys, 'active access key')}`,
  );
  if (s.sessionDenials !== undefined)
    lines.push(
      `• Sessions ended by access-desk and still denied: ${plural(s.sessionDenials, 'person × account × permission set', 'person × account × permission set')}`,
    );
  return lines;
}

export const summaryText = (s: AuditSummary): string => summaryLines(s).join('\n');

export function progressText(p: AuditProgress): string {
  const of = (done: number, total: number | undefined): string =>
    total === undefined ? `${n(done)}…` : `${n(done)}/${n(total)}`;
  return [
    `users ${n(p.usersListed)}${p.usersDone ? ' (all)' : '…'}`,
    `groups ${of(p.groupsDone, p.groupsTotal)}`,
    `assignment lists ${of(p.listsDone, p.listsTotal)}`,
    `legacy IAM users ${of(p.legacyDone, p.legacyTotal)}`,
  ].join(' · ');
}
