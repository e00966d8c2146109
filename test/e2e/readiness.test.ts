/**
 * /healthz and /readyz on the running desk: the real Bolt App on loopback, SQLite, the emulator. Ready means the
 * ledger answers and Identity Center answers; when the emulator is gone, /readyz says 503 and names aws.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startDesk, type DeskHarness } from '../support/desk-harness.js';

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

describe('health and readiness over HTTP', () => {
  it('answers /healthz, and /readyz with the database and AWS both ok', async () => {
    h = await startDesk();
    const alive = await get(h, '/healthz');
    expect(alive.status).toBe(200);
    const ready = await get(h, '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.type).toMatch(/application\/json/);
    expect(JSON.parse(ready.text)).toEqual({ ok: true, database: 'ok', aws: 'ok' });
    expect(h.emulator.calls.some((c) => c.operation === 'ListInstances')).toBe(true);
  });

  it('answers 503 naming aws when Identity Center cannot be reached, and stays alive', async () => {
    h = await startDesk();
    await h.emulator.close();
    const ready = await get(h, '/readyz');
    expect(ready.status).toBe(503);
    const body = JSON.parse(ready.text) as Record<string, unknown>;
    expect(body.ok).toBe(false);
    expect(body.database).toBe('ok');
    expect(body.aws).toMatch(/could not reach AWS for ListInstances/i);
    expect(ready.text).not.toContain('secret');
    expect((await get(h, '/healthz')).status).toBe(200);
  });

  it('answers 503 naming the database when the ledger does not answer', async () => {
    h = await startDesk();
    const ledger = h.desk.ledger;
    const ping = ledger.ping.bind(ledger);
    ledger.ping = () => Promise.reject(new Error('database is locked'));
    try {
      const ready = await get(h, '/readyz');
      expect(ready.status).toBe(503);
      expect(JSON.parse(ready.text)).toEqual({
        ok: false,
        database: 'unavailable: database is locked',
        aws: 'ok',
      });
    } finally {
      ledger.ping = ping;
    }
  });
});
