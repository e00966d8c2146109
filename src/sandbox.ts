/**
 * The sandbox: the whole product on one machine, with no Slack workspace and no AWS account. One process runs
 * the local Identity Center emulator with the example organisation, the bot configured by
 * access-desk.example.yml (its SQLite file kept across restarts), and the local Slack console that plays
 * Slack's part for it in the browser.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAccessDesk, type AccessDesk } from './app.js';
import { loadConfig } from './config/load.js';
import type { AccessDeskConfig } from './config/types.js';
import type { BotTarget } from './console/bot-link.js';
import { consoleChannels, consolePeople } from './console/people.js';
import { renderHome, renderMessage, renderModal } from './console/render/index.js';
import { startConsole, type ConsoleRenderer } from './console/server.js';
import { BOT, Workspace, type SavedWorkspace } from './console/workspace.js';
import { snapshot } from './emulator/control.js';
import { deserializeState, serializeState } from './emulator/persist.js';
import { startEmulator } from './emulator/server.js';
import { silentLogger, type Logger } from './log.js';
import { SANDBOX_ON_CALL, startPagerDutyStandIn, type StandInPerson } from './pagerduty/stand-in.js';

export interface SandboxOptions {
  /** The console's port (PORT); default 3000, 0 picks a free one. */
  port?: number;
  /** Default 127.0.0.1; HOST=0.0.0.0 in a container. */
  host?: string;
  /** Host names the console answers besides the loopback ones (ALLOWED_HOSTS). */
  allowedHosts?: readonly string[];
  /** The local Identity Center's port (EMULATOR_PORT); default 4566, 0 picks a free one. */
  emulatorPort?: number;
  /** Default `.sandbox/access-desk.sqlite`; `:memory:` forgets everything at exit. */
  databasePath?: string;
  /** Default the example organisation's, next to this file's folder. */
  configPath?: string;
  logger?: Logger;
  /**
   * A config file the environment named (ACCESS_DESK_CONFIG) that the sandbox does not use: its organisation is
   * the emulator's example, which only the example config describes. Said in the start-up line.
   */
  ignoredConfig?: string;
  /** The emulator's latency per AWS call; default 40 ms, as AWS from a nearby region. */
  latencyMs?: number;
  /** How long the emulator takes to provision an assignment; default 2 s. */
  provisioningDelayMs?: number;
}

export interface RunningSandbox {
  /** The console: `http://localhost:PORT`. */
  url: string;
  emulatorUrl: string;
  /** One line: what runs where (and, when the saved sandbox could not be read, that it started over). */
  summary: string;
  desk(): AccessDesk | undefined;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export const EXAMPLE_CONFIG_PATH = fileURLToPath(new URL('../access-desk.example.yml', import.meta.url));
export const SANDBOX_DATABASE_PATH = '.sandbox/access-desk.sqlite';
const PAGE_DIR = fileURLToPath(new URL('./console/page/', import.meta.url));
const EMULATOR_CREDENTIALS = { accessKeyId: 'AKIASANDBOX000000000', secretAccessKey: 'sandbox-not-a-secret' };

const renderer: ConsoleRenderer = {
  message: (message, ctx) => renderMessage(message, ctx),
  modal: (view, ctx, errors) => renderModal(view, ctx, errors),
  home: (view, ctx) => renderHome(view, ctx),
};

export class SandboxError extends Error {}

function sandboxConfig(path: string): AccessDeskConfig {
  const loaded = loadConfig(path, {});
  if (!loaded.ok)
    throw new SandboxError(`the sandbox's config ${path} is not valid:\n  ${loaded.errors.join('\n  ')}`);
  return loaded.config;
}

function removeDatabase(path: string): void {
  if (path === ':memory:') return;
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
}

/** Beside the database: the organisation and the console's messages, which the ledger's records point at. */
function savedPaths(databasePath: string): { organisation: string; console: string } | undefined {
  if (databasePath === ':memory:') return undefined;
  const dir = dirname(databasePath);
  return { organisation: join(dir, 'organisation.json'), console: join(dir, 'console.json') };
}

function writeAtomically(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

/** The console's "Open a session" goes to the emulator's control endpoint, as a test would. */
async function openEmulatorSession(
  emulatorUrl: string,
  body: Record<string, unknown>,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${emulatorUrl}/_emulator/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  return { status: response.status, body: await response.json() };
}

/** How often the sandbox saves what changed; and at stop. */
const SAVE_INTERVAL_MS = 1000;

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const logger = options.logger ?? silentLogger;
  const configPath = options.configPath ?? EXAMPLE_CONFIG_PATH;
  // PagerDuty's on-call endpoint answered locally (Omar on call in every schedule), the config pointed at it.
  const pagerdutyToken = `sandbox-pagerduty-${randomBytes(12).toString('hex')}`;
  const pagerduty = await startPagerDutyStandIn({
    token: pagerdutyToken,
    schedules: sandboxOnCallSchedules(sandboxConfig(configPath)),
  });
  const config = withPagerDutyAt(sandboxConfig(configPath), pagerduty.url);
  const databasePath = options.databasePath ?? SANDBOX_DATABASE_PATH;
  if (databasePath !== ':memory:') mkdirSync(dirname(databasePath), { recursive: true });

  const emulator = await startEmulator({
    port: options.emulatorPort ?? 4566,
    seed: true,
    // The bot signs with its own pair; the example organisation's (in its seed) is the one for the AWS CLI.
    credentials: [EMULATOR_CREDENTIALS],
    faults: { latencyMs: options.latencyMs ?? 40, provisioningDelayMs: options.provisioningDelayMs ?? 2000 },
    logger,
  }).catch(async (error: unknown) => {
    await pagerduty.close();
    throw error;
  });

  const directory = [...emulator.state.users.values()].map((u) => {
    const a = u.attributes as {
      Emails?: { Value?: string }[];
      Name?: { GivenName?: string; FamilyName?: string };
      Title?: string;
    };
    return {
      email: a.Emails?.[0]?.Value ?? u.UserName,
      ...(a.Name?.GivenName !== undefined ? { givenName: a.Name.GivenName } : {}),
      ...(a.Name?.FamilyName !== undefined ? { familyName: a.Name.FamilyName } : {}),
      ...(a.Title !== undefined ? { title: a.Title } : {}),
    };
  });
  const workspace = new Workspace(consolePeople(config, directory), consoleChannels(config));

  // The ledger names the organisation's ids and the console's messages: all three survive a restart together,
  // or the sandbox starts over as a whole.
  const saved = savedPaths(databasePath);
  let startedOver: string | undefined;
  if (saved !== undefined && existsSync(saved.organisation)) {
    try {
      emulator.restore(deserializeState(readFileSync(saved.organisation, 'utf8')));
      if (existsSync(saved.console)) {
        workspace.restore(JSON.parse(readFileSync(saved.console, 'utf8')) as SavedWorkspace);
      }
    } catch (error) {
      startedOver = `the saved sandbox in ${dirname(saved.organisation)} could not be read (${(error as Error).message}), so it started over`;
      emulator.reset();
      workspace.clear();
      removeDatabase(databasePath);
    }
  } else if (saved !== undefined && existsSync(databasePath)) {
    startedOver = `${databasePath} had no saved organisation beside it, so the sandbox started over`;
    removeDatabase(databasePath);
  }
  if (startedOver !== undefined) logger.warn({ databasePath }, startedOver);
  const signingSecret = randomBytes(32).toString('hex');
  const botToken = `xoxb-sandbox-${randomBytes(12).toString('hex')}`;
  let bot: BotTarget | undefined;
  let desk: AccessDesk | undefined;

  const console_ = await startConsole({
    workspace,
    render: renderer,
    bot: () => bot,
    botToken,
    org: () => snapshot(emulator.state),
    mailbox: () => emulator.state.mailbox,
    openSession: (body) => openEmulatorSession(emulator.url, body),
    reset: () => reset(),
    pageDir: PAGE_DIR,
    logger,
    port: options.port ?? 3000,
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.allowedHosts !== undefined ? { allowedHosts: options.allowedHosts } : {}),
  }).catch(async (error: unknown) => {
    await emulator.close();
    await pagerduty.close();
    throw error;
  });

  async function startBot(): Promise<void> {
    desk = await createAccessDesk({
      config,
      secrets: { slackBotToken: botToken, slackSigningSecret: signingSecret, pagerdutyToken },
      logger,
      aws: {
        region: config.identityCenter.region,
        endpoint: emulator.url,
        credentials: EMULATOR_CREDENTIALS,
      },
      slack: {
        apiUrl: `${consoleApiBase()}/api/`,
        botId: BOT.botId,
        botUserId: BOT.userId,
        port: 0,
        host: '127.0.0.1',
      },
      databasePath,
    });
    const { port } = await desk.start();
    bot = { url: `http://127.0.0.1:${port ?? 0}`, signingSecret };
  }
  const consoleApiBase = (): string => `http://127.0.0.1:${console_.port}`;

  let queue: Promise<void> = Promise.resolve();
  /** Starts over: an empty database, the organisation as seeded, no messages, no emails. One at a time. */
  function reset(): Promise<void> {
    queue = queue.then(async () => {
      bot = undefined;
      await desk?.stop();
      desk = undefined;
      removeDatabase(databasePath);
      if (saved !== undefined) for (const path of Object.values(saved)) rmSync(path, { force: true });
      emulator.reset();
      workspace.clear();
      await startBot();
      logger.info({ databasePath }, 'sandbox reset');
    });
    return queue;
  }

  try {
    await startBot();
  } catch (error) {
    await console_.close();
    await emulator.close();
    await pagerduty.close();
    throw error;
  }

  let lastSaved = '';
  const save = (): void => {
    if (saved === undefined) return;
    const { state } = emulator;
    const mark = `${emulator.calls.length}/${state.mailbox.length}/${state.operationsInProgress().length}/${state.provisioningsInProgress().length}/${state.sessions.size}/${workspace.version}`;
    if (mark === lastSaved) return;
    try {
      writeAtomically(saved.organisation, serializeState(emulator.state));
      writeAtomically(saved.console, JSON.stringify(workspace.snapshot()));
      lastSaved = mark;
    } catch (error) {
      logger.error({ err: error }, 'the sandbox could not save its organisation and messages');
    }
  };
  const saving = setInterval(save, SAVE_INTERVAL_MS);
  saving.unref();

  const summary =
    `access-desk sandbox: console ${console_.url} · mode sandbox (local Slack console, bot over signed HTTP at ${bot?.url ?? '?'}/slack/events)` +
    ` · config ${configPath}` +
    (options.ignoredConfig !== undefined
      ? ` (${options.ignoredConfig} ignored: the sandbox runs on its own example config)`
      : '') +
    ` · AWS local Identity Center ${emulator.url} (account ${emulator.state.instance.OwnerAccountId ?? 'local'}, region ${config.identityCenter.region})` +
    ` · database ${databasePath}` +
    ` · PagerDuty stand-in ${pagerduty.url} (Omar on call)` +
    (startedOver !== undefined ? `\n  note: ${startedOver}` : '');

  return {
    url: console_.url,
    emulatorUrl: emulator.url,
    summary,
    desk: () => desk,
    reset,
    async stop() {
      await queue.catch(() => undefined);
      clearInterval(saving);
      bot = undefined;
      await desk?.stop();
      save();
      await console_.close();
      await emulator.close();
      await pagerduty.close();
    },
  };
}

/** Every PagerDuty schedule the config names, with the sandbox's on-call person (Omar) on call in it. */
function sandboxOnCallSchedules(config: AccessDeskConfig): Record<string, StandInPerson[]> {
  const ids = Object.values(config.onCall?.schedules ?? {}).flatMap((s) =>
    'pagerduty' in s ? [s.pagerduty] : [],
  );
  return Object.fromEntries(ids.map((id) => [id, [SANDBOX_ON_CALL]]));
}

function withPagerDutyAt(config: AccessDeskConfig, url: string): AccessDeskConfig {
  return config.onCall === undefined
    ? config
    : { ...config, onCall: { ...config.onCall, pagerduty: { url } } };
}
