/**
 * Bolt and the Web API client log through their own Logger interface; this one forwards to pino so their lines
 * are structured and pass through the same redaction as ours (src/log-redact.ts): their words become the
 * message, an Error the `err` field (message and stack), anything else `details`, serialized by pino (so a
 * cycle or a BigInt cannot throw here). Their debug level dumps request URLs, bodies and headers; it is on only
 * when our own logger is at debug or trace.
 */
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../log.js';

const ORDER: Record<LogLevel, number> = {
  [LogLevel.DEBUG]: 0,
  [LogLevel.INFO]: 1,
  [LogLevel.WARN]: 2,
  [LogLevel.ERROR]: 3,
};

/** Bolt's level for a pino logger: DEBUG when ours shows debug lines, else `otherwise`. */
export function slackLogLevel(logger: Logger, otherwise: LogLevel): LogLevel {
  return logger.isLevelEnabled('debug') ? LogLevel.DEBUG : otherwise;
}

type Line = [fields: Record<string, unknown>, msg: string];

function line(parts: unknown[]): Line {
  const words: string[] = [];
  const details: unknown[] = [];
  let err: Error | undefined;
  for (const part of parts) {
    if (typeof part === 'string') words.push(part);
    else if (part instanceof Error) {
      words.push(part.message);
      if (err === undefined) err = part;
      else details.push(part);
    } else if (part === null || typeof part !== 'object') words.push(String(part));
    else details.push(part);
  }
  const fields: Record<string, unknown> = {};
  if (err !== undefined) fields.err = err;
  if (details.length > 0) fields.details = details;
  return [fields, words.join(' ')];
}

export function boltLogger(logger: Logger, initial: LogLevel = LogLevel.INFO): BoltLogger {
  let level = initial;
  let log = logger;
  const enabled = (l: LogLevel): boolean => ORDER[l] >= ORDER[level];
  return {
    debug: (...msg: unknown[]) => {
      if (enabled(LogLevel.DEBUG)) log.debug(...line(msg));
    },
    info: (...msg: unknown[]) => {
      if (enabled(LogLevel.INFO)) log.info(...line(msg));
    },
    warn: (...msg: unknown[]) => {
      if (enabled(LogLevel.WARN)) log.warn(...line(msg));
    },
    error: (...msg: unknown[]) => {
      if (enabled(LogLevel.ERROR)) log.error(...line(msg));
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
