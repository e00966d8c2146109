/** The offboarding modal's submission: the reason and the legacy IAM choice, for the person it previewed. */
import { clickAnswer } from '../../blocks/click-answer.js';
import { NOT_THIS_FORM, openedMetadata, readAdminModalMetadata } from '../../blocks/modal-metadata.js';
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
      // Recorded before the modal closes: a crash after the ack cannot lose the offboarding.
      const click = await deps.clicks.record({
        action: 'admin',
        userId,
        adminSubmission: { kind: 'offboard', who: metadata.who, ...parsed.value },
        ...(metadata.responseUrl !== undefined ? { responseUrl: metadata.responseUrl } : {}),
      });
      acked = true;
      await ack();
      const outcome = await deps.clicks.run(click);
      if (outcome.ok) log.info({ requestId: outcome.value.request.id }, 'offboarding submitted');
      const said = clickAnswer(click, outcome);
      if (said !== undefined) await tell(said);
    } catch (err) {
      if (!acked) await ack();
      await reportFailure({ log, listener: 'offboard-modal', userId, tell }, err);
    }
  };
}
