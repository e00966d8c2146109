/**
 * The rules engine: from a request and the configured rules to a decision, purely. Who may approve, how many
 * approvals, how long, whether a reason is needed, whether it is approved at once, and which channel the card
 * goes to; or a refusal that says why and what would work. The access service executes what this decides.
 *
 * All rules that match a request apply together and the strictest wins (PRODUCT.md, Rules):
 * - a rule matches when every criterion it names is met; a request for several accounts (or groups) meets an
 *   `accounts` (`groups`) criterion when any of them is listed, since the request touches that account;
 * - specificity is the number of criteria a rule names (kinds, permissionSets, accounts, groups);
 * - approvers: the union of the approver lists of the most specific matching rules that name approvers (a
 *   more general rule's approvers are replaced, not added); the requester is never one of them;
 * - required approvals: the largest `approvals` of the matching rules (1 when none says);
 * - longest duration: the smallest `maxDuration` of the matching rules (permanent, `null`, is the largest;
 *   a rule without one does not limit; no rule limiting means any duration, permanent included);
 * - a reason is required if any matching rule requires one; auto-approval: see `autoApproves`.
 */
import type { AccessDeskConfig, RuleConfig } from '../config/types.js';
import { HOUR, formatDuration } from './duration.js';
import type { RequestKind } from './request.js';
import { escapeMrkdwn, joinWords, mention } from './text.js';

export interface RuleSubject {
  kind: RequestKind;
  requesterSlackId: string;
  /** Canonical name. */
  permissionSet?: string;
  /** Account aliases. */
  accounts: string[];
  /** Groups the request would join (onboarding, role change). */
  groups?: string[];
  /** `null`: permanent; `undefined`: not stated (the rules' default is used). */
  durationMs: number | null | undefined;
  reason?: string;
  /**
   * Slack ids who may never approve it besides the requester: the subject of admin work (the person onboarded,
   * moved or offboarded), by every Slack account known to be theirs.
   */
  excludedApprovers?: readonly string[];
}

/**
 * `permanent_not_allowed` is `duration_too_long` for a request for permanent access where the rules allow only
 * a time: kept apart so a caller can say so (the access service maps it to `duration_too_long`).
 */
export type DecisionRefusalCode =
  'not_offered' | 'no_approver' | 'duration_too_long' | 'reason_required' | 'permanent_not_allowed';

export type Decision =
  | {
      ok: true;
      /** Indexes (`RuleConfig.index`) of every matching rule, in file order. */
      matchedRules: number[];
      /** Slack ids who may approve: requester removed, sorted, deduplicated. */
      approvers: string[];
      /** Approvals still needed: 0 when auto-approved. */
      requiredApprovals: number;
      /** `null`: permanent allowed; `undefined`: no rule limits it. */
      maxDurationMs: number | null | undefined;
      /** The duration to use: as stated, or the default. `null`: permanent. */
      durationMs: number | null;
      requireReason: boolean;
      autoApprove: boolean;
      /** Where the approval card goes. */
      channel: string;
    }
  | { ok: false; code: DecisionRefusalCode; message: string };

/**
 * Default duration when the request states none and no matching rule gives `defaultDuration`: 4 hours (half
 * a working day), or the rules' maximum when that is shorter. Never permanent by default.
 */
export const FALLBACK_DEFAULT_DURATION_MS = 4 * HOUR;

type Criterion = 'kinds' | 'permissionSets' | 'accounts' | 'groups';
const CRITERIA: readonly Criterion[] = ['kinds', 'permissionSets', 'accounts', 'groups'];

/** How many criteria a rule names: the more, the more specific. */
export function specificity(rule: RuleConfig): number {
  return CRITERIA.filter((c) => rule.match[c] !== undefined).length;
}

/**
 * A bulk onboarding is many onboardings: a rule about onboardings applies to it too, so that a batch never
 * escapes a rule its rows would each meet alone (a config written before batches existed names only `onboard`).
 */
function kindCovers(ruleKind: RequestKind, subjectKind: RequestKind): boolean {
  return ruleKind === subjectKind || (ruleKind === 'onboard' && subjectKind === 'bulk_onboard');
}

/**
 * True when every criterion the rule names is met. A criterion named with an empty list is met by nothing
 * (a rule that names no account applies to no account, rather than to all of them).
 */
export function ruleMatches(rule: RuleConfig, subject: RuleSubject): boolean {
  const { kinds, permissionSets, accounts, groups } = rule.match;
  if (kinds && !kinds.some((k) => kindCovers(k, subject.kind))) return false;
  if (
    permissionSets &&
    (subject.permissionSet === undefined || !permissionSets.includes(subject.permissionSet))
  )
    return false;
  if (accounts && !subject.accounts.some((a) => accounts.includes(a))) return false;
  if (groups && !(subject.groups ?? []).some((g) => groups.includes(g))) return false;
  return true;
}

/** The rules that apply to a request, in file order. */
export function matchingRules(subject: RuleSubject, rules: readonly RuleConfig[]): RuleConfig[] {
  return rules.filter((r) => ruleMatches(r, subject));
}

/** The rules of the highest specificity among `rules` (all of them when tied). */
function mostSpecific(rules: readonly RuleConfig[]): RuleConfig[] {
  const top = Math.max(...rules.map(specificity));
  return rules.filter((r) => specificity(r) === top);
}

/** A rule speaks about approval when it names approvers, a number of approvals, or auto-approval. */
const speaksAboutApproval = (r: RuleConfig): boolean =>
  (r.approvers?.length ?? 0) > 0 || r.approvals !== undefined || r.autoApprove !== undefined;

/**
 * Whether a request is approved without anyone approving it. The example configuration pairs a rule for
 * every request (approvers: leads) with `ReadOnlyAccess on dev: autoApprove`, and means the second to win for
 * ReadOnlyAccess on dev but not for ReadOnlyAccess on dev and prod. So, like approvers, auto-approval is
 * decided by the most specific rules, per account:
 * - the request is split into one part per account (× group it joins), since a rule for dev says nothing
 *   about prod;
 * - for each part, the most specific matching rules that speak about approval (name approvers, approvals or
 *   autoApprove) must all say `autoApprove: true`; a part no such rule covers is not auto-approved;
 * - the request is auto-approved only if every part is.
 * Among equally specific rules the strictest wins: a rule asking for 2 approvals keeps an equally specific
 * auto-approving rule from approving alone.
 */
export function autoApproves(subject: RuleSubject, rules: readonly RuleConfig[]): boolean {
  const accounts = subject.accounts.length > 0 ? subject.accounts.map((a) => [a]) : [[]];
  const groups = subject.groups && subject.groups.length > 0 ? subject.groups.map((g) => [g]) : [[]];
  return accounts.every((a) =>
    groups.every((g) => {
      const part = matchingRules({ ...subject, accounts: a, groups: g }, rules).filter(speaksAboutApproval);
      return part.length > 0 && mostSpecific(part).every((r) => r.autoApprove === true);
    }),
  );
}

/**
 * Decides a request against the rules. `approverGroups` maps approver-group names (keys of
 * `config.approvers`) to Slack user ids, user groups already resolved by the caller; a name missing from it
 * contributes nobody.
 *
 * Checks run in this order, so that the first refusal is the one the requester cannot fix by asking again
 * differently: no rule offers it (`not_offered`); nobody else could approve it (`no_approver`); too long
 * (`duration_too_long`), or permanent where the rules allow only a time (`permanent_not_allowed`); no reason
 * (`reason_required`).
 *
 * The default duration is the `defaultDuration` of the most specific matching rules that give one (the
 * shortest of them when tied), else `FALLBACK_DEFAULT_DURATION_MS`; either way cut to the maximum, since a
 * default is the rules' choice, not the requester's. A stated duration over the maximum is refused, not cut.
 *
 * The card goes to the channel of the most specific matching rule that names one (the first in the file when
 * tied), else `config.channels.approvals`.
 *
 * A duration that is not a positive number of milliseconds is a bug in the caller and throws.
 */
export function decide(
  subject: RuleSubject,
  config: Pick<AccessDeskConfig, 'rules' | 'channels'>,
  approverGroups: Readonly<Record<string, readonly string[]>>,
): Decision {
  const stated = subject.durationMs;
  if (typeof stated === 'number' && !(Number.isFinite(stated) && stated > 0)) {
    throw new RangeError(`decide: durationMs must be a positive number of milliseconds, got ${stated}`);
  }
  const target = describeTarget(subject);
  const matched = matchingRules(subject, config.rules);
  if (matched.length === 0) {
    return refuse(
      'not_offered',
      `No rule offers ${target}: ask an admin to add a rule for it, or ask for something the rules offer.`,
    );
  }

  // Approvers: narrowed to the most specific rules that name any.
  const naming = matched.filter((r) => (r.approvers?.length ?? 0) > 0);
  const approverRules = naming.length > 0 ? mostSpecific(naming) : [];
  const groupNames = unique(approverRules.flatMap((r) => r.approvers ?? []));
  const everyone = unique(groupNames.flatMap((g) => approverGroups[g] ?? [])).sort();
  const excluded = new Set(subject.excludedApprovers ?? []);
  const approvers = everyone.filter((id) => id !== subject.requesterSlackId && !excluded.has(id));
  const requiredApprovals = Math.max(1, ...matched.map((r) => r.approvals ?? 1));
  const autoApprove = autoApproves(subject, config.rules);

  if (!autoApprove && approvers.length < requiredApprovals) {
    return refuse(
      'no_approver',
      noApproverMessage(subject, target, approverRules, groupNames, everyone, approvers, requiredApprovals),
    );
  }

  // Durations: the smallest maximum wins; null (permanent allowed) is larger than any time.
  const limiting = matched.filter((r) => r.maxDurationMs !== undefined);
  const finite = limiting.flatMap((r) => (typeof r.maxDurationMs === 'number' ? [r.maxDurationMs] : []));
  const maxDurationMs: number | null | undefined =
    limiting.length === 0 ? undefined : finite.length === 0 ? null : Math.min(...finite);

  if (
    stated !== undefined &&
    typeof maxDurationMs === 'number' &&
    (stated === null || stated > maxDurationMs)
  ) {
    const rules = describeRules(limiting.filter((r) => r.maxDurationMs === maxDurationMs));
    const max = formatDuration(maxDurationMs);
    const message =
      stated === null
        ? `${capitalise(target)} cannot be permanent: the longest allowed is *${max}* (${rules}). Ask for \`${max}\` or less.`
        : `${capitalise(target)} can be granted for at most *${max}* (${rules}), and you asked for *${formatDuration(stated)}*. Ask for \`${max}\` or less.`;
    return refuse(stated === null ? 'permanent_not_allowed' : 'duration_too_long', message);
  }

  const requireReason = matched.some((r) => r.requireReason === true);
  if (requireReason && (subject.reason ?? '').trim() === '') {
    const rules = describeRules(matched.filter((r) => r.requireReason === true));
    return refuse(
      'reason_required',
      `${capitalise(target)} needs a reason (${rules}): say what you need it for, with a ticket or incident if there is one.`,
    );
  }

  const durationMs = stated !== undefined ? stated : defaultDuration(matched, maxDurationMs);
  const withChannel = matched.filter((r) => r.channel !== undefined);
  const channel =
    (withChannel.length > 0 ? mostSpecific(withChannel)[0]?.channel : undefined) ?? config.channels.approvals;

  return {
    ok: true,
    matchedRules: matched.map((r) => r.index),
    approvers,
    requiredApprovals: autoApprove ? 0 : requiredApprovals,
    maxDurationMs,
    durationMs,
    requireReason,
    autoApprove,
    channel,
  };
}

function defaultDuration(
  matched: readonly RuleConfig[],
  maxDurationMs: number | null | undefined,
): number | null {
  const giving = matched.filter((r) => r.defaultDurationMs !== undefined);
  const defaults = giving.length > 0 ? mostSpecific(giving).map((r) => r.defaultDurationMs ?? null) : [];
  const finite = defaults.filter((d): d is number => d !== null);
  const chosen =
    defaults.length === 0 ? FALLBACK_DEFAULT_DURATION_MS : finite.length > 0 ? Math.min(...finite) : null;
  if (typeof maxDurationMs !== 'number') return chosen;
  return chosen === null ? maxDurationMs : Math.min(chosen, maxDurationMs);
}

function noApproverMessage(
  subject: RuleSubject,
  target: string,
  approverRules: readonly RuleConfig[],
  groupNames: readonly string[],
  everyone: readonly string[],
  approvers: readonly string[],
  required: number,
): string {
  if (approverRules.length === 0) {
    return `No rule names anyone who may approve ${target}: ask an admin to add approvers to a rule that covers it.`;
  }
  const from = joinWords(groupNames.map((g) => `*${escapeMrkdwn(g)}*`));
  const needs = required === 1 ? 'an approval' : `${required} approvals`;
  const youAreOne = everyone.includes(subject.requesterSlackId);
  const subjectIsOne = (subject.excludedApprovers ?? []).some((id) => everyone.includes(id));
  if (subjectIsOne) {
    const rest =
      approvers.length === 0
        ? 'nobody is left once you and the person it is about are set aside'
        : `only ${joinWords(approvers.map(mention))} ${approvers.length === 1 ? 'is' : 'are'} left once you and the person it is about are set aside`;
    return `${capitalise(target)} needs ${needs} from ${from} (${describeRules(approverRules)}), but ${rest}: nobody approves work about themself. Ask an admin to add approvers.`;
  }
  const people = joinWords(approvers.map(mention));
  const why =
    everyone.length === 0
      ? `nobody is in ${groupNames.length === 1 ? 'it' : 'them'}`
      : approvers.length === 0
        ? 'you are the only one there, and nobody approves their own request'
        : youAreOne
          ? `only ${people} ${approvers.length === 1 ? 'is' : 'are'} someone other than you`
          : `only ${people} ${approvers.length === 1 ? 'is' : 'are'} there`;
  return `${capitalise(target)} needs ${needs} from ${from} (${describeRules(approverRules)}), but ${why}. Ask an admin to add approvers.`;
}

function refuse(code: DecisionRefusalCode, message: string): Decision {
  return { ok: false, code, message };
}

/** What is asked for, as a noun phrase: `SeniorDeveloper on dev and prod`, `an extension of …`, `onboarding into ReadOnly`. */
export function describeTarget(subject: RuleSubject): string {
  const on = subject.accounts.length > 0 ? ` on ${joinWords(subject.accounts.map(escapeMrkdwn))}` : '';
  const access = subject.permissionSet !== undefined ? `${escapeMrkdwn(subject.permissionSet)}${on}` : '';
  const into =
    subject.groups && subject.groups.length > 0 ? ` into ${joinWords(subject.groups.map(escapeMrkdwn))}` : '';
  const with_ = access !== '' ? ` with ${access}` : on;
  switch (subject.kind) {
    case 'access':
      return access !== '' ? access : `access${on}`;
    case 'extend':
      return `an extension of ${access !== '' ? access : `access${on}`}`;
    case 'onboard':
      return `onboarding${into}${with_}`;
    case 'offboard':
      return 'offboarding';
    case 'role_change':
      return `a role change${into}${with_}`;
    case 'group_change':
      return `a group change${into}${with_}`;
    case 'group_create':
      return `a new group${into}`;
    case 'user_update':
      return `a change of a person's details`;
    case 'bulk_onboard':
      return `a bulk onboarding${into}${with_}`;
    case 'legacy_removal':
      return `the removal of a legacy IAM user`;
  }
}

/** `rules[2]` (AdministratorAccess), for messages that say which rule decided. */
export function describeRule(rule: RuleConfig): string {
  const { kinds, permissionSets, accounts, groups } = rule.match;
  const parts = [
    kinds ? `${joinWords(kinds, 'or')} requests` : '',
    permissionSets ? joinWords(permissionSets.map(escapeMrkdwn), 'or') : '',
    accounts ? `${permissionSets ? '' : 'anything '}on ${joinWords(accounts.map(escapeMrkdwn), 'or')}` : '',
    groups ? `joining ${joinWords(groups.map(escapeMrkdwn), 'or')}` : '',
  ].filter((p) => p !== '');
  return `\`rules[${rule.index}]\`: ${parts.length > 0 ? parts.join(' ') : 'every request'}`;
}

const describeRules = (rules: readonly RuleConfig[]): string => rules.map(describeRule).join('; ');

const unique = <T>(items: readonly T[]): T[] => [...new Set(items)];

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
