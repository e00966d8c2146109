/**
 * Release (Home tab, the "granted" message): the holder ends their own grant now. The button's value is the grant
 * and its block names the request (button-click.ts), so a click re-reads both from the ledger; only the person
 * who holds the grant may release it (a tampered value naming someone else's grant, or someone else pressing a
 * button shown to the holder, is refused and nothing changes). The release is a revoke of one's own access,
 * recorded (one insert) before the ack, like `/access revoke`.
 */
import type { Click } from '../../../access/click-api.js';
import { clickAnswer } from '../../blocks/click-answer.js';
import { refusalMessage } from '../../blocks/replies.js';
import { grantOfClick, NOT_THIS_CARD } from '../../button-click.js';
import type { ButtonArgs, ListenerDeps } from '../deps.js';
import { reportFailure } from '../failure.js';
import { answerPrivately } from './answer.js';

export const NOT_YOURS = 'Only the person who holds this access can release it, so nothing was done.';

export function releaseButton(deps: ListenerDeps): (args: ButtonArgs) => Promise<void> {
  return async (args) => {
    const { action, body } = args;
    const userId = body.user.id;
    const target = grantOfClick(body, action);
    const log = deps.logger.child({ module: 'slack.action', userId, ...target });
    let acked = false;
    const refuse = async (why: string): Promise<void> => {
      acked = true;
      await args.ack();
      await answerPrivately(args, refusalMessage(why));
    };
    try {
      if (target === undefined) {
        log.warn(
          { value: action.value, blockId: action.block_id },
          'release button does not belong to its message',
        );
        await refuse(NOT_THIS_CARD);
        return;
      }
      const view = await deps.access.view(target.requestId);
      const grant = view?.grants.find((g) => g.id === target.grantId);
      if (grant !== undefined && grant.requesterSlackId !== userId) {
        log.warn(
          { holder: grant.requesterSlackId },
          'release pressed by someone who does not hold the grant',
        );
        await refuse(NOT_YOURS);
        return;
      }
      if (grant === undefined || grant.status !== 'active') {
        await refuse('That access is no longer active, so there is nothing to release.');
        return;
      }
      const click: Click = await deps.clicks.record({
        action: 'revoke',
        userId,
        revocation:
          grant.group !== undefined
            ? { permissionSet: '', account: '', group: grant.group.name }
            : { permissionSet: grant.permissionSet, account: grant.accountAlias },
        ...(body.response_url !== undefined && body.response_url !== ''
          ? { responseUrl: body.response_url }
          : {}),
      });
      acked = true;
      await args.ack();
      const outcome = await deps.clicks.run(click);
      if (outcome.ok) log.info({ grantId: grant.id }, 'grant released by its holder');
      const answer = clickAnswer(click, outcome);
      if (answer !== undefined) await answerPrivately(args, answer);
    } catch (err) {
      if (!acked) await args.ack();
      await reportFailure(
        {
          log,
          listener: 'release-button',
          userId,
          ...(target !== undefined ? { requestId: target.requestId } : {}),
          tell: (m) => answerPrivately(args, m),
        },
        err,
      );
    }
  };
}
