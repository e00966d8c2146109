/**
 * /healthz and /readyz on the running desk: the real Bolt App on loopback, SQLite, the emulator. /readyz is open
 * to anyone, so it says ok or not and nothing else (the reasons go to the log), asks AWS at most once per window
 * however many callers flood it, and takes nothing from the AWS budget that grants and revocations share.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { ACTION } from '../../src/slack/ids.js';
import { holdsInAws } from '../support/emulator-assertions.js';
import { eventually, PEOPLE, startDesk, type DeskHarness } from '../support/desk-harness.js';
import { blockActionsBody, postToSlackEvents, slashCommandBody } from '../support/slack-requests.js';

let h: DeskHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function get(harness: DeskHarness, path: string) {
  const response = await fetch(`${harness.target.url}${path}`);
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type') ?? '', text };
}

const flood = (harness: DeskHarness, n: number) =>
  Promise.all(Array.from({ length: n }, () => get(harness, '/readyz')));

const readinessCalls = (harness: DeskHarness) =>
  harness.emulator.calls.filter((c) => c.operation === 'ListInstances').length;

function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ destination, level: 'info' }) };
}

/** AWS's own words when a role may not call ListInstances: they name the role and the account. */
const AWS_DENIAL =
  'User: arn:aws:sts::123456789012:assumed-role/AccessDeskBot/i-0abc is not authorized to perform: ' +
  'sso:ListInstances on resource: arn:aws:sso:::instance/* because no identity-based policy allows it';

describe('readiness tells anyone the status and nothing else', () => {
  it('answers 503 {"ok":false} when AWS refuses, without AWS’s words, the role ARN or the account id, and logs why', async () => {
    const { lines, logger } = capturedLogger();
    h = await startDesk({ logger });
    h.emulator.faults.errors.push({
      service: 'sso-admin',
      operation: 'ListInstances',
      error: 'accessDenied',
      message: AWS_DENIAL,
    });
    const ready = await get(h, '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.text).toBe('{"ok":false}');
    expect(ready.text).not.toMatch(/arn:|123456789012|ListInstances|access_denied/);
    const warned = lines.find((l) => l.msg === 'not ready');
    expect(warned?.level).toBe(40);
    expect(JSON.stringify(warned?.checks)).toContain('access_denied');
    expect(JSON.stringify(warned?.checks)).toContain('123456789012');
  });

  it('answers 503 {"ok":false} when Identity Center cannot be reached, and stays alive', async () => {
    h = await startDesk();
    await h.emulator.close();
    const ready = await get(h, '/readyz');
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.text)).toEqual({ ok: false });
    expect((await get(h, '/healthz')).status).toBe(200);
  });

  it('answers 503 when the ledger does not answer, though AWS does: the database check still counts', async () => {
    h = await startDesk();
    const ledger = h.desk.ledger;
    const ping = ledger.ping.bind(ledger);
    ledger.ping = () => Promise.reject(new Error('database is locked'));
    try {
      const ready = await get(h, '/readyz');
      expect(ready.status).toBe(503);
      expect(JSON.parse(ready.text)).toEqual({ ok: false });
    } finally {
      ledger.ping = ping;
    }
  });

  it('answers /healthz, and /readyz 200 {"ok":true} with the database and AWS both ok', async () => {
    h = await startDesk();
    expect((await get(h, '/healthz')).status).toBe(200);
    const ready = await get(h, '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.type).toMatch(/application\/json/);
    expect(JSON.parse(ready.text)).toEqual({ ok: true });
  });
});

describe('a flood of /readyz', () => {
  it('asks AWS once per window however many callers ask at once, and again once the window has passed', async () => {
    let now = 1_000_000;
    h = await startDesk({ readiness: { now: () => now, windowMs: 10_000 } });
    const before = readinessCalls(h);

    const first = await flood(h, 60);
    expect(first.every((r) => r.status === 200 && r.text === '{"ok":true}')).toBe(true);
    expect(readinessCalls(h) - before).toBe(1);

    now += 9_999;
    await flood(h, 30);
    expect(readinessCalls(h) - before).toBe(1);

    now += 1;
    const later = await flood(h, 30);
    expect(later.every((r) => r.status === 200)).toBe(true);
    expect(readinessCalls(h) - before).toBe(2);
  });

  it('keeps a failure for the window too, so a flood while AWS refuses does not hammer AWS', async () => {
    h = await startDesk({ readiness: { now: () => 0 } });
    h.emulator.faults.errors.push({
      service: 'sso-admin',
      operation: 'ListInstances',
      error: 'accessDenied',
    });
    const before = readinessCalls(h);
    const answers = await flood(h, 40);
    expect(answers.every((r) => r.status === 503 && r.text === '{"ok":false}')).toBe(true);
    expect(readinessCalls(h) - before).toBe(1);
  });

  it('takes nothing from the work’s AWS budget, and a grant made during a flood goes through on it', async () => {
    let now = 0;
    h = await startDesk({ readiness: { now: () => now } });
    const harness = h;
    const workCalls = () => harness.desk.aws.limiter.stats().calls;

    const idle = workCalls();
    await flood(h, 50);
    now += 10_000;
    await flood(h, 50);
    expect(readinessCalls(h)).toBeGreaterThanOrEqual(2);
    expect(workCalls()).toBe(idle);

    // A request approved while probes keep coming: its AWS calls are the only ones the work's limiter counts.
    await postToSlackEvents(
      h.target,
      slashCommandBody({
        text: 'request SeniorDeveloper prod 4h incident 4711',
        userId: PEOPLE.sam,
        responseUrl: h.slack.responseUrl('cmd'),
      }),
    );
    const id = await eventually('a request in the ledger', async () => {
      const all = await harness.desk.ledger.findRequests({});
      return all[0]?.id;
    });
    const probes = flood(h, 50);
    await postToSlackEvents(
      h.target,
      blockActionsBody({
        actionId: ACTION.approve,
        value: id,
        userId: PEOPLE.lena,
        responseUrl: h.slack.responseUrl('click'),
      }),
    );
    await probes;
    await eventually('the grant to be active', async () =>
      (await harness.desk.service.view(id))?.request.status === 'active' ? true : undefined,
    );
    expect(holdsInAws(h.emulator, '333333333333', 'SeniorDeveloper', 'sam.dev@example.com')).toBe(true);
    const workAtAws = h.emulator.calls.filter((c) => c.operation !== 'ListInstances');
    expect(workAtAws.some((c) => c.operation === 'CreateAccountAssignment')).toBe(true);
    expect(workCalls() - idle).toBe(workAtAws.length);
  });
});
