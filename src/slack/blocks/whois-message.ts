/**
 * `/access whois`: who someone is and what they can reach, grouped by account, each permission set with where
 * it comes from. Long lists fold with a count, so that a person with access on dozens of accounts still gets a
 * message inside Slack's 50 blocks, 3,000 characters per section and 40,000 in all: one section per account
 * while every account fits, else folded by permission set ("*ReadOnly* through group *Platform* on 1,000
 * accounts: dev, prod, … and 990 more"). Pure; all user text escaped here.
 */
import type { AccessSource, AccountAccess, TimeBoundGroup, WhoisReport } from '../../access/insight-api.js';
import type { RequestRecord, SessionDenialRecord } from '../../access/ledger.js';
import type { AccessKeyInfo, HeldApplication, LegacyIamUser, UserStatus } from '../../domain/identity.js';
import { dateMrkdwn, escapeMrkdwn, truncate } from '../../domain/text.js';
import {
  context,
  divider,
  fields,
  header,
  message,
  section,
  SLACK_LIMITS,
  slackDate,
  who,
  type Block,
  type SlackMessage,
} from './kit.js';

/** How much is shown before folding: the rest is counted, never silently dropped. */
export const WHOIS_FOLD = {
  /** Sections for the accounts; with the other parts the message stays well under 50 blocks. */
  accountSections: 30,
  permissionSetsPerAccount: 12,
  groups: 40,
  pendingRequests: 5,
  accessKeys: 5,
  applications: 25,
} as const;

/** Room left in a section for the "…and N more" line. */
const SECTION_BUDGET = SLACK_LIMITS.sectionText - 200;

const esc = (text: string): string => escapeMrkdwn(text);
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export function sourceText(source: AccessSource): string {
  switch (source.kind) {
    case 'direct':
      return 'direct';
    case 'group':
      return `through group *${esc(source.group)}*${source.timeBound !== undefined ? ` ${timeBoundText(source.timeBound)}` : ''}`;
    case 'grant': {
      const when = source.endsAt === null ? 'permanent' : `until ${slackDate(source.endsAt)}`;
      const drift = source.inAws ? '' : ' :warning: _not in AWS any more_';
      return `access-desk grant ${when} (${esc(source.requestId)})${drift}`;
    }
  }
}

/** `until <date> (R-…)`: a membership access-desk gives for a while, in each reader's own time. */
export function timeBoundText(t: TimeBoundGroup): string {
  const when = t.endsAt === null ? 'permanent' : `until ${dateMrkdwn(t.endsAt)}`;
  return `${when} (${esc(t.requestId)})${t.inAws ? '' : ' :warning: _not in AWS any more_'}`;
}

/** One account and what is held on it, as one piece of text that is never split across sections. */
export function accountText(account: AccountAccess): string {
  const name =
    account.accountAlias === account.accountId
      ? `*${esc(account.accountId)}*`
      : `*${esc(account.accountAlias)}* · ${esc(account.accountId)}`;
  const shown = account.permissionSets.slice(0, WHOIS_FOLD.permissionSetsPerAccount);
  const lines = shown.map((ps) => `• *${esc(ps.permissionSet)}*: ${ps.sources.map(sourceText).join('; ')}`);
  const left = account.permissionSets.length - shown.length;
  if (left > 0) lines.push(`• …and ${plural(left, 'more permission set')}`);
  return truncate([name, ...lines].join('\n'), SECTION_BUDGET);
}

/** Slack's limit on all the text of one message; the blocks' text is counted, and the fallback text with it. */
export const MESSAGE_TEXT_LIMIT = 40_000;
/** At most this much of a whois message is the access part, so that it stays readable. */
const ACCESS_TEXT_MAX = 24_000;

/** Where the access part may spread: blocks and characters of text. */
export interface AccessRoom {
  blocks: number;
  chars: number;
}

/** The characters of text in these blocks, as Slack counts them towards a message's limit. */
export function blocksText(blocks: readonly Block[]): number {
  let n = 0;
  for (const block of blocks) {
    if (block.type === 'header' || block.type === 'section') {
      n += block.text?.text.length ?? 0;
      if (block.type === 'section') for (const f of block.fields ?? []) n += f.text.length;
    } else if (block.type === 'context') {
      for (const e of block.elements) n += 'text' in e ? e.text.length : 0;
    }
  }
  return n;
}

/**
 * `count` texts packed into as few sections as fit, within `room`; how many were shown. Each text is made only
 * when it is reached (`textAt`), so that a list of 1,000 accounts that will not fit costs what fits, not all.
 */
function packSections(
  count: number,
  textAt: (i: number) => string,
  room: AccessRoom,
): { blocks: Block[]; shown: number } {
  const blocks: Block[] = [];
  let current: string[] = [];
  let length = 0;
  let used = 0;
  let index = 0;
  for (; index < count; index += 1) {
    const text = textAt(index);
    if (used + length + text.length + 2 > room.chars) break;
    if (current.length > 0 && length + text.length + 2 > SECTION_BUDGET) {
      if (blocks.length + 1 >= room.blocks) break;
      blocks.push(section(current.join('\n\n')));
      used += length;
      current = [];
      length = 0;
    }
    current.push(text);
    length += text.length + 2;
  }
  if (current.length > 0) blocks.push(section(current.join('\n\n')));
  return { blocks, shown: index };
}

/** Room for the "…and N more" context that ends a fold. */
const FOLD_NOTE = 2_100;

/**
 * One section text per account, packed, within `room` (one block and some text kept for the fold); the accounts
 * that do not fit are counted by name. `left` is how many were folded.
 */
export function accountSections(
  accounts: readonly AccountAccess[],
  room: AccessRoom,
): { blocks: Block[]; left: number } {
  const inner = { blocks: room.blocks - 1, chars: room.chars - FOLD_NOTE };
  const { blocks, shown } = packSections(accounts.length, (i) => accountText(accounts[i]!), inner);
  const left = accounts.slice(shown);
  if (left.length > 0) {
    const names = truncate(left.map((a) => esc(a.accountAlias)).join(', '), 2000);
    blocks.push(context(`…and ${plural(left.length, 'more account')}: ${names}`));
  }
  return { blocks, left: left.length };
}

/** One permission set held the same way on many accounts. */
interface PermissionSetFold {
  permissionSet: string;
  how: string;
  accounts: string[];
}

/** Accounts named in one fold line, at most this much text; the rest counted. */
const FOLD_ACCOUNTS_TEXT = 400;

/** `dev, prod, staging, … and 990 more`: names while they fit, then the count of the rest. */
export function namesWithCount(names: readonly string[], max: number = FOLD_ACCOUNTS_TEXT): string {
  const shown: string[] = [];
  let length = 0;
  for (const name of names) {
    if (length + name.length + 2 > max) break;
    shown.push(name);
    length += name.length + 2;
  }
  const left = names.length - shown.length;
  if (shown.length === 0) return '…';
  return left > 0 ? `${shown.join(', ')}, … and ${left} more` : shown.join(', ');
}

/**
 * The same access folded by permission set and where it comes from: "*ReadOnly* through group *Platform* on
 * 1,000 accounts: dev, prod, … and 990 more". Many accounts that hold the same few sets the same way (the usual
 * shape of a large organisation: access through groups) read as a few lines.
 */
export function permissionSetFolds(accounts: readonly AccountAccess[]): PermissionSetFold[] {
  const folds = new Map<string, PermissionSetFold>();
  for (const account of accounts) {
    for (const ps of account.permissionSets) {
      const how = ps.sources.map(sourceText).join('; ');
      const k = `${ps.permissionSet}\u0000${how}`;
      let fold = folds.get(k);
      if (fold === undefined) {
        fold = { permissionSet: ps.permissionSet, how, accounts: [] };
        folds.set(k, fold);
      }
      fold.accounts.push(esc(account.accountAlias));
    }
  }
  return [...folds.values()].sort(
    (a, b) =>
      b.accounts.length - a.accounts.length ||
      a.permissionSet.localeCompare(b.permissionSet) ||
      a.how.localeCompare(b.how),
  );
}

const count = (n: number): string => n.toLocaleString('en-GB');

export function foldText(fold: PermissionSetFold): string {
  const on = fold.accounts.length === 1 ? '1 account' : `${count(fold.accounts.length)} accounts`;
  return truncate(
    `• *${esc(fold.permissionSet)}* ${fold.how} on ${on}: ${namesWithCount(fold.accounts)}`,
    SECTION_BUDGET,
  );
}

/** The fold lines packed into sections within `room`; the lines that do not fit are counted. */
export function permissionSetSections(accounts: readonly AccountAccess[], room: AccessRoom): Block[] {
  const folds = permissionSetFolds(accounts);
  const inner = { blocks: room.blocks - 1, chars: room.chars - FOLD_NOTE };
  const { blocks, shown } = packSections(folds.length, (i) => foldText(folds[i]!), inner);
  const left = folds.slice(shown);
  if (left.length > 0) {
    const pairs = left.reduce((n, f) => n + f.accounts.length, 0);
    const names = truncate(
      left.map((f) => `${esc(f.permissionSet)} (${count(f.accounts.length)})`).join(', '),
      1_800,
    );
    blocks.push(
      context(
        `…and ${plural(left.length, 'more permission set line')} (${plural(pairs, 'assignment')}): ${names}`,
      ),
    );
  }
  return blocks;
}

/**
 * The access part of whois inside `room`: one section per account while every account fits, else folded by
 * permission set. Either way every account and assignment is shown or counted, never silently dropped.
 */
export function accessBlocks(
  accounts: readonly AccountAccess[],
  room: AccessRoom,
): { blocks: Block[]; byPermissionSet: boolean } {
  const perAccount = accountSections(accounts, room);
  if (perAccount.left === 0) return { blocks: perAccount.blocks, byPermissionSet: false };
  return { blocks: permissionSetSections(accounts, room), byPermissionSet: true };
}

function groupsText(report: WhoisReport): string {
  const timeBound = report.timeBoundGroups ?? [];
  const names = [
    ...report.groups.map((g) => {
      const t = timeBound.find((b) => b.groupId === g.id);
      return `*${esc(g.name)}*${t !== undefined ? ` ${timeBoundText(t)}` : ''}`;
    }),
    // Held in the ledger, gone from Identity Center: said, so that nobody is misled.
    ...timeBound.filter((t) => !t.inAws).map((t) => `*${esc(t.group)}* ${timeBoundText(t)}`),
  ].sort();
  if (names.length === 0) return '*Groups:* none';
  const shown = names.slice(0, WHOIS_FOLD.groups).join(', ');
  const left = names.length - WHOIS_FOLD.groups;
  return truncate(
    `*Groups (${names.length}):* ${shown}${left > 0 ? ` and ${left} more` : ''}`,
    SLACK_LIMITS.sectionText,
  );
}

function requestLine(request: RequestRecord): string {
  const accounts = request.accounts.map((a) => esc(a.alias));
  const where =
    accounts.length > 5
      ? `${accounts.slice(0, 5).join(', ')} and ${accounts.length - 5} more`
      : accounts.join(', ');
  const what =
    request.kind === 'access' || request.kind === 'extend'
      ? `${request.kind === 'extend' ? 'more time on ' : ''}*${esc(request.permissionSet)}* on ${where}`
      : esc(request.kind.replace('_', ' '));
  return `• *${esc(request.id)}* ${what}, asked ${slackDate(request.createdAt)} by ${who(request.requesterSlackId)}`;
}

function pendingText(requests: readonly RequestRecord[]): string {
  if (requests.length === 0) return '*Pending requests:* none';
  const lines = requests.slice(0, WHOIS_FOLD.pendingRequests).map(requestLine);
  const left = requests.length - lines.length;
  if (left > 0) lines.push(`• …and ${left} more`);
  return truncate(`*Pending requests (${requests.length})*\n${lines.join('\n')}`, SLACK_LIMITS.sectionText);
}

function keyLine(key: AccessKeyInfo, i: number): string {
  const used =
    key.lastUsed === undefined
      ? 'never used'
      : `last used ${slackDate(key.lastUsed.at)} (${esc(key.lastUsed.service)}, ${esc(key.lastUsed.region)})`;
  // Key ids are shown to admins only; others read "key 1", "key 2".
  const name = key.id === '' ? `key ${i + 1}` : `\`${esc(key.id)}\``;
  return `• ${name} ${key.status === 'Active' ? '*Active*' : 'Inactive'}, ${used}`;
}

function legacyText(iam: LegacyIamUser | undefined): string {
  if (iam === undefined) return '*Legacy IAM user:* none of the same name';
  const active = iam.accessKeys.filter((k) => k.status === 'Active').length;
  const head = `*Legacy IAM user* \`${esc(iam.userName)}\`: created ${slackDate(iam.createdAt)}, ${plural(iam.accessKeys.length, 'access key')} (${active} active)${iam.loginProfile !== undefined ? ', console password set' : ''}`;
  const lines = iam.accessKeys.slice(0, WHOIS_FOLD.accessKeys).map(keyLine);
  const left = iam.accessKeys.length - lines.length;
  if (left > 0) lines.push(`• …and ${left} more`);
  const hint = active > 0 ? '\n_Admins: `/access migrate` asks them to move to SSO._' : '';
  return truncate([head, ...lines].join('\n') + hint, SLACK_LIMITS.sectionText);
}

/** "Sam's sessions on prod as SeniorDeveloper ended 14:02, until 22:02": the session denials in force. */
export function denialsText(name: string, denials: readonly SessionDenialRecord[]): string {
  const lines = denials.slice(0, 20).map((d) => {
    const where = `${esc(name)}'s sessions on *${esc(d.accountAlias)}* as *${esc(d.permissionSet)}*`;
    if (d.status === 'adding') return `• ${where}: being ended (access ended ${slackDate(d.endedAt)})`;
    const until = d.liftAt !== null ? `, until ${slackDate(d.liftAt)}` : '';
    return `• ${where} ended ${slackDate(d.inForceAt ?? d.endedAt)}${until}`;
  });
  if (denials.length > lines.length) lines.push(`• …and ${denials.length - lines.length} more`);
  return truncate(
    [
      '*Sessions ended* (opened before access ended; new ones work once access is granted again)',
      ...lines,
    ].join('\n'),
    SLACK_LIMITS.sectionText,
  );
}

/** A user's status as a field: DISABLED stands out, since such a user can sign in nowhere. */
export function statusText(status: UserStatus | undefined): string {
  return status === 'DISABLED'
    ? ':no_entry: *DISABLED*: cannot sign in; not matched to Slack for requests'
    : status === 'ENABLED'
      ? 'Enabled'
      : 'Enabled (AWS did not say)';
}

/** The applications they are assigned to, directly or through a group; folded past a count. */
export function applicationsText(
  applications: readonly HeldApplication[] | undefined,
  unread: string | undefined,
): string {
  if (unread !== undefined) return `*Applications:* could not be read (${esc(truncate(unread, 500))})`;
  if (applications === undefined || applications.length === 0) return '*Applications:* none';
  const lines = applications
    .slice(0, WHOIS_FOLD.applications)
    .map(
      (a) =>
        `• *${esc(a.application)}*: ${a.throughGroup === undefined ? 'direct' : `through group *${esc(a.throughGroup)}*`}`,
    );
  const left = applications.length - lines.length;
  if (left > 0) lines.push(`• …and ${plural(left, 'more application')}`);
  return truncate(`*Applications (${applications.length})*\n${lines.join('\n')}`, SLACK_LIMITS.sectionText);
}

export function whoisMessage(report: WhoisReport): SlackMessage {
  const { user } = report;
  const pairs = report.accounts.reduce((n, a) => n + a.permissionSets.length, 0);
  const before: Block[] = [
    header(user.displayName || user.userName),
    fields([
      `*Email*\n${esc(report.email)}`,
      `*User name*\n${esc(user.userName)}`,
      `*User id*\n\`${esc(user.id)}\``,
      `*Status*\n${statusText(user.status)}`,
      ...(report.slackUserId !== undefined ? [`*Slack*\n${who(report.slackUserId)}`] : []),
    ]),
    section(groupsText(report)),
    divider(),
  ];
  const readFrom =
    report.groupAssignmentsReadAt !== undefined
      ? `Read from AWS just now, except what groups give: as read ${slackDate(report.groupAssignmentsReadAt)}. access-desk grants and ended sessions from its record.`
      : 'Read from AWS just now; access-desk grants and ended sessions from its record.';
  const after: Block[] = [
    section(applicationsText(report.applications, report.applicationsUnread)),
    divider(),
    section(pendingText(report.pendingRequests)),
    section(legacyText(report.legacyIamUser)),
    ...(report.sessionDenials !== undefined && report.sessionDenials.length > 0
      ? [section(denialsText(user.displayName || user.userName, report.sessionDenials))]
      : []),
    context(readFrom),
  ];
  const name = user.displayName || user.userName;
  const disabled = user.status === 'DISABLED' ? ' [DISABLED]' : '';
  const text = truncate(
    `${name} (${report.email})${disabled}: ${plural(report.groups.length, 'group')}, access on ${plural(report.accounts.length, 'account')}, ${plural(report.pendingRequests.length, 'pending request')}`,
    SLACK_LIMITS.fallbackText,
  );
  const head = (byPermissionSet: boolean): Block =>
    section(
      report.accounts.length === 0
        ? '*Access:* nothing on any account'
        : `*Access on ${report.accounts.length === 1 ? '1 account' : `${count(report.accounts.length)} accounts`}* (${pairs === 1 ? '1 permission set assignment' : `${count(pairs)} permission set assignments`})${byPermissionSet ? ', by permission set and where it comes from' : ''}`,
    );
  // The access part gets what the rest leaves of Slack's limits (the heading's longest form counted).
  const used = blocksText([...before, ...after, head(true)]) + text.length;
  const room: AccessRoom = {
    blocks: Math.min(
      WHOIS_FOLD.accountSections,
      SLACK_LIMITS.messageBlocks - before.length - after.length - 1,
    ),
    chars: Math.min(ACCESS_TEXT_MAX, MESSAGE_TEXT_LIMIT - used),
  };
  const access = accessBlocks(report.accounts, room);
  return message(text, [...before, head(access.byPermissionSet), ...access.blocks, ...after]);
}
