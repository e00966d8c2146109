/**
 * A recording fake of the Slack Web API on loopback, for tests and the local sandbox: point a WebClient's
 * `slackApiUrl` at `apiUrl` and read back every call. It answers the methods access-desk uses the way Slack
 * does (ok/error envelopes, message timestamps, D-channels for DMs), serves `response_url`s at
 * `/response/<id>`, and can be told to fail the next call of a method. For Socket Mode it answers
 * apps.connections.open with a WebSocket on itself that says `hello`, pushes envelopes and records the acks.
 * Files go through Slack's external upload flow: files.getUploadURLExternal hands out `/upload/<file id>` on
 * this fake, the bytes POSTed there are kept (with how they came: Content-Length or chunked), and
 * files.completeUploadExternal shares them in a channel; failNextUpload makes the next POST fail. Files
 * people share (shareFile) are described by files.info and served at their private URL to the bot token alone.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FakeSlackUser {
  email?: string;
  name?: string;
  /** A deactivated account: users.info still answers, with `deleted: true`. */
  deleted?: boolean;
}

export interface FakeSlackOptions {
  users?: Record<string, FakeSlackUser>;
  /** User group id (S…) → member user ids. */
  usergroups?: Record<string, string[]>;
}

export interface RecordedCall {
  method: string;
  /** The call's arguments, with Block Kit and other JSON-encoded fields decoded. Never the token. */
  args: Record<string, unknown>;
}

export interface RecordedResponse {
  /** The id in `/response/<id>`. */
  id: string;
  body: Record<string, unknown>;
}

export interface StoredMessage {
  channel: string;
  ts: string;
  text?: unknown;
  blocks?: unknown;
  /** Secondary attachments, as given (`[{ color, blocks }]`); undefined when the message has none. */
  attachments?: unknown;
}

/** A file in Slack's external upload flow, as far as it got. */
export interface FakeUpload {
  fileId: string;
  /** As given to files.getUploadURLExternal. */
  filename: string;
  length: number;
  /** The bytes POSTed to the upload URL; undefined until then. */
  bytes?: Buffer;
  /** How they came: the POST's Content-Length and Transfer-Encoding headers, as sent. */
  contentLength?: string;
  transferEncoding?: string;
  /** Set by files.completeUploadExternal. */
  completed?: { channelId: string; title: string; initialComment: string };
}

/** A file someone shared in Slack (a message's attachment, or a modal's file input). */
export interface FakeSharedFile {
  /** Slack user id of whoever shared it. */
  user: string;
  name: string;
  content: Buffer | string;
  /** Slack's `filetype`; default from the name (`csv` for a .csv). */
  filetype?: string;
  /** What files.info says its size is; default the content's length (a file may lie about it). */
  size?: number;
}

export interface FakeSlack {
  /** `http://127.0.0.1:PORT/api/`: the WebClient's slackApiUrl. */
  apiUrl: string;
  /** `http://127.0.0.1:PORT`. */
  url: string;
  calls: RecordedCall[];
  /** What was posted to response URLs, in order. */
  responses: RecordedResponse[];
  /** Messages as they stand now (after updates), by `channel/ts`. */
  messages: Map<string, StoredMessage>;
  /** A response URL on this fake for an interaction payload. */
  responseUrl(id: string): string;
  callsTo(method: string): RecordedCall[];
  /** Files uploaded through the external upload flow, in the order their URLs were asked for. */
  uploads: FakeUpload[];
  /**
   * Shares a file as a person would: files.info describes it, and its private URL (`/files/<id>/<name>` on this
   * fake) serves its bytes to a request with a bearer token; without one, a sign-in page, as Slack does.
   */
  shareFile(file: FakeSharedFile): string;
  /** Every download of a shared file: which, and the Authorization header it came with. */
  downloads: { fileId: string; authorization?: string }[];
  /** Socket Mode: JSON messages the app sent over the WebSocket (envelope acks), in order. */
  socketMessages: Record<string, unknown>[];
  /** Socket Mode: pushes an envelope to every connected app; false when none is connected. */
  socketSend(envelope: Record<string, unknown>): boolean;
  /** Socket Mode: pushes one text message as it is (JSON or not), as a broken or hostile peer would. */
  socketSendText(text: string): boolean;
  /** Socket Mode: how many apps are connected and have been said hello to. */
  socketConnections(): number;
  /** The next call of `method` answers `{ ok: false, error }` (Slack's error envelope). */
  failNext(method: string, error: string): void;
  /**
   * The next POST to an upload URL fails: answered with that HTTP status (after its body is read), or `reset`:
   * its connection is cut once the first bytes have arrived. Nothing is kept either way.
   */
  failNextUpload(how: number | 'reset'): void;
  close(): Promise<void>;
}

const FIRST_TS = 1_700_000_000;

/** Slack's form encoding sends objects as JSON strings; decode those so tests read Block Kit as objects. */
function decodeValue(value: string): unknown {
  const t = value.trim();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      return JSON.parse(t) as unknown;
    } catch {
      return value;
    }
  }
  return value;
}

function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (raw === '') return {};
  if (contentType?.includes('application/json') === true) {
    const parsed = JSON.parse(raw) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    if (key !== 'token') out[key] = decodeValue(value);
  }
  return out;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const users = options.users ?? {};
  const usergroups = options.usergroups ?? {};
  const calls: RecordedCall[] = [];
  const responses: RecordedResponse[] = [];
  const messages = new Map<string, StoredMessage>();
  const failures = new Map<string, string[]>();
  const uploads: FakeUpload[] = [];
  const uploadFailures: (number | 'reset')[] = [];
  const shared = new Map<string, FakeSharedFile>();
  const downloads: { fileId: string; authorization?: string }[] = [];
  let messageCount = 0;
  let viewCount = 0;

  const nextTs = (): string => {
    messageCount += 1;
    return `${FIRST_TS + messageCount}.000100`;
  };
  const dmChannelOf = (userId: string): string => `D${userId.replace(/^[UW]/, '')}`;

  const view = (args: Record<string, unknown>): Record<string, unknown> => {
    viewCount += 1;
    const given = typeof args.view === 'object' && args.view !== null ? args.view : {};
    return { ok: true, view: { id: `V${String(viewCount).padStart(8, '0')}`, ...given } };
  };

  let baseUrl = '';
  const methods: Record<string, (args: Record<string, unknown>) => Record<string, unknown>> = {
    'apps.connections.open': () => ({ ok: true, url: `${baseUrl.replace(/^http/, 'ws')}/socket` }),
    'auth.test': () => ({
      ok: true,
      user_id: 'UBOT',
      bot_id: 'BBOT',
      team_id: 'T0000TEAM',
      user: 'access-desk',
    }),
    'chat.postMessage': (args) => {
      const requested = str(args.channel);
      const channel = /^[UW]/.test(requested) ? dmChannelOf(requested) : requested;
      if (channel === '') return { ok: false, error: 'channel_not_found' };
      const ts = nextTs();
      const attachments = args.attachments !== undefined ? { attachments: args.attachments } : {};
      messages.set(`${channel}/${ts}`, { channel, ts, text: args.text, blocks: args.blocks, ...attachments });
      return { ok: true, channel, ts, message: { text: args.text, blocks: args.blocks, ...attachments, ts } };
    },
    'chat.update': (args) => {
      const key = `${str(args.channel)}/${str(args.ts)}`;
      const existing = messages.get(key);
      if (existing === undefined) return { ok: false, error: 'message_not_found' };
      // Like Slack, attachments left out are kept; an empty array clears them.
      messages.set(key, {
        ...existing,
        text: args.text,
        blocks: args.blocks,
        ...(args.attachments !== undefined ? { attachments: args.attachments } : {}),
      });
      return { ok: true, channel: existing.channel, ts: existing.ts, text: args.text };
    },
    'chat.postEphemeral': () => ({ ok: true, message_ts: nextTs() }),
    'views.open': view,
    'views.update': view,
    'views.push': view,
    'views.publish': view,
    'users.info': (args) => {
      const id = str(args.user);
      const user = users[id];
      if (user === undefined) return { ok: false, error: 'user_not_found' };
      return {
        ok: true,
        user: {
          id,
          name: user.name ?? id.toLowerCase(),
          deleted: user.deleted ?? false,
          profile: { real_name: user.name ?? id, ...(user.email !== undefined ? { email: user.email } : {}) },
        },
      };
    },
    'users.lookupByEmail': (args) => {
      const email = str(args.email).toLowerCase();
      const found = Object.entries(users).find(([, u]) => u.email?.toLowerCase() === email);
      if (found === undefined) return { ok: false, error: 'users_not_found' };
      return { ok: true, user: { id: found[0], deleted: found[1].deleted ?? false } };
    },
    'conversations.open': (args) => {
      const ids = str(args.users).split(',').filter(Boolean);
      const [first] = ids;
      if (first === undefined) return { ok: false, error: 'users_list_not_supplied' };
      return { ok: true, channel: { id: dmChannelOf(first) } };
    },
    'files.getUploadURLExternal': (args) => {
      const filename = str(args.filename);
      const length = Number(args.length);
      if (filename === '' || !Number.isInteger(length) || length < 1)
        return { ok: false, error: 'invalid_arguments' };
      const fileId = `F${String(uploads.length + 1).padStart(10, '0')}`;
      uploads.push({ fileId, filename, length });
      return { ok: true, upload_url: `${baseUrl}/upload/${fileId}`, file_id: fileId };
    },
    'files.completeUploadExternal': (args) => {
      const files = Array.isArray(args.files) ? (args.files as { id?: unknown; title?: unknown }[]) : [];
      const found = files.map((f) => uploads.find((u) => u.fileId === f.id));
      // Slack refuses to complete a file whose bytes never arrived, or arrived short.
      if (files.length === 0 || found.some((u) => u?.bytes?.length !== u?.length || u === undefined))
        return { ok: false, error: 'file_upload_not_completed' };
      const channelId = str(args.channel_id);
      found.forEach((u, i) => {
        if (u !== undefined)
          u.completed = { channelId, title: str(files[i]?.title), initialComment: str(args.initial_comment) };
      });
      return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title })) };
    },
    'files.info': (args) => {
      const id = str(args.file);
      const file = shared.get(id);
      if (file === undefined) return { ok: false, error: 'file_not_found' };
      const url = `${baseUrl}/files/${id}/${encodeURIComponent(file.name)}`;
      return {
        ok: true,
        file: {
          id,
          name: file.name,
          title: file.name,
          user: file.user,
          filetype: file.filetype ?? (file.name.toLowerCase().endsWith('.csv') ? 'csv' : 'text'),
          mimetype: file.name.toLowerCase().endsWith('.csv') ? 'text/csv' : 'text/plain',
          size: file.size ?? Buffer.byteLength(file.content),
          url_private: url,
          url_private_download: `${url}?download=1`,
        },
      };
    },
    'usergroups.users.list': (args) => {
      const members = usergroups[str(args.usergroup)];
      if (members === undefined) return { ok: false, error: 'no_such_subteam' };
      return { ok: true, users: members };
    },
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method === 'POST' && url.pathname.startsWith('/upload/')) {
        const upload = uploads.find((u) => u.fileId === url.pathname.slice('/upload/'.length));
        const failure = uploadFailures.shift();
        const chunks: Buffer[] = [];
        for await (const chunk of req) {
          if (failure === 'reset') {
            req.socket.destroy();
            return;
          }
          chunks.push(chunk as Buffer);
        }
        if (failure === 'reset') {
          req.socket.destroy();
          return;
        }
        if (failure !== undefined) {
          res.writeHead(failure, { 'content-type': 'text/plain' }).end('upload refused by the fake');
          return;
        }
        if (upload === undefined) {
          res.writeHead(404).end();
          return;
        }
        upload.bytes = Buffer.concat(chunks);
        const { 'content-length': contentLength, 'transfer-encoding': transferEncoding } = req.headers;
        if (contentLength !== undefined) upload.contentLength = contentLength;
        if (transferEncoding !== undefined) upload.transferEncoding = transferEncoding;
        res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${upload.bytes.length}`);
        return;
      }
      if (req.method === 'GET' && url.pathname.startsWith('/files/')) {
        const fileId = url.pathname.split('/')[2] ?? '';
        const authorization = req.headers.authorization;
        downloads.push({ fileId, ...(authorization !== undefined ? { authorization } : {}) });
        const file = shared.get(fileId);
        if (file === undefined) {
          res.writeHead(404).end();
          return;
        }
        if (authorization?.startsWith('Bearer xoxb-') !== true) {
          // Slack answers a request without the bot token with its sign-in page, and 200 OK.
          res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Sign in to Slack</html>');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from(file.content));
        return;
      }
      const raw = await readBody(req);
      if (req.method === 'POST' && url.pathname.startsWith('/response/')) {
        responses.push({
          id: decodeURIComponent(url.pathname.slice('/response/'.length)),
          body: parseBody(raw, 'application/json'),
        });
        send(res, 200, { ok: true });
        return;
      }
      if (req.method === 'POST' && url.pathname.startsWith('/api/')) {
        const method = url.pathname.slice('/api/'.length);
        const args = parseBody(raw, req.headers['content-type']);
        calls.push({ method, args });
        const queued = failures.get(method);
        const error = queued?.shift();
        if (error !== undefined) {
          send(res, 200, { ok: false, error });
          return;
        }
        const handler = methods[method];
        send(res, 200, handler === undefined ? { ok: false, error: 'unknown_method' } : handler(args));
        return;
      }
      send(res, 404, { ok: false, error: 'not_found' });
    })().catch((err: unknown) => {
      send(res, 500, { ok: false, error: err instanceof Error ? err.message : String(err) });
    });
  });

  const sockets = new Set<Socket>();
  const socketMessages: Record<string, unknown>[] = [];
  server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    const key = req.headers['sec-websocket-key'];
    if (req.url?.startsWith('/socket') !== true || typeof key !== 'string') {
      socket.destroy();
      return;
    }
    const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => sockets.delete(socket));
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (let frame = readFrame(buffered); frame !== undefined; frame = readFrame(buffered)) {
        buffered = buffered.subarray(frame.length);
        if (frame.opcode === 0x1) {
          const parsed = JSON.parse(frame.payload.toString('utf8')) as unknown;
          if (typeof parsed === 'object' && parsed !== null)
            socketMessages.push(parsed as Record<string, unknown>);
        } else if (frame.opcode === 0x9) {
          socket.write(writeFrame(0xa, frame.payload));
        } else if (frame.opcode === 0x8) {
          socket.end(writeFrame(0x8, frame.payload));
          sockets.delete(socket);
        }
      }
    });
    socket.write(writeFrame(0x1, Buffer.from(JSON.stringify({ type: 'hello', num_connections: 1 }))));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  baseUrl = url;

  return {
    apiUrl: `${url}/api/`,
    url,
    calls,
    responses,
    messages,
    responseUrl: (id) => `${url}/response/${encodeURIComponent(id)}`,
    callsTo: (method) => calls.filter((c) => c.method === method),
    uploads,
    shareFile: (file) => {
      const fileId = `F${String(shared.size + 1).padStart(4, '0')}SHARED`;
      shared.set(fileId, file);
      return fileId;
    },
    downloads,
    failNext: (method, error) => {
      failures.set(method, [...(failures.get(method) ?? []), error]);
    },
    failNextUpload: (how) => {
      uploadFailures.push(how);
    },
    socketMessages,
    socketSend: (envelope) => {
      for (const socket of sockets) socket.write(writeFrame(0x1, Buffer.from(JSON.stringify(envelope))));
      return sockets.size > 0;
    },
    socketSendText: (text) => {
      for (const socket of sockets) socket.write(writeFrame(0x1, Buffer.from(text)));
      return sockets.size > 0;
    },
    socketConnections: () => sockets.size,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
        server.close((err) => (err === undefined ? resolve() : reject(err)));
      }),
  };
}

/** One WebSocket frame from the server (never masked, never fragmented: the fake sends small JSON). */
function writeFrame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const head =
    length < 126
      ? Buffer.from([0x80 | opcode, length])
      : length < 65_536
        ? Buffer.from([0x80 | opcode, 126, length >> 8, length & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 127]), bigEndian64(length)]);
  return Buffer.concat([head, payload]);
}

function bigEndian64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

/** One frame from the client (masked, as RFC 6455 requires of clients), or undefined until it has all arrived. */
function readFrame(data: Buffer): { opcode: number; payload: Buffer; length: number } | undefined {
  if (data.length < 2) return undefined;
  const opcode = (data[0] ?? 0) & 0x0f;
  const masked = ((data[1] ?? 0) & 0x80) !== 0;
  let length = (data[1] ?? 0) & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (data.length < 4) return undefined;
    length = data.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (data.length < 10) return undefined;
    length = Number(data.readBigUInt64BE(2));
    offset = 10;
  }
  const maskOffset = offset;
  if (masked) offset += 4;
  if (data.length < offset + length) return undefined;
  const payload = Buffer.from(data.subarray(offset, offset + length));
  if (masked) {
    for (let i = 0; i < payload.length; i += 1)
      payload[i] = (payload[i] ?? 0) ^ (data[maskOffset + (i % 4)] ?? 0);
  }
  return { opcode, payload, length: offset + length };
}
