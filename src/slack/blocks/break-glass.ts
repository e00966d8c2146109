/**
 * Break-glass in Slack: its card (in the approvals channel, and the same in the security channel), the direct
 * message each approver of the target gets, the requester's reminders, and the answer to the command. The card
 * is drawn from the request (never from the previous message), with a 🚨 header and a red bar (its blocks go
 * out in one attachment coloured DANGER_COLOR) so that nobody mistakes it for an ordinary request; its two
 * buttons carry the request id only, and the service decides who may press them.
 */
import type { types } from '@slack/bolt';
import { breakGlassOf, type BreakGlassDetails } from '../../access/break-glass-api.js';
import type { RequestView } from '../../access/notifier.js';
import { BREAK_GLASS_REMIND_EVERY_MS } from '../../domain/break-glass.js';
import { formatDuration } from '../../domain/duration.js';
import { escapeMrkdwn, truncate } from '../../domain/text.js';
import { ACTION, cardBlockId } from '../ids.js';
import { slackDate, utcText } from './dates.js';
import {
  context,
  DANGER_COLOR,
  fields,
  header,
  lineSections,
  message,
  section,
  who,
  type Block,
  type SlackMessage,
} from './kit.js';
import {
  accountList,
  durationText,
  grantLine,
  reasonText,
  sessionNote,
  statusText,
  whatPlain,
} from './request-text.js';

const SIREN = ':rotating_light:';
const REMIND = formatDuration(BREAK_GLASS_REMIND_EVERY_MS);

/** The card of a break-glass request, or undefined for any other request (the approval card draws those). */
export function breakGlassCard(view: RequestView): SlackMessage | undefined {
  const glass = breakGlassOf(view.request);
  if (glass === undefined) return undefined;
  const { request } = view;
  const blocks: Block[] = [
    header(`🚨 Break-glass ${request.id}`),
    section(
      `${SIREN} ${who(request.requesterSlackId)} broke glass: *${escapeMrkdwn(request.permissionSet)}* on ${accountList(view, false)} for *${durationText(view)}*, granted at once without approval${glass.because !== undefined ? `, as ${glass.because} allows` : ''}.`,
    ),
    fields([
      `*Requester*\n${who(request.requesterSlackId)}`,
      `*Permission set*\n*${escapeMrkdwn(request.permissionSet)}*`,
      `*Accounts*\n${accountList(view)}`,
      `*Duration*\n${durationText(view)}`,
    ]),
    section(`*Reason*\n${reasonText(view)}`),
  ];
  const note = sessionNote(view);
  if (note !== undefined) blocks.push(context(note));
  blocks.push(section(statusText(view), 'status'));
  if (view.grants.length > 0) blocks.push(...lineSections(view.grants.map(grantLine), 10));
  blocks.push(section(reviewText(glass, request.approvers), 'review'));
  if (glass.reviewedAt === undefined) blocks.push(reviewButtons(view));
  const text = `Break-glass ${request.id}: ${who(request.requesterSlackId)} took ${escapeMrkdwn(whatPlain(view))} at once, without approval. ${plainReview(glass)}`;
  return { ...message(text, blocks), color: DANGER_COLOR };
}

function reviewText(glass: BreakGlassDetails, approvers: readonly string[]): string {
  if (glass.reviewedAt !== undefined && glass.reviewedBy !== undefined) {
    const at = slackDate(new Date(glass.reviewedAt));
    return glass.outcome === 'ended'
      ? `:black_square_for_stop: *Ended* by ${who(glass.reviewedBy)} ${at}: the access was removed at once.`
      : `:white_check_mark: *Reviewed* by ${who(glass.reviewedBy)} ${at}.`;
  }
  const by = approvers.length > 0 ? approvers.map(who).join(' ') : 'an approver';
  return `:warning: *Needs review* by ${by}: look at what was done, then *Mark reviewed*, or *End access now*. Until then the requester is reminded every ${REMIND} and the audit lists it.`;
}

const plainReview = (glass: BreakGlassDetails): string =>
  glass.reviewedAt === undefined
    ? 'It needs an approver’s review.'
    : `${glass.outcome === 'ended' ? 'Ended' : 'Reviewed'} at ${utcText(new Date(glass.reviewedAt))}.`;

/** "Mark reviewed" and "End access now", with the request id as their only value. */
export function reviewButtons(view: RequestView): types.ActionsBlock {
  const { request } = view;
  const active = view.grants.some((g) => g.status === 'active');
  const elements: types.Button[] = [
    {
      type: 'button',
      action_id: ACTION.breakGlassReviewed,
      text: { type: 'plain_text', text: 'Mark reviewed' },
      style: 'primary',
      value: request.id,
    },
  ];
  if (active) {
    elements.push({
      type: 'button',
      action_id: ACTION.breakGlassEnd,
      text: { type: 'plain_text', text: 'End access now' },
      style: 'danger',
      value: request.id,
      confirm: {
        title: { type: 'plain_text', text: 'End this access now?' },
        text: {
          type: 'plain_text',
          text: truncate(
            `${request.permissionSet} on ${request.accounts.map((a) => a.alias).join(', ')} is removed at once and the sessions already open are ended.`,
            300,
          ),
        },
        confirm: { type: 'plain_text', text: 'End it' },
        deny: { type: 'plain_text', text: 'Keep it' },
        style: 'danger',
      },
    });
  }
  return { type: 'actions', block_id: cardBlockId(ACTION.breakGlassReviewed, request.id), elements };
}

/** The direct message to an approver of the target: what was taken, and where to review it. */
export function approverToldMessage(view: RequestView): SlackMessage {
  const { request } = view;
  const where = request.card !== null ? ` Its card is in <#${escapeMrkdwn(request.card.channel)}>.` : '';
  const text = `Break-glass: ${who(request.requesterSlackId)} took ${escapeMrkdwn(whatPlain(view))} at once, without approval (${request.id}). As an approver of it, review it.`;
  return message(text, [
    header(`🚨 Break-glass ${request.id}`),
    section(
      `${SIREN} ${who(request.requesterSlackId)} took *${escapeMrkdwn(request.permissionSet)}* on ${accountList(view, false)} for *${durationText(view)}* at once, without approval.${where}`,
    ),
    section(`*Reason*\n${reasonText(view)}`),
    context(
      'You approve this access, so you review its use: *Mark reviewed* on the card, or *End access now*.',
    ),
    ...(breakGlassOf(request)?.reviewedAt === undefined ? [reviewButtons(view)] : []),
  ]);
}

/** The requester's reminder while nobody has reviewed their break-glass use. */
export function reviewReminderMessage(view: RequestView): SlackMessage {
  const { request } = view;
  const approvers = request.approvers.length > 0 ? request.approvers.map(who).join(' ') : 'an approver';
  const text = `Reminder: your break-glass use ${request.id} (${escapeMrkdwn(whatPlain(view))}) has not been reviewed yet.`;
  return message(text, [
    section(
      `:rotating_light: *Reminder*: your break-glass use *${request.id}* (${escapeMrkdwn(whatPlain(view))}) has not been reviewed yet. Tell ${approvers} what you did with it, so that one of them can mark it reviewed.`,
    ),
    context(statusText(view)),
  ]);
}

/** What the person who broke glass is told at once. */
export function breakGlassAnswer(view: RequestView): SlackMessage {
  const { request } = view;
  const channels =
    request.card !== null ? `<#${escapeMrkdwn(request.card.channel)}>` : 'the approvals channel';
  return message(`${request.id}: break-glass ${escapeMrkdwn(whatPlain(view))}`, [
    section(
      `${SIREN} *${request.id}*: *${escapeMrkdwn(request.permissionSet)}* on ${accountList(view, false)} for *${durationText(view)}*, at once.\n${statusText(view)}`,
    ),
    context(
      `This is loud on purpose: a card in ${channels} and the security channel, a message to every approver, a line in the audit channel. An approver reviews it; until then I remind you every ${REMIND}.`,
    ),
  ]);
}

/** What an approver who pressed a review button is told. */
export function reviewAnswer(view: RequestView): SlackMessage {
  const glass = breakGlassOf(view.request);
  const ended = glass?.outcome === 'ended';
  return message(`${view.request.id} ${ended ? 'ended' : 'reviewed'}`, [
    section(
      ended
        ? `:black_square_for_stop: Ending *${view.request.id}* now: the access is removed and its open sessions ended.`
        : `:white_check_mark: Marked *${view.request.id}* reviewed.`,
    ),
  ]);
}
