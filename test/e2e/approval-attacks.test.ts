/**
 * The approval guarantee, attacked from the outside: signed requests into the real Bolt App on loopback, the
 * local Identity Center, the ledger. Each test is one way around the rules that must be refused — the subject of
 * admin work approving it, admin work that would grant more than its approvers may approve, one person with two
 * Slack accounts, an approver who has left the group, access held through a group asked for again — and, where
 * it matters, the honest path that must still work.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, BLOCK, CALLBACK } from '../../src/slack/ids.js';
import { eventually, PEOPLE, startDesk, type DeskHarness } from '../support/desk-harness.js';
import { holdsInAws } from '../support/emulator-assertions.js';
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

const FIONA = 'U0000FIN01';
const SOFIA = 'U0000SEC01';
/** A second Slack account of Lena's: not in `people:`, matched by a profile email differing only in case. */
const LENA_AGAIN = 'U0000LEAD9';
/** A second Slack account of Sam's, the same way. */
const SAM_AGAIN = 'U0000SAM02';
const MANAGEMENT = '999999999999';

const leads = (ids: string[]) => (yaml: string) =>
  yaml.replace('leads: [U0000LEAD1, U0000LEAD2]', `leads: [${ids.join(', ')}]`);

let n = 0;
const text = (v: unknown): string => JSON.stringify(v);

/** A signed `/access …` command; resolves with the ephemeral answer (the immediate one or via response_url). */
async function command(harness: DeskHarness, userId: string, line: string): Promise<string> {
  const id = `cmd-${++n}`;
  const answer = await postToSlackEvents(
    harness.target,
    slashCommandBody({ text: line, userId, responseUrl: harness.slack.responseUrl(id) }),
  );
  expect(answer.status).toBe(200);
  return text((await waitForResponse(harness.slack, id)).body);
}

/** A signed click on Approve of `requestId`, as `userId`; resolves with what the clicker alone was told, if anything. */
async function clickApprove(harness: DeskHarness, userId: string, requestId: string): Promise<void> {
  const answer = await postToSlackEvents(
    harness.target,
    blockActionsBody({
      actionId: ACTION.approve,
      value: requestId,
      blockId: `decide:${requestId}`,
      userId,
      responseUrl: harness.slack.responseUrl(`approve-${userId}-${requestId}`),
    }),
  );
  expect(answer.status).toBe(200);
}

const privateAnswer = async (harness: DeskHarness, userId: string, requestId: string): Promise<string> =>
  text((await waitForResponse(harness.slack, `approve-${userId}-${requestId}`)).body);

const status = async (harness: DeskHarness, id: string) => (await harness.desk.ledger.getRequest(id))?.status;

const approvalsOf = async (harness: DeskHarness, id: string) =>
  (await harness.desk.ledger.listApprovals(id)).map((a) => a.approverSlackId);

async function submittedRoleChange(harness: DeskHarness, who: string, role: string, reason: string) {
  const asked = await harness.desk.admin.submitRoleChange(PEOPLE.ada, { who, role, reason });
  if (!asked.ok) throw new Error(`${asked.code}: ${asked.message}`);
  return asked.value.request.id;
}

async function submittedRequest(harness: DeskHarness, userId: string, line: string): Promise<string> {
  const before = new Set((await harness.desk.ledger.findRequests({})).map((r) => r.id));
  await command(harness, userId, line);
  return eventually(
    'the new request',
    async () => (await harness.desk.ledger.findRequests({})).find((r) => !before.has(r.id))?.id,
  );
}

function lastModal(harness: DeskHarness, callbackId: string): { private_metadata?: string } | undefined {
  return [...harness.slack.callsTo('views.open'), ...harness.slack.callsTo('views.update')]
    .map((c: RecordedCall) => c.args.view as { callback_id?: string; private_metadata?: string })
    .filter((v) => v.callback_id === callbackId)
    .at(-1);
}

describe('the subject of admin work never approves it', () => {
  it('refuses Lena’s click on Approve of her own promotion to admin, and records nothing', async () => {
    h = await startDesk({ editConfig: leads([PEOPLE.lena, PEOPLE.leo, SOFIA]) });
    const id = await submittedRoleChange(h, 'lena.lead@example.com', 'admin', 'promoted to platform admin');

    await clickApprove(h, PEOPLE.lena, id);
    expect(await privateAnswer(h, PEOPLE.lena, id)).toMatch(/it is about you/);
    expect(await status(h, id)).toBe('pending');
    expect(await approvalsOf(h, id)).toEqual([]);
  });

  it('refuses Lena’s second Slack account too, found by its profile email in Identity Center', async () => {
    h = await startDesk({
      editConfig: leads([PEOPLE.lena, PEOPLE.leo, LENA_AGAIN]),
      slackUsers: { [LENA_AGAIN]: { email: 'LENA.Lead@Example.com', name: 'lena2' } },
    });
    const id = await submittedRoleChange(h, 'lena.lead@example.com', 'admin', 'promoted to platform admin');

    await clickApprove(h, LENA_AGAIN, id);
    expect(await privateAnswer(h, LENA_AGAIN, id)).toMatch(/about you/);
    expect(await status(h, id)).toBe('pending');
    expect(await approvalsOf(h, id)).toEqual([]);
  });

  it('refuses at once a promotion that only the person it is about could help approve', async () => {
    h = await startDesk();
    const asked = await h.desk.admin.submitRoleChange(PEOPLE.ada, {
      who: 'lena.lead@example.com',
      role: 'admin',
      reason: 'promoted',
    });
    expect(asked).toMatchObject({ ok: false, code: 'no_approver' });
    expect(await h.desk.ledger.findRequests({})).toEqual([]);
  });
});

describe('admin work is judged by everything it would grant', () => {
  async function onboardWithExtraAdmin(harness: DeskHarness, note: string | null) {
    await postToSlackEvents(
      harness.target,
      slashCommandBody({
        text: 'onboard nina.new@example.com',
        userId: PEOPLE.ada,
        responseUrl: harness.slack.responseUrl(`onboard-${++n}`),
      }),
    );
    const modal = await waitFor('the onboarding modal', () => lastModal(harness, CALLBACK.onboardModal));
    return postToSlackEvents(
      harness.target,
      viewSubmissionBody({
        callbackId: CALLBACK.onboardModal,
        userId: PEOPLE.ada,
        privateMetadata: modal.private_metadata ?? '',
        values: {
          [BLOCK.email]: stateValue.text(ACTION.typeEmail, 'nina.new@example.com'),
          [BLOCK.givenName]: stateValue.text(ACTION.typeGivenName, 'Nina'),
          [BLOCK.familyName]: stateValue.text(ACTION.typeFamilyName, 'New'),
          [BLOCK.displayName]: stateValue.text(ACTION.typeDisplayName, null),
          [BLOCK.role]: stateValue.select(ACTION.pickRole, 'junior-developer', 'static_select'),
          [BLOCK.extraPermissionSets]: stateValue.multi(ACTION.pickPermissionSet, ['AdministratorAccess']),
          [BLOCK.extraAccounts]: stateValue.multi(ACTION.pickAccounts, ['management']),
          [BLOCK.note]: stateValue.text(ACTION.typeNote, note),
        },
      }),
    );
  }

  it('keeps the onboarding form open asking for a note when it would give AdministratorAccess on management', async () => {
    h = await startDesk();
    const answer = await onboardWithExtraAdmin(h, null);
    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.body) as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(Object.keys(body.errors)).toEqual([BLOCK.note]);
    expect(body.errors[BLOCK.note]).toMatch(/AdministratorAccess on management needs a reason/);
    expect(await h.desk.ledger.findRequests({})).toEqual([]);
  });

  it('needs two approvals for an onboarding with a permanent AdministratorAccess, as a request for it would', async () => {
    h = await startDesk();
    const answer = await onboardWithExtraAdmin(h, 'platform on-call from day one');
    expect(answer.status).toBe(200);
    const request = await eventually('the onboarding request', async () =>
      (await h!.desk.ledger.findRequests({ kinds: ['onboard'] })).at(0),
    );
    expect(request.requiredApprovals).toBe(2);
    const card = await waitFor('the card', () =>
      h!.slack.callsTo('chat.postMessage').find((c) => text(c.args.blocks).includes(`decide:${request.id}`)),
    );
    expect(text(card.args.blocks)).toMatch(/Needs 2 of/);

    await clickApprove(h, PEOPLE.lena, request.id);
    await eventually('Lena’s approval', async () =>
      (await approvalsOf(h!, request.id)).includes(PEOPLE.lena) ? true : undefined,
    );
    expect(await status(h, request.id)).toBe('pending');
    expect(h.emulator.state.userByName('nina.new@example.com')).toBeUndefined();

    await clickApprove(h, PEOPLE.leo, request.id);
    await eventually('the onboarding to complete', async () =>
      (await status(h!, request.id)) === 'completed' ? true : undefined,
    );
    expect(holdsInAws(h.emulator, MANAGEMENT, 'AdministratorAccess', 'nina.new@example.com')).toBe(true);
  });

  it('refuses a lead’s approval of a move into finance: what Billing carries is finance’s to approve', async () => {
    h = await startDesk();
    const id = await submittedRoleChange(h, 'sam.dev@example.com', 'finance', 'moves to finance');

    await clickApprove(h, PEOPLE.lena, id);
    expect(await privateAnswer(h, PEOPLE.lena, id)).toMatch(/not one of the approvers/);
    expect(await status(h, id)).toBe('pending');

    await clickApprove(h, FIONA, id);
    await eventually('the move to complete', async () =>
      (await status(h!, id)) === 'completed' ? true : undefined,
    );
  });
});

describe('one person, two Slack accounts', () => {
  it('refuses Sam’s second Slack account as an approver of Sam’s own request', async () => {
    h = await startDesk({
      editConfig: leads([PEOPLE.lena, PEOPLE.leo, SAM_AGAIN]),
      slackUsers: { [SAM_AGAIN]: { email: 'Sam.Dev@Example.com', name: 'sam2' } },
    });
    const id = await submittedRequest(h, PEOPLE.sam, 'request SeniorDeveloper prod 2h incident 4711');

    await clickApprove(h, SAM_AGAIN, id);
    expect(await privateAnswer(h, SAM_AGAIN, id)).toMatch(/same person in Identity Center/);
    expect(await status(h, id)).toBe('pending');
    expect(await approvalsOf(h, id)).toEqual([]);
  });

  it('counts Lena once when she approves a two-person request from both her accounts', async () => {
    h = await startDesk({
      editConfig: leads([PEOPLE.lena, PEOPLE.leo, LENA_AGAIN]),
      slackUsers: { [LENA_AGAIN]: { email: 'lena.lead@EXAMPLE.com', name: 'lena2' } },
    });
    const id = await submittedRequest(h, PEOPLE.sam, 'request AdministratorAccess dev 1h rotate the keys');

    await clickApprove(h, PEOPLE.lena, id);
    await eventually('the first approval', async () =>
      (await approvalsOf(h!, id)).length === 1 ? true : undefined,
    );
    await clickApprove(h, LENA_AGAIN, id);
    expect(await privateAnswer(h, LENA_AGAIN, id)).toMatch(/same person in Identity Center/);
    expect(await status(h, id)).toBe('pending');
    expect(await approvalsOf(h, id)).toEqual([PEOPLE.lena]);
  });
});

describe('who may approve is decided at the click', () => {
  it('refuses an approver removed from the Slack user group after the request was made', async () => {
    const usergroups: Record<string, string[]> = { S0000LEADS: [PEOPLE.lena, PEOPLE.leo] };
    h = await startDesk({
      editConfig: (y) => y.replace('leads: [U0000LEAD1, U0000LEAD2]', 'leads: { usergroup: S0000LEADS }'),
      usergroups,
    });
    const id = await submittedRequest(h, PEOPLE.sam, 'request SeniorDeveloper dev 2h story 12');
    expect((await h.desk.ledger.getRequest(id))?.approvers).toEqual([PEOPLE.lena, PEOPLE.leo]);

    usergroups.S0000LEADS = [PEOPLE.lena];
    await clickApprove(h, PEOPLE.leo, id);
    expect(await privateAnswer(h, PEOPLE.leo, id)).toMatch(/not one of the approvers .* as they are now/);
    expect(await status(h, id)).toBe('pending');

    await clickApprove(h, PEOPLE.lena, id);
    await eventually('the approval by Lena', async () =>
      (await status(h!, id)) !== 'pending' ? true : undefined,
    );
  });
});

describe('access held through a group', () => {
  it('refuses Sara’s request for ReadOnlyAccess on dev, naming the group it comes through, and grants nothing', async () => {
    h = await startDesk();
    const answer = await command(h, PEOPLE.sara, 'request ReadOnlyAccess dev 1h look around');
    expect(answer).toMatch(/already have ReadOnlyAccess on dev \(through \*ReadOnly\*\)/);
    expect(await h.desk.ledger.findRequests({})).toEqual([]);
    expect(h.emulator.calls.filter((c) => c.operation === 'CreateAccountAssignment')).toEqual([]);
  });
});
