/**
 * Signed requests that Slack would never send, through the real Bolt App on loopback: none may end the process or
 * answer 5xx, each malformed one is refused with a 4xx, a bad signature still answers 401, and a button acts only
 * on the request of the card it sits on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, CALLBACK } from '../../src/slack/ids.js';
import { PEOPLE, startDesk, type DeskHarness } from '../support/desk-harness.js';
import { watchProcessFaults } from '../support/process-faults.js';
import { blockActionsBody, postToSlackEvents, viewSubmissionBody } from '../support/slack-requests.js';

let h: DeskHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();
const payload = (json: string): string => form({ payload: json });

async function stillAnswers(harness: DeskHarness): Promise<void> {
  const health = await fetch(`${harness.target.url}/healthz`);
  expect(health.status).toBe(200);
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
