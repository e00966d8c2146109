/** Request access (Home tab): opens the empty request form; its submission is a request like any other. */
import { requestModal } from '../../blocks/request-modal.js';
import type { ButtonArgs, ListenerDeps } from '../deps.js';
import { reportFailure } from '../failure.js';
import { answerPrivately } from './answer.js';

export function requestAccessButton(deps: ListenerDeps): (args: ButtonArgs) => Promise<void> {
  return async (args) => {
    await args.ack();
    const { body, client } = args;
    const log = deps.logger.child({ module: 'slack.action', userId: body.user.id });
    try {
      await client.views.open({
        trigger_id: body.trigger_id,
        view: requestModal({}, deps.access.requestOptions()),
      });
    } catch (err) {
      await reportFailure(
        {
          log,
          listener: 'request-access-button',
          userId: body.user.id,
          tell: (m) => answerPrivately(args, m),
        },
        err,
      );
    }
  };
}
