/**
 * `/access <subcommand> …` text → a checked input for the access service, a modal to open with what was
 * understood, or a message that says exactly what was wrong. Pure: names are checked against the options the
 * service offers, so a typo is answered before anything is called.
 */
import type { AccessRequestInput, ExtensionInput, RequestOptions, RevokeInput } from '../access/api.js';
import type { BreakGlassInput } from '../access/break-glass-api.js';
import type { DurationSpec } from '../domain/duration.js';
import { didYouMean, resolveName } from '../domain/names.js';
import { escapeMrkdwn, LIMITS, truncate } from '../domain/text.js';
import {
  checkAccount,
  checkAccounts,
  checkPermissionSet,
  checkReason,
  takeAccountList,
  takeDuration,
} from './parse-args.js';
import {
  parseOffboardArgs,
  parseOnboardArgs,
  parseRoleArgs,
  type OnboardPrefill,
  type PersonInput,
  type RoleChangeArgs,
} from './parse-admin.js';
import { parseBreakGlassArgs } from './parse-break-glass.js';
import { parseGroupArgs, type GroupCommand } from './parse-group.js';
import {
  namesGroup,
  parseGroupExtend,
  parseGroupRequest,
  parseGroupRevoke,
  strayAt,
  takeTrailingWhen,
  takeWhen,
} from './parse-group-access.js';
import { parseMigrateArgs, type MigrateParsed } from './parse-migrate.js';
import { parseUserArgs, parseWelcomeArgs } from './parse-people.js';
import { parseUsersArgs, parseWhoisArgs, type UsersArgs, type WhoisArgs } from './parse-insight.js';
import { parsePersonRef, words } from './slack-text.js';
import { SUBCOMMAND_NAMES, USAGE, type SubcommandName } from './usage.js';

export interface ParseContext {
  /** Who typed the command. */
  userId: string;
  /** The names people may pick from (config, through the service). */
  options: RequestOptions;
  /** The configured role names, for `/access role`; absent: the role is passed on unchecked. */
  roles?: readonly string[];
}

/** What the request modal opens with: everything understood so far. */
export interface RequestPrefill {
  permissionSet?: string;
  accounts?: string[];
  duration?: DurationSpec;
  reason?: string;
}

export type Parsed<Input, Prefill = never> =
  | { kind: 'complete'; input: Input }
  | { kind: 'modal'; prefill: Prefill }
  | { kind: 'error'; message: string };

export type ParsedCommand =
  | { subcommand: 'help' }
  | { subcommand: 'pending' }
  | { subcommand: 'request'; result: Parsed<AccessRequestInput, RequestPrefill> }
  | { subcommand: 'extend'; result: Parsed<ExtensionInput> }
  | { subcommand: 'revoke'; result: Parsed<RevokeInput> }
  | { subcommand: 'breakglass'; result: Parsed<BreakGlassInput> }
  | { subcommand: 'onboard'; result: Parsed<never, OnboardPrefill> }
  | { subcommand: 'offboard'; result: Parsed<PersonInput> }
  | { subcommand: 'role'; result: Parsed<RoleChangeArgs> }
  | { subcommand: 'migrate'; result: MigrateParsed }
  | { subcommand: 'whois'; result: Parsed<WhoisArgs> }
  | { subcommand: 'users'; result: Parsed<UsersArgs> }
  | { subcommand: 'audit'; result: Parsed<{ channelOnly: true }> }
  | { subcommand: 'group'; result: Parsed<GroupCommand> }
  | { subcommand: 'user'; result: Parsed<PersonInput> }
  | { subcommand: 'welcome'; result: Parsed<PersonInput> }
  | { subcommand: 'unknown'; message: string };

type SubcommandParser = (args: string, ctx: ParseContext) => ParsedCommand;

const usageLine = (name: SubcommandName): string => `Usage: \`${USAGE[name].usage}\``;
const withUsage = (name: SubcommandName, message: string): string => `${message}\n${usageLine(name)}`;

export function parseRequestArgs(
  args: string,
  ctx: ParseContext,
): Parsed<AccessRequestInput, RequestPrefill> {
  if (namesGroup(args)) return parseGroupRequest(args, ctx.userId);
  const [psWord] = words(args);
  if (psWord === undefined) return { kind: 'modal', prefill: {} };
  const ps = checkPermissionSet(psWord, ctx.options);
  if (!ps.ok) return { kind: 'error', message: ps.message };

  const afterPs = args.trim().slice(psWord.length);
  const { names, rest } = takeAccountList(afterPs);
  if (names.length === 0) return { kind: 'modal', prefill: { permissionSet: ps.value } };
  const accounts = checkAccounts(names, ctx.options);
  if (!accounts.ok) return { kind: 'error', message: accounts.message };

  // `at <when>` after the accounts or after the duration (scheduled access; the service reads the start).
  const early = takeWhen(rest);
  const duration = takeDuration(early?.rest ?? rest);
  if (duration.kind === 'error') return { kind: 'error', message: withUsage('request', duration.message) };
  const afterDuration = duration.kind === 'duration' ? duration.rest : (early?.rest ?? rest);
  const late = early === undefined ? takeWhen(afterDuration) : undefined;
  const when = early ?? late;
  const stray = strayAt(late?.rest ?? afterDuration);
  if (stray !== undefined) return { kind: 'error', message: withUsage('request', stray) };
  // Or at the end of the line, after the reason (`… testing the release at 10:00`).
  const trailing = when === undefined ? takeTrailingWhen(afterDuration) : undefined;
  const reason = checkReason(trailing?.rest ?? late?.rest ?? afterDuration);
  if (!reason.ok) return { kind: 'error', message: reason.message };
  const start = when ?? trailing;

  return {
    kind: 'complete',
    input: {
      requesterSlackId: ctx.userId,
      permissionSet: ps.value,
      accounts: accounts.value,
      ...(duration.kind === 'duration' ? { duration: duration.value } : {}),
      ...(start !== undefined ? { when: start.when } : {}),
      ...(reason.value !== undefined ? { reason: reason.value } : {}),
    },
  };
}

export function parseExtendArgs(args: string, ctx: ParseContext): Parsed<ExtensionInput> {
  if (namesGroup(args)) return parseGroupExtend(args, ctx.userId);
  const [first] = words(args);
  if (first === undefined) {
    return { kind: 'error', message: withUsage('extend', 'Say how much longer, e.g. `/access extend 2h`.') };
  }
  const leading = takeDuration(args);
  if (leading.kind === 'duration') {
    const reason = checkReason(leading.rest);
    if (!reason.ok) return { kind: 'error', message: reason.message };
    return {
      kind: 'complete',
      input: {
        requesterSlackId: ctx.userId,
        duration: leading.value,
        ...(reason.value !== undefined ? { reason: reason.value } : {}),
      },
    };
  }
  if (leading.kind === 'error') return { kind: 'error', message: withUsage('extend', leading.message) };

  const ps = checkPermissionSet(first, ctx.options);
  if (!ps.ok) return { kind: 'error', message: ps.message };
  const afterPs = args.trim().slice(first.length).trim();
  const [accountWord] = words(afterPs);
  if (accountWord === undefined) {
    return { kind: 'error', message: withUsage('extend', `Which account is your ${ps.value} access on?`) };
  }
  const account = checkAccount(accountWord, ctx.options);
  if (!account.ok) return { kind: 'error', message: account.message };
  const duration = takeDuration(afterPs.slice(accountWord.length));
  if (duration.kind !== 'duration') {
    const problem = duration.kind === 'error' ? duration.message : 'Say how much longer, e.g. `2h`.';
    return { kind: 'error', message: withUsage('extend', problem) };
  }
  const reason = checkReason(duration.rest);
  if (!reason.ok) return { kind: 'error', message: reason.message };
  return {
    kind: 'complete',
    input: {
      requesterSlackId: ctx.userId,
      permissionSet: ps.value,
      account: account.value,
      duration: duration.value,
      ...(reason.value !== undefined ? { reason: reason.value } : {}),
    },
  };
}

export function parseRevokeArgs(args: string, ctx: ParseContext): Parsed<RevokeInput> {
  if (namesGroup(args)) return parseGroupRevoke(args, ctx.userId);
  const parts = words(args);
  const [psWord, accountWord, personWord, ...extra] = parts;
  if (psWord === undefined || accountWord === undefined) {
    return { kind: 'error', message: withUsage('revoke', 'Say which permission set and which account.') };
  }
  if (accountWord.includes(',') || extra.length > 0) {
    return {
      kind: 'error',
      message: withUsage('revoke', 'Revoke one permission set on one account at a time.'),
    };
  }
  const ps = checkPermissionSet(psWord, ctx.options);
  if (!ps.ok) return { kind: 'error', message: ps.message };
  const account = checkAccount(accountWord, ctx.options);
  if (!account.ok) return { kind: 'error', message: account.message };
  const input: RevokeInput = { actorSlackId: ctx.userId, permissionSet: ps.value, account: account.value };
  if (personWord === undefined) return { kind: 'complete', input };
  const person = parsePersonRef(personWord);
  if (person === undefined) {
    return {
      kind: 'error',
      message: withUsage(
        'revoke',
        `\`${escapeMrkdwn(truncate(personWord, 80))}\` is neither a person (@name) nor an email address.`,
      ),
    };
  }
  if ('slackId' in person) {
    return {
      kind: 'complete',
      input: person.slackId === ctx.userId ? input : { ...input, targetSlackId: person.slackId },
    };
  }
  return { kind: 'complete', input: { ...input, targetEmail: person.email } };
}

/** One entry per subcommand. A subcommand in the product but not built yet has no entry: it is "unknown". */
const ROUTES: Readonly<Record<SubcommandName, SubcommandParser>> = {
  request: (args, ctx) => ({ subcommand: 'request', result: parseRequestArgs(args, ctx) }),
  extend: (args, ctx) => ({ subcommand: 'extend', result: parseExtendArgs(args, ctx) }),
  revoke: (args, ctx) => ({ subcommand: 'revoke', result: parseRevokeArgs(args, ctx) }),
  breakglass: (args, ctx) => ({ subcommand: 'breakglass', result: parseBreakGlassArgs(args, ctx) }),
  pending: () => ({ subcommand: 'pending' }),
  onboard: (args) => ({ subcommand: 'onboard', result: parseOnboardArgs(args) }),
  offboard: (args) => ({ subcommand: 'offboard', result: parseOffboardArgs(args) }),
  role: (args, ctx) => ({ subcommand: 'role', result: parseRoleArgs(args, ctx.roles) }),
  migrate: (args) => ({ subcommand: 'migrate', result: parseMigrateArgs(args) }),
  whois: (args) => ({ subcommand: 'whois', result: parseWhoisArgs(args) }),
  users: (args) => ({ subcommand: 'users', result: parseUsersArgs(args) }),
  audit: (args) => ({
    subcommand: 'audit',
    result:
      args === ''
        ? { kind: 'complete', input: { channelOnly: true } }
        : { kind: 'error', message: withUsage('audit', 'The audit takes no arguments: it covers everyone.') },
  }),
  group: (args) => ({ subcommand: 'group', result: parseGroupArgs(args) }),
  user: (args) => ({ subcommand: 'user', result: parseUserArgs(args) }),
  welcome: (args) => ({ subcommand: 'welcome', result: parseWelcomeArgs(args) }),
  help: () => ({ subcommand: 'help' }),
};

const isSubcommand = (name: string): name is SubcommandName =>
  (SUBCOMMAND_NAMES as readonly string[]).includes(name);

function unknownSubcommand(typed: string, args: string, ctx: ParseContext): string {
  const shown = `\`/access ${escapeMrkdwn(truncate(typed, 40))}\``;
  // `/access SeniorDeveloper prod 4h`: the person forgot the word `request`.
  const asPermissionSet = checkPermissionSet(typed, ctx.options);
  const asSubcommand = resolveName(typed, SUBCOMMAND_NAMES);
  const hint = asPermissionSet.ok
    ? `did you mean \`/access request ${escapeMrkdwn(truncate(`${typed} ${args}`.trim(), 200))}\`?`
    : didYouMean(asSubcommand.ok ? [] : asSubcommand.suggestions, (n) => `\`/access ${n}\``);
  const usage = SUBCOMMAND_NAMES.map((n) => `• \`${USAGE[n].usage}\``).join('\n');
  return `${shown} is not a command I know${hint === '' ? '.' : `: ${hint}`}\n${usage}`;
}

/**
 * The longest command text read. A request line is a permission set, accounts, a duration and a reason of at
 * most 500 characters, which Slack may send with entities (`&amp;`) and mentions (`<@U…|name>`) in it: 4,000
 * leaves room for all of that. Anything longer is refused before any of it is parsed.
 */
export const COMMAND_TEXT_MAX = 4000;

/** Parses the text after `/access`. Empty text is `help`. */
export function parseAccessCommand(text: string, ctx: ParseContext): ParsedCommand {
  const trimmed = text.trim();
  if (trimmed.length > COMMAND_TEXT_MAX) {
    return {
      subcommand: 'unknown',
      message: `That command is ${trimmed.length} characters long: \`/access\` reads at most ${COMMAND_TEXT_MAX}. Nothing was done; keep the reason to ${LIMITS.reason} characters.`,
    };
  }
  const [first] = words(trimmed);
  if (first === undefined) return { subcommand: 'help' };
  const args = trimmed.slice(first.length).trim();
  const name = first.toLowerCase();
  if (isSubcommand(name)) return ROUTES[name](args, ctx);
  return { subcommand: 'unknown', message: unknownSubcommand(first, args, ctx) };
}
