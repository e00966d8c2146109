import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, logger: createLogger({ destination, level: 'debug' }) };
}

describe('logging', () => {
  it('never writes a Slack token, a signing secret or an AWS credential', () => {
    const { lines, logger } = capture();
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
    const text = lines.join('');
    for (const secret of [
      'xoxb-1234-secret',
      'shh-signing',
      'AKIAREAL',
      'wJalrXUtnFEMI',
      'xapp-1-abc',
      'v0=abc',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[redacted]');
    expect(text).toContain('eu-west-1');
  });

  it('writes structured JSON lines with the fields given', () => {
    const { lines, logger } = capture();
    logger.child({ module: 'access' }).info({ requestId: 'req-42' }, 'granted');
    const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(line).toMatchObject({ module: 'access', requestId: 'req-42', msg: 'granted', app: 'access-desk' });
  });
});
