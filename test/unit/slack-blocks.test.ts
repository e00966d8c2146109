import type { types } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import type { RequestStatus } from '../../src/domain/request.js';
import { HOUR } from '../../src/domain/duration.js';
import { approvalCard, isProductionAlias } from '../../src/slack/blocks/approval-card.js';
import { denyModal } from '../../src/slack/blocks/deny-modal.js';
import { extendModal } from '../../src/slack/blocks/extend-modal.js';
import { helpMessage } from '../../src/slack/blocks/help.js';
import type { Block, ModalView, SlackMessage } from '../../src/slack/blocks/kit.js';
import { accountOptions, permissionSetOptions } from '../../src/slack/blocks/options.js';
import { pendingList } from '../../src/slack/blocks/pending-list.js';
import { requestModal } from '../../src/slack/blocks/request-modal.js';
import { requesterEventMessage, requesterRunningMessage } from '../../src/slack/blocks/requester-messages.js';
import { ACTION, BLOCK, CALLBACK, requestIdOfExtendBlock } from '../../src/slack/ids.js';
import type { RequestOptions } from '../../src/access/api.js';
import { approval, grantRecord, LEAD_A, LEAD_B, OPTIONS, requestView } from '../support/slack-fixtures.js';

const HELP = { startUrl: 'https://example.awsapps.com/start', sessionName: 'example-ltd' };

/** Every string in a structure, for "does not contain" checks across a whole message. */
function allText(value: unknown): string {
  return JSON.stringify(value);
}

/** Slack's limits, checked on everything a builder returns. */
function expectWithinLimits(blocks: readonly Block[], maxBlocks = 50): void {
  expect(blocks.length).toBeLessThanOrEqual(maxBlocks);
  for (const block of blocks) {
    if (block.type === 'section') {
      if (block.text !== undefined) expect(block.text.text.length).toBeLessThanOrEqual(3000);
      expect((block.fields ?? []).length).toBeLessThanOrEqual(10);
      for (const f of block.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(2000);
    }
    if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(150);
    if (block.type === 'context') expect(block.elements.length).toBeLessThanOrEqual(10);
    if (block.type === 'actions') {
      for (const e of block.elements) {
        if (e.type === 'button') expect((e.value ?? '').length).toBeLessThanOrEqual(2000);
      }
    }
  }
}

function expectMessage(msg: SlackMessage): void {
  expect(msg.text.trim()).not.toBe('');
  expectWithinLimits(msg.blocks);
}

function expectModal(view: ModalView): void {
  expect(view.title.text.length).toBeLessThanOrEqual(24);
  expect((view.private_metadata ?? '').length).toBeLessThanOrEqual(3000);
  // Our modals hold only known blocks; Slack's type admits any block.
  expectWithinLimits(view.blocks as Block[], 100);
}

const buttons = (msg: SlackMessage) =>
  msg.blocks.flatMap((b) => (b.type === 'actions' ? b.elements : [])).filter((e) => e.type === 'button');

const STATUSES: RequestStatus[] = [
  'pending',
  'approved',
  'provisioning',
  'active',
  'completed',
  'failed',
  'denied',
  'cancelled',
  'lapsed',
  'ended',
];

describe('the approval card', () => {
  it.each(STATUSES)('is drawn within Slack limits when the request is %s', (status) => {
    const view = requestView(
      { status },
      {
        approvals:
          status === 'denied'
            ? [approval({ decision: 'deny', approverSlackId: LEAD_B, reason: 'not during the freeze' })]
            : [approval()],
        grants:
          status === 'pending'
            ? []
            : [
                grantRecord({
                  status: status === 'failed' ? 'failed' : status === 'ended' ? 'ended' : 'active',
                  failureReason: status === 'failed' ? 'Quota exceeded for IAM roles' : null,
                  endedAt: status === 'ended' ? new Date('2026-03-02T14:00:00Z') : null,
                  endReason: status === 'ended' ? 'expired' : null,
                }),
              ],
      },
    );
    const card = approvalCard(view);
    expectMessage(card);
    expect(card.blocks[0]).toMatchObject({ type: 'header', text: { text: 'Access request R-7K2Q9D' } });
  });

  it('shows who asked, what for, why, the session note and who may approve', () => {
    const text = allText(approvalCard(requestView()).blocks);
    for (const expected of [
      '<@U0000SAMDEV>',
      'SeniorDeveloper',
      'Senior developers, broader environment access',
      '*prod* (333333333333)',
      '4h',
      'fixing incident 4711',
      'up to 8 h after the access ends',
      'Needs 2 of <@U0000LEAD1> <@U0000LEAD2> <@U0000LEAD3>',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('says who approved so far while it waits for more', () => {
    const card = approvalCard(requestView({}, { approvals: [approval()], approvalsNeeded: 1 }));
    expect(allText(card.blocks)).toContain('approved so far by <@U0000LEAD1>');
    expect(allText(card.blocks)).toContain('Waiting for 1 more approval ');
  });

  it('has Approve and Deny buttons carrying the request id only, while pending', () => {
    const card = approvalCard(requestView());
    expect(buttons(card)).toEqual([
      expect.objectContaining({ action_id: ACTION.approve, value: 'R-7K2Q9D', style: 'primary' }),
      expect.objectContaining({ action_id: ACTION.deny, value: 'R-7K2Q9D', style: 'danger' }),
    ]);
  });

  it('asks for confirmation before approving production access, and not for dev', () => {
    const prod = buttons(approvalCard(requestView()))[0];
    expect(prod).toHaveProperty('confirm');
    const dev = buttons(approvalCard(requestView({ accounts: [{ alias: 'dev', id: '111111111111' }] })))[0];
    expect(dev).not.toHaveProperty('confirm');
    expect(['prod', 'production', 'payments-prod', 'live'].every(isProductionAlias)).toBe(true);
    expect(['dev', 'staging', 'product-dev'].some(isProductionAlias)).toBe(false);
  });

  it.each(STATUSES.filter((s) => s !== 'pending'))('has no buttons once %s', (status) => {
    expect(buttons(approvalCard(requestView({ status })))).toEqual([]);
  });

  it.each([
    [
      'denied',
      [approval({ decision: 'deny', approverSlackId: LEAD_B, reason: 'not during the freeze' })],
      'Denied by <@U0000LEAD2>: not during the freeze',
    ],
    ['lapsed', [], 'No decision within 24h'],
    ['cancelled', [], 'Cancelled by <@U0000SAMDEV>'],
  ] as const)('says how a %s request ended', (status, approvals, expected) => {
    expect(allText(approvalCard(requestView({ status }, { approvals: [...approvals] })).blocks)).toContain(
      expected,
    );
  });

  it('shows each account while provisioning, with AWS’s reason for a failure', () => {
    const view = requestView(
      {
        status: 'provisioning',
        accounts: [
          { alias: 'dev', id: '111111111111' },
          { alias: 'staging', id: '222222222222' },
          { alias: 'prod', id: '333333333333' },
        ],
      },
      {
        approvals: [approval(), approval({ approverSlackId: LEAD_B })],
        grants: [
          grantRecord({ id: 'G-1', accountAlias: 'dev', accountId: '111111111111', status: 'active' }),
          grantRecord({
            id: 'G-2',
            accountAlias: 'staging',
            accountId: '222222222222',
            status: 'provisioning',
          }),
          grantRecord({ id: 'G-3', status: 'failed', failureReason: 'Quota exceeded for IAM roles' }),
        ],
      },
    );
    const text = allText(approvalCard(view).blocks);
    expect(text).toContain(':white_check_mark: *dev*');
    expect(text).toContain(':hourglass_flowing_sand: *staging* (222222222222): provisioning');
    expect(text).toContain(':x: *prod* (333333333333): Quota exceeded for IAM roles');
    expect(text).toContain('Approved by <@U0000LEAD1> <@U0000LEAD2>');
  });

  it('escapes user text so it can neither ping a channel nor fake a link', () => {
    const evil = '<!channel> look at <http://evil.example|https://aws.amazon.com> & <@U0000LEAD1>';
    const card = approvalCard(
      requestView(
        { reason: evil, status: 'denied' },
        { approvals: [approval({ decision: 'deny', reason: '<!here> no' })] },
      ),
    );
    const text = allText(card);
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<!here>');
    expect(text).not.toContain('<http://evil.example|');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('&lt;http://evil.example|https://aws.amazon.com&gt; &amp;');
  });

  it('keeps a 60-account request within 50 blocks and every text within its limit', () => {
    const accounts = Array.from({ length: 60 }, (_v, i) => ({
      alias: `workload-account-${String(i).padStart(2, '0')}`,
      id: String(100000000000 + i),
    }));
    const grants = accounts.map((a, i) =>
      grantRecord({
        id: `G-${i}`,
        accountAlias: a.alias,
        accountId: a.id,
        status: i % 3 === 0 ? 'failed' : 'active',
        failureReason: i % 3 === 0 ? 'Quota exceeded for IAM roles in this account. '.repeat(8) : null,
      }),
    );
    for (const status of ['pending', 'provisioning', 'active'] as const) {
      const card = approvalCard(requestView({ status, accounts, reason: 'r'.repeat(500) }, { grants }));
      expectMessage(card);
    }
  });
});

describe('the request modal', () => {
  it('uses external selects for permission sets and accounts, so lists past 100 stay usable', () => {
    const modal = requestModal({}, OPTIONS);
    expectModal(modal);
    expect(modal.callback_id).toBe(CALLBACK.requestModal);
    const elements: Record<string, string> = Object.fromEntries(
      modal.blocks
        .filter((b): b is types.InputBlock => b.type === 'input')
        .map((b): [string, string] => [b.block_id ?? '', b.element.type]),
    );
    expect(elements).toEqual({
      [BLOCK.permissionSet]: 'external_select',
      [BLOCK.accounts]: 'multi_external_select',
      [BLOCK.duration]: 'static_select',
      // Access ahead of time: a start day and a time (UTC), both optional.
      [BLOCK.startDate]: 'datepicker',
      [BLOCK.startTime]: 'timepicker',
      [BLOCK.reason]: 'plain_text_input',
    });
  });

  it('is prefilled with what the command understood', () => {
    const modal = requestModal(
      {
        permissionSet: 'SeniorDeveloper',
        accounts: ['prod', 'dev'],
        duration: { kind: 'for', ms: 3 * HOUR },
        reason: 'why',
      },
      OPTIONS,
      { responseUrl: 'https://hooks.slack.com/commands/T/1/abc', channelId: 'C1' },
    );
    expectModal(modal);
    const text = allText(modal);
    expect(text).toContain('"initial_option":{"text":{"type":"plain_text","text":"SeniorDeveloper"');
    expect(text).toContain('"initial_options":[{"text":{"type":"plain_text","text":"prod (333333333333)"');
    expect(text).toContain('"initial_option":{"text":{"type":"plain_text","text":"3h"');
    expect(text).toContain('"initial_value":"why"');
    expect(JSON.parse(modal.private_metadata ?? '{}')).toEqual({
      responseUrl: 'https://hooks.slack.com/commands/T/1/abc',
      channelId: 'C1',
    });
  });

  it('keeps private_metadata within 3,000 characters whatever it is given', () => {
    const modal = requestModal({}, OPTIONS, {
      responseUrl: `https://x/${'a'.repeat(4000)}`,
      channelId: 'C1',
    });
    expect((modal.private_metadata ?? '').length).toBeLessThanOrEqual(3000);
  });

  it('serves options filtered by what was typed, at most 100', () => {
    expect(permissionSetOptions(OPTIONS, 'dev').map((o) => o.value)).toEqual([
      'Developer',
      'JuniorDeveloper',
      'SeniorDeveloper',
      'InsightsDeveloper',
    ]);
    expect(accountOptions(OPTIONS, '3333').map((o) => o.value)).toEqual(['prod']);
    const many: RequestOptions = {
      permissionSets: [],
      accounts: Array.from({ length: 250 }, (_v, i) => ({
        alias: `acct-${i}`,
        id: String(200000000000 + i),
      })),
    };
    expect(accountOptions(many, '')).toHaveLength(100);
    expect(accountOptions(many, 'acct-24').map((o) => o.value)).toEqual([
      'acct-24',
      ...Array.from({ length: 10 }, (_v, i) => `acct-24${i}`),
    ]);
  });
});

describe('the deny and extend modals', () => {
  it('the deny modal remembers the request id and requires a reason', () => {
    const modal = denyModal(requestView());
    expectModal(modal);
    expect(modal.callback_id).toBe(CALLBACK.denyModal);
    expect(modal.private_metadata).toBe('R-7K2Q9D');
    const input = modal.blocks.find((b) => b.type === 'input');
    expect(input).toMatchObject({ block_id: BLOCK.denyReason });
    expect(input).not.toHaveProperty('optional');
  });

  it('the extend modal offers the original duration first', () => {
    const modal = extendModal(requestView({ status: 'active' }), grantRecord());
    expectModal(modal);
    expect(allText(modal)).toContain('"initial_option":{"text":{"type":"plain_text","text":"4 hours"');
    expect(JSON.parse(modal.private_metadata ?? '')).toEqual({ requestId: 'R-7K2Q9D', grantId: 'G-0001' });
  });
});

describe('the requester’s messages', () => {
  it('the running message has a Cancel button while pending, and none after', () => {
    expect(buttons(requesterRunningMessage(requestView()))).toEqual([
      expect.objectContaining({ action_id: ACTION.cancel, value: 'R-7K2Q9D' }),
    ]);
    expect(buttons(requesterRunningMessage(requestView({ status: 'active' })))).toEqual([]);
  });

  it('the running message quotes the reason from the start of a line, where Slack draws a quote', () => {
    // Mid-line, Slack shows the ">" itself: "Reason: >fixing incident 4711".
    const [first] = requesterRunningMessage(requestView()).blocks ?? [];
    expect(JSON.stringify(first)).toContain('*Reason:*\\n>fixing incident 4711');
  });

  it('granted says which accounts, until when, and how to sign in', () => {
    const msg = requesterEventMessage(
      requestView({ status: 'active' }, { grants: [grantRecord()] }),
      'granted',
      undefined,
      HELP,
    );
    expect(msg).toBeDefined();
    const text = allText(msg);
    expect(text).toContain('You now have *SeniorDeveloper* on *prod* until <!date^');
    expect(text).toContain('<https://example.awsapps.com/start|the AWS access portal>');
    expect(text).toContain('aws sso login --sso-session example-ltd');
  });

  it('partially granted says exactly which accounts failed and why', () => {
    const view = requestView(
      {
        status: 'active',
        accounts: [
          { alias: 'dev', id: '111111111111' },
          { alias: 'prod', id: '333333333333' },
        ],
      },
      {
        grants: [
          grantRecord({ id: 'G-1', accountAlias: 'dev', accountId: '111111111111' }),
          grantRecord({ id: 'G-2', status: 'failed', failureReason: 'Quota exceeded for IAM roles' }),
        ],
      },
    );
    const text = allText(requesterEventMessage(view, 'partially_granted', undefined, HELP));
    expect(text).toContain('on *dev*');
    expect(text).toContain(':x: *prod* (333333333333): Quota exceeded for IAM roles');
  });

  it('denied gives the approver’s reason, escaped', () => {
    const view = requestView(
      { status: 'denied' },
      { approvals: [approval({ decision: 'deny', reason: '<!channel> no' })] },
    );
    const text = allText(requesterEventMessage(view, 'denied', undefined, HELP));
    expect(text).toContain('Denied by <@U0000LEAD1>: &lt;!channel&gt; no');
  });

  it('a reminder carries an Extend button whose value is the grant id', () => {
    const msg = requesterEventMessage(
      requestView({ status: 'active' }, { grants: [grantRecord()] }),
      'reminder',
      grantRecord(),
      HELP,
    );
    const [button] = buttons(msg ?? { text: '', blocks: [] });
    expect(button).toMatchObject({ action_id: ACTION.extend, value: 'G-0001' });
    const block = msg?.blocks.find((b) => b.type === 'actions');
    expect(requestIdOfExtendBlock(block?.block_id ?? '')).toBe('R-7K2Q9D');
  });

  it.each([
    'granted',
    'partially_granted',
    'failed',
    'denied',
    'lapsed',
    'reminder',
    'ended',
    'extended',
  ] as const)('%s is worth a new message, within limits', (event) => {
    const msg = requesterEventMessage(
      requestView({ status: 'active' }, { grants: [grantRecord()] }),
      event,
      grantRecord(),
      HELP,
    );
    expect(msg).toBeDefined();
    if (msg !== undefined) expectMessage(msg);
  });

  it.each(['submitted', 'approved', 'cancelled'] as const)('%s only updates the running message', (event) => {
    expect(requesterEventMessage(requestView(), event, undefined, HELP)).toBeUndefined();
  });
});

describe('pending and help', () => {
  it('lists my requests with Cancel and the ones awaiting me with Approve and Deny, within 50 blocks', () => {
    const many = Array.from({ length: 30 }, (_v, i) => requestView({ id: `R-${i}` }));
    const msg = pendingList({ mine: many, awaitingMe: many });
    expectMessage(msg);
    const actions = buttons(msg).map((b) => b.action_id);
    expect(actions).toContain(ACTION.cancel);
    expect(actions).toContain(ACTION.approve);
    expect(actions).toContain(ACTION.deny);
    expect(allText(msg)).toContain('…and 20 more not shown.');
  });

  it('says so when nothing is pending', () => {
    expect(pendingList({ mine: [], awaitingMe: [] }).text).toBe('Nothing pending');
  });

  it('help shows the usage of each implemented subcommand with examples', () => {
    const msg = helpMessage();
    expectMessage(msg);
    const text = allText(msg);
    for (const usage of [
      '/access request <PermissionSet>',
      '/access extend',
      '/access revoke',
      '/access pending',
      '/access help',
    ]) {
      expect(text).toContain(usage);
    }
    expect(text).toContain('/access request SeniorDeveloper prod 4h fixing incident 4711');
  });

  it('every mention in a card is a real user id', () => {
    const text = allText(approvalCard(requestView({ approvers: [LEAD_A, 'not-an-id'] })).blocks);
    expect(text).toContain('<@U0000LEAD1>');
    expect(text).not.toContain('<@not-an-id>');
  });
});
