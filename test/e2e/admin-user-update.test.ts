/**
 * `/access user update` and `/access welcome` end to end: signed commands and modal submissions into the real
 * Bolt App, the card in the approvals channel, a lead's Approve, the UpdateUser against the local Identity Center
 * on SQLite, the fake Slack Web API. Refusals first.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { NOT_THIS_FORM } from '../../src/slack/blocks/modal-metadata.js';
import { ACTION, BLOCK, CALLBACK } from '../../src/slack/ids.js';
import { eventually, PEOPLE, startDesk, type DeskHarness } from '../support/desk-harness.js';
import type { RecordedCall } from '../support/fake-slack.js';
import {
  blockActionsBody,
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

let n = 0;
/** Runs a command as `userId`; returns the id of the response URL it answers at. */
async function command(harness: DeskHarness, userId: string, text: string): Promise<string> {
  const id = `people-${++n}`;
  const answer = await postToSlackEvents(
    harness.target,
    slashCommandBody({ text, userId, responseUrl: harness.slack.responseUrl(id) }),
  );
  expect(answer.status).toBe(200);
  return id;
}

interface ShownModal {
  callback_id?: string;
  private_metadata?: string;
  blocks: { block_id?: string; element?: { initial_value?: string }; text?: { text?: string } }[];
}

function lastModal(harness: DeskHarness): ShownModal | undefined {
  const shown = [...harness.slack.callsTo('views.open'), ...harness.slack.callsTo('views.update')]
    .map((c: RecordedCall) => c.args.view as ShownModal)
    .filter((v) => v.callback_id === CALLBACK.userUpdateModal);
  return shown.at(-1);
}

const initial = (modal: ShownModal, block: string) =>
  modal.blocks.find((b) => b.block_id === block)?.element?.initial_value;

const values = (fields: {
  given: string;
  family: string;
  display: string;
  email: string;
  reason?: string;
}) => ({
  [BLOCK.givenName]: stateValue.text(ACTION.typeGivenName, fields.given),
  [BLOCK.familyName]: stateValue.text(ACTION.typeFamilyName, fields.family),
  [BLOCK.displayName]: stateValue.text(ACTION.typeDisplayName, fields.display),
  [BLOCK.email]: stateValue.text(ACTION.typeEmail, fields.email),
  [BLOCK.reason]: stateValue.text(ACTION.typeReason, fields.reason ?? null),
});

const text = (response: { body: unknown }) => JSON.stringify(response.body);

describe('people’s details through Slack: refusals', () => {
  it('refuses a non-admin at once, opening nothing', async () => {
    h = await startDesk();
    const id = await command(h, PEOPLE.sam, `user update <@${PEOPLE.sara}|sara>`);
    const answer = await waitForResponse(h.slack, id);
    expect(text(answer)).toMatch(/Only admins can change people’s details/);
    const welcome = await command(h, PEOPLE.sam, 'welcome sara.senior@example.com');
    expect(text(await waitForResponse(h.slack, welcome))).toMatch(/Only admins may send the welcome email/);
    expect(h.slack.callsTo('views.open')).toEqual([]);
    expect(h.emulator.state.mailbox).toEqual([]);
  });

  it('answers a typo in the command with the usage, and an unknown person by name', async () => {
    h = await startDesk();
    const typo = await command(h, PEOPLE.ada, 'user updat @sam');
    expect(text(await waitForResponse(h.slack, typo))).toMatch(/user update <email\|@user>/);
    const unknown = await command(h, PEOPLE.ada, 'user update nobody@example.com');
    expect(text(await waitForResponse(h.slack, unknown))).toMatch(/nobody@example.com/);
    expect(h.slack.callsTo('views.open')).toEqual([]);
  });

  it('refuses a submission whose metadata was changed after the form was opened, recording nothing', async () => {
    h = await startDesk();
    await command(h, PEOPLE.ada, `user update <@${PEOPLE.sam}|sam>`);
    const modal = await waitFor('the update modal', () => lastModal(h!));
    const sara = h.emulator.state.userByName('sara.senior@example.com')!;
    // The same form (its blocks, its seal) sent back saying it is about Sara.
    const metadata = JSON.parse(modal.private_metadata ?? '{}') as Record<string, string>;
    const tampered = JSON.stringify({ ...metadata, who: 'sara.senior@example.com', userId: sara.UserId });
    const answer = await postToSlackEvents(
      h.target,
      viewSubmissionBody({
        callbackId: CALLBACK.userUpdateModal,
        userId: PEOPLE.ada,
        privateMetadata: tampered,
        blocks: modal.blocks,
        values: values({ given: 'Evil', family: 'Twin', display: 'Evil Twin', email: 'sam.dev@example.com' }),
      }),
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toContain(NOT_THIS_FORM.slice(0, 40));
    expect(await h.desk.ledger.findRequests({})).toEqual([]);
    expect(h.emulator.state.userByName('sara.senior@example.com')?.attributes.DisplayName).toBe(
      'Sara Senior',
    );
  });

  it('puts a malformed email on its field, and tells the admin when nothing changes', async () => {
    h = await startDesk();
    await command(h, PEOPLE.ada, `user update <@${PEOPLE.sam}|sam>`);
    const modal = await waitFor('the update modal', () => lastModal(h!));
    const bad = await postToSlackEvents(
      h.target,
      viewSubmissionBody({
        callbackId: CALLBACK.userUpdateModal,
        userId: PEOPLE.ada,
        privateMetadata: modal.private_metadata ?? '',
        values: values({
          given: 'Sam',
          family: 'Developer',
          display: 'Sam Developer',
          email: 'sam at example',
        }),
      }),
    );
    expect(bad.body).toContain(BLOCK.email);
    expect(bad.body).toContain('is not an email address');
    const same = await postToSlackEvents(
      h.target,
      viewSubmissionBody({
        callbackId: CALLBACK.userUpdateModal,
        userId: PEOPLE.ada,
        privateMetadata: modal.private_metadata ?? '',
        values: values({
          given: 'Sam',
          family: 'Developer',
          display: 'Sam Developer',
          email: 'sam.dev@example.com',
        }),
      }),
    );
    expect(same.status).toBe(200);
    const responseId = /people-\d+/.exec(modal.private_metadata ?? '')?.[0] ?? '';
    const told = await waitForResponse(h.slack, responseId);
    expect(text(told)).toMatch(/Nothing changes/);
    expect(await h.desk.ledger.findRequests({})).toEqual([]);
  });
});

describe('people’s details through Slack', () => {
  it('opens the form prefilled, shows the changes on the card, and makes them once a lead approves', async () => {
    h = await startDesk();
    await command(h, PEOPLE.ada, `user update <@${PEOPLE.sam}|sam>`);
    const modal = await waitFor('the update modal', () => lastModal(h!));
    expect(initial(modal, BLOCK.givenName)).toBe('Sam');
    expect(initial(modal, BLOCK.familyName)).toBe('Developer');
    expect(initial(modal, BLOCK.displayName)).toBe('Sam Developer');
    expect(initial(modal, BLOCK.email)).toBe('sam.dev@example.com');
    // The user name is shown, not editable.
    expect(JSON.stringify(modal.blocks)).toMatch(/User name:.*sam.dev@example.com.*cannot be changed/);
    expect(modal.blocks.some((b) => b.block_id === 'user_name')).toBe(false);

    const submitted = await postToSlackEvents(
      h.target,
      viewSubmissionBody({
        callbackId: CALLBACK.userUpdateModal,
        userId: PEOPLE.ada,
        privateMetadata: modal.private_metadata ?? '',
        values: values({
          given: 'Samuel',
          family: 'Developer',
          display: 'Samuel Developer',
          email: 'samuel.dev@example.com',
          reason: 'changed name',
        }),
      }),
    );
    expect(submitted.status).toBe(200);
    const request = await eventually('the user_update request', async () =>
      (await h!.desk.ledger.findRequests({ kinds: ['user_update'] })).at(0),
    );
    const card = await waitFor('the card', () =>
      h!.slack.callsTo('chat.postMessage').find((c) => c.args.channel === 'C0000APPROV'),
    );
    const cardText = JSON.stringify(card.args);
    expect(cardText).toContain('first name');
    expect(cardText).toContain('“Sam” → “Samuel”');
    expect(cardText).toContain('sam.dev@example.com” → “samuel.dev@example.com');

    // Sam, the person it is about, may not approve it; Lena may.
    await postToSlackEvents(
      h.target,
      blockActionsBody({
        actionId: ACTION.approve,
        value: request.id,
        userId: PEOPLE.sam,
        responseUrl: h.slack.responseUrl(`approve-sam-${request.id}`),
      }),
    );
    expect(text(await waitForResponse(h.slack, `approve-sam-${request.id}`))).toMatch(
      /about you|not one of the approvers/,
    );
    await postToSlackEvents(
      h.target,
      blockActionsBody({
        actionId: ACTION.approve,
        value: request.id,
        userId: PEOPLE.lena,
        responseUrl: h.slack.responseUrl(`approve-${request.id}`),
      }),
    );
    await eventually('the change to complete', async () => {
      const view = await h!.desk.service.view(request.id);
      return view?.request.status === 'completed' ? view : undefined;
    });
    const sam = h.emulator.state.userByName('sam.dev@example.com')!;
    expect(sam.attributes).toMatchObject({
      DisplayName: 'Samuel Developer',
      Name: { GivenName: 'Samuel' },
      Emails: [{ Value: 'samuel.dev@example.com', Primary: true }],
    });
    await eventually('the card saying it is done', () =>
      Promise.resolve(
        h!.slack.callsTo('chat.update').some((c) => JSON.stringify(c.args).includes('Details change done'))
          ? true
          : undefined,
      ),
    );
  });

  it('sends the welcome email again and says privately to whom', async () => {
    h = await startDesk();
    const id = await command(h, PEOPLE.ada, `welcome <@${PEOPLE.sam}|sam>`);
    const answer = await waitForResponse(h.slack, id);
    expect(text(answer)).toMatch(/Sent the welcome email again to \*sam.dev@example.com\*/);
    expect(answer.body).toMatchObject({ response_type: 'ephemeral' });
    expect(h.emulator.state.mailbox.map((m) => m.to)).toEqual([['sam.dev@example.com']]);
  });
});
