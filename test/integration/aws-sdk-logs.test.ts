/**
 * The AWS SDK's own log lines: the real SDK clients that the adapter builds, against the local Identity
 * Center, with the product's logger at debug. The SDK logs every call (its input and output, or its error);
 * those lines are in our log, at debug, and no credential or token is in them.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsAdapter, type AwsAdapter } from '../../src/aws/index.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { createLogger } from '../../src/log.js';

// Made-up values of the real forms: a secret access key and an STS session token.
const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SESSION_TOKEN =
  'IQoJb3JpZ2luX2VjEJr//////////wEaCWV1LXdlc3QtMSJHMEUCIQD3k0example1Sess10nT0ken/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+abcdefghijklmnopqrstuvwxyzABCDEFGHIJ==';
const SLACK_TOKEN = 'xoxb-2718281828-3141592653-AbCdEfGhIjKlMnOpQrStUvWx';
/** Temporary credentials, as a role gives them: the emulator checks the session token with the signature. */
const CREDENTIALS = {
  accessKeyId: 'ASIAEMULATOR00000000',
  secretAccessKey: SECRET_ACCESS_KEY,
  sessionToken: SESSION_TOKEN,
};

let emu: RunningEmulator;
let adapter: AwsAdapter;
const lines: string[] = [];
const records = (): Record<string, unknown>[] => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  emu = await startEmulator({ credentials: [CREDENTIALS], seed: true, rateLimits: false });
  const logger = createLogger({
    level: 'debug',
    secrets: [SECRET_ACCESS_KEY, SESSION_TOKEN],
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
  });
  adapter = createAwsAdapter(
    {
      region: 'eu-west-1',
      endpoint: emu.url,
      credentials: CREDENTIALS,
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
    },
    logger,
  );
});

afterAll(async () => {
  adapter.close();
  await emu.close();
});

describe("the AWS SDK's log lines", () => {
  it('are written at debug, a line per call and its failure, with no credential and no token from the input', async () => {
    expect((await adapter.describeInstance()).ok).toBe(true);
    // A user name that someone pasted a session token and a Slack token into: the SDK logs the input as given.
    const pasted = await adapter.directory.findUserByUserName(`${SESSION_TOKEN} ${SLACK_TOKEN}`);
    expect(pasted.ok).toBe(true);
    const missing = await adapter.directory.describeUser('00000000-0000-0000-0000-000000000000');
    expect(missing.ok).toBe(false);

    const sdk = records().filter((r) => r.module === 'aws.sdk');
    // The instance is looked up once more before the first directory call.
    expect(sdk.map((r) => [r.level, r.msg])).toEqual([
      [20, 'SSOAdminClient ListInstancesCommand'],
      [20, 'SSOAdminClient ListInstancesCommand'],
      [20, 'IdentitystoreClient GetUserIdCommand'],
      [20, 'IdentitystoreClient DescribeUserCommand'],
    ]);
    expect(sdk[2]).toMatchObject({
      sdk: {
        input: { AlternateIdentifier: { UniqueAttribute: { AttributeValue: '[redacted] xoxb-[redacted]' } } },
      },
    });
    expect(sdk[3]).toMatchObject({ err: { type: 'ResourceNotFoundException', message: 'USER not found.' } });
    const text = lines.join('');
    expect(text).not.toContain(SECRET_ACCESS_KEY);
    expect(text).not.toContain(SESSION_TOKEN.slice(0, 40));
    expect(text).not.toContain(SLACK_TOKEN);
  });
});
