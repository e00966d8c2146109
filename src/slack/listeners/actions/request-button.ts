/**
 * What every button on a request shares: read the request id from the button, record the click (one insert)
 * before Slack hears it arrived, ack, then run it as the person who clicked and answer that person alone (the
 * card is redrawn by the service, never here). A crash after the ack loses nothing: the job runner runs the
 * recorded click after the restart (src/access/clicks.ts). An unexpected error is reported with a reference
 * instead of being swallowed.
 */
import type { Click, ClickAction } from '../../../access/click-api.js';
import { clickAnswer } from '../../blocks/click-answer.js';
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
    const requestId = button.value ?? '';
    const userId = body.user.id;
    const log = deps.logger.child({ module: 'slack.action', userId, requestId });
    const failed = (err: unknown) =>
      reportFailure({ log, listener, userId, requestId, tell: (m) => answerPrivately(args, m) }, err);
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
