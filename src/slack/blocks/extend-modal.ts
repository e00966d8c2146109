/** The Extend modal, opened from a reminder: how much longer, and why. */
import type { GrantRecord } from '../../access/ledger.js';
import type { RequestView } from '../../access/notifier.js';
import { formatDuration } from '../../domain/duration.js';
import { escapeMrkdwn, LIMITS } from '../../domain/text.js';
import { ACTION, BLOCK, CALLBACK } from '../ids.js';
import { plain, section, slackDate, type ModalView } from './kit.js';
import { sealModal, writeMetadata } from './modal-metadata.js';
import { DURATION_CHOICES, durationOption, durationValue } from './options.js';

export function extendModal(view: RequestView, grant: GrantRecord): ModalView {
  const options = DURATION_CHOICES.filter((c) => c.value !== 'permanent').map((c) =>
    durationOption(c.value, c.label),
  );
  // Default: as long again as first asked for, when that is one of the choices.
  const original = view.request.durationMs;
  const initial =
    original === null
      ? undefined
      : options.find((o) => o.value === durationValue({ kind: 'for', ms: original }));
  const ends = grant.endsAt === null ? 'has no end' : `ends ${slackDate(grant.endsAt)}`;
  return sealModal({
    type: 'modal',
    callback_id: CALLBACK.extendModal,
    title: plain('Extend access', 24),
    submit: plain('Extend', 24),
    close: plain('Cancel', 24),
    private_metadata: writeMetadata({ requestId: view.request.id, grantId: grant.id }),
    blocks: [
      section(
        `Your *${escapeMrkdwn(grant.permissionSet)}* access on *${escapeMrkdwn(grant.accountAlias)}* ${ends}.${
          original !== null ? ` You first asked for ${formatDuration(original)}.` : ''
        }`,
      ),
      {
        type: 'input',
        block_id: BLOCK.extension,
        label: plain('How much longer'),
        element: {
          type: 'static_select',
          action_id: ACTION.pickExtension,
          options,
          ...(initial !== undefined ? { initial_option: initial } : {}),
        },
      },
      {
        type: 'input',
        block_id: BLOCK.reason,
        optional: true,
        label: plain('Reason'),
        element: {
          type: 'plain_text_input',
          action_id: ACTION.typeReason,
          multiline: true,
          max_length: LIMITS.reason,
        },
      },
    ],
  });
}
