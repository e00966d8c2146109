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
import { HOUR, MINUTE, formatDuration } from './duration.js';
import { followUpDetails, quietApprovers, remindPlanOf, ticketsFor } from './follow-ups.js';
import type { QuietApprovers, RemindPlan } from './follow-ups.js';
import type { RequestKind } from './request.js';
import type { TicketRef } from './tickets.js';
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
  /**
   * For an extension: how long the grant lasts already, start to current end. `durationMs` is then its whole
   * length once extended, and a refusal says by how much it can still be extended.
   */
  heldMs?: number;
  reason?: string;
  /** Ticket references given apart from the reason (a `ticket:` argument, the Ticket field), space-separated. */
  ticket?: string;
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
  | 'not_offered'
  | 'no_approver'
  | 'duration_too_long'
  | 'reason_required'
  | 'permanent_not_allowed'
  | 'ticket_required';

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
      /**
       * The on-call schedules the auto-approval rested on (the requester was on call in each), when a rule said
       * `autoApprove: { onCall }`; absent when no on-call was needed or it was not approved at once.
       */
      autoApprovedOnCall?: string[];
      /** Where the approval card goes. */
      channel: string;
      /** Tickets found, reminders and escalation, approvers not pinged: src/domain/follow-ups.ts. */
      tickets?: TicketRef[];
      remind?: RemindPlan;
      quiet?: QuietApprovers;
    }
  | {
      ok: false;
      code: DecisionRefusalCode;
      /** For the requester: the rules said in words ("a rule for anything on prod"). */
      message: string;
      /** The same for config admins, naming the rules by their key (`rules[2]`); absent: as `message`. */
      adminMessage?: string;
    };

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
 * Likewise a time-bound group membership is access (to what the group carries): a rule about `access` applies.
 */
function kindCovers(ruleKind: RequestKind, subjectKind: RequestKind): boolean {
  return (
    ruleKind === subjectKind ||
    (ruleKind === 'onboard' && subjectKind === 'bulk_onboard') ||
    (ruleKind === 'access' && subjectKind === 'group_access')
  );
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
export function autoApproves(
  subject: RuleSubject,
  rules: readonly RuleConfig[],
  onCallIn: ReadonlySet<string> = new Set(),
): boolean {
  const onCall = ON_CALL_KINDS.includes(subject.kind);
  return approvalParts(subject, rules).every(
    (part) =>
      part.length > 0 &&
      part.every(
        (r) =>
          r.autoApprove === true ||
          (onCall && typeof r.autoApprove === 'object' && onCallIn.has(r.autoApprove.onCall)),
      ),
  );
}

/**
 * Request kinds for which a rule's `autoApprove: { onCall }` can approve: what a person asks for themself. For
 * other kinds (admin work) such a rule counts as not auto-approving, so the work goes to its approvers.
 */
export const ON_CALL_KINDS: readonly RequestKind[] = ['access', 'extend'];

/**
 * The on-call schedules whose answer would decide auto-approval: those named by the deciding rules of every part
 * (see `autoApproves`), when each of them allows auto-approval either plainly or on call. Empty when none is
 * needed, or when some rule forbids auto-approval anyway (asking PagerDuty could not change the outcome). A
 * person must be on call in every schedule returned.
 */
export function onCallSchedulesFor(subject: RuleSubject, rules: readonly RuleConfig[]): string[] {
  if (!ON_CALL_KINDS.includes(subject.kind)) return [];
  const parts = approvalParts(subject, rules);
  const allows = (r: RuleConfig): boolean => r.autoApprove === true || typeof r.autoApprove === 'object';
  if (!parts.every((part) => part.length > 0 && part.every(allows))) return [];
  const names = parts.flatMap((part) =>
    part.flatMap((r) => (typeof r.autoApprove === 'object' ? [r.autoApprove.onCall] : [])),
  );
  return unique(names).sort();
}

/**
 * The request split into one part per account (× group it joins), each with the most specific matching rules
 * that speak about approval (none: nothing covers that part).
 */
function approvalParts(subject: RuleSubject, rules: readonly RuleConfig[]): RuleConfig[][] {
  const accounts = subject.accounts.length > 0 ? subject.accounts.map((a) => [a]) : [[]];
  const groups = subject.groups && subject.groups.length > 0 ? subject.groups.map((g) => [g]) : [[]];
  return accounts.flatMap((a) =>
    groups.map((g) => {
      const part = matchingRules({ ...subject, accounts: a, groups: g }, rules).filter(speaksAboutApproval);
      return part.length > 0 ? mostSpecific(part) : [];
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
 *
 * `onCallIn`: the on-call schedules (names) the requester is on call in now, as the caller found out (see
 * `onCallSchedulesFor`); a rule's `autoApprove: { onCall }` approves only when its schedule is among them. A caller
 * that does not ask passes nothing, and such rules count as not auto-approving: never approved by omission.
 */
export function decide(
  subject: RuleSubject,
  config: Pick<AccessDeskConfig, 'rules' | 'channels'> & Partial<Pick<AccessDeskConfig, 'approvers'>>,
  approverGroups: Readonly<Record<string, readonly string[]>>,
  onCallIn: ReadonlySet<string> = new Set(),
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
  const autoApprove = autoApproves(subject, config.rules, onCallIn);
  const onCallNeeded = autoApprove ? onCallSchedulesFor(subject, config.rules) : [];

  if (!autoApprove && approvers.length < requiredApprovals) {
    return refuseSaying('no_approver', (say) =>
      noApproverMessage(
        subject,
        target,
        approverRules,
        groupNames,
        everyone,
        approvers,
        requiredApprovals,
        say,
      ),
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
    const limits = limiting.filter((r) => r.maxDurationMs === maxDurationMs);
    const max = formatDuration(maxDurationMs);
    const message = (say: SayRules): string =>
      stated === null
        ? `${capitalise(target)} cannot be permanent: the longest allowed is *${max}* (${say(limits)}). Ask for \`${max}\` or less.`
        : subject.heldMs !== undefined
          ? tooLongAnExtension(target, stated, maxDurationMs, subject.heldMs, say(limits))
          : `${capitalise(target)} can be granted for at most *${max}* (${say(limits)}), and you asked for *${formatDuration(stated)}*. Ask for \`${max}\` or less.`;
    return refuseSaying(stated === null ? 'permanent_not_allowed' : 'duration_too_long', message);
  }

  const requireReason = matched.some((r) => r.requireReason === true);
  if (requireReason && (subject.reason ?? '').trim() === '') {
    const requiring = matched.filter((r) => r.requireReason === true);
    return refuseSaying(
      'reason_required',
      (say) =>
        `${capitalise(target)} needs a reason (${say(requiring)}): say what you need it for, with a ticket or incident if there is one.`,
    );
  }

  // Tickets: every matching rule's pattern met, from the ticket given or the reason.
  const tickets = ticketsFor(matched, subject, target);
  if (!tickets.ok) return refuse('ticket_required', tickets.message);

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
    ...(onCallNeeded.length > 0 ? { autoApprovedOnCall: onCallNeeded } : {}),
    channel,
    ...followUpDetails({
      tickets: tickets.tickets,
      remind: remindPlanOf(matched),
      quiet: quietApprovers(approvers, approverGroups, config),
    }),
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
  say: SayRules,
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
    return `${capitalise(target)} needs ${needs} from ${from} (${say(approverRules)}), but ${rest}: nobody approves work about themself. Ask an admin to add approvers.`;
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
  return `${capitalise(target)} needs ${needs} from ${from} (${say(approverRules)}), but ${why}. Ask an admin to add approvers.`;
}

function refuse(code: DecisionRefusalCode, message: string): Decision {
  return { ok: false, code, message };
}

/** How a message names the rules that decided: in words for requesters, by key for config admins. */
type SayRules = (rules: readonly RuleConfig[]) => string;

/** A refusal said twice: in words (`message`) and with the rules' keys (`adminMessage`). */
function refuseSaying(code: DecisionRefusalCode, build: (say: SayRules) => string): Decision {
  return { ok: false, code, message: build(describeRulesInWords), adminMessage: build(describeRules) };
}

/**
 * An extension judged by the grant's whole length (its start to its new end): says what the limit means, how long
 * the grant lasts already, and by how much it may still be extended, so that "you asked for 16h" never answers
 * someone who typed 12h.
 */
function tooLongAnExtension(
  target: string,
  totalMs: number,
  maxMs: number,
  heldMs: number,
  rules: string,
): string {
  const room = Math.floor((maxMs - heldMs) / MINUTE) * MINUTE;
  const asked = formatDuration(totalMs - heldMs);
  const can =
    room > 0
      ? `so you can extend it by up to \`${formatDuration(room)}\`, not *${asked}*`
      : `so it cannot be extended; ask again with \`/access request\` once it has ended`;
  return `${capitalise(target)}: this grant may last at most *${formatDuration(maxMs)}* in all (${rules}); it lasts *${formatDuration(heldMs)}* already, ${can}.`;
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
    case 'group_access': {
      // Judged part by part: what the group carries on one account, or the membership of a group carrying nothing.
      const group = `group ${joinWords((subject.groups ?? []).map(escapeMrkdwn))}`;
      return access !== '' ? `${access} (through ${group})` : `membership of ${group}`;
    }
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

/** What kinds of request a rule names, in words. */
const KIND_WORDS: Readonly<Record<string, string>> = {
  access: 'access requests',
  extend: 'extensions',
  onboard: 'onboardings',
  offboard: 'offboardings',
  role_change: 'role changes',
  group_change: 'group changes',
  group_create: 'new groups',
  user_update: 'changes of people’s details',
  bulk_onboard: 'bulk onboardings',
  legacy_removal: 'removals of legacy IAM users',
};

/**
 * `a rule for SeniorDeveloper on prod`: a rule in words, for requesters, who know nothing of the config file
 * (config admins get `describeRule`, with the key they can find it by).
 */
export function describeRuleInWords(rule: RuleConfig): string {
  const { kinds, permissionSets, accounts, groups } = rule.match;
  const parts = [
    kinds
      ? joinWords(
          kinds.map((k) => KIND_WORDS[k] ?? `${k.replace(/_/g, ' ')} requests`),
          'or',
        )
      : '',
    permissionSets ? `${kinds ? 'of ' : ''}${joinWords(permissionSets.map(escapeMrkdwn), 'or')}` : '',
    accounts
      ? `${permissionSets || kinds ? '' : 'anything '}on ${joinWords(accounts.map(escapeMrkdwn), 'or')}`
      : '',
    groups ? `joining ${joinWords(groups.map(escapeMrkdwn), 'or')}` : '',
  ].filter((p) => p !== '');
  return parts.length > 0 ? parts.join(' ') : 'every request';
}

/** `a rule for anything on prod`, `rules for every request and for anything on dev`. */
function describeRulesInWords(rules: readonly RuleConfig[]): string {
  const words = unique(rules.map(describeRuleInWords));
  if (words.length === 1) return `a rule for ${words[0]}`;
  return `rules for ${joinWords(words.map((w, i) => (i === 0 ? w : `for ${w}`)))}`;
}

const unique = <T>(items: readonly T[]): T[] => [...new Set(items)];

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
