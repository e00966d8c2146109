/**
 * `/access users`: one page of the user listing, with Previous and Next buttons that carry only the page
 * number they show. Clicking one redraws this same message in place.
 */
import type { types } from '@slack/bolt';
import type { ListedUser, UsersPage } from '../../access/insight-api.js';
import { escapeMrkdwn } from '../../domain/text.js';
import { ACTION } from '../ids.js';
import { context, header, lineSections, message, section, slackDate, type SlackMessage } from './kit.js';

export const USERS_PAGER_BLOCK = 'users_pager';

/** Applications named on a user's line before the rest are counted. */
const APPLICATIONS_PER_LINE = 5;

function applicationsPart(listed: ListedUser): string {
  const apps = listed.applications;
  if (apps === undefined || apps.length === 0) return '';
  const names = [...new Set(apps.map((a) => a.application))];
  const shown = names.slice(0, APPLICATIONS_PER_LINE).map(escapeMrkdwn).join(', ');
  const left = names.length - APPLICATIONS_PER_LINE;
  return ` · apps: ${shown}${left > 0 ? ` and ${left} more` : ''}`;
}

function userLine(listed: ListedUser): string {
  const { user, groups } = listed;
  const name = user.displayName === '' ? '' : `*${escapeMrkdwn(user.displayName)}* · `;
  const email =
    user.email !== undefined && user.email !== user.userName ? ` (${escapeMrkdwn(user.email)})` : '';
  const inGroups = groups.length === 0 ? '_no groups_' : groups.map(escapeMrkdwn).join(', ');
  const disabled = user.status === 'DISABLED' ? ':no_entry: *DISABLED* · ' : '';
  return `${disabled}${name}${escapeMrkdwn(user.userName)}${email} — ${inGroups}${applicationsPart(listed)}`;
}

const pageButton = (actionId: string, label: string, page: number): types.Button => ({
  type: 'button',
  action_id: actionId,
  text: { type: 'plain_text', text: label },
  value: String(page),
});

/** "21–40 of 250": the range this page shows, 1-based. */
export function usersRange(page: UsersPage): string {
  if (page.total === 0) return '0 of 0';
  const from = (page.page - 1) * page.pageSize + 1;
  return `${from}–${from + page.users.length - 1} of ${page.total}`;
}

export function usersMessage(page: UsersPage): SlackMessage {
  const range = usersRange(page);
  const buttons: types.Button[] = [];
  if (page.page > 1) buttons.push(pageButton(ACTION.usersPrevious, '← Previous', page.page - 1));
  if (page.page < page.pages) buttons.push(pageButton(ACTION.usersNext, 'Next →', page.page + 1));
  return message(`Identity Center users ${range}`, [
    header('Identity Center users'),
    section(`Users *${range}*`),
    ...(page.users.length === 0
      ? [section('No users in the identity store.')]
      : lineSections(page.users.map(userLine), 10)),
    ...(buttons.length > 0
      ? [{ type: 'actions' as const, block_id: USERS_PAGER_BLOCK, elements: buttons }]
      : []),
    context(
      `Page ${page.page} of ${page.pages} · read from AWS ${slackDate(page.listedAt)} · \`/access whois <email>\` for someone's access`,
    ),
  ]);
}
