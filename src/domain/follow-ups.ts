/**
 * What the rules say happens around a pending request besides who approves it: tickets it must carry, when its
 * approvers are reminded and to whom it escalates, and which approvers may approve without being pinged. Pure:
 * the rules engine (rules.ts) and admin work's parts (rule-parts.ts) call it with the rules that matched.
 *
 * When several matching rules say:
 * - tickets: every pattern must be met (each rule's requirement stands on its own);
 * - reminders: the shortest `after` wins (the strictest keeps a request from waiting unseen longest);
 * - escalation: like approvers, the most specific matching rules that escalate decide, at the shortest
 *   `escalateAfter` among them, to the union of their groups. Escalation only adds people who may approve;
 *   it never lowers the number of approvals, and the requester and the subject never count.
 */
import type { AccessDeskConfig, RuleConfig } from '../config/types.js';
import { findTickets, type TicketCheck, type TicketRef } from './tickets.js';

/** When a pending request's approvers are reminded, and when (and to whom) it escalates. */
export interface RemindPlan {
  afterMs: number;
  escalateAfterMs?: number;
  /** Approver groups (keys of `approvers`) who may approve too once it escalates. */
  escalateTo?: string[];
}

/** Approvers who may approve but are not pinged: their Slack ids, and the quiet groups to name instead. */
export interface QuietApprovers {
  approvers: string[];
  groups: string[];
}

/** What a decision carries besides approval (all absent when no rule says). */
export interface FollowUps {
  tickets?: TicketRef[];
  remind?: RemindPlan;
  quiet?: QuietApprovers;
}

const CRITERIA = ['kinds', 'permissionSets', 'accounts', 'groups'] as const;
const specificity = (r: RuleConfig): number => CRITERIA.filter((c) => r.match[c] !== undefined).length;

/** The tickets the matching rules require, found in what the requester gave (see findTickets). */
export function ticketsFor(
  matched: readonly RuleConfig[],
  input: { ticket?: string; reason?: string },
  target: string,
): TicketCheck {
  const rules = matched.flatMap((r) => (r.requireTicket !== undefined ? [r.requireTicket] : []));
  return findTickets(rules, input, target);
}

/** The reminder and escalation the matching rules ask for; undefined when none says. */
export function remindPlanOf(matched: readonly RuleConfig[]): RemindPlan | undefined {
  const reminding = matched.filter((r) => r.remind !== undefined);
  if (reminding.length === 0) return undefined;
  const afterMs = Math.min(...reminding.map((r) => r.remind!.afterMs));
  const escalating = reminding.filter((r) => r.remind!.escalateAfterMs !== undefined);
  if (escalating.length === 0) return { afterMs };
  const top = Math.max(...escalating.map(specificity));
  const deciding = escalating.filter((r) => specificity(r) === top);
  return {
    afterMs,
    escalateAfterMs: Math.min(...deciding.map((r) => r.remind!.escalateAfterMs!)),
    escalateTo: [...new Set(deciding.flatMap((r) => r.remind!.escalateTo ?? []))],
  };
}

/** Plans of several parts (admin work) as one: the shortest times, every part's escalation groups. */
export function combineRemindPlans(plans: readonly (RemindPlan | undefined)[]): RemindPlan | undefined {
  const given = plans.filter((p): p is RemindPlan => p !== undefined);
  if (given.length === 0) return undefined;
  const escalating = given.filter((p) => p.escalateAfterMs !== undefined);
  return {
    afterMs: Math.min(...given.map((p) => p.afterMs)),
    ...(escalating.length > 0
      ? {
          escalateAfterMs: Math.min(...escalating.map((p) => p.escalateAfterMs!)),
          escalateTo: [...new Set(escalating.flatMap((p) => p.escalateTo ?? []))],
        }
      : {}),
  };
}

/**
 * Which of `approvers` are not to be pinged: those in a `notify: false` group and in no group that notifies. A
 * person in both is pinged (the group that wants them pinged wins). undefined when nobody is quiet.
 */
export function quietApprovers(
  approvers: readonly string[],
  groups: Readonly<Record<string, readonly string[]>>,
  config: Partial<Pick<AccessDeskConfig, 'approvers'>>,
): QuietApprovers | undefined {
  const settings = config.approvers ?? {};
  const quietGroups = Object.keys(groups).filter((g) => settings[g]?.notify === false);
  if (quietGroups.length === 0) return undefined;
  const loud = new Set(
    Object.entries(groups).flatMap(([g, ids]) => (settings[g]?.notify === false ? [] : ids)),
  );
  const quiet = approvers.filter((id) => !loud.has(id));
  if (quiet.length === 0) return undefined;
  return {
    approvers: [...quiet].sort(),
    groups: quietGroups.filter((g) => (groups[g] ?? []).some((id) => quiet.includes(id))).sort(),
  };
}

/** Quiet approvers of several parts as one. */
export function combineQuiet(all: readonly (QuietApprovers | undefined)[]): QuietApprovers | undefined {
  const given = all.filter((q): q is QuietApprovers => q !== undefined);
  if (given.length === 0) return undefined;
  return {
    approvers: [...new Set(given.flatMap((q) => q.approvers))].sort(),
    groups: [...new Set(given.flatMap((q) => q.groups))].sort(),
  };
}

/** Tickets of several parts as one list, each reference once per pattern. */
export function combineTickets(all: readonly (TicketRef[] | undefined)[]): TicketRef[] | undefined {
  const seen = new Map<string, TicketRef>();
  for (const t of all.flatMap((x) => x ?? [])) seen.set(`${t.pattern}\u0000${t.ref}`, t);
  return seen.size === 0 ? undefined : [...seen.values()];
}

/** The follow-ups of a decision as request details keep them (keys absent when empty). */
export function followUpDetails(decision: FollowUps): FollowUps {
  return {
    ...(decision.tickets !== undefined && decision.tickets.length > 0 ? { tickets: decision.tickets } : {}),
    ...(decision.remind !== undefined ? { remind: decision.remind } : {}),
    ...(decision.quiet !== undefined ? { quiet: decision.quiet } : {}),
  };
}
