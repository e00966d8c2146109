import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';

function capture(secrets: string[] = []) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ destination, level: 'debug', secrets });
  /** Every line written, parsed: a redaction that broke the JSON fails here. */
  const records = (): Record<string, unknown>[] =>
    lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { lines, logger, records, text: () => lines.join('') };
}

// Made-up values of the real forms.
const BOT_TOKEN = 'xoxb-2718281828-3141592653-AbCdEfGhIjKlMnOpQrStUvWx';
const USER_TOKEN = 'xoxp-1111-2222-3333-abcdef0123456789';
const APP_TOKEN = 'xapp-1-A0123ABCD-4567890123-0123456789abcdef0123456789abcdef';
const AWS_SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SESSION_TOKEN =
  'IQoJb3JpZ2luX2VjEJr//////////wEaCWV1LXdlc3QtMSJHMEUCIQD3k0example1Sess10nT0ken/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+abcdefghijklmnopqrstuvwxyzABCDEFGHIJ==';
const SLACK_SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';

describe('logging refuses to write a secret', () => {
  it('never writes a Slack token, a signing secret or an AWS credential held in fields named for them', () => {
    const { logger, text } = capture();
    logger.info(
      {
        slack: { botToken: 'xoxb-1234-secret', signingSecret: 'shh-signing' },
        aws: {
          credentials: { accessKeyId: 'AKIAREAL', secretAccessKey: 'wJalrXUtnFEMI' },
          region: 'eu-west-1',
        },
        token: 'xapp-1-abc',
        headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIAREAL/…', 'x-slack-signature': 'v0=abc' },
      },
      'starting',
    );
    for (const secret of [
      'xoxb-1234-secret',
      'shh-signing',
      'AKIAREAL',
      'wJalrXUtnFEMI',
      'xapp-1-abc',
      'v0=abc',
    ]) {
      expect(text()).not.toContain(secret);
    }
    expect(text()).toContain('[redacted]');
    expect(text()).toContain('eu-west-1');
  });

  it('redacts a token six levels deep, under a field name that says nothing', () => {
    const { logger, text, records } = capture();
    logger.info({ a: { b: { c: { d: { e: { f: BOT_TOKEN } } } } } }, 'deep');
    expect(text()).not.toContain(BOT_TOKEN);
    expect(records()[0]).toMatchObject({ a: { b: { c: { d: { e: { f: 'xoxb-[redacted]' } } } } } });
  });

  it('redacts a token inside an array, and an array of objects', () => {
    const { logger, text, records } = capture();
    logger.info({ tried: ['first', USER_TOKEN, { note: `then ${APP_TOKEN}` }] }, 'tokens in a list');
    expect(text()).not.toContain(USER_TOKEN);
    expect(text()).not.toContain(APP_TOKEN);
    expect(records()[0]?.tried).toEqual(['first', 'xoxp-[redacted]', { note: 'then xapp-[redacted]' }]);
  });

  it("redacts a token in an Error's message and stack, logged as err or on its own", () => {
    const { logger, text, records } = capture();
    const error = new Error(`Slack refused ${BOT_TOKEN}`);
    logger.error({ err: error }, 'call failed');
    logger.error(error);
    logger.warn({ cause: { err: new TypeError(`nested ${USER_TOKEN}`) } }, 'nested');
    expect(text()).not.toContain(BOT_TOKEN);
    expect(text()).not.toContain(USER_TOKEN);
    const [first, second] = records() as { err: { message: string; stack: string }; msg: string }[];
    expect(first?.err.message).toBe('Slack refused xoxb-[redacted]');
    expect(first?.err.stack).toMatch(/^Error: Slack refused xoxb-\[redacted\]\n\s+at /);
    expect(second?.msg).toBe('Slack refused xoxb-[redacted]');
  });

  it('redacts a token in the message itself, also when interpolated', () => {
    const { logger, text, records } = capture();
    logger.info(`the token is ${BOT_TOKEN}`);
    logger.info({ requestId: 'req-1' }, 'the app token is %s', APP_TOKEN);
    expect(text()).not.toContain(BOT_TOKEN);
    expect(text()).not.toContain(APP_TOKEN);
    expect(records().map((r) => r.msg)).toEqual([
      'the token is xoxb-[redacted]',
      'the app token is xapp-[redacted]',
    ]);
  });

  it('redacts a token in the bindings of a child logger', () => {
    const { logger, text } = capture();
    logger
      .child({ module: 'slack', token_hint: `${BOT_TOKEN}` })
      .child({ step: 1 })
      .info('bound');
    expect(text()).not.toContain(BOT_TOKEN);
    expect(text()).toContain('"module":"slack"');
  });

  it('redacts every form of Slack token: bot, user, app-level, legacy, refresh and rotating', () => {
    const { logger, text } = capture();
    const tokens = [
      BOT_TOKEN,
      USER_TOKEN,
      APP_TOKEN,
      'xoxa-2-abcdef0123456789',
      'xoxs-1234-5678-abcdef',
      'xoxo-1234-5678-abcdef',
      'xoxr-1234-5678-abcdef',
      'xoxe.xoxb-1-MS0yLTI3MTgyODE4MjgtMzE0MTU5MjY1Mw',
      'xoxe.xoxp-1-Mi0yLTExMTEtMjIyMi0zMzMz',
      'xoxe-1-My0xLTI3MTgyODE4MjgtMzE0MTU5MjY1Mw',
    ];
    logger.info({ seen: tokens.join(' / ') }, 'tokens');
    for (const token of tokens) expect(text()).not.toContain(token);
    expect(text()).toContain('xoxe.xoxb-[redacted]');
  });

  it('redacts the values of Authorization, X-Slack-Signature and X-Amz-Security-Token headers at any depth, in any case', () => {
    const { logger, text, records } = capture();
    logger.debug(
      {
        request: {
          attempt: {
            headers: {
              Authorization: 'Bearer not-a-known-form-0123456789',
              'X-Slack-Signature': 'v0=abc',
              'X-Amz-Security-Token': 'short',
              'content-type': 'application/json',
            },
          },
        },
        sent: [{ headers: { authorization: 'Basic dXNlcjpwYXNz', 'x-amz-security-token': 'also-short' } }],
      },
      'request',
    );
    for (const value of ['not-a-known-form', 'v0=abc', 'short', 'dXNlcjpwYXNz', 'also-short']) {
      expect(text()).not.toContain(value);
    }
    expect(records()[0]).toMatchObject({
      request: {
        attempt: {
          headers: {
            Authorization: '[redacted]',
            'X-Slack-Signature': '[redacted]',
            'X-Amz-Security-Token': '[redacted]',
            'content-type': 'application/json',
          },
        },
      },
      sent: [{ headers: { authorization: '[redacted]', 'x-amz-security-token': '[redacted]' } }],
    });
  });

  it('redacts header values written as text: a bearer token, a Slack signature, a SigV4 signature, a presigned session token', () => {
    const { logger, text } = capture();
    const sigV4 =
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/eu-west-1/sso/aws4_request, SignedHeaders=host;x-amz-date, Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024';
    logger.info(
      `sent Authorization: Bearer Zm9vYmFyYmF6cXV4 and X-Slack-Signature: ${SLACK_SIGNATURE}; AWS said ${sigV4}`,
    );
    logger.info(
      {
        url: `https://s3.example/x?X-Amz-Security-Token=FwoGZXIvYXdzEJr%2F%2Fexample&X-Amz-Signature=0123456789abcdef0123`,
      },
      'url',
    );
    for (const value of [
      'Zm9vYmFyYmF6cXV4',
      SLACK_SIGNATURE.slice(3),
      'fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024',
      'FwoGZXIvYXdzEJr',
      '0123456789abcdef0123',
    ]) {
      expect(text()).not.toContain(value);
    }
    expect(text()).toContain('Credential=AKIAIOSFODNN7EXAMPLE');
    expect(text()).toContain('Bearer [redacted]');
  });

  it('redacts the ticket of a Socket Mode connection URL, as the Web API client logs it at debug', () => {
    const { logger, text } = capture();
    logger.debug(
      'http request result: {"ok":true,"url":"wss://wss-primary.slack.com/link/?ticket=1a2b3c4d-5e6f-7a8b-9c0d&app_id=A0123"}',
    );
    expect(text()).not.toContain('1a2b3c4d-5e6f-7a8b-9c0d');
    expect(text()).toContain('?ticket=[redacted]&app_id=A0123');
  });

  it('redacts an AWS secret access key and a session token by their form', () => {
    const { logger, text } = capture();
    logger.info(
      { env: `aws_secret_access_key=${AWS_SECRET_KEY}`, line: `token ${SESSION_TOKEN}.` },
      'profile',
    );
    logger.error({ err: new Error(`bad key\n${AWS_SECRET_KEY}`) }, 'failed');
    expect(text()).not.toContain(AWS_SECRET_KEY);
    expect(text()).not.toContain(SESSION_TOKEN.slice(0, 40));
    expect(text()).not.toContain(SESSION_TOKEN.slice(-60));
  });

  it('redacts the configured secret values exactly, wherever they are, even when they match no pattern', () => {
    const signingSecret = '8f742231b10e8888abcd99yyyzzz85a5';
    const staticKey = 'plain-words-as-a-secret';
    const { logger, text, records } = capture([signingSecret, staticKey]);
    logger.info({ config: { slack: [{ note: `signing with ${signingSecret}` }] } }, 'field');
    logger.info(`the key ${staticKey} in the message`);
    logger.warn({ err: new Error(`refused ${staticKey}`) }, 'error');
    logger.child({ bound: signingSecret }).info('child');
    logger.info({ [staticKey]: 'as a key' }, 'key');
    expect(text()).not.toContain(signingSecret);
    expect(text()).not.toContain(staticKey);
    expect(records()).toHaveLength(5);
    expect(records().map((r) => r.msg)).toContain('the key [redacted] in the message');
  });

  it('redacts a configured secret that JSON has to escape, and the line stays JSON', () => {
    const odd = 'pa"ss\\word\ttab-0123';
    const { logger, text, records } = capture([odd]);
    logger.info({ note: `before ${odd} after` }, `msg ${odd}`);
    expect(records()[0]).toMatchObject({ note: 'before [redacted] after', msg: 'msg [redacted]' });
    expect(text()).not.toContain(JSON.stringify(odd).slice(1, -1));
  });

  it('redacts fields named for secrets at any depth, whatever their value', () => {
    const { logger, records } = capture();
    logger.info(
      {
        a: {
          b: {
            c: {
              password: 'hunter2',
              client_secret: { nested: 'object' },
              SessionToken: 12345,
              SecretAccessKey: 'anything',
              'set-cookie': ['a=b'],
              keep: 'me',
            },
          },
        },
      },
      'fields',
    );
    expect(records()[0]).toMatchObject({
      a: {
        b: {
          c: {
            password: '[redacted]',
            client_secret: '[redacted]',
            SessionToken: '[redacted]',
            SecretAccessKey: '[redacted]',
            'set-cookie': '[redacted]',
            keep: 'me',
          },
        },
      },
    });
  });

  it('redacts a secret field inside JSON written into a string (as Bolt and the Web API client do)', () => {
    const { logger, text, records } = capture();
    logger.debug(`http request body: {"channel":"C1","token":"legacy-verification-token","text":"hi"}`);
    expect(text()).not.toContain('legacy-verification-token');
    expect(records()[0]?.msg).toBe('http request body: {"channel":"C1","token":"[redacted]","text":"hi"}');
  });

  it('writes a cyclic object once, with its secrets redacted', () => {
    const { logger, text, records } = capture();
    const node: Record<string, unknown> = { name: 'loop', token: 'cyclic-secret', note: BOT_TOKEN };
    node.self = node;
    node.list = [node, { back: node }];
    logger.info({ node }, 'cycle');
    expect(text()).not.toContain('cyclic-secret');
    expect(text()).not.toContain(BOT_TOKEN);
    expect(records()[0]).toMatchObject({ node: { name: 'loop', self: '[Circular]' } });
  });
});

describe('logging leaves the rest as it is', () => {
  it('writes ordinary fields untouched', () => {
    const { logger, records } = capture(['configured-secret-value']);
    const fields = {
      requestId: 'req-42',
      permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef',
      accountIds: ['111111111111', '222222222222'],
      email: 'sara.dev@example.com',
      slackUser: 'U0000LEAD1',
      commit: 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
      path: '/work/app/node_modules/@aws-sdk/client-sso-admin/dist-cjs/index.js',
      help: 'must be a bot token (xoxb-…, on the "OAuth & Permissions" page)',
      action: 'ListAccountAssignmentsForPrincipal',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      nextStep: { wait: 1500, ok: true, none: null },
    };
    logger.info(fields, 'granted ReadOnlyAccess on dev for 4h');
    const [line] = records();
    expect(line).toMatchObject({ ...fields, msg: 'granted ReadOnlyAccess on dev for 4h' });
  });

  it('writes structured JSON lines with the fields given', () => {
    const { logger, records } = capture();
    logger.child({ module: 'access' }).info({ requestId: 'req-42' }, 'granted');
    expect(records()[0]).toMatchObject({
      module: 'access',
      requestId: 'req-42',
      msg: 'granted',
      app: 'access-desk',
    });
  });
});
