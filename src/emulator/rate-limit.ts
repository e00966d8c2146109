import type { ServiceName } from './faults.js';

/** AWS's published limits (FACTS.md). */
export interface RateLimitSettings {
  /** All sso-admin APIs together, requests per second. */
  ssoAdminPerSecond: number;
  /** Each identitystore API on its own, requests per second. */
  identityStorePerApiPerSecond: number;
  /** CreateAccountAssignment operations IN_PROGRESS at once (not raisable in AWS). */
  maxCreateAssignmentsInProgress: number;
  /** SES v2 and IAM, each service together; AWS's are account-specific, these are generous. */
  otherPerSecond: number;
  /** CloudTrail LookupEvents, per account and region (AWS: 2, not raisable). */
  cloudTrailLookupsPerSecond: number;
}

export const awsRateLimits = (): RateLimitSettings => ({
  ssoAdminPerSecond: 20,
  identityStorePerApiPerSecond: 20,
  maxCreateAssignmentsInProgress: 15,
  otherPerSecond: 50,
  cloudTrailLookupsPerSecond: 2,
});

/** A token bucket that holds one second's worth of requests, refilled continuously. */
class Bucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly perSecond: number,
    now: number,
  ) {
    this.tokens = perSecond;
    this.last = now;
  }
  take(now: number): boolean {
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Decides whether a call is within AWS's request rates; over them, the call is throttled. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  constructor(readonly settings: RateLimitSettings | undefined) {}

  /** False when the call must be answered with ThrottlingException. `region`: the one the call was signed for. */
  admit(service: ServiceName, operation: string, now: number, region = ''): boolean {
    if (this.settings === undefined) return true;
    const [key, rate] =
      service === 'sso-admin'
        ? ['sso-admin', this.settings.ssoAdminPerSecond]
        : service === 'identitystore'
          ? [`identitystore:${operation}`, this.settings.identityStorePerApiPerSecond]
          : service === 'cloudtrail'
            ? [`cloudtrail:${region}`, this.settings.cloudTrailLookupsPerSecond]
            : [service, this.settings.otherPerSecond];
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = new Bucket(rate, now);
      this.buckets.set(key, bucket);
    }
    return bucket.take(now);
  }
}
