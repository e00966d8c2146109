/**
 * The Slack secrets, read only from the environment. Which ones must come together is Bolt's rule: a bot
 * token always, with a signing secret for HTTP mode or an app-level token for Socket Mode. None at all
 * is the local sandbox. Messages never repeat a value.
 */
import type { SecretsConfig } from './types.js';
import { problem, type Problem } from './problem.js';

type Env = Readonly<Record<string, string | undefined>>;

/** An unset variable and an empty one (a blank line in an env file) mean the same. */
const read = (env: Env, name: string): string | undefined => {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
};

export function readSecrets(env: Env): { secrets: SecretsConfig; problems: Problem[] } {
  const slackBotToken = read(env, 'SLACK_BOT_TOKEN');
  const slackSigningSecret = read(env, 'SLACK_SIGNING_SECRET');
  const slackAppToken = read(env, 'SLACK_APP_TOKEN');
  const problems: Problem[] = [];

  if (slackBotToken !== undefined && !slackBotToken.startsWith('xoxb-')) {
    problems.push(
      problem(
        ['SLACK_BOT_TOKEN'],
        'must be a bot token (xoxb-…, on the Slack app\'s "OAuth & Permissions" page)',
      ),
    );
  }
  if (slackAppToken !== undefined && !slackAppToken.startsWith('xapp-')) {
    problems.push(
      problem(
        ['SLACK_APP_TOKEN'],
        'must be an app-level token (xapp-…, on the Slack app\'s "Basic Information" page, with connections:write)',
      ),
    );
  }
  if (slackBotToken === undefined && (slackSigningSecret !== undefined || slackAppToken !== undefined)) {
    const given = slackAppToken !== undefined ? 'SLACK_APP_TOKEN' : 'SLACK_SIGNING_SECRET';
    problems.push(problem(['SLACK_BOT_TOKEN'], `is required when ${given} is set`));
  }
  if (slackBotToken !== undefined && slackSigningSecret === undefined && slackAppToken === undefined) {
    problems.push(
      problem(
        ['SLACK_SIGNING_SECRET'],
        'is required with SLACK_BOT_TOKEN for HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)',
      ),
    );
  }

  // On-call auto-approval's PagerDuty REST API key: optional (without it, PagerDuty schedules cannot be read).
  const pagerdutyToken = read(env, 'PAGERDUTY_TOKEN');
  const secrets: SecretsConfig = {
    ...(slackBotToken !== undefined && { slackBotToken }),
    ...(slackSigningSecret !== undefined && { slackSigningSecret }),
    ...(slackAppToken !== undefined && { slackAppToken }),
    ...(pagerdutyToken !== undefined && { pagerdutyToken }),
  };
  return { secrets, problems };
}

/** The AWS credentials the SDK's default chain reads from the environment when they are set there. */
const AWS_SECRET_VARIABLES = ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;

/**
 * Every secret value this process holds, for the logger to redact exactly wherever it appears: the Slack
 * secrets read above, and the AWS credentials when the environment holds them as static values. (Credentials
 * the SDK obtains later, from a role or a profile, are caught by their form only.)
 */
export function secretValues(secrets: SecretsConfig, env: Env): string[] {
  const values = [
    secrets.slackBotToken,
    secrets.slackSigningSecret,
    secrets.slackAppToken,
    secrets.pagerdutyToken,
  ];
  for (const name of AWS_SECRET_VARIABLES) values.push(read(env, name));
  return values.filter((v): v is string => v !== undefined);
}
