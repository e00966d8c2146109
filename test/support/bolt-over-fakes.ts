/**
 * The real Bolt app on loopback, its services faked: the access service (and the admin one, when given) as
 * test doubles, clicks run through the real ClickDesk over an in-memory runner, Web API calls to a fake Slack.
 */
import type { AdminApi } from '../../src/access/admin-api.js';
import type { AccessApi } from '../../src/access/api.js';
import type { AccessDeskConfig } from '../../src/config/types.js';
import type { Logger } from '../../src/log.js';
import { createSlackApp, type SlackApp } from '../../src/slack/app.js';
import { fakeClicks, type FakeClickRunner } from './fake-clicks.js';
import type { FakeSlack } from './fake-slack.js';

export function boltOverFakes(options: {
  config: AccessDeskConfig;
  secrets: { slackBotToken: string; slackSigningSecret: string };
  access: AccessApi;
  admin?: AdminApi;
  logger: Logger;
  fake: FakeSlack;
  /** The in-memory runner the clicks are recorded on (a test may make recording fail). */
  clickRunner?: FakeClickRunner;
}): SlackApp {
  const { access, admin } = options;
  return createSlackApp({
    config: options.config,
    secrets: options.secrets,
    access,
    clicks: fakeClicks({ access, ...(admin !== undefined ? { admin } : {}) }, options.clickRunner),
    ...(admin !== undefined ? { admin } : {}),
    logger: options.logger,
    slackApiUrl: options.fake.apiUrl,
    botId: 'B0000BOT',
    botUserId: 'U0000BOT',
    port: 0,
    host: '127.0.0.1',
  });
}
