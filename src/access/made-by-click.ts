/**
 * The request a recorded click (or form submission) made, when the click runs again: after a crash, or twice at
 * once when its lease was lost meanwhile. A click runs again within minutes of its first run, so the person's
 * latest requests of that kind are enough to look at.
 */
import type { LedgerTx, RequestRecord } from './ledger.js';

export async function requestMadeByClick(
  ledger: Pick<LedgerTx, 'findRequests'>,
  requesterSlackId: string,
  kind: RequestRecord['kind'],
  clickId: string,
): Promise<RequestRecord | undefined> {
  const made = await ledger.findRequests({ requesterSlackId, kinds: [kind], limit: 50 });
  return made.find((r) => r.details.clickId === clickId);
}
