/**
 * The request modal's submission: field errors go back into the modal; otherwise record the submission (one
 * insert, so a crash after the modal closes cannot lose it), ack (the modal closes), submit, and answer where
 * the command was typed (its response_url), or by direct message.
 */
import type { SlackMessage } from '../../blocks/kit.js';
import { clickAnswer } from '../../blocks/click-answer.js';
import { NOT_THIS_FORM, openedMetadata, readRequestModalMetadata } from '../../blocks/modal-metadata.js';
import { plainError, requestContentErrors } from '../../content-errors.js';
import { BLOCK } from '../../ids.js';
import { parseRequestModal } from '../../parse-modal.js';
import type { ListenerDeps, ViewSubmissionArgs } from '../deps.js';
import { reportFailure } from '../failure.js';
import { directMessage, postToResponseUrl } from '../tell.js';

export function requestModalSubmission(deps: ListenerDeps): (args: ViewSubmissionArgs) => Promise<void> {
  return async ({ ack, body, view, client }) => {
    const userId = body.user.id;
    const log = deps.logger.child({ module: 'slack.view', userId });
    const opened = openedMetadata(view);
    const metadata = readRequestModalMetadata(opened ?? '');
    const tell = async (msg: SlackMessage): Promise<void> => {
      if (metadata.responseUrl !== undefined) {
        try {
          await postToResponseUrl(metadata.responseUrl, msg);
          return;
        } catch (err) {
          // Expired (30 min, 5 answers): the DM still reaches them.
          log.warn({ err }, 'response_url refused the answer; sending a direct message');
        }
      }
      await directMessage(client, userId, msg);
    };
    let acked = false;
    try {
      if (opened === undefined) {
        // Where to answer was changed after the modal was opened: nothing is submitted, nothing is sent there.
        log.warn('request modal whose metadata is not the one it was opened with');
        acked = true;
        await ack({ response_action: 'errors', errors: { [BLOCK.permissionSet]: NOT_THIS_FORM } });
        return;
      }
      const parsed = parseRequestModal(view.state.values, userId, deps.access.requestOptions());
      if (!parsed.ok) {
        acked = true;
        await ack({ response_action: 'errors', errors: parsed.errors });
        return;
      }
      // A start that cannot be, said under the start day (the service reads it again with its clock).
      const start = parsed.value.when === undefined ? undefined : deps.access.checkStart?.(parsed.value.when);
      if (start !== undefined && !start.ok) {
        acked = true;
        await ack({ response_action: 'errors', errors: { [BLOCK.startDate]: plainError(start.message) } });
        return;
      }
      // What the rules refuse about the content is said on its field, and the form stays open.
      const refused = requestContentErrors(parsed.value, deps.config);
      if (refused !== undefined) {
        acked = true;
        await ack({ response_action: 'errors', errors: refused });
        return;
      }
      const { requesterSlackId: _self, ...submission } = parsed.value;
      const click = await deps.clicks.record({
        action: 'request',
        userId,
        submission,
        ...(metadata.responseUrl !== undefined ? { responseUrl: metadata.responseUrl } : {}),
      });
      acked = true;
      await ack();
      const outcome = await deps.clicks.run(click);
      if (outcome.ok) log.info({ requestId: outcome.value.request.id }, 'access request submitted');
      const answer = clickAnswer(click, outcome);
      if (answer !== undefined) await tell(answer);
    } catch (err) {
      if (!acked) await ack();
      await reportFailure({ log, listener: 'request-modal', userId, tell }, err);
    }
  };
}
