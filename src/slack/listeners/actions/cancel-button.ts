/** Cancel: the requester withdraws a pending request. */
import { noticeMessage, refusalMessage } from '../../blocks/replies.js';
import { escapeMrkdwn } from '../../../domain/text.js';
import type { ButtonArgs, ListenerDeps } from '../deps.js';
import { reportFailure } from '../failure.js';
import { answerPrivately } from './answer.js';

export function cancelButton(deps: ListenerDeps): (args: ButtonArgs) => Promise<void> {
  return async (args) => {
    await args.ack();
    const { action, body } = args;
    const requestId = action.value ?? '';
    const log = deps.logger.child({ module: 'slack.action', userId: body.user.id, requestId });
    try {
      const outcome = await deps.access.cancel(requestId, body.user.id);
      await answerPrivately(
        args,
        outcome.ok ? noticeMessage(`Cancelled ${escapeMrkdwn(requestId)}.`) : refusalMessage(outcome.message),
      );
    } catch (err) {
      await reportFailure(
        {
          log,
          listener: 'cancel-button',
          userId: body.user.id,
          requestId,
          tell: (m) => answerPrivately(args, m),
        },
        err,
      );
    }
  };
}
