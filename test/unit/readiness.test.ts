/**
 * The readiness cache on its own, with a hand-moved clock: one check per window, shared by every caller that
 * arrives while it runs, a check that throws answered as not ready (and kept for the window like any result).
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { cachedReadiness } from '../../src/readiness.js';
import type { Readiness } from '../../src/slack/app.js';

function deferred() {
  let resolve!: (r: Readiness) => void;
  const promise = new Promise<Readiness>((r) => (resolve = r));
  return { promise, resolve };
}

describe('the readiness cache', () => {
  it('runs one check for every caller that arrives while it runs', async () => {
    let runs = 0;
    const pending = deferred();
    const check = cachedReadiness(
      () => {
        runs += 1;
        return pending.promise;
      },
      { logger: silentLogger, now: () => 0 },
    );
    const answers = Promise.all(Array.from({ length: 20 }, () => check()));
    pending.resolve({ ok: true, checks: {} });
    expect((await answers).every((r) => r.ok)).toBe(true);
    expect(runs).toBe(1);
  });

  it('answers a check that throws as not ready, and keeps that for the window', async () => {
    let runs = 0;
    let now = 0;
    const check = cachedReadiness(
      () => {
        runs += 1;
        return Promise.reject(new Error('bug'));
      },
      { logger: silentLogger, now: () => now, windowMs: 10_000 },
    );
    expect((await check()).ok).toBe(false);
    expect((await check()).ok).toBe(false);
    expect(runs).toBe(1);
    now = 10_000;
    await check();
    expect(runs).toBe(2);
  });

  it('checks afresh when the clock went back, rather than trust a result from the future', async () => {
    let runs = 0;
    let now = 50_000;
    const check = cachedReadiness(
      () => {
        runs += 1;
        return Promise.resolve({ ok: true, checks: {} });
      },
      { logger: silentLogger, now: () => now },
    );
    await check();
    now = 1_000;
    await check();
    expect(runs).toBe(2);
  });
});
