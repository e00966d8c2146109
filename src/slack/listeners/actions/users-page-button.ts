/**
 * Previous / Next on the user listing: the button carries the page number only; the page is read again from
 * the insight service (which keeps the listing for a short while) and replaces the message in place.
 */
import { refusalMessage } from '../../blocks/replies.js';
import { NOT_THIS_CARD, pageOfClick } from '../../button-click.js';
import { usersMessage } from '../../blocks/users-message.js';
import { INSIGHT_NOT_AVAILABLE } from '../commands/insight-subcommands.js';
import type { ButtonArgs, ListenerDeps } from '../deps.js';
import { reportFailure } from '../failure.js';
import { answerPrivately } from './answer.js';

export function usersPageButton(deps: ListenerDeps): (args: ButtonArgs) => Promise<void> {
  return async (args) => {
    await args.ack();
    const { action, body } = args;
    const page = pageOfClick(body, action);
    const log = deps.logger.child({ module: 'slack.action', userId: body.user.id, page });
    try {
      if (page === undefined) {
        log.warn(
          { value: action.value, blockId: action.block_id },
          'pager button does not belong to its message',
        );
        await answerPrivately(args, refusalMessage(NOT_THIS_CARD));
        return;
      }
      if (deps.insight === undefined) {
        await answerPrivately(args, refusalMessage(INSIGHT_NOT_AVAILABLE));
        return;
      }
      const outcome = await deps.insight.users(body.user.id, page);
      if (!outcome.ok) {
        await answerPrivately(args, refusalMessage(outcome.message));
        return;
      }
      const msg = usersMessage(outcome.value);
      await args.respond({
        response_type: 'ephemeral',
        replace_original: true,
        text: msg.text,
        blocks: msg.blocks,
      });
    } catch (err) {
      await reportFailure(
        { log, listener: 'users-page-button', userId: body.user.id, tell: (m) => answerPrivately(args, m) },
        err,
      );
    }
  };
}
