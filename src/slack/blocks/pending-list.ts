/** `/access pending`: my open requests (with Cancel) and the requests waiting for me (with Approve and Deny). */
import type { RequestView } from '../../access/notifier.js';
import { decisionButtons, type CardOptions } from './approval-card.js';
import { context, divider, header, message, section, who, type Block, type SlackMessage } from './kit.js';
import { cancelButton } from './requester-messages.js';
import { approvalsText, reasonText, statusText, whatText } from './request-text.js';

/** Items per list: two blocks each, so both lists and their headings stay inside Slack's 50 blocks. */
const MAX_ITEMS = 10;

function more(count: number): Block[] {
  return count > MAX_ITEMS ? [context(`…and ${count - MAX_ITEMS} more not shown.`)] : [];
}

export function pendingList(
  lists: { mine: RequestView[]; awaitingMe: RequestView[] },
  options: CardOptions = {},
): SlackMessage {
  const { mine, awaitingMe } = lists;
  if (mine.length === 0 && awaitingMe.length === 0) {
    return message('Nothing pending', [
      section('Nothing pending: you have no open requests, and none are waiting for your approval.'),
    ]);
  }
  const blocks: Block[] = [header('Pending')];
  blocks.push(
    section(mine.length === 0 ? '*Your open requests:* none' : `*Your open requests (${mine.length})*`),
  );
  for (const view of mine.slice(0, MAX_ITEMS)) {
    blocks.push(section(`*${view.request.id}* ${whatText(view)}\n${statusText(view)}`));
    // A request approved ahead of time can be cancelled until its start.
    if (view.request.status === 'pending' || view.request.status === 'scheduled')
      blocks.push(cancelButton(view.request.id));
  }
  blocks.push(...more(mine.length), divider());
  blocks.push(
    section(
      awaitingMe.length === 0
        ? '*Waiting for your approval:* none'
        : `*Waiting for your approval (${awaitingMe.length})*`,
    ),
  );
  for (const view of awaitingMe.slice(0, MAX_ITEMS)) {
    blocks.push(
      section(
        `*${view.request.id}* ${who(view.request.requesterSlackId)} asks for ${whatText(view)}\n${reasonText(view, 500)}\n_${approvalsText(view)}_`,
      ),
    );
    blocks.push(decisionButtons(view, options));
  }
  blocks.push(...more(awaitingMe.length));
  return message(
    `${mine.length} open request(s) of yours, ${awaitingMe.length} waiting for your approval`,
    blocks,
  );
}
