/**
 * Bolt and the Web API client log through their own Logger interface; this one forwards to pino so their lines
 * are structured and pass through the same redaction as ours. Their debug level dumps whole payloads, so it
 * stays off unless asked for.
 */
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../log.js';

const ORDER: Record<LogLevel, number> = {
  [LogLevel.DEBUG]: 0,
  [LogLevel.INFO]: 1,
  [LogLevel.WARN]: 2,
  [LogLevel.ERROR]: 3,
};

const joined = (parts: unknown[]): string =>
  parts
    .map((p) => (typeof p === 'string' ? p : p instanceof Error ? p.message : JSON.stringify(p)))
    .join(' ');

export function boltLogger(logger: Logger, initial: LogLevel = LogLevel.INFO): BoltLogger {
  let level = initial;
  let log = logger;
  const enabled = (l: LogLevel): boolean => ORDER[l] >= ORDER[level];
  return {
    debug: (...msg: unknown[]) => {
      if (enabled(LogLevel.DEBUG)) log.debug(joined(msg));
    },
    info: (...msg: unknown[]) => {
      if (enabled(LogLevel.INFO)) log.info(joined(msg));
    },
    warn: (...msg: unknown[]) => {
      if (enabled(LogLevel.WARN)) log.warn(joined(msg));
    },
    error: (...msg: unknown[]) => {
      if (enabled(LogLevel.ERROR)) log.error(joined(msg));
    },
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: (name: string) => {
      log = logger.child({ component: name });
    },
  };
}
