/**
 * Everything a person holds, gathered once for whoever needs the whole picture: what AWS says (groups, direct
 * assignments and those through groups, the legacy IAM user of the same name) and what the ledger says
 * (active grants, pending requests). The offboarding preview shows it before removal; `whois` shows it to
 * anyone who asks. The AWS reads and the ledger reads run side by side.
 */
import type { HeldApplication, LegacyIamUser } from '../../domain/identity.js';
import type { Outcome } from '../api.js';
import type { GrantRecord, Ledger, RequestRecord } from '../ledger.js';
import { readAccessToday, type AccessToday } from './access-today.js';
import { readHeldApplications } from './applications.js';
import type { AdminDeps } from './deps.js';
import { ok, refuse } from './details.js';
import type { Person } from './subject.js';

export interface Holdings {
  today: AccessToday;
  activeGrants: GrantRecord[];
  pendingRequests: RequestRecord[];
  legacyIamUser?: LegacyIamUser;
  /** The applications they are assigned to, directly or through a group. */
  applications: HeldApplication[];
  /**
   * Why the applications could not be read (AWS's words), when they could not: whois says so and goes on;
   * the offboarding preview refuses, since it could not promise to remove everything.
   */
  applicationsUnread?: string;
}

export type HoldingsDeps = Pick<
  AdminDeps,
  'config' | 'directory' | 'assignments' | 'catalog' | 'ledger' | 'legacyIam' | 'applications'
>;

/** Is this request the person's own, or an admin request about them? */
export function concerns(request: RequestRecord, userId: string, email: string): boolean {
  const subject = (request.details as { subject?: { email?: string; userId?: string } }).subject;
  return (
    (request.requesterUserId !== '' && request.requesterUserId === userId) ||
    request.requesterEmail.toLowerCase() === email.toLowerCase() ||
    subject?.userId === userId ||
    subject?.email?.toLowerCase() === email.toLowerCase()
  );
}

export async function pendingRequestsOf(ledger: Ledger, userId: string, email: string) {
  const pending = await ledger.findRequests({ statuses: ['pending'] });
  return pending.filter((r) => concerns(r, userId, email));
}

/** Requests for this person that are approved and being carried out in AWS right now. */
export async function requestsBeingGrantedTo(ledger: Ledger, userId: string, email: string) {
  const running = await ledger.findRequests({ statuses: ['approved', 'provisioning'] });
  return running.filter((r) => concerns(r, userId, email));
}

/**
 * The IAM user of the same name: the email as the user name, else the part before the @. Both names are asked
 * at once (one round trip, not two); the email's answer wins, as if they had been asked in that order.
 */
export async function findLegacyIamUser(
  deps: Pick<AdminDeps, 'legacyIam'>,
  email: string,
): Promise<Outcome<LegacyIamUser | undefined>> {
  const local = email.split('@')[0] ?? email;
  const names = [...new Set([email, local])];
  const answers = await Promise.all(names.map((name) => deps.legacyIam.describe(name)));
  for (const [i, found] of answers.entries()) {
    const name = names[i]!;
    if (!found.ok)
      return refuse('aws_unavailable', `I could not look up the IAM user ${name}: ${found.error.message}`);
    if (found.value !== undefined) return ok(found.value);
  }
  return ok(undefined);
}

/**
 * The user's own application assignments; none to ask for when the instance has no application at all (the list
 * of applications is kept for a while, so this costs no call most of the time, and saves one of sso-admin's 20 a
 * second on every whois where applications are not used).
 */
export async function ownApplicationsOf(
  deps: Pick<HoldingsDeps, 'applications'>,
  userId: string,
): ReturnType<HoldingsDeps['applications']['listForPrincipal']> {
  const known = await deps.applications.listApplications();
  if (known.ok && known.value.length === 0) return { ok: true, value: [] };
  return deps.applications.listForPrincipal({ type: 'USER', id: userId });
}

/** Reads already under way for this person (whois starts them before the person is fully known). */
export interface HoldingsStarted {
  today?: Promise<Outcome<AccessToday>>;
  /** The legacy IAM look-up, and the email it was started for: used only when that is the person's email. */
  legacy?: { email: string; found: Promise<Outcome<LegacyIamUser | undefined>> };
  /** The user's own application assignments (ownApplicationsOf), started with the other reads about them. */
  ownApplications?: ReturnType<HoldingsDeps['applications']['listForPrincipal']>;
}

export async function readHoldings(
  deps: HoldingsDeps,
  person: Person,
  started: HoldingsStarted = {},
): Promise<Outcome<Holdings>> {
  const { user, email } = person;
  // The user's own applications are read with everything else; their groups' once the groups are known.
  const ownApplications = started.ownApplications ?? ownApplicationsOf(deps, user.id);
  const [today, legacy, activeGrants, pendingRequests] = await Promise.all([
    started.today ?? readAccessToday(deps, user.id),
    started.legacy !== undefined && started.legacy.email === email
      ? started.legacy.found
      : findLegacyIamUser(deps, email),
    deps.ledger.findGrants({ principalId: user.id, statuses: ['active'] }),
    pendingRequestsOf(deps.ledger, user.id, email),
  ]);
  if (!today.ok) {
    void ownApplications.catch(() => undefined);
    return today;
  }
  if (!legacy.ok) {
    void ownApplications.catch(() => undefined);
    return legacy;
  }
  const applications = await readHeldApplications(
    deps.applications,
    user.id,
    today.value.groups,
    ownApplications,
  );
  return ok({
    today: today.value,
    activeGrants,
    pendingRequests,
    ...(legacy.value !== undefined ? { legacyIamUser: legacy.value } : {}),
    applications: applications.ok ? applications.value : [],
    ...(applications.ok ? {} : { applicationsUnread: applications.error.message }),
  });
}
