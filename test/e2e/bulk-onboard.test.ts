/**
 * Bulk onboarding end to end: a CSV file shared in Slack with `/access onboard` in its message, or attached to
 * the onboarding form; the preview; "Ask for approval"; a lead's approval on the card; every person made in the
 * local Identity Center. Signed requests into the real Bolt App, the fake Slack Web API serving the file.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, BLOCK, CALLBACK } from '../../src/slack/ids.js';
import { eventually, PEOPLE, startDesk, type DeskHarness } from '../support/desk-harness.js';
import {
  blockActionsBody,
  eventCallbackBody,
  postToSlackEvents,
  slashCommandBody,
  stateValue,
  viewSubmissionBody,
  waitFor,
  waitForResponse,
} from '../support/slack-requests.js';

let h: DeskHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const CSV = [
  'First name,Last name,Email,Role,Slack user',
  'Nina,New,nina.new@example.com,developer,U0NINA001',
  'Pia,Park,pia.park@example.com,junior-developer,',
].join('\r\n');

interface Button {
  action_id: string;
  value: string;
}
interface Block {
  type: string;
  block_id?: string;
  elements?: Button[];
  text?: { text?: string };
}

let n = 0;
async function shareInSlack(
  harness: DeskHarness,
  userId: string,
  fileId: string,
  text: string,
): Promise<void> {
  const answer = await postToSlackEvents(
    harness.target,
    eventCallbackBody({
      type: 'message',
      subtype: 'file_share',
      user: userId,
      channel: 'C0000GENERAL',
      text,
      ts: `1700000100.00${++n}`,
      files: [{ id: fileId, name: 'starters.csv' }],
    }),
    { contentType: 'application/json' },
  );
  expect(answer.status).toBe(200);
}

/** The latest ephemeral message the app showed this person, once there is one past `after`. */
function ephemeralTo(
  harness: DeskHarness,
  userId: string,
  after = 0,
): Promise<{ text: string; blocks: Block[] }> {
  return waitFor(`an ephemeral message to ${userId}`, () => {
    const calls = harness.slack.callsTo('chat.postEphemeral').filter((c) => c.args.user === userId);
    const call = calls[after];
    return call === undefined
      ? undefined
      : { text: String(call.args.text), blocks: (call.args.blocks ?? []) as Block[] };
  });
}

async function click(harness: DeskHarness, userId: string, button: Button, blockId: string): Promise<string> {
  const id = `bulk-${++n}`;
  await postToSlackEvents(
    harness.target,
    blockActionsBody({
      actionId: button.action_id,
      value: button.value,
      userId,
      blockId,
      responseUrl: harness.slack.responseUrl(id),
      channelId: 'C0000GENERAL',
    }),
  );
  return id;
}

async function approvedAndDone(harness: DeskHarness) {
  const request = await eventually('the bulk onboarding request', async () =>
    (await harness.desk.ledger.findRequests({ kinds: ['bulk_onboard'] })).at(0),
  );
  expect(request.status).toBe('pending');
  await postToSlackEvents(
    harness.target,
    blockActionsBody({
      actionId: ACTION.approve,
      value: request.id,
      userId: PEOPLE.lena,
      responseUrl: harness.slack.responseUrl(`approve-${request.id}`),
    }),
  );
  return eventually(
    'the bulk onboarding to complete',
    async () => {
      const view = await harness.desk.service.view(request.id);
      return view?.request.status === 'completed' ? view : undefined;
    },
    { tries: 1_000 },
  );
}

describe('bulk onboarding through Slack', () => {
  it('previews a file shared with /access onboard, asks for approval, and onboards everyone once a lead approves', async () => {
    h = await startDesk({ slackUsers: { U0NINA001: { email: 'nina.new@example.com', name: 'nina' } } });

    // Refused first: someone who is not an admin sharing the file.
    const samFile = h.slack.shareFile({ user: PEOPLE.sam, name: 'starters.csv', content: CSV });
    await shareInSlack(h, PEOPLE.sam, samFile, '/access onboard please');
    const refused = await ephemeralTo(h, PEOPLE.sam);
    expect(refused.text).toMatch(/Only admins can onboard people/);

    const fileId = h.slack.shareFile({ user: PEOPLE.ada, name: 'starters.csv', content: CSV });
    await shareInSlack(h, PEOPLE.ada, fileId, 'Here they are /access onboard September intake');
    const preview = await ephemeralTo(h, PEOPLE.ada);
    const text = JSON.stringify(preview.blocks);
    expect(text).toContain('2 people');
    expect(text).toContain('nina.new@example.com');
    expect(text).toContain('Developer on dev and staging');
    expect(text).toContain('September intake');
    const actions = preview.blocks.find((b) => b.type === 'actions')!;
    const ask = actions.elements!.find((e) => e.action_id === ACTION.bulkOnboardSubmit)!;
    expect(JSON.parse(ask.value)).toMatchObject({ fileId, reason: 'September intake' });
    // The file was read with the bot token, from Slack's private URL.
    expect(
      h.slack.downloads
        .filter((d) => d.fileId === fileId)
        .every((d) => d.authorization === 'Bearer xoxb-e2e-token'),
    ).toBe(true);

    // A button whose value names other bytes than its block, or clicked by someone else, asks for nothing.
    const forged = { ...ask, value: JSON.stringify({ ...JSON.parse(ask.value), digest: 'f'.repeat(64) }) };
    const forgedAnswer = await waitForResponse(
      h.slack,
      await click(h, PEOPLE.ada, forged, actions.block_id!),
    );
    expect(JSON.stringify(forgedAnswer.body)).toMatch(/does not belong to this preview/);
    const bySam = await waitForResponse(h.slack, await click(h, PEOPLE.sam, ask, actions.block_id!));
    expect(JSON.stringify(bySam.body)).toMatch(/Only admins may onboard people/);
    expect(await h.desk.ledger.findRequests({ kinds: ['bulk_onboard'] })).toEqual([]);

    const asked = await waitForResponse(h.slack, await click(h, PEOPLE.ada, ask, actions.block_id!));
    expect(JSON.stringify(asked.body)).toMatch(/R-/);
    const card = await waitFor('the bulk onboarding card', () =>
      h!.slack
        .callsTo('chat.postMessage')
        .find((c) => c.args.channel === 'C0000APPROV' && JSON.stringify(c.args).includes('Bulk onboarding')),
    );
    expect(JSON.stringify(card.args.blocks)).toContain('nina.new@example.com');

    // Nina, whose Slack account is in the file, may not approve her own onboarding.
    const request = (await h.desk.ledger.findRequests({ kinds: ['bulk_onboard'] }))[0]!;
    await postToSlackEvents(
      h.target,
      blockActionsBody({
        actionId: ACTION.approve,
        value: request.id,
        userId: 'U0NINA001',
        responseUrl: h.slack.responseUrl('nina-approves'),
      }),
    );
    const ninaTold = await waitForResponse(h.slack, 'nina-approves');
    expect(JSON.stringify(ninaTold.body)).toMatch(/it is about you/);
    const done = await approvedAndDone(h);
    expect(done.request.reason).toBe('September intake');
    expect(h.emulator.state.userByName('nina.new@example.com')).toBeDefined();
    expect(h.emulator.state.userByName('pia.park@example.com')).toBeDefined();
    expect(h.emulator.state.mailbox.filter((m) => m.to.includes('pia.park@example.com'))).toHaveLength(1);
    const updated = await waitFor('the card to say it is done', () =>
      [...h!.slack.messages.values()].find(
        (m) => m.channel === 'C0000APPROV' && JSON.stringify(m.blocks).includes('2 of 2 people done'),
      ),
    );
    expect(JSON.stringify(updated.blocks)).toContain('Bulk onboarding done');
  });

  it('takes the file through the onboarding form: the CSV form, the preview modal, then the request', async () => {
    h = await startDesk({ slackUsers: { U0NINA001: { email: 'nina.new@example.com', name: 'nina' } } });
    await postToSlackEvents(
      h.target,
      slashCommandBody({ text: 'onboard', userId: PEOPLE.ada, responseUrl: h.slack.responseUrl('typed') }),
    );
    const form = await waitFor('the onboarding form', () =>
      h!.slack
        .callsTo('views.open')
        .find((c) => (c.args.view as { callback_id?: string }).callback_id === CALLBACK.onboardModal),
    );
    const formView = form.args.view as { private_metadata: string; blocks: Block[] };
    const switchBlock = formView.blocks.find((b) =>
      b.elements?.some((e) => e.action_id === ACTION.bulkOnboardFile),
    )!;
    // The button sits in the modal: Slack sends the view it was clicked in, and no response_url.
    await postToSlackEvents(
      h.target,
      new URLSearchParams({
        payload: JSON.stringify({
          type: 'block_actions',
          team: { id: 'T0000TEAM', domain: 'example' },
          user: { id: PEOPLE.ada, username: 'ada', name: 'ada' },
          api_app_id: 'A0000ACCESS',
          token: 'verification-token-unused',
          container: { type: 'view', view_id: 'V00000042' },
          trigger_id: 'trigger-bulk',
          view: {
            id: 'V00000042',
            hash: 'hash-1',
            type: 'modal',
            callback_id: CALLBACK.onboardModal,
            private_metadata: formView.private_metadata,
            blocks: formView.blocks,
            state: { values: {} },
          },
          actions: [
            {
              type: 'button',
              action_id: ACTION.bulkOnboardFile,
              block_id: switchBlock.block_id,
              value: 'csv',
              action_ts: '1.2',
            },
          ],
        }),
      }).toString(),
    );
    const csvForm = await waitFor('the CSV form', () =>
      h!.slack
        .callsTo('views.update')
        .find((c) => (c.args.view as { callback_id?: string }).callback_id === CALLBACK.bulkOnboardModal),
    );
    const csvView = csvForm.args.view as { private_metadata: string; blocks: unknown[] };

    const fileId = h.slack.shareFile({ user: PEOPLE.ada, name: 'starters.csv', content: CSV });
    const submitted = await postToSlackEvents(
      h.target,
      viewSubmissionBody({
        callbackId: CALLBACK.bulkOnboardModal,
        userId: PEOPLE.ada,
        privateMetadata: csvView.private_metadata,
        blocks: csvView.blocks,
        values: {
          [BLOCK.csvFile]: {
            [ACTION.pickCsvFile]: { type: 'file_input', files: [{ id: fileId, name: 'starters.csv' }] },
          },
          [BLOCK.reason]: stateValue.text(ACTION.typeReason, 'September intake'),
        },
      }),
    );
    const answer = JSON.parse(submitted.body) as {
      response_action: string;
      view: { callback_id: string; private_metadata: string; blocks: unknown[]; submit?: unknown };
    };
    expect(answer.response_action).toBe('update');
    expect(answer.view.callback_id).toBe(CALLBACK.bulkOnboardPreview);
    expect(answer.view.submit).toBeDefined();
    expect(JSON.stringify(answer.view.blocks)).toContain('pia.park@example.com');

    // A preview whose metadata was changed (another file) asks for nothing.
    const forged = await postToSlackEvents(
      h.target,
      viewSubmissionBody({
        callbackId: CALLBACK.bulkOnboardPreview,
        userId: PEOPLE.ada,
        privateMetadata: answer.view.private_metadata.replace(fileId, 'F0000OTHER'),
        blocks: answer.view.blocks,
        values: {},
      }),
    );
    expect(forged.body).toMatch(/does not match what it was opened for/);
    expect(await h.desk.ledger.findRequests({ kinds: ['bulk_onboard'] })).toEqual([]);

    await postToSlackEvents(
      h.target,
      viewSubmissionBody({
        callbackId: CALLBACK.bulkOnboardPreview,
        userId: PEOPLE.ada,
        privateMetadata: answer.view.private_metadata,
        blocks: answer.view.blocks,
        values: {},
      }),
    );
    const told = await waitForResponse(h.slack, 'typed');
    expect(JSON.stringify(told.body)).toMatch(/R-/);
    const done = await approvedAndDone(h);
    expect(done.request.reason).toBe('September intake');
  });
});
