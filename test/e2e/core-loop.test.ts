/**
 * The core loop as people live it, end to end: signed Slack requests into the real Bolt App, the access service
 * on SQLite, the local Identity Center, and the fake Slack Web API recording what people would see.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, BLOCK, CALLBACK } from '../../src/slack/ids.js';
import { holdsInAws } from '../support/emulator-assertions.js';
import { eventually, PEOPLE, SIGNING_SECRET, startDesk, type DeskHarness } from '../support/desk-harness.js';
import {
  blockActionsBody,
  postToSlackEvents,
  slashCommandBody,
  stateValue,
  viewSubmissionBody,
  waitFor,
  waitForResponse,
} from '../support/slack-requests.js';

const PROD = '333333333333';
let h: DeskHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

let responseCounter = 0;
async function command(harness: DeskHarness, userId: string, text: string) {
  const id = `cmd-${++responseCounter}`;
  const answer = await postToSlackEvents(
    harness.target,
    slashCommandBody({ text, userId, responseUrl: harness.slack.responseUrl(id) }),
  );
  return { answer, id };
}

async function click(
  harness: DeskHarness,
  userId: string,
  actionId: string,
  value: string,
  blockId?: string,
) {
  const id = `click-${++responseCounter}`;
  const answer = await postToSlackEvents(
    harness.target,
    blockActionsBody({
      actionId,
      value,
      userId,
      responseUrl: harness.slack.responseUrl(id),
      ...(blockId ? { blockId } : {}),
    }),
  );
  return { answer, id };
}

const text = (body: Record<string, unknown>): string => JSON.stringify(body);
const creations = (harness: DeskHarness) =>
  harness.emulator.calls.filter((c) => c.operation === 'CreateAccountAssignment');

async function requestId(harness: DeskHarness): Promise<string> {
  const ids = await eventually('a request in the ledger', async () => {
    const all = await harness.desk.ledger.findRequests({});
    return all.length > 0 ? all.map((r) => r.id) : undefined;
  });
  return ids[0]!;
}

describe('/access request through Slack, end to end', () => {
  it('requests, refuses the wrong approvers, approves, grants in AWS, tells the requester, and revokes', async () => {
    h = await startDesk();
    const sent = await command(h, PEOPLE.sam, 'request SeniorDeveloper prod 4h fixing incident 4711');
    expect(sent.answer.status).toBe(200);
    const reply = await waitForResponse(h.slack, sent.id);
    expect(text(reply.body)).toMatch(/R-[0-9A-Z]{8}/);
    const id = await requestId(h);

    const card = await waitFor('the approval card', () =>
      h!.slack.callsTo('chat.postMessage').find((c) => c.args.channel === 'C0000APPROV'),
    );
    expect(text(card.args)).toContain('<@U0000LEAD1>');
    expect(text(card.args)).toContain('fixing incident 4711');

    // The requester and a stranger may not approve; the card stays as it was.
    const own = await click(h, PEOPLE.sam, ACTION.approve, id);
    expect(text((await waitForResponse(h.slack, own.id)).body)).toMatch(/own request/);
    const stranger = await click(h, PEOPLE.jay, ACTION.approve, id);
    expect(text((await waitForResponse(h.slack, stranger.id)).body)).toMatch(/not one of the approvers/);
    expect((await h.desk.service.view(id))?.request.status).toBe('pending');

    await click(h, PEOPLE.lena, ACTION.approve, id);
    await eventually('the grant to be active', async () =>
      (await h!.desk.service.view(id))?.request.status === 'active' ? true : undefined,
    );
    expect(holdsInAws(h.emulator, PROD, 'SeniorDeveloper', 'sam.dev@example.com')).toBe(true);

    // Slack delivering the click again, and the other lead clicking late, change nothing.
    const again = await click(h, PEOPLE.lena, ACTION.approve, id);
    expect(text((await waitForResponse(h.slack, again.id)).body)).toMatch(/already approved/);
    const late = await click(h, PEOPLE.leo, ACTION.approve, id);
    expect(text((await waitForResponse(h.slack, late.id)).body)).toMatch(/already approved/);
    expect(creations(h)).toHaveLength(1);

    // The requester was told by direct message, and the card shows the outcome in place.
    await waitFor('the requester to be told', () =>
      h!.slack
        .callsTo('chat.postMessage')
        .find(
          (c) =>
            String(c.args.channel).startsWith('D') &&
            /You now have \*SeniorDeveloper\* on \*prod\*/.test(text(c.args)),
        ),
    );
    await waitFor('the card to be updated in place', () =>
      h!.slack.callsTo('chat.update').find((c) => c.args.ts === card.args.ts || /active/i.test(text(c.args))),
    );

    const revoke = await command(h, PEOPLE.sam, 'revoke SeniorDeveloper prod');
    await waitForResponse(h.slack, revoke.id);
    await waitFor('the assignment to be removed', () =>
      !holdsInAws(h!.emulator, PROD, 'SeniorDeveloper', 'sam.dev@example.com') ? true : undefined,
    );
    await eventually(
      'the request to end',
      async () => (await h!.desk.service.view(id))?.request.status === 'ended',
    );
    const audit = (await h.desk.ledger.listAudit({ requestId: id })).map((e) => `${e.actor} ${e.action}`);
    expect(audit).toEqual(
      expect.arrayContaining([
        `${PEOPLE.sam} request.submitted`,
        `${PEOPLE.lena} request.approved`,
        'system aws.assignment.created',
        `${PEOPLE.sam} grant.revoked`,
        'system aws.assignment.deleted',
      ]),
    );
  });

  it('answers a typo with the closest names and records nothing', async () => {
    h = await startDesk();
    const sent = await command(h, PEOPLE.sam, 'request SeniorDevloper prod 4h incident');
    expect(text((await waitForResponse(h.slack, sent.id)).body)).toMatch(/did you mean `?SeniorDeveloper/);
    expect(await h.desk.ledger.findRequests({})).toEqual([]);
  });

  it('opens the request modal prefilled when the account is missing, and submits from it', async () => {
    h = await startDesk();
    await command(h, PEOPLE.sam, 'request SeniorDeveloper');
    const opened = await waitFor('the modal', () => h!.slack.callsTo('views.open')[0]);
    expect(text(opened.args)).toContain('SeniorDeveloper');
    const submitted = await postToSlackEvents(
      h.target,
      viewSubmissionBody({
        callbackId: CALLBACK.requestModal,
        userId: PEOPLE.sam,
        values: {
          [BLOCK.permissionSet]: stateValue.select(ACTION.pickPermissionSet, 'SeniorDeveloper'),
          [BLOCK.accounts]: stateValue.multi(ACTION.pickAccounts, ['dev']),
          [BLOCK.duration]: stateValue.select(ACTION.pickDuration, '2h', 'static_select'),
          [BLOCK.reason]: stateValue.text(ACTION.typeReason, 'pairing with Sara'),
        },
      }),
    );
    expect(submitted.status).toBe(200);
    const id = await requestId(h);
    const view = await h.desk.service.view(id);
    expect(view?.request).toMatchObject({
      permissionSet: 'SeniorDeveloper',
      durationMs: 2 * 3_600_000,
      reason: 'pairing with Sara',
    });
  });

  it('denies with a reason from the deny modal, and the requester sees it', async () => {
    h = await startDesk();
    await command(h, PEOPLE.sam, 'request SeniorDeveloper dev 1h');
    const id = await requestId(h);
    await click(h, PEOPLE.leo, ACTION.deny, id);
    const modal = await waitFor('the deny modal', () => h!.slack.callsTo('views.open')[0]);
    const metadata = String((modal.args.view as { private_metadata?: string }).private_metadata ?? id);
    await postToSlackEvents(
      h.target,
      viewSubmissionBody({
        callbackId: CALLBACK.denyModal,
        userId: PEOPLE.leo,
        privateMetadata: metadata,
        values: { [BLOCK.denyReason]: stateValue.text(ACTION.typeDenyReason, 'use staging first') },
      }),
    );
    await eventually('the denial', async () =>
      (await h!.desk.service.view(id))?.request.status === 'denied' ? true : undefined,
    );
    await waitFor('the requester to hear why', () =>
      h!.slack
        .callsTo('chat.postMessage')
        .find((c) => String(c.args.channel).startsWith('D') && text(c.args).includes('use staging first')),
    );
    expect(creations(h)).toHaveLength(0);
  });

  it('answers a forged signature and a stale timestamp with 401, doing nothing', async () => {
    h = await startDesk();
    const body = slashCommandBody({
      text: 'request SeniorDeveloper dev 1h',
      userId: PEOPLE.sam,
      responseUrl: h.slack.responseUrl('x'),
    });
    const forged = await postToSlackEvents(h.target, body, { signature: 'v0=deadbeef' });
    expect(forged.status).toBe(401);
    const stale = await postToSlackEvents({ ...h.target, signingSecret: SIGNING_SECRET }, body, {
      timestamp: Math.floor(Date.now() / 1000) - 6 * 60,
    });
    expect(stale.status).toBe(401);
    await h.desk.runner.drain();
    expect(await h.desk.ledger.findRequests({})).toEqual([]);
    expect(h.slack.responses).toEqual([]);
  });

  it('lists my requests and those awaiting me with /access pending', async () => {
    h = await startDesk();
    await command(h, PEOPLE.sam, 'request SeniorDeveloper dev 1h');
    const id = await requestId(h);
    const mine = await command(h, PEOPLE.sam, 'pending');
    expect(text((await waitForResponse(h.slack, mine.id)).body)).toContain(id);
    const lead = await command(h, PEOPLE.lena, 'pending');
    expect(text((await waitForResponse(h.slack, lead.id)).body)).toContain(id);
  });
});
