/**
 * whois, the user listing and the Home tab as people live them: signed Slack requests into the real Bolt App,
 * the services on SQLite and the local Identity Center, the fake Slack Web API recording what people see.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/ids.js';
import type { RecordedCall } from '../support/fake-slack.js';
import { eventually, PEOPLE, startDesk, type DeskHarness } from '../support/desk-harness.js';
import { manyUsersSeed } from '../support/insight-seeds.js';
import {
  blockActionsBody,
  eventCallbackBody,
  postToSlackEvents,
  slashCommandBody,
  waitFor,
  waitForResponse,
} from '../support/slack-requests.js';

let h: DeskHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

let counter = 0;
async function command(harness: DeskHarness, userId: string, text: string): Promise<string> {
  const id = `cmd-${++counter}`;
  await postToSlackEvents(
    harness.target,
    slashCommandBody({ text, userId, responseUrl: harness.slack.responseUrl(id) }),
  );
  return id;
}

async function click(
  harness: DeskHarness,
  userId: string,
  actionId: string,
  value: string,
  blockId?: string,
) {
  const id = `click-${++counter}`;
  await postToSlackEvents(
    harness.target,
    blockActionsBody({
      actionId,
      value,
      userId,
      responseUrl: harness.slack.responseUrl(id),
      ...(blockId !== undefined ? { blockId } : {}),
    }),
  );
  return id;
}

async function openHome(harness: DeskHarness, userId: string): Promise<void> {
  await postToSlackEvents(
    harness.target,
    eventCallbackBody({
      type: 'app_home_opened',
      user: userId,
      channel: 'D0000HOME',
      tab: 'home',
      event_ts: '1.2',
    }),
    { contentType: 'application/json' },
  );
}

interface Button {
  action_id: string;
  value: string;
}
interface Block {
  type: string;
  block_id?: string;
  elements?: Button[];
}
const blocksOf = (body: Record<string, unknown>): Block[] => (body.blocks ?? []) as Block[];
const buttons = (blocks: Block[]): Button[] =>
  blocks.flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []));

/** The n-th views.publish for a person (1-based), once it has been made. */
const nthPublish = (harness: DeskHarness, userId: string, n: number): Promise<RecordedCall> =>
  waitFor(
    `views.publish #${n} for ${userId}`,
    () => harness.slack.callsTo('views.publish').filter((c) => c.args.user_id === userId)[n - 1],
  );
const publishes = (harness: DeskHarness, userId: string): RecordedCall[] =>
  harness.slack.callsTo('views.publish').filter((c) => c.args.user_id === userId);
const viewBlocks = (call: RecordedCall): Block[] => (call.args.view as { blocks: Block[] }).blocks;

/** The requests in the ledger, once there is one. */
const requests = (harness: DeskHarness) =>
  eventually('the request', async () => {
    const all = await harness.desk.ledger.findRequests({});
    return all.length > 0 ? all : undefined;
  });

/** Waits until no Home tab drawing is queued or running. */
const homeJobsDone = (harness: DeskHarness) =>
  eventually('the Home tab drawings to finish', async () => {
    const open = await harness.desk.ledger.findJobs({ kind: 'home', statuses: ['queued', 'running'] });
    return open.length === 0;
  });

/**
 * How many times whois read this person's access from Identity Center: each reading asks for their own
 * application assignments once (nothing else does).
 */
const whoisReads = (harness: DeskHarness, userId: string): number =>
  harness.emulator.calls.filter(
    (c) => c.operation === 'ListApplicationAssignmentsForPrincipal' && c.input.PrincipalId === userId,
  ).length;

describe('/access whois through Slack', () => {
  it('shows Sam, by @mention, with each access and where it comes from', async () => {
    h = await startDesk();
    const id = await command(h, PEOPLE.jay, `whois <@${PEOPLE.sam}|sam>`);
    const answer = await waitForResponse(h.slack, id);
    expect(answer.body).toMatchObject({ response_type: 'ephemeral' });
    const text = JSON.stringify(answer.body);
    expect(text).toContain('sam.dev@example.com');
    expect(text).toContain('*Developer*: direct');
    expect(text).toContain('*ReadOnlyAccess*: through group *ReadOnly*');
    expect(blocksOf(answer.body).length).toBeLessThanOrEqual(50);
  });

  it('says so when nobody has that email', async () => {
    h = await startDesk();
    const id = await command(h, PEOPLE.sam, 'whois <mailto:ghost@example.com|ghost@example.com>');
    const answer = await waitForResponse(h.slack, id);
    expect(JSON.stringify(answer.body)).toMatch(
      /No Identity Center user has the email or user name ghost@example\.com/,
    );
  });
});

describe('what whois never tells someone else', () => {
  const OUTSIDER = 'U0000EXT01';

  it('does not quote another person’s Slack profile email in its refusal', async () => {
    h = await startDesk({ slackUsers: { [OUTSIDER]: { email: 'private.person@gmail.com', name: 'pat' } } });
    const id = await command(h, PEOPLE.sam, `whois <@${OUTSIDER}|pat>`);
    const text = JSON.stringify((await waitForResponse(h.slack, id)).body);
    expect(text).not.toContain('private.person');
    expect(text).not.toContain('gmail.com');
    expect(text).toContain(`<@${OUTSIDER}>`);
    expect(text).toMatch(/work email instead/);
  });

  it('shows a legacy IAM user’s access key ids to admins only; others see how many and how they are used', async () => {
    h = await startDesk();
    const keys = h.emulator.state.iamUsers
      .get('kim.leaver@example.com')!
      .accessKeys.map((k) => k.AccessKeyId);
    expect(keys).toHaveLength(2);

    const asked = await command(h, PEOPLE.sam, 'whois kim.leaver@example.com');
    const bySam = JSON.stringify((await waitForResponse(h.slack, asked)).body);
    for (const key of keys) expect(bySam).not.toContain(key);
    expect(bySam).not.toMatch(/AKIA[A-Z0-9]{16}/);
    expect(bySam).toContain('2 access keys (2 active)');
    expect(bySam).toContain('key 1 *Active*');

    const byAda = JSON.stringify(
      (await waitForResponse(h.slack, await command(h, PEOPLE.ada, 'whois kim.leaver@example.com'))).body,
    );
    for (const key of keys) expect(byAda).toContain(key);
  });
});

describe('/access users through Slack', () => {
  it('pages 250 users with Next and Previous, redrawing the message in place', async () => {
    h = await startDesk({ seed: manyUsersSeed(250) });
    const id = await command(h, PEOPLE.ada, 'users');
    const first = await waitForResponse(h.slack, id);
    expect(JSON.stringify(first.body)).toContain('Users *1–20 of 250*');
    expect(buttons(blocksOf(first.body))).toEqual([
      expect.objectContaining({ action_id: ACTION.usersNext, value: '2' }),
    ]);

    const next = await waitForResponse(h.slack, await click(h, PEOPLE.ada, ACTION.usersNext, '2'));
    expect(next.body).toMatchObject({ replace_original: true });
    expect(JSON.stringify(next.body)).toContain('Users *21–40 of 250*');
    expect(buttons(blocksOf(next.body)).map((b) => [b.action_id, b.value])).toEqual([
      [ACTION.usersPrevious, '1'],
      [ACTION.usersNext, '3'],
    ]);

    const last = await waitForResponse(h.slack, await click(h, PEOPLE.ada, ACTION.usersNext, '13'));
    expect(JSON.stringify(last.body)).toContain('Users *241–250 of 250*');
    expect(buttons(blocksOf(last.body)).map((b) => b.action_id)).toEqual([ACTION.usersPrevious]);

    const back = await waitForResponse(h.slack, await click(h, PEOPLE.ada, ACTION.usersPrevious, '1'));
    expect(JSON.stringify(back.body)).toContain('Users *1–20 of 250*');
    // One listing served every page: ListUsers pages by 100, so three calls for 250 users.
    expect(h.emulator.calls.filter((c) => c.operation === 'ListUsers')).toHaveLength(3);
  });

  it('refuses someone who is not an admin', async () => {
    h = await startDesk();
    const answer = await waitForResponse(h.slack, await command(h, PEOPLE.sam, 'users'));
    expect(JSON.stringify(answer.body)).toContain('Only admins can list every user');
  });
});

describe('the Home tab', () => {
  it('shows the requester their request, the approver the approval, the admin their commands, and refreshes on change', async () => {
    h = await startDesk({ provisioningDelayMs: 0 });
    await waitForResponse(
      h.slack,
      await command(h, PEOPLE.sam, 'request SeniorDeveloper prod 4h incident 4711'),
    );
    const [request] = await eventually('the request', async () => {
      const all = await h!.desk.ledger.findRequests({});
      return all.length > 0 ? all : undefined;
    });

    await openHome(h, PEOPLE.sam);
    const sam = JSON.stringify(viewBlocks(await nthPublish(h, PEOPLE.sam, 1)));
    expect(sam).toContain('My access');
    // Everything Sam holds, however given (his role's assignments), not only access-desk grants.
    expect(sam).toContain('*Developer* on *dev*: assigned to you directly in Identity Center');
    expect(sam).toContain('Your open requests (1)');
    expect(sam).toContain(request!.id);
    expect(sam).not.toContain('*Admin*');

    // Lena never opened her Home, so the request did not redraw it; opening it draws it, with the approval.
    const before = publishes(h, PEOPLE.lena).length;
    expect(before).toBe(0);
    await openHome(h, PEOPLE.lena);
    const lenaCall = await nthPublish(h, PEOPLE.lena, before + 1);
    const lena = viewBlocks(lenaCall);
    expect(JSON.stringify(lena)).toContain('Waiting for your approval (1)');
    expect(buttons(lena).map((b) => [b.action_id, b.value])).toEqual([
      [ACTION.openRequestForm, 'request'],
      [ACTION.approve, request!.id],
      [ACTION.deny, request!.id],
    ]);

    await openHome(h, PEOPLE.ada);
    const ada = JSON.stringify(viewBlocks(await nthPublish(h, PEOPLE.ada, 1)));
    expect(ada).toContain('*Admin*');
    expect(ada).toContain('/access users [page]');
    expect(ada).toContain('/access offboard');

    // Lena approves from her Home; Sam's Home is drawn again without him opening it, with an Extend button.
    const published = publishes(h, PEOPLE.sam).length;
    await click(h, PEOPLE.lena, ACTION.approve, request!.id, `decide:${request!.id}`);
    const refreshed = await eventually('Sam’s Home to show the grant', () => {
      const latest = publishes(h!, PEOPLE.sam).slice(published).at(-1);
      const blocks = latest === undefined ? undefined : viewBlocks(latest);
      return Promise.resolve(
        blocks !== undefined &&
          JSON.stringify(blocks).includes('*SeniorDeveloper* on *prod*: access-desk grant')
          ? blocks
          : undefined,
      );
    });
    expect(JSON.stringify(refreshed)).toMatch(
      /\*SeniorDeveloper\* on \*prod\*: access-desk grant until <!date\^/,
    );
    const extend = buttons(refreshed).find((b) => b.action_id === ACTION.extend);
    const grant = (await h.desk.ledger.findGrants({ requestId: request!.id }))[0]!;
    expect(extend?.value).toBe(grant.id);
  });

  it('is not redrawn for someone who never opened it, and Identity Center is not read for them', async () => {
    h = await startDesk({ provisioningDelayMs: 0 });
    await waitForResponse(
      h.slack,
      await command(h, PEOPLE.sam, 'request SeniorDeveloper prod 4h incident 4711'),
    );
    const [request] = await requests(h);
    await click(h, PEOPLE.lena, ACTION.approve, request!.id, `decide:${request!.id}`);
    await eventually('the grant to be active', async () => {
      const grants = await h!.desk.ledger.findGrants({ requestId: request!.id, statuses: ['active'] });
      return grants.length > 0;
    });
    await homeJobsDone(h);

    expect(publishes(h, PEOPLE.sam)).toEqual([]);
    expect(publishes(h, PEOPLE.lena)).toEqual([]);
    expect(whoisReads(h, request!.requesterUserId)).toBe(0);

    // Opening it always draws it, fresh from Identity Center.
    await openHome(h, PEOPLE.sam);
    const sam = JSON.stringify(viewBlocks(await nthPublish(h, PEOPLE.sam, 1)));
    expect(sam).toContain('*SeniorDeveloper* on *prod*: access-desk grant');
    expect(whoisReads(h, request!.requesterUserId)).toBe(1);
  });

  it('reuses what it read from Identity Center while the person’s grants are unchanged, and reads again when one changes', async () => {
    h = await startDesk({ provisioningDelayMs: 0 });
    await openHome(h, PEOPLE.sam);
    await nthPublish(h, PEOPLE.sam, 1);
    await waitForResponse(
      h.slack,
      await command(h, PEOPLE.sam, 'request SeniorDeveloper prod 4h incident 4711'),
    );
    const [request] = await requests(h);
    const samId = request!.requesterUserId;
    expect(whoisReads(h, samId)).toBe(1);

    // His new request redraws his Home; he holds the same grants (none), so nothing is read again.
    const drawn = await nthPublish(h, PEOPLE.sam, 2);
    expect(JSON.stringify(viewBlocks(drawn))).toContain(request!.id);
    await homeJobsDone(h);
    expect(whoisReads(h, samId)).toBe(1);

    // Approved and granted: his grants changed, so his access is read once more.
    await click(h, PEOPLE.lena, ACTION.approve, request!.id, `decide:${request!.id}`);
    await eventually('Sam’s Home to show the grant', () =>
      Promise.resolve(
        publishes(h!, PEOPLE.sam).some((c) =>
          JSON.stringify(viewBlocks(c)).includes('*SeniorDeveloper* on *prod*: access-desk grant'),
        ),
      ),
    );
    await homeJobsDone(h);
    expect(whoisReads(h, samId)).toBe(2);
  });
});
