/**
 * The limiter's two lanes on a clock that moves only when told: background work takes only the tokens nobody
 * interactive waits for, so a person's call waits at most one token's interval behind any background queue.
 */
import { describe, expect, it } from 'vitest';
import { jobLane } from '../../src/access/work-lane.js';
import { currentLane, inBackground, inInteractive } from '../../src/access/work-lane.js';
import { AwsLimiter, TokenBucket, awsRateLimits, type LimiterClock } from '../../src/aws/limiter.js';

/** Lets every callback and promise that is ready run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A clock whose sleeps are timers that fire, in order of their time (then of their making), only as the test
 * moves the clock on; everything ready runs between two timers.
 */
function steppedClock(): LimiterClock & { advanceTo(t: number): Promise<void>; runAll(): Promise<void> } {
  let now = 0;
  let made = 0;
  const timers: { at: number; n: number; fire: () => void }[] = [];
  const advanceTo = async (t: number) => {
    for (;;) {
      await settle();
      timers.sort((a, b) => a.at - b.at || a.n - b.n);
      const next = timers[0];
      if (next === undefined || next.at > t) break;
      timers.shift();
      now = Math.max(now, next.at);
      next.fire();
    }
    now = Math.max(now, t);
    await settle();
  };
  return {
    now: () => now,
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        timers.push({ at: now + ms, n: (made += 1), fire: resolve });
      }),
    advanceTo,
    runAll: async () => {
      for (;;) {
        await settle();
        if (timers.length === 0) return;
        await advanceTo(Math.min(...timers.map((x) => x.at)));
      }
    },
  };
}

/** Who got a token when, in the order they got it. */
function served(clock: LimiterClock) {
  const log: { who: string; at: number }[] = [];
  return {
    log,
    record: (who: string) => () => log.push({ who, at: clock.now() }),
  };
}

describe('the background lane of a token bucket', () => {
  it('gives an interactive call the next token when 100 background calls are queued at 20 a second', async () => {
    const clock = steppedClock();
    const bucket = new TokenBucket(20, 1, clock);
    const { log, record } = served(clock);
    const background = Array.from({ length: 100 }, (_v, i) => bucket.takeBackground().then(record(`b${i}`)));
    await clock.advanceTo(120);
    // The first three went at 0, 50 and 100 ms; 97 are waiting.
    expect(log.map((e) => e.who)).toEqual(['b0', 'b1', 'b2']);
    expect(bucket.waitingInBackground).toBe(97);

    const asked = clock.now();
    const interactive = bucket.take().then(record('person'));
    await clock.advanceTo(200);
    const person = log.find((e) => e.who === 'person');
    // It took the token due at 150 ms, ahead of all 97: it waited less than one interval (50 ms).
    expect(log.map((e) => e.who).slice(3, 4)).toEqual(['person']);
    expect(person!.at - asked).toBeLessThanOrEqual(1000 / 20);
    await interactive;

    await clock.runAll();
    await Promise.all(background);
    expect(log).toHaveLength(101);
  });

  it('makes an interactive call that comes just after a background call wait one interval at most', async () => {
    const clock = steppedClock();
    const bucket = new TokenBucket(20, 1, clock);
    const { log, record } = served(clock);
    const background = Array.from({ length: 20 }, (_v, i) => bucket.takeBackground().then(record(`b${i}`)));
    // Interactive calls arrive at awkward moments: just as a background call took its token, mid-interval, just
    // after a boundary.
    const arrivals = [100, 163, 250, 401, 512];
    const waits: number[] = [];
    for (const [i, at] of arrivals.entries()) {
      await clock.advanceTo(at);
      const asked = clock.now();
      void bucket.take().then(() => {
        waits.push(clock.now() - asked);
        record(`p${i}`)();
      });
    }
    await clock.runAll();
    await Promise.all(background);
    expect(waits).toHaveLength(arrivals.length);
    for (const wait of waits) expect(wait).toBeLessThanOrEqual(50);
    // The lanes share one budget: never two calls within one interval.
    const times = log.map((e) => e.at);
    expect(times).toHaveLength(25);
    for (let i = 1; i < times.length; i += 1) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(50);
  });

  it('serves interactive calls that arrive together one token each, all before the background queue', async () => {
    const clock = steppedClock();
    const bucket = new TokenBucket(20, 1, clock);
    const { log, record } = served(clock);
    const background = Array.from({ length: 10 }, (_v, i) => bucket.takeBackground().then(record(`b${i}`)));
    await clock.advanceTo(10);
    const people = ['p0', 'p1', 'p2'].map((p) => bucket.take().then(record(p)));
    await clock.runAll();
    await Promise.all([...background, ...people]);
    expect(log.map((e) => e.who)).toEqual([
      'b0',
      'p0',
      'p1',
      'p2',
      ...Array.from({ length: 9 }, (_v, i) => `b${i + 1}`),
    ]);
    expect(log.map((e) => e.at)).toEqual(Array.from({ length: 13 }, (_v, i) => i * 50));
  });

  it('serves background calls in the order they came, and none starves once interactive calls stop', async () => {
    const clock = steppedClock();
    const bucket = new TokenBucket(20, 1, clock);
    const { log, record } = served(clock);
    const background = Array.from({ length: 5 }, (_v, i) => bucket.takeBackground().then(record(`b${i}`)));
    await clock.advanceTo(1);
    // A person's burst takes every token for a second (20 calls at 20 a second): the background lane waits.
    const people = Array.from({ length: 20 }, (_v, i) => bucket.take().then(record(`p${i}`)));
    await clock.advanceTo(1_000);
    expect(log.filter((e) => e.who.startsWith('b')).map((e) => e.who)).toEqual(['b0']);
    // The people are done: the background calls all go, in their order, one interval apart.
    await clock.runAll();
    await Promise.all([...background, ...people]);
    const rest = log.filter((e) => e.who.startsWith('b'));
    expect(rest.map((e) => e.who)).toEqual(['b0', 'b1', 'b2', 'b3', 'b4']);
    const lastPerson = log.filter((e) => e.who.startsWith('p')).at(-1)!.at;
    expect(rest.slice(1).map((e) => e.at)).toEqual([1, 2, 3, 4].map((k) => lastPerson + k * 50));
  });

  it('gives the background lane the whole rate when nobody interactive is waiting', async () => {
    const clock = steppedClock();
    const bucket = new TokenBucket(20, 1, clock);
    const { log, record } = served(clock);
    const background = Array.from({ length: 200 }, (_v, i) => bucket.takeBackground().then(record(`b${i}`)));
    await clock.runAll();
    await Promise.all(background);
    // 200 calls at 20 a second: the last at 199 intervals, as the interactive lane alone would go.
    expect(log.map((e) => e.at)).toEqual(Array.from({ length: 200 }, (_v, i) => i * 50));
    expect(bucket.waitingInBackground).toBe(0);
  });

  it('keeps the rate when the background caller wakes late, without letting two calls through at once', async () => {
    // A clock whose timers fire 3 ms late, as a busy event loop's do.
    let now = 0;
    const late: LimiterClock = {
      now: () => now,
      sleep: (ms) => {
        now += ms + 3;
        return Promise.resolve();
      },
    };
    const bucket = new TokenBucket(2, 1, late);
    // When each got its token: when it asked, and how long it waited.
    const at = await Promise.all(
      Array.from({ length: 10 }, () => {
        const asked = now;
        return bucket.takeBackground().then((waited) => asked + waited);
      }),
    );
    // Each late wake is credited to the next wait: 10 calls at 2 a second still end near 9 × 500 ms.
    expect(at.at(-1)!).toBeLessThanOrEqual(9 * 500 + 3);
    for (let i = 1; i < at.length; i += 1) expect(at[i]! - at[i - 1]!).toBeGreaterThan(0);
  });
});

describe('the lanes of AwsLimiter', () => {
  it('takes the lane from the work under way: background inside inBackground, interactive otherwise', async () => {
    expect(currentLane()).toBe('interactive');
    await inBackground(async () => {
      await Promise.resolve();
      expect(currentLane()).toBe('background');
      expect(inInteractive(() => currentLane())).toBe('interactive');
    });
    expect(currentLane()).toBe('interactive');
  });

  it('counts background calls apart and lets an interactive sso-admin call ahead of a queued audit', async () => {
    const clock = steppedClock();
    const limiter = new AwsLimiter({ ...awsRateLimits, ssoAdminPerSecond: 20 }, clock);
    const { log, record } = served(clock);
    const audit = inBackground(() =>
      Array.from({ length: 30 }, (_v, i) =>
        limiter.take('sso-admin', 'ListAccountAssignments').then(record(`audit${i}`)),
      ),
    );
    await clock.advanceTo(75);
    const approval = limiter.take('sso-admin', 'CreateAccountAssignment').then(record('approval'));
    await clock.runAll();
    await Promise.all([...audit, approval]);
    expect(log.map((e) => e.who).slice(0, 3)).toEqual(['audit0', 'audit1', 'approval']);
    expect(log.find((e) => e.who === 'approval')!.at).toBe(100);
    expect(limiter.stats()).toMatchObject({ calls: 31, backgroundCalls: 30, backgroundDelayedCalls: 29 });
  });

  it('keeps each replica to its share in the background lane too', async () => {
    const clock = steppedClock();
    const limiter = new AwsLimiter({ ...awsRateLimits, ssoAdminPerSecond: 20 }, clock);
    limiter.shareAmong(2);
    const { log, record } = served(clock);
    const audit = inBackground(() =>
      Array.from({ length: 5 }, (_v, i) =>
        limiter.take('sso-admin', 'ListAccountAssignments').then(record(`a${i}`)),
      ),
    );
    await clock.advanceTo(150);
    const approval = limiter.take('sso-admin', 'CreateAccountAssignment').then(record('approval'));
    await clock.runAll();
    await Promise.all([...audit, approval]);
    // 10 a second: tokens every 100 ms; the approval, asked at 150 ms, takes the one due at 200 ms.
    expect(log.map((e) => [e.who, e.at])).toEqual([
      ['a0', 0],
      ['a1', 100],
      ['approval', 200],
      ['a2', 300],
      ['a3', 400],
      ['a4', 500],
    ]);
  });
});

describe('the lane of a job', () => {
  it('runs the audit, expiries, the ending of their sessions, reminders and Home tabs in the background, and people’s work interactively', () => {
    expect(jobLane({ kind: 'audit', payload: {} })).toBe('background');
    expect(jobLane({ kind: 'end_grant', payload: { reason: 'expired' } })).toBe('background');
    expect(jobLane({ kind: 'remind_approvers', payload: {} })).toBe('background');
    expect(jobLane({ kind: 'end_sessions', payload: {} })).toBe('background');
    expect(jobLane({ kind: 'home', payload: { userId: 'U1' } })).toBe('background');
    expect(jobLane({ kind: 'end_grant', payload: { reason: 'revoked' } })).toBe('interactive');
    expect(jobLane({ kind: 'provision', payload: {} })).toBe('interactive');
    expect(jobLane({ kind: 'decide', payload: {} })).toBe('interactive');
  });
});
