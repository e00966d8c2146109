/** Approve: the id on the button and the person who clicked; the card is redrawn by the service, not here. */
import { refusalMessage } from '../../blocks/replies.js';
import type { ButtonArgs, ListenerDeps } from '../deps.js';
import { requestButton } from './request-button.js';

export function approveButton(deps: ListenerDeps): (args: ButtonArgs) => Promise<void> {
  return requestButton(deps, 'approve-button', async ({ requestId, userId, log }) => {
    const outcome = await deps.access.approve(requestId, userId);
    if (outcome.ok) {
      log.info({ status: outcome.value.request.status }, 'approved');
      return undefined;
    }
    // A refusal goes to the clicker alone; the card stays as the ledger draws it.
    return refusalMessage(outcome.message);
  });
}
