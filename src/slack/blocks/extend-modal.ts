/** The Extend modal, opened from a reminder: how much longer, and why. */
import type { GrantRecord } from '../../access/ledger.js';
import type { RequestView } from '../../access/notifier.js';
import { DAY, formatDuration, parseDuration } from '../../domain/duration.js';
import { escapeMrkdwn, LIMITS } from '../../domain/text.js';
import { ACTION, BLOCK, CALLBACK } from '../ids.js';
import { plain, section, slackDate, type ModalView } from './kit.js';
import { sealModal, writeMetadata } from './modal-metadata.js';
import { DURATION_CHOICES, durationOption, durationValue } from './options.js';

const WEEK = 7 * DAY;

/** What the rules allow for this grant: which extensions fit its longest time, and the longest one that does. */
export interface ExtensionLimits {
  fits: (extensionMs: number) => boolean;
  longestMs: number;
}

export function extendModal(view: RequestView, grant: GrantRecord, limits?: ExtensionLimits): ModalView {
  const standard = DURATION_CHOICES.filter((c) => c.value !== 'permanent').filter((c) => {
    const parsed = parseDuration(c.value);
    return limits === undefined || (parsed.ok && parsed.value.kind === 'for' && limits.fits(parsed.value.ms));
  });
  const options = standard.map((c) => durationOption(c.value, c.label));
  // Only what can pass is offered; the longest allowed too, when it is not one of the usual choices.
  if (limits !== undefined && limits.longestMs > 0 && limits.longestMs < WEEK) {
    const longest = durationValue({ kind: 'for', ms: limits.longestMs });
    if (!options.some((o) => o.value === longest)) {
      options.push(durationOption(longest, `${formatDuration(limits.longestMs)} (the most allowed)`));
    }
  }
  // Default: as long again as first asked for, when that is one of the choices.
  const original = view.request.durationMs;
  const initial =
    original === null
      ? undefined
      : options.find((o) => o.value === durationValue({ kind: 'for', ms: original }));
  const ends = grant.endsAt === null ? 'has no end' : `ends ${slackDate(grant.endsAt)}`;
  if (options.length === 0) return cannotExtendModal(grant, ends);
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
        }${
          limits !== undefined && limits.longestMs < WEEK
            ? ` The rules let it last a limited time in all: you can extend it by up to *${formatDuration(limits.longestMs)}*.`
            : ''
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

/** No extension fits: the form says so and asks nothing (a modal with no input has no submit button). */
function cannotExtendModal(grant: GrantRecord, ends: string): ModalView {
  return sealModal({
    type: 'modal',
    callback_id: CALLBACK.extendModal,
    title: plain('Extend access', 24),
    close: plain('Close', 24),
    private_metadata: writeMetadata({ requestId: grant.requestId, grantId: grant.id }),
    blocks: [
      section(
        `Your *${escapeMrkdwn(grant.permissionSet)}* access on *${escapeMrkdwn(grant.accountAlias)}* ${ends}. It already lasts as long as the rules allow in all, so it cannot be extended: ask again with \`/access request\` once it has ended.`,
      ),
    ],
  });
}
