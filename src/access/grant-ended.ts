import type { GrantRecord, LedgerTx } from './ledger.js';
import { cardJob, notifyJob } from './service.js';

/**
 * What follows a grant reaching `ended`, inside the transaction that ended it: its audit event, the request
 * ending with its last grant, the card redrawn and the holder told. `tellHolder: false` holds the holder's
 * message back for the job ending their open sessions, which sends it once it can say how that went.
 */
export async function recordGrantEnded(
  tx: LedgerTx,
  grant: GrantRecord,
  now: Date,
  details: Record<string, unknown>,
  options: { tellHolder?: boolean } = {},
): Promise<void> {
  await tx.appendAudit({
    at: now,
    actor: 'system',
    action: 'grant.ended',
    requestId: grant.requestId,
    grantId: grant.id,
    details,
  });
  // The request is held first: two of its grants ending at once on two replicas would each see the other still
  // ending, and neither would end the request.
  await tx.lockRequest?.(grant.requestId);
  const remaining = (await tx.findGrants({ requestId: grant.requestId })).filter(
    (g) => g.id !== grant.id && (g.status === 'active' || g.status === 'ending'),
  );
  if (remaining.length === 0 && (await tx.transitionRequest(grant.requestId, 'active', 'ended'))) {
    await tx.appendAudit({ at: now, actor: 'system', action: 'request.ended', requestId: grant.requestId });
  }
  await tx.enqueueJob(cardJob(grant.requestId, now));
  if (options.tellHolder !== false) await tx.enqueueJob(notifyJob(grant.requestId, 'ended', now, grant.id));
}
