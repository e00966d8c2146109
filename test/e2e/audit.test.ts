/**
 * `/access audit` end to end: a signed command into the real Bolt App, the job on SQLite against the local
 * Identity Center, and the report into the fake Slack Web API through Slack's external upload flow.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { csvObjects } from '../support/csv-parse.js';
import { PEOPLE, startDesk, type DeskHarness } from '../support/desk-harness.js';
import { postToSlackEvents, slashCommandBody, waitFor, waitForResponse } from '../support/slack-requests.js';

const CHANNEL = 'C0000OPS01';

let h: DeskHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function audit(harness: DeskHarness, userId: string, id: string) {
  const answer = await postToSlackEvents(
    harness.target,
    slashCommandBody({
      text: 'audit',
      userId,
      channelId: CHANNEL,
      responseUrl: harness.slack.responseUrl(id),
    }),
  );
  expect(answer.status).toBe(200);
  return waitForResponse(harness.slack, id);
}

const textOf = (body: Record<string, unknown>): string => JSON.stringify(body);

describe('/access audit through Slack', () => {
  it('follows the walk on one message in the channel and posts the CSV through the external upload flow', async () => {
    h = await startDesk();
    const started = await audit(h, PEOPLE.ada, 'audit-admin');
    expect(textOf(started.body)).toContain('Audit started');

    const slack = h.slack;
    const upload = await waitFor('the report to be shared', () => slack.uploads.find((u) => u.completed), {
      tries: 1_000,
    });
    // Slack's three steps, in order: ask for a URL with the name and length, POST the bytes, complete.
    const steps = slack.calls
      .map((c) => c.method)
      .filter((m) => m === 'files.getUploadURLExternal' || m === 'files.completeUploadExternal');
    expect(steps).toEqual(['files.getUploadURLExternal', 'files.completeUploadExternal']);
    const [asked] = slack.callsTo('files.getUploadURLExternal');
    expect(asked?.args.filename).toBe(upload.filename);
    expect(Number(asked?.args.length)).toBe(upload.bytes?.length);
    expect(upload.completed?.channelId).toBe(CHANNEL);
    expect(upload.completed?.title).toMatch(/^Access audit \d{4}-\d{2}-\d{2}$/);
    expect(upload.completed?.initialComment).toMatch(
      /^Audit of 22 users, 3 groups, 4 accounts and 9 permission sets/,
    );

    const rows = csvObjects(upload.bytes!.toString('utf8'));
    expect(rows.filter((r) => r.record === 'access').length).toBeGreaterThan(50);
    expect(rows).toContainEqual(
      expect.objectContaining({
        record: 'access',
        user_name: 'sam.dev@example.com',
        account: 'dev',
        permission_set: 'Developer',
        source: 'direct',
      }),
    );
    expect(rows.filter((r) => r.record === 'legacy_iam_key').map((r) => r.user_name)).toContain(
      'bruno.costa@example.com',
    );

    // One message, posted in the channel where it was asked and updated in place until done.
    const posted = slack.callsTo('chat.postMessage').filter((c) => c.args.channel === CHANNEL);
    expect(posted).toHaveLength(1);
    const final = await waitFor('the audit message to say done', () => {
      const message = [...slack.messages.values()].find((m) => m.channel === CHANNEL);
      return typeof message?.text === 'string' && message.text.startsWith('Access audit done')
        ? message
        : undefined;
    });
    expect(final.text).toContain('users with no access at all');
  });

  it('refuses someone who is not an admin, and starts nothing', async () => {
    h = await startDesk();
    const refused = await audit(h, PEOPLE.sam, 'audit-sam');
    expect(textOf(refused.body)).toContain('Only admins can run an audit');
    expect(await h.desk.ledger.findJobs({ kind: 'audit' })).toEqual([]);
    expect(h.slack.callsTo('files.getUploadURLExternal')).toEqual([]);
  });
});
