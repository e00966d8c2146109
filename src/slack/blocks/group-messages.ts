/**
 * `/access group list [group]`: every group with its member count and what it carries, or one group with its
 * members (display name, email). Answered privately to whoever asked; long lists are folded with a count.
 */
import type { GroupListing, GroupSummary } from '../../access/group-api.js';
import { escapeMrkdwn, truncate } from '../../domain/text.js';
import { context, header, lineSections, message, section, type Block, type SlackMessage } from './kit.js';

/** Sections the group lines or member lines may use: the message stays well inside Slack's 50 blocks. */
const LIST_BLOCKS = 20;

/** `ReadOnlyAccess on dev, prod, staging · FinanceAdmin on management`, grouped by permission set. */
export function carriesText(carries: GroupSummary['carries']): string {
  if (carries.length === 0) return '_carries nothing_';
  const byPs = new Map<string, string[]>();
  for (const c of carries) byPs.set(c.permissionSet, [...(byPs.get(c.permissionSet) ?? []), c.accountAlias]);
  return [...byPs]
    .map(([ps, accounts]) => `${escapeMrkdwn(ps)} on ${accounts.map(escapeMrkdwn).join(', ')}`)
    .join(' · ');
}

const count = (n: number): string => `${n} member${n === 1 ? '' : 's'}`;

function groupLine(s: GroupSummary): string {
  return `*${escapeMrkdwn(truncate(s.group.name, 200))}* · ${count(s.memberCount)} · ${carriesText(s.carries)}`;
}

export function groupListMessage(listing: GroupListing): SlackMessage {
  if (listing.kind === 'one') return oneGroupMessage(listing);
  const total = listing.groups.length + listing.more.length;
  const blocks: Block[] = [header(`Groups in Identity Center (${total})`)];
  if (total === 0) blocks.push(section('There are no groups yet.'));
  blocks.push(...lineSections(listing.groups.map(groupLine), LIST_BLOCKS));
  if (listing.more.length > 0) {
    const names = listing.more.slice(0, 50).map((n) => `\`${escapeMrkdwn(truncate(n, 80))}\``);
    const rest = listing.more.length > 50 ? ` and ${listing.more.length - 50} more` : '';
    blocks.push(section(truncate(`Also: ${names.join(', ')}${rest}.`, 2900)));
  }
  blocks.push(context('Members of one group: `/access group list <group>`.'));
  const text = listing.groups.map((g) => `${g.group.name}: ${count(g.memberCount)}`).join('; ');
  return message(`Groups in Identity Center (${total}): ${text}`, blocks);
}

function oneGroupMessage(listing: Extract<GroupListing, { kind: 'one' }>): SlackMessage {
  const { summary, members, moreMembers } = listing;
  const { group } = summary;
  const blocks: Block[] = [header(`Group ${truncate(group.name, 120)}`)];
  const description =
    group.description !== undefined && group.description.trim() !== ''
      ? `${escapeMrkdwn(truncate(group.description, 500))}\n`
      : '';
  blocks.push(
    section(`${description}*Carries:* ${carriesText(summary.carries)}\n*Members:* ${summary.memberCount}`),
  );
  const lines = members.map(
    (m) => `• *${escapeMrkdwn(truncate(m.displayName, 200))}* (${escapeMrkdwn(m.email)})`,
  );
  if (moreMembers > 0) lines.push(`…and ${moreMembers} more`);
  blocks.push(...(lines.length === 0 ? [section('_No members._')] : lineSections(lines, LIST_BLOCKS)));
  const text = `Group ${group.name}: ${count(summary.memberCount)}`;
  return message(text, blocks);
}
