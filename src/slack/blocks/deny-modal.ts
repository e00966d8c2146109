/** The deny modal: an approver says why. private_metadata is the request id, nothing else. */
import type { RequestView } from '../../access/notifier.js';
import { LIMITS } from '../../domain/text.js';
import { ACTION, BLOCK, CALLBACK } from '../ids.js';
import { sealModal } from './modal-metadata.js';
import { plain, section, who, type ModalView } from './kit.js';
import { whatText } from './request-text.js';

export function denyModal(view: RequestView): ModalView {
  return sealModal({
    type: 'modal',
    callback_id: CALLBACK.denyModal,
    title: plain('Deny request', 24),
    submit: plain('Deny', 24),
    close: plain('Back', 24),
    private_metadata: view.request.id,
    blocks: [
      section(`Deny *${view.request.id}*: ${who(view.request.requesterSlackId)} asks for ${whatText(view)}.`),
      {
        type: 'input',
        block_id: BLOCK.denyReason,
        label: plain('Why not?'),
        element: {
          type: 'plain_text_input',
          action_id: ACTION.typeDenyReason,
          multiline: true,
          min_length: 1,
          max_length: LIMITS.denyReason,
          placeholder: plain('The requester sees this.'),
        },
      },
    ],
  });
}
