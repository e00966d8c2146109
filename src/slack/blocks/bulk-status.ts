/**
 * Where a bulk onboarding stands, person by person: "12 of 50 people done · 1 failed · 7 waiting for their start
 * date". Read defensively from the request's details (JSON from the ledger), like the rest of the admin text.
 * Pure.
 */
import type { AdminStep, BatchPerson } from '../../access/admin-api.js';
import { personState, type PersonState } from '../../access/admin/bulk-steps.js';
import type { RequestRecord } from '../../access/ledger.js';

export const STATE_ICON: Record<PersonState, string> = {
  done: ':white_check_mark:',
  failed: ':x:',
  waiting: ':calendar:',
  pending: ':hourglass_flowing_sand:',
};

/** The people of a bulk onboarding, those whose shape is as written. */
export function batchOf(request: RequestRecord): BatchPerson[] {
  const batch = (request.details as { batch?: unknown }).batch;
  return Array.isArray(batch)
    ? (batch as BatchPerson[]).filter(
        (p) =>
          typeof p === 'object' && p !== null && typeof p.row === 'number' && typeof p.email === 'string',
      )
    : [];
}

/** Each person with where they stand now. */
export function statesOf(request: RequestRecord, now: Date): { person: BatchPerson; state: PersonState }[] {
  const raw = (request.details as { steps?: unknown }).steps;
  const steps = Array.isArray(raw)
    ? (raw as AdminStep[]).filter((s) => typeof s === 'object' && s !== null && typeof s.id === 'string')
    : [];
  return batchOf(request).map((person) => ({ person, state: personState({ steps }, person, now) }));
}

/** "12 of 50 people done · 1 failed · 7 waiting for their start date". */
export function bulkProgressText(request: RequestRecord, now: Date = new Date()): string {
  const states = statesOf(request, now);
  const count = (s: PersonState) => states.filter((x) => x.state === s).length;
  const parts = [`${count('done')} of ${states.length} people done`];
  if (count('failed') > 0) parts.push(`${count('failed')} failed`);
  if (count('waiting') > 0) parts.push(`${count('waiting')} waiting for their start date`);
  return parts.join(' · ');
}

/** Where a bulk onboarding stands, for the statuses that read differently from a single person's. */
export function bulkStatusText(request: RequestRecord, now: Date = new Date()): string | undefined {
  switch (request.status) {
    case 'approved': {
      // Everyone still to do starts later: nothing is made before the first of their days.
      const states = statesOf(request, now).filter((s) => s.state !== 'done');
      const days = states.map((s) => s.person.starter?.startDate ?? '').sort();
      return states.length > 0 && states.every((s) => s.state === 'waiting')
        ? `:white_check_mark: Approved · nothing is made before the first start date, ${days[0] ?? ''} (UTC)`
        : ':white_check_mark: Approved · the onboardings start now';
    }
    case 'provisioning':
      return `:hourglass_flowing_sand: In progress: ${bulkProgressText(request, now)}`;
    case 'completed':
      return `:white_check_mark: Bulk onboarding done: ${bulkProgressText(request, now)}`;
    case 'failed':
      return `:x: Stopped: ${bulkProgressText(request, now)}. An admin may retry; it continues from each failed step, and nothing done is done again.`;
    default:
      return undefined;
  }
}
