/**
 * Requests and grants: one status union each, and one transition table. Every change of status in the
 * ledger is a compare-and-set along an edge of these tables.
 */

/** What a request asks for. `access` and `extend` are the core loop; the rest are the admins' work. */
export type RequestKind =
  | 'access'
  | 'extend'
  | 'onboard'
  | 'offboard'
  | 'role_change'
  /** Someone added to or removed from an Identity Center group (`/access group add|remove`). */
  | 'group_change'
  /** A new Identity Center group (`/access group create`). */
  | 'group_create'
  /** A person's names or primary email changed (`/access user update`). */
  | 'user_update'
  /** Many people onboarded at once from a CSV, with one approval. */
  | 'bulk_onboard'
  /** A legacy IAM user removed once its person confirmed SSO works (or an admin overrode, with a reason). */
  | 'legacy_removal'
  /**
   * A person joins an Identity Center group for a while (`/access request group:<Group> <duration>`): judged as
   * access to everything the group carries (rules for `access` apply to it), ended like any time-bound grant.
   */
  | 'group_access';

export type RequestStatus =
  | 'pending'
  | 'approved'
  | 'provisioning'
  | 'active'
  | 'ended'
  | 'completed'
  | 'failed'
  | 'denied'
  | 'cancelled'
  | 'lapsed'
  /** Approved ahead of time (`/access request … at <when>`): waiting for its start, then provisioned. */
  | 'scheduled';

/**
 * pending ──approve (quorum)──> approved ──> provisioning ──> active ──> ended      (time-bound access)
 *                                                        └──> completed            (permanent, extend, admin work)
 *                                                        └──> failed ──retry──> provisioning
 * pending ──> denied | cancelled | lapsed
 * approved ──> scheduled ──(its start)──> provisioning; scheduled ──> cancelled | failed (not granted at the start)
 */
export const REQUEST_TRANSITIONS: Readonly<Record<RequestStatus, readonly RequestStatus[]>> = {
  pending: ['approved', 'denied', 'cancelled', 'lapsed'],
  approved: ['provisioning', 'scheduled'],
  scheduled: ['provisioning', 'cancelled', 'failed'],
  provisioning: ['active', 'completed', 'failed'],
  active: ['ended'],
  failed: ['provisioning'],
  ended: [],
  completed: [],
  denied: [],
  cancelled: [],
  lapsed: [],
};

export const FINAL_REQUEST_STATUSES: readonly RequestStatus[] = [
  'ended',
  'completed',
  'denied',
  'cancelled',
  'lapsed',
];

export function canTransition(from: RequestStatus, to: RequestStatus): boolean {
  return REQUEST_TRANSITIONS[from].includes(to);
}

/** A decision is final once the request has left `pending`: the card loses its buttons. */
export const isDecided = (status: RequestStatus): boolean => status !== 'pending';

/**
 * One grant per account of an access request: the assignment access-desk made (or found) for it.
 * pending ──> provisioning ──> active ──> ending ──> ended
 *                         └──> failed
 */
export type GrantStatus = 'pending' | 'provisioning' | 'active' | 'failed' | 'ending' | 'ended';

export const GRANT_TRANSITIONS: Readonly<Record<GrantStatus, readonly GrantStatus[]>> = {
  pending: ['provisioning', 'ended'],
  provisioning: ['active', 'failed'],
  active: ['ending'],
  failed: ['provisioning', 'ended'],
  ending: ['ended', 'active'],
  ended: [],
};

export function canTransitionGrant(from: GrantStatus, to: GrantStatus): boolean {
  return GRANT_TRANSITIONS[from].includes(to);
}

/** Why a grant ended: shown on the card and in the audit log. */
export type GrantEndReason = 'expired' | 'revoked' | 'offboarded' | 'replaced';
