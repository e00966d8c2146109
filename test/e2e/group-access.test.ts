/**
 * Time-bound group membership end to end: `/access request group:<Group> …` typed into the real Bolt App, the
 * card, the Approve click, the membership made in the local Identity Center, and the scheduler (on a manual
 * clock) taking it away at the end. Refusals first, then the memberships that go through.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/access/clock.js';
import { HOUR } from '../../src/domain/duration.js';
import { ACTION, cardBlockId } from '../../src/slack/ids.js';
import { callsOf, groupsOf } from '../support/admin-emulator.js';
import {
  commandAnswer,
  pressButton,
  untilStatus,
  eventually,
  PEOPLE,
  startDesk,
  type DeskHarness,
} from '../support/desk-harness.js';
import { waitFor, waitForResponse } from '../support/slack-requests.js';

const JAY = 'jay.junior@example.com';
const START = new Date('2026-12-08T08:30:00.000Z');

let h: DeskHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const text = (body: unknown): string => JSON.stringify(body);

/** Types `/access <line>` as `userId`; the answer Slack would show them. */
const command = commandAnswer;

/** Presses a button as `userId`; the response URL id its private answer (if any) goes to. */
function press(
  harness: DeskHarness,
  userId: string,
  actionId: string,
  value: string,
  blockId?: string,
): Promise<string> {
  return pressButton(harness, userId, actionId, value, blockId === undefined ? {} : { blockId });
}

/** Presses a button that must be refused: the private answer. */
async function click(harness: DeskHarness, userId: string, actionId: string, value: string): Promise<string> {
  const id = await press(harness, userId, actionId, value);
  return text((await waitForResponse(harness.slack, id)).body);
}

const groupRequests = (harness: DeskHarness) => harness.desk.ledger.findRequests({ kinds: ['group_access'] });
const memberships = (harness: DeskHarness, operation: 'CreateGroupMembership' | 'DeleteGroupMembership') =>
  callsOf(harness.emulator, operation, 'identitystore');

async function onlyRequest(harness: DeskHarness) {
  return eventually('the group membership request', async () => (await groupRequests(harness)).at(0));
}

const statusOf = untilStatus;

/** Jay in ReadOnly for 2h, approved by Lena: active, with the membership made. */
async function jayJoinsReadOnly(harness: DeskHarness): Promise<string> {
  const answer = await command(harness, PEOPLE.jay, 'request group:ReadOnly 2h reading the prod logs');
  expect(answer).toMatch(/R-[0-9A-Z]{8}/);
  const request = await onlyRequest(harness);
  await press(harness, PEOPLE.lena, ACTION.approve, request.id);
  await statusOf(harness, request.id, 'active');
  return request.id;
}

/** The example config with its rules replaced: only rules naming the ReadOnly group. */
const onlyReadOnlyOffered = (yaml: string): string =>
  yaml.replace(
    /\nrules:\n[\s\S]*?\nchannels:/,
    '\nrules:\n  - match: { groups: [ReadOnly] }\n    approvers: [leads]\n    maxDuration: 12h\nchannels:',
  );

describe('/access request group:…, refused', () => {
  it('refuses a group no rule offers, recording nothing, while a rule naming a group by groups: offers it', async () => {
    h = await startDesk({ editConfig: onlyReadOnlyOffered });
    const refused = await command(h, PEOPLE.jay, 'request group:Billing 2h month-end close');
    expect(refused).toMatch(/No rule offers FinanceAdmin on management \(through group Billing\)/);
    expect(await groupRequests(h)).toEqual([]);

    const offered = await command(h, PEOPLE.jay, 'request group:ReadOnly 2h reading the prod logs');
    expect(offered).toMatch(/R-[0-9A-Z]{8}/);
    expect(await groupRequests(h)).toHaveLength(1);
    expect(memberships(h, 'CreateGroupMembership')).toEqual([]);
  });

  it('refuses someone already in the group, saying it was made outside access-desk, and asks for nothing', async () => {
    h = await startDesk();
    const answer = await command(h, PEOPLE.sam, 'request group:ReadOnly 2h');
    expect(answer).toMatch(/already in group \*ReadOnly\* in Identity Center \(not through access-desk\)/);
    expect(await groupRequests(h)).toEqual([]);
    expect(h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0000APPROV')).toEqual([]);
  });

  it('refuses a permanent membership, a group it does not know, and a start it cannot read, naming each problem', async () => {
    h = await startDesk();
    expect(await command(h, PEOPLE.jay, 'request group:ReadOnly permanent')).toMatch(
      /for a while, never permanent.*\/access group add/,
    );
    expect(await command(h, PEOPLE.jay, 'request group:ReadOnli 2h')).toMatch(/did you mean `ReadOnly`/);
    expect(await command(h, PEOPLE.jay, 'request group:ReadOnly 2h at 9am')).toMatch(
      /cannot read the start after `at` `9am`/,
    );
    expect(await command(h, PEOPLE.jay, 'request group: 2h')).toMatch(/Name the group after `group:`/);
    expect(await groupRequests(h)).toEqual([]);
  });

  it('refuses a second request for the same group while the first is open', async () => {
    h = await startDesk();
    await command(h, PEOPLE.jay, 'request group:ReadOnly 2h reading the prod logs');
    await onlyRequest(h);
    expect(await command(h, PEOPLE.jay, 'request group:readonly 1h again')).toMatch(
      /already asked for group ReadOnly/,
    );
    expect(await groupRequests(h)).toHaveLength(1);
  });

  it('refuses the requester, their second Slack account and someone who is not an approver at the Approve button, joining nobody', async () => {
    h = await startDesk({ slackUsers: { U0000JAY02: { email: JAY, name: 'jay.other' } } });
    await command(h, PEOPLE.jay, 'request group:ReadOnly 2h reading the prod logs');
    const request = await onlyRequest(h);
    expect(await click(h, PEOPLE.jay, ACTION.approve, request.id)).toMatch(/own request/);
    expect(await click(h, 'U0000JAY02', ACTION.approve, request.id)).toMatch(/not one of the approvers/);
    expect(await click(h, PEOPLE.sam, ACTION.approve, request.id)).toMatch(/not one of the approvers/);
    expect((await h.desk.service.view(request.id))?.request.status).toBe('pending');
    expect(groupsOf(h.emulator, JAY)).toEqual([]);
    expect(memberships(h, 'CreateGroupMembership')).toEqual([]);
  });

  it("refuses a non-admin ending someone else's membership, and leaves it", async () => {
    h = await startDesk({ clock: new ManualClock(START) });
    await jayJoinsReadOnly(h);
    expect(await command(h, PEOPLE.sam, `revoke group:ReadOnly <@${PEOPLE.jay}|jay>`)).toMatch(
      /Only an admin can end someone else's access/,
    );
    expect(groupsOf(h.emulator, JAY)).toEqual(['ReadOnly']);
    expect(memberships(h, 'DeleteGroupMembership')).toEqual([]);
  });

  it('leaves in place, at the end, a membership someone else made after removing ours', async () => {
    const clock = new ManualClock(START);
    h = await startDesk({ clock });
    const id = await jayJoinsReadOnly(h);
    // An admin removes Jay in the console and adds them again: the membership there now is theirs.
    const group = await h.desk.aws.directory.findGroupByName('ReadOnly');
    const jay = await h.desk.aws.directory.findUserIdByEmail(JAY);
    if (!group.ok || group.value === undefined || !jay.ok || jay.value === undefined) throw new Error('seed');
    expect((await h.desk.aws.directory.removeMembership(group.value.id, jay.value)).ok).toBe(true);
    expect((await h.desk.aws.directory.addMembership(group.value.id, jay.value)).ok).toBe(true);
    const deletesBefore = memberships(h, 'DeleteGroupMembership').length;

    clock.advance(2 * HOUR);
    await h.desk.scheduler.tick();
    await statusOf(h, id, 'ended');
    expect(groupsOf(h.emulator, JAY)).toEqual(['ReadOnly']);
    expect(memberships(h, 'DeleteGroupMembership')).toHaveLength(deletesBefore);
    const audit = await h.desk.ledger.listAudit({ requestId: id });
    expect(audit.map((a) => a.action)).toContain('aws.membership.kept');
  });

  it('records a membership that appeared before it was granted as not ours, and leaves it at the end', async () => {
    const clock = new ManualClock(START);
    h = await startDesk({ clock });
    await command(h, PEOPLE.jay, 'request group:ReadOnly 2h reading the prod logs');
    const request = await onlyRequest(h);
    // Someone adds Jay by hand while the request waits for its approval.
    const group = await h.desk.aws.directory.findGroupByName('ReadOnly');
    const jay = await h.desk.aws.directory.findUserIdByEmail(JAY);
    if (!group.ok || group.value === undefined || !jay.ok || jay.value === undefined) throw new Error('seed');
    await h.desk.aws.directory.addMembership(group.value.id, jay.value);
    await press(h, PEOPLE.lena, ACTION.approve, request.id);
    await statusOf(h, request.id, 'active');
    const [grant] = await h.desk.ledger.findGrants({ requestId: request.id });
    expect(grant?.createdAssignment).toBe(false);

    clock.advance(2 * HOUR);
    await h.desk.scheduler.tick();
    await statusOf(h, request.id, 'ended');
    expect(groupsOf(h.emulator, JAY)).toEqual(['ReadOnly']);
    expect(memberships(h, 'DeleteGroupMembership')).toEqual([]);
  });
});

describe('/access request group:…, granted', () => {
  it('shows what the group carries on the card, joins on approval, and leaves the group when the time is up', async () => {
    const clock = new ManualClock(START);
    h = await startDesk({ clock });
    const id = await jayJoinsReadOnly(h);

    const card = await waitFor('the approval card', () =>
      h!.slack.callsTo('chat.postMessage').find((c) => c.args.channel === 'C0000APPROV'),
    );
    const drawn = text(card.args);
    expect(drawn).toContain('Group membership request');
    expect(drawn).toMatch(
      /\*Carries\*\\nReadOnlyAccess on \*dev\*\\nReadOnlyAccess on \*prod\*\\nReadOnlyAccess on \*staging\*/,
    );
    expect(drawn).toContain('Everyone who may look around');

    expect(groupsOf(h.emulator, JAY)).toEqual(['ReadOnly']);
    expect(memberships(h, 'CreateGroupMembership')).toHaveLength(1);
    const [grant] = await h.desk.ledger.findGrants({ requestId: id });
    expect(grant?.group?.name).toBe('ReadOnly');
    expect(grant?.createdAssignment).toBe(true);
    expect(grant?.endsAt?.toISOString()).toBe(new Date(START.getTime() + 2 * HOUR).toISOString());
    await waitFor('Jay to be told', () =>
      h!.slack
        .callsTo('chat.postMessage')
        .find(
          (c) =>
            String(c.args.channel).startsWith('D') &&
            /You are now in group \*ReadOnly\*.*ReadOnlyAccess on dev, prod and staging/.test(text(c.args)),
        ),
    );

    // Not a minute early.
    clock.advance(2 * HOUR - 60_000);
    await h.desk.scheduler.tick();
    expect(groupsOf(h.emulator, JAY)).toEqual(['ReadOnly']);

    clock.advance(60_000);
    await h.desk.scheduler.tick();
    await statusOf(h, id, 'ended');
    expect(groupsOf(h.emulator, JAY)).toEqual([]);
    expect(memberships(h, 'DeleteGroupMembership')).toHaveLength(1);
    // The sessions of what the group gave are ended too, as when an admin removes someone from a group.
    const denials = await h.desk.ledger.findSessionDenials({ requestIds: [id] });
    expect(denials.map((d) => d.accountAlias).sort()).toEqual(['dev', 'prod', 'staging']);
  });

  it('shows a time-bound membership in whois as until its end, on the group and on what it gives', async () => {
    h = await startDesk({ clock: new ManualClock(START) });
    const id = await jayJoinsReadOnly(h);
    const end = new Date(START.getTime() + 2 * HOUR);
    const until = `until <!date^${end.getTime() / 1000}^{date_short_pretty} {time}|2026-12-08 10:30 UTC> (${id})`;
    const answer = await command(h, PEOPLE.sam, `whois <@${PEOPLE.jay}|jay>`);
    expect(answer).toContain(`*ReadOnly* ${until}`);
    expect(answer).toContain(`*ReadOnlyAccess*: through group *ReadOnly* ${until}`);
    // The membership's grant is the group's: never an assignment of its own, nor drift.
    expect(answer).not.toMatch(/access-desk grant (until|permanent)/);
    expect(answer).not.toContain('not in AWS any more');
    // Asking again says until when, in the same words.
    expect(await command(h, PEOPLE.jay, 'request group:ReadOnly 1h more')).toContain(
      `You are already in group *ReadOnly* until <!date^${end.getTime() / 1000}^{date_short_pretty} {time}|2026-12-08 10:30 UTC> (request ${id})`,
    );
    // Someone in a group by other means is shown without an end.
    expect(await command(h, PEOPLE.jay, `whois <@${PEOPLE.sam}|sam>`)).toMatch(
      /\*ReadOnlyAccess\*: through group \*ReadOnly\*(?! until)/,
    );
  });

  it('extends a membership with approval, moving its end, and a revoke takes the person out at once', async () => {
    const clock = new ManualClock(START);
    h = await startDesk({ clock });
    const id = await jayJoinsReadOnly(h);
    expect(await command(h, PEOPLE.jay, 'extend group:ReadOnly 1h still reading')).toMatch(/R-[0-9A-Z]{8}/);
    const extension = await eventually('the extension', async () =>
      (await h!.desk.ledger.findRequests({ kinds: ['extend'] })).at(0),
    );
    await press(h, PEOPLE.leo, ACTION.approve, extension.id);
    await statusOf(h, extension.id, 'completed');
    const [grant] = await h.desk.ledger.findGrants({ requestId: id });
    expect(grant?.endsAt?.toISOString()).toBe(new Date(START.getTime() + 3 * HOUR).toISOString());

    expect(await command(h, PEOPLE.jay, 'revoke group:ReadOnly')).not.toMatch(/hold no/);
    await statusOf(h, id, 'ended');
    expect(groupsOf(h.emulator, JAY)).toEqual([]);
    expect(await command(h, PEOPLE.jay, 'revoke group:ReadOnly')).toMatch(
      /You hold no time-bound membership of group ReadOnly/,
    );
  });
});

describe('/access request group:… at <when>', () => {
  /** 10:00 on the day START (08:30) is. */
  const AT = new Date('2026-12-08T10:00:00.000Z');
  const AHEAD = 'request group:ReadOnly 2h reading the prod logs at 2026-12-08 10:00';

  /** Jay asks for ReadOnly for 2h from 10:00; Lena approves at 08:30: scheduled, nobody joined yet. */
  async function jayScheduled(harness: DeskHarness): Promise<string> {
    expect(await command(harness, PEOPLE.jay, AHEAD)).toMatch(/R-[0-9A-Z]{8}/);
    const request = await onlyRequest(harness);
    expect(request.startsAt?.toISOString()).toBe(AT.toISOString());
    await press(harness, PEOPLE.lena, ACTION.approve, request.id);
    await statusOf(harness, request.id, 'scheduled');
    return request.id;
  }

  it.each([
    [
      'in the past',
      'request group:ReadOnly 2h at 2026-12-08 08:00 reading',
      /<!date\^\d+\^[^|]+\|2026-12-08 08:00 UTC> is in the past/,
    ],
    ['too far ahead', 'request group:ReadOnly 2h reading at +40d', /at most 30d ahead/],
    ['on no such day', 'request group:ReadOnly 2h at 2026-02-30 10:00', /no such day as 2026-02-30/],
  ])('refuses a start %s, naming the problem, and records nothing', async (_what, line, problem) => {
    h = await startDesk({ clock: new ManualClock(START) });
    expect(await command(h, PEOPLE.jay, line)).toMatch(problem);
    expect(await groupRequests(h)).toEqual([]);
    expect(h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0000APPROV')).toEqual([]);
  });

  it('refuses a cancel by an approver or a stranger, and a tampered Cancel button, keeping it scheduled', async () => {
    const clock = new ManualClock(START);
    h = await startDesk({ clock });
    const id = await jayScheduled(h);
    expect(await click(h, PEOPLE.lena, ACTION.cancel, id)).toMatch(
      /Only <@U0000JAY01> \(or an admin\) can cancel/,
    );
    expect(await click(h, PEOPLE.sam, ACTION.cancel, id)).toMatch(
      /Only <@U0000JAY01> \(or an admin\) can cancel/,
    );
    // Jay's own Cancel button on another card, its value edited to this request.
    const tampered = await press(h, PEOPLE.jay, ACTION.cancel, id, cardBlockId(ACTION.cancel, 'R-00000000'));
    expect(text((await waitForResponse(h.slack, tampered)).body)).toMatch(
      /does not belong to this card, so nothing was done/,
    );
    expect((await h.desk.service.view(id))?.request.status).toBe('scheduled');
    clock.set(AT);
    await h.desk.scheduler.tick();
    await statusOf(h, id, 'active');
    expect(groupsOf(h.emulator, JAY)).toEqual(['ReadOnly']);
  });

  it('is approved now, joins the group at its start, and leaves it two hours later', async () => {
    const clock = new ManualClock(START);
    h = await startDesk({ clock });
    const id = await jayScheduled(h);
    expect(memberships(h, 'CreateGroupMembership')).toEqual([]);
    expect(await h.desk.ledger.findGrants({ requestId: id })).toEqual([]);
    await waitFor('the card to say when Jay joins', () =>
      [...h!.slack.callsTo('chat.update'), ...h!.slack.callsTo('chat.postMessage')].find((c) =>
        /Approved, scheduled: granted <!date\^\d+\^[^|]+\|2026-12-08 10:00 UTC>/.test(text(c.args)),
      ),
    );

    await h.desk.scheduler.tick();
    await waitFor('the audit channel to say when it starts, in UTC words (not ISO)', () =>
      h!.slack
        .callsTo('chat.postMessage')
        .find(
          (c) =>
            c.args.channel === 'C0000AUDIT' &&
            /scheduled membership of group ReadOnly for 2h to start 2026-12-08 10:00 UTC \(R-/.test(
              text(c.args),
            ),
        ),
    );

    // A minute early, nobody joins.
    clock.set(new Date(AT.getTime() - 60_000));
    await h.desk.scheduler.tick();
    expect((await h.desk.service.view(id))?.request.status).toBe('scheduled');
    expect(groupsOf(h.emulator, JAY)).toEqual([]);

    clock.set(AT);
    await h.desk.scheduler.tick();
    await statusOf(h, id, 'active');
    expect(groupsOf(h.emulator, JAY)).toEqual(['ReadOnly']);
    const [grant] = await h.desk.ledger.findGrants({ requestId: id });
    expect(grant?.createdAssignment).toBe(true);
    expect(grant?.endsAt?.toISOString()).toBe(new Date(AT.getTime() + 2 * HOUR).toISOString());
    await h.desk.scheduler.tick();
    expect(memberships(h, 'CreateGroupMembership')).toHaveLength(1);

    // Once joined, Cancel says how to leave instead.
    expect(await click(h, PEOPLE.jay, ACTION.cancel, id)).toMatch(
      /has started.*nothing to cancel\. To end the access now: `\/access revoke group:ReadOnly`/,
    );

    clock.set(new Date(AT.getTime() + 2 * HOUR));
    await h.desk.scheduler.tick();
    await statusOf(h, id, 'ended');
    expect(groupsOf(h.emulator, JAY)).toEqual([]);
    expect(memberships(h, 'DeleteGroupMembership')).toHaveLength(1);
  });

  it('is cancelled by its requester before the start, and nobody ever joins', async () => {
    const clock = new ManualClock(START);
    h = await startDesk({ clock });
    const id = await jayScheduled(h);
    await press(h, PEOPLE.jay, ACTION.cancel, id);
    await statusOf(h, id, 'cancelled');
    clock.set(AT);
    await h.desk.scheduler.tick();
    expect((await h.desk.service.view(id))?.request.status).toBe('cancelled');
    expect(memberships(h, 'CreateGroupMembership')).toEqual([]);
    expect(groupsOf(h.emulator, JAY)).toEqual([]);
    expect(await h.desk.ledger.findGrants({ requestId: id })).toEqual([]);
  });

  it('is not joined at its start when the person was added to the group some other way meanwhile', async () => {
    const clock = new ManualClock(START);
    h = await startDesk({ clock });
    const id = await jayScheduled(h);
    const group = await h.desk.aws.directory.findGroupByName('ReadOnly');
    const jay = await h.desk.aws.directory.findUserIdByEmail(JAY);
    if (!group.ok || group.value === undefined || !jay.ok || jay.value === undefined) throw new Error('seed');
    await h.desk.aws.directory.addMembership(group.value.id, jay.value);
    clock.set(AT);
    await h.desk.scheduler.tick();
    await statusOf(h, id, 'failed');
    const audit = await h.desk.ledger.listAudit({ requestId: id });
    const refused = audit.find((a) => a.action === 'request.start_refused');
    expect(String(refused?.details?.reason)).toMatch(/already in group \*ReadOnly\*/);
    // The membership someone else made stays, and is never taken away at the end.
    clock.set(new Date(AT.getTime() + 2 * HOUR));
    await h.desk.scheduler.tick();
    expect(groupsOf(h.emulator, JAY)).toEqual(['ReadOnly']);
    expect(memberships(h, 'DeleteGroupMembership')).toEqual([]);
  });
});
