/** Deny: asks the approver why, in a modal, unless a fresh look shows they cannot decide anyway. */
import { denyModal } from '../../blocks/deny-modal.js';
import { cannotDecide, refusalMessage } from '../../blocks/replies.js';
import { NOT_THIS_CARD, requestOfClick } from '../../button-click.js';
import type { ButtonArgs, ListenerDeps } from '../deps.js';
import { reportFailure } from '../failure.js';
import { answerPrivately } from './answer.js';

export function denyButton(deps: ListenerDeps): (args: ButtonArgs) => Promise<void> {
  return async (args) => {
    await args.ack();
    const { action, body, client } = args;
    const requestId = requestOfClick(body, action);
    const log = deps.logger.child({ module: 'slack.action', userId: body.user.id, requestId });
    try {
      if (requestId === undefined) {
        log.warn({ value: action.value, blockId: action.block_id }, 'button does not belong to its card');
        await answerPrivately(args, refusalMessage(NOT_THIS_CARD));
        return;
      }
      // One ledger read, well inside the trigger_id's 3 s.
      const view = await deps.access.view(requestId);
      const refusal = cannotDecide(view, requestId, body.user.id);
      if (refusal !== undefined || view === undefined) {
        await answerPrivately(args, refusalMessage(refusal ?? 'Request not found.'));
        return;
      }
      await client.views.open({ trigger_id: body.trigger_id, view: denyModal(view) });
    } catch (err) {
      await reportFailure(
        {
          log,
          listener: 'deny-button',
          userId: body.user.id,
          requestId,
          tell: (m) => answerPrivately(args, m),
        },
        err,
      );
    }
  };
}
