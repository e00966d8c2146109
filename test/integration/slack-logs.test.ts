/**
 * At LOG_LEVEL=debug, Bolt and the Web API client write what they send (URLs, bodies, headers) into our log.
 * Through the real Bolt app and the real WebClient, against the fake Slack Web API: those lines are written, and
 * no token or signing secret is in them, whether it is the bot's own or one a user pasted into a request.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import type { SlackApp } from '../../src/slack/app.js';
import { createSlackClient } from '../../src/slack/client.js';
import { FakeAccess } from '../support/fake-access.js';
import { boltOverFakes } from '../support/bolt-over-fakes.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { REQUESTER, testConfig } from '../support/slack-fixtures.js';
import {
  postToSlackEvents,
  slashCommandBody,
  waitFor,
  waitForCall,
  type SlackTarget,
} from '../support/slack-requests.js';

const SIGNING_SECRET = 'b3a7f0c9d2e14a6b8c5d7e9f0a1b2c3d';
const BOT_TOKEN = 'xoxb-2718281828-3141592653-AbCdEfGhIjKlMnOpQrStUvWx';
/** A user token someone pasted into a request's reason: of a known form, but not one this process holds. */
const PASTED = 'xoxp-1111-2222-3333-abcdef0123456789';

let fake: FakeSlack;
let slack: SlackApp;
let target: SlackTarget;
const lines: string[] = [];
const logger = createLogger({
  level: 'debug',
  secrets: [BOT_TOKEN, SIGNING_SECRET],
  destination: new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  }),
});
const messages = (): string[] => lines.map((l) => String((JSON.parse(l) as { msg?: unknown }).msg));

beforeAll(async () => {
  fake = await startFakeSlack({ users: { [REQUESTER]: { email: 'sam.dev@example.com', name: 'sam' } } });
  slack = boltOverFakes({
    config: testConfig(),
    secrets: { slackBotToken: BOT_TOKEN, slackSigningSecret: SIGNING_SECRET },
    access: new FakeAccess(),
    logger,
    fake,
  });
  const { port } = await slack.start();
  target = { url: `http://127.0.0.1:${port}`, signingSecret: SIGNING_SECRET };
});

afterAll(async () => {
  await slack.stop();
  await fake.close();
});

beforeEach(() => {
  lines.length = 0;
  fake.calls.length = 0;
});

describe('Slack request lines at debug level', () => {
  it('the Web API client logs the body and headers of a message carrying a pasted token, with both tokens redacted', async () => {
    const client = createSlackClient({ token: BOT_TOKEN, logger, slackApiUrl: fake.apiUrl });
    await client.chat.postMessage({
      channel: 'C0000APPROV',
      text: `Sam asks for Developer: "see ${PASTED}"`,
    });
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
    expect(messages()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^http request body: .*see xoxp-\[redacted\]/),
        expect.stringMatching(/^http request headers: /),
      ]),
    );
    expect(lines.join('')).not.toContain(PASTED);
    expect(lines.join('')).not.toContain(BOT_TOKEN);
  });

  it('the Bolt app logs the request it handles and the Web API call it makes, with no token or signing secret', async () => {
    const answer = await postToSlackEvents(
      target,
      slashCommandBody({ text: 'request', userId: REQUESTER, responseUrl: fake.responseUrl('modal') }),
    );
    expect(answer.status).toBe(200);
    await waitForCall(fake, 'views.open');
    await waitFor('the views.open request lines', () =>
      messages().some((m) => m.startsWith('http request headers')) ? true : undefined,
    );
    expect(messages()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^ack\(\)/), "apiCall('views.open') start"]),
    );
    expect(lines.join('')).not.toContain(BOT_TOKEN);
    expect(lines.join('')).not.toContain(SIGNING_SECRET);
  });
});
