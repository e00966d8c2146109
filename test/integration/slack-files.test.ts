/**
 * Reading a file shared in Slack (a bulk onboarding's CSV) through the Web API and the file's private URL, against
 * the fake Slack: the bot token goes to Slack's file host alone, and a file that is not a CSV, or larger than
 * allowed (whatever files.info claims), is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { createSlackClient } from '../../src/slack/client.js';
import { SlackSharedFiles } from '../../src/slack/files.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';

const TOKEN = 'xoxb-files-test';
let fake: FakeSlack;
let files: SlackSharedFiles;

beforeAll(async () => {
  fake = await startFakeSlack();
  const client = createSlackClient({ token: TOKEN, logger: silentLogger, slackApiUrl: fake.apiUrl });
  files = new SlackSharedFiles({ client, token: TOKEN, slackApiUrl: fake.apiUrl });
});

afterAll(async () => {
  await fake.close();
});

describe('files shared in Slack', () => {
  it('reads a shared CSV with the bot token, and says who shared it', async () => {
    const id = fake.shareFile({ user: 'U0000ADMIN', name: 'starters.csv', content: 'a,b\r\n1,2\r\n' });
    const read = await files.read(id, 1_000);
    expect(read).toMatchObject({ ok: true, value: { id, name: 'starters.csv', sharedBy: 'U0000ADMIN' } });
    expect(read.ok && Buffer.from(read.value.bytes).toString()).toBe('a,b\r\n1,2\r\n');
    expect(fake.downloads.at(-1)).toEqual({ fileId: id, authorization: `Bearer ${TOKEN}` });
  });

  it('refuses a file that is not a CSV, one gone from Slack, and one larger than allowed even when Slack says otherwise', async () => {
    const sheet = fake.shareFile({
      user: 'U0000ADMIN',
      name: 'starters.xlsx',
      content: 'PK…',
      filetype: 'xlsx',
    });
    expect(await files.read(sheet, 1_000)).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(await files.read('F0000GONE', 1_000)).toMatchObject({ ok: false, code: 'not_found' });
    const big = fake.shareFile({ user: 'U0000ADMIN', name: 'big.csv', content: 'x'.repeat(2_000) });
    const refused = await files.read(big, 1_000);
    expect(refused).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(!refused.ok && refused.message).toMatch(/big.csv is 2 kB; a bulk onboarding takes at most 1 kB/);
    const lying = fake.shareFile({
      user: 'U0000ADMIN',
      name: 'lying.csv',
      content: 'x'.repeat(2_000),
      size: 10,
    });
    const cut = await files.read(lying, 1_000);
    expect(!cut.ok && cut.message).toMatch(/lying.csv is larger than 1 kB/);
  });

  it('never sends the token to a host that is not Slack’s', async () => {
    const client = createSlackClient({ token: TOKEN, logger: silentLogger, slackApiUrl: fake.apiUrl });
    // As if files.info named a URL elsewhere: this reader trusts only another origin than the fake's.
    const elsewhere = new SlackSharedFiles({ client, token: TOKEN, slackApiUrl: 'http://localhost:9/api/' });
    const id = fake.shareFile({ user: 'U0000ADMIN', name: 'starters.csv', content: 'a\r\n' });
    const before = fake.downloads.length;
    await expect(elsewhere.read(id, 1_000)).rejects.toThrow(/outside Slack's file host/);
    expect(fake.downloads).toHaveLength(before);
  });

  it('says what is wrong when Slack answers with its sign-in page instead of the file', async () => {
    const client = createSlackClient({
      token: 'not-a-bot-token',
      logger: silentLogger,
      slackApiUrl: fake.apiUrl,
    });
    const anonymous = new SlackSharedFiles({ client, token: 'not-a-bot-token', slackApiUrl: fake.apiUrl });
    const id = fake.shareFile({ user: 'U0000ADMIN', name: 'starters.csv', content: 'a\r\n' });
    await expect(anonymous.read(id, 1_000)).rejects.toThrow(/files:read scope/);
  });
});
