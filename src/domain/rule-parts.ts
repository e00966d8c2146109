/**
 * Admin work judged by what it would grant. An onboarding or a role change gives a person several things at once
 * (each permission set × account of the role, the extras, and what every group it joins carries); the rules must
 * apply to each of them exactly as they would to a request for it, and the strictest wins. So the work is split
 * into parts, each part is decided by the rules engine on its own, and the decisions are combined:
 * - any part refused refuses the whole, with that part's reason (a permanent AdministratorAccess through a role
 *   is refused where the rules allow AdministratorAccess only for a time);
 * - a reason is needed if any part needs one; it is approved automatically only if every part is;
 * - approval is a list of requirements, one per distinct set of approvers: "2 of the leads and admins" for
 *   AdministratorAccess and "1 of finance" for FinanceAdmin must both be met. A union of the approvers would let
 *   finance approve AdministratorAccess; a single count would let one group fill another's quorum. A requirement
 *   that another implies (its people include the other's, and it asks for no more) is dropped.
 * Pure: the caller reads from AWS what the groups carry and passes the parts in.
 */
import type { AccessDeskConfig } from '../config/types.js';
import { combineQuiet, combineRemindPlans, combineTickets, followUpDetails } from './follow-ups.js';
import { decide, type Decision, type RuleSubject } from './rules.js';
import { joinWords } from './text.js';

/** One thing admin work would grant (or, for offboarding and pure removals, the accounts it touches). */
export interface RulePart {
  /** Canonical permission set name; absent for a group that carries nothing, or for removals. */
  permissionSet?: string;
  /** Account aliases (an account config does not name is its id). */
  accounts: string[];
  /** The group it comes through, when it comes through one. */
  groups?: string[];
}

/** People who must approve, and how many of them: every requirement of a request must be met. */
export interface Requirement {
  /** Slack ids, sorted; never the requester or the subject. */
  approvers: string[];
  approvals: number;
  /** What needs it, for the card: `AdministratorAccess on dev, prod`. */
  what: string;
}

export type PartsDecision =
  (Extract<Decision, { ok: true }> & { requirements: Requirement[] }) | Extract<Decision, { ok: false }>;

type Common = Omit<RuleSubject, 'permissionSet' | 'accounts' | 'groups'>;

/** A refusal with a sentence added, to both its texts (the requester's words and the config admins' keys). */
function withNote(
  decision: Extract<Decision, { ok: false }>,
  note: string,
): Extract<Decision, { ok: false }> {
  return {
    ...decision,
    message: `${decision.message} ${note}`,
    ...(decision.adminMessage !== undefined ? { adminMessage: `${decision.adminMessage} ${note}` } : {}),
  };
}

/**
 * Decides admin work from its parts. `common` carries the kind, the requester, the subject's Slack ids to leave
 * out, the reason and the duration (`null`: permanent, which is what a role gives).
 */
export function decideParts(
  parts: readonly RulePart[],
  common: Common,
  config: Pick<AccessDeskConfig, 'rules' | 'channels'>,
  approverGroups: Readonly<Record<string, readonly string[]>>,
): PartsDecision {
  const whole: RulePart[] = parts.length > 0 ? [...parts] : [{ accounts: [] }];
  const decided: { part: RulePart; decision: Extract<Decision, { ok: true }> }[] = [];
  for (const part of whole) {
    const decision = decide({ ...common, ...part }, config, approverGroups);
    if (!decision.ok) {
      if (decision.code === 'reason_required' && common.kind === 'onboard') {
        return withNote(decision, 'For an onboarding, the note is the reason.');
      }
      if (decision.code !== 'permanent_not_allowed') return decision;
      return withNote(
        decision,
        common.kind === 'group_change'
          ? 'Access that a group gives is permanent, for as long as one is in it: to allow it, a rule for `kinds: [group_change]` that names it must say `maxDuration: permanent`, and no rule that matches it may limit it to a time (see `access-desk.example.yml`). For access for a while, ask for it with `/access request`.'
          : 'Access that a role gives is permanent: to allow it, a rule for `kinds: [onboard, role_change]` that names it must say `maxDuration: permanent`, and no rule that matches it may limit it to a time (see `access-desk.example.yml`).',
      );
    }
    decided.push({ part, decision });
  }
  const autoApprove = decided.every((d) => d.decision.autoApprove);
  const requirements = autoApprove ? [] : requirementsOf(decided.filter((d) => !d.decision.autoApprove));
  const channels = decided.map((d) => d.decision.channel).filter((c) => c !== config.channels.approvals);
  return {
    ok: true,
    matchedRules: [...new Set(decided.flatMap((d) => d.decision.matchedRules))].sort((a, b) => a - b),
    approvers: [...new Set(requirements.flatMap((r) => r.approvers))].sort(),
    requiredApprovals: autoApprove ? 0 : Math.max(...requirements.map((r) => r.approvals)),
    maxDurationMs: strictestMax(decided.map((d) => d.decision.maxDurationMs)),
    durationMs: common.durationMs === undefined ? null : common.durationMs,
    requireReason: decided.some((d) => d.decision.requireReason),
    autoApprove,
    channel: channels[0] ?? config.channels.approvals,
    requirements,
    ...followUpDetails({
      tickets: combineTickets(decided.map((d) => d.decision.tickets)),
      remind: combineRemindPlans(decided.map((d) => d.decision.remind)),
      quiet: combineQuiet(decided.map((d) => d.decision.quiet)),
    }),
  };
}

/**
 * What admin work is judged by: what it would grant (permanently: a role gives access for good), or, for work
 * that grants nothing (offboarding, a role change that only removes), the accounts it touches, with no duration;
 * or, for work that grants nothing but is about named things (a group someone leaves, with what it carries; a
 * group being made), those things part by part, with no duration, so that rules naming them apply.
 */
export type AdminWork =
  { grants: readonly RulePart[] } | { touches: readonly string[] } | { affects: readonly RulePart[] };

/** Admin work decided: by its grants, permanent; by what it touches or affects, with no duration. */
export function decideAdminWork(
  work: AdminWork,
  common: Omit<Common, 'durationMs'>,
  config: Pick<AccessDeskConfig, 'rules' | 'channels'>,
  approverGroups: Readonly<Record<string, readonly string[]>>,
): PartsDecision {
  if ('affects' in work)
    return decideParts(work.affects, { ...common, durationMs: undefined }, config, approverGroups);
  return 'grants' in work
    ? decideParts(work.grants, { ...common, durationMs: null }, config, approverGroups)
    : decideParts(
        [{ accounts: [...work.touches] }],
        { ...common, durationMs: undefined },
        config,
        approverGroups,
      );
}

/**
 * Whether approvals meet every requirement. `personOf` gives the person (Identity Center user) behind a Slack id,
 * so one person's two Slack accounts count once; a Slack id whose person is unknown counts as itself.
 */
export function requirementsMet(
  requirements: readonly Requirement[],
  approverSlackIds: readonly string[],
  personOf: (slackId: string) => string | undefined,
): boolean {
  return requirements.every((r) => {
    const people = new Set(
      approverSlackIds.filter((id) => r.approvers.includes(id)).map((id) => personOf(id) ?? `slack:${id}`),
    );
    return people.size >= r.approvals;
  });
}

function requirementsOf(
  decided: readonly { part: RulePart; decision: Extract<Decision, { ok: true }> }[],
): Requirement[] {
  const byPeople = new Map<string, { approvers: string[]; approvals: number; parts: RulePart[] }>();
  for (const { part, decision } of decided) {
    const key = decision.approvers.join(',');
    const seen = byPeople.get(key);
    if (seen === undefined) {
      byPeople.set(key, {
        approvers: decision.approvers,
        approvals: decision.requiredApprovals,
        parts: [part],
      });
    } else {
      seen.approvals = Math.max(seen.approvals, decision.requiredApprovals);
      seen.parts.push(part);
    }
  }
  const all = [...byPeople.values()];
  // A requirement is implied by another whose people are among its own and which asks for at least as many.
  const kept = all.filter(
    (r, i) =>
      !all.some(
        (o, j) =>
          j !== i &&
          o.approvals >= r.approvals &&
          o.approvers.every((id) => r.approvers.includes(id)) &&
          // Of two equal requirements, keep the first.
          (o.approvers.length < r.approvers.length || o.approvals > r.approvals || j < i),
      ),
  );
  return kept.map((r) => ({ approvers: r.approvers, approvals: r.approvals, what: describeParts(r.parts) }));
}

/** `AdministratorAccess on dev, prod and ReadOnlyAccess on staging`, grouped by permission set. */
export function describeParts(parts: readonly RulePart[]): string {
  const byPs = new Map<string, string[]>();
  const other: RulePart[] = [];
  for (const p of parts) {
    if (p.permissionSet === undefined) other.push(p);
    else byPs.set(p.permissionSet, [...new Set([...(byPs.get(p.permissionSet) ?? []), ...p.accounts])]);
  }
  const named = [...byPs].map(([ps, accounts]) =>
    accounts.length > 0 ? `${ps} on ${accounts.join(', ')}` : ps,
  );
  // A group that carries nothing, or the accounts work touches without granting anything.
  const rest = other.map((p) =>
    p.groups !== undefined && p.groups.length > 0
      ? `group ${p.groups.join(', ')}`
      : `access${p.accounts.length > 0 ? ` on ${p.accounts.join(', ')}` : ''}`,
  );
  return joinWords([...named, ...rest]);
}

function strictestMax(values: readonly (number | null | undefined)[]): number | null | undefined {
  const finite = values.filter((v): v is number => typeof v === 'number');
  if (finite.length > 0) return Math.min(...finite);
  return values.some((v) => v === null) ? null : undefined;
}
