/**
 * Who has gone quiet, pure: a user is inactive when CloudTrail has no sign-in of theirs for `audit.inactiveAfter`
 * (at most 90 days, all CloudTrail keeps). A user created more recently than that has not had the time to go
 * quiet and is not flagged; a user whose silence cannot be judged (the history was not read, or does not reach
 * back far enough) is neither flagged nor cleared: `inactive` is undefined.
 */
import type { DirectoryUser, LastSignIns } from '../../domain/identity.js';
import type { UserActivity } from './types.js';

export const DAY_MS = 86_400_000;
/** audit.inactiveAfter's default, and the most CloudTrail can tell. */
export const DEFAULT_INACTIVE_AFTER_MS = 90 * DAY_MS;
/** The read window may begin a little after the cut-off (clocks, the time the read took): this much is forgiven. */
const WINDOW_SLACK_MS = DAY_MS;

/** The latest sign-in the history holds for this user, by id or by user name (or email, which people sign in with). */
export function lastSignInOf(user: DirectoryUser, signIns: LastSignIns): Date | undefined {
  const found = [
    signIns.byUserId.get(user.id),
    signIns.byUserName.get(user.userName.toLowerCase()),
    user.email !== undefined ? signIns.byUserName.get(user.email.toLowerCase()) : undefined,
  ].filter((d): d is Date => d !== undefined);
  if (found.length === 0) return undefined;
  return new Date(Math.max(...found.map((d) => d.getTime())));
}

export function judgeActivity(
  user: DirectoryUser,
  signIns: LastSignIns | undefined,
  now: Date,
  inactiveAfterMs: number = DEFAULT_INACTIVE_AFTER_MS,
): UserActivity {
  const status = user.status ?? 'ENABLED';
  if (signIns === undefined) return { user, status, lastSignIn: undefined, inactive: undefined };
  const lastSignIn = lastSignInOf(user, signIns);
  const cutoff = now.getTime() - inactiveAfterMs;
  if (lastSignIn !== undefined && lastSignIn.getTime() >= cutoff)
    return { user, status, lastSignIn, inactive: false };
  if (user.createdAt !== undefined && user.createdAt.getTime() > cutoff)
    return { user, status, lastSignIn, inactive: false };
  // No sign-in since the cut-off: that means quiet only if the history read reaches back to it.
  const reaches = signIns.from.getTime() <= cutoff + WINDOW_SLACK_MS;
  return { user, status, lastSignIn, inactive: reaches ? true : undefined };
}

/** Every user's activity, by user name. */
export function activityOf(
  users: readonly DirectoryUser[],
  signIns: LastSignIns | undefined,
  now: Date,
  inactiveAfterMs: number = DEFAULT_INACTIVE_AFTER_MS,
): UserActivity[] {
  return users
    .map((u) => judgeActivity(u, signIns, now, inactiveAfterMs))
    .sort((a, b) => (a.user.userName < b.user.userName ? -1 : a.user.userName > b.user.userName ? 1 : 0));
}

/**
 * The inactive users, the longest quiet first (never signed in within the history, then the oldest sign-in):
 * the order in which an admin would look at them.
 */
export function inactiveUsers(activity: readonly UserActivity[]): UserActivity[] {
  const quietSince = (a: UserActivity): number => a.lastSignIn?.getTime() ?? Number.NEGATIVE_INFINITY;
  return activity
    .filter((a) => a.inactive === true)
    .sort((a, b) => quietSince(a) - quietSince(b) || a.user.userName.localeCompare(b.user.userName));
}

/** `90 days`, `1 day`: audit.inactiveAfter in words (whole days; the config takes days). */
export function daysText(ms: number): string {
  const days = Math.round(ms / DAY_MS);
  return `${days} day${days === 1 ? '' : 's'}`;
}
