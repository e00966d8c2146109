/**
 * The ledger's record of each break-glass use (src/access/break-glass.ts): who took what at once, the
 * security channel's copy of its card, and whether an approver has reviewed it since. One row per request;
 * the request itself (kind `access`, `details.breakGlass`) and its grants are the ordinary ones.
 */
import type { CardRef } from './ledger.js';

/** How an approver closed a break-glass use: looked at it and let it run, or ended the access at once. */
export type BreakGlassOutcome = 'reviewed' | 'ended';

export interface BreakGlassRecord {
  /** The access request it made. */
  requestId: string;
  /** The requester's Identity Center user: the per-day limit counts per person, across Slack accounts. */
  userId: string;
  requesterSlackId: string;
  createdAt: Date;
  /** The card's copy in channels.security, once posted. */
  securityCard: CardRef | null;
  /** Who reviewed it (or ended it), and when; null while nobody has. */
  reviewedBy: string | null;
  reviewedAt: Date | null;
  outcome: BreakGlassOutcome | null;
  /** When the requester was last reminded to get it reviewed. */
  remindedAt: Date | null;
}

export interface BreakGlassQuery {
  userId?: string;
  /** Uses made at or after this time. */
  since?: Date;
  /** true: not reviewed (nor ended by an approver) yet. */
  unreviewed?: boolean;
  requestIds?: string[];
}

export type BreakGlassPatch = Partial<
  Pick<BreakGlassRecord, 'securityCard' | 'reviewedBy' | 'reviewedAt' | 'outcome' | 'remindedAt'>
>;
