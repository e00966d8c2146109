/**
 * Signed requests that Slack would never send, through the real Bolt App on loopback: none may end the process or
 * answer 5xx, each malformed one is refused with a 4xx, a bad signature still answers 401, a button acts only on
 * the request of the card it sits on, and a modal only on the request or person it was opened for.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { NOT_THIS_FORM } from '../../src/slack/blocks/modal-metadata.js';
import { ACTION, BLOCK, CALLBACK } from '../../src/slack/ids.js';
import { eventually, PEOPLE, startDesk, type DeskHarness } from '../support/desk-harness.js';
import { watchProcessFaults } from '../support/process-faults.js';
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

const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();
const payload = (json: string): string => form({ payload: json });
const text = (body: unknown): string => JSON.stringify(body);

async function stillAnswers(harness: DeskHarness): Promise<void> {
  const health = await fetch(`${harness.target.url}/healthz`);
  expect(health.status).toBe(200);
}

let counter = 0;
async function requestFrom(harness: DeskHarness, userId: string, what: string): Promise<string> {
  const id = `cmd-${++counter}`;
  const before = new Set((await harness.desk.ledger.findRequests({})).map((r) => r.id));
  const sent = await postToSlackEvents(
    harness.target,
    slashCommandBody({ text: what, userId, responseUrl: harness.slack.responseUrl(id) }),
  );
  expect(sent.status).toBe(200);
  await waitForResponse(harness.slack, id);
  return eventually('the new request in the ledger', async () => {
    const fresh = (await harness.desk.ledger.findRequests({})).find((r) => !before.has(r.id));
    return fresh?.id;
  });
}

/** The last modal of `callbackId` the app opened (or updated a waiting modal to), as Slack holds it. */
async function modalOf(
  harness: DeskHarness,
  callbackId: string,
): Promise<{ private_metadata: string; blocks: unknown[] }> {
  return waitFor(`the ${callbackId} modal`, () =>
    [...harness.slack.callsTo('views.open'), ...harness.slack.callsTo('views.update')]
      .map((c) => c.args.view as { callback_id?: string; private_metadata: string; blocks: unknown[] })
      .filter((v) => v.callback_id === callbackId)
      .at(-1),
  );
}

async function cardOf(harness: DeskHarness, requestId: string): Promise<unknown[]> {
  const card = await waitFor(`the approval card of ${requestId}`, () =>
    harness.slack
      .callsTo('chat.postMessage')
      .find((c) => c.args.channel === 'C0000APPROV' && text(c.args.blocks).includes(`decide:${requestId}`)),
  );
  return card.args.blocks as unknown[];
}

describe('malformed signed requests to /slack/events', () => {
  it('answers 400 to a payload that is the JSON null, and the bot keeps answering', async () => {
    h = await startDesk();
    const watch = watchProcessFaults();
    const answer = await postToSlackEvents(h.target, payload('null'));
    expect(answer.status).toBe(400);
    await stillAnswers(h);
    const again = await postToSlackEvents(h.target, payload('null'));
    expect(again.status).toBe(400);
    await stillAnswers(h);
    watch.stop();
    expect(watch.faults).toEqual([]);
  });

  it('answers 4xx to payloads that are not objects, or are objects of the wrong shape', async () => {
    h = await startDesk();
    const bodies = [
      payload('42'),
      payload('"block_actions"'),
      payload('[]'),
      payload('{"type":"block_actions","actions":[{"action_id":"approve_request","value":"R-1"}]}'),
      payload('{"type":"block_actions","user":{"id":"U0000LENA1"},"actions":"approve_request"}'),
      payload('{"type":"block_actions","user":null,"actions":[]}'),
      payload('{"type":"view_submission","user":{"id":"U0000SAM01"},"view":{"callback_id":"request_modal"}}'),
      payload('{"type":"view_submission","user":{"id":"U0000SAM01"},"view":null}'),
      payload('{"type":"block_suggestion","user":{"id":"U0000SAM01"}}'),
      form({ command: '/access', text: 'help' }),
      'null',
    ];
    for (const body of bodies) {
      const contentType = body === 'null' ? 'application/json' : undefined;
      const answer = await postToSlackEvents(h.target, body, contentType ? { contentType } : {});
      expect(answer.status, body).toBeGreaterThanOrEqual(400);
      expect(answer.status, body).toBeLessThan(500);
    }
    await stillAnswers(h);
  });

  it('answers 4xx to a block_actions click without a user', async () => {
    h = await startDesk();
    const click = JSON.parse(
      new URLSearchParams(
        blockActionsBody({
          actionId: ACTION.approve,
          value: 'R-00000000',
          userId: PEOPLE.lena,
          responseUrl: h.slack.responseUrl('no-user'),
        }),
      ).get('payload')!,
    ) as Record<string, unknown>;
    delete click.user;
    const answer = await postToSlackEvents(h.target, payload(JSON.stringify(click)));
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    await stillAnswers(h);
  });

  it('answers 4xx to a view submission without view.state', async () => {
    h = await startDesk();
    const submission = JSON.parse(
      new URLSearchParams(
        viewSubmissionBody({ callbackId: CALLBACK.requestModal, userId: PEOPLE.sam, values: {} }),
      ).get('payload')!,
    ) as { view: Record<string, unknown> };
    delete submission.view.state;
    const answer = await postToSlackEvents(h.target, payload(JSON.stringify(submission)));
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    await stillAnswers(h);
  });

  it('still answers 401 to a malformed body whose signature is wrong', async () => {
    h = await startDesk();
    const answer = await postToSlackEvents(h.target, payload('null'), { signature: 'v0=' + '0'.repeat(64) });
    expect(answer.status).toBe(401);
    await stillAnswers(h);
  });
});

describe('a button acts only on the request of its own card', () => {
  it('refuses an Approve whose value names another request than its card, and that request stays pending', async () => {
    h = await startDesk();
    const first = await requestFrom(h, PEOPLE.sam, 'request SeniorDeveloper prod 4h first incident');
    const second = await requestFrom(h, PEOPLE.sam, 'request SeniorDeveloper dev 2h second story');
    const firstCard = await cardOf(h, first);

    const answer = await postToSlackEvents(
      h.target,
      blockActionsBody({
        actionId: ACTION.approve,
        value: second,
        blockId: `decide:${first}`,
        userId: PEOPLE.lena,
        responseUrl: h.slack.responseUrl('tampered'),
        messageBlocks: firstCard,
      }),
    );
    expect(answer.status).toBe(200);
    const refusal = await waitForResponse(h.slack, 'tampered');
    expect(text(refusal.body)).toMatch(/this card/i);
    expect((await h.desk.service.view(second))?.request.status).toBe('pending');
    expect((await h.desk.service.view(first))?.request.status).toBe('pending');
    const audit = (await h.desk.ledger.listAudit({ requestId: second })).map((e) => e.action);
    expect(audit).not.toContain('request.approved');
  });

  it('still approves from the card when the button names the card’s own request', async () => {
    h = await startDesk();
    const id = await requestFrom(h, PEOPLE.sam, 'request SeniorDeveloper dev 2h honest click');
    const card = await cardOf(h, id);
    await postToSlackEvents(
      h.target,
      blockActionsBody({
        actionId: ACTION.approve,
        value: id,
        blockId: `decide:${id}`,
        userId: PEOPLE.lena,
        responseUrl: h.slack.responseUrl('honest'),
        messageBlocks: card,
      }),
    );
    await eventually('the request to be approved', async () => {
      const status = (await h!.desk.service.view(id))?.request.status;
      return status !== undefined && status !== 'pending' ? status : undefined;
    });
  });

  it('refuses a Cancel whose value names another request than the message it sits on', async () => {
    h = await startDesk();
    const first = await requestFrom(h, PEOPLE.sam, 'request SeniorDeveloper dev 2h first');
    const second = await requestFrom(h, PEOPLE.sam, 'request SeniorDeveloper staging 3h second');
    const answer = await postToSlackEvents(
      h.target,
      blockActionsBody({
        actionId: ACTION.cancel,
        value: second,
        blockId: `mine:${first}`,
        userId: PEOPLE.sam,
        channelId: 'D0000SAM01',
        responseUrl: h.slack.responseUrl('cancel'),
        messageBlocks: [
          {
            type: 'actions',
            block_id: `mine:${first}`,
            elements: [{ type: 'button', action_id: ACTION.cancel, value: first }],
          },
        ],
      }),
    );
    expect(answer.status).toBe(200);
    expect(text((await waitForResponse(h.slack, 'cancel')).body)).toMatch(/this card/i);
    expect((await h.desk.service.view(second))?.request.status).toBe('pending');
  });

  it('refuses a Deny whose value names another request than its card, and opens no modal', async () => {
    h = await startDesk();
    const first = await requestFrom(h, PEOPLE.sam, 'request SeniorDeveloper dev 2h first');
    const second = await requestFrom(h, PEOPLE.sam, 'request SeniorDeveloper staging 2h second');
    const firstCard = await cardOf(h, first);
    const answer = await postToSlackEvents(
      h.target,
      blockActionsBody({
        actionId: ACTION.deny,
        value: second,
        blockId: `decide:${first}`,
        userId: PEOPLE.lena,
        responseUrl: h.slack.responseUrl('deny-tampered'),
        messageBlocks: firstCard,
      }),
    );
    expect(answer.status).toBe(200);
    expect(text((await waitForResponse(h.slack, 'deny-tampered')).body)).toMatch(/this card/i);
    expect(h.slack.callsTo('views.open')).toEqual([]);
  });

  it('refuses an Approve whose card is another request’s even when value and block id agree', async () => {
    h = await startDesk();
    const first = await requestFrom(h, PEOPLE.sam, 'request SeniorDeveloper dev 2h first');
    const second = await requestFrom(h, PEOPLE.sam, 'request SeniorDeveloper staging 2h second');
    const answer = await postToSlackEvents(
      h.target,
      blockActionsBody({
        actionId: ACTION.approve,
        value: second,
        blockId: `decide:${second}`,
        userId: PEOPLE.lena,
        responseUrl: h.slack.responseUrl('other-card'),
        messageBlocks: await cardOf(h, first),
      }),
    );
    expect(answer.status).toBe(200);
    expect(text((await waitForResponse(h.slack, 'other-card')).body)).toMatch(/this card/i);
    expect((await h.desk.service.view(second))?.request.status).toBe('pending');
  });
});

describe('a modal acts only on what it was opened for', () => {
  it('refuses the deny modal of one request sent back naming another, and denies neither', async () => {
    h = await startDesk();
    const first = await requestFrom(h, PEOPLE.sam, 'request SeniorDeveloper dev 2h first');
    const second = await requestFrom(h, PEOPLE.sam, 'request SeniorDeveloper staging 2h second');
    await postToSlackEvents(
      h.target,
      blockActionsBody({
        actionId: ACTION.deny,
        value: first,
        userId: PEOPLE.lena,
        responseUrl: h.slack.responseUrl('deny-first'),
        messageBlocks: await cardOf(h, first),
      }),
    );
    const modal = await modalOf(h, CALLBACK.denyModal);
    expect(modal.private_metadata).toBe(first);

    const answer = await postToSlackEvents(
      h.target,
      viewSubmissionBody({
        callbackId: CALLBACK.denyModal,
        userId: PEOPLE.lena,
        privateMetadata: second,
        blocks: modal.blocks,
        values: { [BLOCK.denyReason]: stateValue.text(ACTION.typeDenyReason, 'not today') },
      }),
    );
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({
      response_action: 'errors',
      errors: { [BLOCK.denyReason]: NOT_THIS_FORM },
    });
    expect((await h.desk.service.view(second))?.request.status).toBe('pending');
    expect((await h.desk.service.view(first))?.request.status).toBe('pending');
  });

  it('still denies through the deny modal as it was opened', async () => {
    h = await startDesk();
    const id = await requestFrom(h, PEOPLE.sam, 'request SeniorDeveloper dev 2h honest deny');
    await postToSlackEvents(
      h.target,
      blockActionsBody({
        actionId: ACTION.deny,
        value: id,
        userId: PEOPLE.lena,
        responseUrl: h.slack.responseUrl('deny-honest'),
        messageBlocks: await cardOf(h, id),
      }),
    );
    const modal = await modalOf(h, CALLBACK.denyModal);
    await postToSlackEvents(
      h.target,
      viewSubmissionBody({
        callbackId: CALLBACK.denyModal,
        userId: PEOPLE.lena,
        privateMetadata: modal.private_metadata,
        blocks: modal.blocks,
        values: { [BLOCK.denyReason]: stateValue.text(ACTION.typeDenyReason, 'not today') },
      }),
    );
    await eventually('the request to be denied', async () =>
      (await h!.desk.service.view(id))?.request.status === 'denied' ? true : undefined,
    );
  });

  it('refuses the offboarding modal of one person sent back naming another, and offboards no one', async () => {
    h = await startDesk();
    const typed = await postToSlackEvents(
      h.target,
      slashCommandBody({
        text: 'offboard kim.leaver@example.com',
        userId: PEOPLE.ada,
        responseUrl: h.slack.responseUrl('offboard'),
      }),
    );
    expect(typed.status).toBe(200);
    const modal = await modalOf(h, CALLBACK.offboardModal);
    const answer = await postToSlackEvents(
      h.target,
      viewSubmissionBody({
        callbackId: CALLBACK.offboardModal,
        userId: PEOPLE.ada,
        privateMetadata: JSON.stringify({ who: 'sam.dev@example.com' }),
        blocks: modal.blocks,
        values: { [BLOCK.reason]: stateValue.text(ACTION.typeReason, 'contract ended') },
      }),
    );
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({
      response_action: 'errors',
      errors: { [BLOCK.reason]: NOT_THIS_FORM },
    });
    expect(await h.desk.ledger.findRequests({ kinds: ['offboard'] })).toEqual([]);
  });
});
