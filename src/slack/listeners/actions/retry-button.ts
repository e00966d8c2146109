/**
 * Retry, on failed admin work: the admin service continues from the step that failed. The card is redrawn by
 * the service as the steps run; a refusal (not an admin, nothing to retry) goes to the clicker alone.
 */
import { refusalMessage } from '../../blocks/replies.js';
import { NOT_AVAILABLE } from '../commands/admin-subcommands.js';
import type { ButtonArgs, ListenerDeps } from '../deps.js';
import { reportFailure } from '../failure.js';
import { answerPrivately } from './answer.js';

export function retryButton(deps: ListenerDeps): (args: ButtonArgs) => Promise<void> {
  return async (args) => {
    await args.ack();
    const { action, body } = args;
    const requestId = action.value ?? '';
    const log = deps.logger.child({ module: 'slack.action', userId: body.user.id, requestId });
    try {
      if (deps.admin === undefined) {
        await answerPrivately(args, refusalMessage(NOT_AVAILABLE));
        return;
      }
      const outcome = await deps.admin.retry(requestId, body.user.id);
      if (outcome.ok) {
        log.info({ status: outcome.value.request.status }, 'admin work retried');
        return;
      }
      await answerPrivately(args, refusalMessage(outcome.message));
    } catch (err) {
      await reportFailure(
        {
          log,
          listener: 'retry-button',
          userId: body.user.id,
          requestId,
          tell: (m) => answerPrivately(args, m),
        },
        err,
      );
    }
  };
}
