/**
 * On-call auto-approval end to end: `/access request` through the real Bolt App, the example config's rule
 * `autoApprove: { onCall: production }` for ProductionSupport, the PagerDuty stand-in answering `GET /oncalls`
 * (Omar on call), the local Identity Center and the fake Slack Web API. Refusals first: whoever is not on call,
 * and everyone when PagerDuty cannot be asked, goes to the approvers, and is told why.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { holdsInAws } from '../support/emulator-assertions.js';
import { eventually, PEOPLE, startDesk, type DeskHarness } from '../support/desk-harness.js';
import { postToSlackEvents, slashCommandBody, waitFor, waitForResponse } from '../support/slack-requests.js';
import { startPagerDutyStandIn, type RunningPagerDutyStandIn } from '../../src/pagerduty/stand-in.js';

const TOKEN = 'pd-e2e-token';
const STAGING = '222222222222';
const OMAR = { email: 'omar.oncall@example.com', name: 'Omar Oncall' };

let h: DeskHarness | undefined;
let pd: RunningPagerDutyStandIn | undefined;
afterEach(async () => {
  await h?.close();
  await pd?.close();
  h = undefined;
  pd = undefined;
});

/** The example config, its PagerDuty pointed at the stand-in (or at `url`), and a Slack user-group schedule. */
function pointedAt(url: string): (yaml: string) => string {
  return (yaml) =>
    yaml
      .replace(
        '# pagerduty: { url: https://api.pagerduty.com }   # the default',
        `pagerduty: { url: '${url}' }`,
      )
      .replace('# platform: { usergroup: S0000ONCALL }', 'platform: { usergroup: S0000ONCALL }');
}

async function deskWith(options: { token?: string; onCall?: (typeof OMAR)[]; url?: string } = {}) {
  pd = await startPagerDutyStandIn({ token: TOKEN, schedules: { PSRE0NC: options.onCall ?? [OMAR] } });
  h = await startDesk({
    editConfig: pointedAt(options.url ?? pd.url),
    ...(options.token !== undefined ? { pagerdutyToken: options.token } : {}),
  });
  return h;
}

let n = 0;
async function ask(harness: DeskHarness, userId: string, text: string): Promise<string> {
  const id = `oncall-${++n}`;
  const answer = await postToSlackEvents(
    harness.target,
    slashCommandBody({ text, userId, responseUrl: harness.slack.responseUrl(id) }),
  );
  expect(answer.status).toBe(200);
  return JSON.stringify((await waitForResponse(harness.slack, id)).body);
}

async function onlyRequest(harness: DeskHarness) {
  return eventually('the request in the ledger', async () => (await harness.desk.ledger.findRequests({}))[0]);
}

const cardIn = (harness: DeskHarness) =>
  waitFor('the approval card', () =>
    harness.slack.callsTo('chat.postMessage').find((c) => c.args.channel === 'C0000APPROV'),
  );

const creations = (harness: DeskHarness) =>
  harness.emulator.calls.filter((c) => c.operation === 'CreateAccountAssignment');

describe('on-call approval: who is refused an instant grant', () => {
  it('sends the request of someone not on call to the approvers, as any other', async () => {
    const desk = await deskWith({ token: TOKEN });
    const answer = await ask(desk, PEOPLE.sam, 'request ProductionSupport staging 2h checking a deploy');
    expect(answer).toContain('for approval');
    const request = await onlyRequest(desk);
    expect(request.status).toBe('pending');
    expect(request.approvers).toEqual([PEOPLE.lena, PEOPLE.leo]);
    expect(JSON.stringify((await cardIn(desk)).args)).not.toContain('Approved at once');
    expect(answer).not.toContain('could not be checked');
    expect(pd!.calls.map((c) => c.scheduleIds)).toEqual([['PSRE0NC']]);
    expect(creations(desk)).toEqual([]);
  });

  it('falls back to the approvers when PagerDuty fails (503), and the requester and the card say so', async () => {
    const desk = await deskWith({ token: TOKEN });
    pd!.fail(503);
    const answer = await ask(desk, PEOPLE.omar, 'request ProductionSupport staging 2h checking a deploy');
    expect(answer).toContain('Not approved on call');
    expect(answer).toContain('PagerDuty is failing (503)');
    expect(answer).toContain('went to the approvers');
    expect((await onlyRequest(desk)).status).toBe('pending');
    expect(JSON.stringify((await cardIn(desk)).args)).toContain('PagerDuty is failing (503)');
    expect(creations(desk)).toEqual([]);
  });

  it('falls back to the approvers when PagerDuty cannot be reached at all', async () => {
    const closed = await startPagerDutyStandIn({ token: TOKEN, schedules: {} });
    const url = closed.url;
    await closed.close();
    const desk = await deskWith({ token: TOKEN, url });
    const answer = await ask(desk, PEOPLE.omar, 'request ProductionSupport staging 2h checking a deploy');
    expect(answer).toContain('PagerDuty could not be reached');
    expect((await onlyRequest(desk)).status).toBe('pending');
    expect(creations(desk)).toEqual([]);
  });

  it('falls back to the approvers when PagerDuty refuses the token, saying the token is wrong', async () => {
    const desk = await deskWith({ token: 'not-the-token' });
    const answer = await ask(desk, PEOPLE.omar, 'request ProductionSupport staging 2h checking a deploy');
    expect(answer).toContain('PagerDuty refused the token (401)');
    expect((await onlyRequest(desk)).status).toBe('pending');
    expect(pd!.calls.map((c) => c.status)).toEqual([401]);
  });

  it('falls back to the approvers when no PAGERDUTY_TOKEN is set, without asking PagerDuty', async () => {
    const desk = await deskWith();
    const answer = await ask(desk, PEOPLE.omar, 'request ProductionSupport staging 2h checking a deploy');
    expect(answer).toContain('PAGERDUTY_TOKEN is not set');
    expect((await onlyRequest(desk)).status).toBe('pending');
    expect(pd!.calls).toEqual([]);
  });

  it('never lets the on-call rule skip the rest of the rules: a prod request without a reason asks for one', async () => {
    const desk = await deskWith({
      token: TOKEN,
      onCall: [OMAR, { email: 'sam.dev@example.com', name: 'Sam' }],
    });
    const sent = await postToSlackEvents(
      desk.target,
      slashCommandBody({
        text: 'request ProductionSupport prod 2h',
        userId: PEOPLE.sam,
        responseUrl: desk.slack.responseUrl('x'),
      }),
    );
    expect(sent.status).toBe(200);
    // The request form opens to ask for the reason (the rules need one for prod); nothing is asked yet.
    await waitFor('the request form', () => desk.slack.callsTo('views.open')[0]);
    expect(await desk.desk.ledger.findRequests({})).toEqual([]);
    expect(pd!.calls).toEqual([]);
    expect(creations(desk)).toEqual([]);
  });
});

describe('on-call approval: the person on call', () => {
  it('is granted at once when PagerDuty has them on call, and the card says why', async () => {
    const desk = await deskWith({ token: TOKEN });
    const answer = await ask(desk, PEOPLE.omar, 'request ProductionSupport staging 2h checking a deploy');
    expect(answer).toContain('Approved at once: on call now in *production*');
    const request = await onlyRequest(desk);
    await eventually('the grant to be active', async () =>
      (await desk.desk.service.view(request.id))?.request.status === 'active' ? true : undefined,
    );
    expect(holdsInAws(desk.emulator, STAGING, 'ProductionSupport', OMAR.email)).toBe(true);
    const audit = await desk.desk.ledger.listAudit({ requestId: request.id });
    const submitted = audit.find((e) => e.action === 'request.submitted');
    expect(submitted?.details).toMatchObject({
      onCall: { schedules: ['production'], onCall: ['production'] },
    });
  });

  it('is granted at once when on call in a Slack user group the on-call tool keeps', async () => {
    pd = await startPagerDutyStandIn({ token: TOKEN, schedules: {} });
    h = await startDesk({
      editConfig: (yaml) =>
        pointedAt(pd!.url)(yaml).replace(
          'autoApprove: { onCall: production }',
          'autoApprove: { onCall: platform }',
        ),
      usergroups: { S0000ONCALL: [PEOPLE.omar] },
    });
    const answer = await ask(h, PEOPLE.omar, 'request ProductionSupport staging 2h checking a deploy');
    expect(answer).toContain('on call now in *platform*');
    const other = await ask(h, PEOPLE.sam, 'request ProductionSupport staging 2h checking a deploy');
    expect(other).toContain('for approval');
    expect(pd.calls).toEqual([]);
  });
});
