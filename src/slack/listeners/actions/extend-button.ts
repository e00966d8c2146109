/**
 * Extend (on a reminder): opens a small modal to pick how much longer. The button's value is the grant id and
 * its block id names the request, so the grant is re-read from the ledger through the request.
 */
import { extendModal } from '../../blocks/extend-modal.js';
import { refusalMessage } from '../../blocks/replies.js';
import { grantOfClick, NOT_THIS_CARD } from '../../button-click.js';
import { extensionFits, longestExtension } from '../../content-errors.js';
import type { ButtonArgs, ListenerDeps } from '../deps.js';
import { reportFailure } from '../failure.js';
import { answerPrivately } from './answer.js';

export function extendButton(deps: ListenerDeps): (args: ButtonArgs) => Promise<void> {
  return async (args) => {
    await args.ack();
    const { action, body, client } = args;
    const target = grantOfClick(body, action);
    const log = deps.logger.child({ module: 'slack.action', userId: body.user.id, ...target });
    try {
      if (target === undefined) {
        log.warn({ value: action.value, blockId: action.block_id }, 'button does not belong to its message');
        await answerPrivately(args, refusalMessage(NOT_THIS_CARD));
        return;
      }
      const { requestId, grantId } = target;
      const view = await deps.access.view(requestId);
      const grant = view?.grants.find((g) => g.id === grantId);
      if (view === undefined || grant === undefined || grant.status !== 'active') {
        await answerPrivately(
          args,
          refusalMessage(
            'That access is no longer active, so there is nothing to extend. `/access request` it again.',
          ),
        );
        return;
      }
      if (grant.requesterSlackId !== body.user.id) {
        await answerPrivately(args, refusalMessage('Only the person who holds this access can extend it.'));
        return;
      }
      // Only what the rules can allow is offered (the grant's whole length is what they limit).
      const now = new Date();
      const limits = {
        fits: (ms: number) => extensionFits(grant, body.user.id, ms, deps.config, now),
        longestMs: longestExtension(grant, body.user.id, deps.config, now),
      };
      await client.views.open({ trigger_id: body.trigger_id, view: extendModal(view, grant, limits) });
    } catch (err) {
      await reportFailure(
        {
          log,
          listener: 'extend-button',
          userId: body.user.id,
          ...(target !== undefined ? { requestId: target.requestId } : {}),
          tell: (m) => answerPrivately(args, m),
        },
        err,
      );
    }
  };
}
