/**
 * The IAM-to-SSO migration through the admin service, on SQLite and the local AWS: the email and the person's
 * message, their answer (only theirs counts), the legacy_removal request it opens, approved like any admin work,
 * which removes the IAM user's access keys first and the user last; the admins' list and their override.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LegacyMigrationRecord, MigrationDone } from '../../src/access/migration-api.js';
import type { Outcome } from '../../src/access/api.js';
import { DAY } from '../../src/domain/duration.js';
import { formatDay } from '../../src/email/migration.js';
import { checkSeed, exampleSeed } from '../../src/emulator/seed.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { approvalCard } from '../../src/slack/blocks/approval-card.js';
import { migrationAnswer, waitingMigrationsMessage } from '../../src/slack/blocks/migration.js';
import { ACTION } from '../../src/slack/ids.js';
import {
  exampleConfig,
  PEOPLE,
  startAccessHarness,
  type AccessHarness,
  type HarnessOptions,
} from '../support/access-harness.js';
import { testCredentials } from '../support/aws-clients.js';
import { FakeSlackPeople } from '../support/recording-notifier.js';

let h: AccessHarness | undefined;
let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  await emulator?.close();
  emulator = undefined;
});

const KIM = 'kim.leaver@example.com';
const BRUNO = 'bruno.costa@example.com';
const LENA = 'lena.lead@example.com';
/** Bruno is not under `people:` in the config: Slack knows him by his profile email. */
const BRUNO_SLACK = 'U0000BRUNO';
/** Lena's second Slack account (a guest account in another workspace, say), with the same profile email. */
const LENA_TOO = 'U0000LENA2';

const slackPeople = () => new FakeSlackPeople({ [BRUNO_SLACK]: BRUNO, [LENA_TOO]: LENA });

function harness(options: HarnessOptions = {}): Promise<AccessHarness> {
  return startAccessHarness({ people: slackPeople(), ...options });
}

/** The example organisation, where Lena (a lead, so an approver) has a legacy IAM user too. */
async function withLenasIamUser(): Promise<RunningEmulator> {
  const seed = exampleSeed();
  emulator = await startEmulator({
    credentials: [testCredentials],
    rateLimits: false,
    faults: { provisioningDelayMs: 40 },
    seed: checkSeed({
      ...seed,
      legacyIamUsers: [...seed.legacyIamUsers, { userName: LENA, accessKeys: [{ status: 'Active' }] }],
    }),
  });
  return emulator;
}

function value<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Error(`${outcome.code}: ${outcome.message}`);
  return outcome.value;
}

async function start(harness: AccessHarness, who: string): Promise<LegacyMigrationRecord> {
  const done = value(await harness.admin.startMigration(PEOPLE.ada, who));
  if (done.kind !== 'started') throw new Error(`started ${done.kind}`);
  return done.migration;
}

const press = (
  harness: AccessHarness,
  button: 'confirm' | 'help',
  m: LegacyMigrationRecord,
  slackUserId: string,
) => {
  const input = { migrationId: m.id, slackUserId, ...(m.dm !== null ? { message: m.dm } : {}) };
  return button === 'confirm' ? harness.admin.confirmMigration(input) : harness.admin.askForHelp(input);
};

function confirmed(done: MigrationDone) {
  if (done.kind !== 'confirmed') throw new Error(`expected a confirmation, got ${done.kind}`);
  return done;
}

const iamCalls = (harness: AccessHarness) =>
  harness.emulator.calls
    .filter(
      (c) =>
        c.service === 'iam' &&
        c.errorCode === undefined &&
        /^(Delete|Remove|Deactivate|Detach)/.test(c.operation),
    )
    .map((c) => c.operation);

const audits = async (harness: AccessHarness, action: string) =>
  (await harness.ledger.listAudit({})).filter((e) => e.action === action);

describe('/access migrate, refused', () => {
  it('to someone who is not an admin: nothing is sent, recorded or listed', async () => {
    h = await harness();
    for (const outcome of [
      await h.admin.startMigration(PEOPLE.sam, KIM),
      await h.admin.waitingMigrations(PEOPLE.sam),
      await h.admin.requestLegacyRemoval(PEOPLE.sam, { who: KIM, reason: 'gone' }),
    ]) {
      expect(outcome).toMatchObject({ ok: false, code: 'not_admin' });
      expect(!outcome.ok && outcome.message).toContain('Only admins may');
    }
    expect(h.emulator.state.mailbox).toHaveLength(0);
    expect(await h.ledger.findLegacyMigrations({})).toEqual([]);
    expect(h.migrationMessages.personMessages).toEqual([]);
  });

  it('for someone with no Identity Center user: they could not sign in after moving', async () => {
    h = await harness();
    const outcome = await h.admin.startMigration(PEOPLE.ada, 'old-ci-bot@example.com');
    expect(outcome).toMatchObject({ ok: false, code: 'not_found' });
    expect(!outcome.ok && outcome.message).toContain('No Identity Center user has the email');
    expect(h.emulator.state.mailbox).toHaveLength(0);
  });

  it('for someone with no legacy IAM user: there is nothing to move away from', async () => {
    h = await harness();
    const outcome = await h.admin.startMigration(PEOPLE.ada, 'sam.dev@example.com');
    expect(outcome).toMatchObject({ ok: false, code: 'not_found' });
    expect(!outcome.ok && outcome.message).toContain('has no legacy IAM user');
    expect(h.emulator.state.mailbox).toHaveLength(0);
  });

  it('for someone Slack does not know: they could not confirm, so no email goes', async () => {
    h = await startAccessHarness();
    const outcome = await h.admin.startMigration(PEOPLE.ada, BRUNO);
    expect(outcome).toMatchObject({ ok: false, code: 'identity_unknown' });
    expect(!outcome.ok && outcome.message).toContain('I cannot find bruno.costa@example.com in Slack');
    expect(h.emulator.state.mailbox).toHaveLength(0);
    expect(await h.ledger.findLegacyMigrations({})).toEqual([]);
  });

  it('for an IAM user outside legacyIam.path, before any email, and for its removal too', async () => {
    h = await harness({ config: exampleConfig((y) => y.replace('  path: /\n', '  path: /legacy/\n')) });
    const outcome = await h.admin.startMigration(PEOPLE.ada, KIM);
    expect(outcome).toMatchObject({ ok: false, code: 'outside_legacy_path' });
    expect(!outcome.ok && outcome.message).toContain('outside legacyIam.path /legacy/');
    expect(!outcome.ok && outcome.message).toContain('no migration email was sent');
    const removal = await h.admin.requestLegacyRemoval(PEOPLE.ada, { who: KIM, reason: 'left the company' });
    expect(removal).toMatchObject({ ok: false, code: 'outside_legacy_path' });
    expect(h.emulator.state.mailbox).toHaveLength(0);
    expect(await h.ledger.findRequests({})).toEqual([]);
    expect(h.emulator.state.iamUsers.has(KIM)).toBe(true);
  });

  it('when SES refuses the email for good, saying why; once that is fixed, a new command sends it', async () => {
    h = await harness({
      config: exampleConfig((y) => y.replace('from: aws-access@example.com', 'from: noreply@example.com')),
    });
    const refused = await h.admin.startMigration(PEOPLE.ada, KIM);
    expect(refused).toMatchObject({ ok: false, code: 'aws_unavailable' });
    expect(!refused.ok && refused.message).toContain('SES did not send the migration email');
    expect(!refused.ok && refused.message).toContain('not verified');
    expect(h.migrationMessages.personMessages).toEqual([]);
    expect(value(await h.admin.waitingMigrations(PEOPLE.ada))).toEqual([]);

    h.emulator.state.verifiedIdentities.add('noreply@example.com');
    const sent = await start(h, KIM);
    expect(sent.emailedAt).not.toBeNull();
    expect(h.emulator.state.mailbox).toHaveLength(1);
  });

  it('a second time for someone already waiting: one email, and the admin is told who sent it', async () => {
    h = await harness();
    const first = await start(h, KIM);
    const again = await h.admin.startMigration(PEOPLE.ada, PEOPLE.kim);
    expect(again).toMatchObject({ ok: false, code: 'already_requested' });
    expect(!again.ok && again.message).toContain(
      `<@${PEOPLE.ada}> sent kim.leaver@example.com the migration email`,
    );
    expect(!again.ok && again.message).toContain(first.id);
    expect(h.emulator.state.mailbox).toHaveLength(1);
  });
});

describe('the person’s buttons, refused', () => {
  it('to someone else pressing them, saying so: nothing is confirmed, asked or told', async () => {
    h = await harness();
    const m = await start(h, KIM);
    for (const button of ['confirm', 'help'] as const) {
      const outcome = await press(h, button, m, PEOPLE.sam);
      expect(outcome).toMatchObject({ ok: false, code: 'not_yours' });
      expect(!outcome.ok && outcome.message).toContain(`Only <@${PEOPLE.kim}> can answer this`);
    }
    expect(await h.ledger.getLegacyMigration(m.id)).toMatchObject({ confirmedAt: null, helpAskedAt: null });
    expect(await h.ledger.findRequests({})).toEqual([]);
    expect(h.migrationMessages.adminsTold).toEqual([]);
  });

  it('to an admin pressing them, who is told how to remove the IAM user without the confirmation', async () => {
    h = await harness();
    const m = await start(h, KIM);
    const outcome = await press(h, 'confirm', m, PEOPLE.ada);
    expect(outcome).toMatchObject({ ok: false, code: 'not_yours' });
    expect(!outcome.ok && outcome.message).toContain(
      '/access migrate remove kim.leaver@example.com --reason',
    );
    expect(await h.ledger.findRequests({})).toEqual([]);
    expect(await audits(h, 'migration.confirmed')).toEqual([]);
  });

  it('when the value is tampered with: another migration, another message, or none at all', async () => {
    h = await harness();
    const kims = await start(h, KIM);
    const brunos = await start(h, BRUNO);
    // Kim's message, with Bruno's migration in the button.
    const swapped = await h.admin.confirmMigration({
      migrationId: brunos.id,
      slackUserId: PEOPLE.kim,
      message: kims.dm!,
    });
    expect(swapped).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(!swapped.ok && swapped.message).toContain('does not belong to this message');
    // Bruno's migration on Bruno's message, pressed by Kim.
    expect(await press(h, 'confirm', brunos, PEOPLE.kim)).toMatchObject({ ok: false, code: 'not_yours' });
    // Kim's own migration, on Bruno's message.
    const elsewhere = await h.admin.askForHelp({
      migrationId: kims.id,
      slackUserId: PEOPLE.kim,
      message: brunos.dm!,
    });
    expect(elsewhere).toMatchObject({ ok: false, code: 'invalid_input' });
    const unknown = await h.admin.confirmMigration({ migrationId: 'M-NOSUCH00', slackUserId: PEOPLE.kim });
    expect(unknown).toMatchObject({ ok: false, code: 'invalid_input' });
    for (const m of [kims, brunos]) {
      expect(await h.ledger.getLegacyMigration(m.id)).toMatchObject({ confirmedAt: null, helpAskedAt: null });
    }
    expect(await h.ledger.findRequests({})).toEqual([]);
  });
});

describe('the removal of a legacy IAM user, refused', () => {
  it('without the person’s confirmation and without a reason, saying they have not confirmed', async () => {
    h = await harness();
    await start(h, KIM);
    const outcome = await h.admin.requestLegacyRemoval(PEOPLE.ada, { who: KIM });
    expect(outcome).toMatchObject({ ok: false, code: 'reason_required' });
    expect(!outcome.ok && outcome.message).toContain('kim.leaver@example.com has not confirmed');
    expect(!outcome.ok && outcome.message).toContain('--reason');
    const never = await h.admin.requestLegacyRemoval(PEOPLE.ada, { who: BRUNO, reason: '  ' });
    expect(never).toMatchObject({ ok: false, code: 'reason_required' });
    expect(!never.ok && never.message).toContain('no migration email was sent');
    expect(await h.ledger.findRequests({})).toEqual([]);
    expect(h.emulator.state.iamUsers.has(KIM)).toBe(true);
  });

  it('for approval by the person it is about, by any of their Slack accounts', async () => {
    h = await harness({
      emulator: await withLenasIamUser(),
      config: exampleConfig((y) =>
        y.replace('leads: [U0000LEAD1, U0000LEAD2]', `leads: [U0000LEAD1, U0000LEAD2, ${LENA_TOO}]`),
      ),
    });
    const m = await start(h, LENA);
    const removal = confirmed(value(await press(h, 'confirm', m, PEOPLE.lena))).removal!;
    expect(removal.request.approvers).not.toContain(PEOPLE.lena);
    for (const approver of [PEOPLE.lena, LENA_TOO]) {
      const outcome = await h.service.approve(removal.request.id, approver);
      expect(outcome).toMatchObject({ ok: false, code: 'own_request' });
      expect(!outcome.ok && outcome.message).toContain('it is about you');
    }
    // Nor the admin who sent the email: they asked for it.
    expect(await h.service.approve(removal.request.id, PEOPLE.ada)).toMatchObject({
      ok: false,
      code: 'own_request',
    });
    expect((await h.service.view(removal.request.id))?.request.status).toBe('pending');
    await h.drain();
    expect(h.emulator.state.iamUsers.has(LENA)).toBe(true);
  });

  it('when no rule says who approves it: the confirmation stands, and nothing is removed', async () => {
    const config = exampleConfig((y) =>
      y
        .replace(
          '  - match: {}\n    approvers: [leads]',
          '  - match: { kinds: [access, extend] }\n    approvers: [leads]',
        )
        .replace(/\n {2}- match: \{ kinds: \[legacy_removal\] \}\n {4}approvers: \[leads, admins\]\n/, '\n'),
    );
    h = await harness({ config });
    const m = await start(h, KIM);
    const done = confirmed(value(await press(h, 'confirm', m, PEOPLE.kim)));
    expect(done.removal).toBeUndefined();
    expect(done.removalProblem).toBeDefined();
    expect(migrationAnswer({ ok: true, value: done }).text).toContain('Thanks');
    expect(await h.ledger.getLegacyMigration(m.id)).toMatchObject({ confirmedBy: PEOPLE.kim });
    const forced = await h.admin.requestLegacyRemoval(PEOPLE.ada, { who: KIM, reason: 'left' });
    expect(forced.ok).toBe(false);
    expect(await h.ledger.findRequests({})).toEqual([]);
    expect(h.emulator.state.iamUsers.has(KIM)).toBe(true);
  });
});

describe('the IAM-to-SSO migration', () => {
  it('emails the person once, with no link to confirm, and sends them a message with both buttons', async () => {
    h = await harness();
    const m = await start(h, 'Kim.Leaver@example.com');
    expect(m).toMatchObject({
      email: KIM,
      slackUserId: PEOPLE.kim,
      iamUserName: KIM,
      startedBy: PEOPLE.ada,
      emailedAt: h.clock.now(),
    });
    expect(h.emulator.state.mailbox).toHaveLength(1);
    const mail = h.emulator.state.mailbox[0]!;
    expect(mail).toMatchObject({
      MessageId: m.messageId,
      from: 'aws-access@example.com',
      to: [KIM],
      cc: ['it@example.com'],
    });
    const day = formatDay(new Date(h.clock.now().getTime() + 14 * DAY));
    for (const part of [mail.text!, mail.html!]) {
      expect(part).toContain(`Please confirm by ${day}`);
      expect(part).toContain('SSO works for me');
      expect(part).toContain('https://example.awsapps.com/start');
      expect(part).toContain('aws configure sso');
    }
    expect(mail.html!.match(/<a /g)).toHaveLength(1);

    expect(h.migrationMessages.personMessages).toHaveLength(1);
    const dm = h.migrationMessages.personMessages[0]!;
    expect(dm).toMatchObject({ to: PEOPLE.kim, updated: false });
    expect(m.dm).toEqual(dm.ref);
    const shown = JSON.stringify(dm.message.blocks);
    expect(shown).toContain(ACTION.migrationConfirm);
    expect(shown).toContain(ACTION.migrationHelp);
    expect(shown).toContain(`"block_id":"migration:${m.id}"`);

    expect(await audits(h, 'email.migration_sent')).toMatchObject([
      { actor: PEOPLE.ada, details: { to: KIM, migrationId: m.id, messageId: m.messageId } },
    ]);
    // Nothing of the IAM user goes before they confirm.
    expect(await h.ledger.findRequests({})).toEqual([]);
    await h.drain();
    expect(h.emulator.state.iamUsers.get(KIM)?.accessKeys).toHaveLength(2);
  });

  it('reaches someone by the email on their Slack profile, or by the @name the admin gives', async () => {
    h = await harness();
    const byEmail = await start(h, BRUNO);
    expect(byEmail.slackUserId).toBe(BRUNO_SLACK);
    expect(h.migrationMessages.personMessages.map((p) => p.to)).toEqual([BRUNO_SLACK]);
    h.emulator.state.mailbox.length = 0;
    await h.close();
    h = await harness();
    const byName = await start(h, BRUNO_SLACK);
    expect(byName).toMatchObject({ email: BRUNO, slackUserId: BRUNO_SLACK });
  });

  it('sends the email once when the recorded command runs again, and never twice', async () => {
    h = await harness();
    const click = await h.clicks.record({
      action: 'migration',
      userId: PEOPLE.ada,
      migration: { kind: 'start', who: KIM },
    });
    const first = value(await h.clicks.runMigration(click));
    const again = value(await h.admin.startMigration(PEOPLE.ada, KIM, click.id));
    if (first.kind !== 'started' || again.kind !== 'started') throw new Error('not started');
    expect(again.migration.id).toBe(first.migration.id);
    expect(h.emulator.state.mailbox).toHaveLength(1);
    expect(h.migrationMessages.personMessages).toHaveLength(1);
    expect(await h.ledger.findLegacyMigrations({})).toHaveLength(1);
  });

  it('confirmed by the person: recorded with who, a removal request names them, and once approved the access keys go first, then the user', async () => {
    h = await harness();
    const m = await start(h, KIM);
    const done = confirmed(value(await press(h, 'confirm', m, PEOPLE.kim)));
    const removal = done.removal!;
    expect(removal.request).toMatchObject({
      kind: 'legacy_removal',
      status: 'pending',
      requesterSlackId: PEOPLE.ada,
      details: {
        confirmedBy: PEOPLE.kim,
        legacyIamUserName: KIM,
        subject: { email: KIM, slackUserId: PEOPLE.kim },
      },
    });
    expect(removal.request.details.override).toBeUndefined();
    expect(await audits(h, 'migration.confirmed')).toMatchObject([
      { actor: PEOPLE.kim, details: { migrationId: m.id, by: PEOPLE.kim } },
    ]);
    expect(await h.ledger.getLegacyMigration(m.id)).toMatchObject({
      confirmedBy: PEOPLE.kim,
      confirmedAt: h.clock.now(),
      removalRequestId: removal.request.id,
    });
    // Pressed twice (a double click, a replay): one confirmation, one request.
    const twice = confirmed(value(await press(h, 'confirm', m, PEOPLE.kim)));
    expect(twice.removal?.request.id).toBe(removal.request.id);
    expect(await audits(h, 'migration.confirmed')).toHaveLength(1);
    expect(await h.ledger.findRequests({ kinds: ['legacy_removal'] })).toHaveLength(1);

    // The person's message loses its buttons and says what follows; the card names who confirmed.
    const message = h.migrationMessages.lastFor(m.id)!;
    expect(message.updated).toBe(true);
    expect(JSON.stringify(message.message.blocks)).not.toContain(ACTION.migrationConfirm);
    expect(JSON.stringify(message.message.blocks)).toContain(removal.request.id);
    await h.drain();
    const card = approvalCard(h.notifier.lastCard(removal.request.id)!.view);
    expect(JSON.stringify(card.blocks)).toContain(`*Confirmed by*\\n<@${PEOPLE.kim}>`);
    expect(h.emulator.state.iamUsers.has(KIM)).toBe(true);
    // The audit channel has a line for the confirmation, by the person.
    expect(h.notifier.auditLines.map((l) => l.line)).toContainEqual(
      expect.objectContaining({ kind: 'decision', bySlackId: PEOPLE.kim, forEmail: KIM }),
    );

    const approved = await h.service.approve(removal.request.id, PEOPLE.lena);
    expect(approved.ok).toBe(true);
    await h.drain();
    const view = await h.service.view(removal.request.id);
    expect(view?.request.status).toBe('completed');
    expect(h.emulator.state.iamUsers.has(KIM)).toBe(false);
    const calls = iamCalls(h);
    expect(calls.slice(0, 2)).toEqual(['DeleteAccessKey', 'DeleteAccessKey']);
    expect(calls.at(-1)).toBe('DeleteUser');
    expect(view?.request.details.steps).toMatchObject([{ kind: 'legacy_iam_cleanup', status: 'done' }]);
  });

  it('“I need help” tells the admin who sent the email, naming the person, and tells the person so', async () => {
    h = await harness();
    const m = await start(h, KIM);
    const outcome = await press(h, 'help', m, PEOPLE.kim);
    expect(value(outcome)).toMatchObject({ kind: 'help_asked', migration: { helpAskedBy: PEOPLE.kim } });
    expect(migrationAnswer(outcome).text).toBe('The admin was told that you need help');
    expect(JSON.stringify(migrationAnswer(outcome).blocks)).toContain(`<@${PEOPLE.ada}> was told`);
    expect(h.migrationMessages.adminsTold).toHaveLength(1);
    const told = h.migrationMessages.adminsTold[0]!;
    expect(told.to).toBe(PEOPLE.ada);
    expect(JSON.stringify(told.message.blocks)).toContain(`<@${PEOPLE.kim}>`);
    expect(JSON.stringify(told.message.blocks)).toContain('kim.leaver@example.com');
    expect(await audits(h, 'migration.help_asked')).toMatchObject([
      { actor: PEOPLE.kim, details: { migrationId: m.id, admin: PEOPLE.ada } },
    ]);
    // Asked again: the admin is not told twice. The buttons stay, and the person may confirm later.
    await press(h, 'help', m, PEOPLE.kim);
    expect(h.migrationMessages.adminsTold).toHaveLength(1);
    expect(JSON.stringify(h.migrationMessages.lastFor(m.id)!.message.blocks)).toContain(
      ACTION.migrationConfirm,
    );
    expect(confirmed(value(await press(h, 'confirm', m, PEOPLE.kim))).removal).toBeDefined();
  });

  it('lists who is still waiting, privately to the admin: who confirmed and when, who asked for help', async () => {
    h = await harness();
    expect(value(await h.admin.waitingMigrations(PEOPLE.ada))).toEqual([]);
    const kim = await start(h, KIM);
    h.clock.advance(60_000);
    const bruno = await start(h, BRUNO);
    const removal = confirmed(value(await press(h, 'confirm', kim, PEOPLE.kim))).removal!;
    await press(h, 'help', bruno, BRUNO_SLACK);

    const waiting = value(await h.admin.waitingMigrations(PEOPLE.ada));
    expect(waiting).toMatchObject([
      {
        migration: { id: kim.id, confirmedBy: PEOPLE.kim, confirmedAt: h.clock.now() },
        removal: { id: removal.request.id, status: 'pending' },
      },
      { migration: { id: bruno.id, confirmedAt: null, helpAskedBy: BRUNO_SLACK } },
    ]);
    const text = JSON.stringify(waitingMigrationsMessage(waiting).blocks);
    expect(text).toContain(`confirmed by <@${PEOPLE.kim}>`);
    expect(text).toContain(`<@${BRUNO_SLACK}> asked for help`);
    expect(text).toContain('not confirmed yet');

    // Once Kim's IAM user is removed, only Bruno waits.
    await h.service.approve(removal.request.id, PEOPLE.lena);
    await h.drain();
    expect(value(await h.admin.waitingMigrations(PEOPLE.ada)).map((w) => w.migration.id)).toEqual([bruno.id]);
  });

  it('removes an IAM user without the confirmation when an admin says why, recorded as an override', async () => {
    h = await harness();
    const m = await start(h, BRUNO);
    const removal = value(
      await h.admin.requestLegacyRemoval(PEOPLE.ada, {
        who: BRUNO,
        reason: 'left in May; keys unused for 90 days',
      }),
    );
    expect(removal.request).toMatchObject({
      kind: 'legacy_removal',
      requesterSlackId: PEOPLE.ada,
      reason: 'left in May; keys unused for 90 days',
      details: { override: { bySlackId: PEOPLE.ada, reason: 'left in May; keys unused for 90 days' } },
    });
    expect(removal.request.details.confirmedBy).toBeUndefined();
    expect(await h.ledger.getLegacyMigration(m.id)).toMatchObject({ removalRequestId: removal.request.id });
    await h.drain();
    const card = JSON.stringify(approvalCard(h.notifier.lastCard(removal.request.id)!.view).blocks);
    expect(card).toContain('Not confirmed');
    expect(card).toContain('left in May');
    // A second removal of the same person while this one waits is refused.
    const again = await h.admin.requestLegacyRemoval(PEOPLE.ada, { who: BRUNO, reason: 'again' });
    expect(again).toMatchObject({ ok: false, code: 'already_requested' });

    await h.service.approve(removal.request.id, PEOPLE.leo);
    await h.drain();
    expect((await h.service.view(removal.request.id))?.request.status).toBe('completed');
    expect(h.emulator.state.iamUsers.has(BRUNO)).toBe(false);
    expect(iamCalls(h)).toEqual(['DeleteAccessKey', 'DetachUserPolicy', 'DeleteUser']);
  });
});

describe('a migrate command recorded before its ack', () => {
  const LEASE = 60_000;
  const dbFile = (): string => path.join(mkdtempSync(path.join(tmpdir(), 'access-desk-')), 'ledger.sqlite');

  it('is carried out once after a crash that came before anything of it ran, and the admin is told', async () => {
    const first = await harness({ dbPath: dbFile() });
    const responseUrl = 'https://hooks.slack.com/commands/T0/1/abc';
    await first.clicks.record({
      action: 'migration',
      userId: PEOPLE.ada,
      migration: { kind: 'start', who: KIM },
      responseUrl,
    });
    h = await first.restart({ people: slackPeople() });
    h.clock.advance(LEASE + 1);
    await h.scheduler.tick();
    await h.drain();
    expect(h.emulator.state.mailbox).toHaveLength(1);
    expect(h.migrationMessages.personMessages).toHaveLength(1);
    expect(h.clickAnswers.answers).toHaveLength(1);
    expect(h.clickAnswers.answers[0]).toMatchObject({ click: { userId: PEOPLE.ada, responseUrl } });
    expect(h.clickAnswers.answers[0]!.message.text).toBe(`Sent the IAM-to-SSO migration email to ${KIM}`);
    expect(await h.ledger.findJobs({ kind: 'decide' })).toMatchObject([{ status: 'done' }]);
  });

  it('carries on after a crash that came after the email went: the message is sent, the email not again', async () => {
    const first = await harness({ dbPath: dbFile() });
    const click = await first.clicks.record({
      action: 'migration',
      userId: PEOPLE.ada,
      migration: { kind: 'start', who: KIM },
    });
    // Slack does not answer when the message is posted: the command stops there, its email sent.
    first.migrationMessages.failNext = true;
    await expect(first.clicks.runMigration(click)).rejects.toThrow('Slack did not answer');
    expect(first.emulator.state.mailbox).toHaveLength(1);

    h = await first.restart({ people: slackPeople() });
    h.clock.advance(LEASE + 1);
    await h.scheduler.tick();
    await h.drain();
    expect(h.emulator.state.mailbox).toHaveLength(1);
    expect(h.migrationMessages.personMessages).toHaveLength(1);
    const [m] = await h.ledger.findLegacyMigrations({});
    expect(m?.dm).toEqual(h.migrationMessages.personMessages[0]!.ref);
    expect(await audits(h, 'email.migration_sent')).toHaveLength(1);
  });
});
