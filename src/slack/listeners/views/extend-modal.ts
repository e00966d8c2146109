/**
 * The extend modal's submission, when the modal is the one opened for this grant: the extension is recorded
 * (one insert) before the ack closes the modal, then run: the grant is re-read through its request and the
 * extension asked for. A refusal is answered by direct message; an extension asked for, by the running message
 * the notifier posts for it.
 */
import { clickAnswer } from '../../blocks/click-answer.js';
import { NOT_THIS_FORM, openedMetadata, readExtendModalMetadata } from '../../blocks/modal-metadata.js';
import { refusalMessage } from '../../blocks/replies.js';
import { extendContentErrors, type FieldErrors } from '../../content-errors.js';
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
      // What the rules refuse about the content is said on its field, and the form stays open.
      const refused = await extendErrors(deps, metadata, userId, parsed.value);
      if (refused !== undefined) {
        acked = true;
        await ack({ response_action: 'errors', errors: refused });
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
      // Asked: the requester's running message (a direct message the notifier posts) says so; a second
      // direct message saying the same would tell them twice. A refusal is said here, as nothing else says it.
      if (outcome.ok) return;
      const answer = clickAnswer(click, outcome);
      if (answer !== undefined) await tell(answer);
    } catch (err) {
      if (!acked) await ack();
      await reportFailure({ log, listener: 'extend-modal', userId, tell }, err);
    }
  };
}

/** The extension judged by the rules, from the grant as the ledger has it now (one read, no AWS call). */
async function extendErrors(
  deps: ListenerDeps,
  metadata: { requestId: string; grantId: string },
  userId: string,
  extension: Parameters<typeof extendContentErrors>[2],
): Promise<FieldErrors | undefined> {
  const view = await deps.access.view(metadata.requestId);
  const grant = view?.grants.find((g) => g.id === metadata.grantId);
  if (grant === undefined) return undefined;
  return extendContentErrors(grant, userId, extension, deps.config, new Date());
}
