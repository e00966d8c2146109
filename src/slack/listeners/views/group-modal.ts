/**
 * The group change modal's submission: the reason, for the person, group and action it previewed. A modal whose
 * metadata is not the one it was opened with (sealed into its blocks) changes nothing; a submission is recorded
 * as a click before the modal closes, so a crash after the ack cannot lose it.
 */
import { clickAnswer } from '../../blocks/click-answer.js';
import { readGroupModalMetadata } from '../../blocks/group-modal.js';
import { NOT_THIS_FORM, openedMetadata } from '../../blocks/modal-metadata.js';
import { adminReasonErrors } from '../../content-errors.js';
import { BLOCK } from '../../ids.js';
import { parseRoleChangeModal } from '../../parse-admin-modal.js';
import { GROUPS_NOT_AVAILABLE } from '../commands/group-subcommand.js';
import type { ListenerDeps, ViewSubmissionArgs } from '../deps.js';
import { reportFailure } from '../failure.js';
import { tellWhereTyped } from '../tell.js';

export function groupChangeModalSubmission(deps: ListenerDeps): (args: ViewSubmissionArgs) => Promise<void> {
  return async ({ ack, body, view, client }) => {
    const userId = body.user.id;
    const opened = openedMetadata(view);
    const metadata = readGroupModalMetadata(opened ?? '');
    const log = deps.logger.child({ module: 'slack.view', userId, who: metadata.who, group: metadata.group });
    const tell = tellWhereTyped(client, userId, metadata, log);
    let acked = false;
    const refuse = async (message: string) => {
      acked = true;
      await ack({ response_action: 'errors', errors: { [BLOCK.reason]: message } });
    };
    try {
      if (opened === undefined) {
        log.warn('group change modal whose metadata is not the one it was opened with');
        await refuse(NOT_THIS_FORM);
        return;
      }
      // The same reason field as the role change's: optional, at most LIMITS.reason characters.
      const parsed = parseRoleChangeModal(view.state.values);
      if (!parsed.ok) {
        acked = true;
        await ack({ response_action: 'errors', errors: parsed.errors });
        return;
      }
      const { admin } = deps;
      const { who, group, groupId, action } = metadata;
      if (admin === undefined) {
        await refuse(GROUPS_NOT_AVAILABLE);
        return;
      }
      if (who === undefined || group === undefined || action === undefined) {
        await refuse('Start again with /access group add or /access group remove.');
        return;
      }
      const noReason = adminReasonErrors('group_change', parsed.value.reason, deps.config);
      if (noReason !== undefined) {
        acked = true;
        await ack({ response_action: 'errors', errors: noReason });
        return;
      }
      const click = await deps.clicks.record({
        action: 'admin',
        userId,
        adminSubmission: {
          kind: 'group_change',
          who,
          group,
          ...(groupId !== undefined ? { groupId } : {}),
          action,
          ...parsed.value,
        },
        ...(metadata.responseUrl !== undefined ? { responseUrl: metadata.responseUrl } : {}),
      });
      acked = true;
      await ack();
      const outcome = await deps.clicks.run(click);
      if (outcome.ok) log.info({ requestId: outcome.value.request.id }, 'group change submitted');
      const said = clickAnswer(click, outcome);
      if (said !== undefined) await tell(said);
    } catch (err) {
      if (!acked) await ack();
      await reportFailure({ log, listener: 'group-change-modal', userId, tell }, err);
    }
  };
}
