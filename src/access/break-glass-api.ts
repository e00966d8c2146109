/**
 * Break-glass as the Slack layer (and the job runner) sees it: `/access breakglass`, the review buttons on its
 * card, and the messages it sends. The work is in src/access/break-glass.ts.
 */
import type { DurationSpec } from '../domain/duration.js';
import type { Outcome } from './api.js';
import type { CardRef } from './ledger.js';
import type { RequestView } from './notifier.js';

/** What `/access breakglass <PermissionSet> <account> <duration> <reason>` asks for. */
export interface BreakGlassInput {
  requesterSlackId: string;
  /** As typed; matched case-insensitively. */
  permissionSet: string;
  /** One account alias (or 12-digit id), as typed. */
  account: string;
  duration: DurationSpec;
  reason: string;
  /** The recorded command that asks: asked again with it (after a crash), the request it made is the answer. */
  clickId?: string;
}

/** What an approver's button on the card asks: mark it reviewed, or end the access now. */
export type BreakGlassReview = 'reviewed' | 'end';

/**
 * What a break-glass request keeps in its `details.breakGlass` (the card is drawn from the request, so the review
 * is there too, written in the same transaction as the break_glass row).
 */
export interface BreakGlassDetails {
  /** The rules that let the requester break glass (`rules[i]`). */
  allowedBy: number[];
  /** Those rules in words, as the card says them (config keys stay out of what everyone reads). */
  because?: string;
  perDay: number;
  /** The approvers told, who may review it. */
  told: string[];
  reviewedBy?: string;
  /** ISO 8601. */
  reviewedAt?: string;
  outcome?: 'reviewed' | 'ended';
}

export interface BreakGlassApi {
  submit(input: BreakGlassInput): Promise<Outcome<RequestView>>;
  review(requestId: string, slackUserId: string, action: BreakGlassReview): Promise<Outcome<RequestView>>;
}

/** The break-glass messages besides the approval card: the security channel's copy, and direct messages. */
export interface BreakGlassMessages {
  /** Posts the card's copy to `channel`, or updates it in place when `ref` is set (posting anew if it is gone). */
  syncSecurityCard(channel: string, ref: CardRef | null, view: RequestView): Promise<CardRef>;
  /** Tells one approver of the target, by direct message, that someone broke glass: they may review it. */
  tellApprover(approverSlackId: string, view: RequestView): Promise<void>;
  /** Reminds the requester that their break-glass use still waits for an approver's review. */
  remindRequester(view: RequestView): Promise<void>;
}

/** The break-glass details of a request, or undefined when it was not made by breaking glass. */
export function breakGlassOf(request: { details: Record<string, unknown> }): BreakGlassDetails | undefined {
  const d = request.details.breakGlass;
  if (typeof d !== 'object' || d === null) return undefined;
  const v = d as Partial<BreakGlassDetails>;
  return Array.isArray(v.allowedBy) && Array.isArray(v.told) && typeof v.perDay === 'number'
    ? (v as BreakGlassDetails)
    : undefined;
}
