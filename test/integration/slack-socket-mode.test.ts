/** Socket Mode offline: the fake Slack opens a WebSocket on loopback, says hello, and pushes a slash command. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessApi } from '../../src/access/api.js';
import { silentLogger } from '../../src/log.js';
import { createSlackApp, type SlackApp } from '../../src/slack/app.js';
import { fakeClicks } from '../support/fake-clicks.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { OPTIONS, REQUESTER, testConfig } from '../support/slack-fixtures.js';
import { watchProcessFaults } from '../support/process-faults.js';
import { waitFor } from '../support/slack-requests.js';

let fake: FakeSlack;
let slack: SlackApp;

// `/access help` needs nothing from the service but its options.
const access = { requestOptions: () => OPTIONS } as unknown as AccessApi;

beforeAll(async () => {
  fake = await startFakeSlack();
  slack = createSlackApp({
    config: testConfig(),
    secrets: { slackBotToken: 'xoxb-test', slackAppToken: 'xapp-test' },
    access,
    clicks: fakeClicks({ access }),
    logger: silentLogger,
    slackApiUrl: fake.apiUrl,
    botId: 'B0000BOT',
    botUserId: 'U0000BOT',
    port: 0,
  });
  await slack.start();
});

afterAll(async () => {
  await slack.stop();
  await fake.close();
});

describe('Socket Mode', () => {
  it('connects through apps.connections.open, acks an envelope and answers the command', async () => {
    expect(fake.callsTo('apps.connections.open')).toHaveLength(1);
    await waitFor('the connection', () => fake.socketConnections() > 0);
    fake.socketSend({
      envelope_id: 'env-1',
      type: 'slash_commands',
      accepts_response_payload: true,
      payload: {
        token: 'unused',
        team_id: 'T0000TEAM',
        team_domain: 'example',
        channel_id: 'C0000GENERAL',
        channel_name: 'general',
        user_id: REQUESTER,
        user_name: 'sam',
        command: '/access',
        text: 'help',
        api_app_id: 'A0000ACCESS',
        response_url: fake.responseUrl('socket-help'),
        trigger_id: 'trigger-socket',
      },
    });
    await waitFor('the envelope ack', () => fake.socketMessages.find((m) => m.envelope_id === 'env-1'));
    const answer = await waitFor('the help answer', () => fake.responses.find((r) => r.id === 'socket-help'));
    expect(JSON.stringify(answer.body)).toContain('/access request');
  });

  it('drops envelopes Slack would never send, and keeps answering', async () => {
    await waitFor('the connection', () => fake.socketConnections() > 0);
    const command = (envelopeId: string, responseUrl: string) => ({
      envelope_id: envelopeId,
      type: 'slash_commands',
      accepts_response_payload: true,
      payload: {
        team_id: 'T0000TEAM',
        channel_id: 'C0000GENERAL',
        user_id: REQUESTER,
        command: '/access',
        text: 'help',
        response_url: responseUrl,
        trigger_id: 'trigger-socket',
      },
    });
    const watch = watchProcessFaults();
    for (const text of [
      'null',
      '42',
      'not json',
      '{"type":"error"}',
      '{"type":"events_api","envelope_id":"e-1"}',
      '{"type":"events_api","envelope_id":"e-2","payload":{"event":null}}',
      '{"type":"slash_commands","envelope_id":"e-3","payload":null}',
      '{"type":"interactive","envelope_id":"e-4","payload":{"type":"block_actions","actions":[{}]}}',
      '{"type":"interactive","envelope_id":"e-5","payload":{"type":"view_submission","user":{"id":"U1"},"view":{"callback_id":"request_modal"}}}',
      JSON.stringify({
        ...command('e-6', fake.responseUrl('no-user')),
        payload: { command: '/access', text: 'help' },
      }),
    ]) {
      expect(fake.socketSendText(text)).toBe(true);
    }
    fake.socketSend(command('env-after', fake.responseUrl('socket-after')));
    const answer = await waitFor('the help answer', () =>
      fake.responses.find((r) => r.id === 'socket-after'),
    );
    expect(JSON.stringify(answer.body)).toContain('/access request');
    expect(fake.responses.find((r) => r.id === 'no-user')).toBeUndefined();
    watch.stop();
    expect(watch.faults).toEqual([]);
  });
});
