import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { createSlackApp, SlackSetupError } from '../../src/slack/app.js';
import type { AccessApi } from '../../src/access/api.js';
import type { ClickApi } from '../../src/access/click-api.js';
import { testConfig } from '../support/slack-fixtures.js';

// Setup is refused before any listener could need the service, so an empty one will do.
const access = {} as AccessApi;
const clicks = {} as ClickApi;
const base = { config: testConfig(), access, clicks, logger: silentLogger, botId: 'B1', botUserId: 'U1' };

describe('createSlackApp', () => {
  it('refuses to start without a bot token', () => {
    expect(() => createSlackApp({ ...base, secrets: { slackSigningSecret: 's' } })).toThrow(SlackSetupError);
  });

  it('refuses HTTP mode without a signing secret', () => {
    expect(() => createSlackApp({ ...base, secrets: { slackBotToken: 'xoxb-1' } })).toThrow(
      /SLACK_SIGNING_SECRET/,
    );
  });

  it('refuses Socket Mode without an app token', () => {
    expect(() => createSlackApp({ ...base, socketMode: true, secrets: { slackBotToken: 'xoxb-1' } })).toThrow(
      /SLACK_APP_TOKEN/,
    );
  });

  it('chooses Socket Mode when an app token is given, without needing a signing secret', () => {
    const slack = createSlackApp({ ...base, secrets: { slackBotToken: 'xoxb-1', slackAppToken: 'xapp-1' } });
    expect(slack.app).toBeDefined();
  });
});
