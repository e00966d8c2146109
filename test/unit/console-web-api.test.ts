/**
 * The console's Web API keeps Slack's rules, so the bot is seen in the sandbox as it behaves against Slack.
 */
import { describe, expect, it } from 'vitest';
import { BotLink, messageFrom } from '../../src/console/bot-link.js';
import { createWebApi, decodeArgs } from '../../src/console/web-api.js';
import { Workspace, type ConsolePerson } from '../../src/console/workspace.js';

const person = (id: string, name: string): ConsolePerson => ({
  id,
  name,
  realName: name,
  email: `${name}@example.com`,
  title: '',
  roles: ['requester'],
  roleText: '',
});

function setup() {
  let now = 1_800_000_000_000;
  const ws = new Workspace(
    [person('U0000SAM01', 'sam.dev'), person('U0000LEAD1', 'lena.lead')],
    [{ id: 'C0000APPROV', name: 'access-approvals', kind: 'channel' }],
    () => now,
  );
  const api = createWebApi({ workspace: ws, baseUrl: () => 'http://127.0.0.1:9' });
  const call = (method: string, args: Record<string, unknown>) => {
    const handler = api[method];
    if (handler === undefined) throw new Error(`no ${method}`);
    return handler(args);
  };
  return { ws, call, advance: (ms: number) => (now += ms) };
}

const modal = { type: 'modal', title: { type: 'plain_text', text: 'Request' }, blocks: [] };

describe('the console Web API', () => {
  it('opens a modal once per trigger, and not after three seconds', () => {
    const { ws, call, advance } = setup();
    const first = ws.newTrigger('U0000SAM01');
    expect(call('views.open', { trigger_id: first, view: modal })).toMatchObject({ ok: true });
    expect(call('views.open', { trigger_id: first, view: modal })).toEqual({
      ok: false,
      error: 'exchanged_trigger_id',
    });
    const late = ws.newTrigger('U0000SAM01');
    advance(3001);
    expect(call('views.open', { trigger_id: late, view: modal })).toEqual({
      ok: false,
      error: 'expired_trigger_id',
    });
    expect(call('views.open', { trigger_id: 'made-up', view: modal })).toEqual({
      ok: false,
      error: 'invalid_trigger_id',
    });
  });

  it('refuses a views.update whose hash is stale, and keeps the view id on an update', () => {
    const { ws, call } = setup();
    const opened = call('views.open', {
      trigger_id: ws.newTrigger('U0000SAM01'),
      view: modal,
    }) as unknown as {
      view: { id: string; hash: string };
    };
    const updated = call('views.update', {
      view_id: opened.view.id,
      hash: opened.view.hash,
      view: modal,
    }) as unknown as {
      ok: boolean;
      view: { id: string };
    };
    expect(updated).toMatchObject({ ok: true, view: { id: opened.view.id } });
    expect(call('views.update', { view_id: opened.view.id, hash: opened.view.hash, view: modal })).toEqual({
      ok: false,
      error: 'hash_conflict',
    });
    expect(ws.modalOf('U0000SAM01')?.id).toBe(opened.view.id);
  });

  it('stacks at most three modals', () => {
    const { ws, call } = setup();
    call('views.open', { trigger_id: ws.newTrigger('U0000SAM01'), view: modal });
    call('views.push', { trigger_id: ws.newTrigger('U0000SAM01'), view: modal });
    call('views.push', { trigger_id: ws.newTrigger('U0000SAM01'), view: modal });
    expect(call('views.push', { trigger_id: ws.newTrigger('U0000SAM01'), view: modal })).toEqual({
      ok: false,
      error: 'push_limit_reached',
    });
    expect(ws.modalOf('U0000SAM01')?.depth).toBe(3);
  });

  it('posts to a user id in the direct message with the app, and updates a message in place', () => {
    const { ws, call } = setup();
    const posted = call('chat.postMessage', { channel: 'U0000SAM01', text: 'hello' }) as unknown as {
      channel: string;
      ts: string;
    };
    expect(posted.channel).toBe('D0000SAM01');
    call('chat.update', { channel: posted.channel, ts: posted.ts, text: 'hello again' });
    expect(ws.messagesIn('D0000SAM01', 'U0000SAM01')).toMatchObject([{ text: 'hello again', edited: true }]);
    expect(call('chat.update', { channel: posted.channel, ts: '1.000001', text: 'x' })).toEqual({
      ok: false,
      error: 'message_not_found',
    });
  });

  it('shows an ephemeral message to its person only', () => {
    const { ws, call } = setup();
    call('chat.postEphemeral', { channel: 'C0000APPROV', user: 'U0000SAM01', text: 'only for Sam' });
    expect(ws.messagesIn('C0000APPROV', 'U0000SAM01')).toHaveLength(1);
    expect(ws.messagesIn('C0000APPROV', 'U0000LEAD1')).toHaveLength(0);
  });

  it('refuses unknown channels and people, and messages with neither text nor blocks', () => {
    const { call } = setup();
    expect(call('chat.postMessage', { channel: 'C0000NOPE', text: 'x' })).toEqual({
      ok: false,
      error: 'channel_not_found',
    });
    expect(call('users.info', { user: 'U0000NOPE' })).toEqual({ ok: false, error: 'user_not_found' });
    expect(call('chat.postMessage', { channel: 'C0000APPROV' })).toEqual({ ok: false, error: 'no_text' });
  });

  it('shares an uploaded file only once its bytes have all arrived', () => {
    const { ws, call } = setup();
    const asked = call('files.getUploadURLExternal', { filename: 'audit.csv', length: 4 }) as unknown as {
      file_id: string;
    };
    expect(
      call('files.completeUploadExternal', { files: [{ id: asked.file_id }], channel_id: 'C0000APPROV' }),
    ).toEqual({ ok: false, error: 'file_upload_not_completed' });
    const file = ws.file(asked.file_id);
    if (file !== undefined) file.bytes = Buffer.from('a,b\n');
    expect(
      call('files.completeUploadExternal', {
        files: [{ id: asked.file_id, title: 'Audit' }],
        channel_id: 'C0000APPROV',
      }),
    ).toMatchObject({ ok: true });
    expect(ws.messagesIn('C0000APPROV', 'U0000SAM01')[0]?.files).toEqual([
      { id: asked.file_id, name: 'audit.csv', title: 'Audit' },
    ]);
  });

  it('hands out response URLs, trigger ids and upload URLs whose random parts are long and unrelated', () => {
    const { ws, call } = setup();
    const random = (id: string): string => /([0-9a-f]{40})$/.exec(id)?.[1] ?? '';
    const urls = [0, 1].map(() => ws.newResponseUrl({ userId: 'U0000SAM01', channel: 'C0000APPROV' }));
    const triggers = [0, 1].map(() => ws.newTrigger('U0000SAM01'));
    const uploads = [0, 1].map(
      () =>
        (call('files.getUploadURLExternal', { filename: 'a.csv', length: 1 }) as { upload_url?: string })
          .upload_url ?? '',
    );
    for (const [a, b] of [urls, triggers, uploads] as [string, string][]) {
      // 160 bits each, and nothing shared: the second says nothing about the first.
      expect(random(a)).toHaveLength(40);
      expect(random(b)).toHaveLength(40);
      expect(random(a)).not.toBe(random(b));
      const shared = [...random(a)].filter((ch, i) => random(b)[i] === ch).length;
      expect(shared).toBeLessThan(20);
    }
    expect(urls.some((u) => /R\d+$/.test(u))).toBe(false);
  });

  it('finds a file by the random part of its upload URL, never by its file id', () => {
    const { ws, call } = setup();
    const asked = call('files.getUploadURLExternal', { filename: 'a.csv', length: 1 }) as unknown as {
      upload_url: string;
      file_id: string;
    };
    const token = asked.upload_url.split('/upload/')[1] ?? '';
    expect(ws.fileByUploadToken(token)?.id).toBe(asked.file_id);
    expect(ws.fileByUploadToken(`${asked.file_id}`)).toBeUndefined();
  });

  it('lets a response URL answer five times within thirty minutes', () => {
    const { ws, advance } = setup();
    const id = ws.newResponseUrl({ userId: 'U0000SAM01', channel: 'C0000APPROV' });
    for (let i = 0; i < 5; i += 1) expect(ws.useResponseUrl(id).ok).toBe(true);
    expect(ws.useResponseUrl(id)).toEqual({ ok: false, error: 'expired_url' });
    const later = ws.newResponseUrl({ userId: 'U0000SAM01', channel: 'C0000APPROV' });
    advance(30 * 60_000 + 1);
    expect(ws.useResponseUrl(later)).toEqual({ ok: false, error: 'expired_url' });
  });

  it('reads Block Kit sent as JSON strings in a form body, but keeps text as typed', () => {
    const args = decodeArgs(
      new URLSearchParams({ text: '[not json', blocks: '[{"type":"divider"}]', channel: 'C1' }).toString(),
      'application/x-www-form-urlencoded',
    );
    expect(args).toEqual({ text: '[not json', blocks: [{ type: 'divider' }], channel: 'C1' });
  });

  it('reads a response URL answer: ephemeral unless in_channel, replacing or deleting the original when asked', () => {
    expect(messageFrom({ text: 'hi' })).toMatchObject({ inChannel: false, replaceOriginal: false });
    expect(messageFrom({ text: 'hi', response_type: 'in_channel' })).toMatchObject({ inChannel: true });
    expect(messageFrom({ text: 'hi', replace_original: true })).toMatchObject({ replaceOriginal: true });
    expect(messageFrom({ delete_original: true })).toMatchObject({ deleteOriginal: true });
    expect(messageFrom('')).toBeUndefined();
  });

  it('escapes typed mentions as Slack does for an app that asks for it, and leaves unknown ones as typed', () => {
    const { ws } = setup();
    const link = new BotLink(
      ws,
      () => undefined,
      () => 'http://127.0.0.1:9',
    );
    expect(link.escapeMentions('whois @sam.dev in #access-approvals')).toBe(
      'whois <@U0000SAM01|sam.dev> in <#C0000APPROV|access-approvals>',
    );
    expect(link.escapeMentions('revoke Developer dev @nobody #nowhere')).toBe(
      'revoke Developer dev @nobody #nowhere',
    );
    expect(link.escapeMentions('email@example.com')).toBe('email@example.com');
    expect(link.escapeMentions('request Developer dev 2h <b>x</b> & more')).toBe(
      'request Developer dev 2h &lt;b&gt;x&lt;/b&gt; &amp; more',
    );
  });
});
