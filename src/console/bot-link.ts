/**
 * The console's side of Slack → app: it builds the requests Slack sends to `/slack/events` (slash commands,
 * block actions, block suggestions, view submissions and closings, the app_home_opened event), signs them with
 * the app's signing secret, sends them with Slack's 3-second timeout, and does with the app's answer what
 * Slack does (an ephemeral message for a command's answer, field errors or a new view for a submission, the
 * options for a suggestion).
 */
import { createHmac } from 'node:crypto';
import { escapePeople } from './mentions.js';
import { APP_ID, BOT, TEAM, Workspace, type ConsoleMessage, type OpenView } from './workspace.js';

export interface BotTarget {
  /** `http://127.0.0.1:PORT`: the app's base URL; requests go to `/slack/events`. */
  url: string;
  signingSecret: string;
}

export interface BotAnswer {
  status: number;
  /** The app's HTTP body, parsed when it is JSON. */
  body: unknown;
  /** Slack gave up waiting (3 s) or could not connect: Slack shows the person an error. */
  failed?: string;
}

/** Slack's wait for an acknowledgement. */
export const ACK_TIMEOUT_MS = 3000;

export function signSlackRequest(signingSecret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export type StateValues = Record<string, Record<string, Record<string, unknown>>>;

export interface ActionElement {
  value?: string;
  selectedOption?: unknown;
  selectedOptions?: unknown[];
  selectedUser?: string;
  selectedUsers?: string[];
  selectedDate?: string;
}

export class BotLink {
  constructor(
    private readonly workspace: Workspace,
    private readonly target: () => BotTarget | undefined,
    private readonly responseBase: () => string,
  ) {}

  private user(userId: string): Record<string, unknown> {
    const person = this.workspace.person(userId);
    return { id: userId, username: person?.name ?? userId, name: person?.name ?? userId, team_id: TEAM.id };
  }

  async send(body: string, contentType = 'application/x-www-form-urlencoded'): Promise<BotAnswer> {
    const target = this.target();
    if (target === undefined) return { status: 503, body: '', failed: 'the app is restarting' };
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      const response = await fetch(`${target.url}/slack/events`, {
        method: 'POST',
        headers: {
          'content-type': contentType,
          'x-slack-request-timestamp': String(timestamp),
          'x-slack-signature': signSlackRequest(target.signingSecret, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(ACK_TIMEOUT_MS),
      });
      const text = await response.text();
      let parsed: unknown = text;
      if (text !== '' && (response.headers.get('content-type') ?? '').includes('json')) {
        try {
          parsed = JSON.parse(text) as unknown;
        } catch {
          parsed = text;
        }
      }
      return response.ok
        ? { status: response.status, body: parsed }
        : { status: response.status, body: parsed, failed: `http_error (${response.status})` };
    } catch (error) {
      const timedOut =
        error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      return { status: 0, body: '', failed: timedOut ? 'operation_timeout' : 'dispatch_failed' };
    }
  }

  private payload(payload: Record<string, unknown>): Promise<BotAnswer> {
    return this.send(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
  }

  /**
   * What Slack sends for the typed text of a command whose app asks for escaping (manifest.yml:
   * should_escape): `@sam.dev`, `@Sam Developer` (or `@Sam`, when one person's first or last name; see
   * mentions.ts) becomes `<@U…|sam.dev>`, and `#access-approvals` becomes `<#C…|access-approvals>`.
   */
  escapeMentions(text: string): string {
    const people = this.workspace.people;
    // Slack escapes these three in every text it sends an app, so `<b>` typed arrives as `&lt;b&gt;`.
    const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    return escapePeople(escaped, people).replace(/(^|\s)#([\w-]+)/g, (all, space: string, name: string) => {
      const channel = this.workspace
        .conversationsFor('')
        .find((c) => c.kind === 'channel' && c.name === name);
      return channel === undefined ? all : `${space}<#${channel.id}|${channel.name}>`;
    });
  }

  /** `/access <text>` typed by `userId` in `channel`. */
  async command(userId: string, channel: string, typed: string): Promise<BotAnswer> {
    const text = this.escapeMentions(typed);
    const conversation = this.workspace.conversation(channel);
    const responseUrl = this.workspace.newResponseUrl({ userId, channel });
    const answer = await this.send(
      new URLSearchParams({
        token: 'sandbox-verification-token',
        team_id: TEAM.id,
        team_domain: TEAM.domain,
        channel_id: channel,
        channel_name: conversation?.kind === 'im' ? 'directmessage' : (conversation?.name ?? channel),
        user_id: userId,
        user_name: this.workspace.person(userId)?.name ?? userId,
        command: '/access',
        text,
        api_app_id: APP_ID,
        is_enterprise_install: 'false',
        response_url: `${this.responseBase()}/response/${responseUrl}`,
        trigger_id: this.workspace.newTrigger(userId),
      }).toString(),
    );
    if (answer.failed !== undefined) {
      this.ephemeral(userId, channel, `/access failed with the error "${answer.failed}"`);
      return answer;
    }
    // The app's immediate answer (ack with a body) is shown to the person, as Slack shows it.
    const reply = messageFrom(answer.body);
    if (reply !== undefined) {
      if (reply.inChannel)
        this.workspace.post({ channel, user: BOT.userId, botId: BOT.botId, ...reply.message });
      else this.ephemeral(userId, channel, reply.message.text, reply.message.blocks);
    }
    return answer;
  }

  private ephemeral(userId: string, channel: string, text: string, blocks?: unknown[]): void {
    this.workspace.post({
      channel,
      user: BOT.userId,
      botId: BOT.botId,
      visibleTo: userId,
      text,
      ...(blocks !== undefined ? { blocks } : {}),
    });
  }

  /** A click (or a choice) on a message, in a modal, or on the Home tab. */
  async action(
    userId: string,
    where:
      | { message: ConsoleMessage }
      | { view: OpenView; values?: StateValues }
      | { home: Record<string, unknown> },
    element: { blockId: string; actionId: string } & ActionElement,
  ): Promise<BotAnswer> {
    const found = findElement(
      'message' in where
        ? messageBlocks(where.message)
        : 'view' in where
          ? where.view.view.blocks
          : where.home.blocks,
      element.blockId,
      element.actionId,
    );
    if (found === undefined) return { status: 400, body: '', failed: 'no such element' };
    const action: Record<string, unknown> = {
      type: found.type,
      action_id: element.actionId,
      block_id: element.blockId,
      action_ts: (Date.now() / 1000).toFixed(6),
      ...(typeof found.text === 'object' ? { text: found.text } : {}),
      ...(found.style !== undefined ? { style: found.style } : {}),
      ...actionValue(found, element),
    };
    const common = {
      type: 'block_actions',
      team: TEAM,
      user: this.user(userId),
      api_app_id: APP_ID,
      token: 'sandbox-verification-token',
      trigger_id: this.workspace.newTrigger(userId),
      is_enterprise_install: false,
      actions: [action],
    };
    if ('message' in where) {
      const m = where.message;
      const conversation = this.workspace.conversation(m.channel);
      const responseUrl = this.workspace.newResponseUrl({ userId, channel: m.channel, messageTs: m.ts });
      return this.payload({
        ...common,
        container: {
          type: 'message',
          message_ts: m.ts,
          channel_id: m.channel,
          is_ephemeral: m.visibleTo !== undefined,
        },
        channel: {
          id: m.channel,
          name: conversation?.kind === 'im' ? 'directmessage' : (conversation?.name ?? ''),
        },
        message: {
          type: 'message',
          user: m.user,
          ...(m.botId !== undefined ? { bot_id: m.botId, app_id: APP_ID } : {}),
          text: m.text,
          ts: m.ts,
          ...(m.blocks !== undefined ? { blocks: m.blocks } : {}),
          ...(m.attachments !== undefined ? { attachments: m.attachments } : {}),
        },
        state: { values: {} },
        response_url: `${this.responseBase()}/response/${responseUrl}`,
      });
    }
    if ('view' in where) {
      const view = { ...where.view.view, state: { values: where.values ?? {} } };
      return this.payload({ ...common, container: { type: 'view', view_id: where.view.id }, view });
    }
    return this.payload({
      ...common,
      container: { type: 'view', view_id: where.home.id },
      view: { ...where.home, state: { values: {} } },
    });
  }

  /** Typing in an external select: the app answers with the options to show. */
  async options(
    userId: string,
    view: OpenView,
    element: { blockId: string; actionId: string; value: string },
  ): Promise<BotAnswer> {
    return this.payload({
      type: 'block_suggestion',
      user: this.user(userId),
      team: TEAM,
      api_app_id: APP_ID,
      token: 'sandbox-verification-token',
      container: { type: 'view', view_id: view.id },
      action_id: element.actionId,
      block_id: element.blockId,
      value: element.value,
      view: view.view,
    });
  }

  async submit(userId: string, view: OpenView, values: StateValues): Promise<BotAnswer> {
    return this.payload({
      type: 'view_submission',
      team: TEAM,
      user: this.user(userId),
      api_app_id: APP_ID,
      token: 'sandbox-verification-token',
      trigger_id: this.workspace.newTrigger(userId),
      view: { ...view.view, state: { values } },
      response_urls: [],
      is_enterprise_install: false,
    });
  }

  async closed(userId: string, view: OpenView): Promise<BotAnswer> {
    return this.payload({
      type: 'view_closed',
      team: TEAM,
      user: this.user(userId),
      api_app_id: APP_ID,
      token: 'sandbox-verification-token',
      view: view.view,
      is_cleared: false,
      is_enterprise_install: false,
    });
  }

  async homeOpened(userId: string): Promise<BotAnswer> {
    const home = this.workspace.homeOf(userId);
    return this.send(
      JSON.stringify({
        token: 'sandbox-verification-token',
        team_id: TEAM.id,
        api_app_id: APP_ID,
        type: 'event_callback',
        event_id: `Ev${this.workspace.nextId('', 10)}`,
        event_time: Math.floor(Date.now() / 1000),
        authorizations: [{ team_id: TEAM.id, user_id: BOT.userId, is_bot: true }],
        event: {
          type: 'app_home_opened',
          user: userId,
          channel: Workspace.dmChannelOf(userId),
          tab: 'home',
          event_ts: (Date.now() / 1000).toFixed(6),
          ...(home !== undefined ? { view: home } : {}),
        },
      }),
      'application/json',
    );
  }
}

/** A message body answered to a command or posted to a response URL. */
export function messageFrom(body: unknown):
  | {
      message: { text: string; blocks?: unknown[] };
      inChannel: boolean;
      replaceOriginal: boolean;
      deleteOriginal: boolean;
    }
  | undefined {
  if (typeof body === 'string') {
    return body.trim() === ''
      ? undefined
      : { message: { text: body }, inChannel: false, replaceOriginal: false, deleteOriginal: false };
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  const text = typeof b.text === 'string' ? b.text : '';
  const blocks = Array.isArray(b.blocks) ? (b.blocks as unknown[]) : undefined;
  const deleteOriginal = b.delete_original === true || b.delete_original === 'true';
  if (text === '' && blocks === undefined && !deleteOriginal) return undefined;
  return {
    message: blocks === undefined ? { text } : { text, blocks },
    inChannel: b.response_type === 'in_channel',
    replaceOriginal: b.replace_original === true || b.replace_original === 'true',
    deleteOriginal,
  };
}

interface FoundElement {
  type: string;
  text?: unknown;
  style?: unknown;
  value?: unknown;
}

/** A message's blocks and those inside its attachments: a button in either is clicked the same way. */
function messageBlocks(m: ConsoleMessage): unknown[] {
  const inside = (m.attachments ?? []).flatMap((a) =>
    typeof a === 'object' && a !== null && Array.isArray((a as { blocks?: unknown }).blocks)
      ? (a as { blocks: unknown[] }).blocks
      : [],
  );
  return [...(m.blocks ?? []), ...inside];
}

/** The interactive element a click names, looked up in the blocks it was on (as Slack knows its type). */
function findElement(blocks: unknown, blockId: string, actionId: string): FoundElement | undefined {
  if (!Array.isArray(blocks)) return undefined;
  for (const raw of blocks as Record<string, unknown>[]) {
    if (raw.block_id !== blockId) continue;
    const candidates: unknown[] = [];
    if (Array.isArray(raw.elements)) candidates.push(...(raw.elements as unknown[]));
    if (raw.accessory !== undefined) candidates.push(raw.accessory);
    if (raw.element !== undefined) candidates.push(raw.element);
    for (const c of candidates) {
      const e = c as Record<string, unknown>;
      if (e.action_id === actionId && typeof e.type === 'string') return e as unknown as FoundElement;
    }
  }
  return undefined;
}

function actionValue(found: FoundElement, element: ActionElement): Record<string, unknown> {
  switch (found.type) {
    case 'button':
      return { value: typeof found.value === 'string' ? found.value : (element.value ?? '') };
    case 'static_select':
    case 'external_select':
    case 'radio_buttons':
    case 'overflow':
      return { selected_option: element.selectedOption ?? null };
    case 'multi_static_select':
    case 'multi_external_select':
    case 'checkboxes':
      return { selected_options: element.selectedOptions ?? [] };
    case 'users_select':
      return { selected_user: element.selectedUser ?? null };
    case 'multi_users_select':
      return { selected_users: element.selectedUsers ?? [] };
    case 'datepicker':
      return { selected_date: element.selectedDate ?? null };
    default:
      return element.value !== undefined ? { value: element.value } : {};
  }
}
