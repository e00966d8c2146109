/**
 * The App Home tab: all my access and where each comes from (with Extend and Release on access-desk grants, and
 * Request access), my open requests, the approvals waiting for me with their buttons, and for admins the
 * commands only they have.
 */
import type { types } from '@slack/bolt';
import type { AccessSource, AccountAccess } from '../../access/insight-api.js';
import type { GrantRecord } from '../../access/ledger.js';
import type { RequestView } from '../../access/notifier.js';
import { escapeMrkdwn } from '../../domain/text.js';
import { ADMIN_SUBCOMMANDS, USAGE, type SubcommandName } from '../usage.js';
import { grantButtons, requestAccessButton, type CardOptions } from './buttons.js';
import { context, divider, header, SLACK_LIMITS, section, slackDate, type Block } from './kit.js';
import { pendingList } from './pending-list.js';
import { problemMessage } from './replies.js';

/** Grants shown (two blocks each with their button), so that the whole tab stays inside 100 blocks. */
const MAX_GRANTS = 15;
/** Permission sets × accounts shown from Identity Center (a line each, a second block for a grant's buttons). */
const MAX_HELD = 20;

export interface HomeExtras {
  /** My active access-desk grants; absent: this deployment has no insight service, and the part is left out. */
  myGrants?: readonly GrantRecord[];
  /**
   * Everything I hold in Identity Center, however given (as whois reads it): direct assignments, through a
   * group, access-desk grants. Absent: it could not be read, and the access-desk grants alone are shown.
   */
  held?: readonly AccountAccess[];
  /** Why `held` could not be read (shown with the grants instead), when it was asked for. */
  heldUnread?: string;
  isAdmin?: boolean;
}

export const HOME_SECTIONS = {
  myAccess: 'home_my_access',
  admin: 'home_admin',
} as const;

/** Where a permission set on an account comes from, in words. */
function fromText(source: AccessSource): string {
  switch (source.kind) {
    case 'direct':
      return 'assigned to you directly in Identity Center';
    case 'group':
      return `through the group *${escapeMrkdwn(source.group)}*`;
    case 'grant': {
      const until = source.endsAt === null ? 'permanent' : `until ${slackDate(source.endsAt)}`;
      return `access-desk grant ${until} (${escapeMrkdwn(source.requestId)})`;
    }
  }
}

/** Everything held, one line per permission set and account, with Extend and Release on access-desk grants. */
function heldBlocks(held: readonly AccountAccess[]): Block[] {
  const rows = held.flatMap((account) =>
    account.permissionSets.map((ps) => ({ account: account.accountAlias, ps })),
  );
  if (rows.length === 0) {
    return [
      section(
        'You hold no AWS access in Identity Center yet. Ask for some with *Request access*.',
        HOME_SECTIONS.myAccess,
      ),
    ];
  }
  const blocks: Block[] = [
    section(
      `*${rows.length} permission set${rows.length === 1 ? '' : 's'} on your accounts*, and where each comes from:`,
      HOME_SECTIONS.myAccess,
    ),
  ];
  for (const { account, ps } of rows.slice(0, MAX_HELD)) {
    blocks.push(
      section(
        `*${escapeMrkdwn(ps.permissionSet)}* on *${escapeMrkdwn(account)}*: ${ps.sources.map(fromText).join('; ')}`,
      ),
    );
    for (const source of ps.sources) {
      if (source.kind === 'grant' && source.inAws) {
        blocks.push(grantButtons({ requestId: source.requestId, id: source.grantId, endsAt: source.endsAt }));
      }
    }
  }
  if (rows.length > MAX_HELD)
    blocks.push(context(`…and ${rows.length - MAX_HELD} more not shown: \`/access whois\` lists all.`));
  return blocks;
}

/** The access-desk grants alone, when Identity Center could not be read. */
function grantBlocks(grants: readonly GrantRecord[], unread: string | undefined): Block[] {
  const why =
    unread === undefined
      ? []
      : [context(`I could not read your other access from Identity Center: ${escapeMrkdwn(unread)}`)];
  if (grants.length === 0) {
    return [
      section(
        'You hold no access-desk grants. `/access whois` shows everything you can reach, however it was given.',
        HOME_SECTIONS.myAccess,
      ),
      ...why,
    ];
  }
  const blocks: Block[] = [
    section(`*${grants.length} active grant${grants.length === 1 ? '' : 's'}*`, HOME_SECTIONS.myAccess),
    ...why,
  ];
  for (const grant of grants.slice(0, MAX_GRANTS)) {
    const end = grant.endsAt === null ? 'permanent' : `until ${slackDate(grant.endsAt)}`;
    const what =
      grant.group !== undefined
        ? `membership of *${escapeMrkdwn(grant.group.name)}*`
        : `*${escapeMrkdwn(grant.permissionSet)}* on *${escapeMrkdwn(grant.accountAlias)}*`;
    blocks.push(section(`${what} ${end} · ${escapeMrkdwn(grant.requestId)}`));
    blocks.push(grantButtons(grant));
  }
  if (grants.length > MAX_GRANTS) blocks.push(context(`…and ${grants.length - MAX_GRANTS} more not shown.`));
  return blocks;
}

/** Time-bound group memberships (whois shows what the group carries; the membership's buttons are here). */
function membershipBlocks(grants: readonly GrantRecord[]): Block[] {
  return grants
    .filter((g) => g.group !== undefined)
    .slice(0, 5)
    .flatMap((g) => [
      section(
        `Membership of *${escapeMrkdwn(g.group!.name)}* ${g.endsAt === null ? 'permanent' : `until ${slackDate(g.endsAt)}`} · ${escapeMrkdwn(g.requestId)}`,
      ),
      grantButtons(g),
    ]);
}

function myAccessBlocks(extras: HomeExtras): Block[] {
  const body =
    extras.held !== undefined
      ? [...heldBlocks(extras.held), ...membershipBlocks(extras.myGrants ?? [])]
      : grantBlocks(extras.myGrants ?? [], extras.heldUnread);
  return [header('My access'), requestAccessButton(), ...body, divider()];
}

function adminBlocks(): Block[] {
  const names: SubcommandName[] = [...new Set<SubcommandName>(['users', ...ADMIN_SUBCOMMANDS])];
  const lines = names.map((n) => `• \`${USAGE[n].usage}\``);
  return [divider(), section(`*Admin*\n${lines.join('\n')}`, HOME_SECTIONS.admin)];
}

export function homeView(
  lists: { mine: RequestView[]; awaitingMe: RequestView[] },
  options: CardOptions = {},
  extras: HomeExtras = {},
): types.HomeView {
  const { blocks } = pendingList(lists, options);
  const all: Block[] = [
    ...(extras.myGrants !== undefined || extras.held !== undefined ? myAccessBlocks(extras) : []),
    ...blocks,
    ...(extras.isAdmin === true ? adminBlocks() : []),
    context('Ask for access with `/access request`; `/access help` lists every command.'),
  ];
  return {
    type: 'home',
    blocks:
      all.length <= SLACK_LIMITS.viewBlocks
        ? all
        : [...all.slice(0, SLACK_LIMITS.viewBlocks - 1), context('…more not shown.')],
  };
}

export function homeProblemView(reference: string): types.HomeView {
  return { type: 'home', blocks: problemMessage(reference).blocks };
}
