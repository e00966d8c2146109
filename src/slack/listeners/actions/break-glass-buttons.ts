/**
 * "Mark reviewed" and "End access now" on a break-glass card (in the approvals channel, the security channel, or
 * an approver's direct message): like every button on a request, read only when the card names the same request,
 * recorded before the ack, then run as whoever pressed; the break-glass service decides whether that is an
 * approver of the target (never the requester, by any of their Slack accounts).
 */
import type { ButtonArgs, ListenerDeps } from '../deps.js';
import { requestButton } from './request-button.js';

export function breakGlassReviewedButton(deps: ListenerDeps): (args: ButtonArgs) => Promise<void> {
  return requestButton(deps, 'break-glass-reviewed-button', 'breakglass_review');
}

export function breakGlassEndButton(deps: ListenerDeps): (args: ButtonArgs) => Promise<void> {
  return requestButton(deps, 'break-glass-end-button', 'breakglass_end');
}
