import { pino, type Logger, type DestinationStream } from 'pino';
import { createLineRedactor } from './log-redact.js';

export interface LoggerOptions {
  level?: string;
  /** Where lines go; stdout by default. Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
  /**
   * Values that never reach a log line, wherever they appear and whatever their form: the configured Slack
   * tokens and signing secret, static AWS credentials (see `secretValues` in config/secrets.ts).
   */
  secrets?: readonly string[];
}

/**
 * The one way the product makes its root logger; modules take `logger.child({ module })`. Every line, whoever
 * writes it (our modules, Bolt and the Web API client through bolt-logger, the AWS SDK through aws-logger),
 * passes through the redactor of log-redact.ts on its way out: secret fields at any depth, secret values in any
 * string, the given secrets exactly.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const redact = createLineRedactor(options.secrets ?? []);
  return pino(
    {
      level: options.level ?? 'info',
      base: { app: 'access-desk' },
      hooks: { streamWrite: redact },
    },
    options.destination,
  );
}

/** A logger that writes nothing, for tests and library use. */
export const silentLogger: Logger = pino({ level: 'silent' });

export type { Logger };
