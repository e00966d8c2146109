/**
 * Access ahead of time end to end: `/access request … at <when>` typed into the real Bolt App, approved now,
 * shown as scheduled (with Cancel) on the Home tab, granted in the local Identity Center by the scheduler when
 * the manual clock reaches the start, and ended at start + duration. Refusals first.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/access/clock.js';
import { HOUR, MINUTE } from '../../src/domain/duration.js';
import { ACTION, BLOCK, CALLBACK, cardBlockId } from '../../src/slack/ids.js';
import { callsOf } from '../support/admin-emulator.js';
import { holdsInAws } from '../support/emulator-assertions.js';
import {
  commandAnswer,
  pressButton,
  untilStatus,
  eventually,
  PEOPLE,
  startDesk,
  type DeskHarness,
} from '../support/desk-harness.js';
import type { RecordedCall } from '../support/fake-slack.js';
import {
  eventCallbackBody,
  postToSlackEvents,
  stateValue,
  viewSubmissionBody,
  waitFor,
  waitForResponse,
} from '../support/slack-requests.js';

/** Tuesday 2026-12-08 08:30 UTC. */
const NOW = new Date('2026-12-08T08:30:00.000Z');
const START = new Date('2026-12-08T10:00:00.000Z');
const DEV = '111111111111';
const SAM = 'sam.dev@example.com';
const ASK = 'request SeniorDeveloper dev 2h at 2026-12-08 10:00 testing the release';

let h: DeskHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const text = (body: unknown): string => JSON.stringify(body);

const command = commandAnswer;

/** Presses a button as `userId` (its block id as drawn, unless given); the response URL id of its answer. */
function press(
  harness: DeskHarness,
  userId: string,
  actionId: string,
  value: string,
  blockId?: string,
): Promise<string> {
  return pressButton(harness, userId, actionId, value, blockId === undefined ? {} : { blockId });
}

const answerTo = async (harness: DeskHarness, id: string): Promise<string> =>
  text((await waitForResponse(harness.slack, id)).body);

const accessRequests = (harness: DeskHarness) => harness.desk.ledger.findRequests({ kinds: ['access'] });
const assignmentsMade = (harness: DeskHarness) => callsOf(harness.emulator, 'CreateAccountAssignment');

const statusOf = untilStatus;

/** Sam asks for SeniorDeveloper on dev, 2h from 10:00; Lena approves: scheduled. */
async function scheduled(harness: DeskHarness): Promise<string> {
  expect(await command(harness, PEOPLE.sam, ASK)).toMatch(/R-[0-9A-Z]{8}/);
  const request = await eventually('the request', async () => (await accessRequests(harness)).at(0));
  await press(harness, PEOPLE.lena, ACTION.approve, request.id);
  await statusOf(harness, request.id, 'scheduled');
  return request.id;
}

async function openHome(harness: DeskHarness, userId: string): Promise<RecordedCall> {
  const before = harness.slack.callsTo('views.publish').filter((c) => c.args.user_id === userId).length;
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
  return waitFor(
    'the Home tab',
    () => harness.slack.callsTo('views.publish').filter((c) => c.args.user_id === userId)[before],
  );
}

/** Submits the request form for SeniorDeveloper on dev, 2h, with the start day and time given. */
async function submitForm(
  harness: DeskHarness,
  start: { day?: string; time?: string },
): Promise<{ response_action?: string; errors?: Record<string, string> }> {
  const answer = await postToSlackEvents(
    harness.target,
    viewSubmissionBody({
      callbackId: CALLBACK.requestModal,
      userId: PEOPLE.sam,
      values: {
        [BLOCK.permissionSet]: stateValue.select(ACTION.pickPermissionSet, 'SeniorDeveloper'),
        [BLOCK.accounts]: stateValue.multi(ACTION.pickAccounts, ['dev']),
        [BLOCK.duration]: stateValue.select(ACTION.pickDuration, '2h', 'static_select'),
        [BLOCK.reason]: stateValue.text(ACTION.typeReason, 'testing the release'),
        [BLOCK.startDate]: {
          [ACTION.pickStartDate]: { type: 'datepicker', selected_date: start.day ?? null },
        },
        [BLOCK.startTime]: {
          [ACTION.pickStartTime]: { type: 'timepicker', selected_time: start.time ?? null, timezone: 'UTC' },
        },
      },
    }),
  );
  expect(answer.status).toBe(200);
  return answer.body === '' ? {} : (JSON.parse(answer.body) as { errors?: Record<string, string> });
}

describe('/access request … at <when>, refused', () => {
  it.each([
    [
      'unreadable',
      `${ASK.replace('at 2026-12-08 10:00', 'at 9am')}`,
      /cannot read the start after `at` `9am`/,
    ],
    [
      'in the past',
      `${ASK.replace('10:00', '08:00')}`,
      // Each reader's own time, UTC as the fallback.
      /<!date\^1796716800\^[^|]+\|2026-12-08 08:00 UTC> is in the past \(it is <!date\^1796718600\^[^|]+\|2026-12-08 08:30 UTC> now\)/,
    ],
    ['too far ahead', `${ASK.replace('at 2026-12-08 10:00', 'at +40d')}`, /at most 30d ahead/],
    ['not a day', `${ASK.replace('2026-12-08 10:00', '2026-02-30 10:00')}`, /no such day as 2026-02-30/],
  ])('refuses a start %s, naming the problem, and records nothing', async (_what, line, problem) => {
    h = await startDesk({ clock: new ManualClock(NOW) });
    const answer = await command(h, PEOPLE.sam, line);
    expect(answer).toMatch(problem);
    expect(await accessRequests(h)).toEqual([]);
    expect(h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0000APPROV')).toEqual([]);
  });

  it('refuses a start beyond timing.scheduleAhead as the config sets it', async () => {
    h = await startDesk({
      clock: new ManualClock(NOW),
      editConfig: (yaml) => yaml.replace('scheduleAhead: 30d', 'scheduleAhead: 1h'),
    });
    expect(await command(h, PEOPLE.sam, ASK)).toMatch(
      /at most 1h ahead \(until <!date\^\d+\^[^|]+\|2026-12-08 09:30 UTC>\)/,
    );
    expect(await accessRequests(h)).toEqual([]);
  });

  it('keeps the request form open with the problem under its start, and records nothing', async () => {
    h = await startDesk({ clock: new ManualClock(NOW) });
    const past = await submitForm(h, { day: '2026-12-08', time: '08:00' });
    expect(past.errors?.[BLOCK.startDate]).toMatch(/2026-12-08 08:00 UTC is in the past/);
    // A field error is plain text: no Slack date token there.
    expect(past.errors?.[BLOCK.startDate]).not.toContain('<!date');
    const noTime = await submitForm(h, { day: '2026-12-08' });
    expect(noTime.errors?.[BLOCK.startTime]).toMatch(/Pick the time it starts too/);
    const noDay = await submitForm(h, { time: '10:00' });
    expect(noDay.errors?.[BLOCK.startDate]).toMatch(/Pick the day it starts too/);
    expect(await accessRequests(h)).toEqual([]);
    expect(h.slack.callsTo('chat.postMessage')).toEqual([]);
  });

  it('refuses a cancel by someone who is neither the requester nor an admin, and keeps it scheduled', async () => {
    h = await startDesk({ clock: new ManualClock(NOW) });
    const id = await scheduled(h);
    const stranger = await press(h, PEOPLE.jay, ACTION.cancel, id);
    expect(await answerTo(h, stranger)).toMatch(/Only <@U0000SAM01> \(or an admin\) can cancel/);
    const approver = await press(h, PEOPLE.lena, ACTION.cancel, id);
    expect(await answerTo(h, approver)).toMatch(/Only <@U0000SAM01> \(or an admin\) can cancel/);
    expect((await h.desk.service.view(id))?.request.status).toBe('scheduled');
  });

  it("refuses a tampered Cancel button whose value names someone else's request, changing nothing", async () => {
    h = await startDesk({ clock: new ManualClock(NOW) });
    const id = await scheduled(h);
    // Jay's own card button, its value edited to Sam's request.
    const tampered = await press(h, PEOPLE.jay, ACTION.cancel, id, cardBlockId(ACTION.cancel, 'R-00000000'));
    expect(await answerTo(h, tampered)).toMatch(/does not belong to this card, so nothing was done/);
    expect((await h.desk.service.view(id))?.request.status).toBe('scheduled');
  });

  it('refuses a cancel once the access has started, saying how to end it instead', async () => {
    const clock = new ManualClock(NOW);
    h = await startDesk({ clock });
    const id = await scheduled(h);
    clock.set(START);
    await h.desk.scheduler.tick();
    await statusOf(h, id, 'active');
    const late = await press(h, PEOPLE.sam, ACTION.cancel, id);
    expect(await answerTo(h, late)).toMatch(
      /has started \(<!date\^\d+\^[^|]+\|2026-12-08 10:00 UTC>\), so there is nothing to cancel\. To end the access now: `\/access revoke SeniorDeveloper dev`/,
    );
    expect(holdsInAws(h.emulator, DEV, 'SeniorDeveloper', SAM)).toBe(true);
  });
});

describe('/access request … at <when>, granted at its start', () => {
  it('is approved now, shown as scheduled with Cancel on the Home tab, granted at the start and ended two hours later', async () => {
    const clock = new ManualClock(NOW);
    h = await startDesk({ clock });
    const id = await scheduled(h);
    expect(assignmentsMade(h)).toEqual([]);
    expect(await h.desk.ledger.findGrants({ requestId: id })).toEqual([]);

    const home = text((await openHome(h, PEOPLE.sam)).args);
    expect(home).toContain(id);
    expect(home).toMatch(/scheduled: granted <!date\^\d+\^/);
    expect(home).toContain(cardBlockId(ACTION.cancel, id));

    // A minute early, nothing happens.
    clock.set(new Date(START.getTime() - MINUTE));
    await h.desk.scheduler.tick();
    expect((await h.desk.service.view(id))?.request.status).toBe('scheduled');
    expect(assignmentsMade(h)).toEqual([]);

    clock.set(START);
    await h.desk.scheduler.tick();
    await statusOf(h, id, 'active');
    expect(holdsInAws(h.emulator, DEV, 'SeniorDeveloper', SAM)).toBe(true);
    const [grant] = await h.desk.ledger.findGrants({ requestId: id });
    expect(grant?.endsAt?.toISOString()).toBe(new Date(START.getTime() + 2 * HOUR).toISOString());
    // Ticking again at the same moment grants nothing twice.
    await h.desk.scheduler.tick();
    expect(assignmentsMade(h)).toHaveLength(1);

    clock.set(new Date(START.getTime() + 2 * HOUR));
    await h.desk.scheduler.tick();
    await statusOf(h, id, 'ended');
    expect(holdsInAws(h.emulator, DEV, 'SeniorDeveloper', SAM)).toBe(false);
  });

  it('approved only after its start, is granted at once for the whole length asked for', async () => {
    const clock = new ManualClock(NOW);
    h = await startDesk({ clock });
    expect(await command(h, PEOPLE.sam, ASK)).toMatch(/R-[0-9A-Z]{8}/);
    const request = await eventually('the request', async () => (await accessRequests(h!)).at(0));
    const late = new Date(START.getTime() + 30 * MINUTE);
    clock.set(late);
    await press(h, PEOPLE.lena, ACTION.approve, request.id);
    await statusOf(h, request.id, 'active');
    const [grant] = await h.desk.ledger.findGrants({ requestId: request.id });
    expect(grant?.endsAt?.toISOString()).toBe(new Date(late.getTime() + 2 * HOUR).toISOString());
    await waitFor('the card to say it was approved after its start', () =>
      h!.slack.callsTo('chat.update').find((c) => /approved after it/.test(text(c.args))),
    );
  });

  it('is scheduled from the start day and time picked in the request form', async () => {
    h = await startDesk({ clock: new ManualClock(NOW) });
    const answer = await submitForm(h, { day: '2026-12-08', time: '10:00' });
    expect(answer.errors).toBeUndefined();
    const request = await eventually('the request', async () => (await accessRequests(h!)).at(0));
    expect(request.startsAt?.toISOString()).toBe(START.toISOString());
    await press(h, PEOPLE.lena, ACTION.approve, request.id);
    await statusOf(h, request.id, 'scheduled');
    expect(assignmentsMade(h)).toEqual([]);
  });

  it('is cancelled by its requester before the start, and nothing is ever granted', async () => {
    const clock = new ManualClock(NOW);
    h = await startDesk({ clock });
    const id = await scheduled(h);
    await press(h, PEOPLE.sam, ACTION.cancel, id);
    await statusOf(h, id, 'cancelled');
    clock.set(START);
    await h.desk.scheduler.tick();
    expect((await h.desk.service.view(id))?.request.status).toBe('cancelled');
    expect(assignmentsMade(h)).toEqual([]);
    expect(await h.desk.ledger.findGrants({ requestId: id })).toEqual([]);
  });

  it("is cancelled by the requester's second Slack account (the same person in Identity Center)", async () => {
    h = await startDesk({
      clock: new ManualClock(NOW),
      slackUsers: { U0000SAM02: { email: SAM, name: 'sam.other' } },
    });
    const id = await scheduled(h);
    await press(h, 'U0000SAM02', ACTION.cancel, id);
    await statusOf(h, id, 'cancelled');
  });

  it('is cancelled by an admin before the start, and the card says who cancelled it', async () => {
    const clock = new ManualClock(NOW);
    h = await startDesk({ clock });
    const id = await scheduled(h);
    await press(h, PEOPLE.ada, ACTION.cancel, id);
    await statusOf(h, id, 'cancelled');
    await waitFor('the card to say Ada cancelled it', () =>
      h!.slack.callsTo('chat.update').find((c) => /Cancelled by <@U0000ADMIN>/.test(text(c.args))),
    );
    clock.set(START);
    await h.desk.scheduler.tick();
    expect(assignmentsMade(h)).toEqual([]);
  });

  it('is started once when two workers reach its start at the same moment', async () => {
    const clock = new ManualClock(NOW);
    h = await startDesk({ clock });
    const id = await scheduled(h);
    // The approval's own jobs done first: no tick of the scheduler then runs beside the two below.
    await h.desk.scheduler.tick();
    clock.set(START);
    const request = await h.desk.ledger.getRequest(id);
    const started = await Promise.all([
      h.desk.service.scheduled.start(request!),
      h.desk.service.scheduled.start(request!),
    ]);
    expect(started.filter(Boolean)).toHaveLength(1);
    expect(await h.desk.ledger.findGrants({ requestId: id })).toHaveLength(1);
    await h.desk.scheduler.tick();
    await statusOf(h, id, 'active');
    expect(assignmentsMade(h)).toHaveLength(1);
  });
});
