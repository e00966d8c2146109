/**
 * Client-side limits, so that the bot stays inside AWS's rate limits instead of bouncing off them:
 * - sso-admin: one budget shared by all its APIs (20 requests/s);
 * - identitystore: a budget per API (20 requests/s each);
 * - at most 15 CreateAccountAssignment operations in progress (a semaphore, held until the outcome is known);
 * - CloudTrail LookupEvents: 2 requests/s per account and region, the tightest of them all.
 * Each budget is shared by two lanes (src/access/work-lane.ts): background work (the audit, grants ending by
 * expiry, reminders, Home tab reads) takes only the tokens no interactive caller waits for.
 * Time is injected so that the arithmetic is tested without waiting.
 */
import { currentLane, type WorkLane } from '../access/work-lane.js';

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

/** Tolerance for the floating-point arithmetic of refills (a token due now may come out a hair short). */
const TOKEN_EPSILON = 1e-9;

/**
 * A token bucket with two lanes.
 *
 * The interactive lane (`reserve`, `take`) hands out reservations: a caller that finds the bucket empty is told
 * how long to wait for its own token, so interactive callers are served in arrival order without a queue.
 *
 * The background lane (`takeBackground`) never reserves ahead: its callers queue in arrival order, and the one
 * at the head takes a token only when a whole one is there now, that is, when no interactive reservation is
 * waiting for it; otherwise it sleeps until the next token is due and looks again. So an interactive caller
 * waits at most one token's interval (1/rate) however long the background queue, and the background lane still
 * gets every token nobody interactive wants.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  /** Background callers waiting behind the one at the head, first come first served. */
  private readonly backgroundQueue: (() => void)[] = [];
  /** Whether a background caller is at the head (waiting for a token, or about to take one). */
  private backgroundHead = false;

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
    this.refill();
    this.ratePerSecond = ratePerSecond;
  }

  /** Background callers waiting for a token (the one at the head included). */
  get waitingInBackground(): number {
    return this.backgroundQueue.length + (this.backgroundHead ? 1 : 0);
  }

  /** Interactive: takes a token now and says how many milliseconds its holder must wait before using it. */
  reserve(): number {
    this.refill();
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.ratePerSecond);
  }

  /** Interactive: waits for a reserved token; resolves with the milliseconds waited. */
  async take(): Promise<number> {
    const wait = this.reserve();
    if (wait > 0) await this.clock.sleep(wait);
    return wait;
  }

  /** Background: waits behind interactive callers and earlier background ones; resolves with the ms waited. */
  async takeBackground(): Promise<number> {
    const started = this.clock.now();
    if (!this.backgroundHead) {
      this.refill();
      if (this.tokens >= 1 - TOKEN_EPSILON) {
        this.tokens -= 1;
        return 0;
      }
      this.backgroundHead = true;
    } else {
      // The head hands over to the next in line when it has its token (backgroundHead stays set meanwhile).
      await new Promise<void>((resolve) => this.backgroundQueue.push(resolve));
    }
    try {
      for (;;) {
        this.refill();
        if (this.tokens >= 1 - TOKEN_EPSILON) {
          this.tokens -= 1;
          break;
        }
        // Interactive reservations (a negative balance) come first: sleep until a whole token is due after them.
        await this.clock.sleep(Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond)));
      }
    } finally {
      const next = this.backgroundQueue.shift();
      if (next !== undefined) next();
      else {
        this.backgroundHead = false;
        this.tokens = Math.min(this.tokens, this.burst);
      }
    }
    return Math.max(0, this.clock.now() - started);
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.last);
    this.last = now;
    // While a background caller waits, a token that came due before its timer fired is still its own (so a
    // bucket of burst 1 may hold up to 2 meanwhile): a late timer does not slow the background lane below the
    // rate. Nobody waiting, the bucket fills to its burst only.
    const cap = this.backgroundHead ? Math.max(this.burst, 2) : this.burst;
    this.tokens = Math.min(cap, this.tokens + (elapsed * this.ratePerSecond) / 1000);
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
  /** Of the calls above, those made in the background lane, and their waits. */
  backgroundCalls: number;
  backgroundDelayedCalls: number;
  backgroundDelayedMs: number;
}

export class AwsLimiter {
  readonly assignmentCreations: Semaphore;
  private readonly ssoAdmin: TokenBucket;
  private readonly identityStore = new Map<string, TokenBucket>();
  private readonly ses: TokenBucket | undefined;
  private readonly iam: TokenBucket | undefined;
  private readonly cloudTrail: TokenBucket;
  private readonly counters: LimiterStats = {
    calls: 0,
    delayedCalls: 0,
    delayedMs: 0,
    throttled: 0,
    backgroundCalls: 0,
    backgroundDelayedCalls: 0,
    backgroundDelayedMs: 0,
  };
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

  /**
   * Waits until a call to this operation is within the rate limits: in the lane of the work under way unless
   * told (background work waits for the tokens no interactive caller wants).
   */
  async take(service: AwsService, operation: string, lane: WorkLane = currentLane()): Promise<void> {
    const background = lane === 'background';
    this.counters.calls += 1;
    if (background) this.counters.backgroundCalls += 1;
    const bucket = this.bucketFor(service, operation);
    if (bucket === undefined) return;
    const waited = background ? await bucket.takeBackground() : await bucket.take();
    if (waited > 0) {
      this.counters.delayedCalls += 1;
      this.counters.delayedMs += waited;
      if (background) {
        this.counters.backgroundDelayedCalls += 1;
        this.counters.backgroundDelayedMs += waited;
      }
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
