/**
 * The Web API client outside Bolt's listeners (the notifier, the people directory), built the same way as the
 * app's own: one token, and in tests or the sandbox one base URL that nothing escapes.
 */
import { LogLevel, webApi } from '@slack/bolt';
import type { Logger } from '../log.js';
import { boltLogger, slackLogLevel } from './bolt-logger.js';

export type WebClient = webApi.WebClient;
export type WebClientOptions = webApi.WebClientOptions;

export interface SlackClientOptions {
  token: string;
  logger: Logger;
  /** A local fake or the sandbox's console; absent: Slack itself. */
  slackApiUrl?: string;
}

/**
 * Client options shared by the app and every other client. With a local URL: no retries (a fake answers at
 * once, and a test must see the first failure) and no absolute URLs (a method name can never leave it).
 * Against Slack: a few retries only, because every notifier call runs in a durable job that retries anyway.
 */
export function slackClientOptions(logger: Logger, slackApiUrl?: string): WebClientOptions {
  // Warnings only, unless our logger is at debug: then the client's request lines too (redacted like ours).
  const level = slackLogLevel(logger, LogLevel.WARN);
  const base: WebClientOptions = {
    logger: boltLogger(logger.child({ module: 'slack.web-api' }), level),
    logLevel: level,
  };
  if (slackApiUrl !== undefined) {
    return { ...base, slackApiUrl, retryConfig: { retries: 0 }, allowAbsoluteUrls: false };
  }
  return { ...base, retryConfig: { retries: 3, factor: 2, minTimeout: 1_000, maxTimeout: 10_000 } };
}

export function createSlackClient(options: SlackClientOptions): WebClient {
  return new webApi.WebClient(options.token, slackClientOptions(options.logger, options.slackApiUrl));
}
