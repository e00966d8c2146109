/**
 * The admins' work end to end: signed commands and modal submissions into the real Bolt App, the approval by a
 * lead on the card, the steps run against the local Identity Center on SQLite, the fake Slack Web API.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestKind } from '../../src/domain/request.js';
import { ACTION, BLOCK, CALLBACK, LEGACY_CLEANUP_VALUE } from '../../src/slack/ids.js';
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
} from '../support/slack-requests.js';

let h: DeskHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

let n = 0;
async function command(harness: DeskHarness, userId: string, text: string): Promise<void> {
  const answer = await postToSlackEvents(
    harness.target,
    slashCommandBody({ text, userId, responseUrl: harness.slack.responseUrl(`admin-${++n}`) }),
  );
  expect(answer.status).toBe(200);
}

/** The modal Slack shows last (opened, or updated from a waiting modal). */
function lastModal(harness: DeskHarness, callbackId: string): { private_metadata?: string } | undefined {
  const shown = [...harness.slack.callsTo('views.open'), ...harness.slack.callsTo('views.update')]
    .map((c: RecordedCall) => c.args.view as { callback_id?: string; private_metadata?: string })
    .filter((v) => v.callback_id === callbackId);
  return shown.at(-1);
}

async function approvedAndDone(harness: DeskHarness, kind: RequestKind) {
  const request = await eventually(`the ${kind} request`, async () =>
    (await harness.desk.ledger.findRequests({ kinds: [kind] })).at(0),
  );
  expect(request.status).toBe('pending');
  await postToSlackEvents(
    harness.target,
    blockActionsBody({
      actionId: ACTION.approve,
      value: request.id,
      userId: PEOPLE.lena,
      responseUrl: harness.slack.responseUrl(`approve-${request.id}`),
    }),
  );
  return eventually(`the ${kind} to complete`, async () => {
    const view = await harness.desk.service.view(request.id);
    return view?.request.status === 'completed' ? view : undefined;
  });
}

const writes = (harness: DeskHarness) =>
  harness.emulator.calls
    .filter((c) => c.errorCode === undefined && /^(Create|Delete)/.test(c.operation))
    .map((c) => c.operation);

describe('admins through Slack, end to end', () => {
  it('onboards a new starter: the user, the role’s group and assignments in AWS, and the welcome email', async () => {
    h = await startDesk();
    await command(h, PEOPLE.ada, 'onboard nina.new@example.com');
    const modal = await waitFor('the onboarding modal', () => lastModal(h!, CALLBACK.onboardModal));
    const submitted = await postToSlackEvents(
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
    expect(submitted.status).toBe(200);
    await approvedAndDone(h, 'onboard');

    const { state } = h.emulator;
    const nina = state.userByName('nina.new@example.com');
    expect(nina?.attributes).toMatchObject({ DisplayName: 'Nina New' });
    expect(holdsInAws(h.emulator, '111111111111', 'Developer', 'nina.new@example.com')).toBe(true);
    expect(holdsInAws(h.emulator, '222222222222', 'Developer', 'nina.new@example.com')).toBe(true);
    const groups = [...state.memberships.values()].filter((m) => m.UserId === nina?.UserId);
    expect(groups.map((m) => state.groups.get(m.GroupId)?.DisplayName)).toEqual(['ReadOnly']);
    const welcome = state.mailbox.find((m) => m.to.includes('nina.new@example.com'));
    expect(welcome?.from).toBe('aws-access@example.com');
    expect(welcome?.cc).toEqual(['it@example.com']);
    for (const part of [welcome?.text, welcome?.html]) {
      expect(part).toContain('https://example.awsapps.com/start');
      expect(part).toContain('aws configure sso');
      expect(part).toContain('--no-browser');
    }
    // The admin hears about it by direct message.
    await waitFor('the admin to be told', () =>
      h!.slack
        .callsTo('chat.postMessage')
        .find((c) => c.args.channel === 'D0000ADMIN' && JSON.stringify(c.args).includes('Nina New')),
    );
  });

  it('offboards a leaver: pending request, grant, assignments, groups and legacy IAM user gone, the user deleted last', async () => {
    h = await startDesk();
    // Kim has a pending request and an active grant of her own.
    const grant = await h.desk.service.submitAccessRequest({
      requesterSlackId: PEOPLE.kim,
      permissionSet: 'SeniorDeveloper',
      accounts: ['dev'],
    });
    if (!grant.ok) throw new Error(grant.message);
    await h.desk.service.approve(grant.value.request.id, PEOPLE.leo);
    await eventually('Kim’s grant', async () =>
      (await h!.desk.service.view(grant.value.request.id))?.request.status === 'active' ? true : undefined,
    );
    const pending = await h.desk.service.submitAccessRequest({
      requesterSlackId: PEOPLE.kim,
      permissionSet: 'InsightsDeveloper',
      accounts: ['dev'],
    });
    if (!pending.ok) throw new Error(pending.message);
    h.emulator.calls.length = 0;

    await command(h, PEOPLE.ada, 'offboard kim.leaver@example.com');
    const modal = await waitFor('the offboarding preview', () => lastModal(h!, CALLBACK.offboardModal));
    await postToSlackEvents(
      h.target,
      viewSubmissionBody({
        callbackId: CALLBACK.offboardModal,
        userId: PEOPLE.ada,
        privateMetadata: modal.private_metadata ?? '',
        values: {
          [BLOCK.reason]: stateValue.text(ACTION.typeReason, 'contract ended'),
          [BLOCK.legacyCleanup]: {
            [ACTION.checkLegacyCleanup]: {
              type: 'checkboxes',
              selected_options: [
                { text: { type: 'plain_text', text: 'Also delete' }, value: LEGACY_CLEANUP_VALUE },
              ],
            },
          },
        },
      }),
    );
    const done = await approvedAndDone(h, 'offboard');

    const { state } = h.emulator;
    expect(state.userByName('kim.leaver@example.com')).toBeUndefined();
    expect(state.iamUsers.has('kim.leaver@example.com')).toBe(false);
    expect(
      [...state.assignments.values()].filter(
        (a) => a.PrincipalType === 'USER' && !state.users.has(a.PrincipalId),
      ),
    ).toEqual([]);
    expect((await h.desk.service.view(pending.value.request.id))?.request.status).toBe('cancelled');
    expect(
      (await h.desk.ledger.getGrant((await h.desk.service.view(grant.value.request.id))!.grants[0]!.id))
        ?.status,
    ).toBe('ended');
    const order = writes(h).filter((op) => op !== 'DeleteAccessKey');
    expect(order.at(-1)).toBe('DeleteUser');
    expect(h.emulator.calls.filter((c) => c.operation === 'DeleteUser').map((c) => c.service)).toEqual([
      'iam',
      'identitystore',
    ]);
    // The sessions Kim had open end too: the card says so once the Deny is in force on every account.
    const ended = await eventually('Kim’s open sessions ended', async () => {
      const view = await h!.desk.service.view(done.request.id);
      const denials = view?.sessionDenials ?? [];
      return denials.length > 0 && denials.every((d) => d.status === 'in_force') ? denials : undefined;
    });
    expect(ended.map((d) => `${d.accountAlias}:${d.permissionSet}`)).toEqual(
      expect.arrayContaining(['dev:Developer', 'prod:ReadOnlyAccess']),
    );
    await eventually('the card saying so', () =>
      Promise.resolve(
        h!.slack
          .callsTo('chat.update')
          .some(
            (c) =>
              JSON.stringify(c.args).includes('ReadOnlyAccess on *prod*') &&
              JSON.stringify(c.args).includes('were ended'),
          )
          ? true
          : undefined,
      ),
    );
  });

  it('changes a role adding the new access before removing the old, so the person is never without access', async () => {
    h = await startDesk();
    h.emulator.calls.length = 0;
    await command(h, PEOPLE.ada, `role <@${PEOPLE.sam}|sam> senior-developer`);
    const modal = await waitFor('the role change', () => lastModal(h!, CALLBACK.roleChangeModal));
    await postToSlackEvents(
      h.target,
      viewSubmissionBody({
        callbackId: CALLBACK.roleChangeModal,
        userId: PEOPLE.ada,
        privateMetadata: modal.private_metadata ?? '',
        values: { [BLOCK.reason]: stateValue.text(ACTION.typeReason, 'promotion') },
      }),
    );
    await approvedAndDone(h, 'role_change');
    const order = writes(h);
    expect(order.lastIndexOf('CreateAccountAssignment')).toBeLessThan(
      order.indexOf('DeleteAccountAssignment'),
    );
    expect(holdsInAws(h.emulator, '111111111111', 'SeniorDeveloper', 'sam.dev@example.com')).toBe(true);
    expect(holdsInAws(h.emulator, '111111111111', 'Developer', 'sam.dev@example.com')).toBe(false);
  });
});
