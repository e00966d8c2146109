/**
 * What the rules say about a form's content, decided before the form closes, without any I/O: a modal that asks
 * for more than the rules allow is answered on its own field (Slack keeps the form open with what was typed)
 * instead of by a message after it closed. Pure.
 *
 * The rules engine judges who may approve from the approver groups as they are now, which needs a Slack call
 * (a user group's members). That is not content: here every group stands for enough people to approve, so that
 * the answer never depends on it, and the service judges the approvers again, for real, once the form is in.
 * Every other check the rules make (not offered, too long, permanent where only a time is allowed, no reason)
 * runs exactly as the service runs it, so a form refused here would be refused there, and the other way round.
 */
import type { AccessDeskConfig } from '../config/types.js';
import type { RequestKind } from './request.js';
import { decide, describeRule, type DecisionRefusalCode, type RuleSubject } from './rules.js';

export interface ContentRefusal {
  code: DecisionRefusalCode;
  /** Slack mrkdwn, as the rules engine words it. */
  message: string;
}

type RulesConfig = Pick<AccessDeskConfig, 'rules' | 'channels' | 'approvers'>;

/** Stand-ins for approvers: never a Slack id (Slack ids have no `~`), so never the requester. */
const standIn = (i: number): string => `~content-check-${i}`;

/** Each approver group with enough stand-ins to meet the largest number of approvals any rule asks for. */
function standInGroups(config: RulesConfig): Record<string, string[]> {
  const most = Math.max(1, ...config.rules.map((r) => r.approvals ?? 1));
  const people = Array.from({ length: most }, (_, i) => standIn(i));
  return Object.fromEntries(Object.keys(config.approvers).map((name) => [name, people]));
}

/**
 * The rules' refusal of this subject that the person can fix in the form, or undefined when the rules accept
 * it (as far as content goes). `no_approver` is returned only when no rule names anyone for it at all, which is
 * a fact of the config, not of who is in a group today.
 */
export function judgeContent(subject: RuleSubject, config: RulesConfig): ContentRefusal | undefined {
  const decision = decide(subject, config, standInGroups(config));
  if (decision.ok) return undefined;
  return { code: decision.code, message: decision.message };
}

/**
 * Whether work of this kind needs a reason whatever it grants: some rule that requires a reason matches every
 * such work (it names no permission set, account or group, and its kinds, if any, cover this kind). Undefined
 * when no such rule exists; otherwise the message to show. Exact: the service refuses such work without a
 * reason too, since that rule matches each of its parts.
 */
export function reasonAlwaysRequired(
  kind: RequestKind,
  config: Pick<AccessDeskConfig, 'rules'>,
): string | undefined {
  const requiring = config.rules.filter(
    (r) =>
      r.requireReason === true &&
      r.match.permissionSets === undefined &&
      r.match.accounts === undefined &&
      r.match.groups === undefined &&
      (r.match.kinds === undefined ||
        r.match.kinds.some((k) => k === kind || (k === 'onboard' && kind === 'bulk_onboard'))),
  );
  if (requiring.length === 0) return undefined;
  return `This needs a reason (${requiring.map(describeRule).join('; ')}): say why, with a ticket if there is one.`;
}

/** The grants an extension moves, as far as its length goes. */
export interface ExtendedSpan {
  /** When the grant became active; null (not yet known): counted from `now`. */
  startsAt: Date | null;
  endsAt: Date | null;
}

/**
 * An extension as the rules judge it: the limit (`maxDuration`) is the grant's whole length, so the subject's
 * duration is its start to its new end, and `heldMs` how long it lasts already (start to current end). With
 * several grants (one per account), the earliest start and the latest end. Undefined for a grant with no end.
 */
export function extensionSpan(
  grants: readonly ExtendedSpan[],
  extensionMs: number,
  now: Date,
): { durationMs: number; heldMs: number } | undefined {
  if (grants.length === 0 || grants.some((g) => g.endsAt === null)) return undefined;
  const start = Math.min(...grants.map((g) => (g.startsAt ?? now).getTime()));
  const end = Math.max(...grants.map((g) => g.endsAt!.getTime()));
  const heldMs = Math.max(1, end - start);
  return { durationMs: heldMs + extensionMs, heldMs };
}
