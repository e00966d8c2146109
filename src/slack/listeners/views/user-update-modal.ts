/**
 * The update form's submission: the person and the Identity Center user it was opened for (from its sealed
 * metadata), and the details as they should be. Recorded before the modal closes (one insert), so that a crash
 * after the ack cannot lose it; then the service says what changes and asks for approval, or why not.
 */
import { clickAnswer } from '../../blocks/click-answer.js';
import { NOT_THIS_FORM, openedMetadata, readAdminModalMetadata } from '../../blocks/modal-metadata.js';
import { readUserUpdateMetadata } from '../../blocks/user-update-modal.js';
import { adminReasonErrors } from '../../content-errors.js';
import { BLOCK } from '../../ids.js';
import { parseUserUpdateModal } from '../../parse-people-modal.js';
import { NOT_AVAILABLE } from '../commands/admin-subcommands.js';
import type { ListenerDeps, ViewSubmissionArgs } from '../deps.js';
import { reportFailure } from '../failure.js';
import { tellWhereTyped } from '../tell.js';

export function userUpdateModalSubmission(deps: ListenerDeps): (args: ViewSubmissionArgs) => Promise<void> {
  return async ({ ack, body, view, client }) => {
    const userId = body.user.id;
    const opened = openedMetadata(view);
    const metadata = readAdminModalMetadata(opened ?? '');
    const { userId: subjectId } = readUserUpdateMetadata(opened ?? '');
    const log = deps.logger.child({ module: 'slack.view', userId, who: metadata.who });
    const tell = tellWhereTyped(client, userId, metadata, log);
    let acked = false;
    const answer = async (errors?: Record<string, string>): Promise<void> => {
      acked = true;
      await (errors === undefined ? ack() : ack({ response_action: 'errors', errors }));
    };
    try {
      const { admin } = deps;
      if (opened === undefined) {
        // A form whose person is not the one it was opened for (and showed) changes nothing.
        log.warn('user update modal whose metadata is not the one it was opened with');
        return await answer({ [BLOCK.email]: NOT_THIS_FORM });
      }
      if (admin === undefined) return await answer({ [BLOCK.email]: NOT_AVAILABLE });
      const { who } = metadata;
      if (who === undefined || subjectId === undefined) {
        return await answer({ [BLOCK.email]: 'Start again with /access user update.' });
      }
      const parsed = parseUserUpdateModal(view.state.values);
      if (!parsed.ok) return await answer(parsed.errors);
      const noReason = adminReasonErrors('user_update', parsed.value.reason, deps.config);
      if (noReason !== undefined) return await answer(noReason);
      const click = await deps.clicks.record({
        action: 'admin',
        userId,
        adminSubmission: { kind: 'user_update', who, userId: subjectId, ...parsed.value },
        ...(metadata.responseUrl !== undefined ? { responseUrl: metadata.responseUrl } : {}),
      });
      await answer();
      const outcome = await deps.clicks.run(click);
      if (outcome.ok) log.info({ requestId: outcome.value.request.id }, 'user update submitted');
      const said = clickAnswer(click, outcome);
      if (said !== undefined) await tell(said);
    } catch (err) {
      if (!acked) await ack();
      await reportFailure({ log, listener: 'user-update-modal', userId, tell }, err);
    }
  };
}
