import { createAccessDesk, type AccessDesk, type AccessDeskOptions } from '../../src/app.js';
import type { Seed } from '../../src/emulator/seed.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { silentLogger, type Logger } from '../../src/log.js';
import { exampleConfig, PEOPLE } from './access-harness.js';
import { testCredentials } from './aws-clients.js';
import { startFakeSlack, type FakeSlack, type FakeSlackUser } from './fake-slack.js';
import { expect } from 'vitest';
import {
  blockActionsBody,
  postToSlackEvents,
  slashCommandBody,
  waitForResponse,
  type ButtonFields,
  type SlackTarget,
} from './slack-requests.js';

export const SIGNING_SECRET = 'e2e-signing-secret-0123456789abcdef';
const BOT_TOKEN = 'xoxb-e2e-token';

export interface DeskHarness {
  desk: AccessDesk;
  emulator: RunningEmulator;
  slack: FakeSlack;
  target: SlackTarget;
  close(): Promise<void>;
}

/** The whole product as it runs: the real Bolt App on loopback, SQLite, the emulator, a fake Slack Web API. */
export async function startDesk(
  options: {
    provisioningDelayMs?: number;
    latencyMs?: number;
    rateLimits?: boolean;
    seed?: Seed;
    /** Slack users besides the configured people (not in `people:`, so matched by their profile email). */
    slackUsers?: Record<string, FakeSlackUser>;
    /** Edits the example config's YAML before it is parsed. */
    editConfig?: (yaml: string) => string;
    /** Slack user groups (S… → member ids); the object is read at each call, so a test may change it. */
    usergroups?: Record<string, string[]>;
    /** Where the desk logs; silent by default. */
    logger?: Logger;
    /** /readyz's window and time source. */
    readiness?: AccessDeskOptions['readiness'];
    /** The desk's clock (e.g. a ManualClock, to reach what falls due hours later); the system's by default. */
    clock?: AccessDeskOptions['clock'];
    /** PAGERDUTY_TOKEN, for on-call approval against the PagerDuty stand-in (src/pagerduty/stand-in.ts). */
    pagerdutyToken?: string;
  } = {},
) {
  const emulator = await startEmulator({
    credentials: [testCredentials],
    rateLimits: options.rateLimits ?? false,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    faults: { provisioningDelayMs: options.provisioningDelayMs ?? 40, latencyMs: options.latencyMs ?? 0 },
  });
  const config = exampleConfig(options.editConfig);
  const slack = await startFakeSlack({
    users: {
      ...Object.fromEntries(
        Object.entries(config.people).map(([id, email]) => [id, { email, name: email.split('@')[0] }]),
      ),
      ...options.slackUsers,
    },
    ...(options.usergroups !== undefined ? { usergroups: options.usergroups } : {}),
  });
  const desk = await createAccessDesk({
    config,
    secrets: {
      slackBotToken: BOT_TOKEN,
      slackSigningSecret: SIGNING_SECRET,
      ...(options.pagerdutyToken !== undefined ? { pagerdutyToken: options.pagerdutyToken } : {}),
    },
    logger: options.logger ?? silentLogger,
    ...(options.readiness !== undefined ? { readiness: options.readiness } : {}),
    ...(options.clock !== undefined ? { clock: options.clock } : {}),
    aws: {
      region: 'eu-west-1',
      endpoint: emulator.url,
      credentials: testCredentials,
      assignments: { pollInitialMs: 20, pollMaxMs: 100 },
    },
    slack: { apiUrl: slack.apiUrl, botId: 'B0000BOT01', botUserId: 'U0000BOT01', port: 0, host: '127.0.0.1' },
    databasePath: ':memory:',
  });
  const { port } = await desk.start();
  return {
    desk,
    emulator,
    slack,
    target: { url: `http://127.0.0.1:${port}`, signingSecret: SIGNING_SECRET },
    close: async () => {
      await desk.stop();
      await slack.close();
      await emulator.close();
    },
  } satisfies DeskHarness;
}

export { PEOPLE };

/** Polls an async probe until it answers (not undefined/false), a bounded number of times; no timed assertion. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  { tries = 500, intervalMs = 10 }: { tries?: number; intervalMs?: number } = {},
): Promise<T> {
  for (let i = 0; i < tries; i += 1) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`gave up waiting for ${what}`);
}

let commands = 0;

/**
 * `/access <line>` typed by `userId`, signed as Slack signs it; resolves with the answer at its response URL, as
 * JSON text (the command must be acknowledged with 200).
 */
export async function commandAnswer(harness: DeskHarness, userId: string, line: string): Promise<string> {
  const id = `command-${++commands}`;
  const answer = await postToSlackEvents(
    harness.target,
    slashCommandBody({ text: line, userId, responseUrl: harness.slack.responseUrl(id) }),
  );
  expect(answer.status).toBe(200);
  return JSON.stringify((await waitForResponse(harness.slack, id)).body);
}

let presses = 0;

/**
 * A button pressed as `userId`, signed as Slack signs it (acknowledged with 200); resolves with the id of the
 * response URL its private answer, if any, goes to (`waitForResponse(harness.slack, id)`).
 */
export async function pressButton(
  harness: DeskHarness,
  userId: string,
  actionId: string,
  value: string,
  extra: Pick<ButtonFields, 'blockId' | 'attachmentColor'> = {},
): Promise<string> {
  const id = `press-${++presses}`;
  const answer = await postToSlackEvents(
    harness.target,
    blockActionsBody({ actionId, value, userId, responseUrl: harness.slack.responseUrl(id), ...extra }),
  );
  expect(answer.status).toBe(200);
  return id;
}

/** Waits until request `id` has `status`. */
export async function untilStatus(harness: DeskHarness, id: string, status: string): Promise<void> {
  await eventually(`${id} to be ${status}`, async () =>
    (await harness.desk.service.view(id))?.request.status === status ? true : undefined,
  );
}
