/**
 * The workflow layer (issue 14), attacked from the outside: signed requests into the real Bolt App on loopback,
 * the local Identity Center, the PagerDuty stand-in, the ledger. Each test is one way around the rules that must
 * be refused — on-call approval carried to a time nobody checked, a second Slack account, a tampered button —
 * and says what the person is told.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateAccountAssignmentCommand } from '@aws-sdk/client-sso-admin';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/access/clock.js';
import { MINUTE } from '../../src/domain/duration.js';
import { ACTION } from '../../src/slack/ids.js';
import {
  startPagerDutyStandIn,
  type RunningPagerDutyStandIn,
  type StandInPerson,
} from '../../src/pagerduty/stand-in.js';
import { exampleConfig, startAccessHarness, type AccessHarness } from '../support/access-harness.js';
import { callsOf, groupsOf, identityCenterWrites } from '../support/admin-emulator.js';
import { sdkClients } from '../support/aws-clients.js';
import { withBreakGlass } from '../support/break-glass-config.js';
import {
  commandAnswer,
  pressButton,
  eventually,
  PEOPLE,
  startDesk,
  type DeskHarness,
} from '../support/desk-harness.js';
import { blockActionsBody, postToSlackEvents, waitFor, waitForResponse } from '../support/slack-requests.js';

const TOKEN = 'pd-attack-token';
/** A second Slack account of Jay's: not in `people:`, matched by its profile email. */
const JAY_AGAIN = 'U0000JAY02';
/** A second Slack account of Omar's: not in `people:`, matched by its profile email. */
const OMAR_AGAIN = 'U0000OMAR2';
/** A second Slack account of Lena's: not in `people:`, matched by a profile email differing only in case. */
const LENA_AGAIN = 'U0000LEAD9';
const OMAR = { email: 'omar.oncall@example.com', name: 'Omar Oncall' };

let h: DeskHarness | undefined;
let pd: RunningPagerDutyStandIn | undefined;
afterEach(async () => {
  await h?.close();
  await pd?.close();
  h = undefined;
  pd = undefined;
});

const text = (v: unknown): string => JSON.stringify(v);

let n = 0;
/** A signed `/access …` command; resolves with the ephemeral answer. */
const command = commandAnswer;

/** The example config with PagerDuty pointed at the stand-in, where Omar is on call in `production`. */
async function onCallDesk(
  options: Parameters<typeof startDesk>[0] = {},
  schedules: Record<string, StandInPerson[]> = { PSRE0NC: [OMAR] },
): Promise<DeskHarness> {
  pd = await startPagerDutyStandIn({ token: TOKEN, schedules });
  const url = pd.url;
  const edit = options.editConfig ?? ((y: string) => y);
  h = await startDesk({
    ...options,
    pagerdutyToken: TOKEN,
    editConfig: (yaml) =>
      edit(
        yaml.replace(
          '# pagerduty: { url: https://api.pagerduty.com }   # the default',
          `pagerduty: { url: '${url}' }`,
        ),
      ),
  });
  return h;
}

const onlyRequest = (harness: DeskHarness) =>
  eventually('the request in the ledger', async () => (await harness.desk.ledger.findRequests({}))[0]);

describe('on-call approval is for whoever is on call when the access starts', () => {
  it('never approves on call a request scheduled to start later: it goes to the approvers, saying why', async () => {
    const desk = await onCallDesk();
    const answer = await command(
      desk,
      PEOPLE.omar,
      'request ProductionSupport staging 2h at +2d next rota prep',
    );
    const request = await onlyRequest(desk);
    expect(request.status).toBe('pending');
    expect(request.requiredApprovals).toBe(1);
    expect(answer).toContain('went to the approvers');
    expect(answer).toMatch(/scheduled|start/i);
    expect(callsOf(desk.emulator, 'CreateAccountAssignment')).toEqual([]);
  });
});

describe('on-call approval is for whoever is on call at the moment of the request', () => {
  it('sends to the approvers a request from someone whose on-call shift ended an hour ago', async () => {
    // The desk's clock runs three hours ahead of PagerDuty's stand-in: only the moment the desk asks about (its
    // own, sent as since and until) can tell that Omar's shift is over; the stand-in's own now is inside it.
    const HOUR = 60 * MINUTE;
    const clock = new ManualClock(Date.now() + 3 * HOUR);
    const shift = {
      start: new Date(clock.now().getTime() - 9 * HOUR),
      end: new Date(clock.now().getTime() - HOUR),
    };
    const desk = await onCallDesk({ clock }, { PSRE0NC: [{ ...OMAR, ...shift }] });

    const answer = await command(desk, PEOPLE.omar, 'request ProductionSupport staging 2h checking a deploy');
    expect(answer).toContain('for approval');
    const request = await onlyRequest(desk);
    expect(request.status).toBe('pending');
    expect(callsOf(desk.emulator, 'CreateAccountAssignment')).toEqual([]);
    const asked = clock.now().toISOString();
    expect(pd!.calls.map((c) => [c.since, c.until])).toEqual([[asked, asked]]);
  });
});

/** A click on a button of a request's card, as `userId`; resolves with what the clicker alone was told. */
async function press(harness: DeskHarness, userId: string, actionId: string, value: string): Promise<string> {
  const id = await pressButton(harness, userId, actionId, value, { blockId: `decide:${value}` });
  return text((await waitForResponse(harness.slack, id)).body);
}

const threadReplies = (harness: DeskHarness) =>
  harness.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts !== undefined);

/**
 * Every request reminded after 30m and escalated to the admins after 2h; Lena has a second Slack account, in
 * the leads and in the admins.
 */
async function remindingDesk(clock: ManualClock): Promise<DeskHarness> {
  h = await startDesk({
    clock,
    slackUsers: { [LENA_AGAIN]: { email: 'LENA.Lead@Example.com', name: 'lena2' } },
    editConfig: (yaml) =>
      yaml
        .replace(
          '  - match: {}\n    approvers: [leads]\n',
          '  - match: {}\n    approvers: [leads]\n    remind: { after: 30m, escalateAfter: 2h, escalateTo: [admins] }\n',
        )
        .replace('leads: [U0000LEAD1, U0000LEAD2]', `leads: [U0000LEAD1, U0000LEAD2, ${LENA_AGAIN}]`)
        .replace('  admins: [U0000ADMIN]\n', `  admins: [U0000ADMIN, ${LENA_AGAIN}]\n`),
  });
  return h;
}

describe('on-call approval never reaches beyond what its rule covers', () => {
  it('sends to the approvers a request for two accounts when only one account’s rule approves on call', async () => {
    const desk = await onCallDesk({
      editConfig: (y) =>
        y.replace(
          '  - match: { kinds: [access, extend], permissionSets: [ProductionSupport] }\n    maxDuration: 8h\n',
          '  - match: { kinds: [access, extend], permissionSets: [ProductionSupport], accounts: [staging] }\n    maxDuration: 8h\n',
        ),
    });
    const answer = await command(
      desk,
      PEOPLE.omar,
      'request ProductionSupport staging,dev 2h checking a deploy',
    );
    expect(answer).toContain('for approval');
    const request = await onlyRequest(desk);
    expect(request.accounts.map((a) => a.alias).sort()).toEqual(['dev', 'staging']);
    expect(request.status).toBe('pending');
    expect(callsOf(desk.emulator, 'CreateAccountAssignment')).toEqual([]);
  });

  it('refuses an on-call grant extended beyond the rule’s longest, saying by how much it can still grow', async () => {
    const desk = await onCallDesk();
    await command(desk, PEOPLE.omar, 'request ProductionSupport staging 7h checking a deploy');
    const request = await onlyRequest(desk);
    await eventually('the on-call grant to be active', async () =>
      (await desk.desk.ledger.getRequest(request.id))?.status === 'active' ? true : undefined,
    );
    const answer = await command(desk, PEOPLE.omar, 'extend ProductionSupport staging 2h');
    expect(answer).toMatch(/8h/);
    expect(await desk.desk.ledger.findRequests({ kinds: ['extend'] })).toEqual([]);
  });
});

describe('reminders and escalation never reach the requester, by any Slack account', () => {
  it('never mentions the requester’s second Slack account in the reminder or the escalation', async () => {
    const clock = new ManualClock(Date.now());
    const desk = await remindingDesk(clock);
    await command(desk, PEOPLE.lena, 'request InsightsDeveloper staging 2h testing the release');
    const request = await onlyRequest(desk);
    expect(request.status).toBe('pending');

    clock.advance(31 * MINUTE);
    await desk.desk.scheduler.tick();
    const reminder = await waitFor('the reminder', () => threadReplies(desk)[0]);
    expect(text(reminder.args)).toContain(`<@${PEOPLE.leo}>`);
    expect(text(reminder.args)).not.toContain(LENA_AGAIN);

    clock.advance(2 * 60 * MINUTE);
    await desk.desk.scheduler.tick();
    const escalation = await waitFor('the escalation', () =>
      threadReplies(desk).find((c) => text(c.args).includes('Escalated to')),
    );
    expect(text(escalation.args)).toContain(`<@${PEOPLE.ada}>`);
    expect(text(escalation.args)).not.toContain(LENA_AGAIN);
    const audit = await desk.desk.ledger.listAudit({ requestId: request.id });
    expect(text(audit)).not.toContain(LENA_AGAIN);
  });

  it('refuses the requester’s second Slack account in the escalation group, once it escalated', async () => {
    const clock = new ManualClock(Date.now());
    const desk = await remindingDesk(clock);
    await command(desk, PEOPLE.lena, 'request InsightsDeveloper staging 2h testing the release');
    const request = await onlyRequest(desk);
    clock.advance(121 * MINUTE);
    await desk.desk.scheduler.tick();
    await waitFor('the escalation', () =>
      threadReplies(desk).find((c) => text(c.args).includes('Escalated to')),
    );

    expect(await press(desk, LENA_AGAIN, ACTION.approve, request.id)).toMatch(/same person|your own/);
    expect((await desk.desk.ledger.getRequest(request.id))?.status).toBe('pending');
    expect(await desk.desk.ledger.listApprovals(request.id)).toEqual([]);
  });
});

describe('break-glass never leaves a second grant of the same thing to be approved', () => {
  it('cancels the pending request for the same access made from the breaker’s second Slack account', async () => {
    h = await startDesk({
      editConfig: withBreakGlass(),
      slackUsers: { [OMAR_AGAIN]: { email: 'Omar.Oncall@example.com', name: 'omar2' } },
    });
    await command(h, OMAR_AGAIN, 'request AdministratorAccess prod 1h INC-4711 payments down');
    const pending = await onlyRequest(h);
    expect(pending.status).toBe('pending');

    const answer = await command(
      h,
      PEOPLE.omar,
      'breakglass AdministratorAccess prod 1h INC-4711 payments down',
    );
    expect(answer).toContain('at once');
    expect((await h.desk.ledger.getRequest(pending.id))?.status).toBe('cancelled');
    expect(await press(h, PEOPLE.lena, ACTION.approve, pending.id)).toMatch(/cancelled|no longer/);
    expect(await h.desk.ledger.listApprovals(pending.id)).toEqual([]);
  });
});

describe('a ticket pattern never runs long on what a requester types', () => {
  // A pattern an admin may well write, which backtracks a lot on a long run of letters: the text it runs on is
  // the requester's, so it must be bounded whatever the pattern.
  const SLOW = (yaml: string): string =>
    yaml.replace(
      '  - match: { permissionSets: [SecurityAdmin] }\n    approvers: [security]\n',
      "  - match: { permissionSets: [SecurityAdmin] }\n    approvers: [security]\n    requireTicket: { pattern: '[A-Z]*[A-Z]*[A-Z]*[A-Z]*[A-Z]*-[0-9]+', url: 'https://tracker.example.com/browse/{ticket}' }\n",
    );

  it('refuses at once a reason made to make the pattern backtrack, saying a ticket is needed', async () => {
    h = await startDesk({ editConfig: SLOW });
    expect(h.desk.service.requestOptions().ticketPatterns).toHaveLength(1);
    const answer = await command(h, PEOPLE.sam, `request SecurityAdmin dev 1h ${'A'.repeat(480)}`);
    expect(answer).toContain('needs a ticket');
    expect(await h.desk.ledger.findRequests({})).toEqual([]);

    const found = await command(h, PEOPLE.sam, 'request SecurityAdmin dev 1h rotating keys for SEC-42');
    expect(found).toMatch(/R-[0-9A-Z]{8}/);
  }, 20_000);
});

describe('scheduled access is judged again at its start, approvals included', () => {
  let a: AccessHarness | undefined;
  afterEach(async () => {
    await a?.close();
    a = undefined;
  });

  /** Sam's SeniorDeveloper on dev, 2h from an hour on, approved by Lena; then the desk restarts with `edit`. */
  async function approvedThenRulesChange(edit: (yaml: string) => string): Promise<string> {
    a = await startAccessHarness({ dbPath: path.join(mkdtempSync(path.join(tmpdir(), 'wa-')), 'ledger.db') });
    const asked = await a.service.submitAccessRequest({
      requesterSlackId: PEOPLE.sam,
      permissionSet: 'SeniorDeveloper',
      accounts: ['dev'],
      reason: 'testing the release',
      when: '+1h',
    });
    if (!asked.ok) throw new Error(asked.message);
    const id = asked.value.request.id;
    expect(await a.service.approve(id, PEOPLE.lena)).toMatchObject({ ok: true });
    await a.drain();
    expect((await a.ledger.getRequest(id))?.status).toBe('scheduled');
    a = await a.restart({ config: exampleConfig(edit) });
    a.clock.advance(61 * MINUTE);
    await a.drain();
    return id;
  }

  it('refuses at the start access approved by someone who is no longer an approver of it', async () => {
    const id = await approvedThenRulesChange((y) =>
      y.replace('leads: [U0000LEAD1, U0000LEAD2]', 'leads: [U0000LEAD2]'),
    );
    const request = await a!.ledger.getRequest(id);
    expect(request?.status).toBe('failed');
    expect(text(request?.details.startRefused)).toMatch(/approv/);
    expect(text(request?.details.startRefused)).toContain(`<@${PEOPLE.leo}>`);
    expect(await a!.ledger.findGrants({ requestId: id })).toEqual([]);
    expect(callsOf(a!.emulator, 'CreateAccountAssignment')).toEqual([]);
  });

  it('refuses at the start access the rules now want more approvals for than it got', async () => {
    const id = await approvedThenRulesChange((y) =>
      y.replace(
        '  - match: {}\n    approvers: [leads]\n',
        '  - match: {}\n    approvers: [leads]\n    approvals: 2\n',
      ),
    );
    const request = await a!.ledger.getRequest(id);
    expect(request?.status).toBe('failed');
    expect(text(request?.details.startRefused)).toMatch(/2 approvals/);
    expect(callsOf(a!.emulator, 'CreateAccountAssignment')).toEqual([]);
  });

  it('refuses at the start a group membership approved by someone who is no longer an approver of it', async () => {
    a = await startAccessHarness({ dbPath: path.join(mkdtempSync(path.join(tmpdir(), 'wa-')), 'ledger.db') });
    const asked = await a.service.submitAccessRequest({
      requesterSlackId: PEOPLE.jay,
      permissionSet: '',
      accounts: [],
      group: 'ReadOnly',
      duration: { kind: 'for', ms: 2 * 60 * MINUTE },
      reason: 'reading the prod logs',
      when: '+1h',
    });
    if (!asked.ok) throw new Error(asked.message);
    const id = asked.value.request.id;
    expect(await a.service.approve(id, PEOPLE.lena)).toMatchObject({ ok: true });
    await a.drain();
    expect((await a.ledger.getRequest(id))?.status).toBe('scheduled');
    a = await a.restart({
      config: exampleConfig((y) => y.replace('leads: [U0000LEAD1, U0000LEAD2]', 'leads: [U0000LEAD2]')),
    });
    a.clock.advance(61 * MINUTE);
    await a.drain();

    const request = await a.ledger.getRequest(id);
    expect(request?.status).toBe('failed');
    expect(text(request?.details.startRefused)).toContain(`<@${PEOPLE.leo}>`);
    expect(await a.ledger.findGrants({ requestId: id })).toEqual([]);
    expect(callsOf(a.emulator, 'CreateGroupMembership')).toEqual([]);
  });

  it('refuses the approval of a group membership the rules now want more approvals for than its card said', async () => {
    a = await startAccessHarness({ dbPath: path.join(mkdtempSync(path.join(tmpdir(), 'wa-')), 'ledger.db') });
    const asked = await a.service.submitAccessRequest({
      requesterSlackId: PEOPLE.jay,
      permissionSet: '',
      accounts: [],
      group: 'ReadOnly',
      duration: { kind: 'for', ms: 2 * 60 * MINUTE },
      reason: 'reading the prod logs',
    });
    if (!asked.ok) throw new Error(asked.message);
    const id = asked.value.request.id;
    expect(asked.value.request.requiredApprovals).toBe(1);
    a = await a.restart({
      config: exampleConfig((y) =>
        y.replace(
          '  - match: {}\n    approvers: [leads]\n',
          '  - match: {}\n    approvers: [leads]\n    approvals: 2\n',
        ),
      ),
    });

    const answer = await a.service.approve(id, PEOPLE.lena);
    expect(answer).toMatchObject({ ok: false });
    expect(!answer.ok && answer.message).toMatch(/2 approvals/);
    expect(!answer.ok && answer.message).toMatch(/ask again/);
    expect(await a.ledger.listApprovals(id)).toEqual([]);
    expect((await a.ledger.getRequest(id))?.status).toBe('pending');
  });

  it('still starts when the rules are as they were', async () => {
    const id = await approvedThenRulesChange((y) => y);
    await eventually('the access to be active', async () =>
      (await a!.ledger.getRequest(id))?.status === 'active' ? true : (await a!.drain(), undefined),
    );
  });
});

describe('break-glass follows the most specific rule that speaks of it', () => {
  // A general rule lets on call break glass for full admin anywhere; a more specific one keeps prod to the leads.
  const PROD_TO_LEADS = (yaml: string): string =>
    withBreakGlass()(yaml)
      .replace(
        '  - match: { kinds: [access], permissionSets: [AdministratorAccess], accounts: [prod, staging] }\n    breakGlass: { who: [oncall], maxDuration: 1h }\n',
        '  - match: { kinds: [access], permissionSets: [AdministratorAccess] }\n    breakGlass: { who: [oncall], maxDuration: 1h }\n',
      )
      .replace(
        'breakGlass: { who: [oncall], maxDuration: 1h, perDay: 1 }',
        'breakGlass: { who: [leads], maxDuration: 1h, perDay: 1 }',
      );

  it('refuses Omar on prod, which a more specific rule keeps to the leads, though a general rule names on call', async () => {
    h = await startDesk({ editConfig: PROD_TO_LEADS });
    const answer = await command(
      h,
      PEOPLE.omar,
      'breakglass AdministratorAccess prod 1h INC-4711 payments down',
    );
    expect(answer).toMatch(/Only \*leads\* may break glass/);
    expect(answer).toContain('/access request AdministratorAccess prod');
    expect(await h.desk.ledger.findRequests({})).toEqual([]);
    expect(callsOf(h.emulator, 'CreateAccountAssignment')).toEqual([]);

    // Where only the general rule speaks, on call may.
    const staging = await command(
      h,
      PEOPLE.omar,
      'breakglass AdministratorAccess staging 1h INC-4711 payments down',
    );
    expect(staging).toContain('at once');
  });
});

describe('one person asks for the same thing once, whichever Slack account asks', () => {
  it('refuses a second request for the same access from another Slack account of the same person', async () => {
    h = await startDesk({ slackUsers: { [JAY_AGAIN]: { email: 'Jay.Junior@example.com', name: 'jay2' } } });
    expect(await command(h, PEOPLE.jay, 'request InsightsDeveloper staging 2h dashboards')).toMatch(
      /R-[0-9A-Z]{8}/,
    );
    const first = await onlyRequest(h);

    const again = await command(h, JAY_AGAIN, 'request InsightsDeveloper staging 2h dashboards');
    expect(again).toContain(
      `You already asked for InsightsDeveloper on staging from your other Slack account <@${PEOPLE.jay}> (${first.id}, pending)`,
    );
    expect(await h.desk.ledger.findRequests({})).toHaveLength(1);
  });

  it('refuses a second request for the same group from another Slack account of the same person', async () => {
    h = await startDesk({ slackUsers: { [JAY_AGAIN]: { email: 'jay.junior@EXAMPLE.com', name: 'jay2' } } });
    expect(await command(h, PEOPLE.jay, 'request group:ReadOnly 2h reading the prod logs')).toMatch(
      /R-[0-9A-Z]{8}/,
    );
    const first = await onlyRequest(h);

    const again = await command(h, JAY_AGAIN, 'request group:ReadOnly 2h reading the prod logs');
    expect(again).toContain(`(${first.id}, pending)`);
    expect(await h.desk.ledger.findRequests({})).toHaveLength(1);
  });
});

describe('break-glass never asks the breaker to review it, by any Slack account', () => {
  it('neither names nor tells the breaker’s second Slack account, found by its profile email', async () => {
    h = await startDesk({
      editConfig: withBreakGlass({ leads: [PEOPLE.lena, PEOPLE.leo, LENA_AGAIN] }),
      slackUsers: { [LENA_AGAIN]: { email: 'LENA.Lead@Example.com', name: 'lena2' } },
    });
    const answer = await command(
      h,
      PEOPLE.lena,
      'breakglass AdministratorAccess prod 1h INC-4711 payments down',
    );
    expect(answer).toContain('at once');
    const request = await onlyRequest(h);
    expect(request.approvers).not.toContain(LENA_AGAIN);
    await waitFor('Leo to be told', () =>
      h!.slack
        .callsTo('chat.postMessage')
        .find((c) => c.args.channel === `D${PEOPLE.leo.slice(1)}` && text(c.args).includes(request.id)),
    );
    const toHerself = h.slack
      .callsTo('chat.postMessage')
      .filter(
        (c) =>
          (c.args.channel === `D${LENA_AGAIN.slice(1)}` || c.args.channel === LENA_AGAIN) &&
          text(c.args).includes(request.id),
      );
    expect(toHerself).toEqual([]);
  });
});

describe('a group membership is never put to the requester’s second Slack account', () => {
  it('leaves the requester’s second Slack account out of the approvers of their group membership', async () => {
    h = await startDesk({
      editConfig: (y) => y.replace('  finance: [U0000FIN01]\n', `  finance: [U0000FIN01, ${LENA_AGAIN}]\n`),
      slackUsers: { [LENA_AGAIN]: { email: 'LENA.Lead@Example.com', name: 'lena2' } },
    });
    const answer = await command(h, PEOPLE.lena, 'request group:Billing 2h checking the invoices');
    expect(answer).toMatch(/R-[0-9A-Z]{8}/);
    const request = await onlyRequest(h);
    expect(request.approvers).toEqual([PEOPLE.fiona]);
  });
});

/**
 * Gives group `groupName` `permissionSet` on account `alias` through the local Identity Center's own API, as an
 * admin in the AWS console would, and waits until AWS lists it.
 */
async function groupGains(
  harness: DeskHarness,
  groupName: string,
  permissionSet: string,
  alias: string,
): Promise<void> {
  const { state } = harness.emulator;
  const group = [...state.groups.values()].find((g) => g.DisplayName === groupName)!;
  const set = [...state.permissionSets.values()].find((p) => p.Name === permissionSet)!;
  const account = [...state.accounts.values()].find((a) => a.alias === alias)!;
  const { ssoAdmin } = sdkClients(harness.emulator.url);
  await ssoAdmin.send(
    new CreateAccountAssignmentCommand({
      InstanceArn: state.instance.InstanceArn,
      TargetId: account.id,
      TargetType: 'AWS_ACCOUNT',
      PermissionSetArn: set.PermissionSetArn,
      PrincipalType: 'GROUP',
      PrincipalId: group.GroupId,
    }),
  );
  await eventually('the group to carry it', () => {
    state.settle();
    return Promise.resolve(
      [...state.assignments.values()].some(
        (a) => a.PrincipalId === group.GroupId && a.PermissionSetArn === set.PermissionSetArn,
      ),
    );
  });
}

const memberships = (harness: DeskHarness) => callsOf(harness.emulator, 'CreateGroupMembership');

/** Lena's click on Approve that is expected to pass: an approval that passes answers nobody privately. */
async function lenaApproves(harness: DeskHarness, requestId: string): Promise<void> {
  const sent = await postToSlackEvents(
    harness.target,
    blockActionsBody({
      actionId: ACTION.approve,
      value: requestId,
      userId: PEOPLE.lena,
      blockId: `decide:${requestId}`,
      responseUrl: harness.slack.responseUrl(`wa-approve-${++n}`),
    }),
  );
  expect(sent.status).toBe(200);
}

describe('a group membership is judged by what the group carries when it is approved and when it starts', () => {
  it('refuses the approval of a membership whose group gained AdministratorAccess since it was asked, saying the requester must ask again', async () => {
    h = await startDesk();
    expect(await command(h, PEOPLE.jay, 'request group:ReadOnly 2h reading the prod logs')).toMatch(
      /R-[0-9A-Z]{8}/,
    );
    const request = await onlyRequest(h);
    expect(text(request.details.groupAccess)).not.toContain('AdministratorAccess');
    await groupGains(h, 'ReadOnly', 'AdministratorAccess', 'prod');

    const answer = await press(h, PEOPLE.lena, ACTION.approve, request.id);
    expect(answer).toContain('AdministratorAccess on prod');
    expect(answer).toMatch(/ask again/);
    expect(answer).not.toMatch(/Approved/);
    expect((await h.desk.ledger.getRequest(request.id))?.status).toBe('pending');
    expect(await h.desk.ledger.listApprovals(request.id)).toEqual([]);
    expect(await h.desk.ledger.findGrants({ requestId: request.id })).toEqual([]);
    expect(memberships(h)).toEqual([]);
    expect(groupsOf(h.emulator, 'jay.junior@example.com')).toEqual([]);
  });

  it('refuses at its start a scheduled membership whose group gained AdministratorAccess since it was approved', async () => {
    const clock = new ManualClock(Date.now());
    h = await startDesk({ clock });
    expect(await command(h, PEOPLE.jay, 'request group:ReadOnly 2h reading the prod logs at +1h')).toMatch(
      /R-[0-9A-Z]{8}/,
    );
    const request = await onlyRequest(h);
    await lenaApproves(h, request.id);
    await eventually('the membership to be scheduled', async () =>
      (await h!.desk.ledger.getRequest(request.id))?.status === 'scheduled' ? true : undefined,
    );
    await groupGains(h, 'ReadOnly', 'AdministratorAccess', 'prod');

    clock.advance(61 * MINUTE);
    await h.desk.scheduler.tick();
    const failed = await eventually('the start to be refused', async () => {
      const now = await h!.desk.ledger.getRequest(request.id);
      return now?.status === 'failed' ? now : (await h!.desk.scheduler.tick(), undefined);
    });
    expect(text(failed.details.startRefused)).toContain('AdministratorAccess on prod');
    expect(await h.desk.ledger.findGrants({ requestId: request.id })).toEqual([]);
    expect(memberships(h)).toEqual([]);
  });

  it('refuses the approval of an admin’s group add whose group gained AdministratorAccess since it was asked', async () => {
    h = await startDesk();
    const asked = await h.desk.admin.submitGroupChange(PEOPLE.ada, {
      who: 'jay.junior@example.com',
      group: 'ReadOnly',
      action: 'add',
      reason: 'reads the prod logs every day',
    });
    if (!asked.ok) throw new Error(asked.message);
    const id = asked.value.request.id;
    await groupGains(h, 'ReadOnly', 'AdministratorAccess', 'prod');

    const answer = await press(h, PEOPLE.lena, ACTION.approve, id);
    expect(answer).toContain('AdministratorAccess on prod');
    expect(answer).toMatch(/ask again/);
    expect((await h.desk.ledger.getRequest(id))?.status).toBe('pending');
    expect(await h.desk.ledger.listApprovals(id)).toEqual([]);
    expect(memberships(h)).toEqual([]);
  });

  it('judges an extension by what the group carries now, not by what it carried when it was joined', async () => {
    h = await startDesk();
    await command(h, PEOPLE.jay, 'request group:ReadOnly 2h reading the prod logs');
    const joined = await onlyRequest(h);
    await lenaApproves(h, joined.id);
    await eventually('Jay to be in ReadOnly', async () =>
      (await h!.desk.ledger.getRequest(joined.id))?.status === 'active' ? true : undefined,
    );
    await groupGains(h, 'ReadOnly', 'AdministratorAccess', 'prod');

    expect(await command(h, PEOPLE.jay, 'extend group:ReadOnly 1h still reading')).toMatch(/R-[0-9A-Z]{8}/);
    const [extension] = await h.desk.ledger.findRequests({ kinds: ['extend'] });
    expect(text(extension?.details.groupAccess)).toContain('AdministratorAccess');
    // Full admin takes two approvals (rules[3]): one lead's click does not extend it.
    expect(extension?.requiredApprovals).toBe(2);
    await lenaApproves(h, extension!.id);
    await eventually('Lena’s approval to be counted', async () =>
      (await h!.desk.ledger.listApprovals(extension!.id)).length === 1 ? true : undefined,
    );
    expect((await h.desk.ledger.getRequest(extension!.id))?.status).toBe('pending');
  });
});

describe('admin work that joins groups is judged by what those groups carry when it is approved', () => {
  /** What the desk changed in Identity Center since `before` writes (the test's own assignment to the group). */
  const writesSince = (harness: DeskHarness, before: number) =>
    identityCenterWrites(harness.emulator).slice(before);

  it('refuses the approval of an onboarding whose group gained AdministratorAccess since it was asked, saying the admin must ask again', async () => {
    h = await startDesk();
    const asked = await h.desk.admin.submitOnboarding(PEOPLE.ada, {
      email: 'nina.new@example.com',
      givenName: 'Nina',
      familyName: 'New',
      role: 'developer',
      note: 'joins the payments team',
    });
    if (!asked.ok) throw new Error(asked.message);
    const id = asked.value.request.id;
    expect(text(asked.value.request.details)).not.toContain('AdministratorAccess');
    await groupGains(h, 'ReadOnly', 'AdministratorAccess', 'prod');
    const before = identityCenterWrites(h.emulator).length;

    const answer = await press(h, PEOPLE.lena, ACTION.approve, id);
    expect(answer).toContain('ReadOnly');
    expect(answer).toContain('AdministratorAccess on prod');
    expect(answer).toMatch(/ask again/);
    expect(answer).toContain(PEOPLE.ada);
    expect((await h.desk.ledger.getRequest(id))?.status).toBe('pending');
    expect(await h.desk.ledger.listApprovals(id)).toEqual([]);
    expect(writesSince(h, before)).toEqual([]);
    expect(h.emulator.state.userByName('nina.new@example.com')).toBeUndefined();
  });

  it('refuses the approval of a role change whose new group gained AdministratorAccess since it was asked, saying the admin must ask again', async () => {
    h = await startDesk();
    const asked = await h.desk.admin.submitRoleChange(PEOPLE.ada, {
      who: 'jay.junior@example.com',
      role: 'developer',
      reason: 'promoted to developer',
    });
    if (!asked.ok) throw new Error(asked.message);
    const id = asked.value.request.id;
    expect(text(asked.value.request.details)).not.toContain('AdministratorAccess');
    await groupGains(h, 'ReadOnly', 'AdministratorAccess', 'prod');
    const before = identityCenterWrites(h.emulator).length;

    const answer = await press(h, PEOPLE.lena, ACTION.approve, id);
    expect(answer).toContain('ReadOnly');
    expect(answer).toContain('AdministratorAccess on prod');
    expect(answer).toMatch(/ask again/);
    expect((await h.desk.ledger.getRequest(id))?.status).toBe('pending');
    expect(await h.desk.ledger.listApprovals(id)).toEqual([]);
    expect(writesSince(h, before)).toEqual([]);
    expect(groupsOf(h.emulator, 'jay.junior@example.com')).toEqual([]);
  });

  it('refuses the approval of a bulk onboarding whose group gained AdministratorAccess since it was asked, and makes nobody', async () => {
    h = await startDesk();
    const file = [
      'First name,Last name,Email,Role',
      'Nina,New,nina.new@example.com,developer',
      'Pia,Park,pia.park@example.com,junior-developer',
    ];
    const asked = await h.desk.bulk.submit(
      PEOPLE.ada,
      { bytes: new TextEncoder().encode(`${file.join('\r\n')}\r\n`), name: 'starters.csv' },
      { reason: 'September intake (HR-1234)' },
    );
    if (!asked.ok) throw new Error(asked.message);
    const id = asked.value.request.id;
    await groupGains(h, 'ReadOnly', 'AdministratorAccess', 'prod');
    const before = identityCenterWrites(h.emulator).length;

    const answer = await press(h, PEOPLE.lena, ACTION.approve, id);
    expect(answer).toContain('AdministratorAccess on prod');
    expect(answer).toMatch(/ask again/);
    expect((await h.desk.ledger.getRequest(id))?.status).toBe('pending');
    expect(await h.desk.ledger.listApprovals(id)).toEqual([]);
    expect(writesSince(h, before)).toEqual([]);
  });

  it('still approves an onboarding whose group carries what its card showed', async () => {
    h = await startDesk();
    const asked = await h.desk.admin.submitOnboarding(PEOPLE.ada, {
      email: 'nina.new@example.com',
      givenName: 'Nina',
      familyName: 'New',
      role: 'developer',
      note: 'joins the payments team',
    });
    if (!asked.ok) throw new Error(asked.message);
    const id = asked.value.request.id;

    await lenaApproves(h, id);
    await eventually('Nina to be in ReadOnly', () =>
      Promise.resolve(groupsOf(h!.emulator, 'nina.new@example.com').includes('ReadOnly') ? true : undefined),
    );
  });
});
