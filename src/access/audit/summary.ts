/** The audit's summary and progress in words: plain text that reads the same in a terminal and in Slack. */
import { inactiveUsers } from './inactive.js';
import type { AuditProgress, AuditSummary, UserActivity } from './types.js';

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
  lines.push(...activityLines(s));
  if (s.sessionDenials !== undefined)
    lines.push(
      `• Sessions ended by access-desk and still denied: ${plural(s.sessionDenials, 'person × account × permission set', 'person × account × permission set')}`,
    );
  return lines;
}

/**
 * "• 3 users with no sign-in for 90 days", the disabled users, and what reading the sign-ins cost (CloudTrail
 * answers 2 pages a second, which bounds how fast any audit can read them).
 */
function activityLines(s: AuditSummary): string[] {
  const lines: string[] = [];
  const days = s.inactiveAfterDays ?? 90;
  if (s.inactiveUsers !== undefined) {
    const pages = s.signInPages ?? 0;
    lines.push(
      `• ${plural(s.inactiveUsers, 'user')} with no sign-in for ${plural(days, 'day')} (sign-ins from CloudTrail: ${plural(s.signInEvents ?? 0, 'sign-in')} in ${plural(pages, 'page')}, at least ${(pages / 2).toFixed(1)} s at 2 pages/s)`,
    );
  } else {
    lines.push(
      s.signInsUnread !== undefined
        ? `• Sign-ins: could not be read from CloudTrail (${s.signInsUnread}), so nobody is judged inactive`
        : '• Sign-ins: not read',
    );
  }
  if (s.disabledUsers !== undefined && s.disabledUsers > 0)
    lines.push(`• ${plural(s.disabledUsers, 'user')} disabled in Identity Center`);
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
    `sign-in pages ${n(p.signInPages)}${p.signInsDone ? ' (all)' : '…'}`,
  ].join(' · ');
}

/**
 * The inactive users for a terminal (the audit CLI), longest quiet first, each with the command that offboards
 * them, as the Slack summary offers a button each; at most `shown`, the rest counted.
 */
export function inactiveLines(activity: readonly UserActivity[], shown = 20): string[] {
  const quiet = inactiveUsers(activity);
  if (quiet.length === 0) return [];
  const lines = ['Inactive users (the longest quiet first); offboard with /access offboard <email>:'];
  for (const a of quiet.slice(0, shown)) {
    const when =
      a.lastSignIn === undefined
        ? 'no sign-in in CloudTrail’s 90 days'
        : `last signed in ${a.lastSignIn.toISOString()}`;
    lines.push(
      `  ${a.user.email ?? a.user.userName}: ${when}${a.status === 'DISABLED' ? ' (DISABLED)' : ''}`,
    );
  }
  if (quiet.length > shown)
    lines.push(`  …and ${quiet.length - shown} more (record inactive_user in the CSV)`);
  return lines;
}
