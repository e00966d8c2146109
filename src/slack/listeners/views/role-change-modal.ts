/** The role-change modal's submission: the person and role it previewed, and the reason if one was given. */
import { clickAnswer } from '../../blocks/click-answer.js';
import { NOT_THIS_FORM, openedMetadata, readAdminModalMetadata } from '../../blocks/modal-metadata.js';
import { adminReasonErrors } from '../../content-errors.js';
import { BLOCK } from '../../ids.js';
import { parseRoleChangeModal } from '../../parse-admin-modal.js';
import { NOT_AVAILABLE } from '../commands/admin-subcommands.js';
import type { ListenerDeps, ViewSubmissionArgs } from '../deps.js';
import { reportFailure } from '../failure.js';
import { tellWhereTyped } from '../tell.js';

export function roleChangeModalSubmission(deps: ListenerDeps): (args: ViewSubmissionArgs) => Promise<void> {
  return async ({ ack, body, view, client }) => {
    const userId = body.user.id;
    const opened = openedMetadata(view);
    const metadata = readAdminModalMetadata(opened ?? '');
    const log = deps.logger.child({ module: 'slack.view', userId, who: metadata.who });
    const tell = tellWhereTyped(client, userId, metadata, log);
    let acked = false;
    try {
      const parsed = parseRoleChangeModal(view.state.values);
      const { admin } = deps;
      const { who, role } = metadata;
      if (opened === undefined) {
        // A modal whose person or role is not the one it was opened for (and showed) changes nothing.
        log.warn('role-change modal whose metadata is not the one it was opened with');
        acked = true;
        await ack({ response_action: 'errors', errors: { [BLOCK.reason]: NOT_THIS_FORM } });
        return;
      }
      if (!parsed.ok || admin === undefined || who === undefined || role === undefined) {
        acked = true;
        await ack({
          response_action: 'errors',
          errors: parsed.ok
            ? { [BLOCK.reason]: admin === undefined ? NOT_AVAILABLE : 'Start again with /access role.' }
            : parsed.errors,
        });
        return;
      }
      const noReason = adminReasonErrors('role_change', parsed.value.reason, deps.config);
      if (noReason !== undefined) {
        acked = true;
        await ack({ response_action: 'errors', errors: noReason });
        return;
      }
      // Recorded before the modal closes: a crash after the ack cannot lose the role change.
      const click = await deps.clicks.record({
        action: 'admin',
        userId,
        adminSubmission: { kind: 'role_change', who, role, ...parsed.value },
        ...(metadata.responseUrl !== undefined ? { responseUrl: metadata.responseUrl } : {}),
      });
      acked = true;
      await ack();
      const outcome = await deps.clicks.run(click);
      if (outcome.ok) log.info({ requestId: outcome.value.request.id }, 'role change submitted');
      const said = clickAnswer(click, outcome);
      if (said !== undefined) await tell(said);
    } catch (err) {
      if (!acked) await ack();
      await reportFailure({ log, listener: 'role-change-modal', userId, tell }, err);
    }
  };
}
