/**
 * The IAM-to-SSO migration end to end: a signed `/access migrate` into the real Bolt App, the person's direct
 * message with its buttons, their press (and someone else's), the removal card in the approvals channel, a
 * lead's approval, and the legacy IAM user gone from the local AWS, on SQLite with the fake Slack Web API.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/ids.js';
import { eventually, PEOPLE, startDesk, type DeskHarness } from '../support/desk-harness.js';
import type { StoredMessage } from '../support/fake-slack.js';
import { blockActionsBody, postToSlackEvents, slashCommandBody, waitFor } from '../support/slack-requests.js';

let h: DeskHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const KIM = 'kim.leaver@example.com';
const KIMS_DM = 'D0000KIM01';

/** The person's message as Slack holds it now, with the migration its buttons name. */
function personMessage(harness: DeskHarness): { message: StoredMessage; migrationId: string } | undefined {
  for (const message of harness.slack.messages.values()) {
    const blocks = JSON.stringify(message.blocks ?? []);
    if (message.channel !== KIMS_DM) continue;
    const id = /"block_id":"migration:(M-[0-9A-Z]+)"/.exec(blocks)?.[1];
    if (id !== undefined) return { message, migrationId: id };
  }
  return undefined;
}

function press(
  harness: DeskHarness,
  userId: string,
  found: { message: StoredMessage; migrationId: string },
  id: string,
) {
  return postToSlackEvents(
    harness.target,
    blockActionsBody({
      actionId: ACTION.migrationConfirm,
      value: found.migrationId,
      blockId: `migration:${found.migrationId}`,
      userId,
      channelId: found.message.channel,
      messageTs: found.message.ts,
      messageBlocks: found.message.blocks as unknown[],
      responseUrl: harness.slack.responseUrl(id),
    }),
  );
}

describe('the IAM-to-SSO migration through Slack', () => {
  it('command → the person’s message with buttons → their press → the removal card → approval → the IAM user gone', async () => {
    h = await startDesk();
    const typed = await postToSlackEvents(
      h.target,
      slashCommandBody({
        text: `migrate ${KIM}`,
        userId: PEOPLE.ada,
        responseUrl: h.slack.responseUrl('migrate'),
      }),
    );
    expect(typed.status).toBe(200);
    const answer = await waitFor('the answer to the command', () =>
      h!.slack.responses.find((r) => r.id === 'migrate'),
    );
    expect(String(answer.body.text)).toBe(`Sent the IAM-to-SSO migration email to ${KIM}`);
    expect(h.emulator.state.mailbox.filter((m) => m.to.includes(KIM))).toHaveLength(1);
    const found = await waitFor('Kim’s message with its buttons', () => personMessage(h!));
    expect(JSON.stringify(found.message.blocks)).toContain(ACTION.migrationHelp);

    // Someone else pressing Kim's button is refused, privately, and nothing is asked for.
    await press(h, PEOPLE.ada, found, 'ada-presses');
    const refused = await waitFor('the refusal', () =>
      h!.slack.responses.find((r) => r.id === 'ada-presses'),
    );
    expect(refused.body).toMatchObject({ response_type: 'ephemeral' });
    expect(String(refused.body.text)).toContain(`Only <@${PEOPLE.kim}> can answer this`);
    expect(await h.desk.ledger.findRequests({ kinds: ['legacy_removal'] })).toEqual([]);

    await press(h, PEOPLE.kim, found, 'kim-presses');
    const thanked = await waitFor('Kim’s answer', () =>
      h!.slack.responses.find((r) => r.id === 'kim-presses'),
    );
    expect(String(thanked.body.text)).toBe('Thanks: your confirmation is recorded');
    const removal = await eventually('the removal request', async () =>
      (await h!.desk.ledger.findRequests({ kinds: ['legacy_removal'] })).at(0),
    );
    expect(removal).toMatchObject({ status: 'pending', details: { confirmedBy: PEOPLE.kim } });
    const card = await eventually('the removal card', () =>
      Promise.resolve(
        h!.slack
          .callsTo('chat.postMessage')
          .find((c) => c.args.channel === 'C0000APPROV' && JSON.stringify(c.args).includes(removal.id)),
      ),
    );
    expect(JSON.stringify(card.args.blocks)).toContain(`*Confirmed by*\\n<@${PEOPLE.kim}>`);
    // Kim's message has lost its buttons.
    expect(JSON.stringify(h.slack.messages.get(`${KIMS_DM}/${found.message.ts}`)?.blocks)).not.toContain(
      ACTION.migrationConfirm,
    );
    expect(h.emulator.state.iamUsers.has(KIM)).toBe(true);

    await postToSlackEvents(
      h.target,
      blockActionsBody({
        actionId: ACTION.approve,
        value: removal.id,
        userId: PEOPLE.lena,
        responseUrl: h.slack.responseUrl('approve'),
      }),
    );
    await eventually('the removal to complete', async () =>
      (await h!.desk.service.view(removal.id))?.request.status === 'completed' ? true : undefined,
    );
    expect(h.emulator.state.iamUsers.has(KIM)).toBe(false);
    const iam = h.emulator.calls
      .filter((c) => c.service === 'iam' && c.errorCode === undefined && c.operation.startsWith('Delete'))
      .map((c) => c.operation);
    expect(iam[0]).toBe('DeleteAccessKey');
    expect(iam.at(-1)).toBe('DeleteUser');
  });
});
