/**
 * Break-glass end to end: `/access breakglass` and the review buttons on its card, as signed requests into the
 * real Bolt App on loopback, the ledger on SQLite, the local Identity Center, and the fake Slack Web API recording
 * what people see. The ways it must be refused come first (nothing recorded, nothing granted), then the honest
 * use: granted at once and loudly, reviewed or ended by an approver of the target, reminded until then, and
 * listed by the audit while nobody has reviewed it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { breakGlassCsvLines, unreviewedBreakGlass } from '../../src/access/audit/break-glass.js';
import { BREAK_GLASS_REMIND_EVERY_MS } from '../../src/domain/break-glass.js';
import { ManualClock } from '../../src/access/clock.js';
import { csvObjects } from '../support/csv-parse.js';
import { AUDIT, SECURITY, withBreakGlass } from '../support/break-glass-config.js';
import { ACTION } from '../../src/slack/ids.js';
import {
  commandAnswer,
  pressButton,
  eventually,
  PEOPLE,
  startDesk,
  type DeskHarness,
} from '../support/desk-harness.js';
import { holdsInAws } from '../support/emulator-assertions.js';
import type { RecordedCall } from '../support/fake-slack.js';
import { waitFor, waitForResponse } from '../support/slack-requests.js';

const PROD = '333333333333';
const STAGING = '222222222222';
const APPROVALS = 'C0000APPROV';
/** A second Slack account of Lena's, matched to her by its profile email (not in `people:`). */
const LENA_AGAIN = 'U0000LEAD9';
const dm = (userId: string): string => `D${userId.slice(1)}`;

let h: DeskHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Waits for something Slack is told after the ack; generous, as the machine may be busy. */
/** The break-glass card's colour: Slack's danger red, down the left of its blocks. */
const RED = '#E01E5A';
const until = <T>(what: string, probe: () => T | undefined | false): Promise<T> =>
  waitFor(what, probe, { tries: 1_000 });
const text = (v: unknown): string => JSON.stringify(v);

/** A signed `/access …` command; resolves with what the person alone was told. */
const command = commandAnswer;

/** A signed click on a review button; resolves with what the clicker alone was told. */
async function press(
  harness: DeskHarness,
  userId: string,
  actionId: string,
  value: string,
  blockId?: string,
): Promise<string> {
  // The card's buttons sit in its red attachment, and Slack sends them back there.
  const id = await pressButton(harness, userId, actionId, value, {
    attachmentColor: RED,
    ...(blockId !== undefined ? { blockId } : {}),
  });
  return text((await waitForResponse(harness.slack, id)).body);
}

const markReviewed = (harness: DeskHarness, userId: string, requestId: string) =>
  press(harness, userId, ACTION.breakGlassReviewed, requestId);
const endAccess = (harness: DeskHarness, userId: string, requestId: string) =>
  press(harness, userId, ACTION.breakGlassEnd, requestId);

const creations = (harness: DeskHarness) =>
  harness.emulator.calls.filter((c) => c.operation === 'CreateAccountAssignment');

async function nothingRecorded(harness: DeskHarness): Promise<void> {
  expect(await harness.desk.ledger.findRequests({})).toEqual([]);
  expect(await harness.desk.ledger.findBreakGlass({})).toEqual([]);
  expect(creations(harness)).toEqual([]);
}

/** Omar breaks glass for AdministratorAccess on prod; resolves once it is active in AWS. */
async function brokeGlass(harness: DeskHarness, userId: string = PEOPLE.omar, account = 'prod') {
  const answer = await command(
    harness,
    userId,
    `breakglass AdministratorAccess ${account} 1h INC-4711 payments down`,
  );
  const request = await eventually('the break-glass request', async () =>
    (await harness.desk.ledger.findRequests({ requesterSlackId: userId })).find(
      (r) => r.details.breakGlass !== undefined && r.accounts[0]?.alias === account,
    ),
  );
  await eventually('the access to be active', async () =>
    (await harness.desk.ledger.getRequest(request.id))?.status === 'active' ? true : undefined,
  );
  return { id: request.id, answer };
}

const postsTo = (harness: DeskHarness, channel: string): RecordedCall[] =>
  harness.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === channel);
/** The card's blocks: they go out inside its one attachment (the red bar), none at the top level. */
const cardBlocks = (call: RecordedCall): unknown => {
  const attachments = call.args.attachments;
  return Array.isArray(attachments)
    ? (attachments as { blocks?: unknown }[]).map((a) => a.blocks)
    : undefined;
};
/** The colours of a call's attachments. */
const colours = (call: RecordedCall): unknown[] =>
  Array.isArray(call.args.attachments)
    ? (call.args.attachments as { color?: unknown }[]).map((a) => a.color)
    : [];
const cardOf = (harness: DeskHarness, channel: string, id: string) =>
  until(`the card of ${id} in ${channel}`, () =>
    postsTo(harness, channel).find((c) => text(cardBlocks(c)).includes(`breakglass:${id}`)),
  );
const review = async (harness: DeskHarness, id: string) => harness.desk.ledger.getBreakGlass(id);

describe('break-glass is refused, and nothing is recorded or granted', () => {
  it('for something no rule lets anyone take at once, saying how to ask for it instead', async () => {
    h = await startDesk({ editConfig: withBreakGlass() });
    const answer = await command(h, PEOPLE.omar, 'breakglass Developer prod 1h INC-4711 payments down');
    expect(answer).toContain('No rule allows break-glass for Developer on prod');
    expect(answer).toContain('/access request Developer prod 1h');
    await nothingRecorded(h);
  });

  it('to Sam, who is not in the rule’s `who`, naming the group that may', async () => {
    h = await startDesk({ editConfig: withBreakGlass() });
    const answer = await command(
      h,
      PEOPLE.sam,
      'breakglass AdministratorAccess prod 1h INC-4711 payments down',
    );
    expect(answer).toContain('Only *oncall* may break glass for AdministratorAccess on prod');
    expect(answer).not.toContain('rules[');
    await nothingRecorded(h);
  });

  it('for longer than the rule’s break-glass maxDuration, saying the longest', async () => {
    h = await startDesk({ editConfig: withBreakGlass() });
    const answer = await command(
      h,
      PEOPLE.omar,
      'breakglass AdministratorAccess prod 2h INC-4711 payments down',
    );
    expect(answer).toContain('lasts at most *1h*');
    expect(answer).toContain('you asked for *2h*');
    await nothingRecorded(h);
  });

  it('a second time in 24 hours, naming the first use and when the next is possible', async () => {
    h = await startDesk({ editConfig: withBreakGlass() });
    const first = await brokeGlass(h, PEOPLE.omar, 'prod');

    const answer = await command(
      h,
      PEOPLE.omar,
      'breakglass AdministratorAccess staging 1h INC-4712 db down',
    );
    expect(answer).toContain(`You broke glass once in the last 24 hours (${first.id})`);
    expect(answer).toMatch(/the next is possible from <!date\^|the next is possible from \d{4}-\d{2}-\d{2}/);
    expect(await h.desk.ledger.findBreakGlass({})).toHaveLength(1);
    expect(creations(h).filter((c) => c.input.AccountId === STAGING)).toEqual([]);
  });

  it('a second time in 24 hours from another Slack account of the same person', async () => {
    h = await startDesk({
      editConfig: withBreakGlass(),
      slackUsers: { [LENA_AGAIN]: { email: 'lena.lead@EXAMPLE.com', name: 'lena2' } },
    });
    const first = await brokeGlass(h, PEOPLE.lena, 'prod');

    const answer = await command(h, LENA_AGAIN, 'breakglass AdministratorAccess staging 1h INC-4712 db down');
    expect(answer).toContain(`You broke glass once in the last 24 hours (${first.id})`);
    expect(answer).toContain('whichever Slack account asks');
    expect(await h.desk.ledger.findBreakGlass({})).toHaveLength(1);
  });

  it('without a reason, saying everyone will see it', async () => {
    h = await startDesk({ editConfig: withBreakGlass() });
    const answer = await command(h, PEOPLE.omar, 'breakglass AdministratorAccess prod 1h');
    expect(answer).toContain('Say why: the incident or ticket');
    expect(answer).toContain('/access breakglass');
    await nothingRecorded(h);
  });

  it('for a permission set that does not exist, suggesting the closest', async () => {
    h = await startDesk({ editConfig: withBreakGlass() });
    const answer = await command(
      h,
      PEOPLE.omar,
      'breakglass AdminstratorAccess prod 1h INC-4711 payments down',
    );
    expect(answer).toMatch(/AdminstratorAccess/);
    expect(answer).toMatch(/AdministratorAccess/);
    await nothingRecorded(h);
  });
});

describe('a break-glass use is reviewed only by another approver of its target', () => {
  it('refuses Omar’s own click on Mark reviewed, and it stays unreviewed', async () => {
    h = await startDesk({ editConfig: withBreakGlass() });
    const { id } = await brokeGlass(h);

    expect(await markReviewed(h, PEOPLE.omar, id)).toContain('an approver other than you reviews it');
    expect(await endAccess(h, PEOPLE.omar, id)).toContain('an approver other than you reviews it');
    expect(await review(h, id)).toMatchObject({ reviewedAt: null, outcome: null });
    expect(holdsInAws(h.emulator, PROD, 'AdministratorAccess', 'omar.oncall@example.com')).toBe(true);
  });

  it('refuses the requester’s second Slack account, found by its profile email in Identity Center', async () => {
    h = await startDesk({
      editConfig: withBreakGlass({ leads: [PEOPLE.lena, PEOPLE.leo, LENA_AGAIN] }),
      slackUsers: { [LENA_AGAIN]: { email: 'LENA.Lead@Example.com', name: 'lena2' } },
    });
    const { id } = await brokeGlass(h, PEOPLE.lena);

    expect(await markReviewed(h, LENA_AGAIN, id)).toContain('same person in Identity Center');
    expect(await review(h, id)).toMatchObject({ reviewedAt: null });
  });

  it('never asks the account `people:` maps to the requester, when they broke glass from another one', async () => {
    // Lena breaks glass from her second account; her own (mapped) account is neither told nor a reviewer.
    h = await startDesk({
      editConfig: withBreakGlass(),
      slackUsers: { [LENA_AGAIN]: { email: 'Lena.Lead@example.com', name: 'lena2' } },
    });
    const { id } = await brokeGlass(h, LENA_AGAIN);

    const request = await h.desk.ledger.getRequest(id);
    expect(request?.approvers).toEqual([PEOPLE.ada, PEOPLE.leo]);
    expect(await markReviewed(h, PEOPLE.lena, id)).toContain('are the same person');
    expect(await review(h, id)).toMatchObject({ reviewedAt: null });
    await until('Leo to be told', () =>
      postsTo(h!, dm(PEOPLE.leo)).some((c) => text(c.args).includes(id)) ? true : undefined,
    );
    expect(postsTo(h, dm(PEOPLE.lena)).filter((c) => text(c.args).includes(id))).toEqual([]);
  });

  it('refuses Sam, who approves nothing of it, naming who may', async () => {
    h = await startDesk({ editConfig: withBreakGlass() });
    const { id } = await brokeGlass(h);

    const answer = await markReviewed(h, PEOPLE.sam, id);
    expect(answer).toContain(`Only an approver of AdministratorAccess on prod reviews ${id}`);
    expect(answer).toContain(`<@${PEOPLE.lena}>`);
    expect(await endAccess(h, PEOPLE.sam, id)).toContain('Only an approver');
    expect(await review(h, id)).toMatchObject({ reviewedAt: null });
    expect(holdsInAws(h.emulator, PROD, 'AdministratorAccess', 'omar.oncall@example.com')).toBe(true);
  });

  it('refuses a button whose value names another request than its card, and one on a request that broke no glass', async () => {
    h = await startDesk({ editConfig: withBreakGlass() });
    const { id } = await brokeGlass(h);
    const ordinary = (await h.desk.service.submitAccessRequest({
      requesterSlackId: PEOPLE.sam,
      permissionSet: 'SeniorDeveloper',
      accounts: ['dev'],
      reason: 'story 12',
    })) as { ok: true; value: { request: { id: string } } };
    const other = ordinary.value.request.id;

    expect(await press(h, PEOPLE.lena, ACTION.breakGlassReviewed, id, `breakglass:${other}`)).toContain(
      'does not belong to this card',
    );
    expect(await press(h, PEOPLE.lena, ACTION.breakGlassEnd, other, `breakglass:${id}`)).toContain(
      'does not belong to this card',
    );
    expect(await press(h, PEOPLE.lena, ACTION.breakGlassReviewed, id, `decide:${id}`)).toContain(
      'does not belong to this card',
    );
    expect(await markReviewed(h, PEOPLE.lena, other)).toContain(`There is no break-glass use ${other}`);

    expect(await review(h, id)).toMatchObject({ reviewedAt: null });
    expect((await h.desk.ledger.getRequest(other))?.status).toBe('pending');
    expect(holdsInAws(h.emulator, PROD, 'AdministratorAccess', 'omar.oncall@example.com')).toBe(true);
  });
});

describe('breaking glass', () => {
  it('grants Omar AdministratorAccess on prod at once, without approval, and says so everywhere', async () => {
    h = await startDesk({ editConfig: withBreakGlass() });
    const { id, answer } = await brokeGlass(h);

    expect(answer).toContain(`*${id}*: *AdministratorAccess* on *prod* for *1h*, at once.`);
    expect(answer).toContain('This is loud on purpose');
    expect(holdsInAws(h.emulator, PROD, 'AdministratorAccess', 'omar.oncall@example.com')).toBe(true);
    const request = await h.desk.ledger.getRequest(id);
    expect(request).toMatchObject({
      status: 'active',
      requiredApprovals: 0,
      reason: 'INC-4711 payments down',
    });
    expect(await h.desk.ledger.listApprovals(id)).toEqual([]);

    // A red card in the approvals channel with both buttons, and its copy in the security channel.
    for (const channel of [APPROVALS, SECURITY]) {
      const card = await cardOf(h, channel, id);
      expect(colours(card)).toEqual([RED]);
      expect(card.args.blocks).toBeUndefined();
      expect(text(card.args.text)).toContain(`Break-glass ${id}`);
      const blocks = text(cardBlocks(card));
      expect(blocks).toContain(`🚨 Break-glass ${id}`);
      expect(blocks).toContain('Mark reviewed');
      expect(blocks).toContain('*Needs review*');
    }
    await until('the End access button on the card', () =>
      h!.slack.calls.some(
        (c) =>
          (c.method === 'chat.update' || c.method === 'chat.postMessage') &&
          c.args.channel === APPROVALS &&
          text(cardBlocks(c)).includes('End access now'),
      )
        ? true
        : undefined,
    );
    // A direct message to every approver of the target (leads and admins), none to Omar's reviewers' stand-ins.
    for (const approver of [PEOPLE.lena, PEOPLE.leo, PEOPLE.ada]) {
      await until(`${approver} to be told`, () =>
        postsTo(h!, dm(approver)).some((c) => text(c.args).includes(`Break-glass ${id}`)) ? true : undefined,
      );
    }
    // A line in the audit channel.
    await until('the audit line', () =>
      postsTo(h!, AUDIT).some((c) => text(c.args).includes('BROKE GLASS')) ? true : undefined,
    );
    expect(await review(h, id)).toMatchObject({ reviewedAt: null, requesterSlackId: PEOPLE.omar });
  });

  it('replaces Omar’s own pending request for the same thing, so that nobody approves it twice', async () => {
    h = await startDesk({ editConfig: withBreakGlass() });
    await command(h, PEOPLE.omar, 'request AdministratorAccess prod 1h INC-4711 payments down');
    const pending = await eventually('the pending request', async () =>
      (await h!.desk.ledger.findRequests({ statuses: ['pending'] })).at(0),
    );

    const { id } = await brokeGlass(h);
    expect(id).not.toBe(pending.id);
    expect((await h.desk.ledger.getRequest(pending.id))?.status).toBe('cancelled');
  });

  it('is marked reviewed by Lena: the cards say so, reminders stop, and a second review changes nothing', async () => {
    h = await startDesk({ editConfig: withBreakGlass() });
    const { id } = await brokeGlass(h);
    await cardOf(h, SECURITY, id);

    expect(await markReviewed(h, PEOPLE.lena, id)).toContain(`Marked *${id}* reviewed`);
    expect(await review(h, id)).toMatchObject({ reviewedBy: PEOPLE.lena, outcome: 'reviewed' });
    for (const channel of [APPROVALS, SECURITY]) {
      const updated = await until(`the card in ${channel} to say reviewed`, () =>
        h!.slack
          .callsTo('chat.update')
          .find((c) => c.args.channel === channel && text(cardBlocks(c)).includes('*Reviewed* by')),
      );
      // Still red after the update, and no stale top-level blocks left beside the attachment.
      expect(colours(updated)).toEqual([RED]);
      expect(updated.args.blocks).toEqual([]);
      const shown = h.slack.messages.get(`${channel}/${String(updated.args.ts)}`);
      expect(shown?.attachments).toEqual(updated.args.attachments);
    }
    expect(await markReviewed(h, PEOPLE.leo, id)).toContain('was already reviewed by');
    expect(await review(h, id)).toMatchObject({ reviewedBy: PEOPLE.lena, outcome: 'reviewed' });
    expect(holdsInAws(h.emulator, PROD, 'AdministratorAccess', 'omar.oncall@example.com')).toBe(true);
  });

  it('is ended by Leo with End access now: the assignment is removed at once', async () => {
    h = await startDesk({ editConfig: withBreakGlass() });
    const { id } = await brokeGlass(h);

    expect(await endAccess(h, PEOPLE.leo, id)).toContain(`Ending *${id}* now`);
    await until('the assignment to be removed', () =>
      holdsInAws(h!.emulator, PROD, 'AdministratorAccess', 'omar.oncall@example.com') ? undefined : true,
    );
    expect(await review(h, id)).toMatchObject({ reviewedBy: PEOPLE.leo, outcome: 'ended' });
    await eventually('the grant to end as revoked', async () => {
      const grants = await h!.desk.ledger.findGrants({ requestId: id });
      return grants.length === 1 && grants.every((g) => g.status === 'ended' && g.endReason === 'revoked')
        ? true
        : undefined;
    });
  });

  it('reminds Omar every few hours until it is reviewed, and the audit lists it until then', async () => {
    const clock = new ManualClock(Date.now());
    h = await startDesk({ editConfig: withBreakGlass(), clock });
    const { id } = await brokeGlass(h);
    const reminders = () =>
      postsTo(h!, dm(PEOPLE.omar)).filter((c) =>
        text(c.args).includes(`Reminder: your break-glass use ${id}`),
      );

    // Not due within the first interval.
    clock.advance(BREAK_GLASS_REMIND_EVERY_MS - 60_000);
    await h.desk.scheduler.tick();
    expect(reminders()).toEqual([]);

    clock.advance(60_000);
    await h.desk.scheduler.tick();
    await until('Omar’s first reminder', () => (reminders().length === 1 ? true : undefined));
    // Once per interval, however often the scheduler ticks.
    await h.desk.scheduler.tick();
    expect(reminders()).toHaveLength(1);

    const open = await unreviewedBreakGlass(h.desk.ledger);
    expect(open.map((u) => u.request.id)).toEqual([id]);
    const csv = breakGlassCsvLines(open);
    expect(csv).toContain('unreviewed_break_glass');
    expect(csv).toContain('omar.oncall@example.com');
    expect(csv).toContain(`break-glass ${id}`);

    expect(await markReviewed(h, PEOPLE.lena, id)).toContain('reviewed');
    clock.advance(2 * BREAK_GLASS_REMIND_EVERY_MS);
    await h.desk.scheduler.tick();
    expect(reminders()).toHaveLength(1);
    expect(await unreviewedBreakGlass(h.desk.ledger)).toEqual([]);
  });
  it('is listed by `/access audit` while nobody has reviewed it', async () => {
    h = await startDesk({ editConfig: withBreakGlass() });
    const { id } = await brokeGlass(h);

    await command(h, PEOPLE.ada, 'audit');
    const upload = await waitFor('the audit report', () => h!.slack.uploads.find((u) => u.completed), {
      tries: 3_000,
    });
    expect(upload.completed?.initialComment).toContain(
      `• Break-glass: 1 use not reviewed by an approver yet (${id})`,
    );
    const rows = csvObjects(upload.bytes!.toString('utf8'));
    expect(rows.filter((r) => r.record === 'unreviewed_break_glass')).toEqual([
      expect.objectContaining({
        email: 'omar.oncall@example.com',
        account: 'prod',
        permission_set: 'AdministratorAccess',
        source: `break-glass ${id}`,
      }),
    ]);
  });
});
