/**
 * Every AWS call goes through `send`: it waits for the limiter, retries throttling (always safe: AWS did
 * nothing) and transient failures (only when the caller says the call is safe to repeat), with backoff and
 * jitter, a bounded number of times, and turns what is left into an AWS error the caller can inspect.
 */
import type { Logger } from '../log.js';
import type { AwsFailure } from '../access/ports.js';
import { awsErrorName, isAwsError, isThrottling, isTransient, retryAfterMs, toFailure } from './errors.js';
import { backoffDelay, type AwsLimiter, type AwsService, type LimiterClock } from './limiter.js';

export interface RetryPolicy {
  /** Attempts per call, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 5_000 };

/** What every module of the adapter shares. */
export interface CallContext {
  limiter: AwsLimiter;
  clock: LimiterClock;
  retry: RetryPolicy;
  logger: Logger;
  random?: () => number;
}

export interface CallSpec {
  service: AwsService;
  operation: string;
  /** Whether repeating the call after a failure whose effect is unknown (5xx, network) does no harm. */
  safeToRetry: boolean;
  /** What the call is about, for messages. */
  resource?: string;
}

/** The answer, or the AWS error that ended the call: `name` to branch on, `failure` to pass on. */
export type Sent<T> =
  { ok: true; value: T } | { ok: false; name: string | undefined; error: unknown; failure: AwsFailure };

export async function send<T>(ctx: CallContext, spec: CallSpec, call: () => Promise<T>): Promise<Sent<T>> {
  const { retry } = ctx;
  for (let attempt = 1; ; attempt += 1) {
    await ctx.limiter.take(spec.service, spec.operation);
    const started = ctx.clock.now();
    try {
      const value = await call();
      ctx.logger.debug({ operation: spec.operation, attempt, ms: ctx.clock.now() - started }, 'aws call');
      return { ok: true, value };
    } catch (error) {
      if (!isAwsError(error)) throw error;
      const name = awsErrorName(error);
      const throttled = isThrottling(error);
      if (throttled) ctx.limiter.recordThrottled();
      const retryable = throttled || (spec.safeToRetry && isTransient(error));
      if (retryable && attempt < retry.maxAttempts) {
        const delay = Math.max(
          backoffDelay(attempt - 1, { baseMs: retry.baseDelayMs, maxMs: retry.maxDelayMs }, ctx.random),
          Math.min(retryAfterMs(error) ?? 0, retry.maxDelayMs),
        );
        ctx.logger.warn(
          { operation: spec.operation, attempt, awsError: name, delayMs: delay },
          'aws call retried',
        );
        await ctx.clock.sleep(delay);
        continue;
      }
      const failure = toFailure(error, {
        operation: spec.operation,
        ...(spec.resource !== undefined ? { resource: spec.resource } : {}),
        attempts: attempt,
      });
      ctx.logger.debug(
        { operation: spec.operation, attempt, awsError: name, code: failure.code },
        'aws call failed',
      );
      return { ok: false, name, error, failure };
    }
  }
}
