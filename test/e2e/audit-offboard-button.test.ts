/**
 * The audit summary's Offboard… buttons end to end: the real Bolt App, the audit run against the local Identity
 * Center and its CloudTrail, the fake Slack Web API. The summary names each user with no sign-in for 90 days
 * with a button; only an admin's click opens the offboarding preview, and nothing changes until it is approved.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, CALLBACK } from '../../src/slack/ids.js';
import { PEOPLE, startDesk, type DeskHarness } from '../support/desk-harness.js';
import type { RecordedCall } from '../support/fake-slack.js';
import {
  blockActionsBody,
  postToSlackEvents,
  slashCommandBody,
  waitFor,
  waitForResponse,
} from '../support/slack-requests.js';

const ADA_DM = 'D0000ADMIN';
const FELIX = 'felix.wagner@example.com';

let h: DeskHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

interface ButtonBlock {
  block_id?: string;
  accessory?: { action_id?: string; value?: string };
}

/** Runs `/access audit` as Ada and returns the finished summary message, as Slack holds it. */
async function auditSummary(harness: DeskHarness) {
  await postToSlackEvents(
    harness.target,
    slashCommandBody({ text: 'audit', userId: PEOPLE.ada, responseUrl: harness.slack.responseUrl('audit') }),
  );
  return waitFor(
    'the audit summary',
    () => {
      const message = [...harness.slack.messages.values()].find((m) => m.channel === ADA_DM);
      return typeof message?.text === 'string' && message.text.startsWith('Access audit done')
        ? message
        : undefined;
    },
    { tries: 2_000 },
  );
}

const offboardButtons = (blocks: unknown): ButtonBlock[] =>
  (Array.isArray(blocks) ? (blocks as ButtonBlock[]) : []).filter(
    (b) => b.accessory?.action_id === ACTION.auditOffboard,
  );

let clicks = 0;
/** A click on an Offboard button of the summary, by `userId`, with the message's blocks as Slack sends them. */
async function click(
  harness: DeskHarness,
  userId: string,
  button: ButtonBlock,
  blocks: unknown[],
  value = button.accessory?.value ?? '',
) {
  const id = `offboard-click-${++clicks}`;
  const answer = await postToSlackEvents(
    harness.target,
    blockActionsBody({
      actionId: ACTION.auditOffboard,
      value,
      userId,
      blockId: button.block_id ?? '',
      channelId: ADA_DM,
      messageBlocks: blocks,
      responseUrl: harness.slack.responseUrl(id),
    }),
  );
  expect(answer.status).toBe(200);
  return id;
}

const offboardModals = (harness: DeskHarness) =>
  [...harness.slack.callsTo('views.open'), ...harness.slack.callsTo('views.update')]
    .map(
      (c: RecordedCall) =>
        c.args.view as { callback_id?: string; private_metadata?: string; blocks?: unknown },
    )
    .filter((v) => v.callback_id === CALLBACK.offboardModal);

describe('Offboard… on the audit summary', () => {
  it('names each inactive user with a button, and refuses a non-admin’s click, opening nothing', async () => {
    h = await startDesk();
    const summary = await auditSummary(h);
    const buttons = offboardButtons(summary.blocks);
    expect(buttons.map((b) => b.accessory?.value).sort()).toEqual([
      FELIX,
      'hiro.tanaka@example.com',
      'ivy.nguyen@example.com',
      'jonas.berg@example.com',
    ]);
    expect(summary.text).toContain('4 users with no sign-in for 90 days');
    const felix = buttons.find((b) => b.accessory?.value === FELIX)!;

    // Sam (no admin) clicks the button on a copy of the message: refused, nothing opened, nothing recorded.
    const writesBefore = h.emulator.calls.length;
    const requestsBefore = (await h.desk.ledger.findRequests({})).length;
    const refused = await waitForResponse(
      h.slack,
      await click(h, PEOPLE.sam, felix, summary.blocks as unknown[]),
    );
    expect(refused.body).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.stringify(refused.body)).toContain('Only admins can offboard people, so nothing was opened.');
    expect(offboardModals(h)).toEqual([]);
    expect(h.slack.callsTo('views.open')).toEqual([]);
    expect((await h.desk.ledger.findRequests({})).length).toBe(requestsBefore);
    // Not even a look at AWS on the non-admin's behalf.
    expect(h.emulator.calls.slice(writesBefore)).toEqual([]);

    // Kim is no admin either: the same refusal.
    const kim = await waitForResponse(
      h.slack,
      await click(h, PEOPLE.kim, felix, summary.blocks as unknown[]),
    );
    expect(JSON.stringify(kim.body)).toContain('Only admins can offboard people');
    expect(offboardModals(h)).toEqual([]);
  });

  it('opens the offboarding preview for the user it names when an admin clicks, asking for nothing yet', async () => {
    h = await startDesk();
    const summary = await auditSummary(h);
    const felix = offboardButtons(summary.blocks).find((b) => b.accessory?.value === FELIX)!;
    await click(h, PEOPLE.ada, felix, summary.blocks as unknown[]);
    const modal = await waitFor('the offboarding preview', () => offboardModals(h!).at(-1));
    expect(JSON.parse(modal.private_metadata ?? '{}')).toMatchObject({ who: FELIX });
    expect(JSON.stringify(modal.blocks)).toContain('Offboarding *Felix Wagner*');
    // A preview changes nothing: no request until the form is submitted and approved.
    expect(await h.desk.ledger.findRequests({ kinds: ['offboard'] })).toEqual([]);
  });

  it('refuses a button whose value names nobody, and only previews whoever a changed value names, to an admin', async () => {
    h = await startDesk();
    const summary = await auditSummary(h);
    const felix = offboardButtons(summary.blocks).find((b) => b.accessory?.value === FELIX)!;

    const garbled = await waitForResponse(
      h.slack,
      await click(h, PEOPLE.ada, felix, summary.blocks as unknown[], '<@U0000LEAD1> and everyone'),
    );
    expect(JSON.stringify(garbled.body)).toContain('This Offboard button does not name a person');
    expect(offboardModals(h)).toEqual([]);

    // A value changed to name someone the audit did not flag: an admin could have typed the command for them,
    // and the preview changes nothing, so it previews them.
    await click(h, PEOPLE.ada, felix, summary.blocks as unknown[], 'kim.leaver@example.com');
    const modal = await waitFor('the changed preview', () => offboardModals(h!).at(-1));
    expect(JSON.parse(modal.private_metadata ?? '{}')).toMatchObject({ who: 'kim.leaver@example.com' });

    // The same change by a non-admin opens nothing.
    const before = offboardModals(h).length;
    const refused = await waitForResponse(
      h.slack,
      await click(h, PEOPLE.sam, felix, summary.blocks as unknown[], 'kim.leaver@example.com'),
    );
    expect(JSON.stringify(refused.body)).toContain('Only admins can offboard people');
    expect(offboardModals(h)).toHaveLength(before);
  });
});
