/**
 * Client-side limits, so that the bot stays inside AWS's rate limits instead of bouncing off them:
 * - sso-admin: one budget shared by all its APIs (20 requests/s);
 * - identitystore: a budget per API (20 requests/s each);
 * - at most 15 CreateAccountAssignment operations in progress (a semaphore, held until the outcome is known);
 * - CloudTrail LookupEvents: 2 requests/s per account and region, the tightest of them all.
 * Time is injected so that the arithmetic is tested without waiting.
 */

export interface LimiterClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemLimiterClock: LimiterClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface RateLimits {
  /** All sso-admin APIs together. */
  ssoAdminPerSecond: number;
  /** Each identitystore API on its own. */
  identityStorePerSecondPerApi: number;
  /** SES and IAM have no published per-API figure here: absent means no client-side pacing (retries only). */
  sesPerSecond?: number;
  iamPerSecond?: number;
  /** CloudTrail LookupEvents (the sign-in history): AWS allows 2 per second per account and region. */
  cloudTrailPerSecond: number;
  /** Requests that may go at once after a quiet spell. 1 spaces calls evenly, which any server-side window accepts. */
  burst: number;
  /** CreateAccountAssignment operations in progress at once. */
  maxAssignmentCreationsInProgress: number;
}

export const awsRateLimits: RateLimits = {
  ssoAdminPerSecond: 20,
  identityStorePerSecondPerApi: 20,
  cloudTrailPerSecond: 2,
  burst: 1,
  maxAssignmentCreationsInProgress: 15,
};

/**
 * A token bucket that hands out reservations: a caller that finds it empty is told how long to wait for its
 * own token, so callers are served in arrival order without a queue.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    public ratePerSecond: number,
    readonly burst: number,
    private readonly clock: LimiterClock = systemLimiterClock,
  ) {
    if (!(ratePerSecond > 0)) throw new Error(`a token bucket needs a positive rate, not ${ratePerSecond}`);
    if (!(burst >= 1)) throw new Error(`a token bucket needs a burst of at least 1, not ${burst}`);
    this.tokens = burst;
    this.last = clock.now();
  }

  /** A new rate from now on (tokens already earned are kept, up to the burst). */
  setRate(ratePerSecond: number): void {
    if (!(ratePerSecond > 0)) throw new Error(`a token bucket needs a positive rate, not ${ratePerSecond}`);
    this.reserve();
    this.tokens += 1; // reserve() took one to bring the bucket up to date: give it back
    this.ratePerSecond = ratePerSecond;
  }

  /** Takes a token now and says how many milliseconds its holder must wait before using it. */
  reserve(): number {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.last);
    this.last = now;
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.ratePerSecond) / 1000) - 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.ratePerSecond);
  }

  async take(): Promise<number> {
    const wait = this.reserve();
    if (wait > 0) await this.clock.sleep(wait);
    return wait;
  }
}

/** Counts permits in use; waiters are served first come, first served. */
export class Semaphore {
  private used = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(public permits: number) {
    if (!(permits >= 1)) throw new Error(`a semaphore needs at least 1 permit, not ${permits}`);
  }

  /**
   * Fewer or more permits from now on. Fewer: permits in use stay in use, and no waiter is let in until use has
   * fallen below the new number. More: waiters are let in at once.
   */
  setPermits(permits: number): void {
    if (!(permits >= 1)) throw new Error(`a semaphore needs at least 1 permit, not ${permits}`);
    this.permits = permits;
    while (this.used < this.permits && this.waiters.length > 0) {
      this.used += 1;
      this.waiters.shift()?.();
    }
  }

  get inUse(): number {
    return this.used;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  /** Resolves with the function that gives the permit back (calling it twice gives it back once). */
  async acquire(): Promise<() => void> {
    if (this.used < this.permits) {
      this.used += 1;
    } else {
      // The permit passes straight from the releaser to this waiter, so `used` does not change.
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // The permit passes to a waiter only while use is within the permits (they may have been cut meanwhile).
      const next = this.used <= this.permits ? this.waiters.shift() : undefined;
      if (next !== undefined) next();
      else this.used -= 1;
    };
  }
}

export type AwsService = 'identitystore' | 'sso-admin' | 'sesv2' | 'iam' | 'cloudtrail';

export interface LimiterStats {
  /** Calls that went through the limiter. */
  calls: number;
  /** Calls that had to wait for a token, and for how long in all. */
  delayedCalls: number;
  delayedMs: number;
  /** Throttling answers that AWS still gave (each retried or turned into `throttled`). */
  throttled: number;
}

export class AwsLimiter {
  readonly assignmentCreations: Semaphore;
  private readonly ssoAdmin: TokenBucket;
  private readonly identityStore = new Map<string, TokenBucket>();
  private readonly ses: TokenBucket | undefined;
  private readonly iam: TokenBucket | undefined;
  private readonly cloudTrail: TokenBucket;
  private readonly counters: LimiterStats = { calls: 0, delayedCalls: 0, delayedMs: 0, throttled: 0 };
  private replicas = 1;

  constructor(
    readonly limits: RateLimits = awsRateLimits,
    readonly clock: LimiterClock = systemLimiterClock,
  ) {
    this.ssoAdmin = new TokenBucket(limits.ssoAdminPerSecond, limits.burst, clock);
    this.ses = limits.sesPerSecond === undefined ? undefined : new TokenBucket(limits.sesPerSecond, 1, clock);
    this.iam = limits.iamPerSecond === undefined ? undefined : new TokenBucket(limits.iamPerSecond, 1, clock);
    // Burst 1 whatever the others' burst: two calls at once would already be AWS's whole second.
    this.cloudTrail = new TokenBucket(limits.cloudTrailPerSecond, 1, clock);
    this.assignmentCreations = new Semaphore(limits.maxAssignmentCreationsInProgress);
  }

  /** Waits until a call to this operation is within the rate limits. */
  async take(service: AwsService, operation: string): Promise<void> {
    this.counters.calls += 1;
    const bucket = this.bucketFor(service, operation);
    if (bucket === undefined) return;
    const waited = await bucket.take();
    if (waited > 0) {
      this.counters.delayedCalls += 1;
      this.counters.delayedMs += waited;
    }
  }

  /**
   * AWS's limits are the account's, not the process's: with `replicas` processes sharing the account, each keeps
   * to its share of every rate and of the assignment creations in progress, so that together they stay inside
   * AWS's limits. 1 (the default) is the whole budget.
   */
  shareAmong(replicas: number): void {
    const n = Math.max(1, Math.floor(replicas));
    if (n === this.replicas) return;
    this.replicas = n;
    this.ssoAdmin.setRate(this.limits.ssoAdminPerSecond / n);
    for (const bucket of this.identityStore.values())
      bucket.setRate(this.limits.identityStorePerSecondPerApi / n);
    if (this.ses !== undefined && this.limits.sesPerSecond !== undefined)
      this.ses.setRate(this.limits.sesPerSecond / n);
    if (this.iam !== undefined && this.limits.iamPerSecond !== undefined)
      this.iam.setRate(this.limits.iamPerSecond / n);
    this.cloudTrail.setRate(this.limits.cloudTrailPerSecond / n);
    this.assignmentCreations.setPermits(
      Math.max(1, Math.floor(this.limits.maxAssignmentCreationsInProgress / n)),
    );
  }

  /** How many processes this one shares AWS's limits with (itself included). */
  get sharedAmong(): number {
    return this.replicas;
  }

  recordThrottled(): void {
    this.counters.throttled += 1;
  }

  stats(): LimiterStats {
    return { ...this.counters };
  }

  private bucketFor(service: AwsService, operation: string): TokenBucket | undefined {
    switch (service) {
      case 'sso-admin':
        return this.ssoAdmin;
      case 'identitystore': {
        let bucket = this.identityStore.get(operation);
        if (bucket === undefined) {
          bucket = new TokenBucket(
            this.limits.identityStorePerSecondPerApi / this.replicas,
            this.limits.burst,
            this.clock,
          );
          this.identityStore.set(operation, bucket);
        }
        return bucket;
      }
      case 'sesv2':
        return this.ses;
      case 'iam':
        return this.iam;
      case 'cloudtrail':
        return this.cloudTrail;
    }
  }
}

/** Exponential backoff with jitter: a random wait between half and all of min(max, base·2^attempt). */
export function backoffDelay(
  attempt: number,
  options: { baseMs: number; maxMs: number },
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
