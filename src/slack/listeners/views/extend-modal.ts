/**
 * The extend modal's submission, when the modal is the one opened for this grant: the extension is recorded
 * (one insert) before the ack closes the modal, then run: the grant is re-read through its request and the
 * extension asked for. The answer goes by direct message.
 */
import { clickAnswer } from '../../blocks/click-answer.js';
import { NOT_THIS_FORM, openedMetadata, readExtendModalMetadata } from '../../blocks/modal-metadata.js';
import { refusalMessage } from '../../blocks/replies.js';
import { BLOCK } from '../../ids.js';
import { parseExtendModal } from '../../parse-modal.js';
import type { ListenerDeps, ViewSubmissionArgs } from '../deps.js';
import { reportFailure } from '../failure.js';
import { directMessage } from '../tell.js';

export function extendModalSubmission(deps: ListenerDeps): (args: ViewSubmissionArgs) => Promise<void> {
  return async ({ ack, body, view, client }) => {
    const userId = body.user.id;
    const opened = openedMetadata(view);
    const metadata = opened === undefined ? undefined : readExtendModalMetadata(opened);
    const log = deps.logger.child({ module: 'slack.view', userId, requestId: metadata?.requestId });
    const tell = (msg: Parameters<typeof directMessage>[2]) => directMessage(client, userId, msg);
    let acked = false;
    try {
      if (opened === undefined) {
        log.warn('extend modal whose metadata is not the one it was opened with');
        acked = true;
        await ack({ response_action: 'errors', errors: { [BLOCK.extension]: NOT_THIS_FORM } });
        return;
      }
      const parsed = parseExtendModal(view.state.values);
      if (!parsed.ok) {
        acked = true;
        await ack({ response_action: 'errors', errors: parsed.errors });
        return;
      }
      if (metadata === undefined) {
        acked = true;
        await ack();
        await tell(refusalMessage('That access is no longer active, so there is nothing to extend.'));
        return;
      }
      // Kept before Slack closes the modal: a crash after the ack cannot lose the extension.
      const click = await deps.clicks.record({
        action: 'extend',
        requestId: metadata.requestId,
        userId,
        extension: { grantId: metadata.grantId, ...parsed.value },
      });
      acked = true;
      await ack();
      const outcome = await deps.clicks.run(click);
      const answer = clickAnswer(click, outcome);
      if (answer !== undefined) await tell(answer);
    } catch (err) {
      if (!acked) await ack();
      await reportFailure({ log, listener: 'extend-modal', userId, tell }, err);
    }
  };
}
