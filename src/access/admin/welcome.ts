/**
 * The welcome email, as onboarding's last step sends it and as an admin sends it again (`/access welcome`): what
 * the person can reach is read from AWS when it is written (groups, permission sets × accounts, direct and through
 * groups), so the email never promises what the steps did not make, nor forgets what was added since.
 */
import { renderWelcomeEmail, type WelcomeAccess } from '../../email/welcome.js';
import type { Outcome } from '../api.js';
import type { AwsOutcome } from '../ports.js';
import { readAccessToday, type AccessToday } from './access-today.js';
import type { AdminDeps } from './deps.js';

/** What the email lists: each group by name, each permission set × account with the group it comes through. */
export function welcomeAccessOf(today: AccessToday): WelcomeAccess {
  return {
    groups: today.groups.map((g) => g.name).sort((a, b) => a.localeCompare(b)),
    assignments: [
      ...today.direct.map((a) => ({ permissionSet: a.permissionSet, accountAlias: a.accountAlias })),
      ...today.throughGroups.map((a) => ({
        permissionSet: a.permissionSet,
        accountAlias: a.accountAlias,
        group: a.group,
      })),
    ],
  };
}

export interface WelcomeRecipient {
  userId: string;
  /** What they sign in with. */
  userName: string;
  displayName: string;
  /** Where the email goes. */
  to: string;
}

/**
 * Reads what the person can reach, then renders and sends the email (from and cc from config). `read`: the
 * access could not be read from AWS (nothing was sent); `sent`: SES's answer.
 */
export async function sendWelcomeEmail(
  deps: Pick<AdminDeps, 'config' | 'directory' | 'assignments' | 'catalog' | 'mailer'>,
  recipient: WelcomeRecipient,
  options: { again?: boolean } = {},
): Promise<
  | { step: 'read'; outcome: Extract<Outcome<never>, { ok: false }> }
  | { step: 'sent'; outcome: AwsOutcome<{ messageId: string }>; access: WelcomeAccess }
> {
  const { config, mailer } = deps;
  const today = await readAccessToday(deps, recipient.userId);
  if (!today.ok) return { step: 'read', outcome: today };
  const access = welcomeAccessOf(today.value);
  const rendered = renderWelcomeEmail({
    organisation: config.email.organisation,
    displayName: recipient.displayName,
    userName: recipient.userName,
    startUrl: config.identityCenter.startUrl,
    region: config.identityCenter.region,
    sessionName: config.identityCenter.sessionName,
    oneTimePasswords: config.email.oneTimePasswords,
    helpAddress: config.email.from,
    access,
    ...(options.again === true ? { again: true } : {}),
  });
  const outcome = await mailer.send({
    from: config.email.from,
    to: [recipient.to],
    cc: [...config.email.cc],
    ...rendered,
  });
  return { step: 'sent', outcome, access };
}
