/**
 * The details of an admin request as the ledger keeps them (`request.details`), read back with a light check:
 * they were written by this code, so a missing part is a bug, not input to explain.
 */
import type { RequestKind } from '../../domain/request.js';
import type { AdminRequestDetails, AdminStep } from '../admin-api.js';
import type { Outcome, RefusalCode } from '../api.js';
import type { RequestRecord } from '../ledger.js';

export const ADMIN_KINDS: readonly RequestKind[] = [
  'onboard',
  'offboard',
  'role_change',
  'group_change',
  'group_create',
  'user_update',
  'bulk_onboard',
  'legacy_removal',
];

export const isAdminKind = (kind: RequestKind): boolean => ADMIN_KINDS.includes(kind);

export function readDetails(request: RequestRecord): AdminRequestDetails {
  const details = request.details as Partial<AdminRequestDetails>;
  if (!Array.isArray(details.steps) || details.subject === undefined) {
    throw new Error(`request ${request.id} (${request.kind}) has no steps or subject in its details`);
  }
  return details as AdminRequestDetails;
}

/** The details as a plain record again, for the ledger. */
export const toRecord = (details: AdminRequestDetails): Record<string, unknown> => ({ ...details });

export const pendingStep = (step: Omit<AdminStep, 'status'>): AdminStep => ({ ...step, status: 'pending' });

type Refusal = Extract<Outcome<never>, { ok: false }>;
export const refuse = (code: RefusalCode, message: string): Refusal => ({ ok: false, code, message });
export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
