/**
 * A rule's follow-ups end to end, through the real Bolt App, the local Identity Center and the fake Slack Web
 * API, on a manual clock: the ticket reference it requires (refused without, linked on the card), approvers
 * reminded in the card's thread once, the request escalated to another approver group, and approver groups
 * marked `notify: false` that may approve but are never pinged. Refusals first.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { remindAndEscalate } from '../../src/access/approver-reminders.js';
import { ManualClock } from '../../src/access/clock.js';
import { MINUTE } from '../../src/domain/duration.js';
import { silentLogger } from '../../src/log.js';
import { ACTION, BLOCK, CALLBACK } from '../../src/slack/ids.js';
import { exampleConfig } from '../support/access-harness.js';
import { eventually, PEOPLE, startDesk, type DeskHarness } from '../support/desk-harness.js';
import {
  blockActionsBody,
  postToSlackEvents,
  slashCommandBody,
  stateValue,
  viewSubmissionBody,
  waitFor,
  waitForResponse,
} from '../support/slack-requests.js';

/** SecurityAdmin: a ticket `SEC-n`, approvers security and the quiet auditors (Sara), reminded, escalated. */
const FOLLOW_UPS = (yaml: string): string =>
  yaml
    .replace(
      `  - match: { permissionSets: [SecurityAdmin] }
    approvers: [security]
    maxDuration: 8h`,
      `  - match: { permissionSets: [SecurityAdmin] }
    approvers: [security, auditors]
    maxDuration: 8h
    requireTicket: { pattern: 'SEC-\\d+', url: 'https://tracker.example.com/browse/{ticket}' }
    remind: { after: 30m, escalateAfter: 2h, escalateTo: [admins] }`,
    )
    .replace(
      '  finance: [U0000FIN01]\n',
      '  finance: [U0000FIN01]\n  auditors: { users: [U0000SARA1], notify: false }\n',
    );

let h: DeskHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function deskAt(clock = new ManualClock(Date.now())) {
  h = await startDesk({ editConfig: FOLLOW_UPS, clock });
  // The edit must have taken, or every test below would pass for the wrong reason.
  expect(h.desk.service.requestOptions().ticketPatterns).toEqual(['SEC-\\d+']);
  return { desk: h, clock };
}

let n = 0;
async function command(harness: DeskHarness, userId: string, text: string): Promise<string> {
  const id = `fu-${++n}`;
  await postToSlackEvents(
    harness.target,
    slashCommandBody({ text, userId, responseUrl: harness.slack.responseUrl(id) }),
  );
  return JSON.stringify((await waitForResponse(harness.slack, id)).body);
}

/** An Approve click; resolves with its response URL's id (a refusal is answered there). */
async function click(harness: DeskHarness, userId: string, requestId: string): Promise<string> {
  const id = `fu-click-${++n}`;
  const sent = await postToSlackEvents(
    harness.target,
    blockActionsBody({
      actionId: ACTION.approve,
      value: requestId,
      userId,
      responseUrl: harness.slack.responseUrl(id),
      blockId: `decide:${requestId}`,
    }),
  );
  expect(sent.status).toBe(200);
  return id;
}

async function refusedClick(harness: DeskHarness, userId: string, requestId: string): Promise<string> {
  const id = await click(harness, userId, requestId);
  return JSON.stringify((await waitForResponse(harness.slack, id)).body);
}

async function pending(harness: DeskHarness) {
  return eventually('the request in the ledger', async () => (await harness.desk.ledger.findRequests({}))[0]);
}

const card = (harness: DeskHarness) =>
  waitFor('the approval card', () =>
    harness.slack
      .callsTo('chat.postMessage')
      .find((c) => c.args.channel === 'C0000APPROV' && !c.args.thread_ts),
  );

const threadReplies = (harness: DeskHarness, ts: unknown) =>
  harness.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === ts);

const ASK = 'request SecurityAdmin dev 1h rotating the deploy keys';

describe('a rule that requires a ticket', () => {
  it('refuses a request without a ticket, naming the pattern and an example, and records nothing', async () => {
    const { desk } = await deskAt();
    const answer = await command(desk, PEOPLE.sam, ASK);
    expect(answer).toContain('needs a ticket like SEC-123');
    expect(answer).toContain('SEC-\\\\d+');
    expect(answer).toContain('ticket:<reference>');
    expect(await desk.desk.ledger.findRequests({})).toEqual([]);
  });

  it('refuses a ticket that does not match the pattern, naming what it needs', async () => {
    const { desk } = await deskAt();
    const answer = await command(desk, PEOPLE.sam, `${ASK} ticket:OPS-12`);
    expect(answer).toContain('\\"OPS-12\\" is not a ticket reference for SecurityAdmin on dev');
    expect(answer).toContain('SEC-123');
    expect(await desk.desk.ledger.findRequests({})).toEqual([]);
  });

  it('refuses the form’s Ticket field when it does not match, on that field, and records nothing', async () => {
    const { desk } = await deskAt();
    const submitted = await postToSlackEvents(
      desk.target,
      viewSubmissionBody({
        callbackId: CALLBACK.requestModal,
        userId: PEOPLE.sam,
        values: {
          [BLOCK.permissionSet]: stateValue.select(ACTION.pickPermissionSet, 'SecurityAdmin'),
          [BLOCK.accounts]: stateValue.multi(ACTION.pickAccounts, ['dev']),
          [BLOCK.duration]: stateValue.select(ACTION.pickDuration, '1h', 'static_select'),
          [BLOCK.reason]: stateValue.text(ACTION.typeReason, 'rotating the deploy keys'),
          [BLOCK.ticket]: stateValue.text(ACTION.typeTicket, 'OPS-12'),
        },
      }),
    );
    const body = JSON.parse(submitted.body) as { response_action?: string; errors?: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(body.errors?.[BLOCK.ticket]).toContain('"OPS-12" is not a ticket reference');
    expect(await desk.desk.ledger.findRequests({})).toEqual([]);
  });

  it('takes the ticket from the form’s Ticket field and links it on the card', async () => {
    const { desk } = await deskAt();
    await postToSlackEvents(
      desk.target,
      slashCommandBody({
        text: 'request SecurityAdmin',
        userId: PEOPLE.sam,
        responseUrl: desk.slack.responseUrl('form'),
      }),
    );
    const form = await waitFor('the request form', () => desk.slack.callsTo('views.open')[0]);
    expect(JSON.stringify(form.args)).toContain(ACTION.typeTicket);
    await postToSlackEvents(
      desk.target,
      viewSubmissionBody({
        callbackId: CALLBACK.requestModal,
        userId: PEOPLE.sam,
        values: {
          [BLOCK.permissionSet]: stateValue.select(ACTION.pickPermissionSet, 'SecurityAdmin'),
          [BLOCK.accounts]: stateValue.multi(ACTION.pickAccounts, ['dev']),
          [BLOCK.duration]: stateValue.select(ACTION.pickDuration, '1h', 'static_select'),
          [BLOCK.reason]: stateValue.text(ACTION.typeReason, 'rotating the deploy keys'),
          [BLOCK.ticket]: stateValue.text(ACTION.typeTicket, 'SEC-42'),
        },
      }),
    );
    await pending(desk);
    expect(JSON.stringify((await card(desk)).args)).toContain(
      '<https://tracker.example.com/browse/SEC-42|SEC-42>',
    );
  });
});

describe('a ticketed grant extended', () => {
  it('needs no new ticket: the grant’s own ticket counts, and the extension carries it', async () => {
    const { desk } = await deskAt();
    await command(desk, PEOPLE.sam, `${ASK} ticket:SEC-42`);
    const request = await pending(desk);
    await click(desk, PEOPLE.sofia, request.id);
    await eventually('the grant active', async () =>
      (await desk.desk.service.view(request.id))?.request.status === 'active' ? true : undefined,
    );
    const answer = await command(desk, PEOPLE.sam, 'extend SecurityAdmin dev 1h still rotating');
    expect(answer).not.toContain('needs a ticket');
    const extension = await eventually('the extension request', async () =>
      (await desk.desk.ledger.findRequests({})).find((r) => r.kind === 'extend'),
    );
    expect(extension.details.tickets).toEqual([
      { ref: 'SEC-42', url: 'https://tracker.example.com/browse/SEC-42', pattern: 'SEC-\\d+' },
    ]);
  });
});

describe('approvers who are not pinged, reminders and escalation', () => {
  it('never mentions a notify:false approver on the card, naming their group instead', async () => {
    const { desk } = await deskAt();
    await command(desk, PEOPLE.sam, `${ASK} ticket:SEC-42`);
    const posted = JSON.stringify((await card(desk)).args);
    expect(posted).toContain(`<@${PEOPLE.sofia}>`);
    expect(posted).not.toContain(`<@${PEOPLE.sara}>`);
    expect(posted).toContain('*auditors* (not pinged)');
    expect(posted).toContain('<https://tracker.example.com/browse/SEC-42|SEC-42>');
  });

  it('refuses an escalation group’s member before the request escalates', async () => {
    const { desk } = await deskAt();
    await command(desk, PEOPLE.sam, `${ASK} ticket:SEC-42`);
    const request = await pending(desk);
    expect(await refusedClick(desk, PEOPLE.ada, request.id)).toMatch(/not one of the approvers/);
    expect((await desk.desk.service.view(request.id))?.request.status).toBe('pending');
  });

  it('lets a notify:false approver approve, though never pinged', async () => {
    const { desk } = await deskAt();
    await command(desk, PEOPLE.sam, `${ASK} ticket:SEC-42`);
    const request = await pending(desk);
    await click(desk, PEOPLE.sara, request.id);
    await eventually('the request approved', async () =>
      ['approved', 'provisioning', 'active'].includes(
        (await desk.desk.service.view(request.id))?.request.status ?? '',
      )
        ? true
        : undefined,
    );
  });

  it('reminds the approvers once in the card’s thread, even with two schedulers ticking at once', async () => {
    const { desk, clock } = await deskAt();
    await command(desk, PEOPLE.sam, `${ASK} ticket:SEC-42`);
    const posted = await card(desk);
    const ts = posted.args.ts ?? (await pending(desk)).card?.ts;

    clock.advance(29 * MINUTE);
    await desk.desk.scheduler.tick();
    expect(threadReplies(desk, ts)).toEqual([]);

    clock.advance(2 * MINUTE);
    // Two replicas at the same moment: the desk's scheduler and a second one on the same ledger.
    const other = {
      config: exampleConfig(FOLLOW_UPS),
      ledger: desk.desk.ledger,
      clock,
      logger: silentLogger,
    };
    await Promise.all([desk.desk.scheduler.tick(), remindAndEscalate(other), remindAndEscalate(other)]);
    await desk.desk.scheduler.tick();
    const reminder = await waitFor('the reminder in the thread', () => threadReplies(desk, ts)[0]);
    const text = JSON.stringify(reminder.args);
    expect(text).toContain(`<@${PEOPLE.sofia}>`);
    expect(text).not.toContain(`<@${PEOPLE.sara}>`);
    expect(text).toContain('*auditors*');
    expect(text).not.toContain(`<@${PEOPLE.sam}>`);

    await desk.desk.scheduler.tick();
    expect(threadReplies(desk, ts)).toHaveLength(1);
  });

  it('escalates after its time: the admins are pinged in the thread, and may approve from then on', async () => {
    const { desk, clock } = await deskAt();
    await command(desk, PEOPLE.sam, `${ASK} ticket:SEC-42`);
    const request = await pending(desk);
    const ts = (await card(desk)).args.ts ?? request.card?.ts;

    clock.advance(121 * MINUTE);
    await desk.desk.scheduler.tick();
    await desk.desk.scheduler.tick();
    const escalated = await waitFor('the escalation in the thread', () =>
      threadReplies(desk, ts).find((c) => JSON.stringify(c.args).includes('Escalated to')),
    );
    expect(JSON.stringify(escalated.args)).toContain(`<@${PEOPLE.ada}>`);
    expect(
      threadReplies(desk, ts).filter((c) => JSON.stringify(c.args).includes('Escalated to')),
    ).toHaveLength(1);

    await waitFor('the card to say it escalated', () =>
      desk.slack.callsTo('chat.update').find((c) => JSON.stringify(c.args).includes('escalated to *admins*')),
    );

    await click(desk, PEOPLE.ada, request.id);
    await eventually('the request approved by the admin', async () =>
      (await desk.desk.service.view(request.id))?.request.status !== 'pending' ? true : undefined,
    );
    const approvals = await desk.desk.ledger.listApprovals(request.id);
    expect(approvals.map((a) => a.approverSlackId)).toEqual([PEOPLE.ada]);
  });
});
