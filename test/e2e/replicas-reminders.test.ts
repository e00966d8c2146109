/**
 * Reminders of pending requests with two real bot processes on one PostgreSQL ledger, both ticking every
 * second: each request's approvers are reminded once, in its card's thread, whichever replica gets there first.
 */
import { describe, it } from 'vitest';
import {
  command,
  eventually,
  extraPeople,
  startReplicaWorld,
  tally,
  type ReplicaWorld,
} from '../support/replicas.js';

/** Every request reminded a minute after it was asked for (the shortest a reminder waits); ticks every second. */
const edit = (yaml: string): string =>
  yaml
    .replace(/schedulerInterval: 30s/, 'schedulerInterval: 1s')
    .replace(
      '  - match: {}\n    approvers: [leads]\n',
      '  - match: {}\n    approvers: [leads]\n    remind: { after: 1m }\n',
    );

describe('reminders with two replicas', () => {
  it('reminds the approvers of each pending request once, in its card’s thread', async (context) => {
    const { expect } = context;
    const people = extraPeople(6);
    const w: ReplicaWorld = await startReplicaWorld({ edit, people });
    context.onTestFinished(() => w.close());
    const [a, b] = await Promise.all([w.start(), w.start()]);
    const asked = await Promise.all(
      people.map((p, i) =>
        command(
          i % 2 === 0 ? a.target : b.target,
          w.slack,
          p.slackId,
          'request Developer dev 1h reminders',
          `r-${i}`,
        ),
      ),
    );
    expect(asked.map((r) => r?.status)).toEqual(people.map(() => 200));

    const cards = await eventually(
      'every card posted',
      async () => {
        const rows = await w.query(
          "select id, card_ts from requests where card_ts is not null and status = 'pending'",
        );
        return rows.length === people.length && rows;
      },
      { tries: 600 },
    );
    const replies = () =>
      w.slack.callsTo('chat.postMessage').filter((c) => typeof c.args.thread_ts === 'string');
    await eventually(
      'a reminder in every card’s thread',
      () => new Set(replies().map((c) => c.args.thread_ts)).size === people.length,
      {
        tries: 1_800,
        seen: () => Promise.resolve(replies().length),
      },
    );
    // Both replicas tick a few more times after the last reminder: none is sent again.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(tally(replies().map((c) => String(c.args.thread_ts)))).toEqual(
      new Map(cards.map((c) => [String(c.card_ts), 1])),
    );
    const reminded = await w.query("select request_id from audit_events where action = 'request.reminded'");
    expect(tally(reminded.map((r) => String(r.request_id)))).toEqual(
      new Map(cards.map((c) => [String(c.id), 1])),
    );
    expect(replies().every((c) => JSON.stringify(c.args).includes('<@U0000LEAD1>'))).toBe(true);
    expect(w.stderr()).toBe('');
  }, 180_000);
});
