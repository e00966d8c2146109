/**
 * Break-glass, decided purely: whether a person may take access at once, without approval, because a rule
 * lets them (`breakGlass: { who, maxDuration, perDay }`). What it grants is judged by the same rules engine as
 * a request for it (the same permission set × account matching): no rule, no break-glass. A rule that allows it
 * names who may (approver groups), the longest it may last, and how often a person may use it a day.
 *
 * Of all the rules that match, the strictest wins, as everywhere: the shortest break-glass `maxDuration`, the
 * rules' own `maxDuration` too, and the smallest `perDay`. The person must be in the `who` of each of the most
 * specific matching rules that allow break-glass (a rule for prod narrows a rule for every account). The approvers the rules would name are told (they review it afterwards); nobody who
 * is the requester (by any Slack account the caller knows to be theirs) is among them, and a use that nobody
 * else could review is refused.
 *
 * Refusals come twice, like the rules engine's: in words for the requester, with the rules' keys (`rules[2]`)
 * for config admins.
 */
import type { AccessDeskConfig, RuleConfig } from '../config/types.js';
import { formatDuration } from './duration.js';
import {
  decide,
  describeRule,
  describeRuleInWords,
  describeTarget,
  matchingRules,
  specificity,
  type DecisionRefusalCode,
  type RuleSubject,
} from './rules.js';
import { escapeMrkdwn, joinWords } from './text.js';

/** How many times a day a person may break glass when the rule does not say. */
export const DEFAULT_BREAK_GLASS_PER_DAY = 1;

/** The window the per-day limit counts in: the last 24 hours (not the calendar day), whatever the time zone. */
export const BREAK_GLASS_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * How often the requester is reminded while no approver has reviewed their break-glass use: every 4 hours, from
 * when they broke glass, whether or not the access still lasts (the review is about what was done with it), until
 * an approver marks it reviewed or ends it. Often enough that it is not forgotten over a shift, seldom enough that
 * the reminder is read rather than muted.
 */
export const BREAK_GLASS_REMIND_EVERY_MS = 4 * 60 * 60 * 1000;

export interface BreakGlassSubject {
  requesterSlackId: string;
  /** Canonical name. */
  permissionSet: string;
  /** Account aliases. */
  accounts: string[];
  durationMs: number;
  reason: string;
  /**
   * Whether the requester (as a person: any of their Slack accounts) is in an approver group, by name. The
   * caller resolves Slack accounts to Identity Center users; this stays pure.
   */
  inGroup: (group: string) => boolean;
  /** The requester's other Slack accounts (config.people): never told, never a reviewer. */
  samePerson?: readonly string[];
}

export type BreakGlassRefusalCode =
  | 'not_offered'
  | 'not_break_glass'
  | 'not_allowed'
  | 'duration_too_long'
  | 'no_approver'
  | Exclude<DecisionRefusalCode, 'permanent_not_allowed'>;

export type BreakGlassDecision =
  | {
      ok: true;
      /** Indexes of every matching rule, in file order. */
      matchedRules: number[];
      /** The rules that allow break-glass and name the requester. */
      allowedBy: number[];
      /** Those rules in words, for the card (`a rule for AdministratorAccess on prod`). */
      allowedByWords: string;
      /** Who may review it (the approvers the rules would name): the requester, by any account, removed. */
      approvers: string[];
      /** Who is told by direct message: the approvers, less those only in groups marked `notify: false`. */
      told: string[];
      /** The longest it may last. */
      maxDurationMs: number;
      /** How many times a day the person may break glass for this. */
      perDay: number;
      /** Where the card goes (the approval card's channel). */
      channel: string;
    }
  | {
      ok: false;
      code: BreakGlassRefusalCode;
      /** For the requester: the rules in words. */
      message: string;
      /** For config admins: the rules by their key. */
      adminMessage: string;
    };

type Say = (rules: readonly RuleConfig[]) => string;
/** `a rule for anything on prod`, as the rules engine says rules to requesters. */
const inWords: Say = (rules) => {
  const words = [...new Set(rules.map(describeRuleInWords))];
  return words.length === 1
    ? `a rule for ${words[0]}`
    : `rules for ${joinWords(words.map((w, i) => (i === 0 ? w : `for ${w}`)))}`;
};
const byKey: Say = (rules) => rules.map(describeRule).join('; ');

const refuse = (code: BreakGlassRefusalCode, build: (say: Say) => string): BreakGlassDecision => ({
  ok: false,
  code,
  message: build(inWords),
  adminMessage: build(byKey),
});

/**
 * Decides a break-glass request. `approverGroups` maps approver-group names to Slack ids (user groups resolved by
 * the caller), as for `decide`. Refusals say what would work instead.
 */
export function decideBreakGlass(
  subject: BreakGlassSubject,
  config: Pick<AccessDeskConfig, 'rules' | 'channels'> & Partial<Pick<AccessDeskConfig, 'approvers'>>,
  approverGroups: Readonly<Record<string, readonly string[]>>,
): BreakGlassDecision {
  const ruleSubject: RuleSubject = {
    kind: 'access',
    requesterSlackId: subject.requesterSlackId,
    permissionSet: subject.permissionSet,
    accounts: subject.accounts,
    durationMs: undefined,
    reason: subject.reason,
    excludedApprovers: (subject.samePerson ?? []).filter((id) => id !== subject.requesterSlackId),
  };
  const target = describeTarget(ruleSubject);
  const request = `\`/access request ${subject.permissionSet} ${subject.accounts.join(',')} ${formatDuration(subject.durationMs)} …\``;
  const matched = matchingRules(ruleSubject, config.rules);
  if (matched.length === 0) {
    return refuse(
      'not_offered',
      () => `No rule offers ${target}, so nobody may break glass for it. Ask for something the rules offer.`,
    );
  }
  const allowing = matched.filter((r) => r.breakGlass !== undefined);
  if (allowing.length === 0) {
    return refuse(
      'not_break_glass',
      () =>
        `No rule allows break-glass for ${target}: ask for it the usual way, ${request}, and an approver decides.`,
    );
  }
  const allowedBy = allowing.filter((r) => r.breakGlass!.who.some((g) => subject.inGroup(g)));
  // Who may is said by the most specific rules that speak of break-glass, as approvers are (a rule for prod
  // narrows a rule for every account); among equally specific ones the strictest wins: the person must be in a
  // `who` of each of them.
  const top = Math.max(...allowing.map(specificity));
  const outside = allowing.filter(
    (r) => specificity(r) === top && !r.breakGlass!.who.some((g) => subject.inGroup(g)),
  );
  if (allowedBy.length === 0 || outside.length > 0) {
    const saying = outside.length > 0 ? outside : allowing;
    const groups = [...new Set(saying.flatMap((r) => r.breakGlass!.who))];
    return refuse(
      'not_allowed',
      (say) =>
        `Only ${joinWords(
          groups.map((g) => `*${escapeMrkdwn(g)}*`),
          'or',
        )} may break glass for ${target} (${say(saying)}), and you are not in ${groups.length === 1 ? 'it' : 'them'}. Ask for it the usual way: ${request}.`,
    );
  }
  const limits = [
    ...allowing.map((r) => r.breakGlass!.maxDurationMs),
    ...matched.flatMap((r) => (typeof r.maxDurationMs === 'number' ? [r.maxDurationMs] : [])),
  ];
  const maxDurationMs = Math.min(...limits);
  if (subject.durationMs > maxDurationMs) {
    const max = formatDuration(maxDurationMs);
    const limiting = matched.filter(
      (r) => r.breakGlass?.maxDurationMs === maxDurationMs || r.maxDurationMs === maxDurationMs,
    );
    return refuse(
      'duration_too_long',
      (say) =>
        `Break-glass for ${target} lasts at most *${max}* (${say(limiting)}), and you asked for *${formatDuration(subject.durationMs)}*. Ask for \`${max}\` or less; for longer, ${request}.`,
    );
  }
  // The rules' own terms: who approves (told here, reviewing afterwards), a ticket they require.
  const normal = decide({ ...ruleSubject, durationMs: subject.durationMs }, config, approverGroups);
  if (!normal.ok) {
    const code = normal.code === 'permanent_not_allowed' ? 'duration_too_long' : normal.code;
    const words = normal.message;
    const keys = normal.adminMessage ?? normal.message;
    const said = (text: string): string =>
      normal.code === 'no_approver'
        ? `Nobody but you could review a break-glass use of ${target}: ${text}`
        : text;
    return { ok: false, code, message: said(words), adminMessage: said(keys) };
  }
  if (normal.approvers.length === 0) {
    // Auto-approved by the rules, so nobody is named: then nobody would review it either.
    return refuse(
      'no_approver',
      () =>
        `Nobody but you could review a break-glass use of ${target}: no rule names approvers for it. Ask for it the usual way: ${request}.`,
    );
  }
  const quiet = new Set(normal.quiet?.approvers ?? []);
  return {
    ok: true,
    matchedRules: matched.map((r) => r.index),
    allowedBy: allowedBy.map((r) => r.index),
    allowedByWords: inWords(allowedBy),
    approvers: normal.approvers,
    told: normal.approvers.filter((id) => !quiet.has(id)),
    maxDurationMs,
    perDay: Math.min(...allowing.map((r) => r.breakGlass!.perDay ?? DEFAULT_BREAK_GLASS_PER_DAY)),
    channel: normal.channel,
  };
}
