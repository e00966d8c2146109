/**
 * The Slack Web API methods the bot calls, answered the way Slack answers them (the `ok`/`error` envelope, the
 * same error codes for the same mistakes), against the sandbox workspace. Slack sends objects in form bodies
 * as JSON strings; `decodeArgs` reads them either way.
 */
import { BOT, TEAM, Workspace, type ConsoleMessage } from './workspace.js';

export type WebApiArgs = Record<string, unknown>;
export type WebApiResult = Record<string, unknown> & { ok: boolean };

export interface WebApiContext {
  workspace: Workspace;
  /** The console's own base URL, for upload URLs. */
  baseUrl(): string;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const fail = (error: string, extra: Record<string, unknown> = {}): WebApiResult => ({
  ok: false,
  error,
  ...extra,
});

/** Slack's form encoding sends objects and arrays as JSON strings. */
export function decodeArgs(raw: string, contentType: string | undefined): WebApiArgs {
  if (raw === '') return {};
  if (contentType?.includes('application/json') === true) {
    const parsed = JSON.parse(raw) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as WebApiArgs) : {};
  }
  const out: WebApiArgs = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const t = value.trim();
    if ((t.startsWith('{') || t.startsWith('[')) && key !== 'text') {
      try {
        out[key] = JSON.parse(t) as unknown;
        continue;
      } catch {
        // not JSON after all: keep the string
      }
    }
    out[key] = value;
  }
  return out;
}

function blocksOf(args: WebApiArgs): unknown[] | undefined | { error: string } {
  if (args.blocks === undefined || args.blocks === '') return undefined;
  if (!Array.isArray(args.blocks)) return { error: 'invalid_blocks' };
  if (args.blocks.length > 50) return { error: 'invalid_blocks' };
  return args.blocks as unknown[];
}

function viewOf(args: WebApiArgs): { view: Record<string, unknown> } | { error: string } {
  const view = args.view;
  if (typeof view !== 'object' || view === null || Array.isArray(view)) return { error: 'invalid_arguments' };
  const v = view as Record<string, unknown>;
  const blocks = v.blocks;
  if (!Array.isArray(blocks) || blocks.length > 100) return { error: 'invalid_arguments' };
  return { view: v };
}

const isError = (v: unknown): v is { error: string } =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  typeof (v as { error?: unknown }).error === 'string' &&
  Object.keys(v).length === 1;

/**
 * Secondary attachments: an array (of at most 100, as Slack allows) of objects, each with at most 50 blocks.
 * Only `color` and `blocks` are drawn; the console keeps what was sent.
 */
function attachmentsOf(args: WebApiArgs): unknown[] | undefined | { error: string } {
  if (args.attachments === undefined || args.attachments === '') return undefined;
  const list = args.attachments;
  if (!Array.isArray(list) || list.length > 100) return { error: 'invalid_attachments' };
  for (const a of list as unknown[]) {
    if (typeof a !== 'object' || a === null || Array.isArray(a)) return { error: 'invalid_attachments' };
    const { blocks, color } = a as Record<string, unknown>;
    if (blocks !== undefined && (!Array.isArray(blocks) || blocks.length > 50))
      return { error: 'invalid_blocks' };
    if (color !== undefined && typeof color !== 'string') return { error: 'invalid_attachments' };
  }
  return list as unknown[];
}

function messageBody(
  args: WebApiArgs,
): { text: string; blocks?: unknown[]; attachments?: unknown[] } | { error: string } {
  const blocks = blocksOf(args);
  if (isError(blocks)) return blocks;
  const attachments = attachmentsOf(args);
  if (isError(attachments)) return attachments;
  const text = str(args.text);
  if (text === '' && blocks === undefined && (attachments === undefined || attachments.length === 0)) {
    return { error: 'no_text' };
  }
  if (text.length > 40_000) return { error: 'msg_too_long' };
  return {
    text,
    ...(blocks !== undefined ? { blocks } : {}),
    ...(attachments !== undefined ? { attachments } : {}),
  };
}

const messageJson = (m: ConsoleMessage): Record<string, unknown> => ({
  type: 'message',
  user: m.user,
  ...(m.botId !== undefined ? { bot_id: m.botId } : {}),
  text: m.text,
  ...(m.blocks !== undefined ? { blocks: m.blocks } : {}),
  ...(m.attachments !== undefined ? { attachments: m.attachments } : {}),
  ts: m.ts,
});

function viewOrError(
  result: { id: string; view: Record<string, unknown> } | { error: string },
): WebApiResult {
  return 'error' in result ? fail(result.error) : { ok: true, view: result.view };
}

export function createWebApi(ctx: WebApiContext): Record<string, (args: WebApiArgs) => WebApiResult> {
  const ws = ctx.workspace;
  return {
    'auth.test': () => ({
      ok: true,
      url: 'https://example.slack.com/',
      team: 'Example Ltd',
      user: BOT.name,
      team_id: TEAM.id,
      user_id: BOT.userId,
      bot_id: BOT.botId,
    }),

    'chat.postMessage': (args) => {
      const conversation = ws.resolveChannel(str(args.channel));
      if (conversation === undefined) return fail('channel_not_found');
      const body = messageBody(args);
      if ('error' in body) return fail(body.error);
      const posted = ws.post({ channel: conversation.id, user: BOT.userId, botId: BOT.botId, ...body });
      return { ok: true, channel: conversation.id, ts: posted.ts, message: messageJson(posted) };
    },

    'chat.update': (args) => {
      const conversation = ws.resolveChannel(str(args.channel));
      if (conversation === undefined) return fail('channel_not_found');
      const existing = ws.message(conversation.id, str(args.ts));
      if (existing === undefined) return fail('message_not_found');
      if (existing.user !== BOT.userId || existing.visibleTo !== undefined)
        return fail('cant_update_message');
      const body = messageBody(args);
      if ('error' in body) return fail(body.error);
      const updated = ws.update(conversation.id, existing.ts, body);
      return { ok: true, channel: conversation.id, ts: existing.ts, text: updated?.text ?? '' };
    },

    'chat.postEphemeral': (args) => {
      const conversation = ws.resolveChannel(str(args.channel));
      if (conversation === undefined) return fail('channel_not_found');
      const user = str(args.user);
      if (ws.person(user) === undefined) return fail('user_not_found');
      if (conversation.kind === 'im' && conversation.userId !== user) return fail('user_not_in_channel');
      const body = messageBody(args);
      if ('error' in body) return fail(body.error);
      const posted = ws.post({
        channel: conversation.id,
        user: BOT.userId,
        botId: BOT.botId,
        visibleTo: user,
        ...body,
      });
      return { ok: true, message_ts: posted.ts };
    },

    'conversations.open': (args) => {
      const ids = (Array.isArray(args.users) ? args.users.map(str) : str(args.users).split(',')).filter(
        Boolean,
      );
      if (ids.length === 0) return fail('users_list_not_supplied');
      if (ids.length > 1) return fail('not_enough_users'); // the sandbox has no group DMs
      const [first = ''] = ids;
      if (ws.person(first) === undefined) return fail('user_not_found');
      return { ok: true, channel: { id: Workspace.dmChannelOf(first) } };
    },

    'users.info': (args) => {
      const person = ws.person(str(args.user));
      if (person === undefined) return fail('user_not_found');
      return {
        ok: true,
        user: {
          id: person.id,
          team_id: TEAM.id,
          name: person.name,
          real_name: person.realName,
          deleted: false,
          is_bot: false,
          profile: {
            real_name: person.realName,
            display_name: person.name,
            title: person.title,
            email: person.email,
          },
        },
      };
    },

    'users.lookupByEmail': (args) => {
      const email = str(args.email).toLowerCase();
      const person = ws.people.find((p) => p.email.toLowerCase() === email);
      if (person === undefined) return fail('users_not_found');
      return { ok: true, user: { id: person.id, team_id: TEAM.id, name: person.name, deleted: false } };
    },

    'usergroups.users.list': () => fail('no_such_subteam'),

    'views.open': (args) => {
      const trigger = ws.useTrigger(str(args.trigger_id));
      if (!trigger.ok) return fail(trigger.error);
      const given = viewOf(args);
      if ('error' in given) return fail(given.error);
      return { ok: true, view: ws.openModal(trigger.userId, given.view).view };
    },

    'views.push': (args) => {
      const trigger = ws.useTrigger(str(args.trigger_id));
      if (!trigger.ok) return fail(trigger.error);
      const given = viewOf(args);
      if ('error' in given) return fail(given.error);
      return viewOrError(ws.pushModal(trigger.userId, given.view));
    },

    'views.update': (args) => {
      const given = viewOf(args);
      if ('error' in given) return fail(given.error);
      const { view } = given;
      const viewId = str(args.view_id);
      const externalId = str(args.external_id);
      if (viewId === '' && externalId === '') return fail('invalid_arguments');
      const target = viewId !== '' ? ws.findView(viewId) : ws.findViewByExternalId(externalId);
      if (target === undefined) {
        const homeOwner = viewId === '' ? undefined : ws.homeOwner(viewId);
        if (homeOwner !== undefined) return { ok: true, view: ws.publishHome(homeOwner, view) };
        return fail('not_found');
      }
      const hash = str(args.hash);
      return viewOrError(ws.updateView(target, view, hash === '' ? undefined : hash));
    },

    'views.publish': (args) => {
      const user = str(args.user_id);
      if (ws.person(user) === undefined) return fail('user_not_found');
      const given = viewOf(args);
      if ('error' in given) return fail(given.error);
      if (given.view.type !== 'home') return fail('invalid_arguments');
      return { ok: true, view: ws.publishHome(user, given.view) };
    },

    'files.getUploadURLExternal': (args) => {
      const filename = str(args.filename);
      const length = Number(args.length);
      if (filename === '' || !Number.isInteger(length) || length < 1) return fail('invalid_arguments');
      const file = ws.newFile(filename, length);
      return {
        ok: true,
        upload_url: `${ctx.baseUrl()}/upload/${file.uploadToken ?? ''}`,
        file_id: file.id,
      };
    },

    'files.completeUploadExternal': (args) => {
      const given = Array.isArray(args.files) ? (args.files as { id?: unknown; title?: unknown }[]) : [];
      if (given.length === 0) return fail('invalid_arguments');
      const files = given.map((f) => ({ file: ws.file(str(f.id)), title: str(f.title) }));
      // Slack refuses to share a file whose bytes never arrived, or arrived short.
      if (files.some(({ file }) => file?.bytes === undefined || file.bytes.length !== file.length))
        return fail('file_upload_not_completed');
      const shared = files.map(({ file, title }) => ({
        id: file?.id ?? '',
        name: file?.name ?? '',
        ...(title !== '' ? { title } : {}),
      }));
      const channel = str(args.channel_id);
      if (channel !== '') {
        const conversation = ws.resolveChannel(channel);
        if (conversation === undefined) return fail('channel_not_found');
        ws.post({
          channel: conversation.id,
          user: BOT.userId,
          botId: BOT.botId,
          text: str(args.initial_comment),
          files: shared,
        });
      }
      return { ok: true, files: shared };
    },
  };
}
