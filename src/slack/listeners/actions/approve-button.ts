/** Approve: the id on the button and the person who clicked; the card is redrawn by the service, not here. */
import { refusalMessage } from '../../blocks/replies.js';
import type { ButtonArgs, ListenerDeps } from '../deps.js';
import { reportFailure } from '../failure.js';
import { answerPrivately } from './answer.js';

export function approveButton(deps: ListenerDeps): (args: ButtonArgs) => Promise<void> {
  return async (args) => {
    await args.ack();
    const { action, body } = args;
    const requestId = action.value ?? '';
    const log = deps.logger.child({ module: 'slack.action', userId: body.user.id, requestId });
    try {
      const outcome = await deps.access.approve(requestId, body.user.id);
      if (outcome.ok) {
        log.info({ status: outcome.value.request.status }, 'approved');
        return;
      }
      // A refusal goes to the clicker alone; the card stays as the ledger draws it.
      await answerPrivately(args, refusalMessage(outcome.message));
    } catch (err) {
      await reportFailure(
        {
          log,
          listener: 'approve-button',
          userId: body.user.id,
          requestId,
          tell: (m) => answerPrivately(args, m),
        },
        err,
      );
    }
  };
}
