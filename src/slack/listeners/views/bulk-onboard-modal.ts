/**
 * The bulk onboarding forms. The CSV form's submission is answered with the preview in the same modal (or a
 * waiting modal, replaced by the preview, when reading and checking the file outlives Slack's 3 s); a file the
 * service refuses outright (not a CSV, too large) is said on the file field. The preview's submission is
 * recorded before the modal closes (one insert, so a crash after the ack cannot lose it), then asks for
 * approval, and the admin is told where they typed `/access onboard`.
 */
import type { Outcome } from '../../../access/api.js';
import type { BulkPreview } from '../../../access/bulk-api.js';
import { bulkPreviewModal, type BulkModalMetadata } from '../../blocks/bulk-onboard.js';
import { clickAnswer } from '../../blocks/click-answer.js';
import { NOT_THIS_FORM, openedMetadata, readRequestModalMetadata } from '../../blocks/modal-metadata.js';
import { refusedModal, waitingModal } from '../../blocks/wait-modal.js';
import { BLOCK } from '../../ids.js';
import { parseBulkFileModal, readBulkModalMetadata } from '../../parse-bulk.js';
import { plainFromSlack } from '../../slack-text.js';
import { truncate } from '../../../domain/text.js';
import { settleWithin, SLACK_BUDGET_MS } from '../deadline.js';
import type { ListenerDeps, ViewSubmissionArgs } from '../deps.js';
import { reportFailure } from '../failure.js';
import { tellWhereTyped } from '../tell.js';

const TITLE = 'Bulk onboarding';
const NOT_AVAILABLE = 'Bulk onboarding is not available in this deployment.';

export function bulkFileModalSubmission(deps: ListenerDeps): (args: ViewSubmissionArgs) => Promise<void> {
  return async ({ ack, body, view, client }) => {
    const userId = body.user.id;
    const opened = openedMetadata(view);
    const where = readRequestModalMetadata(opened ?? '');
    const log = deps.logger.child({ module: 'slack.view', userId, listener: 'bulk-file-modal' });
    const tell = tellWhereTyped(client, userId, where, log);
    let acked = false;
    const answer = async (response?: Parameters<typeof ack>[0]): Promise<void> => {
      acked = true;
      await ack(response);
    };
    try {
      const { bulk } = deps;
      if (bulk === undefined || opened === undefined) {
        if (opened === undefined)
          log.warn('bulk onboarding form whose metadata is not the one it was opened with');
        await answer({
          response_action: 'errors',
          errors: { [BLOCK.csvFile]: bulk === undefined ? NOT_AVAILABLE : NOT_THIS_FORM },
        });
        return;
      }
      const parsed = parseBulkFileModal(view.state.values);
      if (!parsed.ok) {
        await answer({ response_action: 'errors', errors: parsed.errors });
        return;
      }
      const { fileId, reason } = parsed.value;
      const metadata = (preview: BulkPreview): BulkModalMetadata => ({
        ...where,
        fileId,
        digest: preview.digest,
        ...(reason !== '' ? { reason } : {}),
      });
      const previewing = bulk.preview(userId, { slackFileId: fileId }, { reason });
      const early = await settleWithin(previewing, SLACK_BUDGET_MS);
      if (early.settled) {
        const outcome = early.value;
        if (!outcome.ok) {
          await answer({ response_action: 'errors', errors: { [BLOCK.csvFile]: fieldError(outcome) } });
          return;
        }
        await answer({
          response_action: 'update',
          view: bulkPreviewModal(outcome.value, metadata(outcome.value)),
        });
        return;
      }
      await answer({
        response_action: 'update',
        view: waitingModal(TITLE, 'Reading and checking every row…'),
      });
      const outcome = await previewing;
      await client.views.update({
        view_id: view.id,
        view: outcome.ok
          ? bulkPreviewModal(outcome.value, metadata(outcome.value))
          : refusedModal(TITLE, outcome.message),
      });
    } catch (err) {
      if (!acked) await ack();
      await reportFailure({ log, listener: 'bulk-file-modal', userId, tell }, err);
    }
  };
}

export function bulkPreviewSubmission(deps: ListenerDeps): (args: ViewSubmissionArgs) => Promise<void> {
  return async ({ ack, body, view, client }) => {
    const userId = body.user.id;
    const opened = openedMetadata(view);
    const metadata = opened === undefined ? undefined : readBulkModalMetadata(opened);
    const log = deps.logger.child({ module: 'slack.view', userId, listener: 'bulk-preview-modal' });
    const tell = tellWhereTyped(client, userId, metadata ?? {}, log);
    let acked = false;
    try {
      if (deps.bulk === undefined || metadata === undefined) {
        // A preview whose file or digest is not the one it was opened with asks for nothing.
        if (metadata === undefined)
          log.warn('bulk onboarding preview whose metadata is not the one it was opened with');
        acked = true;
        await ack({
          response_action: 'update',
          view: refusedModal(TITLE, deps.bulk === undefined ? NOT_AVAILABLE : NOT_THIS_FORM),
        });
        return;
      }
      const click = await deps.clicks.record({
        action: 'admin',
        userId,
        adminSubmission: {
          kind: 'bulk_onboard',
          slackFileId: metadata.fileId,
          digest: metadata.digest,
          ...(metadata.reason !== undefined ? { reason: metadata.reason } : {}),
        },
        ...(metadata.responseUrl !== undefined ? { responseUrl: metadata.responseUrl } : {}),
      });
      acked = true;
      await ack();
      const outcome = await deps.clicks.run(click);
      if (outcome.ok) log.info({ requestId: outcome.value.request.id }, 'bulk onboarding asked for');
      const said = clickAnswer(click, outcome);
      if (said !== undefined) await tell(said);
    } catch (err) {
      if (!acked) await ack();
      await reportFailure({ log, listener: 'bulk-preview-modal', userId, tell }, err);
    }
  };
}

/** A refusal under the file field: plain text, short enough to read there. */
const fieldError = (outcome: Extract<Outcome<never>, { ok: false }>): string =>
  truncate(plainFromSlack(outcome.message), 300);
