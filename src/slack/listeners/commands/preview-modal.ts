/**
 * Opens a modal drawn from a preview the admin service reads from AWS. A quick preview opens the finished modal
 * at once (and a refusal is answered ephemerally, with nothing opened). A slow one would outlive the
 * trigger_id, so a waiting modal is opened in time and replaced by the preview, or the refusal, when it comes.
 */
import type { webApi } from '@slack/bolt';
import type { Outcome } from '../../../access/api.js';
import type { ModalView, SlackMessage } from '../../blocks/kit.js';
import { refusalMessage } from '../../blocks/replies.js';
import { refusedModal, waitingModal } from '../../blocks/wait-modal.js';
import { settleWithin } from '../deadline.js';
import { ephemeral } from '../tell.js';
import type { SubcommandContext } from './subcommands.js';

/** How long a preview may take before the waiting modal opens: the command was acked a moment ago. */
export const PREVIEW_BUDGET_MS = 1_500;

export interface PreviewModal<T> {
  title: string;
  /** mrkdwn, shown while waiting. */
  waiting: string;
  preview: Promise<Outcome<T>>;
  render: (value: T) => ModalView;
}

/** Where a preview modal opens from: a slash command, or a button (the audit's Offboard). */
export interface PreviewOrigin {
  triggerId: string;
  client: Pick<webApi.WebClient, 'views'>;
  /** Answers the person privately (a refusal). */
  tell: (msg: SlackMessage) => Promise<void>;
}

export function openPreviewModal<T>(ctx: SubcommandContext, modal: PreviewModal<T>): Promise<void> {
  return openPreviewModalFrom(
    {
      triggerId: ctx.command.trigger_id,
      client: ctx.client,
      tell: async (msg) => {
        await ctx.respond(ephemeral(msg));
      },
    },
    modal,
  );
}

export async function openPreviewModalFrom<T>(origin: PreviewOrigin, modal: PreviewModal<T>): Promise<void> {
  const ctx = origin;
  const triggerId = origin.triggerId;
  const early = await settleWithin(modal.preview, PREVIEW_BUDGET_MS);
  if (early.settled) {
    const outcome = early.value;
    if (!outcome.ok) {
      await origin.tell(refusalMessage(outcome.message));
      return;
    }
    await ctx.client.views.open({ trigger_id: triggerId, view: modal.render(outcome.value) });
    return;
  }
  const opened = await ctx.client.views.open({
    trigger_id: triggerId,
    view: waitingModal(modal.title, modal.waiting),
  });
  const outcome = await modal.preview;
  const viewId = opened.view?.id;
  const next = outcome.ok ? modal.render(outcome.value) : refusedModal(modal.title, outcome.message);
  if (viewId !== undefined) await ctx.client.views.update({ view_id: viewId, view: next });
  if (!outcome.ok) await origin.tell(refusalMessage(outcome.message));
}
