import { describe, expect, it } from 'vitest';
import {
  AwsLimiter,
  Semaphore,
  TokenBucket,
  awsRateLimits,
  backoffDelay,
  type LimiterClock,
} from '../../src/aws/limiter.js';

/** A clock that only moves when told to; `sleep` moves it by the time asked. */
function manualClock(start = 0): LimiterClock & { advance(ms: number): void; slept: number[] } {
  let now = start;
  const slept: number[] = [];
  return {
    now: () => now,
    sleep: (ms) => {
      slept.push(ms);
      now += ms;
      return Promise.resolve();
    },
    advance: (ms) => {
      now += ms;
    },
    slept,
  };
}

describe('TokenBucket', () => {
  it('lets a full burst go at once and then spaces calls at the rate', () => {
    const clock = manualClock();
    const bucket = new TokenBucket(20, 3, clock);
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 0, 0]);
    // The next tokens come every 50 ms; each caller is told to wait for its own.
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([50, 100, 150]);
  });

  it('refills over time but never above its burst', () => {
    const clock = manualClock();
    const bucket = new TokenBucket(10, 2, clock);
    bucket.reserve();
    bucket.reserve();
    clock.advance(10_000);
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 0, 100]);
  });

  it('credits the time waited, so a caller that waited its turn does not wait again', () => {
    const clock = manualClock();
    const bucket = new TokenBucket(20, 1, clock);
    expect(bucket.reserve()).toBe(0);
    expect(bucket.reserve()).toBe(50);
    clock.advance(50);
    expect(bucket.reserve()).toBe(50);
    clock.advance(75);
    expect(bucket.reserve()).toBe(25);
  });

  it('keeps 200 calls at 20 per second within any one-second window', async () => {
    const clock = manualClock();
    const bucket = new TokenBucket(20, 1, clock);
    const sentAt: number[] = [];
    for (let i = 0; i < 200; i += 1) {
      await bucket.take();
      sentAt.push(clock.now());
    }
    for (const start of sentAt) {
      expect(sentAt.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(20);
    }
    expect(sentAt.at(-1)).toBe(199 * 50);
  });

  it('refuses a rate or burst that would never hand out a token', () => {
    expect(() => new TokenBucket(0, 1)).toThrow(/positive rate/);
    expect(() => new TokenBucket(5, 0)).toThrow(/burst/);
  });
});

describe('Semaphore', () => {
  it('holds at most its permits and lets the next waiter in when one is given back', async () => {
    const semaphore = new Semaphore(15);
    const releases = await Promise.all(Array.from({ length: 15 }, () => semaphore.acquire()));
    expect(semaphore.inUse).toBe(15);

    let sixteenthIn = false;
    const sixteenth = semaphore.acquire().then((release) => {
      sixteenthIn = true;
      return release;
    });
    await Promise.resolve();
    expect(sixteenthIn).toBe(false);
    expect(semaphore.waiting).toBe(1);

    releases[0]!();
    const release16 = await sixteenth;
    expect(sixteenthIn).toBe(true);
    expect(semaphore.inUse).toBe(15);
    expect(semaphore.waiting).toBe(0);

    release16();
    for (const release of releases.slice(1)) release();
    expect(semaphore.inUse).toBe(0);
  });

  it('serves waiters first come, first served', async () => {
    const semaphore = new Semaphore(1);
    const first = await semaphore.acquire();
    const order: number[] = [];
    const waiters = [1, 2, 3].map((n) =>
      semaphore.acquire().then((release) => {
        order.push(n);
        release();
      }),
    );
    first();
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
  });

  it('gives a permit back only once however often release is called', async () => {
    const semaphore = new Semaphore(2);
    const release = await semaphore.acquire();
    await semaphore.acquire();
    release();
    release();
    expect(semaphore.inUse).toBe(1);
  });

  it('never has more than 15 in progress when 40 tasks compete for it', async () => {
    const semaphore = new Semaphore(15);
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 40 }, async () => {
        const release = await semaphore.acquire();
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 1));
        running -= 1;
        release();
      }),
    );
    expect(peak).toBe(15);
    expect(semaphore.inUse).toBe(0);
  });
});

describe('AwsLimiter', () => {
  it('shares one budget across every sso-admin API', async () => {
    const clock = manualClock();
    const limiter = new AwsLimiter({ ...awsRateLimits, ssoAdminPerSecond: 10 }, clock);
    await limiter.take('sso-admin', 'ListPermissionSets');
    await limiter.take('sso-admin', 'DescribePermissionSet');
    await limiter.take('sso-admin', 'CreateAccountAssignment');
    expect(clock.slept).toEqual([100, 100]);
  });

  it('gives each identitystore API a budget of its own', async () => {
    const clock = manualClock();
    const limiter = new AwsLimiter({ ...awsRateLimits, identityStorePerSecondPerApi: 10 }, clock);
    await limiter.take('identitystore', 'GetUserId');
    await limiter.take('identitystore', 'DescribeUser');
    await limiter.take('identitystore', 'ListGroups');
    expect(clock.slept).toEqual([]);
    await limiter.take('identitystore', 'GetUserId');
    expect(clock.slept).toEqual([100]);
    expect(limiter.stats()).toMatchObject({ calls: 4, delayedCalls: 1, delayedMs: 100 });
  });

  it('does not pace SES and IAM unless given a rate for them', async () => {
    const clock = manualClock();
    const limiter = new AwsLimiter({ ...awsRateLimits, iamPerSecond: 5 }, clock);
    for (let i = 0; i < 5; i += 1) await limiter.take('sesv2', 'SendEmail');
    expect(clock.slept).toEqual([]);
    await limiter.take('iam', 'GetUser');
    await limiter.take('iam', 'ListAccessKeys');
    expect(clock.slept).toEqual([200]);
  });

  it('allows 15 assignment creations in progress by default', () => {
    expect(new AwsLimiter().assignmentCreations.permits).toBe(15);
  });

  it('keeps to half of every budget when two replicas share the account, and the whole again when alone', async () => {
    const clock = manualClock();
    const limiter = new AwsLimiter(
      { ...awsRateLimits, ssoAdminPerSecond: 20, identityStorePerSecondPerApi: 20 },
      clock,
    );
    await limiter.take('identitystore', 'GetUserId'); // a bucket made before the share changes
    limiter.shareAmong(2);
    expect(limiter.sharedAmong).toBe(2);
    expect(limiter.assignmentCreations.permits).toBe(7);

    await limiter.take('sso-admin', 'ListPermissionSets');
    await limiter.take('sso-admin', 'CreateAccountAssignment');
    await limiter.take('identitystore', 'GetUserId');
    await limiter.take('identitystore', 'DescribeUser'); // a bucket made after
    await limiter.take('identitystore', 'DescribeUser');
    // 10 a second each: the second sso-admin call and the second DescribeUser wait 100 ms (the whole budget
    // spaced them 50 ms); GetUserId earned its token at the halved rate while sso-admin waited.
    expect(clock.slept).toEqual([100, 100]);

    limiter.shareAmong(1);
    clock.slept.length = 0;
    clock.advance(1_000);
    await limiter.take('sso-admin', 'ListPermissionSets');
    await limiter.take('sso-admin', 'ListPermissionSets');
    expect(clock.slept).toEqual([50]);
    expect(limiter.assignmentCreations.permits).toBe(15);
  });
});

describe('Semaphore with fewer permits', () => {
  it('lets no waiter in until use has fallen below the new number, and lets them in when permits grow', async () => {
    const semaphore = new Semaphore(4);
    const held = await Promise.all([1, 2, 3, 4].map(() => semaphore.acquire()));
    semaphore.setPermits(2);
    let waiterIn = false;
    const waiting = semaphore.acquire().then((release) => {
      waiterIn = true;
      return release;
    });

    held[0]!();
    held[1]!();
    await Promise.resolve();
    expect(waiterIn).toBe(false);
    expect(semaphore.inUse).toBe(2);
    held[2]!();
    await waiting;
    expect(waiterIn).toBe(true);
    expect(semaphore.inUse).toBe(2);

    const more = semaphore.acquire();
    semaphore.setPermits(3);
    (await more)();
    expect(semaphore.inUse).toBe(2);
  });
});

describe('backoffDelay', () => {
  it('doubles from the base up to the maximum, with jitter in the upper half', () => {
    const options = { baseMs: 100, maxMs: 1_000 };
    expect([0, 1, 2, 3, 4, 10].map((n) => backoffDelay(n, options, () => 1))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect([0, 1, 2, 3, 4].map((n) => backoffDelay(n, options, () => 0))).toEqual([50, 100, 200, 400, 500]);
  });
});
