/**
 * What a new user tripped over in the sandbox, end to end: signed Slack requests into the real Bolt App, the
 * access service on SQLite, the local Identity Center, and the fake Slack Web API recording what people see.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, BLOCK, CALLBACK, extendBlockId } from '../../src/slack/ids.js';
import { eventually, PEOPLE, startDesk, type DeskHarness } from '../support/desk-harness.js';
import {
  blockActionsBody,
  eventCallbackBody,
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

let counter = 0;
async function command(harness: DeskHarness, userId: string, text: string) {
  const id = `ux-cmd-${++counter}`;
  const answer = await postToSlackEvents(
    harness.target,
    slashCommandBody({ text, userId, responseUrl: harness.slack.responseUrl(id) }),
  );
  return { answer, id };
}

/** The command's answer at its response URL, as text. */
async function answerTo(harness: DeskHarness, userId: string, text: string): Promise<string> {
  const sent = await command(harness, userId, text);
  return JSON.stringify((await waitForResponse(harness.slack, sent.id)).body);
}

async function click(
  harness: DeskHarness,
  userId: string,
  actionId: string,
  value: string,
  extra: { blockId?: string; channelId?: string } = {},
) {
  const id = `ux-click-${++counter}`;
  const answer = await postToSlackEvents(
    harness.target,
    blockActionsBody({ actionId, value, userId, responseUrl: harness.slack.responseUrl(id), ...extra }),
  );
  return { answer, id };
}

const json = (v: unknown): string => JSON.stringify(v);

/** Sam holds SeniorDeveloper on dev for `duration`, approved by Lena; the request's id and its grant. */
async function samHoldsDev(harness: DeskHarness, duration = '4h') {
  await command(harness, PEOPLE.sam, `request SeniorDeveloper dev ${duration} pairing with Sara`);
  const requestId = await eventually('the request', async () => {
    const all = await harness.desk.ledger.findRequests({ requesterSlackId: PEOPLE.sam });
    return all[0]?.id;
  });
  await click(harness, PEOPLE.lena, ACTION.approve, requestId);
  const grant = await eventually('the grant to be active', async () => {
    const view = await harness.desk.service.view(requestId);
    return view?.request.status === 'active' ? view.grants[0] : undefined;
  });
  return { requestId, grant };
}

/** Direct messages the app posted to this person (their DM channel is `D` + their id in the fake). */
const dmsTo = (harness: DeskHarness, userId: string) =>
  harness.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === `D${userId.slice(1)}`);

describe('extending a grant', () => {
  it('says the limit is the grant’s whole length, and by how much it can still be extended', async () => {
    h = await startDesk();
    await samHoldsDev(h, '4h');
    const said = await answerTo(h, PEOPLE.sam, 'extend SeniorDeveloper dev 12h needs more time');
    expect(said).toContain('may last at most *12h* in all');
    expect(said).toContain('it lasts *4h* already');
    expect(said).toContain('you can extend it by up to `8h`');
    expect(said).not.toMatch(/15h 59m|16h/);
    expect(await h.desk.ledger.findRequests({ kinds: ['extend'] })).toHaveLength(0);
  });

  it('offers in the Extend form only the extensions the rules can allow', async () => {
    h = await startDesk();
    const { requestId, grant } = await samHoldsDev(h, '4h');
    await click(h, PEOPLE.sam, ACTION.extend, grant.id, { blockId: extendBlockId(requestId, grant.id) });
    const opened = await waitFor('the Extend form', () => h!.slack.callsTo('views.open')[0]);
    const view = opened.args.view as {
      blocks: { block_id?: string; element?: { options?: { value: string }[] } }[];
    };
    const picker = view.blocks.find((b) => b.block_id === BLOCK.extension);
    expect(picker?.element?.options?.map((o) => o.value)).toEqual(['30m', '1h', '2h', '4h', '8h']);
    expect(json(view)).toContain('you can extend it by up to *8h*');
  });
});

describe('an extension, once approved', () => {
  it('says until when on its card and to the requester, who is told once', async () => {
    h = await startDesk();
    const { grant } = await samHoldsDev(h, '4h');
    const newEnd = new Date(grant.endsAt!.getTime() + 2 * 3_600_000);
    const token = `<!date^${Math.floor(newEnd.getTime() / 1000)}^`;
    await command(h, PEOPLE.sam, 'extend SeniorDeveloper dev 2h still pairing');
    const extension = await eventually('the extension request', async () => {
      const [r] = await h!.desk.ledger.findRequests({ kinds: ['extend'] });
      return r;
    });
    const before = dmsTo(h, PEOPLE.sam).length;
    await click(h, PEOPLE.lena, ACTION.approve, extension.id);
    await eventually('the extension to complete', async () =>
      (await h!.desk.service.view(extension.id))?.request.status === 'completed' ? true : undefined,
    );
    // The extension's own card, in place.
    const card = await waitFor('the extension card to say until when', () =>
      [...h!.slack.messages.values()].find(
        (m) => json(m).includes('Extended: the access now ends') && json(m).includes(token),
      ),
    );
    expect(card).toBeDefined();
    // One new message for the requester, saying by how much and until when.
    const told = await waitFor('the requester to be told', () => {
      const news = dmsTo(h!, PEOPLE.sam)
        .slice(before)
        .filter((c) => /xtended/.test(json(c.args)));
      return news.length > 0 ? news : undefined;
    });
    expect(told).toHaveLength(1);
    expect(json(told[0]!.args)).toContain('was extended by 2h');
    expect(json(told[0]!.args)).toContain(token);
  });
});

/** The Extend form as the app opened it for this grant (its sealed metadata included). */
async function openExtendForm(harness: DeskHarness, requestId: string, grantId: string) {
  const opens = harness.slack.callsTo('views.open').length;
  await click(harness, PEOPLE.sam, ACTION.extend, grantId, { blockId: extendBlockId(requestId, grantId) });
  const opened = await waitFor('the Extend form', () => harness.slack.callsTo('views.open')[opens]);
  return opened.args.view as { private_metadata: string; blocks: unknown[] };
}

function submitExtendForm(
  harness: DeskHarness,
  form: { private_metadata: string; blocks: unknown[] },
  extension: string,
  reason = '',
) {
  return postToSlackEvents(
    harness.target,
    viewSubmissionBody({
      callbackId: CALLBACK.extendModal,
      userId: PEOPLE.sam,
      privateMetadata: form.private_metadata,
      blocks: form.blocks,
      values: {
        [BLOCK.extension]: stateValue.select(ACTION.pickExtension, extension, 'static_select'),
        [BLOCK.reason]: stateValue.text(ACTION.typeReason, reason),
      },
    }),
  );
}

describe('a form whose content the rules refuse', () => {
  it('keeps the request form open with the refusal under the duration, and asks for nothing', async () => {
    h = await startDesk();
    const answer = await postToSlackEvents(
      h.target,
      viewSubmissionBody({
        callbackId: CALLBACK.requestModal,
        userId: PEOPLE.sam,
        values: {
          [BLOCK.permissionSet]: stateValue.select(ACTION.pickPermissionSet, 'AdministratorAccess'),
          [BLOCK.accounts]: stateValue.multi(ACTION.pickAccounts, ['dev']),
          [BLOCK.duration]: stateValue.select(ACTION.pickDuration, '12h', 'static_select'),
          [BLOCK.reason]: stateValue.text(ACTION.typeReason, 'upgrading the cluster'),
        },
      }),
    );
    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.body) as { response_action?: string; errors?: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(body.errors?.[BLOCK.duration]).toContain('at most 4h');
    // Said in words, without the config's keys.
    expect(body.errors?.[BLOCK.duration]).not.toContain('rules[');
    expect(await h.desk.ledger.findRequests({})).toHaveLength(0);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('keeps the Extend form open when the extension is longer than the rules allow', async () => {
    h = await startDesk();
    const { requestId, grant } = await samHoldsDev(h, '4h');
    const form = await openExtendForm(h, requestId, grant.id);
    // Not offered, but a forged or stale form may still send it.
    const answer = await submitExtendForm(h, form, '1d', 'more time');
    const body = JSON.parse(answer.body) as { response_action?: string; errors?: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(body.errors?.[BLOCK.extension]).toContain('you can extend it by up to 8h');
    expect(await h.desk.ledger.findRequests({ kinds: ['extend'] })).toHaveLength(0);
  });

  it('asks for an extension from the Extend form and tells the requester once, in their running message', async () => {
    h = await startDesk();
    const { requestId, grant } = await samHoldsDev(h, '4h');
    const form = await openExtendForm(h, requestId, grant.id);
    const before = dmsTo(h, PEOPLE.sam).length;
    const answer = await submitExtendForm(h, form, '2h', 'more time');
    expect(answer.body).toBe('');
    const extension = await eventually('the extension', async () => {
      const [r] = await h!.desk.ledger.findRequests({ kinds: ['extend'] });
      return r !== undefined && r.dm !== null ? r : undefined;
    });
    // Let any other answer arrive before counting: the job queue is drained when the card is posted.
    await waitFor('the extension card', () =>
      h!.slack
        .callsTo('chat.postMessage')
        .find((c) => json(c.args).includes(extension.id) && c.args.channel === 'C0000APPROV'),
    );
    const about = dmsTo(h, PEOPLE.sam)
      .slice(before)
      .filter((c) => json(c.args).includes(extension.id));
    expect(about).toHaveLength(1);
  });
});

describe('a request that needs a reason, typed without one', () => {
  it('opens the request form prefilled, asking for the reason, and records nothing yet', async () => {
    h = await startDesk();
    const sent = await command(h, PEOPLE.sam, 'request SeniorDeveloper prod 2h');
    expect(sent.answer.status).toBe(200);
    const opened = await waitFor('the request form', () => h!.slack.callsTo('views.open')[0]);
    const view = opened.args.view as {
      callback_id: string;
      blocks: { block_id?: string; optional?: boolean; element?: Record<string, unknown> }[];
    };
    expect(view.callback_id).toBe(CALLBACK.requestModal);
    const byId = (id: string) => view.blocks.find((b) => b.block_id === id);
    expect(json(byId(BLOCK.permissionSet))).toContain('SeniorDeveloper');
    expect(json(byId(BLOCK.accounts))).toContain('prod');
    expect(json(byId(BLOCK.duration))).toContain('2h');
    expect(byId(BLOCK.reason)?.optional).toBe(false);
    expect(json(byId(BLOCK.reason))).toContain('needs a reason');
    expect(json(view)).not.toContain('rules[');
    expect(await h.desk.ledger.findRequests({})).toHaveLength(0);
  });
});

describe('how a refusal names the rules', () => {
  it('says the rule in words to a requester, and by its key to a config admin', async () => {
    h = await startDesk();
    const toSam = await answerTo(h, PEOPLE.sam, 'request SeniorDeveloper dev 13h a long job');
    expect(toSam).toContain('at most *12h*');
    expect(toSam).toContain('a rule for access requests or extensions');
    expect(toSam).not.toContain('rules[');
    const toAda = await answerTo(h, PEOPLE.ada, 'request SeniorDeveloper dev 13h a long job');
    expect(toAda).toContain('rules[1]');
  });
});

describe('admin work under way', () => {
  it('shows each step done on the card as it completes, while the later ones still run', async () => {
    // Each assignment takes a while in AWS, so the steps are far apart.
    h = await startDesk({ provisioningDelayMs: 400 });
    await command(h, PEOPLE.ada, 'onboard nina.new@example.com');
    const modal = await waitFor('the onboarding form', () =>
      h!.slack
        .callsTo('views.open')
        .map((c) => c.args.view as { callback_id?: string; private_metadata?: string })
        .find((v) => v.callback_id === CALLBACK.onboardModal),
    );
    await postToSlackEvents(
      h.target,
      viewSubmissionBody({
        callbackId: CALLBACK.onboardModal,
        userId: PEOPLE.ada,
        privateMetadata: modal.private_metadata ?? '',
        values: {
          [BLOCK.email]: stateValue.text(ACTION.typeEmail, 'nina.new@example.com'),
          [BLOCK.givenName]: stateValue.text(ACTION.typeGivenName, 'Nina'),
          [BLOCK.familyName]: stateValue.text(ACTION.typeFamilyName, 'New'),
          [BLOCK.displayName]: stateValue.text(ACTION.typeDisplayName, null),
          [BLOCK.role]: stateValue.select(ACTION.pickRole, 'developer', 'static_select'),
          [BLOCK.note]: stateValue.text(ACTION.typeNote, 'starts Monday'),
        },
      }),
    );
    const request = await eventually('the onboarding request', async () =>
      (await h!.desk.ledger.findRequests({ kinds: ['onboard'] })).at(0),
    );
    await click(h, PEOPLE.lena, ACTION.approve, request.id);
    const done = await eventually('the onboarding to complete', async () => {
      const view = await h!.desk.service.view(request.id);
      return view?.request.status === 'completed' ? view : undefined;
    });
    const steps = (done.request.details as { steps: { label: string }[] }).steps;
    expect(steps.length).toBeGreaterThan(2);
    const first = steps[0]!.label;
    const last = steps.at(-1)!.label;
    const drawings = h.slack
      .callsTo('chat.update')
      .filter((c) => c.args.channel === 'C0000APPROV')
      .map((c) => json(c.args));
    const midway = drawings.filter(
      (d) => d.includes(`:white_check_mark: ${first}`) && d.includes(`:hourglass_flowing_sand: ${last}`),
    );
    expect(midway.length).toBeGreaterThan(0);
  });
});

async function openHome(harness: DeskHarness, userId: string) {
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
  const call = await waitFor(
    `${userId}'s Home`,
    () => harness.slack.callsTo('views.publish').filter((c) => c.args.user_id === userId)[before],
  );
  return (call.args.view as { blocks: HomeBlock[] }).blocks;
}

interface HomeBlock {
  type: string;
  block_id?: string;
  elements?: { action_id: string; value: string }[];
}
const buttonsOf = (blocks: HomeBlock[]) =>
  blocks.flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []));

describe('the Home tab', () => {
  it('lists access held directly and through groups, where each comes from, with Request access', async () => {
    h = await startDesk();
    const blocks = await openHome(h, PEOPLE.sara);
    const text = json(blocks);
    expect(text).toContain('*SeniorDeveloper* on *dev*: assigned to you directly in Identity Center');
    expect(text).toContain('through the group *ReadOnly*');
    expect(text).not.toContain('You hold no access-desk grants');
    const actions = buttonsOf(blocks).map((b) => b.action_id);
    expect(actions).toContain(ACTION.openRequestForm);
    // Nothing given by access-desk: nothing to extend or release here.
    expect(actions).not.toContain(ACTION.extend);
    expect(actions).not.toContain(ACTION.release);
  });

  it('opens the request form from Request access', async () => {
    h = await startDesk();
    const blocks = await openHome(h, PEOPLE.sara);
    const button = buttonsOf(blocks).find((b) => b.action_id === ACTION.openRequestForm)!;
    await click(h, PEOPLE.sara, ACTION.openRequestForm, button.value, { blockId: 'home_request_access' });
    const opened = await waitFor('the request form', () => h!.slack.callsTo('views.open')[0]);
    expect((opened.args.view as { callback_id: string }).callback_id).toBe(CALLBACK.requestModal);
  });

  it('shows an access-desk grant with Extend and Release', async () => {
    h = await startDesk();
    const { requestId, grant } = await samHoldsDev(h, '4h');
    const blocks = await openHome(h, PEOPLE.sam);
    expect(json(blocks)).toMatch(/\*SeniorDeveloper\* on \*dev\*: access-desk grant until <!date\^/);
    const row = blocks.find((b) => b.block_id === extendBlockId(requestId, grant.id));
    expect(row?.elements?.map((e) => [e.action_id, e.value])).toEqual([
      [ACTION.extend, grant.id],
      [ACTION.release, grant.id],
    ]);
  });
});

describe('Release', () => {
  it('refuses anyone but the holder, and a button whose value names another grant, changing nothing', async () => {
    h = await startDesk();
    const { requestId, grant } = await samHoldsDev(h, '4h');
    const block = extendBlockId(requestId, grant.id);
    // Someone else pressing the holder's button (an approver of it, too).
    for (const who of [PEOPLE.lena, PEOPLE.jay]) {
      const pressed = await click(h, who, ACTION.release, grant.id, { blockId: block });
      expect(json((await waitForResponse(h.slack, pressed.id)).body)).toContain(
        'Only the person who holds this access',
      );
    }
    // A value naming another grant than its block does.
    const forged = await click(h, PEOPLE.sam, ACTION.release, 'G-OTHER', { blockId: block });
    expect(json((await waitForResponse(h.slack, forged.id)).body)).toContain('does not belong');
    expect((await h.desk.ledger.getGrant(grant.id))?.status).toBe('active');
    expect(h.emulator.calls.filter((c) => c.operation === 'DeleteAccountAssignment')).toHaveLength(0);
  });

  it('ends the holder’s grant from the "granted" message’s Release now button', async () => {
    h = await startDesk();
    const { requestId, grant } = await samHoldsDev(h, '4h');
    const granted = await waitFor('the granted message', () =>
      dmsTo(h!, PEOPLE.sam).find((c) => json(c.args).includes('You now have')),
    );
    const blocks = granted.args.blocks as HomeBlock[];
    const release = buttonsOf(blocks).find((b) => b.action_id === ACTION.release);
    expect(release?.value).toBe(grant.id);
    expect(json(blocks)).toContain('Release now');
    const pressed = await click(h, PEOPLE.sam, ACTION.release, grant.id, {
      blockId: extendBlockId(requestId, grant.id),
    });
    expect(json((await waitForResponse(h.slack, pressed.id)).body)).toContain('Ending now');
    await waitFor('the assignment to be removed', () =>
      h!.emulator.calls.some((c) => c.operation === 'DeleteAccountAssignment'),
    );
    expect(['ending', 'ended']).toContain((await h.desk.ledger.getGrant(grant.id))?.status);
  });
});

describe('times in messages', () => {
  it('shows the end of access already held with Slack’s date formatting, UTC only as the fallback', async () => {
    h = await startDesk();
    const { grant } = await samHoldsDev(h, '4h');
    const said = await answerTo(h, PEOPLE.sam, 'request SeniorDeveloper dev 2h again');
    expect(said).toContain('You already hold SeniorDeveloper on dev');
    expect(said).toContain(
      `until <!date^${Math.floor(grant.endsAt!.getTime() / 1000)}^{date_short_pretty} {time}|`,
    );
  });
});

describe('an admin form whose reason the rules need', () => {
  it('keeps the role-change form open with the refusal under the reason, and asks for nothing', async () => {
    h = await startDesk({
      editConfig: (yaml) =>
        yaml.replace(/^rules:\n/m, 'rules:\n  - match: { kinds: [role_change] }\n    requireReason: true\n'),
    });
    await command(h, PEOPLE.ada, `role <@${PEOPLE.sam}|sam> senior-developer`);
    const modal = await waitFor('the role change form', () =>
      [...h!.slack.callsTo('views.open'), ...h!.slack.callsTo('views.update')]
        .map((c) => c.args.view as { callback_id?: string; private_metadata?: string })
        .filter((v) => v.callback_id === CALLBACK.roleChangeModal)
        .at(-1),
    );
    const answer = await postToSlackEvents(
      h.target,
      viewSubmissionBody({
        callbackId: CALLBACK.roleChangeModal,
        userId: PEOPLE.ada,
        privateMetadata: modal.private_metadata ?? '',
        values: { [BLOCK.reason]: stateValue.text(ACTION.typeReason, '') },
      }),
    );
    const body = JSON.parse(answer.body) as { response_action?: string; errors?: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(body.errors?.[BLOCK.reason]).toContain('needs a reason');
    expect(await h.desk.ledger.findRequests({ kinds: ['role_change'] })).toHaveLength(0);
  });
});
