/**
 * `/access group …` end to end: signed commands, the preview modal and its submission into the real Bolt App,
 * the card in the approvals channel, the Approve click, and the step run against the local Identity Center on
 * SQLite, with the fake Slack Web API. Refusals first, then the work.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { NOT_THIS_FORM } from '../../src/slack/blocks/modal-metadata.js';
import { ACTION, BLOCK, CALLBACK } from '../../src/slack/ids.js';
import { groupsOf } from '../support/admin-emulator.js';
import { eventually, PEOPLE, startDesk, type DeskHarness } from '../support/desk-harness.js';
import type { RecordedCall } from '../support/fake-slack.js';
import {
  blockActionsBody,
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

const JAY = 'jay.junior@example.com';
const text = (body: unknown): string => JSON.stringify(body);

let n = 0;
/** Types `/access <text>` as `userId`; the answer's response URL id is returned. */
async function command(harness: DeskHarness, userId: string, line: string): Promise<string> {
  const id = `group-${++n}`;
  const answer = await postToSlackEvents(
    harness.target,
    slashCommandBody({ text: line, userId, responseUrl: harness.slack.responseUrl(id) }),
  );
  expect(answer.status).toBe(200);
  return id;
}

interface ShownModal {
  callback_id?: string;
  private_metadata?: string;
  blocks?: unknown[];
}

/** The group change modal Slack shows last (opened, or updated from a waiting modal). */
const lastModal = (harness: DeskHarness): ShownModal | undefined =>
  [...harness.slack.callsTo('views.open'), ...harness.slack.callsTo('views.update')]
    .map((c: RecordedCall) => c.args.view as ShownModal)
    .filter((v) => v.callback_id === CALLBACK.groupChangeModal)
    .at(-1);

async function submit(harness: DeskHarness, modal: ShownModal, reason: string, metadata?: string) {
  return postToSlackEvents(
    harness.target,
    viewSubmissionBody({
      callbackId: CALLBACK.groupChangeModal,
      userId: PEOPLE.ada,
      privateMetadata: metadata ?? modal.private_metadata ?? '',
      ...(modal.blocks !== undefined ? { blocks: modal.blocks } : {}),
      values: { [BLOCK.reason]: stateValue.text(ACTION.typeReason, reason) },
    }),
  );
}

async function click(harness: DeskHarness, requestId: string, userId: string): Promise<string> {
  const id = `approve-${requestId}-${userId}`;
  await postToSlackEvents(
    harness.target,
    blockActionsBody({
      actionId: ACTION.approve,
      value: requestId,
      userId,
      responseUrl: harness.slack.responseUrl(id),
    }),
  );
  return id;
}

const groupRequests = (harness: DeskHarness) =>
  harness.desk.ledger.findRequests({ kinds: ['group_change', 'group_create'] });

describe('/access group, refused', () => {
  it('refuses someone who is not an admin privately, and opens nothing', async () => {
    h = await startDesk();
    const answered = await command(h, PEOPLE.sam, `group add <@${PEOPLE.jay}|jay> Billing`);
    const refusal = await waitForResponse(h.slack, answered);
    expect(text(refusal.body)).toMatch(/Only admins can add people to groups/);
    expect(refusal.body).toMatchObject({ response_type: 'ephemeral' });
    const created = await command(h, PEOPLE.sam, 'group create Platform');
    expect(text((await waitForResponse(h.slack, created)).body)).toMatch(/Only admins may create groups/);
    expect(h.slack.callsTo('views.open')).toEqual([]);
    expect(await groupRequests(h)).toEqual([]);
  });

  it('answers a group it does not know with the closest names, and opens nothing', async () => {
    h = await startDesk();
    const answered = await command(h, PEOPLE.ada, `group add <@${PEOPLE.jay}|jay> Biling`);
    expect(text((await waitForResponse(h.slack, answered)).body)).toMatch(/did you mean `Billing`/);
    const verb = await command(h, PEOPLE.ada, `group ad <@${PEOPLE.jay}|jay> Billing`);
    expect(text((await waitForResponse(h.slack, verb)).body)).toMatch(/did you mean `\/access group add`/);
    expect(h.slack.callsTo('views.open')).toEqual([]);
  });

  it('says at once that someone is already in the group, and opens nothing', async () => {
    h = await startDesk();
    const answered = await command(h, PEOPLE.ada, `group add <@${PEOPLE.sam}|sam> ReadOnly`);
    expect(text((await waitForResponse(h.slack, answered)).body)).toMatch(/already in group/);
    expect(h.slack.callsTo('views.open')).toEqual([]);
  });

  it('refuses the modal sent back naming another person, and changes nothing', async () => {
    h = await startDesk();
    await command(h, PEOPLE.ada, `group add <@${PEOPLE.jay}|jay> Billing`);
    const modal = await waitFor('the group change preview', () => lastModal(h!));
    const tampered = JSON.stringify({
      ...(JSON.parse(modal.private_metadata ?? '{}') as Record<string, unknown>),
      who: 'sam.dev@example.com',
      group: 'AdministratorAccess',
    });
    const answer = await submit(h, modal, 'helps finance', tampered);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({
      response_action: 'errors',
      errors: { [BLOCK.reason]: NOT_THIS_FORM },
    });
    expect(await groupRequests(h)).toEqual([]);
    expect(groupsOf(h.emulator, JAY)).toEqual([]);
  });

  it('refuses the person a change is about when they click Approve on its card', async () => {
    h = await startDesk();
    await command(h, PEOPLE.ada, 'group remove leo.lead@example.com ReadOnly');
    const modal = await waitFor('the group change preview', () => lastModal(h!));
    await submit(h, modal, 'moves on');
    const request = await eventually('the group change', async () => (await groupRequests(h!)).at(0));
    const own = await click(h, request.id, PEOPLE.leo);
    expect(text((await waitForResponse(h.slack, own)).body)).toMatch(/about you/);
    expect((await h.desk.ledger.getRequest(request.id))?.status).toBe('pending');
  });
});

describe('/access group, carried out', () => {
  it('adds someone to a group: preview, submission, card, approval by finance, then the one step', async () => {
    h = await startDesk();
    await command(h, PEOPLE.ada, `group add <@${PEOPLE.jay}|jay> billing`);
    const modal = await waitFor('the group change preview', () => lastModal(h!));
    // The preview shows what Billing carries, read from AWS, and asks for the reason the rules want.
    expect(text(modal.blocks)).toContain('FinanceAdmin');
    expect(text(modal.blocks)).toContain('management');
    expect(text(modal.blocks)).toContain('the rules ask for one');

    const submitted = await submit(h, modal, 'helps finance with the audit');
    expect(submitted.status).toBe(200);
    const request = await eventually('the group change', async () => (await groupRequests(h!)).at(0));
    expect(request).toMatchObject({ kind: 'group_change', status: 'pending', approvers: [PEOPLE.fiona] });
    await waitFor('the card in the approvals channel', () =>
      h!.slack
        .callsTo('chat.postMessage')
        .find((c) => c.args.channel === 'C0000APPROV' && text(c.args).includes('Group change')),
    );

    // A lead is not among the approvers of FinanceAdmin: refused, and nothing moves.
    const lead = await click(h, request.id, PEOPLE.leo);
    expect(text((await waitForResponse(h.slack, lead)).body)).toMatch(/not one of the approvers/);
    await click(h, request.id, PEOPLE.fiona);
    await eventually('the group change to complete', async () =>
      (await h!.desk.service.view(request.id))?.request.status === 'completed' ? true : undefined,
    );
    expect(groupsOf(h.emulator, JAY)).toEqual(['Billing']);
    expect(
      h.emulator.calls.filter((c) => c.operation === 'CreateGroupMembership' && c.errorCode === undefined),
    ).toHaveLength(1);
    await waitFor('the card saying it is done', () =>
      h!.slack.callsTo('chat.update').find((c) => text(c.args).includes('Join group Billing')),
    );
  });

  it('removes someone from a group and ends the sessions of what they lose', async () => {
    h = await startDesk();
    await command(h, PEOPLE.ada, 'group remove kim.leaver@example.com Billing');
    const modal = await waitFor('the group change preview', () => lastModal(h!));
    expect(text(modal.blocks)).toContain('Sessions already open for what they lose end too');
    await submit(h, modal, 'contract ends');
    const request = await eventually('the group change', async () => (await groupRequests(h!)).at(0));
    await click(h, request.id, PEOPLE.fiona);
    const denials = await eventually('the sessions of FinanceAdmin ended', async () => {
      const view = await h!.desk.service.view(request.id);
      return view?.request.status === 'completed' && (view.sessionDenials ?? []).length > 0
        ? view.sessionDenials
        : undefined;
    });
    expect(denials?.map((d) => `${d.permissionSet}:${d.accountAlias}`)).toEqual(['FinanceAdmin:management']);
    expect(groupsOf(h.emulator, 'kim.leaver@example.com')).toEqual(['ReadOnly']);
  });

  it('creates a group from one command line, after a lead approves', async () => {
    h = await startDesk();
    const answered = await command(
      h,
      PEOPLE.ada,
      'group create “Platform Engineers” Everyone who builds the platform',
    );
    expect(text((await waitForResponse(h.slack, answered)).body)).toMatch(
      /creation of group \*Platform Engineers\*/,
    );
    const request = await eventually('the new group request', async () => (await groupRequests(h!)).at(0));
    expect(request).toMatchObject({ kind: 'group_create', reason: 'Everyone who builds the platform' });
    await click(h, request.id, PEOPLE.lena);
    await eventually('the group to be made', async () =>
      (await h!.desk.service.view(request.id))?.request.status === 'completed' ? true : undefined,
    );
    const made = [...h.emulator.state.groups.values()].find((g) => g.DisplayName === 'Platform Engineers');
    expect(made?.Description).toBe('Everyone who builds the platform');
    const again = await command(h, PEOPLE.ada, 'group create "Platform Engineers"');
    expect(text((await waitForResponse(h.slack, again)).body)).toMatch(/already a group/);
  });

  it('lists the groups, and one group’s members, privately to anyone', async () => {
    h = await startDesk();
    const all = await command(h, PEOPLE.sam, 'group list');
    const listed = await waitForResponse(h.slack, all);
    expect(listed.body).toMatchObject({ response_type: 'ephemeral' });
    expect(text(listed.body)).toMatch(/Billing\* · 3 members · FinanceAdmin on management/);
    const one = await command(h, PEOPLE.sam, 'group list Billing');
    const members = text((await waitForResponse(h.slack, one)).body);
    expect(members).toContain('Fiona Finance');
    expect(members).toContain('kim.leaver@example.com');
  });
});
