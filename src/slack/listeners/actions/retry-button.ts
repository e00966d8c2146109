/**
 * Retry, on failed admin work: the admin service continues from the step that failed. The card is redrawn by
 * the service as the steps run; a refusal (not an admin, nothing to retry) goes to the clicker alone.
 */
import { refusalMessage } from '../../blocks/replies.js';
import { NOT_AVAILABLE } from '../commands/admin-subcommands.js';
import type { ButtonArgs, ListenerDeps } from '../deps.js';
import { requestButton } from './request-button.js';

export function retryButton(deps: ListenerDeps): (args: ButtonArgs) => Promise<void> {
  return requestButton(deps, 'retry-button', async ({ requestId, userId, log }) => {
    if (deps.admin === undefined) return refusalMessage(NOT_AVAILABLE);
    const outcome = await deps.admin.retry(requestId, userId);
    if (outcome.ok) {
      log.info({ status: outcome.value.request.status }, 'admin work retried');
      return undefined;
    }
    return refusalMessage(outcome.message);
  });
}
