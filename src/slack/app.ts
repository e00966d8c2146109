/**
 * The Bolt app: HTTP (Events API at /slack/events, plus GET /healthz and GET /readyz) or Socket Mode, with every listener
 * registered. Nothing here talks to AWS or the ledger; listeners call the access service they are given.
 */
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel, type CustomRoute } from '@slack/bolt';
import type { AdminApi } from '../access/admin-api.js';
import type { BulkOnboardApi } from '../access/bulk-api.js';
import type { AccessApi } from '../access/api.js';
import type { ClickApi } from '../access/click-api.js';
import type { AuditApi } from '../access/audit/api.js';
import type { InsightApi } from '../access/insight-api.js';
import type { AccessDeskConfig, SecretsConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import { boltLogger, slackLogLevel } from './bolt-logger.js';
import type { HomeTabs } from './home-publisher.js';
import { slackClientOptions } from './client.js';
import { registerListeners } from './listeners/index.js';
import { guardedHttpReceiver, guardedSocketModeReceiver } from './receivers.js';

export interface SlackAppOptions {
  config: AccessDeskConfig;
  secrets: SecretsConfig;
  access: AccessApi;
  /** Clicks whose effect must not be lost, recorded before they are acknowledged (src/access/clicks.ts). */
  clicks: ClickApi;
  /** The admins' work (onboard, offboard, role, migrate, Retry). Absent: those answer "not available". */
  admin?: AdminApi;
  /** Bulk onboarding from a CSV file shared in Slack. Absent: it answers "not available". */
  bulk?: BulkOnboardApi;
  /** whois, the user listing, my access on the Home tab. Absent: those answer "not available". */
  insight?: InsightApi;
  /** `/access audit`. Absent: it answers "not available". */
  audit?: AuditApi;
  /** Records Home opens and draws the tab (src/slack/home-publisher.ts). Absent: drawn fresh, not recorded. */
  home?: HomeTabs;
  logger: Logger;
  /** Web API base URL: a local fake in tests, the console in the sandbox. Absent: Slack. */
  slackApiUrl?: string;
  /**
   * The bot's ids. Given both, Bolt never calls auth.test (tests, sandbox); absent, start() asks Slack once and
   * fails loudly if the token is wrong.
   */
  botId?: string;
  botUserId?: string;
  /** Default: Socket Mode exactly when `secrets.slackAppToken` is set. */
  socketMode?: boolean;
  /** HTTP mode: where to listen (default 3000 on all interfaces). Socket Mode: where /healthz and /readyz listen. */
  port?: number;
  host?: string;
  /**
   * What GET /readyz asks: ok, and one short word or sentence per check for the log (never a secret; the caller
   * is told ok alone). Absent: /readyz answers 200.
   */
  readiness?: ReadinessCheck;
}

export interface Readiness {
  ok: boolean;
  /** Per dependency: 'ok', or why it is not (e.g. `aws: "network: …"`). */
  checks: Record<string, string>;
}
export type ReadinessCheck = () => Promise<Readiness>;

export interface SlackApp {
  app: App;
  /** HTTP mode: resolves with the port actually bound (useful with port 0). */
  start(): Promise<{ port?: number }>;
  stop(): Promise<void>;
}

export const EVENTS_PATH = '/slack/events';
const DEFAULT_PORT = 3000;

const healthz: CustomRoute = {
  path: '/healthz',
  method: ['GET'],
  handler: (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('ok');
  },
};

/**
 * GET /readyz: 200 `{"ok":true}` when every check answers ok, else 503 `{"ok":false}`. Anyone can call it, so it
 * says the status alone: why a check failed (AWS's words, which may name role ARNs and account ids) goes to the
 * log, where the check writes it (src/readiness.ts), never to the caller.
 */
export function readyzRoute(readiness: ReadinessCheck | undefined, logger: Logger): CustomRoute {
  const answer = (res: ServerResponse, ok: boolean): void => {
    res.writeHead(ok ? 200 : 503, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
    });
    res.end(JSON.stringify({ ok }));
  };
  return {
    path: '/readyz',
    method: ['GET'],
    handler: (_req, res) => {
      if (readiness === undefined) {
        answer(res, true);
        return;
      }
      readiness().then(
        (result) => answer(res, result.ok),
        (error: unknown) => {
          logger.error({ err: error }, 'readiness check failed');
          answer(res, false);
        },
      );
    },
  };
}

export class SlackSetupError extends Error {
  readonly code = 'slack_setup';
}

export function createSlackApp(options: SlackAppOptions): SlackApp {
  const { secrets, logger } = options;
  const log = logger.child({ module: 'slack.app' });
  const socketMode = options.socketMode ?? secrets.slackAppToken !== undefined;
  if (secrets.slackBotToken === undefined) {
    throw new SlackSetupError('SLACK_BOT_TOKEN is not set: the Slack app needs its bot token (xoxb-…)');
  }
  if (socketMode && secrets.slackAppToken === undefined) {
    throw new SlackSetupError('Socket Mode needs SLACK_APP_TOKEN (xapp-…, scope connections:write)');
  }
  if (!socketMode && secrets.slackSigningSecret === undefined) {
    throw new SlackSetupError('SLACK_SIGNING_SECRET is not set: HTTP mode cannot verify requests without it');
  }
  const knownBot = options.botId !== undefined && options.botUserId !== undefined;
  const bolt = boltLogger(logger.child({ module: 'slack.bolt' }));
  const customRoutes = [healthz, readyzRoute(options.readiness, log)];
  const guard = log.child({ module: 'slack.guard' });

  const app = new App({
    token: secrets.slackBotToken,
    ...(knownBot ? { botId: options.botId, botUserId: options.botUserId } : {}),
    // With the bot's ids known there is nothing to verify; otherwise init() (in start) checks the token once.
    tokenVerificationEnabled: !knownBot,
    deferInitialization: true,
    logger: bolt,
    logLevel: slackLogLevel(logger, LogLevel.INFO),
    // A fresh object: Bolt writes its logger into the options it is given.
    clientOptions: slackClientOptions(logger, options.slackApiUrl),
    // No conversation store: nothing here uses context.conversation, and Bolt's default (in memory, so wrong with
    // more than one instance) runs as global middleware before every listener, so before every ack(): a store
    // lookup that fails with a new Error for each request. Off, a burst of commands is acknowledged sooner.
    convoStore: false,
    socketMode,
    // Bolt's receivers behind a guard (receivers.ts): nothing Slack would never send reaches a listener.
    receiver: socketMode
      ? guardedSocketModeReceiver({
          appToken: secrets.slackAppToken ?? '',
          port: options.port ?? DEFAULT_PORT,
          customRoutes,
          clientOptions: { ...slackClientOptions(logger, options.slackApiUrl) },
          boltLogger: bolt,
          log: guard,
        })
      : guardedHttpReceiver({
          signingSecret: secrets.slackSigningSecret ?? '',
          endpoint: EVENTS_PATH,
          customRoutes,
          boltLogger: bolt,
          log: guard,
        }),
  });

  registerListeners(app, {
    access: options.access,
    clicks: options.clicks,
    config: options.config,
    logger,
    ...(options.admin !== undefined ? { admin: options.admin } : {}),
    ...(options.bulk !== undefined ? { bulk: options.bulk } : {}),
    ...(options.audit !== undefined ? { audit: options.audit } : {}),
    ...(options.insight !== undefined ? { insight: options.insight } : {}),
    ...(options.home !== undefined ? { home: options.home } : {}),
  });

  let started = false;
  return {
    app,
    async start() {
      await app.init();
      if (socketMode) {
        await app.start();
        started = true;
        log.info({ mode: 'socket' }, 'Slack app connected over Socket Mode');
        return {};
      }
      const server = (await app.start({
        port: options.port ?? DEFAULT_PORT,
        ...(options.host !== undefined ? { host: options.host } : {}),
      })) as Server;
      started = true;
      const { port } = server.address() as AddressInfo;
      log.info({ mode: 'http', port, path: EVENTS_PATH }, 'Slack app listening');
      return { port };
    },
    async stop() {
      if (!started) return;
      started = false;
      await app.stop();
    },
  };
}
