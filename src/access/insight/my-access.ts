/** A person's own access-desk grants, for the Home tab: read from the ledger only, so the tab opens fast. */
import type { GrantRecord, Ledger } from '../ledger.js';

export async function myActiveGrants(ledger: Ledger, slackId: string): Promise<GrantRecord[]> {
  const grants = await ledger.findGrants({ requesterSlackId: slackId, statuses: ['active'] });
  // Soonest end first: what is about to end is what the person may want to extend.
  const end = (g: GrantRecord): number => g.endsAt?.getTime() ?? Number.POSITIVE_INFINITY;
  return grants.sort((a, b) => end(a) - end(b) || a.permissionSet.localeCompare(b.permissionSet));
}
