/**
 * The real Bolt app over signed HTTP on loopback, with a fake access service (recording calls, answering with
 * canned outcomes) and the fake Slack Web API. Effects after ack() are awaited with a bounded poll.
 */
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { AccessRequestInput } from '../../src/access/api.js';
import { HOUR } from '../../src/domain/duration.js';
import type { SlackApp } from '../../src/slack/app.js';
import { ACTION, BLOCK, CALLBACK } from '../../src/slack/ids.js';
import { FakeAccess } from '../support/fake-access.js';
import { boltOverFakes } from '../support/bolt-over-fakes.js';
import { FakeClickRunner } from '../support/fake-clicks.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import {
  grantRecord,
  LEAD_A,
  LEAD_B,
  REQUESTER,
  requestView,
  testConfig,
} from '../support/slack-fixtures.js';
import {
  blockActionsBody,
  blockSuggestionBody,
  eventCallbackBody,
  postToSlackEvents,
  slashCommandBody,
  stateValue,
  viewSubmissionBody,
  waitFor,
  waitForCall,
  waitForResponse,
  type SlackTarget,
} from '../support/slack-requests.js';

const SIGNING_SECRET = 'test-signing-secret-0123456789';
const BOT_TOKEN = 'xoxb-test-token-never-logged';

let fake: FakeSlack;
let access: FakeAccess;
let slack: SlackApp;
let target: SlackTarget;
let logLines: string[];
const clickRunner = new FakeClickRunner();

beforeAll(async () => {
  fake = await startFakeSlack({ users: { [REQUESTER]: { email: 'sam.dev@example.com', name: 'sam' } } });
  access = new FakeAccess();
  logLines = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    }),
  );
  slack = boltOverFakes({
    config: testConfig(),
    secrets: { slackBotToken: BOT_TOKEN, slackSigningSecret: SIGNING_SECRET },
    access,
    logger,
    fake,
    clickRunner,
  });
  const { port } = await slack.start();
  target = { url: `http://127.0.0.1:${port}`, signingSecret: SIGNING_SECRET };
});

afterAll(async () => {
  await slack.stop();
  await fake.close();
});

afterEach(() => {
  access.calls.length = 0;
  access.views.clear();
  access.refuseApproval = undefined;
  fake.calls.length = 0;
  fake.responses.length = 0;
});

const command = (text: string, id: string, userId = REQUESTER) =>
  postToSlackEvents(target, slashCommandBody({ text, userId, responseUrl: fake.responseUrl(id) }));

describe('/access over signed HTTP', () => {
  it('a complete request is recorded before its ack, calls submitAccessRequest once as that click, and answers ephemerally', async () => {
    const answer = await command('request SeniorDeveloper prod 4h fixing incident 4711', 'complete');
    expect(answer.status).toBe(200);
    const response = await waitFor('the ephemeral answer', () =>
      fake.responses.find((r) => r.id === 'complete'),
    );
    const calls = access.callsTo('submitAccessRequest');
    expect(calls).toHaveLength(1);
    const { clickId, ...input } = calls[0]!.args[0] as AccessRequestInput;
    expect(input).toEqual({
      requesterSlackId: REQUESTER,
      permissionSet: 'SeniorDeveloper',
      accounts: ['prod'],
      duration: { kind: 'for', ms: 4 * HOUR },
      reason: 'fixing incident 4711',
    });
    // The click that holds the command was recorded before the ack: a crash after the ack leaves it to run.
    expect(clickId).toMatch(/^click-\d+$/);
    expect(response.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(JSON.stringify(response.body)).toContain('R-7K2Q9D');
  });

  it('says at the ack that nothing was done when a complete request cannot be recorded, and submits nothing', async () => {
    clickRunner.failNextRecord = true;
    const answer = await command('request SeniorDeveloper prod 4h fixing incident 4711', 'unrecorded');
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('I could not record that just now');
    expect(answer.body).toContain('nothing was done');
    expect(access.callsTo('submitAccessRequest')).toEqual([]);
    expect(fake.responses.filter((r) => r.id === 'unrecorded')).toEqual([]);
  });

  it('a request missing its account opens the request modal, prefilled', async () => {
    await command('request seniordeveloper', 'modal');
    const open = await waitForCall(fake, 'views.open');
    expect(open.args.trigger_id).toEqual(expect.stringContaining('trigger-'));
    const view = open.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe(CALLBACK.requestModal);
    expect(JSON.stringify(view)).toContain(
      '"initial_option":{"text":{"type":"plain_text","text":"SeniorDeveloper"',
    );
    expect(JSON.parse(view.private_metadata)).toMatchObject({ responseUrl: fake.responseUrl('modal') });
    expect(access.callsTo('submitAccessRequest')).toEqual([]);
  });

  it('an unknown permission set answers "did you mean…" and calls nothing', async () => {
    await command('request SeniorDevelopr prod 4h', 'typo');
    const response = await waitForResponse(fake, 'typo');
    expect(String(response.body.text)).toContain('did you mean `SeniorDeveloper`');
    expect(access.calls).toEqual([]);
    expect(fake.calls).toEqual([]);
  });

  it('/access pending lists what is pending', async () => {
    await command('pending', 'pending');
    const response = await waitForResponse(fake, 'pending');
    expect(access.callsTo('pending')).toEqual([{ method: 'pending', args: [REQUESTER] }]);
    expect(JSON.stringify(response.body)).toContain(ACTION.cancel);
  });

  it('an unexpected failure is logged with a reference the user is given, and no token', async () => {
    access.failNext = new Error('database is on fire');
    await command('request Developer dev 1h', 'boom');
    const response = await waitForResponse(fake, 'boom');
    const reference = /E-[0-9A-F]{8}/.exec(String(response.body.text))?.[0];
    expect(reference).toBeDefined();
    const line = await waitFor('the error log line', () =>
      logLines.find((l) => l.includes(reference ?? '?')),
    );
    expect(line).toContain('database is on fire');
    expect(logLines.join('')).not.toContain(BOT_TOKEN);
  });
});

describe('buttons', () => {
  it('Approve by someone the service refuses answers that person ephemerally and leaves the card alone', async () => {
    access.refuseApproval = {
      ok: false,
      code: 'not_approver',
      message: 'You are not an approver of R-7K2Q9D.',
    };
    await postToSlackEvents(
      target,
      blockActionsBody({
        actionId: ACTION.approve,
        value: 'R-7K2Q9D',
        userId: 'U0000RANDOM',
        responseUrl: fake.responseUrl('refused'),
      }),
    );
    const response = await waitForResponse(fake, 'refused');
    expect(access.callsTo('approve')).toEqual([{ method: 'approve', args: ['R-7K2Q9D', 'U0000RANDOM'] }]);
    expect(response.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(response.body.text)).toContain('You are not an approver of R-7K2Q9D.');
    expect(fake.callsTo('chat.update')).toEqual([]);
  });

  it('Deny opens the deny modal, and its submission calls deny with the reason', async () => {
    access.views.set('R-7K2Q9D', requestView());
    await postToSlackEvents(
      target,
      blockActionsBody({
        actionId: ACTION.deny,
        value: 'R-7K2Q9D',
        userId: LEAD_A,
        responseUrl: fake.responseUrl('deny'),
      }),
    );
    const open = await waitForCall(fake, 'views.open');
    const modal = open.args.view as { callback_id: string; private_metadata: string };
    expect(modal).toMatchObject({ callback_id: CALLBACK.denyModal, private_metadata: 'R-7K2Q9D' });

    const answer = await postToSlackEvents(
      target,
      viewSubmissionBody({
        callbackId: CALLBACK.denyModal,
        userId: LEAD_A,
        privateMetadata: modal.private_metadata,
        values: { [BLOCK.denyReason]: stateValue.text(ACTION.typeDenyReason, 'not during the freeze') },
      }),
    );
    expect(answer.status).toBe(200);
    const [deny] = await waitFor('deny', () => access.callsTo('deny').length > 0 && access.callsTo('deny'));
    expect(deny?.args).toEqual(['R-7K2Q9D', LEAD_A, 'not during the freeze']);
  });

  it('Deny by someone who cannot decide is refused without a modal', async () => {
    access.views.set('R-7K2Q9D', requestView());
    await postToSlackEvents(
      target,
      blockActionsBody({
        actionId: ACTION.deny,
        value: 'R-7K2Q9D',
        userId: REQUESTER,
        responseUrl: fake.responseUrl('own'),
      }),
    );
    const response = await waitForResponse(fake, 'own');
    expect(String(response.body.text)).toContain('your own request');
    expect(fake.callsTo('views.open')).toEqual([]);
  });

  it('an empty deny reason is sent back to the modal as a field error', async () => {
    const answer = await postToSlackEvents(
      target,
      viewSubmissionBody({
        callbackId: CALLBACK.denyModal,
        userId: LEAD_B,
        privateMetadata: 'R-7K2Q9D',
        values: { [BLOCK.denyReason]: stateValue.text(ACTION.typeDenyReason, '  ') },
      }),
    );
    expect(JSON.parse(answer.body)).toEqual({
      response_action: 'errors',
      errors: { [BLOCK.denyReason]: expect.any(String) as unknown },
    });
    expect(access.callsTo('deny')).toEqual([]);
  });
});

describe('the requester’s buttons', () => {
  it('Cancel withdraws the request for the person who clicked', async () => {
    await postToSlackEvents(
      target,
      blockActionsBody({
        actionId: ACTION.cancel,
        value: 'R-7K2Q9D',
        userId: REQUESTER,
        responseUrl: fake.responseUrl('cancel'),
      }),
    );
    const response = await waitForResponse(fake, 'cancel');
    expect(access.callsTo('cancel')).toEqual([{ method: 'cancel', args: ['R-7K2Q9D', REQUESTER] }]);
    expect(String(response.body.text)).toContain('Cancelled R-7K2Q9D');
  });

  it('Extend opens a modal for that grant, and its submission asks to extend that grant', async () => {
    const grant = grantRecord();
    access.views.set('R-7K2Q9D', requestView({ status: 'active' }, { grants: [grant] }));
    await postToSlackEvents(
      target,
      blockActionsBody({
        actionId: ACTION.extend,
        value: grant.id,
        blockId: `extend:R-7K2Q9D:${grant.id}`,
        userId: REQUESTER,
        channelId: 'D0000SAMDEV',
        responseUrl: fake.responseUrl('extend'),
      }),
    );
    const open = await waitForCall(fake, 'views.open');
    const modal = open.args.view as { callback_id: string; private_metadata: string };
    expect(modal.callback_id).toBe(CALLBACK.extendModal);

    await postToSlackEvents(
      target,
      viewSubmissionBody({
        callbackId: CALLBACK.extendModal,
        userId: REQUESTER,
        privateMetadata: modal.private_metadata,
        values: { [BLOCK.extension]: stateValue.select(ACTION.pickExtension, '2h', 'static_select') },
      }),
    );
    const [call] = await waitFor(
      'requestExtension',
      () => access.callsTo('requestExtension').length > 0 && access.callsTo('requestExtension'),
    );
    expect(call?.args[0]).toEqual({
      requesterSlackId: REQUESTER,
      permissionSet: 'SeniorDeveloper',
      account: 'prod',
      duration: { kind: 'for', ms: 2 * HOUR },
      // The click that asked, so that running it again after a crash finds this extension.
      clickId: expect.any(String) as unknown,
    });
    // The extension asked for is told by the requester's running message (the notifier's, in the real app:
    // test/e2e/ux-fixes.test.ts), not by a second direct message from the form.
  });
});

describe('the Home tab', () => {
  it('is published with my pending requests when I open it', async () => {
    const answer = await postToSlackEvents(
      target,
      eventCallbackBody({
        type: 'app_home_opened',
        user: REQUESTER,
        channel: 'D0000SAMDEV',
        tab: 'home',
        event_ts: '1.2',
      }),
      { contentType: 'application/json' },
    );
    expect(answer.status).toBe(200);
    const publish = await waitForCall(fake, 'views.publish');
    expect(publish.args.user_id).toBe(REQUESTER);
    expect(JSON.stringify(publish.args.view)).toContain('R-7K2Q9D');
  });
});

describe('the request modal', () => {
  it('a valid submission closes the modal, submits, and answers where the command was typed', async () => {
    const answer = await postToSlackEvents(
      target,
      viewSubmissionBody({
        callbackId: CALLBACK.requestModal,
        userId: REQUESTER,
        privateMetadata: JSON.stringify({
          responseUrl: fake.responseUrl('from-modal'),
          channelId: 'C0000GENERAL',
        }),
        values: {
          [BLOCK.permissionSet]: stateValue.select(ACTION.pickPermissionSet, 'SeniorDeveloper'),
          [BLOCK.accounts]: stateValue.multi(ACTION.pickAccounts, ['prod', 'staging']),
          [BLOCK.duration]: stateValue.select(ACTION.pickDuration, '2h', 'static_select'),
          [BLOCK.reason]: stateValue.text(ACTION.typeReason, 'incident 4711'),
        },
      }),
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('');
    const response = await waitForResponse(fake, 'from-modal');
    expect(access.callsTo('submitAccessRequest')[0]?.args[0]).toEqual({
      requesterSlackId: REQUESTER,
      permissionSet: 'SeniorDeveloper',
      accounts: ['prod', 'staging'],
      duration: { kind: 'for', ms: 2 * HOUR },
      reason: 'incident 4711',
      // The submission that asked, so that running it again after a crash finds this request.
      clickId: expect.any(String) as unknown,
    });
    expect(response.body).toMatchObject({ response_type: 'ephemeral' });
  });

  it('missing fields are answered as errors under those fields, and nothing is submitted', async () => {
    const answer = await postToSlackEvents(
      target,
      viewSubmissionBody({
        callbackId: CALLBACK.requestModal,
        userId: REQUESTER,
        values: {
          [BLOCK.permissionSet]: stateValue.select(ACTION.pickPermissionSet, null),
          [BLOCK.accounts]: stateValue.multi(ACTION.pickAccounts, []),
        },
      }),
    );
    expect(JSON.parse(answer.body)).toEqual({
      response_action: 'errors',
      errors: {
        [BLOCK.permissionSet]: 'Pick a permission set.',
        [BLOCK.accounts]: 'Pick at least one account.',
      },
    });
    expect(access.callsTo('submitAccessRequest')).toEqual([]);
  });

  it('the options listener filters permission sets by the typed text', async () => {
    const answer = await postToSlackEvents(
      target,
      blockSuggestionBody({
        actionId: ACTION.pickPermissionSet,
        blockId: BLOCK.permissionSet,
        value: 'sen',
        userId: REQUESTER,
      }),
    );
    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.body) as { options: { value: string }[] };
    expect(body.options.map((o) => o.value)).toEqual(['SeniorDeveloper']);
  });

  it('the options listener filters accounts by alias or id', async () => {
    const answer = await postToSlackEvents(
      target,
      blockSuggestionBody({
        actionId: ACTION.pickAccounts,
        blockId: BLOCK.accounts,
        value: '2222',
        userId: REQUESTER,
      }),
    );
    const body = JSON.parse(answer.body) as { options: { value: string }[] };
    expect(body.options.map((o) => o.value)).toEqual(['staging']);
  });
});

describe('request verification', () => {
  it('a bad signature gets 401 and no listener runs', async () => {
    const answer = await postToSlackEvents(
      target,
      slashCommandBody({
        text: 'request Developer dev 1h',
        userId: REQUESTER,
        responseUrl: fake.responseUrl('forged'),
      }),
      { signature: 'v0=0000000000000000000000000000000000000000000000000000000000000000' },
    );
    expect(answer.status).toBe(401);
    expect(access.calls).toEqual([]);
    expect(fake.responses).toEqual([]);
  });

  it('a timestamp older than five minutes gets 401 and no listener runs', async () => {
    const answer = await postToSlackEvents(
      target,
      slashCommandBody({
        text: 'request Developer dev 1h',
        userId: REQUESTER,
        responseUrl: fake.responseUrl('stale'),
      }),
      { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 },
    );
    expect(answer.status).toBe(401);
    expect(access.calls).toEqual([]);
    expect(fake.responses).toEqual([]);
  });

  it('GET /healthz answers ok', async () => {
    const response = await fetch(`${target.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok');
  });
});
