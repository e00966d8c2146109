/** The notifier and people adapters against the fake Slack Web API on loopback. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { createSlackClient } from '../../src/slack/client.js';
import { SlackNotifier } from '../../src/slack/notifier.js';
import { SlackPeopleDirectory } from '../../src/slack/people.js';
import { ACTION } from '../../src/slack/ids.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import {
  APPROVALS_CHANNEL,
  grantRecord,
  LEAD_A,
  LEAD_B,
  REQUESTER,
  requestView,
  approval,
} from '../support/slack-fixtures.js';

let fake: FakeSlack;
let notifier: SlackNotifier;
let people: SlackPeopleDirectory;

beforeAll(async () => {
  fake = await startFakeSlack({
    users: {
      [REQUESTER]: { email: 'sam.dev@example.com', name: 'sam' },
      U0000NOMAIL: { name: 'bot-like' },
      U0000GONE: { email: 'gone@example.com', deleted: true },
    },
    usergroups: { S0000SEC01: [LEAD_A, LEAD_B] },
  });
  const client = createSlackClient({ token: 'xoxb-test', logger: silentLogger, slackApiUrl: fake.apiUrl });
  notifier = new SlackNotifier({
    client,
    identityCenter: { startUrl: 'https://example.awsapps.com/start', sessionName: 'example-ltd' },
    logger: silentLogger,
  });
  people = new SlackPeopleDirectory(client);
});

afterAll(async () => {
  await fake.close();
});

afterEach(() => {
  fake.calls.length = 0;
});

describe('SlackNotifier', () => {
  it('posts the card to the approvals channel, then updates the same message', async () => {
    const card = await notifier.syncCard(requestView());
    expect(card.channel).toBe(APPROVALS_CHANNEL);
    const [post] = fake.callsTo('chat.postMessage');
    expect(post?.args).toMatchObject({
      channel: APPROVALS_CHANNEL,
      text: expect.stringContaining('R-7K2Q9D') as unknown,
    });

    const again = await notifier.syncCard(
      requestView(
        { status: 'approved', card },
        { approvals: [approval(), approval({ approverSlackId: LEAD_B })] },
      ),
    );
    expect(again).toEqual(card);
    const [update] = fake.callsTo('chat.update');
    expect(update?.args).toMatchObject({ channel: card.channel, ts: card.ts });
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
    // Decided: the buttons are gone from the message as Slack now holds it.
    expect(JSON.stringify(fake.messages.get(`${card.channel}/${card.ts}`)?.blocks)).not.toContain(
      ACTION.approve,
    );
  });

  it('posts the card anew when Slack no longer has the old one', async () => {
    const card = await notifier.syncCard(
      requestView({ card: { channel: APPROVALS_CHANNEL, ts: '1.000001' } }),
    );
    expect(card.ts).not.toBe('1.000001');
    expect(fake.callsTo('chat.update')).toHaveLength(1);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('a Slack failure other than a missing message is thrown, so the job retries', async () => {
    fake.failNext('chat.update', 'ratelimited');
    await expect(
      notifier.syncCard(requestView({ card: { channel: APPROVALS_CHANNEL, ts: '1.000001' } })),
    ).rejects.toThrow();
    expect(fake.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('opens the DM and posts the running message on submission, without a second message', async () => {
    const dm = await notifier.notifyRequester(requestView(), 'submitted');
    expect(fake.callsTo('conversations.open')[0]?.args).toEqual({ users: REQUESTER });
    expect(dm.channel).toMatch(/^D/);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('updates the running message in place and posts a new one when access is granted', async () => {
    const dm = await notifier.notifyRequester(requestView(), 'submitted');
    fake.calls.length = 0;
    const again = await notifier.notifyRequester(
      requestView({ status: 'active', dm }, { grants: [grantRecord()] }),
      'granted',
    );
    expect(again).toEqual(dm);
    expect(fake.callsTo('conversations.open')).toEqual([]);
    expect(fake.callsTo('chat.update')[0]?.args).toMatchObject({ channel: dm.channel, ts: dm.ts });
    const [granted] = fake.callsTo('chat.postMessage');
    expect(granted?.args).toMatchObject({ channel: dm.channel });
    expect(JSON.stringify(granted?.args.blocks)).toContain('aws sso login');
  });

  it('a reminder carries the Extend button', async () => {
    const grant = grantRecord();
    await notifier.notifyRequester(requestView({ status: 'active' }, { grants: [grant] }), 'reminder', grant);
    const posts = fake.callsTo('chat.postMessage');
    expect(JSON.stringify(posts[posts.length - 1]?.args.blocks)).toContain(ACTION.extend);
  });
});

describe('SlackPeopleDirectory', () => {
  it('reads the email on a Slack profile', async () => {
    expect(await people.profileEmail(REQUESTER)).toBe('sam.dev@example.com');
    expect(fake.callsTo('users.info')[0]?.args).toEqual({ user: REQUESTER });
  });

  it('has no email for a profile without one, an unknown user, or a deactivated account', async () => {
    expect(await people.profileEmail('U0000NOMAIL')).toBeUndefined();
    expect(await people.profileEmail('U0000NOBODY')).toBeUndefined();
    expect(await people.profileEmail('U0000GONE')).toBeUndefined();
  });

  it('lists the members of a user group', async () => {
    expect(await people.usergroupMembers('S0000SEC01')).toEqual([LEAD_A, LEAD_B]);
  });

  it('a Slack failure is thrown rather than read as "no members"', async () => {
    await expect(people.usergroupMembers('S0000NONE')).rejects.toThrow(/no_such_subteam/);
  });
});
