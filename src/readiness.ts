/**
 * What GET /readyz asks, made safe to leave open to anyone: the ledger answers a query and Identity Center
 * answers the credentials, checked at most once per window (10 s) however many callers ask, with callers that
 * arrive while a check runs sharing it (single flight). The reasons go to the log; the route answers the status
 * alone (src/slack/app.ts).
 */
import type { AwsAdapter } from './aws/index.js';
import type { Logger } from './log.js';
import type { Readiness, ReadinessCheck } from './slack/app.js';
import type { SqlLedger } from './store/index.js';

/** How long one readiness result is given to every caller. */
export const READINESS_WINDOW_MS = 10_000;

/** Both checks, with why each failed (for the log only: AWS's words may name ARNs and account ids). */
export function readinessCheck(
  ledger: Pick<SqlLedger, 'ping'>,
  aws: Pick<AwsAdapter, 'reachable'>,
): ReadinessCheck {
  const database = async (): Promise<string> => {
    try {
      await ledger.ping();
      return 'ok';
    } catch (error) {
      return `unavailable: ${error instanceof Error ? error.message : String(error)}`;
    }
  };
  const identityCenter = async (): Promise<string> => {
    const outcome = await aws.reachable();
    return outcome.ok ? 'ok' : `${outcome.error.code}: ${outcome.error.message}`;
  };
  return async () => {
    const [db, reachable] = await Promise.all([database(), identityCenter()]);
    return { ok: db === 'ok' && reachable === 'ok', checks: { database: db, aws: reachable } };
  };
}

export interface CachedReadinessOptions {
  logger: Logger;
  /** Milliseconds; injected so the window is tested without waiting. */
  now?: () => number;
  windowMs?: number;
}

/**
 * The check run at most once per window: a result is given to every caller for `windowMs` after it came, and
 * callers that arrive while a check runs wait for that one. A fresh result that is not ok is logged (warn) with
 * its reasons, so a flood of probes logs one line per window, not one per probe.
 */
export function cachedReadiness(check: ReadinessCheck, options: CachedReadinessOptions): ReadinessCheck {
  const now = options.now ?? Date.now;
  const windowMs = options.windowMs ?? READINESS_WINDOW_MS;
  const log = options.logger.child({ module: 'readiness' });
  let last: { result: Readiness; at: number } | undefined;
  let running: Promise<Readiness> | undefined;

  const fresh = async (): Promise<Readiness> => {
    let result: Readiness;
    try {
      result = await check();
    } catch (error) {
      log.error({ err: error }, 'the readiness check failed');
      result = { ok: false, checks: { readiness: 'the check itself failed' } };
    }
    if (!result.ok) log.warn({ checks: result.checks }, 'not ready');
    last = { result, at: now() };
    running = undefined;
    return result;
  };

  return () => {
    if (last !== undefined) {
      const age = now() - last.at;
      if (age >= 0 && age < windowMs) return Promise.resolve(last.result);
    }
    running ??= fresh();
    return running;
  };
}
