/**
 * `/access request <PermissionSet> <account> [duration]` without a reason, where the rules need one: rather than
 * a refusal to retype, the request modal opens prefilled with what was typed and the reason asked for first
 * (README: "anything missing opens the matching modal prefilled"). Nothing is recorded, since nothing was asked
 * yet: the modal's submission is the request. When the modal cannot be opened (the trigger expired, Slack said
 * no), the answer says what to type.
 */
import type { webApi } from '@slack/bolt';
import type { AccessDeskConfig } from '../../../config/types.js';
import { formatDuration } from '../../../domain/duration.js';
import type { Logger } from '../../../log.js';
import type { RequestOptions } from '../../../access/api.js';
import type { SlackMessage } from '../../blocks/kit.js';
import { refusalMessage } from '../../blocks/replies.js';
import { requestModal } from '../../blocks/request-modal.js';
import { plainError, requestRefusal } from '../../content-errors.js';
import type { ParsedCommand, RequestPrefill } from '../../parse.js';

export interface ReasonAsked {
  prefill: RequestPrefill;
  /** The rules' words (mrkdwn): which rule needs the reason. */
  why: string;
}

/** The prefill for a complete `/access request` that the rules refuse for want of a reason; else undefined. */
export function reasonAskedFor(
  parsed: ParsedCommand,
  config: Pick<AccessDeskConfig, 'rules' | 'channels' | 'approvers'>,
): ReasonAsked | undefined {
  if (parsed.subcommand !== 'request' || parsed.result.kind !== 'complete') return undefined;
  const { input } = parsed.result;
  const refusal = requestRefusal(input, config);
  if (refusal?.code !== 'reason_required') return undefined;
  return {
    prefill: {
      permissionSet: input.permissionSet,
      accounts: input.accounts,
      ...(input.duration !== undefined ? { duration: input.duration } : {}),
    },
    why: refusal.message,
  };
}

/** What to type instead, when the modal cannot open. */
export function typeItInstead(asked: ReasonAsked): string {
  const { permissionSet = '', accounts = [], duration } = asked.prefill;
  const parts = [
    permissionSet,
    accounts.join(','),
    ...(duration !== undefined ? [formatDuration(duration)] : []),
  ];
  return `${asked.why} Add it at the end: \`/access request ${parts.join(' ')} <why you need it>\`.`;
}

export interface ReasonModalOrigin {
  triggerId: string;
  responseUrl: string;
  channelId: string;
  client: Pick<webApi.WebClient, 'views'>;
  options: RequestOptions;
  tell: (msg: SlackMessage) => Promise<void>;
  log: Logger;
}

export async function openReasonModal(asked: ReasonAsked, origin: ReasonModalOrigin): Promise<void> {
  try {
    await origin.client.views.open({
      trigger_id: origin.triggerId,
      view: requestModal(
        asked.prefill,
        origin.options,
        { responseUrl: origin.responseUrl, channelId: origin.channelId },
        plainError(asked.why),
      ),
    });
  } catch (err) {
    origin.log.warn({ err }, 'could not open the request modal for a missing reason');
    await origin.tell(refusalMessage(typeItInstead(asked)));
  }
}
