/**
 * What every button on a request shares: ack at once, read the request id from the button (only when its card
 * names the same request: button-click.ts), call the service as
 * the person who clicked, and answer that person alone (the card is redrawn by the service, never here). An
 * unexpected error is reported with a reference instead of being swallowed.
 */
import type { SlackMessage } from '../../blocks/kit.js';
import { refusalMessage } from '../../blocks/replies.js';
import { NOT_THIS_CARD, requestOfClick } from '../../button-click.js';
import type { Logger } from '../../../log.js';
import type { ButtonArgs, ListenerDeps } from '../deps.js';
import { reportFailure } from '../failure.js';
import { answerPrivately } from './answer.js';

export interface ButtonClick {
  requestId: string;
  userId: string;
  log: Logger;
}

/** `run` returns what to tell the clicker, or nothing when the card itself will show the outcome. */
export function requestButton(
  deps: ListenerDeps,
  listener: string,
  run: (click: ButtonClick) => Promise<SlackMessage | undefined>,
): (args: ButtonArgs) => Promise<void> {
  return async (args) => {
    await args.ack();
    const { action, body } = args;
    const requestId = requestOfClick(body, action);
    const log = deps.logger.child({ module: 'slack.action', userId: body.user.id, requestId });
    try {
      if (requestId === undefined) {
        // The button's value names another request than its card: nothing is done, the clicker is told.
        log.warn({ value: action.value, blockId: action.block_id }, 'button does not belong to its card');
        await answerPrivately(args, refusalMessage(NOT_THIS_CARD));
        return;
      }
      const answer = await run({ requestId, userId: body.user.id, log });
      if (answer !== undefined) await answerPrivately(args, answer);
    } catch (err) {
      await reportFailure(
        { log, listener, userId: body.user.id, requestId, tell: (m) => answerPrivately(args, m) },
        err,
      );
    }
  };
}
