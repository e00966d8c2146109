/**
 * `/access audit` end to end: a signed command into the real Bolt App, the job on SQLite against the local
 * Identity Center, and the report into the fake Slack Web API through Slack's external upload flow.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { csvObjects } from '../support/csv-parse.js';
import type { FakeSlack, RecordedCall } from '../support/fake-slack.js';
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

/** The example config's audit channel, and the DM the fake Slack opens with Ada. */
const AUDIT_CHANNEL = 'C0000AUDIT';
const ADA_DM = 'D0000ADMIN';

const withoutAuditChannel = (yaml: string): string => yaml.replace(/^\s*audit: C0000AUDIT.*$/m, '');

/** Every Web API call that names `channel` as where it goes (messages, updates, file shares). */
const webApiCallsInto = (slack: FakeSlack, channel: string): RecordedCall[] =>
  slack.calls.filter((c) =>
    [c.args.channel, c.args.channel_id, c.args.channels].some(
      (v) => typeof v === 'string' && v.split(',').includes(channel),
    ),
  );

describe('/access audit through Slack', () => {
  it('follows the walk on one message in the admin’s DM and posts the CSV through the external upload flow', async () => {
    h = await startDesk({ editConfig: withoutAuditChannel });
    const started = await audit(h, PEOPLE.ada, 'audit-admin');
    expect(textOf(started.body)).toContain('Audit started');
    expect(started.body).toMatchObject({ response_type: 'ephemeral' });

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
    expect(upload.completed?.channelId).toBe(ADA_DM);
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

    // One message, posted in the admin's DM and updated in place until done.
    const final = await waitFor('the audit message to say done', () => {
      const message = [...slack.messages.values()].find((m) => m.channel === ADA_DM);
      return typeof message?.text === 'string' && message.text.startsWith('Access audit done')
        ? message
        : undefined;
    });
    expect(final.text).toContain('users with no access at all');
    expect([...slack.messages.values()].filter((m) => m.channel === ADA_DM)).toHaveLength(1);
    expect(webApiCallsInto(slack, CHANNEL)).toEqual([]);
  });

  it('typed in a public channel, puts nothing there: the report goes to the admin’s DM and the audit channel', async () => {
    h = await startDesk();
    const started = await audit(h, PEOPLE.ada, 'audit-public');
    expect(started.body).toMatchObject({ response_type: 'ephemeral' });
    expect(textOf(started.body)).toContain('direct messages');
    expect(textOf(started.body)).toContain(`<#${AUDIT_CHANNEL}>`);

    const slack = h.slack;
    const shared = await waitFor(
      'the report in the DM and the audit channel',
      () => {
        const done = slack.uploads.filter((u) => u.completed);
        return done.length >= 2 ? done : undefined;
      },
      { tries: 1_000 },
    );
    expect(shared.map((u) => u.completed?.channelId).sort()).toEqual([AUDIT_CHANNEL, ADA_DM].sort());
    for (const upload of shared) {
      expect(csvObjects(upload.bytes!.toString('utf8')).some((r) => r.record === 'legacy_iam_key')).toBe(
        true,
      );
    }
    await waitFor('the audit message in the DM to say done', () =>
      [...slack.messages.values()].find(
        (m) => m.channel === ADA_DM && typeof m.text === 'string' && m.text.startsWith('Access audit done'),
      ),
    );

    // The channel it was typed in saw no message, no file, no update: only the ephemeral answer to the command.
    expect(webApiCallsInto(slack, CHANNEL)).toEqual([]);
    expect([...slack.messages.values()].filter((m) => m.channel === CHANNEL)).toEqual([]);
    expect(slack.responses.every((r) => r.body.response_type === 'ephemeral')).toBe(true);
    expect(JSON.stringify(slack.responses)).not.toContain('bruno.costa@example.com');
    expect(JSON.stringify(slack.responses)).not.toMatch(/AKIA[A-Z0-9]{16}/);
  });

  it('posts a line in the audit channel for each decision and AWS change, with mentions and user text escaped', async () => {
    h = await startDesk();
    const asked = await h.desk.service.submitAccessRequest({
      requesterSlackId: PEOPLE.sam,
      permissionSet: 'SeniorDeveloper',
      accounts: ['dev'],
      duration: { kind: 'for', ms: 3_600_000 },
    });
    if (!asked.ok) throw new Error(asked.message);
    const denied = await h.desk.service.deny(asked.value.request.id, PEOPLE.lena, 'ask <!channel> first');
    expect(denied.ok).toBe(true);
    const line = await waitFor('the denial in the audit channel', () =>
      h!.slack.callsTo('chat.postMessage').find((c) => c.args.channel === AUDIT_CHANNEL),
    );
    const text = JSON.stringify(line.args.blocks);
    expect(text).toContain(`<@${PEOPLE.lena}> denied SeniorDeveloper on dev for 1h · for <@${PEOPLE.sam}>`);
    expect(text).toContain(asked.value.request.id);
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;!channel&gt;');
  });

  it('refuses someone who is not an admin, and starts nothing', async () => {
    h = await startDesk();
    const refused = await audit(h, PEOPLE.sam, 'audit-sam');
    expect(textOf(refused.body)).toContain('Only admins can run an audit');
    expect(await h.desk.ledger.findJobs({ kind: 'audit' })).toEqual([]);
    expect(h.slack.callsTo('files.getUploadURLExternal')).toEqual([]);
  });
});
