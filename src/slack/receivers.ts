/**
 * Bolt's receivers with a guard in front: nothing reaches Bolt that Slack would never send. Over HTTP, a request
 * to the events endpoint is verified first exactly as Bolt verifies it (a bad signature or a stale timestamp
 * still answers 401 and nothing is parsed), then parsed as Bolt parses it and shape-checked (payload-shape.ts):
 * a malformed body answers 400 before Bolt reads a field of it. In Socket Mode, an envelope that is not JSON of
 * a known type with a well-formed payload is dropped (and logged) before the Socket Mode client reads it.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import {
  HTTPModuleFunctions,
  HTTPReceiver,
  SocketModeReceiver,
  type CustomRoute,
  type Logger as BoltLogger,
} from '@slack/bolt';
import type { Logger } from '../log.js';
import { checkSlackBody, type BodyKind } from './payload-shape.js';

export interface HttpReceiverOptions {
  signingSecret: string;
  endpoint: string;
  customRoutes: CustomRoute[];
  /** Bolt's own logger (its lines), and ours for the guard's. */
  boltLogger: BoltLogger;
  log: Logger;
}

const answer = (res: ServerResponse, status: number): void => {
  if (res.headersSent) return;
  res.writeHead(status);
  res.end();
};

/** The events endpoint's requests through the guard; everything else (health, readiness) straight to Bolt. */
export function guardedHttpReceiver(options: HttpReceiverOptions): HTTPReceiver {
  const { signingSecret, endpoint, log } = options;
  const receiver = new HTTPReceiver({
    signingSecret,
    endpoints: endpoint,
    customRoutes: options.customRoutes,
    logger: options.boltLogger,
    // Answer Slack at ack(); the work after it must never hold the 3 s acknowledgement.
    processBeforeResponse: false,
  });
  const bolt = receiver.requestListener;
  const guarded: RequestListener = (req, res) => {
    let path: string;
    try {
      path = new URL(req.url ?? '/', 'http://localhost').pathname;
    } catch {
      answer(res, 400);
      return;
    }
    if (path !== endpoint || req.method?.toUpperCase() !== 'POST') {
      bolt(req, res);
      return;
    }
    guardEvent(req, res, { signingSecret, log }).then(
      (pass) => {
        if (pass) bolt(req, res);
      },
      (err: unknown) => {
        // A bug in the guard itself: the request is refused, never passed on unchecked.
        log.error({ err }, 'the request guard failed');
        answer(res, 400);
      },
    );
  };
  receiver.requestListener = guarded;
  return receiver;
}

/**
 * Verifies, parses and shape-checks one request to the events endpoint; answers it (401, 413 or 400) and
 * returns false when it must not reach Bolt. On true, the request carries its read body (`rawBody`), which
 * Bolt takes instead of reading the stream again, and verifies again.
 */
async function guardEvent(
  req: IncomingMessage,
  res: ServerResponse,
  { signingSecret, log }: { signingSecret: string; log: Logger },
): Promise<boolean> {
  let buffered: Awaited<ReturnType<typeof HTTPModuleFunctions.parseAndVerifyHTTPRequest>>;
  try {
    buffered = await HTTPModuleFunctions.parseAndVerifyHTTPRequest(
      { enabled: true, signingSecret, bodyLimit: HTTPModuleFunctions.defaultBodyLimit },
      req,
    );
  } catch (err) {
    const tooLarge =
      HTTPModuleFunctions.isRawBodyError(err) && (err as { statusCode?: number }).statusCode === 413;
    log.warn({ status: tooLarge ? 413 : 401 }, tooLarge ? 'request body too large' : 'request not verified');
    answer(res, tooLarge ? 413 : 401);
    return false;
  }
  let body: unknown;
  try {
    body = HTTPModuleFunctions.parseHTTPRequestBody(buffered);
  } catch {
    log.warn({ status: 400 }, 'signed request whose body is not what it says it is (form or JSON)');
    answer(res, 400);
    return false;
  }
  const shape = checkSlackBody(body);
  if (!shape.ok) {
    log.warn({ status: 400, problem: shape.problem }, 'signed request of a shape Slack never sends');
    answer(res, 400);
    return false;
  }
  return true;
}

export interface SocketReceiverOptions {
  appToken: string;
  /** Where GET /healthz and /readyz listen (Bolt serves custom routes on this port in Socket Mode). */
  port: number;
  customRoutes: CustomRoute[];
  /** Options for the Web API client that opens the connection (apps.connections.open). */
  clientOptions: Record<string, unknown>;
  boltLogger: BoltLogger;
  log: Logger;
}

/** The payload each Socket Mode envelope type carries; other types are the connection's own (hello, …). */
const ENVELOPE_KINDS: Readonly<Record<string, BodyKind>> = {
  slash_commands: 'command',
  interactive: 'interactive',
  events_api: 'event',
};
const CONNECTION_TYPES: ReadonlySet<string> = new Set(['hello', 'disconnect']);

/** Whether one WebSocket message may reach the Socket Mode client, or why not. */
export function checkEnvelope(
  data: unknown,
  isBinary: boolean,
): { ok: true } | { ok: false; problem: string } {
  if (isBinary) return { ok: true }; // the client ignores binary messages itself
  let envelope: unknown;
  try {
    envelope = JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data as ArrayBuffer));
  } catch {
    return { ok: false, problem: 'the message is not JSON' };
  }
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) {
    return { ok: false, problem: 'the envelope is not an object' };
  }
  const { type, envelope_id: envelopeId, payload } = envelope as Record<string, unknown>;
  if (typeof type === 'string' && CONNECTION_TYPES.has(type)) return { ok: true };
  const kind = typeof type === 'string' ? ENVELOPE_KINDS[type] : undefined;
  if (kind === undefined) return { ok: false, problem: 'the envelope is of no type this app takes' };
  if (typeof envelopeId !== 'string' || envelopeId === '') {
    return { ok: false, problem: 'the envelope has no envelope_id' };
  }
  const shape = checkSlackBody(payload, kind);
  return shape.ok ? shape : { ok: false, problem: shape.problem.replace(/^the body/, 'the payload') };
}

export function guardedSocketModeReceiver(options: SocketReceiverOptions): SocketModeReceiver {
  const { log } = options;
  const receiver = new SocketModeReceiver({
    appToken: options.appToken,
    logger: options.boltLogger,
    customRoutes: options.customRoutes,
    installerOptions: { port: options.port, clientOptions: options.clientOptions },
  });
  const { client } = receiver;
  // The client reads each message with its own (bound) listener, which trusts `type` and `payload`.
  const readers = client.listeners('ws_message') as ((data: unknown, isBinary: boolean) => unknown)[];
  client.removeAllListeners('ws_message');
  client.on('ws_message', (data: unknown, isBinary: boolean) => {
    const verdict = checkEnvelope(data, isBinary);
    if (!verdict.ok) {
      log.warn({ problem: verdict.problem }, 'Socket Mode envelope of a shape Slack never sends: dropped');
      return;
    }
    for (const read of readers) {
      Promise.resolve()
        .then(() => read(data, isBinary))
        .catch((err: unknown) => log.error({ err }, 'Socket Mode message failed'));
    }
  });
  return receiver;
}
