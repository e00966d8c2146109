/**
 * The PagerDuty adapter against the local stand-in of `GET /oncalls`: paging to the end, the user's email from
 * `include[]=users`, and every failure an answer that says why (never a throw, never an approval).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OnCallLookup } from '../../src/access/on-call.js';
import { silentLogger } from '../../src/log.js';
import { PagerDutyClient } from '../../src/pagerduty/client.js';
import { startPagerDutyStandIn, type RunningPagerDutyStandIn } from '../../src/pagerduty/stand-in.js';

const TOKEN = 'pd-test-token';
let standIn: RunningPagerDutyStandIn | undefined;
afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

/** Why the lookup found nobody; undefined when it answered. */
const whyOf = (answer: OnCallLookup): string | undefined => (answer.ok ? undefined : answer.why);

const people = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ email: `person${i}@example.com`, name: `Person ${i}` }));

describe('PagerDuty on-call lookups', () => {
  it('answers why when the token is refused (401), and matches nobody', async () => {
    standIn = await startPagerDutyStandIn({ token: TOKEN, schedules: { PSRE0NC: people(1) } });
    const client = new PagerDutyClient({ url: standIn.url, token: 'wrong', logger: silentLogger });
    expect(whyOf(await client.onCallEmails('PSRE0NC'))).toContain('PagerDuty refused the token (401)');
  });

  it('answers why when PagerDuty limits it (429) or fails (503)', async () => {
    standIn = await startPagerDutyStandIn({ token: TOKEN, schedules: { PSRE0NC: people(1) } });
    const client = new PagerDutyClient({ url: standIn.url, token: TOKEN, logger: silentLogger });
    standIn.fail(429);
    expect(whyOf(await client.onCallEmails('PSRE0NC'))).toContain('(429)');
    standIn.fail(503);
    expect(await client.onCallEmails('PSRE0NC')).toEqual({ ok: false, why: 'PagerDuty is failing (503)' });
  });

  it('answers why when PagerDuty cannot be reached at all', async () => {
    standIn = await startPagerDutyStandIn({ token: TOKEN, schedules: {} });
    const url = standIn.url;
    await standIn.close();
    standIn = undefined;
    const client = new PagerDutyClient({ url, token: TOKEN, logger: silentLogger });
    expect(whyOf(await client.onCallEmails('PSRE0NC'))).toContain('PagerDuty could not be reached');
  });

  it('asks nothing without a token, and says so', async () => {
    standIn = await startPagerDutyStandIn({ token: TOKEN, schedules: { PSRE0NC: people(1) } });
    const client = new PagerDutyClient({ url: standIn.url, logger: silentLogger });
    expect(whyOf(await client.onCallEmails('PSRE0NC'))).toContain('PAGERDUTY_TOKEN is not set');
    expect(standIn.calls).toEqual([]);
  });

  it('pages through every on-call entry of the schedule, with the emails include[]=users gives', async () => {
    standIn = await startPagerDutyStandIn({
      token: TOKEN,
      schedules: { PSRE0NC: people(230), OTHER: people(2) },
    });
    const client = new PagerDutyClient({ url: standIn.url, token: TOKEN, logger: silentLogger });
    const answer = await client.onCallEmails('PSRE0NC');
    expect(answer.ok && answer.emails.length).toBe(230);
    expect(answer.ok && answer.emails).toContain('person229@example.com');
    expect(standIn.calls.map((c) => [c.scheduleIds, c.offset, c.status])).toEqual([
      [['PSRE0NC'], 0, 200],
      [['PSRE0NC'], 100, 200],
      [['PSRE0NC'], 200, 200],
    ]);
  });
});
