import type { types } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import type { RoleConfig } from '../../src/config/types.js';
import type { RequestStatus } from '../../src/domain/request.js';
import { adminEventMessage } from '../../src/slack/blocks/admin-messages.js';
import { stepLines } from '../../src/slack/blocks/admin-text.js';
import { approvalCard } from '../../src/slack/blocks/approval-card.js';
import { helpMessage } from '../../src/slack/blocks/help.js';
import type { Block, ModalView, SlackMessage } from '../../src/slack/blocks/kit.js';
import { offboardModal } from '../../src/slack/blocks/offboard-modal.js';
import { onboardModal } from '../../src/slack/blocks/onboard-modal.js';
import { pendingList } from '../../src/slack/blocks/pending-list.js';
import {
  requesterEventMessage,
  requesterRunningMessage,
  submittedMessage,
} from '../../src/slack/blocks/requester-messages.js';
import { roleChangeModal } from '../../src/slack/blocks/role-change-modal.js';
import { ACTION, BLOCK, CALLBACK } from '../../src/slack/ids.js';
import {
  ADMIN,
  adminRequestView,
  adminStep,
  adminSteps,
  adminTestConfig,
  grantRecord,
  offboardingPreview,
  requestRecord,
  roleChangePreview,
} from '../support/slack-fixtures.js';

const HELP = { startUrl: 'https://example.awsapps.com/start', sessionName: 'example-ltd' };
const allText = (value: unknown): string => JSON.stringify(value);

function expectWithinLimits(blocks: readonly Block[], maxBlocks: number): void {
  expect(blocks.length).toBeLessThanOrEqual(maxBlocks);
  for (const block of blocks) {
    if (block.type === 'section') {
      if (block.text !== undefined) expect(block.text.text.length).toBeLessThanOrEqual(3000);
      expect((block.fields ?? []).length).toBeLessThanOrEqual(10);
      for (const f of block.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(2000);
    }
    if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(150);
    if (block.type === 'context') expect(block.elements.length).toBeLessThanOrEqual(10);
  }
}

function expectMessage(msg: SlackMessage): void {
  expect(msg.text.trim()).not.toBe('');
  expectWithinLimits(msg.blocks, 50);
}

function expectModal(view: ModalView): void {
  expect(view.title.text.length).toBeLessThanOrEqual(24);
  expect((view.private_metadata ?? '').length).toBeLessThanOrEqual(3000);
  expectWithinLimits(view.blocks as Block[], 100);
}

const buttons = (blocks: readonly Block[]): types.Button[] =>
  blocks
    .flatMap((b) => (b.type === 'actions' ? b.elements : []))
    .filter((e): e is types.Button => e.type === 'button');
const header = (msg: SlackMessage): string => {
  const first = msg.blocks[0];
  return first?.type === 'header' ? first.text.text : '';
};
const inputBlock = (view: ModalView, blockId: string): types.InputBlock | undefined =>
  (view.blocks as Block[]).find((b): b is types.InputBlock => b.type === 'input' && b.block_id === blockId);

describe('the approval card of admin work', () => {
  it.each([
    { kind: 'onboard' as const, title: "Onboarding: Dara O'Connor (R-ADM1N1)" },
    { kind: 'offboard' as const, title: 'Offboarding: kim.leaver@example.com (R-ADM1N1)' },
    { kind: 'role_change' as const, title: 'Role change: Sam Dev → Developer (R-ADM1N1)' },
  ])('is titled by its kind and subject: $title', ({ kind, title }) => {
    const card = approvalCard(adminRequestView(kind));
    expectMessage(card);
    expect(header(card)).toBe(title);
  });

  it('shows the admin, the person, the reason, the steps and who may approve, with Approve and Deny', () => {
    const card = approvalCard(
      adminRequestView('offboard', {}, { steps: [adminStep({ label: 'Remove Developer on dev' })] }),
    );
    const text = allText(card.blocks);
    expect(text).toContain(`<@${ADMIN}>`);
    expect(text).toContain('*Kim Leaver* (kim.leaver@example.com)');
    expect(text).toContain('>last day');
    expect(text).toContain(':hourglass_flowing_sand: Remove Developer on dev');
    expect(text).toContain('Needs 2 of <@U0000LEAD1> <@U0000LEAD2> <@U0000LEAD3>');
    const actions = buttons(card.blocks).map((b) => [b.action_id, b.value]);
    expect(actions).toEqual([
      [ACTION.approve, 'R-ADM1N1'],
      [ACTION.deny, 'R-ADM1N1'],
    ]);
    // Approving an offboarding removes everything: a second look first.
    expect(buttons(card.blocks)[0]?.confirm?.title?.text).toBe('Approve this offboarding?');
  });

  it('says each requirement of work that needs approvers of different groups, and what each is for', () => {
    const card = approvalCard(
      adminRequestView(
        'onboard',
        { approvers: ['U0000FIN01', 'U0000LEAD1', 'U0000LEAD2'], requiredApprovals: 1 },
        {
          requirements: [
            { approvers: ['U0000LEAD1', 'U0000LEAD2'], approvals: 1, what: 'JuniorDeveloper on dev' },
            { approvers: ['U0000FIN01'], approvals: 1, what: 'FinanceAdmin on management' },
          ],
        },
      ),
    );
    const text = allText(card.blocks);
    expect(text).toContain(
      'Needs 1 of <@U0000LEAD1> <@U0000LEAD2> (for JuniorDeveloper on dev) and 1 of <@U0000FIN01> (for FinanceAdmin on management)',
    );
    expect(text).toContain('Waiting for 2 more approvals');
  });

  it('renders each step status: pending, done, failed with its detail, skipped with why', () => {
    const lines = stepLines([
      adminStep({ label: 'Create user', status: 'done' }),
      adminStep({ label: 'Join group ReadOnly', status: 'skipped', detail: 'already a member' }),
      adminStep({ label: 'Assign Developer on prod', status: 'failed', detail: 'AccessDeniedException: no' }),
      adminStep({ label: 'Send welcome email', status: 'pending' }),
    ]);
    expect(lines).toEqual([
      ':white_check_mark: Create user',
      ':heavy_minus_sign: Join group ReadOnly _(already a member)_',
      ':x: Assign Developer on prod: AccessDeniedException: no',
      ':hourglass_flowing_sand: Send welcome email',
    ]);
  });

  it('offers Retry only once failed, with the request id as its value', () => {
    const statuses: RequestStatus[] = [
      'pending',
      'approved',
      'provisioning',
      'completed',
      'denied',
      'failed',
    ];
    for (const status of statuses) {
      const retry = buttons(approvalCard(adminRequestView('offboard', { status })).blocks).filter(
        (b) => b.action_id === ACTION.retry,
      );
      expect(retry.map((b) => b.value)).toEqual(status === 'failed' ? ['R-ADM1N1'] : []);
    }
    const failed = approvalCard(
      adminRequestView(
        'offboard',
        { status: 'failed' },
        {
          steps: [adminStep({ label: 'Remove Developer on prod', status: 'failed', detail: 'AccessDenied' })],
        },
      ),
    );
    expect(allText(failed.blocks)).toContain('Stopped at *Remove Developer on prod*: AccessDenied');
    expect(buttons(failed.blocks).map((b) => b.action_id)).toEqual([ACTION.retry]);
  });

  it('the completed offboarding warns that open sessions stay valid, naming the longest', () => {
    const done = approvalCard(
      adminRequestView(
        'offboard',
        { status: 'completed' },
        {
          steps: [adminStep({ status: 'done' })],
          longestSessionHours: 8,
          longestSessionPermissionSet: 'ProductionSupport',
        },
      ),
    );
    expect(allText(done.blocks)).toContain(
      "Sessions already open stay valid for up to 8 h (ProductionSupport's session duration)",
    );
    expect(allText(approvalCard(adminRequestView('offboard')).blocks)).not.toContain('Sessions already open');
  });

  it('the completed onboarding tells the console step for the first password, unless passwords are emailed', () => {
    const view = adminRequestView(
      'onboard',
      { status: 'completed' },
      { steps: [adminStep({ status: 'done' })] },
    );
    expect(allText(approvalCard(view).blocks)).toContain('*Reset password*');
    expect(allText(approvalCard(view, { oneTimePasswords: true }).blocks)).not.toContain('Reset password');
  });

  it('for onboarding, shows the service’s own notes when it wrote them, escaped', () => {
    const view = adminRequestView(
      'onboard',
      { status: 'completed' },
      { steps: [adminStep({ status: 'done' })], notes: ['Set <dara>’s first password in the console.'] },
    );
    const text = allText(approvalCard(view).blocks);
    expect(text).toContain(':key: Set &lt;dara&gt;’s first password in the console.');
    expect(text).not.toContain('*Reset password*');
    const none = adminRequestView('onboard', { status: 'completed' }, { notes: [] });
    expect(allText(approvalCard(none).blocks)).not.toContain(':key:');
  });

  it('keeps 60 steps within 50 blocks, always showing the step that failed and counting the rest', () => {
    const steps = [
      ...adminSteps(45, 'done'),
      adminStep({
        id: 'x',
        label: 'Remove ProductionSupport on prod',
        status: 'failed',
        detail: 'AccessDenied',
      }),
      ...adminSteps(14, 'pending'),
    ];
    const card = approvalCard(adminRequestView('offboard', { status: 'failed' }, { steps }));
    expectMessage(card);
    const text = allText(card.blocks);
    expect(text).toContain(':white_check_mark: 45 earlier steps done');
    expect(text).toContain(':x: Remove ProductionSupport on prod: AccessDenied');
    expect(stepLines(steps).length).toBeLessThanOrEqual(30);
    const running = requesterRunningMessage(
      adminRequestView('onboard', { status: 'provisioning' }, { steps: adminSteps(60) }),
    );
    expectMessage(running);
    expect(allText(running.blocks)).toContain('…and 31 more steps (31 pending)');
  });

  it('escapes the subject, the steps and their details so they can neither ping nor fake a link', () => {
    const card = approvalCard(
      adminRequestView(
        'onboard',
        { status: 'failed' },
        {
          subject: { email: 'dara@example.com', displayName: '<!channel> Dara' },
          steps: [
            adminStep({
              label: 'Join <!here>',
              status: 'failed',
              detail: '<https://evil.example|aws.amazon.com>',
            }),
          ],
        },
      ),
    );
    // The header is plain text, where Slack shows markup as typed; everything in mrkdwn is escaped.
    expect(header(card)).toBe('Onboarding: <!channel> Dara (R-ADM1N1)');
    const text = allText(card.blocks.slice(1)) + card.text;
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<!here>');
    expect(text).not.toContain('<https://evil.example');
    expect(text).toContain('&lt;https://evil.example|aws.amazon.com&gt;');
  });

  it('leaves out steps of the wrong shape rather than trusting them', () => {
    const card = approvalCard(
      adminRequestView(
        'onboard',
        {},
        { steps: [{ id: 1 }, 'nonsense', adminStep({ label: 'Create user' })] },
      ),
    );
    expect(allText(card.blocks)).toContain('Create user');
  });
});

describe('the admin’s own messages', () => {
  it('the running message lists the steps and offers Cancel while pending, Retry once failed', () => {
    const pending = requesterRunningMessage(adminRequestView('onboard'));
    expect(pending.text).toContain("Your onboarding R-ADM1N1: onboarding of Dara O'Connor as Developer");
    expect(buttons(pending.blocks).map((b) => b.action_id)).toEqual([ACTION.cancel]);
    const failed = requesterRunningMessage(
      adminRequestView(
        'onboard',
        { status: 'failed' },
        { steps: [adminStep({ status: 'failed', detail: 'x' })] },
      ),
    );
    expect(buttons(failed.blocks).map((b) => b.action_id)).toEqual([ACTION.retry]);
  });

  it('a failure is a new message with the failed step and a Retry button', () => {
    const view = adminRequestView(
      'offboard',
      { status: 'failed' },
      { steps: [adminStep({ label: 'Remove Developer on prod', status: 'failed', detail: 'AccessDenied' })] },
    );
    const msg = requesterEventMessage(view, 'failed', undefined, HELP);
    expect(msg).toBeDefined();
    if (msg === undefined) return;
    expectMessage(msg);
    expect(allText(msg.blocks)).toContain(':x: Remove Developer on prod: AccessDenied');
    expect(buttons(msg.blocks).map((b) => [b.action_id, b.value])).toEqual([[ACTION.retry, 'R-ADM1N1']]);
  });

  it('completion says it is done, with the open-sessions warning or the first-password step', () => {
    const offboarded = adminEventMessage(
      adminRequestView('offboard', { status: 'completed' }, { longestSessionHours: 12 }),
      'granted',
    );
    expect(allText(offboarded)).toContain('up to 12 h');
    const onboarded = requesterEventMessage(
      adminRequestView('onboard', { status: 'completed' }),
      'granted',
      grantRecord(),
      HELP,
      { oneTimePasswords: false },
    );
    expect(allText(onboarded)).toContain('Reset password');
    expect(adminEventMessage(adminRequestView('onboard'), 'submitted')).toBeUndefined();
  });

  it('the submitted answer and the pending list read as admin work', () => {
    const submitted = submittedMessage(adminRequestView('role_change'));
    expect(allText(submitted)).toContain('role change of *Sam Dev* (sam.dev@example.com) to *Developer*');
    expect(allText(submitted)).not.toContain('for *permanent*');
    const list = pendingList({ mine: [adminRequestView('offboard')], awaitingMe: [] });
    expect(allText(list)).toContain('offboarding of *Kim Leaver*');
  });
});

describe('the onboarding form', () => {
  const roles = adminTestConfig().roles;

  it('has every field, the email prefilled, and remembers where to answer', () => {
    const view = onboardModal({ email: 'dara@example.com' }, roles, {
      responseUrl: 'https://hooks.example/1',
    });
    expectModal(view);
    expect(view.callback_id).toBe(CALLBACK.onboardModal);
    expect(inputBlock(view, BLOCK.email)?.element).toMatchObject({ initial_value: 'dara@example.com' });
    for (const block of [BLOCK.givenName, BLOCK.familyName])
      expect(inputBlock(view, block)?.optional).toBeUndefined();
    for (const block of [
      BLOCK.displayName,
      BLOCK.role,
      BLOCK.extraPermissionSets,
      BLOCK.extraAccounts,
      BLOCK.slackUser,
      BLOCK.startDate,
      BLOCK.note,
    ]) {
      expect(inputBlock(view, block)?.optional).toBe(true);
    }
    expect(inputBlock(view, BLOCK.role)?.element).toMatchObject({
      type: 'static_select',
      options: [
        { value: 'Developer', description: { text: 'Builds and deploys in non-production' } },
        { value: 'SeniorDeveloper' },
      ],
    });
    expect(inputBlock(view, BLOCK.slackUser)?.element.type).toBe('users_select');
    expect(inputBlock(view, BLOCK.startDate)?.element.type).toBe('datepicker');
    expect(JSON.parse(view.private_metadata ?? '{}')).toEqual({ responseUrl: 'https://hooks.example/1' });
  });

  it('switches the role picker to typed search past 100 roles, and drops it when none are configured', () => {
    const many: Record<string, RoleConfig> = Object.fromEntries(
      Array.from({ length: 120 }, (_v, i) => [`Role${i}`, { groups: [], assignments: [] }]),
    );
    expect(inputBlock(onboardModal({}, many), BLOCK.role)?.element.type).toBe('external_select');
    expect(inputBlock(onboardModal({}, {}), BLOCK.role)).toBeUndefined();
  });
});

describe('the offboarding preview', () => {
  it('lists the groups, assignments, grants, requests and legacy keys, with the reason and the checkbox', () => {
    const view = offboardModal(offboardingPreview(), { who: 'kim.leaver@example.com' });
    expectModal(view);
    expect(view.callback_id).toBe(CALLBACK.offboardModal);
    const text = allText(view.blocks);
    for (const expected of [
      '*Groups (2)*',
      '*ReadOnly*',
      '*Billing*',
      '*Developer* on *dev* (111111111111)',
      '*ProductionSupport* on *prod* (333333333333)',
      '*ReadOnlyAccess* on *prod*, through *ReadOnly*',
      '*SeniorDeveloper* on *prod*',
      'R-KIMGR1',
      'R-KIMPND',
      '*kim.leaver*',
      'AKIAKIMLEAVER0000001',
      'last used',
      '(s3, eu-west-1)',
      'never used',
      "up to 8 h after removal (ProductionSupport's session duration)",
    ]) {
      expect(text).toContain(expected);
    }
    expect(inputBlock(view, BLOCK.reason)?.optional).toBeUndefined();
    expect(inputBlock(view, BLOCK.legacyCleanup)?.element).toMatchObject({
      type: 'checkboxes',
      options: [{ text: { text: 'Also delete the legacy IAM user kim.leaver' } }],
    });
    expect(JSON.parse(view.private_metadata ?? '{}')).toEqual({ who: 'kim.leaver@example.com' });
  });

  it('has no checkbox when there is no legacy IAM user', () => {
    const view = offboardModal(offboardingPreview({ legacyIamUser: undefined }));
    expect(inputBlock(view, BLOCK.legacyCleanup)).toBeUndefined();
    expect(allText(view.blocks)).toContain('*Legacy IAM user:* none');
  });

  it('offers no clean-up of a legacy IAM user outside legacyIam.path, and says why', () => {
    const base = offboardingPreview();
    if (base.legacyIamUser === undefined) throw new Error('the fixture has a legacy IAM user');
    const reason = 'IAM user kim.leaver is under the path /breakglass/, outside legacyIam.path /legacy/.';
    const view = offboardModal(
      offboardingPreview({ legacyIamUser: { ...base.legacyIamUser, cleanupRefused: reason } }),
    );
    expectModal(view);
    expect(inputBlock(view, BLOCK.legacyCleanup)).toBeUndefined();
    expect(allText(view.blocks)).toContain(`Not cleaned up: ${reason}`);
  });

  it('folds 60 of everything with a count and stays within 100 blocks', () => {
    const base = offboardingPreview();
    const sixty = <T>(make: (i: number) => T): T[] => Array.from({ length: 60 }, (_v, i) => make(i));
    const view = offboardModal(
      offboardingPreview({
        groups: sixty((i) => ({ id: `g-${i}`, name: `Group${i}` })),
        directAssignments: sixty((i) => ({
          accountId: String(100000000000 + i),
          accountAlias: `account-${i}`,
          permissionSet: 'Developer',
          permissionSetArn: `arn:ps-${i}`,
        })),
        groupAssignments: sixty((i) => ({
          group: `Group${i}`,
          accountAlias: `account-${i}`,
          permissionSet: 'ReadOnlyAccess',
          accountId: String(100000000000 + i),
          permissionSetArn: `arn:ps-ro`,
        })),
        activeGrants: sixty((i) => grantRecord({ id: `G-${i}`, accountAlias: `account-${i}` })),
        pendingRequests: sixty((i) => requestRecord({ id: `R-${i}` })),
        legacyIamUser:
          base.legacyIamUser === undefined
            ? undefined
            : {
                ...base.legacyIamUser,
                accessKeys: sixty((i) => ({
                  id: `AKIA${i}`,
                  status: 'Active' as const,
                  createdAt: new Date(0),
                })),
              },
      }),
    );
    expectModal(view);
    const text = allText(view.blocks);
    expect(text).toContain('*Groups (60)*');
    expect(text.match(/…and 35 more/g)).toHaveLength(6);
  });
});

describe('the role-change preview', () => {
  const bundle = adminTestConfig().roles.SeniorDeveloper;

  it('shows today, the role’s bundle and the difference, adds before removals', () => {
    const view = roleChangeModal(roleChangePreview(), bundle, { who: 'U0000SAM', role: 'SeniorDeveloper' });
    expectModal(view);
    expect(view.callback_id).toBe(CALLBACK.roleChangeModal);
    expect(view.submit?.text).toBe('Ask for approval');
    const text = allText(view.blocks);
    expect(text).toContain('*Today*');
    expect(text).toContain('*ReadOnlyAccess* on *prod*');
    const added = text.indexOf('*Added first*');
    const removed = text.indexOf('*Then removed*');
    expect(added).toBeGreaterThan(0);
    expect(removed).toBeGreaterThan(added);
    expect(text).toContain(':heavy_plus_sign: *SeniorDeveloper* on *dev*');
    expect(text).toContain(':heavy_minus_sign: *Developer* on *dev*');
    expect(JSON.parse(view.private_metadata ?? '{}')).toEqual({ who: 'U0000SAM', role: 'SeniorDeveloper' });
  });

  it('has nothing to submit when nothing would change', () => {
    const view = roleChangeModal(
      roleChangePreview({ add: { groups: [], assignments: [] }, remove: { groups: [], assignments: [] } }),
      bundle,
    );
    expect(view.submit).toBeUndefined();
    expect(allText(view.blocks)).toContain('Nothing to change');
  });
});

describe('help', () => {
  it('lists the admin subcommands with their usage', () => {
    const text = allText(helpMessage());
    for (const usage of [
      '/access onboard [email]',
      '/access offboard <email|@user>',
      '/access role <email|@user> <role>',
      '/access migrate [<email|@user>]',
    ]) {
      expect(text).toContain(usage);
    }
  });
});
