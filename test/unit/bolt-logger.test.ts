/**
 * Bolt's and the Web API client's log lines, through bolt-logger into the real logger: what they write is
 * redacted like our own lines, and nothing they hand over can make logging throw.
 */
import { Writable } from 'node:stream';
import { LogLevel } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { boltLogger, slackLogLevel } from '../../src/slack/bolt-logger.js';

const BOT_TOKEN = 'xoxb-2718281828-3141592653-AbCdEfGhIjKlMnOpQrStUvWx';
const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';

function capture(level = 'debug') {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ destination, level, secrets: [BOT_TOKEN, SIGNING_SECRET] });
  const records = (): Record<string, unknown>[] =>
    lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, records, text: () => lines.join('') };
}

describe('Bolt log lines', () => {
  it('redact a token that Bolt writes into a line, as text, in an object or in an Error', () => {
    const { logger, text, records } = capture();
    const bolt = boltLogger(logger, LogLevel.DEBUG);
    bolt.setName('bolt-app');
    bolt.debug(`http request headers: {"Authorization":"Bearer ${BOT_TOKEN}","User-Agent":"Bolt"}`);
    bolt.info('Authorization failed for', { team: 'T1', context: { botToken: BOT_TOKEN } });
    bolt.warn('http request failed', { body: { text: `reason pasted ${BOT_TOKEN}` } });
    bolt.error(new Error(`An API error occurred: invalid_auth for ${BOT_TOKEN}`));
    bolt.debug(`Signature verification with ${SIGNING_SECRET} failed`);
    expect(records()).toHaveLength(5);
    expect(text()).not.toContain(BOT_TOKEN);
    expect(text()).not.toContain(SIGNING_SECRET);
    const [headers, info, warn, error] = records();
    expect(headers).toMatchObject({ component: 'bolt-app', level: 20 });
    expect(headers?.msg).toBe('http request headers: {"Authorization":"[redacted]","User-Agent":"Bolt"}');
    expect(info).toMatchObject({ msg: 'Authorization failed for', details: [{ team: 'T1' }] });
    expect(warn).toMatchObject({ details: [{ body: { text: 'reason pasted [redacted]' } }] });
    expect(error).toMatchObject({
      level: 50,
      msg: 'An API error occurred: invalid_auth for [redacted]',
      err: { message: 'An API error occurred: invalid_auth for [redacted]' },
    });
    expect((error?.err as { stack: string }).stack).toContain('at ');
  });

  it('write a cyclic object or a BigInt that Bolt hands over instead of throwing', () => {
    const { logger, records } = capture();
    const bolt = boltLogger(logger, LogLevel.DEBUG);
    const body: Record<string, unknown> = { type: 'block_actions', size: 10n };
    body.self = body;
    expect(() => bolt.debug('event body', body)).not.toThrow();
    expect(records()[0]).toMatchObject({
      msg: 'event body',
      details: [{ type: 'block_actions', self: '[Circular]' }],
    });
  });

  it('follow the level Bolt sets, and show Bolt debug lines only when our logger is at debug', () => {
    expect(slackLogLevel(capture('info').logger, LogLevel.INFO)).toBe(LogLevel.INFO);
    expect(slackLogLevel(capture('info').logger, LogLevel.WARN)).toBe(LogLevel.WARN);
    expect(slackLogLevel(capture('debug').logger, LogLevel.WARN)).toBe(LogLevel.DEBUG);
    const { logger, records } = capture();
    const bolt = boltLogger(logger, LogLevel.DEBUG);
    bolt.setLevel(LogLevel.WARN);
    bolt.info('dropped');
    bolt.warn('kept');
    expect(records().map((r) => r.msg)).toEqual(['kept']);
  });
});
