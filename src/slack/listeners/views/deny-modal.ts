/**
 * The deny modal's submission: the reason is required, and the modal must be the one opened for this request.
 * The denial is recorded (one insert) before the ack closes the modal, then run; the refusal, if any, goes to
 * the approver alone.
 */
import type { Click } from '../../../access/click-api.js';
import { NOT_THIS_FORM, openedMetadata } from '../../blocks/modal-metadata.js';
import { refusalMessage } from '../../blocks/replies.js';
import { BLOCK } from '../../ids.js';
import { parseDenyModal } from '../../parse-modal.js';
import type { ListenerDeps, ViewSubmissionArgs } from '../deps.js';
import { reportFailure } from '../failure.js';
import { tellPrivately } from '../tell.js';

export function denyModalSubmission(deps: ListenerDeps): (args: ViewSubmissionArgs) => Promise<void> {
  return async ({ ack, body, view, client }) => {
    const userId = body.user.id;
    const requestId = openedMetadata(view);
    const log = deps.logger.child({ module: 'slack.view', userId, requestId });
    let channel: string | undefined;
    let acked = false;
    try {
      if (requestId === undefined || requestId === '') {
        // The modal says another request than the one it was opened for: nothing is denied.
        log.warn('deny modal whose metadata is not the one it was opened with');
        acked = true;
        await ack({ response_action: 'errors', errors: { [BLOCK.denyReason]: NOT_THIS_FORM } });
        return;
      }
      const parsed = parseDenyModal(view.state.values);
      if (!parsed.ok) {
        acked = true;
        await ack({ response_action: 'errors', errors: parsed.errors });
        return;
      }
      // Kept before Slack closes the modal: a crash after the ack cannot lose the denial.
      const click: Click = await deps.clicks.record({
        action: 'deny',
        requestId,
        userId,
        reason: parsed.value,
      });
      acked = true;
      await ack();
      const outcome = await deps.clicks.run(click);
      if (outcome.ok) {
        log.info('denied');
        return;
      }
      channel = (await deps.access.view(requestId))?.request.channel;
      await tellPrivately(client, userId, refusalMessage(outcome.message), channel);
    } catch (err) {
      if (!acked) await ack();
      await reportFailure(
        {
          log,
          listener: 'deny-modal',
          userId,
          requestId,
          tell: (m) => tellPrivately(client, userId, m, channel),
        },
        err,
      );
    }
  };
}
