/**
 * The AWS SDK's logger, onto pino. Without one the SDK writes nothing (its NoOpLogger); with this one its lines
 * pass through the same redaction as ours (src/log-redact.ts). The SDK says `info` for every call it makes
 * (command, input and output with the fields its models mark sensitive already masked) and `error` for every
 * call that fails, expected failures included (a user not found before one is created): both are debug lines
 * here, since the adapter says what went wrong in its own words. Its own debug lines are trace lines here, its
 * warnings stay warnings.
 */
import type { Logger } from '../log.js';

/** The shape of the SDK's Logger (@smithy/types), declared here so nothing in src/aws imports SDK internals. */
export interface SdkLogger {
  debug: (...content: unknown[]) => void;
  info: (...content: unknown[]) => void;
  warn: (...content: unknown[]) => void;
  error: (...content: unknown[]) => void;
}

type Line = [fields: Record<string, unknown>, msg: string];

/** `{ clientName, commandName, input, output | error, metadata }`, or words, as one pino line. */
function line(content: unknown[]): Line {
  const words: string[] = [];
  const fields: Record<string, unknown> = {};
  for (const part of content) {
    if (part instanceof Error) {
      fields.err = part;
      words.push(part.message);
    } else if (part !== null && typeof part === 'object') {
      const { error, commandName, clientName, ...rest } = part as Record<string, unknown>;
      if (typeof clientName === 'string' && typeof commandName === 'string') {
        words.push(`${clientName} ${commandName}`);
      }
      if (error instanceof Error) fields.err = error;
      fields.sdk = { ...(typeof commandName === 'string' ? { commandName } : {}), ...rest };
    } else words.push(String(part));
  }
  return [fields, words.join(' ')];
}

export function sdkLogger(logger: Logger): SdkLogger {
  return {
    // Its debug lines are its internals (where it looked for settings, how it chose the endpoint): many per call.
    debug: (...content) => logger.trace(...line(content)),
    info: (...content) => logger.debug(...line(content)),
    warn: (...content) => logger.warn(...line(content)),
    error: (...content) => logger.debug(...line(content)),
  };
}
