/**
 * Requests as Slack sends them to `/slack/events`: slash commands (form fields) and interactivity (a form with
 * one `payload` field holding JSON), signed with the app's signing secret (`v0=` HMAC-SHA256 of
 * `v0:{timestamp}:{raw body}`). Plus a bounded wait for effects that happen after the app has acked.
 */
import { signSlackRequest } from '../../src/console/bot-link.js';
import { sealOf } from '../../src/slack/blocks/modal-metadata.js';
import { USERS_PAGER_BLOCK } from '../../src/slack/blocks/users-message.js';
import { ACTION, CARD_BLOCK_PREFIX, cardBlockId, type RequestButtonAction } from '../../src/slack/ids.js';
import type { FakeSlack, RecordedCall, RecordedResponse } from './fake-slack.js';

export interface SlackTarget {
  /** The app's base URL, e.g. `http://127.0.0.1:PORT`. */
  url: string;
  signingSecret: string;
}

export interface SendOptions {
  /** Unix seconds; default now. */
  timestamp?: number;
  /** Overrides the computed `x-slack-signature`. */
  signature?: string;
  /** Events API requests are JSON; commands and interactivity are forms (the default). */
  contentType?: string;
}

export interface SlackHttpAnswer {
  status: number;
  body: string;
}

/** Slack's request signature: the sandbox console signs with the same function. */
export { signSlackRequest };

/** POSTs a raw form body to `/slack/events`, signed unless told otherwise. */
export async function postToSlackEvents(
  target: SlackTarget,
  body: string,
  options: SendOptions = {},
): Promise<SlackHttpAnswer> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const response = await fetch(`${target.url}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': options.signature ?? signSlackRequest(target.signingSecret, timestamp, body),
    },
    body,
  });
  return { status: response.status, body: await response.text() };
}

const TEAM = { id: 'T0000TEAM', domain: 'example' };
const APP_ID = 'A0000ACCESS';

export interface CommandFields {
  text: string;
  userId: string;
  userName?: string;
  channelId?: string;
  triggerId?: string;
  responseUrl: string;
  command?: string;
}

export function slashCommandBody(fields: CommandFields): string {
  return new URLSearchParams({
    token: 'verification-token-unused',
    team_id: TEAM.id,
    team_domain: TEAM.domain,
    channel_id: fields.channelId ?? 'C0000GENERAL',
    channel_name: 'general',
    user_id: fields.userId,
    user_name: fields.userName ?? fields.userId.toLowerCase(),
    command: fields.command ?? '/access',
    text: fields.text,
    api_app_id: APP_ID,
    response_url: fields.responseUrl,
    trigger_id: fields.triggerId ?? `trigger-${fields.userId}-${Date.now()}`,
  }).toString();
}

const payloadBody = (payload: Record<string, unknown>): string =>
  new URLSearchParams({ payload: JSON.stringify(payload) }).toString();

export interface ButtonFields {
  actionId: string;
  value: string;
  userId: string;
  responseUrl: string;
  /**
   * Default: the block the app puts this button in (`decide:<value>` for Approve and Deny, the users pager, …),
   * else `actions`.
   */
  blockId?: string;
  channelId?: string;
  messageTs?: string;
  triggerId?: string;
  /**
   * The blocks of the message the button sits on, as Slack sends them back. Default: one actions block holding
   * this very button, which is what a real card carries.
   */
  messageBlocks?: unknown[];
  /**
   * When set, the blocks sit inside one secondary attachment of this colour (as the break-glass card posts
   * them), and the message has no top-level blocks.
   */
  attachmentColor?: string;
}

/** The block a button sits in on the app's own messages: a request's buttons sit in a block naming it. */
function defaultBlockId(actionId: string, value: string): string {
  if (actionId in CARD_BLOCK_PREFIX) return cardBlockId(actionId as RequestButtonAction, value);
  if (actionId === ACTION.usersNext || actionId === ACTION.usersPrevious) return USERS_PAGER_BLOCK;
  return 'actions';
}

export function blockActionsBody(fields: ButtonFields): string {
  const channel = fields.channelId ?? 'C0000APPROV';
  const ts = fields.messageTs ?? '1700000001.000100';
  const blockId = fields.blockId ?? defaultBlockId(fields.actionId, fields.value);
  const button = {
    type: 'button',
    action_id: fields.actionId,
    value: fields.value,
    text: { type: 'plain_text', text: 'button' },
  };
  const blocks = fields.messageBlocks ?? [{ type: 'actions', block_id: blockId, elements: [button] }];
  return payloadBody({
    type: 'block_actions',
    team: TEAM,
    user: { id: fields.userId, username: fields.userId.toLowerCase(), name: fields.userId.toLowerCase() },
    api_app_id: APP_ID,
    token: 'verification-token-unused',
    container: { type: 'message', message_ts: ts, channel_id: channel, is_ephemeral: false },
    trigger_id: fields.triggerId ?? `trigger-${fields.userId}-${Date.now()}`,
    channel: { id: channel, name: 'access-approvals' },
    message: {
      type: 'message',
      ts,
      text: 'card',
      ...(fields.attachmentColor !== undefined
        ? { attachments: [{ id: 1, color: fields.attachmentColor.replace(/^#/, ''), blocks }] }
        : { blocks }),
    },
    response_url: fields.responseUrl,
    actions: [{ ...button, block_id: blockId, action_ts: `${Date.now() / 1000}` }],
  });
}

/** `state.values` as Slack sends it: block id → action id → the element's value. */
export type ViewStateValues = Record<string, Record<string, Record<string, unknown>>>;

export interface ViewSubmissionFields {
  callbackId: string;
  userId: string;
  values: ViewStateValues;
  privateMetadata?: string;
  /**
   * The view's blocks, as Slack sends them back. Default: those of a modal the app opened with this metadata,
   * as far as the app reads them (the block that seals the metadata, see blocks/modal-metadata.ts).
   */
  blocks?: unknown[];
  viewId?: string;
}

export function viewSubmissionBody(fields: ViewSubmissionFields): string {
  return payloadBody({
    type: 'view_submission',
    team: TEAM,
    user: { id: fields.userId, username: fields.userId.toLowerCase(), name: fields.userId.toLowerCase() },
    api_app_id: APP_ID,
    token: 'verification-token-unused',
    trigger_id: `trigger-${fields.userId}-${Date.now()}`,
    view: {
      id: fields.viewId ?? 'V00000001',
      team_id: TEAM.id,
      type: 'modal',
      callback_id: fields.callbackId,
      private_metadata: fields.privateMetadata ?? '',
      hash: 'hash',
      title: { type: 'plain_text', text: 'Modal' },
      blocks:
        fields.blocks ??
        (fields.privateMetadata ? [{ type: 'divider', block_id: sealOf(fields.privateMetadata) }] : []),
      state: { values: fields.values },
      app_id: APP_ID,
      bot_id: 'B0000BOT',
    },
    response_urls: [],
  });
}

export interface SuggestionFields {
  actionId: string;
  blockId: string;
  value: string;
  userId: string;
  callbackId?: string;
}

export function blockSuggestionBody(fields: SuggestionFields): string {
  return payloadBody({
    type: 'block_suggestion',
    user: { id: fields.userId, name: fields.userId.toLowerCase(), team_id: TEAM.id },
    team: TEAM,
    api_app_id: APP_ID,
    token: 'verification-token-unused',
    container: { type: 'view', view_id: 'V00000001' },
    action_id: fields.actionId,
    block_id: fields.blockId,
    value: fields.value,
    view: {
      id: 'V00000001',
      type: 'modal',
      callback_id: fields.callbackId ?? 'request_modal',
      private_metadata: '',
      state: { values: {} },
    },
  });
}

/** An Events API callback (JSON): post it with `{ contentType: 'application/json' }`. */
export function eventCallbackBody(event: Record<string, unknown>): string {
  return JSON.stringify({
    token: 'verification-token-unused',
    team_id: TEAM.id,
    api_app_id: APP_ID,
    event,
    type: 'event_callback',
    event_id: `Ev${Date.now()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: TEAM.id, user_id: 'U0000BOT', is_bot: true }],
  });
}

/** The modal input values of a text input, a static/external select, and a multi external select. */
export const stateValue = {
  text: (actionId: string, value: string | null) => ({ [actionId]: { type: 'plain_text_input', value } }),
  select: (actionId: string, value: string | null, type = 'external_select') => ({
    [actionId]: {
      type,
      selected_option: value === null ? null : { text: { type: 'plain_text', text: value }, value },
    },
  }),
  multi: (actionId: string, values: string[]) => ({
    [actionId]: {
      type: 'multi_external_select',
      selected_options: values.map((value) => ({ text: { type: 'plain_text', text: value }, value })),
    },
  }),
};

/**
 * Polls `probe` until it returns something other than undefined/false, a bounded number of times, then fails
 * naming what was awaited. Effects after `ack()` happen asynchronously; tests wait for them this way rather
 * than sleeping for a fixed time.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false,
  { tries = 300, intervalMs = 10 }: { tries?: number; intervalMs?: number } = {},
): Promise<T> {
  for (let i = 0; i < tries; i += 1) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** The first call of `method` the fake recorded (that `matches`, if given), once it has been made. */
export function waitForCall(
  fake: FakeSlack,
  method: string,
  matches: (call: RecordedCall) => boolean = () => true,
): Promise<RecordedCall> {
  return waitFor(`a ${method} call`, () => fake.callsTo(method).find(matches));
}

/** What the app posted to the response URL `fake.responseUrl(id)`, once it has. */
export function waitForResponse(fake: FakeSlack, id: string): Promise<RecordedResponse> {
  return waitFor(`an answer at response URL ${id}`, () => fake.responses.find((r) => r.id === id));
}
