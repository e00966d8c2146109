/** Cancel: the requester withdraws a pending request. */
import { noticeMessage, refusalMessage } from '../../blocks/replies.js';
import { escapeMrkdwn } from '../../../domain/text.js';
import type { ButtonArgs, ListenerDeps } from '../deps.js';
import { requestButton } from './request-button.js';

export function cancelButton(deps: ListenerDeps): (args: ButtonArgs) => Promise<void> {
  return requestButton(deps, 'cancel-button', async ({ requestId, userId }) => {
    const outcome = await deps.access.cancel(requestId, userId);
    return outcome.ok
      ? noticeMessage(`Cancelled ${escapeMrkdwn(requestId)}.`)
      : refusalMessage(outcome.message);
  });
}
