/**
 * The notifier port over Slack's Web API. Every call comes from a durable job and may be repeated: with the
 * card or DM already recorded it updates that message in place; only a message Slack no longer has is posted
 * anew.
 */
import type { ApproverNudge } from '../access/follow-ups.js';
import type { CardRef, GrantRecord } from '../access/ledger.js';
import type {
  AuditFile,
  AuditLine,
  AuditStatus,
  Notifier,
  RequesterEvent,
  RequestView,
} from '../access/notifier.js';
import type { AccessDeskConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import { approvalCard, type CardOptions } from './blocks/approval-card.js';
import { auditLineMessage, auditStatusMessage } from './blocks/audit-messages.js';
import { nudgeMessage } from './blocks/follow-up-text.js';
import { messageContent, type SlackMessage } from './blocks/kit.js';
import { requesterEventMessage, requesterRunningMessage } from './blocks/requester-messages.js';
import type { WebClient } from './client.js';
import { slackErrorCode } from './platform-error.js';
import { uploadFile } from './upload.js';

export interface SlackNotifierOptions {
  client: WebClient;
  /** Where people sign in: the portal URL and the `aws configure sso` session name. */
  identityCenter: Pick<AccessDeskConfig['identityCenter'], 'startUrl' | 'sessionName'>;
  logger: Logger;
  /** How cards and messages are drawn; pass `oneTimePasswords: config.email.oneTimePasswords` for onboarding. */
  card?: CardOptions;
  /** Told who a change concerns (requester, approvers), so their Home tab is drawn again. */
  homeChanged?: (slackUserIds: string[]) => void;
}

export class SlackNotifierError extends Error {
  readonly code = 'slack_notifier';
}

/** Errors that mean "that message is gone": post a new one instead. */
const GONE = new Set(['message_not_found', 'cant_update_message', 'channel_not_found']);

export class SlackNotifier implements Notifier {
  private readonly client: WebClient;
  private readonly log: Logger;

  constructor(private readonly options: SlackNotifierOptions) {
    this.client = options.client;
    this.log = options.logger.child({ module: 'slack.notifier' });
  }

  async syncCard(view: RequestView): Promise<CardRef> {
    const msg = approvalCard(view, this.options.card);
    const card = view.request.card;
    // Every change of a request passes here: the requester's and the approvers' Homes show it.
    this.options.homeChanged?.([view.request.requesterSlackId, ...view.request.approvers]);
    if (card !== null) {
      const updated = await this.update(card, msg);
      if (updated) return card;
      this.log.warn({ requestId: view.request.id, card }, 'approval card gone from Slack; posting it again');
    }
    return this.post(view.request.channel, msg);
  }

  async notifyRequester(view: RequestView, event: RequesterEvent, grant?: GrantRecord): Promise<CardRef> {
    const userId = grant?.requesterSlackId ?? view.request.requesterSlackId;
    this.options.homeChanged?.([userId]);
    const running = requesterRunningMessage(view);
    let dm = view.request.dm;
    if (dm !== null && !(await this.update(dm, running))) dm = null;
    dm ??= await this.post(await this.openDm(userId), running);

    const attention = requesterEventMessage(
      view,
      event,
      grant,
      this.options.identityCenter,
      this.options.card,
    );
    if (attention !== undefined) await this.post(dm.channel, attention);
    this.log.debug(
      { requestId: view.request.id, event, attention: attention !== undefined },
      'requester told',
    );
    return dm;
  }

  directMessageChannel(slackUserId: string): Promise<string> {
    return this.openDm(slackUserId);
  }

  async postAuditLine(channel: string, line: AuditLine): Promise<void> {
    await this.post(channel, auditLineMessage(line));
  }

  /** A reminder or an escalation, as a reply in the card's thread (src/access/approver-reminders.ts). */
  async nudgeApprovers(view: RequestView, nudge: ApproverNudge): Promise<void> {
    const card = view.request.card;
    if (card === null) throw new SlackNotifierError(`the card of ${view.request.id} is not posted yet`);
    const msg = nudgeMessage(view, nudge);
    await this.client.chat.postMessage({
      channel: card.channel,
      thread_ts: card.ts,
      text: msg.text,
      blocks: msg.blocks,
    });
  }

  async auditStatus(channel: string, ref: CardRef | undefined, status: AuditStatus): Promise<CardRef> {
    const msg = auditStatusMessage(status);
    if (ref !== undefined && (await this.update(ref, msg))) return ref;
    return this.post(channel, msg);
  }

  uploadAuditReport(channel: string, file: AuditFile, comment: string): Promise<{ fileId: string }> {
    return uploadFile(this.client, {
      channel,
      filename: file.filename,
      title: file.title,
      content: file.content,
      comment,
    });
  }

  /** false when Slack no longer has the message (deleted, channel archived). Other failures throw. */
  private async update(ref: CardRef, msg: SlackMessage): Promise<boolean> {
    try {
      await this.client.chat.update({ channel: ref.channel, ts: ref.ts, ...messageContent(msg, true) });
      return true;
    } catch (err) {
      if (GONE.has(slackErrorCode(err) ?? '')) return false;
      throw err;
    }
  }

  private async post(channel: string, msg: SlackMessage): Promise<CardRef> {
    const posted = await this.client.chat.postMessage({ channel, ...messageContent(msg) });
    if (posted.ts === undefined || posted.channel === undefined) {
      throw new SlackNotifierError(`chat.postMessage to ${channel} returned no channel or ts`);
    }
    return { channel: posted.channel, ts: posted.ts };
  }

  private async openDm(userId: string): Promise<string> {
    const opened = await this.client.conversations.open({ users: userId });
    const channel = opened.channel?.id;
    if (channel === undefined)
      throw new SlackNotifierError(`conversations.open for ${userId} returned no channel`);
    return channel;
  }
}
