/**
 * The bulk onboarding's buttons. On the onboarding form, "Several people? Use a CSV file" turns the form into
 * the CSV form (same modal, updated in place; admins only). On a preview message, "Ask for approval" is
 * recorded before Slack hears it arrived, like every click that changes something, then asks the service to
 * record the batch: the service reads the file again and refuses it unless it is still the bytes previewed and
 * was shared by whoever clicked.
 */
import type { Click } from '../../../access/click-api.js';
import { bulkFileModal } from '../../blocks/bulk-onboard.js';
import { clickAnswer } from '../../blocks/click-answer.js';
import { people } from '../../blocks/kit.js';
import { openedMetadata, readAdminModalMetadata } from '../../blocks/modal-metadata.js';
import { refusalMessage } from '../../blocks/replies.js';
import { bulkFileOfClick } from '../../bulk-click.js';
import type { ButtonArgs, ListenerDeps } from '../deps.js';
import { reportFailure } from '../failure.js';
import { answerPrivately } from './answer.js';

/** Said to whoever clicks "Ask for approval" on something that is not a preview's own button. */
export const NOT_THIS_PREVIEW =
  'That button does not belong to this preview, so nothing was done. Share the file again with `/access onboard` in the message.';

export function bulkFileButton(deps: ListenerDeps): (args: ButtonArgs) => Promise<void> {
  return async (args) => {
    const { body, client } = args;
    const userId = body.user.id;
    const log = deps.logger.child({ module: 'slack.action', userId, listener: 'bulk-file-button' });
    await args.ack();
    try {
      if (deps.bulk === undefined || !deps.access.isAdmin(userId)) {
        const admins = deps.config.admins.length > 0 ? ` Ask one of ${people(deps.config.admins)}.` : '';
        await answerPrivately(
          args,
          refusalMessage(
            deps.bulk === undefined
              ? 'Bulk onboarding is not available in this deployment.'
              : `Only admins can onboard people.${admins}`,
          ),
        );
        return;
      }
      const view = body.view as
        { id?: string; hash?: string; private_metadata?: string; blocks?: unknown } | undefined;
      if (view?.id === undefined) return;
      // Where the onboarding form answers, carried over; a form whose metadata was changed answers by DM.
      const metadata = readAdminModalMetadata(openedMetadata(view) ?? '');
      await client.views.update({
        view_id: view.id,
        ...(view.hash !== undefined ? { hash: view.hash } : {}),
        view: bulkFileModal({
          ...(metadata.responseUrl !== undefined ? { responseUrl: metadata.responseUrl } : {}),
          ...(metadata.channelId !== undefined ? { channelId: metadata.channelId } : {}),
        }),
      });
    } catch (err) {
      await reportFailure(
        { log, listener: 'bulk-file-button', userId, tell: (m) => answerPrivately(args, m) },
        err,
      );
    }
  };
}

export function bulkSubmitButton(deps: ListenerDeps): (args: ButtonArgs) => Promise<void> {
  return async (args) => {
    const { action: button, body } = args;
    const userId = body.user.id;
    const log = deps.logger.child({ module: 'slack.action', userId, listener: 'bulk-submit-button' });
    const failed = (err: unknown) =>
      reportFailure(
        { log, listener: 'bulk-submit-button', userId, tell: (m) => answerPrivately(args, m) },
        err,
      );
    const asked = bulkFileOfClick(body, button);
    if (asked === undefined) {
      await args.ack();
      log.warn({ blockId: button.block_id }, 'bulk onboarding button does not belong to its preview');
      try {
        await answerPrivately(args, refusalMessage(NOT_THIS_PREVIEW));
      } catch (err) {
        await failed(err);
      }
      return;
    }
    let click: Click;
    try {
      click = await deps.clicks.record({
        action: 'admin',
        userId,
        adminSubmission: {
          kind: 'bulk_onboard',
          slackFileId: asked.fileId,
          digest: asked.digest,
          ...(asked.reason !== undefined ? { reason: asked.reason } : {}),
        },
        ...(body.response_url !== undefined && body.response_url !== ''
          ? { responseUrl: body.response_url }
          : {}),
      });
    } catch (err) {
      await args.ack();
      await failed(err);
      return;
    }
    await args.ack();
    try {
      const outcome = await deps.clicks.run(click);
      if (outcome.ok) log.info({ requestId: outcome.value.request.id }, 'bulk onboarding asked for');
      const answer = clickAnswer(click, outcome);
      if (answer !== undefined) await answerPrivately(args, answer);
    } catch (err) {
      await failed(err);
    }
  };
}
