/** Approve: the id on the button and the person who clicked; the card is redrawn by the service, not here. */
import type { ButtonArgs, ListenerDeps } from '../deps.js';
import { requestButton } from './request-button.js';

export function approveButton(deps: ListenerDeps): (args: ButtonArgs) => Promise<void> {
  // A refusal goes to the clicker alone; the card stays as the ledger draws it.
  return requestButton(deps, 'approve-button', 'approve');
}
