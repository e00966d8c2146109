/** The extend modal's submission: re-reads the grant through its request, then asks for the extension. */
import { NOT_THIS_FORM, openedMetadata, readExtendModalMetadata } from '../../blocks/modal-metadata.js';
import { refusalMessage } from '../../blocks/replies.js';
import { submittedMessage } from '../../blocks/requester-messages.js';
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
      acked = true;
      await ack();
      const current = metadata === undefined ? undefined : await deps.access.view(metadata.requestId);
      const grant = current?.grants.find((g) => g.id === metadata?.grantId);
      if (grant === undefined || grant.status !== 'active') {
        await tell(refusalMessage('That access is no longer active, so there is nothing to extend.'));
        return;
      }
      const outcome = await deps.access.requestExtension({
        requesterSlackId: userId,
        permissionSet: grant.permissionSet,
        account: grant.accountAlias,
        ...parsed.value,
      });
      await tell(outcome.ok ? submittedMessage(outcome.value) : refusalMessage(outcome.message));
    } catch (err) {
      if (!acked) await ack();
      await reportFailure({ log, listener: 'extend-modal', userId, tell }, err);
    }
  };
}
