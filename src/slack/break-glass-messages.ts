/**
 * Break-glass's messages over Slack's Web API (the BreakGlassMessages port): the card's copy in the security
 * channel, posted once and then updated in place, and direct messages to the approvers and the requester. Called
 * from durable jobs that may run again: with the copy already recorded it updates it instead of posting anew.
 */
import type { BreakGlassMessages } from '../access/break-glass-api.js';
import type { CardRef } from '../access/ledger.js';
import type { RequestView } from '../access/notifier.js';
import type { Logger } from '../log.js';
import { approverToldMessage, breakGlassCard, reviewReminderMessage } from './blocks/break-glass.js';
import { messageContent, type SlackMessage } from './blocks/kit.js';
import type { WebClient } from './client.js';
import { slackErrorCode } from './platform-error.js';

/** Errors that mean "that message is gone": post a new one instead. */
const GONE = new Set(['message_not_found', 'cant_update_message', 'channel_not_found']);

export class SlackBreakGlassMessages implements BreakGlassMessages {
  private readonly log: Logger;

  constructor(private readonly deps: { client: WebClient; logger: Logger }) {
    this.log = deps.logger.child({ module: 'slack.break-glass' });
  }

  async syncSecurityCard(channel: string, ref: CardRef | null, view: RequestView): Promise<CardRef> {
    const msg = breakGlassCard(view);
    if (msg === undefined) throw new Error(`request ${view.request.id} is not a break-glass use`);
    if (ref !== null) {
      try {
        await this.deps.client.chat.update({
          channel: ref.channel,
          ts: ref.ts,
          ...messageContent(msg, true),
        });
        return ref;
      } catch (err) {
        if (!GONE.has(slackErrorCode(err) ?? '')) throw err;
        this.log.warn({ requestId: view.request.id }, 'security copy gone from Slack; posting it again');
      }
    }
    return this.post(channel, msg);
  }

  async tellApprover(approverSlackId: string, view: RequestView): Promise<void> {
    await this.post(await this.openDm(approverSlackId), approverToldMessage(view));
  }

  async remindRequester(view: RequestView): Promise<void> {
    await this.post(await this.openDm(view.request.requesterSlackId), reviewReminderMessage(view));
  }

  private async openDm(userId: string): Promise<string> {
    const opened = await this.deps.client.conversations.open({ users: userId });
    const channel = opened.channel?.id;
    if (channel === undefined) throw new Error(`conversations.open for ${userId} returned no channel`);
    return channel;
  }

  private async post(channel: string, msg: SlackMessage): Promise<CardRef> {
    const posted = await this.deps.client.chat.postMessage({ channel, ...messageContent(msg) });
    if (posted.ts === undefined || posted.channel === undefined) {
      throw new Error(`chat.postMessage to ${channel} returned no channel or ts`);
    }
    return { channel: posted.channel, ts: posted.ts };
  }
}
