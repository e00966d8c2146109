/**
 * The approval card in the approvals channel, drawn from a RequestView (read from the ledger, never from the
 * previous message). Buttons carry the request id only and exist only while the request is pending.
 */
import type { RequestView } from '../../access/notifier.js';
import { escapeMrkdwn } from '../../domain/text.js';
import { adminApprovalCard } from './admin-card.js';
import { onCallBlocks, ticketBlocks } from './follow-up-text.js';
import { breakGlassCard } from './break-glass.js';
import { groupFields, startField } from './group-access-text.js';
import { decisionButtons, type CardOptions } from './buttons.js';
import {
  context,
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
  approvalsText,
  durationText,
  grantLine,
  reasonText,
  sessionNote,
  statusText,
  whatPlain,
} from './request-text.js';

// Where they were first defined: the pending list, the Home tab and tests import them from here.
export { decisionButtons, isProductionAlias, type CardOptions } from './buttons.js';

/** Blocks the progress list may use, so that a 60-account request still fits in Slack's 50. */
const PROGRESS_BLOCKS = 20;

export function approvalCard(view: RequestView, options: CardOptions = {}): SlackMessage {
  const admin = adminApprovalCard(view, options);
  if (admin !== undefined) return admin;
  const glass = breakGlassCard(view);
  if (glass !== undefined) return glass;
  const { request } = view;
  const title =
    request.kind === 'extend'
      ? 'Extension request'
      : request.kind === 'group_access'
        ? 'Group membership request'
        : 'Access request';
  const psField = `*Permission set*\n*${escapeMrkdwn(request.permissionSet)}*${
    view.permissionSetDescription !== undefined ? `\n${escapeMrkdwn(view.permissionSetDescription)}` : ''
  }`;
  // A group membership shows the group and what it carries instead of a permission set and accounts.
  const target = groupFields(view) ?? [psField, `*Accounts*\n${accountList(view)}`];
  const start = startField(request);
  const blocks: Block[] = [
    header(`${title} ${request.id}`),
    fields([
      `*Requester*\n${who(request.requesterSlackId)}`,
      ...target,
      `*${request.kind === 'extend' ? 'Extension' : 'Duration'}*\n${durationText(view)}`,
      ...(start !== undefined ? [start] : []),
    ]),
    section(`*Reason*\n${reasonText(view)}`),
    ...ticketBlocks(request),
    ...onCallBlocks(request),
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
