import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { createAwsAdapter, type AwsAdapter } from '../../src/aws/index.js';
import { silentLogger } from '../../src/log.js';
import { testCredentials } from '../support/aws-clients.js';

let emu: RunningEmulator;
let aws: AwsAdapter;

beforeAll(async () => {
  emu = await startEmulator({ credentials: [testCredentials], seed: false, rateLimits: true });
  emu.state.verifiedIdentities.add('aws-access@example.com');
  aws = createAwsAdapter(
    { region: 'eu-west-1', sesRegion: 'eu-west-2', endpoint: emu.url, credentials: testCredentials },
    silentLogger,
  );
});

afterAll(async () => {
  aws.close();
  await emu.close();
});

describe('mailer', () => {
  it('sends an email with text and HTML parts to its recipients and cc', async () => {
    const outcome = await aws.mailer.send({
      from: 'aws-access@example.com',
      to: ['new.starter@example.com'],
      cc: ['it@example.com'],
      subject: 'Welcome to AWS at Example Ltd',
      text: 'Your username is new.starter@example.com',
      html: '<p>Your username is <b>new.starter@example.com</b></p>',
    });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const mail = emu.state.mailbox.find((m) => m.MessageId === outcome.value.messageId);
    expect(mail).toMatchObject({
      from: 'aws-access@example.com',
      to: ['new.starter@example.com'],
      cc: ['it@example.com'],
      subject: 'Welcome to AWS at Example Ltd',
      text: 'Your username is new.starter@example.com',
      html: '<p>Your username is <b>new.starter@example.com</b></p>',
    });
  });

  it('says the sender must be a verified identity when SES rejects the message', async () => {
    const outcome = await aws.mailer.send({
      from: 'someone@unverified.example',
      to: ['new.starter@example.com'],
      cc: [],
      subject: 'Hello',
      text: 'Hello',
      html: '<p>Hello</p>',
    });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error).toMatchObject({ code: 'invalid_input', field: 'from' });
    expect(outcome.error.message).toMatch(/verified identity/);
    expect(outcome.error.message).toContain('someone@unverified.example');
  });
});
