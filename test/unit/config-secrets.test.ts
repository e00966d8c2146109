import { describe, expect, it } from 'vitest';
import { readSecrets, secretValues } from '../../src/config/secrets.js';

describe('the secret values the logger redacts exactly', () => {
  it('are the Slack secrets read from the environment and the static AWS credentials held there', () => {
    const env = {
      SLACK_BOT_TOKEN: 'xoxb-1-abc',
      SLACK_SIGNING_SECRET: ' 0123456789abcdef0123456789abcdef ',
      SLACK_APP_TOKEN: 'xapp-1-def',
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      AWS_SESSION_TOKEN: 'IQoJb3JpZ2luX2VjEJr',
      AWS_REGION: 'eu-west-1',
    };
    expect(secretValues(readSecrets(env).secrets, env)).toEqual([
      'xoxb-1-abc',
      '0123456789abcdef0123456789abcdef',
      'xapp-1-def',
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'IQoJb3JpZ2luX2VjEJr',
    ]);
  });

  it('are none when nothing secret is set, and empty values are no secrets', () => {
    expect(secretValues({}, { AWS_SECRET_ACCESS_KEY: ' ', AWS_REGION: 'eu-west-1' })).toEqual([]);
  });
});
