/**
 * The App Home tab: my access (with an Extend button on what ends), my open requests, the approvals waiting
 * for me with their buttons, and for admins the commands only they have.
 */
import type { types } from '@slack/bolt';
import type { GrantRecord } from '../../access/ledger.js';
import type { RequestView } from '../../access/notifier.js';
import { escapeMrkdwn } from '../../domain/text.js';
import { ADMIN_SUBCOMMANDS, USAGE, type SubcommandName } from '../usage.js';
import { extendGrantButton, type CardOptions } from './buttons.js';
import { context, divider, header, SLACK_LIMITS, section, slackDate, type Block } from './kit.js';
import { pendingList } from './pending-list.js';
import { problemMessage } from './replies.js';

/** Grants shown (two blocks each with their button), so that the whole tab stays inside 100 blocks. */
const MAX_GRANTS = 15;

export interface HomeExtras {
  /** My active access-desk grants; absent: this deployment has no insight service, and the part is left out. */
  myGrants?: readonly GrantRecord[];
  isAdmin?: boolean;
}

export const HOME_SECTIONS = {
  myAccess: 'home_my_access',
  admin: 'home_admin',
} as const;

function myAccessBlocks(grants: readonly GrantRecord[]): Block[] {
  if (grants.length === 0) {
    return [
      header('My access'),
      section(
        'You hold no access-desk grants. `/access whois` shows everything you can reach, however it was given.',
        HOME_SECTIONS.myAccess,
      ),
    ];
  }
  const blocks: Block[] = [
    header('My access'),
    section(`*${grants.length} active grant${grants.length === 1 ? '' : 's'}*`, HOME_SECTIONS.myAccess),
  ];
  for (const grant of grants.slice(0, MAX_GRANTS)) {
    const end = grant.endsAt === null ? 'permanent' : `until ${slackDate(grant.endsAt)}`;
    blocks.push(
      section(
        `*${escapeMrkdwn(grant.permissionSet)}* on *${escapeMrkdwn(grant.accountAlias)}* ${end} · ${escapeMrkdwn(grant.requestId)}`,
      ),
    );
    if (grant.endsAt !== null) blocks.push(extendGrantButton(grant.requestId, grant.id));
  }
  if (grants.length > MAX_GRANTS) blocks.push(context(`…and ${grants.length - MAX_GRANTS} more not shown.`));
  return [...blocks, divider()];
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
    ...(extras.myGrants !== undefined ? myAccessBlocks(extras.myGrants) : []),
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
