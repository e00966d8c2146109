/**
 * Extend (on a reminder): opens a small modal to pick how much longer. The button's value is the grant id and
 * its block id names the request, so the grant is re-read from the ledger through the request.
 */
import { extendModal } from '../../blocks/extend-modal.js';
import { refusalMessage } from '../../blocks/replies.js';
import { requestIdOfExtendBlock } from '../../ids.js';
import type { ButtonArgs, ListenerDeps } from '../deps.js';
import { reportFailure } from '../failure.js';
import { answerPrivately } from './answer.js';

export function extendButton(deps: ListenerDeps): (args: ButtonArgs) => Promise<void> {
  return async (args) => {
    await args.ack();
    const { action, body, client } = args;
    const grantId = action.value ?? '';
    const requestId = requestIdOfExtendBlock(action.block_id);
    const log = deps.logger.child({ module: 'slack.action', userId: body.user.id, requestId, grantId });
    try {
      const view = requestId === undefined ? undefined : await deps.access.view(requestId);
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
      await client.views.open({ trigger_id: body.trigger_id, view: extendModal(view, grant) });
    } catch (err) {
      await reportFailure(
        {
          log,
          listener: 'extend-button',
          userId: body.user.id,
          requestId,
          tell: (m) => answerPrivately(args, m),
        },
        err,
      );
    }
  };
}
