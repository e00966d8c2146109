/**
 * The admins' commands through the real Bolt app over signed HTTP on loopback, with a fake admin service and
 * a fake access service (recording calls, answering with canned outcomes) and the fake Slack Web API.
 */
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type {
  AdminApi,
  NewStarter,
  OffboardingPreview,
  OnboardingPlan,
  RoleChangePreview,
} from '../../src/access/admin-api.js';
import type { Outcome } from '../../src/access/api.js';
import type { GroupChangePreview, GroupListing } from '../../src/access/group-api.js';
import type { RequestView } from '../../src/access/notifier.js';
import type { UserUpdatePreview, WelcomeResent } from '../../src/access/people-api.js';
import type {
  LegacyMigrationRecord,
  MigrationDone,
  WaitingMigration,
} from '../../src/access/migration-api.js';
import type { SlackApp } from '../../src/slack/app.js';
import { ACTION, BLOCK, CALLBACK, LEGACY_CLEANUP_VALUE } from '../../src/slack/ids.js';
import { FakeAccess } from '../support/fake-access.js';
import { boltOverFakes } from '../support/bolt-over-fakes.js';
import { startFakeSlack, type FakeSlack, type RecordedCall } from '../support/fake-slack.js';
import {
  ADMIN,
  adminRequestView,
  adminTestConfig,
  offboardingPreview,
  REQUESTER,
  roleChangePreview,
} from '../support/slack-fixtures.js';
import {
  blockActionsBody,
  postToSlackEvents,
  slashCommandBody,
  stateValue,
  viewSubmissionBody,
  waitFor,
  waitForCall,
  waitForResponse,
  type SlackTarget,
} from '../support/slack-requests.js';

const SIGNING_SECRET = 'test-signing-secret-0123456789';
const BOT_TOKEN = 'xoxb-test-token-never-logged';
const EXISTING = 'sam.dev@example.com';

interface Call {
  method: string;
  args: unknown[];
}

const refused = (code: 'not_admin' | 'not_found', message: string) =>
  Promise.resolve({ ok: false as const, code, message });

const startedMigration = (email: string, admin: string): LegacyMigrationRecord => ({
  id: 'M-0000TEST',
  clickId: null,
  email,
  userId: 'user-1',
  userName: email,
  displayName: 'Sam Dev',
  slackUserId: REQUESTER,
  iamUserName: email,
  startedBy: admin,
  startedAt: new Date('2026-12-08T09:00:00Z'),
  confirmBy: new Date('2026-12-22T09:00:00Z'),
  emailedAt: new Date('2026-12-08T09:00:00Z'),
  messageId: 'ses-0001',
  emailFailure: null,
  dm: { channel: 'D0000SAM', ts: '1.0001' },
  confirmedBy: null,
  confirmedAt: null,
  helpAskedBy: null,
  helpAskedAt: null,
  helpToldAt: null,
  removalRequestId: null,
});

/** The admin service as the Slack layer sees it: records calls; only ADMIN may act; EXISTING already exists. */
class FakeAdmin implements AdminApi {
  calls: Call[] = [];
  /** How long previews take, to exercise the waiting modal. */
  previewDelayMs = 0;

  callsTo(method: keyof AdminApi): Call[] {
    return this.calls.filter((c) => c.method === method);
  }

  private async gate(method: keyof AdminApi, admin: string, ...args: unknown[]): Promise<boolean> {
    this.calls.push({ method, args: [admin, ...args] });
    if (this.previewDelayMs > 0 && method.startsWith('preview')) {
      await new Promise((resolve) => setTimeout(resolve, this.previewDelayMs));
    }
    return admin === ADMIN;
  }

  async planOnboarding(admin: string, starter: NewStarter): Promise<Outcome<OnboardingPlan>> {
    if (!(await this.gate('planOnboarding', admin, starter))) return refused('not_admin', 'Only admins.');
    if (starter.email === EXISTING) {
      return {
        ok: false,
        code: 'user_exists',
        message: `*${EXISTING}* already has an Identity Center user (groups: ReadOnly).`,
      };
    }
    const displayName = starter.displayName ?? `${starter.givenName} ${starter.familyName}`;
    return {
      ok: true,
      value: { starter: { ...starter, displayName }, groups: [], assignments: [], steps: [] },
    };
  }
  async submitOnboarding(admin: string, starter: NewStarter): Promise<Outcome<RequestView>> {
    if (!(await this.gate('submitOnboarding', admin, starter))) return refused('not_admin', 'Only admins.');
    return { ok: true, value: adminRequestView('onboard') };
  }
  async previewOffboarding(admin: string, who: string): Promise<Outcome<OffboardingPreview>> {
    if (!(await this.gate('previewOffboarding', admin, who))) return refused('not_admin', 'Only admins.');
    if (who !== 'kim.leaver@example.com') return refused('not_found', `No Identity Center user is ${who}.`);
    return { ok: true, value: offboardingPreview() };
  }
  async submitOffboarding(
    admin: string,
    input: { who: string; reason: string; cleanupLegacyIam: boolean },
  ): Promise<Outcome<RequestView>> {
    if (!(await this.gate('submitOffboarding', admin, input))) return refused('not_admin', 'Only admins.');
    return { ok: true, value: adminRequestView('offboard') };
  }
  async previewRoleChange(admin: string, who: string, role: string): Promise<Outcome<RoleChangePreview>> {
    if (!(await this.gate('previewRoleChange', admin, who, role)))
      return refused('not_admin', 'Only admins.');
    return { ok: true, value: roleChangePreview({ role }) };
  }
  async submitRoleChange(
    admin: string,
    input: { who: string; role: string; reason?: string },
  ): Promise<Outcome<RequestView>> {
    if (!(await this.gate('submitRoleChange', admin, input))) return refused('not_admin', 'Only admins.');
    return { ok: true, value: adminRequestView('role_change') };
  }
  async retry(requestId: string, admin: string): Promise<Outcome<RequestView>> {
    if (!(await this.gate('retry', admin, requestId))) {
      return refused('not_admin', `Only admins may retry ${requestId}.`);
    }
    return { ok: true, value: adminRequestView('offboard', { status: 'provisioning' }) };
  }
  // The migration is tested end to end (test/e2e/migration.test.ts): here only the command's way to it.
  async startMigration(admin: string, who: string, clickId?: string): Promise<Outcome<MigrationDone>> {
    if (!(await this.gate('startMigration', admin, who, clickId)))
      return refused('not_admin', 'Only admins.');
    return { ok: true, value: { kind: 'started', migration: startedMigration(who, admin) } };
  }
  async confirmMigration(input: {
    migrationId: string;
    slackUserId: string;
  }): Promise<Outcome<MigrationDone>> {
    await this.gate('confirmMigration', input.slackUserId, input);
    return refused('not_found', 'No migrations here.');
  }
  async askForHelp(input: { migrationId: string; slackUserId: string }): Promise<Outcome<MigrationDone>> {
    await this.gate('askForHelp', input.slackUserId, input);
    return refused('not_found', 'No migrations here.');
  }
  async requestLegacyRemoval(admin: string, input: unknown): Promise<Outcome<RequestView>> {
    if (!(await this.gate('requestLegacyRemoval', admin, input))) return refused('not_admin', 'Only admins.');
    return refused('not_found', 'No migrations here.');
  }
  async waitingMigrations(admin: string): Promise<Outcome<WaitingMigration[]>> {
    if (!(await this.gate('waitingMigrations', admin))) return refused('not_admin', 'Only admins.');
    return { ok: true, value: [] };
  }
  // Group work is tested end to end (test/e2e/admin-groups.test.ts): here it only keeps the shape of AdminApi.
  async previewGroupChange(admin: string, input: unknown): Promise<Outcome<GroupChangePreview>> {
    if (!(await this.gate('previewGroupChange', admin, input))) return refused('not_admin', 'Only admins.');
    return refused('not_found', 'No groups here.');
  }
  async submitGroupChange(admin: string, input: unknown): Promise<Outcome<RequestView>> {
    if (!(await this.gate('submitGroupChange', admin, input))) return refused('not_admin', 'Only admins.');
    return refused('not_found', 'No groups here.');
  }
  async listGroups(slackId: string): Promise<Outcome<GroupListing>> {
    await this.gate('listGroups', slackId);
    return { ok: true, value: { kind: 'all', groups: [], more: [] } };
  }
  async submitGroupCreate(admin: string, input: unknown): Promise<Outcome<RequestView>> {
    if (!(await this.gate('submitGroupCreate', admin, input))) return refused('not_admin', 'Only admins.');
    return refused('not_found', 'No groups here.');
  }
  async previewUserUpdate(admin: string, who: string): Promise<Outcome<UserUpdatePreview>> {
    await this.gate('previewUserUpdate', admin, who);
    return refused('not_admin', 'Only admins.');
  }
  async submitUserUpdate(admin: string, input: unknown): Promise<Outcome<RequestView>> {
    await this.gate('submitUserUpdate', admin, input);
    return refused('not_admin', 'Only admins.');
  }
  async resendWelcome(admin: string, who: string): Promise<Outcome<WelcomeResent>> {
    await this.gate('resendWelcome', admin, who);
    return refused('not_admin', 'Only admins.');
  }
}

const silent = pino(
  { level: 'info' },
  new Writable({
    write(_chunk: Buffer, _enc, done) {
      done();
    },
  }),
);

function app(fake: FakeSlack, admin: AdminApi | undefined): SlackApp {
  return boltOverFakes({
    config: adminTestConfig(),
    secrets: { slackBotToken: BOT_TOKEN, slackSigningSecret: SIGNING_SECRET },
    access: new FakeAccess([ADMIN]),
    ...(admin !== undefined ? { admin } : {}),
    logger: silent,
    fake,
  });
}

let fake: FakeSlack;
let admin: FakeAdmin;
let slack: SlackApp;
let target: SlackTarget;
let bare: SlackApp;
let bareTarget: SlackTarget;

beforeAll(async () => {
  fake = await startFakeSlack();
  admin = new FakeAdmin();
  slack = app(fake, admin);
  bare = app(fake, undefined);
  const [{ port }, { port: barePort }] = await Promise.all([slack.start(), bare.start()]);
  target = { url: `http://127.0.0.1:${port}`, signingSecret: SIGNING_SECRET };
  bareTarget = { url: `http://127.0.0.1:${barePort}`, signingSecret: SIGNING_SECRET };
});

afterAll(async () => {
  await Promise.all([slack.stop(), bare.stop()]);
  await fake.close();
});

afterEach(() => {
  admin.calls.length = 0;
  admin.previewDelayMs = 0;
  fake.calls.length = 0;
  fake.responses.length = 0;
});

const command = (text: string, id: string, userId = ADMIN, to = target) =>
  postToSlackEvents(to, slashCommandBody({ text, userId, responseUrl: fake.responseUrl(id) }));

interface OpenedView {
  callback_id?: string;
  private_metadata?: string;
  blocks: { type: string; block_id?: string }[];
}
const viewOf = (call: RecordedCall): OpenedView => call.args.view as OpenedView;

function onboardValues(email: string) {
  return {
    [BLOCK.email]: stateValue.text(ACTION.typeEmail, email),
    [BLOCK.givenName]: stateValue.text(ACTION.typeGivenName, 'Dara'),
    [BLOCK.familyName]: stateValue.text(ACTION.typeFamilyName, "O'Connor"),
    [BLOCK.displayName]: stateValue.text(ACTION.typeDisplayName, null),
    [BLOCK.role]: stateValue.select(ACTION.pickRole, 'Developer', 'static_select'),
  };
}

describe('/access onboard', () => {
  it('opens the onboarding form for an admin, with the email prefilled', async () => {
    await command('onboard dara.oconnor@example.com', 'onboard');
    const open = await waitForCall(fake, 'views.open');
    const view = viewOf(open);
    expect(view.callback_id).toBe(CALLBACK.onboardModal);
    expect(JSON.stringify(view)).toContain('"initial_value":"dara.oconnor@example.com"');
    expect(JSON.parse(view.private_metadata ?? '{}')).toMatchObject({
      responseUrl: fake.responseUrl('onboard'),
    });
  });

  it('refuses someone who is not an admin ephemerally, and opens nothing', async () => {
    await command('onboard', 'not-admin', REQUESTER);
    const response = await waitForResponse(fake, 'not-admin');
    expect(response.body).toMatchObject({ response_type: 'ephemeral' });
    expect(String(response.body.text)).toContain('Only admins can onboard people');
    expect(fake.callsTo('views.open')).toEqual([]);
  });

  it('puts "that user exists" on the email field, pointing to /access role, and submits nothing', async () => {
    const answer = await postToSlackEvents(
      target,
      viewSubmissionBody({
        callbackId: CALLBACK.onboardModal,
        userId: ADMIN,
        values: onboardValues(EXISTING),
      }),
    );
    const body = JSON.parse(answer.body) as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(Object.keys(body.errors)).toEqual([BLOCK.email]);
    expect(body.errors[BLOCK.email]).toContain('sam.dev@example.com already has an Identity Center user');
    expect(body.errors[BLOCK.email]).toContain('/access role');
    expect(admin.callsTo('planOnboarding')).toHaveLength(1);
    expect(admin.callsTo('submitOnboarding')).toEqual([]);
  });

  it('a valid form is planned, closed, submitted once, and answered where the command was typed', async () => {
    const answer = await postToSlackEvents(
      target,
      viewSubmissionBody({
        callbackId: CALLBACK.onboardModal,
        userId: ADMIN,
        privateMetadata: JSON.stringify({ responseUrl: fake.responseUrl('onboarded') }),
        values: onboardValues('Dara.OConnor@example.com'),
      }),
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('');
    const response = await waitForResponse(fake, 'onboarded');
    const starter = {
      email: 'dara.oconnor@example.com',
      givenName: 'Dara',
      familyName: "O'Connor",
      role: 'Developer',
    };
    expect(admin.callsTo('planOnboarding')).toEqual([{ method: 'planOnboarding', args: [ADMIN, starter] }]);
    expect(admin.callsTo('submitOnboarding')).toEqual([
      { method: 'submitOnboarding', args: [ADMIN, starter] },
    ]);
    expect(JSON.stringify(response.body)).toContain("onboarding of *Dara O'Connor*");
  });
});

describe('/access offboard', () => {
  it('opens the preview of everything that will go', async () => {
    await command('offboard kim.leaver@example.com', 'offboard');
    const open = await waitForCall(fake, 'views.open');
    const view = viewOf(open);
    expect(view.callback_id).toBe(CALLBACK.offboardModal);
    expect(admin.callsTo('previewOffboarding')).toEqual([
      { method: 'previewOffboarding', args: [ADMIN, 'kim.leaver@example.com'] },
    ]);
    const text = JSON.stringify(view.blocks);
    for (const expected of [
      '*ReadOnly*',
      '*Billing*',
      '*Developer* on *dev*',
      '*ReadOnlyAccess* on *prod*, through *ReadOnly*',
      'R-KIMGR1',
      'R-KIMPND',
      'AKIAKIMLEAVER0000001',
      'AKIAKIMLEAVER0000002',
    ]) {
      expect(text).toContain(expected);
    }
    expect(view.blocks.map((b) => b.block_id)).toEqual(
      expect.arrayContaining([BLOCK.reason, BLOCK.legacyCleanup]),
    );
  });

  it('its submission passes the person, the reason and the legacy IAM choice', async () => {
    await postToSlackEvents(
      target,
      viewSubmissionBody({
        callbackId: CALLBACK.offboardModal,
        userId: ADMIN,
        privateMetadata: JSON.stringify({
          responseUrl: fake.responseUrl('offboarded'),
          who: 'kim.leaver@example.com',
        }),
        values: {
          [BLOCK.reason]: stateValue.text(ACTION.typeReason, 'last day 31 March'),
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
    await waitForResponse(fake, 'offboarded');
    expect(admin.callsTo('submitOffboarding')).toEqual([
      {
        method: 'submitOffboarding',
        args: [ADMIN, { who: 'kim.leaver@example.com', reason: 'last day 31 March', cleanupLegacyIam: true }],
      },
    ]);
  });

  it('a person the service does not know is refused ephemerally, with nothing opened', async () => {
    await command('offboard nobody@example.com', 'nobody');
    const response = await waitForResponse(fake, 'nobody');
    expect(String(response.body.text)).toContain('No Identity Center user is nobody@example.com.');
    expect(fake.callsTo('views.open')).toEqual([]);
  });

  it('a slow preview opens a waiting modal in time, then replaces it with the preview', async () => {
    admin.previewDelayMs = 1_800;
    await command('offboard kim.leaver@example.com', 'slow');
    const open = await waitForCall(fake, 'views.open');
    expect(viewOf(open).callback_id).toBeUndefined();
    const update = await waitFor('views.update', () => fake.callsTo('views.update')[0], { tries: 400 });
    expect(update.args.view_id).toEqual(expect.stringMatching(/^V/));
    expect(viewOf(update).callback_id).toBe(CALLBACK.offboardModal);
  });
});

describe('/access role', () => {
  it('opens the difference, and its submission asks for the change', async () => {
    await command('role <@U0000SAMDEV|sam> seniordeveloper', 'role');
    const open = await waitForCall(fake, 'views.open');
    const view = viewOf(open);
    expect(view.callback_id).toBe(CALLBACK.roleChangeModal);
    expect(admin.callsTo('previewRoleChange')).toEqual([
      { method: 'previewRoleChange', args: [ADMIN, REQUESTER, 'SeniorDeveloper'] },
    ]);
    await postToSlackEvents(
      target,
      viewSubmissionBody({
        callbackId: CALLBACK.roleChangeModal,
        userId: ADMIN,
        privateMetadata: view.private_metadata ?? '',
        values: { [BLOCK.reason]: stateValue.text(ACTION.typeReason, 'moves to platform') },
      }),
    );
    const [call] = await waitFor(
      'submitRoleChange',
      () => admin.callsTo('submitRoleChange').length > 0 && admin.callsTo('submitRoleChange'),
    );
    expect(call?.args).toEqual([
      ADMIN,
      { who: REQUESTER, role: 'SeniorDeveloper', reason: 'moves to platform' },
    ]);
  });
});

describe('/access migrate', () => {
  it('runs as a recorded click and says whom the email went to', async () => {
    await command('migrate sam.dev@example.com', 'migrate');
    const response = await waitForResponse(fake, 'migrate');
    expect(admin.callsTo('startMigration')).toEqual([
      { method: 'startMigration', args: [ADMIN, 'sam.dev@example.com', expect.any(String)] },
    ]);
    expect(response.body).toMatchObject({ response_type: 'ephemeral' });
    expect(String(response.body.text)).toContain(
      'Sent the IAM-to-SSO migration email to sam.dev@example.com',
    );
  });

  it('with no one named, lists who is waiting, privately', async () => {
    await command('migrate', 'migrate-list');
    const response = await waitForResponse(fake, 'migrate-list');
    expect(admin.callsTo('waitingMigrations')).toEqual([{ method: 'waitingMigrations', args: [ADMIN] }]);
    expect(response.body).toMatchObject({ response_type: 'ephemeral' });
    expect(String(response.body.text)).toContain('Nobody is waiting');
  });
});

describe('Retry', () => {
  it('by someone who is not an admin is refused to them alone, and the card is left as it is', async () => {
    await postToSlackEvents(
      target,
      blockActionsBody({
        actionId: ACTION.retry,
        value: 'R-ADM1N1',
        blockId: 'retry:R-ADM1N1',
        userId: REQUESTER,
        responseUrl: fake.responseUrl('retry-refused'),
      }),
    );
    const response = await waitForResponse(fake, 'retry-refused');
    expect(admin.callsTo('retry')).toEqual([{ method: 'retry', args: [REQUESTER, 'R-ADM1N1'] }]);
    expect(response.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(response.body.text)).toContain('Only admins may retry R-ADM1N1.');
    expect(fake.callsTo('chat.update')).toEqual([]);
  });

  it('by an admin continues the work without answering anything', async () => {
    await postToSlackEvents(
      target,
      blockActionsBody({
        actionId: ACTION.retry,
        value: 'R-ADM1N1',
        userId: ADMIN,
        responseUrl: fake.responseUrl('retried'),
      }),
    );
    await waitFor('retry', () => admin.callsTo('retry').length > 0);
    expect(admin.callsTo('retry')).toEqual([{ method: 'retry', args: [ADMIN, 'R-ADM1N1'] }]);
    expect(fake.responses).toEqual([]);
  });
});

describe('without the admin service', () => {
  it('the admin commands say they are not available here', async () => {
    await command('offboard kim.leaver@example.com', 'bare', ADMIN, bareTarget);
    const response = await waitForResponse(fake, 'bare');
    expect(String(response.body.text)).toContain('not available in this deployment');
    expect(fake.callsTo('views.open')).toEqual([]);
  });
});
