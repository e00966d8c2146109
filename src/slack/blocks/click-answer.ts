/**
 * What a click tells the person who made it, the same whether its listener answers at once or the job runner
 * answers after a crash: a refusal always; Cancel, Extend, Revoke and a request say what they did; Approve, Deny and Retry say
 * nothing when they worked, as the card shows it.
 */
import type { Outcome } from '../../access/api.js';
import type { ClickInput } from '../../access/click-api.js';
import type { RequestView } from '../../access/notifier.js';
import { escapeMrkdwn } from '../../domain/text.js';
import type { SlackMessage } from './kit.js';
import { noticeMessage, refusalMessage } from './replies.js';
import { revokedMessage, submittedMessage } from './requester-messages.js';
import { breakGlassAnswer, reviewAnswer } from './break-glass.js';

export function clickAnswer(
  click: Pick<ClickInput, 'action'>,
  outcome: Outcome<RequestView>,
): SlackMessage | undefined {
  if (!outcome.ok) return refusalMessage(outcome.message);
  switch (click.action) {
    case 'cancel':
      return noticeMessage(`Cancelled ${escapeMrkdwn(outcome.value.request.id)}.`);
    case 'extend':
    case 'request':
    case 'admin':
      return submittedMessage(outcome.value);
    case 'revoke':
      return revokedMessage(
        outcome.value.grants.filter((g) => g.status === 'ending' || g.endReason === 'revoked'),
      );
    case 'breakglass':
      return breakGlassAnswer(outcome.value);
    case 'breakglass_review':
    case 'breakglass_end':
      return reviewAnswer(outcome.value);
    case 'approve':
    case 'deny':
    case 'retry':
      return undefined;
  }
}
