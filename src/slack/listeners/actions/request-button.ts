/**
 * What every button on a request shares: read the request id from the button, only when its card names the
 * same request (button-click.ts; a button that does not belong to its card is refused privately and nothing is
 * recorded), record the click (one insert) before Slack hears it arrived, ack, then run it as the person who
 * clicked and answer that person alone (the card is redrawn by the service, never here). A crash after the ack
 * loses nothing: the job runner runs the recorded click after the restart (src/access/clicks.ts). An
 * unexpected error is reported with a reference instead of being swallowed.
 */
import type { Click, ClickAction } from '../../../access/click-api.js';
import { clickAnswer } from '../../blocks/click-answer.js';
import { refusalMessage } from '../../blocks/replies.js';
import { NOT_THIS_CARD, requestOfClick } from '../../button-click.js';
import type { ButtonArgs, ListenerDeps } from '../deps.js';
import { reportFailure } from '../failure.js';
import { answerPrivately } from './answer.js';

export function requestButton(
  deps: ListenerDeps,
  listener: string,
  action: ClickAction,
): (args: ButtonArgs) => Promise<void> {
  return async (args) => {
    const { action: button, body } = args;
    const requestId = requestOfClick(body, button);
    const userId = body.user.id;
    const log = deps.logger.child({ module: 'slack.action', userId, requestId });
    const failed = (err: unknown) =>
      reportFailure({ log, listener, userId, requestId, tell: (m) => answerPrivately(args, m) }, err);
    if (requestId === undefined) {
      await args.ack();
      // The button's value names another request than its card: nothing is done, the clicker is told.
      log.warn({ value: button.value, blockId: button.block_id }, 'button does not belong to its card');
      try {
        await answerPrivately(args, refusalMessage(NOT_THIS_CARD));
      } catch (err) {
        await failed(err);
      }
      return;
    }
    let click: Click;
    try {
      click = await deps.clicks.record({
        action,
        requestId,
        userId,
        ...(body.response_url !== undefined && body.response_url !== ''
          ? { responseUrl: body.response_url }
          : {}),
      });
    } catch (err) {
      await args.ack();
      await failed(err);
      return;
    }
    await args.ack();
    try {
      const outcome = await deps.clicks.run(click);
      if (outcome.ok) log.info({ action, status: outcome.value.request.status }, 'click done');
      const answer = clickAnswer(click, outcome);
      if (answer !== undefined) await answerPrivately(args, answer);
    } catch (err) {
      await failed(err);
    }
  };
}
