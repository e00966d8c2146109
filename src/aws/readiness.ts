/**
 * Whether Identity Center answers these credentials now, for /readyz, on a path of its own: its own SDK client
 * (short timeouts) and its own limiter. /readyz is open to anyone, so its AWS call must never wait in the queue of
 * the budget that grants and revocations share, nor take a token from it. /readyz asks at most once per cache
 * window (src/readiness.ts), a negligible share of AWS's 20 requests/s; this probe's own bucket (1/s) caps what it
 * could ever spend should the cache be bypassed.
 */
import { ListInstancesCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import type { AwsOutcome } from '../access/ports.js';
import type { Logger } from '../log.js';
import { send, type CallContext } from './call.js';
import type { AwsSettings } from './clients.js';
import { AwsLimiter, awsRateLimits, type LimiterClock } from './limiter.js';

export interface ReadinessProbe {
  /** One ListInstances, not retried. A throttled answer counts as reachable: AWS answered, it is only busy. */
  reachable(): Promise<AwsOutcome<{ instances: number }>>;
  /** Closes the probe's own client (not one it was handed). */
  close(): void;
}

/** A readiness probe should know quickly; work's calls may take 30 s, this one may not. */
const PROBE_TIMEOUTS = { connectionTimeout: 2_000, requestTimeout: 5_000 };
const PROBE_PER_SECOND = 1;

export function createReadinessProbe(
  settings: AwsSettings,
  options: { logger: Logger; clock: LimiterClock; client?: SSOAdminClient },
): ReadinessProbe {
  const own = options.client === undefined;
  const client =
    options.client ??
    new SSOAdminClient({
      region: settings.region,
      maxAttempts: 1,
      requestHandler: PROBE_TIMEOUTS,
      ...(settings.endpoint !== undefined ? { endpoint: settings.endpoint } : {}),
      ...(settings.credentials !== undefined ? { credentials: settings.credentials } : {}),
    });
  const ctx: CallContext = {
    limiter: new AwsLimiter({ ...awsRateLimits, ssoAdminPerSecond: PROBE_PER_SECOND }, options.clock),
    clock: options.clock,
    // Not even throttling is tried again: the next window asks afresh.
    retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
    logger: options.logger.child({ module: 'aws.readiness' }),
  };
  return {
    async reachable() {
      const listed = await send(
        ctx,
        { service: 'sso-admin', operation: 'ListInstances', safeToRetry: false },
        () => client.send(new ListInstancesCommand({ MaxResults: 1 })),
      );
      if (listed.ok) return { ok: true, value: { instances: listed.value.Instances?.length ?? 0 } };
      if (listed.failure.code === 'throttled') return { ok: true, value: { instances: 0 } };
      return { ok: false, error: listed.failure };
    },
    close() {
      if (own) client.destroy();
    },
  };
}
