import { describe, expect, it } from 'vitest';
import { awsSettingsFromEnv, createAwsClients, destroyAwsClients } from '../../src/aws/clients.js';

describe('awsSettingsFromEnv', () => {
  it('reads the region, the endpoint and the attempts from the map it is given', () => {
    expect(
      awsSettingsFromEnv({
        AWS_REGION: 'eu-west-1',
        AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
        AWS_MAX_ATTEMPTS: '3',
      }),
    ).toEqual({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:4566', maxAttempts: 3 });
  });

  it('falls back to AWS_DEFAULT_REGION and ignores empty values', () => {
    expect(awsSettingsFromEnv({ AWS_DEFAULT_REGION: 'eu-west-2', AWS_ENDPOINT_URL: ' ' })).toEqual({
      region: 'eu-west-2',
    });
  });

  it('refuses a region that is not one, naming the variable', () => {
    expect(() => awsSettingsFromEnv({ AWS_REGION: 'Ireland' })).toThrow(
      "AWS_REGION: must be an AWS region like eu-west-1, not 'Ireland'",
    );
    expect(() => awsSettingsFromEnv({ AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west' })).toThrow(
      /^AWS_DEFAULT_REGION: must be an AWS region/,
    );
    expect(awsSettingsFromEnv({ AWS_REGION: 'us-gov-west-1' })).toEqual({ region: 'us-gov-west-1' });
  });

  it('refuses an endpoint that is not an http(s) URL, naming the variable', () => {
    expect(() => awsSettingsFromEnv({ AWS_ENDPOINT_URL: '127.0.0.1:4566' })).toThrow(
      /^AWS_ENDPOINT_URL: must be an http:\/\/ or https:\/\/ URL .*not '127\.0\.0\.1:4566'/,
    );
    expect(() => awsSettingsFromEnv({ AWS_ENDPOINT_URL: 'ftp://example.com' })).toThrow(/AWS_ENDPOINT_URL/);
    expect(awsSettingsFromEnv({ AWS_ENDPOINT_URL: 'https://sso.eu-west-1.amazonaws.com' })).toEqual({
      endpoint: 'https://sso.eu-west-1.amazonaws.com',
    });
  });

  it('refuses a number of attempts that is not a whole number of at least 1', () => {
    expect(() => awsSettingsFromEnv({ AWS_MAX_ATTEMPTS: 'many' })).toThrow(/AWS_MAX_ATTEMPTS/);
    expect(() => awsSettingsFromEnv({ AWS_MAX_ATTEMPTS: '0' })).toThrow(/AWS_MAX_ATTEMPTS/);
  });

  it('names every variable at fault at once, a line each', () => {
    expect(() =>
      awsSettingsFromEnv({ AWS_REGION: 'Ireland', AWS_ENDPOINT_URL: 'nowhere', AWS_MAX_ATTEMPTS: 'x' }),
    ).toThrow(/^AWS_REGION: .*\nAWS_ENDPOINT_URL: .*\nAWS_MAX_ATTEMPTS: .*$/);
  });
});

describe('createAwsClients', () => {
  it('builds the four clients for the given region and endpoint, SES in its own region, without SDK retries', async () => {
    const clients = createAwsClients({
      region: 'eu-west-1',
      sesRegion: 'eu-west-2',
      endpoint: 'http://127.0.0.1:1',
      credentials: { accessKeyId: 'AKIAEMULATOR00000000', secretAccessKey: 'x' },
    });
    try {
      expect(await clients.ssoAdmin.config.region()).toBe('eu-west-1');
      expect(await clients.ses.config.region()).toBe('eu-west-2');
      expect(await clients.identitystore.config.maxAttempts()).toBe(1);
      const endpoint = await clients.iam.config.endpoint?.();
      expect(endpoint?.hostname).toBe('127.0.0.1');
    } finally {
      destroyAwsClients(clients);
    }
  });
});
