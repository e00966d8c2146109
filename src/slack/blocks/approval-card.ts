/**
 * The approval card in the approvals channel, drawn from a RequestView (read from the ledger, never from the
 * previous message). Buttons carry the request id only and exist only while the request is pending.
 */
import type { types } from '@slack/bolt';
import type { RequestView } from '../../access/notifier.js';
import { escapeMrkdwn, truncate } from '../../domain/text.js';
import { ACTION } from '../ids.js';
import {
  context,
  fields,
  header,
  lineSections,
  message,
  section,
  SLACK_LIMITS,
  who,
  type Block,
  type SlackMessage,
} from './kit.js';
import {
  accountList,
  approvalsText,
  durationText,
  grantLine,
  reasonText,
  sessionNote,
  statusText,
  whatPlain,
} from './request-text.js';

/**
 * An account that deserves a second look before approving. The config has no such flag (yet), so the alias
 * decides: `prod`, `production`, `prd`, `live`, alone or as a word of it (`payments-prod`).
 */
export function isProductionAlias(alias: string): boolean {
  return /(^|[-_.\s])(prod|production|prd|live)([-_.\s]|$)/i.test(alias);
}

export interface CardOptions {
  isProduction?: (alias: string) => boolean;
}

/** Blocks the progress list may use, so that a 60-account request still fits in Slack's 50. */
const PROGRESS_BLOCKS = 20;

function approveButton(view: RequestView, isProduction: (alias: string) => boolean): types.Button {
  const production = view.request.accounts.filter((a) => isProduction(a.alias)).map((a) => a.alias);
  return {
    type: 'button',
    action_id: ACTION.approve,
    text: { type: 'plain_text', text: 'Approve' },
    style: 'primary',
    value: view.request.id,
    ...(production.length > 0
      ? {
          confirm: {
            title: { type: 'plain_text', text: 'Approve production access?' },
            text: {
              type: 'mrkdwn',
              text: truncate(
                `${who(view.request.requesterSlackId)} gets *${escapeMrkdwn(view.request.permissionSet)}* on production (${production.map(escapeMrkdwn).join(', ')}) for *${durationText(view)}*.`,
                SLACK_LIMITS.confirmText,
              ),
            },
            confirm: { type: 'plain_text', text: 'Approve' },
            deny: { type: 'plain_text', text: 'Not yet' },
            style: 'primary',
          },
        }
      : {}),
  };
}

/** Approve and Deny, with the request id as their only value. */
export function decisionButtons(view: RequestView, options: CardOptions = {}): types.ActionsBlock {
  return {
    type: 'actions',
    block_id: `decide:${view.request.id}`,
    elements: [
      approveButton(view, options.isProduction ?? isProductionAlias),
      {
        type: 'button',
        action_id: ACTION.deny,
        text: { type: 'plain_text', text: 'Deny' },
        style: 'danger',
        value: view.request.id,
      },
    ],
  };
}

export function approvalCard(view: RequestView, options: CardOptions = {}): SlackMessage {
  const { request } = view;
  const title = request.kind === 'extend' ? 'Extension request' : 'Access request';
  const psField = `*Permission set*\n*${escapeMrkdwn(request.permissionSet)}*${
    view.permissionSetDescription !== undefined ? `\n${escapeMrkdwn(view.permissionSetDescription)}` : ''
  }`;
  const blocks: Block[] = [
    header(`${title} ${request.id}`),
    fields([
      `*Requester*\n${who(request.requesterSlackId)}`,
      psField,
      `*Accounts*\n${accountList(view)}`,
      `*${request.kind === 'extend' ? 'Extension' : 'Duration'}*\n${durationText(view)}`,
    ]),
    section(`*Reason*\n${reasonText(view)}`),
  ];
  const note = sessionNote(view);
  if (note !== undefined) blocks.push(context(note));
  blocks.push(context(approvalsText(view)));
  blocks.push(section(statusText(view), 'status'));
  if (view.grants.length > 0 && request.status !== 'pending') {
    blocks.push(...lineSections(view.grants.map(grantLine), PROGRESS_BLOCKS));
  }
  if (request.status === 'pending') blocks.push(decisionButtons(view, options));

  const text = `${title} ${request.id} from ${who(request.requesterSlackId)}: ${escapeMrkdwn(whatPlain(view))}. ${plainStatus(view)}`;
  return message(text, blocks);
}

/** The status in words for the notification fallback (no dates markup, no emoji names). */
function plainStatus(view: RequestView): string {
  const s = view.request.status;
  if (s === 'pending')
    return `Waiting for ${view.approvalsNeeded} more approval${view.approvalsNeeded === 1 ? '' : 's'}.`;
  return `Status: ${s}.`;
}
