/**
 * Retry, on failed admin work: the admin service continues from the step that failed. The card is redrawn by
 * the service as the steps run; a refusal (not an admin, nothing to retry) goes to the clicker alone.
 */
import type { ButtonArgs, ListenerDeps } from '../deps.js';
import { requestButton } from './request-button.js';

export function retryButton(deps: ListenerDeps): (args: ButtonArgs) => Promise<void> {
  return requestButton(deps, 'retry-button', 'retry');
}
