/**
 * Everything a person holds, gathered once for whoever needs the whole picture: what AWS says (groups, direct
 * assignments and those through groups, the legacy IAM user of the same name) and what the ledger says
 * (active grants, pending requests). The offboarding preview shows it before removal; `whois` shows it to
 * anyone who asks. The AWS reads and the ledger reads run side by side.
 */
import type { LegacyIamUser } from '../../domain/identity.js';
import type { Outcome } from '../api.js';
import type { GrantRecord, Ledger, RequestRecord } from '../ledger.js';
import { readAccessToday, type AccessToday } from './access-today.js';
import type { AdminDeps } from './deps.js';
import { ok, refuse } from './details.js';
import type { Person } from './subject.js';

export interface Holdings {
  today: AccessToday;
  activeGrants: GrantRecord[];
  pendingRequests: RequestRecord[];
  legacyIamUser?: LegacyIamUser;
}

export type HoldingsDeps = Pick<
  AdminDeps,
  'config' | 'directory' | 'assignments' | 'catalog' | 'ledger' | 'legacyIam'
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

/** Reads already under way for this person (whois starts them before the person is fully known). */
export interface HoldingsStarted {
  today?: Promise<Outcome<AccessToday>>;
  /** The legacy IAM look-up, and the email it was started for: used only when that is the person's email. */
  legacy?: { email: string; found: Promise<Outcome<LegacyIamUser | undefined>> };
}

export async function readHoldings(
  deps: HoldingsDeps,
  person: Person,
  started: HoldingsStarted = {},
): Promise<Outcome<Holdings>> {
  const { user, email } = person;
  const [today, legacy, activeGrants, pendingRequests] = await Promise.all([
    started.today ?? readAccessToday(deps, user.id),
    started.legacy !== undefined && started.legacy.email === email
      ? started.legacy.found
      : findLegacyIamUser(deps, email),
    deps.ledger.findGrants({ principalId: user.id, statuses: ['active'] }),
    pendingRequestsOf(deps.ledger, user.id, email),
  ]);
  if (!today.ok) return today;
  if (!legacy.ok) return legacy;
  return ok({
    today: today.value,
    activeGrants,
    pendingRequests,
    ...(legacy.value !== undefined ? { legacyIamUser: legacy.value } : {}),
  });
}
