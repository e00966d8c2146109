/**
 * The local Slack console's HTTP server: the page and its API (`/console/api/*`, documented in
 * README: "The console's HTTP API"), the Slack Web API the bot calls (`/api/<method>`), the response URLs and upload URLs it
 * was handed, and the bot's /healthz and /readyz passed through.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { refuseForeignHost, refuseUndeclaredBody, type Refusal } from '../local-guard.js';
import type { Logger } from '../log.js';
import { BotLink, messageFrom, type ActionElement, type BotTarget, type StateValues } from './bot-link.js';
import { createWebApi, decodeArgs, type WebApiArgs } from './web-api.js';
import { BOT, type ConsoleMessage, type OpenView, type Workspace } from './workspace.js';

export interface RenderContext {
  userName(id: string): string | undefined;
  channelName(id: string): string | undefined;
  people(): { id: string; name: string }[];
}

/** Block Kit → HTML (src/console/render). */
export interface ConsoleRenderer {
  message(message: ConsoleMessage, ctx: RenderContext): string;
  modal(view: Record<string, unknown>, ctx: RenderContext, errors?: Record<string, string>): string;
  home(view: Record<string, unknown>, ctx: RenderContext): string;
}

export interface ConsoleServerOptions {
  workspace: Workspace;
  render: ConsoleRenderer;
  /** Where the bot listens and its signing secret; undefined while it restarts. */
  bot(): BotTarget | undefined;
  /** The token the bot calls the Web API with; any other is `invalid_auth`, as in Slack. */
  botToken: string;
  /** The emulated organisation and the emails sent (the emulator's state). */
  org(): unknown;
  mailbox(): unknown;
  /**
   * Opens a session in the emulated organisation (POST /_emulator/sessions): its HTTP status and answer. Absent,
   * the console has no organisation to open one in.
   */
  openSession?(body: Record<string, unknown>): Promise<{ status: number; body: unknown }>;
  /** Starts over: database, organisation, workspace. */
  reset(): Promise<void>;
  /** Folder holding index.html, console.js and console.css. */
  pageDir: string;
  logger: Logger;
  port?: number;
  /** Default 127.0.0.1: the sandbox is for the person at this machine. */
  host?: string;
  /**
   * Host names answered besides localhost, 127.0.0.1 and [::1] (ALLOWED_HOSTS, for HOST=0.0.0.0 in a container
   * reached by another name). Any other Host or Origin is refused (src/local-guard.ts).
   */
  allowedHosts?: readonly string[];
}

export interface RunningConsole {
  /** `http://localhost:PORT` */
  url: string;
  port: number;
  link: BotLink;
  close(): Promise<void>;
}

export interface RecordedWebApiCall {
  method: string;
  args: WebApiArgs;
  at: string;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const MAX_BODY = 5 * 1024 * 1024;
const MAX_CALLS = 2000;
const PAGE_FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/console.js': { file: 'console.js', type: 'text/javascript; charset=utf-8' },
  '/org.js': { file: 'org.js', type: 'text/javascript; charset=utf-8' },
  '/console.css': { file: 'console.css', type: 'text/css; charset=utf-8' },
};

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, 'the body is larger than 5 MB');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export async function startConsole(options: ConsoleServerOptions): Promise<RunningConsole> {
  const { workspace: ws, render, logger } = options;
  const log = logger.child({ module: 'console' });
  let baseUrl = '';
  const webApi = createWebApi({ workspace: ws, baseUrl: () => baseUrl });
  const link = new BotLink(
    ws,
    () => options.bot(),
    () => baseUrl,
  );
  const calls: RecordedWebApiCall[] = [];

  const ctx: RenderContext = {
    userName: (id) => (id === BOT.userId ? BOT.name : ws.person(id)?.realName),
    channelName: (id) => ws.conversation(id)?.name,
    people: () => ws.people.map((p) => ({ id: p.id, name: p.realName })),
  };

  const personFrom = (value: unknown): string => {
    const id = str(value);
    if (ws.person(id) === undefined) {
      throw new HttpError(
        400,
        `"as" must be one of the sandbox's people (${ws.people.map((p) => p.id).join(', ')}), not "${id}"`,
      );
    }
    return id;
  };

  const topModal = (as: string, viewId: string): OpenView => {
    const top = ws.modalOf(as);
    if (top === undefined || top.id !== viewId) {
      throw new HttpError(
        409,
        `${viewId} is not the modal ${as} has open${top ? ` (that is ${top.id})` : ''}`,
      );
    }
    const view = ws.findView(viewId);
    if (view === undefined) throw new HttpError(404, `no view ${viewId}`);
    return view;
  };

  const messageJson = (m: ConsoleMessage): Record<string, unknown> => ({
    channel: m.channel,
    ts: m.ts,
    user: m.user,
    ...(m.botId !== undefined ? { botId: m.botId } : {}),
    text: m.text,
    ...(m.blocks !== undefined ? { blocks: m.blocks } : {}),
    ...(m.attachments !== undefined ? { attachments: m.attachments } : {}),
    ...(m.files !== undefined ? { files: m.files } : {}),
    ephemeral: m.visibleTo !== undefined,
    edited: m.edited,
    html: render.message(m, ctx),
  });

  const state = (as: string): Record<string, unknown> => {
    const modal = ws.modalOf(as);
    const home = ws.homeOf(as);
    return {
      version: ws.version,
      as,
      conversations: ws.conversationsFor(as).map((c) => ({
        id: c.id,
        name: c.name,
        kind: c.kind,
        messages: ws.messagesIn(c.id, as).map(messageJson),
      })),
      modal:
        modal === undefined
          ? null
          : {
              id: modal.id,
              view: modal.view,
              errors: modal.errors ?? {},
              depth: modal.depth,
              html: render.modal(modal.view, ctx, modal.errors),
            },
      home: home === undefined ? null : { view: home, html: render.home(home, ctx) },
    };
  };

  /** What the person sees after the app answered: Slack's own error line when it did not answer in time. */
  const answered = (answer: Awaited<ReturnType<BotLink['send']>>): Record<string, unknown> => ({
    ok: answer.failed === undefined,
    status: answer.status,
    ...(answer.failed !== undefined ? { error: answer.failed } : {}),
  });

  async function pageApi(
    method: string,
    path: string,
    url: URL,
    body: Record<string, unknown>,
    res: ServerResponse,
  ) {
    const route = `${method} ${path}`;
    switch (route) {
      case 'GET /people':
        return sendJson(res, 200, ws.people);
      case 'GET /state':
        return sendJson(res, 200, state(personFrom(url.searchParams.get('as'))));
      case 'GET /calls':
        return sendJson(res, 200, calls);
      case 'GET /mailbox':
        return sendJson(res, 200, options.mailbox());
      case 'GET /org':
        return sendJson(res, 200, options.org());
      case 'GET /events':
        return events(res);
      case 'POST /sessions': {
        if (options.openSession === undefined) throw new HttpError(404, 'this console has no organisation');
        const opened = await options.openSession(body);
        const answer = (typeof opened.body === 'object' && opened.body !== null ? opened.body : {}) as {
          message?: unknown;
        };
        if (opened.status >= 300) {
          throw new HttpError(opened.status, str(answer.message) || `the emulator answered ${opened.status}`);
        }
        return sendJson(res, 200, { ok: true, session: answer });
      }
      case 'POST /command': {
        const as = personFrom(body.as);
        const channel = str(body.channel);
        if (ws.conversation(channel) === undefined) throw new HttpError(400, `no conversation "${channel}"`);
        const text = str(body.text).replace(/^\s*\/access\b\s*/, '');
        if (text.length > 4000) throw new HttpError(400, 'a command is at most 4,000 characters');
        const answer = await link.command(as, channel, text);
        return sendJson(res, 200, { ...answered(answer), response: answer.body });
      }
      case 'POST /action': {
        const as = personFrom(body.as);
        const element = {
          blockId: str(body.blockId),
          actionId: str(body.actionId),
          ...(body as ActionElement),
        };
        if (element.blockId === '' || element.actionId === '')
          throw new HttpError(400, 'blockId and actionId are required');
        let answer;
        if (body.home === true) {
          const home = ws.homeOf(as);
          if (home === undefined)
            throw new HttpError(409, `${as} has no Home tab yet: POST /console/api/home first`);
          answer = await link.action(as, { home }, element);
        } else if (typeof body.viewId === 'string') {
          const values = (
            typeof body.values === 'object' && body.values !== null ? body.values : {}
          ) as StateValues;
          answer = await link.action(as, { view: topModal(as, body.viewId), values }, element);
        } else {
          const message = ws.message(str(body.channel), str(body.ts));
          if (message === undefined || (message.visibleTo !== undefined && message.visibleTo !== as))
            throw new HttpError(404, `${as} sees no message ${str(body.ts)} in ${str(body.channel)}`);
          answer = await link.action(as, { message }, element);
        }
        if (answer.failed === 'no such element')
          throw new HttpError(400, `no element ${element.actionId} in block ${element.blockId} there`);
        return sendJson(res, 200, answered(answer));
      }
      case 'POST /options': {
        const as = personFrom(body.as);
        const view = topModal(as, str(body.viewId));
        const answer = await link.options(as, view, {
          blockId: str(body.blockId),
          actionId: str(body.actionId),
          value: str(body.value),
        });
        if (answer.failed !== undefined) return sendJson(res, 200, { ...answered(answer), options: [] });
        const options =
          typeof answer.body === 'object' && answer.body !== null ? answer.body : { options: [] };
        return sendJson(res, 200, { ok: true, ...options });
      }
      case 'POST /submit': {
        const as = personFrom(body.as);
        const view = topModal(as, str(body.viewId));
        const values = (
          typeof body.values === 'object' && body.values !== null ? body.values : {}
        ) as StateValues;
        const answer = await link.submit(as, view, values);
        if (answer.failed !== undefined) return sendJson(res, 200, answered(answer));
        return sendJson(res, 200, { ...answered(answer), ...afterSubmit(as, view, answer.body) });
      }
      case 'POST /close': {
        const as = personFrom(body.as);
        const view = topModal(as, str(body.viewId));
        if (view.view.notify_on_close === true) await link.closed(as, view);
        ws.closeModal(as);
        return sendJson(res, 200, { ok: true });
      }
      case 'POST /home': {
        const as = personFrom(body.as);
        return sendJson(res, 200, answered(await link.homeOpened(as)));
      }
      case 'POST /reset':
        await options.reset();
        return sendJson(res, 200, { ok: true });
      default: {
        const file = /^GET \/files\/([A-Z0-9]+)$/.exec(route);
        const found = file?.[1] === undefined ? undefined : ws.file(file[1]);
        if (found?.bytes !== undefined) {
          res.writeHead(200, {
            'content-type': found.name.endsWith('.csv')
              ? 'text/csv; charset=utf-8'
              : 'application/octet-stream',
            'content-disposition': `attachment; filename="${found.name.replace(/["\\\r\n]/g, '_')}"`,
          });
          res.end(found.bytes);
          return;
        }
        throw new HttpError(404, `no console API route ${route}: see "The console's HTTP API" in the README`);
      }
    }
  }

  /** What Slack does with the app's answer to a view submission. */
  function afterSubmit(as: string, view: OpenView, body: unknown): Record<string, unknown> {
    const answer = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    const newView = (): Record<string, unknown> => {
      const v = answer.view;
      if (typeof v !== 'object' || v === null) throw new HttpError(502, 'the app answered without a view');
      return v as Record<string, unknown>;
    };
    switch (answer.response_action) {
      case 'errors': {
        const errors = (answer.errors ?? {}) as Record<string, string>;
        ws.setErrors(view, errors);
        return { errors };
      }
      case 'update':
        ws.updateView(view, newView());
        return {};
      case 'push': {
        const pushed = ws.pushModal(as, newView());
        return 'error' in pushed ? { ok: false, error: pushed.error } : {};
      }
      case 'clear':
        ws.closeModal(as, true);
        return {};
      default:
        ws.closeModal(as);
        return {};
    }
  }

  function events(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    const write = (version: number): void => {
      res.write(`data: ${JSON.stringify({ version })}\n\n`);
    };
    write(ws.version);
    const off = ws.onChange(write);
    const heartbeat = setInterval(() => res.write(': still here\n\n'), 25_000);
    res.on('close', () => {
      off();
      clearInterval(heartbeat);
    });
  }

  function webApiCall(methodName: string, req: IncomingMessage, raw: Buffer, res: ServerResponse): void {
    let args: WebApiArgs;
    try {
      args = decodeArgs(raw.toString('utf8'), req.headers['content-type']);
    } catch {
      return sendJson(res, 200, { ok: false, error: 'invalid_json' });
    }
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ?? str(args.token);
    delete args.token;
    calls.push({ method: methodName, args, at: new Date().toISOString() });
    if (calls.length > MAX_CALLS) calls.splice(0, calls.length - MAX_CALLS);
    if (token === '') return sendJson(res, 200, { ok: false, error: 'not_authed' });
    if (token !== options.botToken) return sendJson(res, 200, { ok: false, error: 'invalid_auth' });
    const handler = webApi[methodName];
    if (handler === undefined) {
      log.warn({ method: methodName }, 'the bot called a Web API method the console does not serve');
      return sendJson(res, 200, { ok: false, error: 'unknown_method' });
    }
    const result = handler(args);
    if (!result.ok) log.info({ method: methodName, error: result.error }, 'web api call refused');
    sendJson(res, 200, result);
  }

  function responseUrl(id: string, raw: Buffer, res: ServerResponse): void {
    const used = ws.useResponseUrl(id);
    if (!used.ok) return sendJson(res, 404, { ok: false, error: used.error });
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8')) as unknown;
    } catch {
      return sendJson(res, 400, { ok: false, error: 'invalid_payload' });
    }
    const reply = messageFrom(body);
    if (reply === undefined) return sendJson(res, 400, { ok: false, error: 'no_text' });
    const { target } = used;
    if (target.messageTs !== undefined && reply.deleteOriginal) ws.delete(target.channel, target.messageTs);
    else if (target.messageTs !== undefined && reply.replaceOriginal)
      ws.update(target.channel, target.messageTs, reply.message);
    else
      ws.post({
        channel: target.channel,
        user: BOT.userId,
        botId: BOT.botId,
        ...(reply.inChannel ? {} : { visibleTo: target.userId }),
        ...reply.message,
      });
    sendJson(res, 200, { ok: true });
  }

  /**
   * The bot's own answer, which for /readyz is the status alone and cached (src/readiness.ts): the console adds
   * no detail of its own, only 503 `{"ok":false}` while the bot restarts or does not answer.
   */
  async function passThrough(path: string, res: ServerResponse): Promise<void> {
    const bot = options.bot();
    if (bot === undefined) return sendJson(res, 503, { ok: false });
    let response: Response;
    try {
      response = await fetch(`${bot.url}${path}`, { signal: AbortSignal.timeout(5000) });
    } catch (error) {
      log.warn({ err: error, path }, 'the bot did not answer its health route');
      return sendJson(res, 503, { ok: false });
    }
    res.writeHead(response.status, { 'content-type': response.headers.get('content-type') ?? 'text/plain' });
    res.end(await response.text());
  }

  const refuse = (res: ServerResponse, refusal: Refusal): void => {
    log.warn({ status: refusal.status, error: refusal.error }, 'console request refused');
    res.setHeader('connection', 'close');
    sendJson(res, refusal.status, { ok: false, error: refusal.error });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    // DNS rebinding and other sites' pages: nothing is answered to a foreign Host or Origin, the page included.
    const foreign = refuseForeignHost(req.headers, options.allowedHosts ?? [], 'The local Slack console');
    if (foreign !== undefined) return refuse(res, foreign);
    const page = PAGE_FILES[url.pathname];
    if (method === 'GET' && page !== undefined) {
      const content = await readFile(join(options.pageDir, page.file));
      res.writeHead(200, { 'content-type': page.type, 'cache-control': 'no-cache' });
      res.end(content);
      return;
    }
    if (method === 'GET' && (url.pathname === '/healthz' || url.pathname === '/readyz'))
      return passThrough(url.pathname, res);
    if (url.pathname.startsWith('/console/api/')) {
      // A text/plain or form POST needs no preflight: only a declared JSON body may act.
      const undeclared = refuseUndeclaredBody(method, url.pathname, req.headers['content-type']);
      if (undeclared !== undefined) return refuse(res, undeclared);
      const raw = method === 'GET' ? Buffer.alloc(0) : await readBody(req);
      let body: Record<string, unknown> = {};
      if (raw.length > 0) {
        try {
          const parsed = JSON.parse(raw.toString('utf8')) as unknown;
          if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
            throw new Error('not an object');
          body = parsed as Record<string, unknown>;
        } catch {
          throw new HttpError(400, 'the body must be a JSON object');
        }
      }
      return pageApi(method, url.pathname.slice('/console/api'.length), url, body, res);
    }
    if (method === 'POST' && url.pathname.startsWith('/api/'))
      return webApiCall(url.pathname.slice('/api/'.length), req, await readBody(req), res);
    if (method === 'POST' && url.pathname.startsWith('/response/'))
      return responseUrl(url.pathname.slice('/response/'.length), await readBody(req), res);
    if ((method === 'POST' || method === 'PUT') && url.pathname.startsWith('/upload/')) {
      const file = ws.fileByUploadToken(url.pathname.slice('/upload/'.length));
      const bytes = await readBody(req);
      if (file === undefined) return sendJson(res, 404, { ok: false, error: 'file_not_found' });
      // One upload per URL, as Slack's: a URL seen later cannot replace the file.
      delete file.uploadToken;
      file.bytes = bytes;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`OK - ${bytes.length}`);
      return;
    }
    if (method === 'GET' && url.pathname === '/favicon.ico') {
      res.writeHead(204);
      res.end();
      return;
    }
    throw new HttpError(404, `nothing at ${method} ${url.pathname}: the console is at /`);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      if (status === 500) log.error({ err: error, url: req.url }, 'console request failed');
      if (!res.headersSent)
        sendJson(res, status, { ok: false, error: error instanceof Error ? error.message : String(error) });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shownHost =
    options.host === undefined || options.host === '127.0.0.1' || options.host === '0.0.0.0'
      ? 'localhost'
      : options.host;
  baseUrl = `http://${shownHost === 'localhost' ? '127.0.0.1' : shownHost}:${port}`;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    link,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err === undefined ? resolve() : reject(err)));
      }),
  };
}
