/**
 * The audit's part about break-glass: every use no approver has reviewed yet (nor ended), as CSV lines of the
 * report (record `unreviewed_break_glass`, same columns) and a line of its summary. Read from the ledger.
 */
import type { Ledger, RequestRecord } from '../ledger.js';
import { AUDIT_CSV_COLUMNS, toCsv } from './csv.js';

export interface UnreviewedBreakGlass {
  request: RequestRecord;
  at: Date;
}

/** The break-glass uses nobody has reviewed, oldest first. */
export async function unreviewedBreakGlass(ledger: Ledger): Promise<UnreviewedBreakGlass[]> {
  const open = await ledger.findBreakGlass({ unreviewed: true });
  const out: UnreviewedBreakGlass[] = [];
  for (const record of open) {
    const request = await ledger.getRequest(record.requestId);
    if (request !== undefined) out.push({ request, at: record.createdAt });
  }
  return out;
}

/** The report's lines for them, without a header (they follow the report's own lines). */
export function breakGlassCsvLines(uses: readonly UnreviewedBreakGlass[]): string {
  if (uses.length === 0) return '';
  return toCsv(
    uses.flatMap(({ request, at }) =>
      request.accounts.map((account) => {
        const line: Partial<Record<(typeof AUDIT_CSV_COLUMNS)[number], string>> = {
          record: 'unreviewed_break_glass',
          email: request.requesterEmail,
          user_id: request.requesterUserId,
          account: account.alias,
          account_id: account.id,
          permission_set: request.permissionSet,
          source: `break-glass ${request.id}`,
          detail: `Taken at once by Slack user ${request.requesterSlackId} at ${at.toISOString()} (${request.status}), not reviewed by an approver yet. Reason: ${request.reason ?? ''}`,
        };
        return AUDIT_CSV_COLUMNS.map((c) => line[c] ?? '');
      }),
    ),
  );
}

/** "• Break-glass: 2 uses not reviewed yet (R-…, R-…)", or that none waits. */
export function breakGlassSummaryLine(uses: readonly UnreviewedBreakGlass[]): string {
  if (uses.length === 0) return '• Break-glass: every use has been reviewed';
  const ids = uses.map((u) => u.request.id).join(', ');
  return `• Break-glass: ${uses.length} ${uses.length === 1 ? 'use' : 'uses'} not reviewed by an approver yet (${ids})`;
}
