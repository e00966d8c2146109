/** The offboarding modal's submission: the reason and the legacy IAM choice, for the person it previewed. */
import { NOT_THIS_FORM, openedMetadata, readAdminModalMetadata } from '../../blocks/modal-metadata.js';
import { refusalMessage } from '../../blocks/replies.js';
import { submittedMessage } from '../../blocks/requester-messages.js';
import { BLOCK } from '../../ids.js';
import { parseOffboardModal } from '../../parse-admin-modal.js';
import { NOT_AVAILABLE } from '../commands/admin-subcommands.js';
import type { ListenerDeps, ViewSubmissionArgs } from '../deps.js';
import { reportFailure } from '../failure.js';
import { tellWhereTyped } from '../tell.js';

export function offboardModalSubmission(deps: ListenerDeps): (args: ViewSubmissionArgs) => Promise<void> {
  return async ({ ack, body, view, client }) => {
    const userId = body.user.id;
    const opened = openedMetadata(view);
    const metadata = readAdminModalMetadata(opened ?? '');
    const log = deps.logger.child({ module: 'slack.view', userId, who: metadata.who });
    const tell = tellWhereTyped(client, userId, metadata, log);
    let acked = false;
    try {
      const parsed = parseOffboardModal(view.state.values);
      if (!parsed.ok) {
        acked = true;
        await ack({ response_action: 'errors', errors: parsed.errors });
        return;
      }
      const { admin } = deps;
      if (admin === undefined || opened === undefined || metadata.who === undefined) {
        // A modal whose person is not the one it was opened for (and previewed) offboards no one.
        if (opened === undefined)
          log.warn('offboarding modal whose metadata is not the one it was opened with');
        acked = true;
        await ack({
          response_action: 'errors',
          errors: {
            [BLOCK.reason]:
              admin === undefined
                ? NOT_AVAILABLE
                : opened === undefined
                  ? NOT_THIS_FORM
                  : 'Start again with /access offboard.',
          },
        });
        return;
      }
      acked = true;
      await ack();
      const outcome = await admin.submitOffboarding(userId, { who: metadata.who, ...parsed.value });
      if (outcome.ok) log.info({ requestId: outcome.value.request.id }, 'offboarding submitted');
      await tell(outcome.ok ? submittedMessage(outcome.value) : refusalMessage(outcome.message));
    } catch (err) {
      if (!acked) await ack();
      await reportFailure({ log, listener: 'offboard-modal', userId, tell }, err);
    }
  };
}
