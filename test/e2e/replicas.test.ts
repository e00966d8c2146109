/**
 * Two real bot processes on one PostgreSQL ledger, behind what would be a load balancer: the test sends each
 * signed slash command and click to one replica or the other, kills replicas with SIGKILL (kill -9), and checks what
 * people would notice: every request acknowledged is there, every approval counts once, every assignment is
 * made once in AWS and removed once when its time is up.
 */
import { describe, it, vi, type TestContext } from 'vitest';
import { KNOWN_MIGRATIONS } from '../../src/store/migrations/index.js';
import { PEOPLE } from '../support/access-harness.js';
import {
  assignmentOf,
  assignmentOfGrant,
  click,
  command,
  eventually,
  extraPeople,
  heldInAws,
  holderOf,
  startReplicaWorld,
  tally,
  type Person,
  type ReplicaWorld,
  type ReplicaWorldOptions,
} from '../support/replicas.js';
import type { SpawnedDesk } from '../support/spawned-desk.js';

/** A short lease, so that a dead replica's work is free again soon; the scheduler's interval as the test needs. */
const timing =
  (interval: string, lease?: string) =>
  (yaml: string): string => {
    const edited = yaml.replace(/schedulerInterval: 30s/, `schedulerInterval: ${interval}`);
    return lease === undefined ? edited : edited.replace(/jobLease: 20s/, `jobLease: ${lease}`);
  };

async function world(context: TestContext, options: ReplicaWorldOptions = {}): Promise<ReplicaWorld> {
  const w = await startReplicaWorld(options);
  context.onTestFinished(() => w.close());
  return w;
}

const count = async (w: ReplicaWorld, sql: string, params: unknown[] = []): Promise<number> =>
  Number((await w.query(sql, params))[0]?.n ?? 0);

/** The request each requester has in the ledger, by requester, once all `requesters` have one. */
async function requestsOf(w: ReplicaWorld, requesters: readonly string[]): Promise<Map<string, string>> {
  const rows = await eventually(
    `a request from each of ${requesters.length} requesters`,
    async () => {
      const found = await w.query(
        'select id, requester_slack_id from requests where requester_slack_id = any($1)',
        [requesters],
      );
      return found.length >= requesters.length && found;
    },
    { seen: () => count(w, 'select count(*) as n from requests') },
  );
  return new Map(rows.map((r) => [String(r.requester_slack_id), String(r.id)]));
}

/** Each requester types `text`, on the two replicas in turn; every command is acknowledged, and their requests' ids. */
async function askedOverBoth(
  { expect }: TestContext,
  w: ReplicaWorld,
  [a, b]: readonly [SpawnedDesk, SpawnedDesk],
  requesters: readonly string[],
  text: string,
): Promise<string[]> {
  const asked = await Promise.all(
    requesters.map((id, i) => command(i % 2 === 0 ? a.target : b.target, w.slack, id, text, `cmd-${i}`)),
  );
  expect(asked.map((r) => r?.status)).toEqual(requesters.map(() => 200));
  return [...(await requestsOf(w, requesters)).values()];
}

/** Waits until none of `ids` is still on its way (pending, approved or provisioning). */
function settled(w: ReplicaWorld, ids: readonly string[], tries = 600): Promise<true> {
  return eventually(
    `${ids.length} requests settled`,
    async () =>
      (await count(
        w,
        "select count(*) as n from requests where id = any($1) and status in ('pending', 'approved', 'provisioning')",
        [ids],
      )) === 0,
    {
      tries,
      seen: () =>
        w.query('select status, count(*) as n from requests where id = any($1) group by status', [ids]),
    },
  );
}

const statusesOf = (w: ReplicaWorld, table: 'requests' | 'grants', column: string, ids: readonly string[]) =>
  w
    .query(
      `select status, count(*) as n from ${table} where ${column} = any($1) group by status order by status`,
      [ids],
    )
    .then((rows) => Object.fromEntries(rows.map((r) => [String(r.status), Number(r.n)])));

// Two at a time on a machine of two cores: the expiry test mostly waits out its minute beside the others, which
// take turns (each test's timeout counts from its turn).
vi.setConfig({ maxConcurrency: 2 });

describe.concurrent('two replicas on one ledger', () => {
  it('removes each grant once when it ends while both replicas tick, and misses none; access scheduled ahead starts once', async (context) => {
    const { expect } = context;
    const people = extraPeople(16);
    const w = await world(context, { edit: timing('1s'), people });
    const [a, b] = await Promise.all([w.start(), w.start()]);
    const requesters = people.slice(0, 12).map((p) => p.slackId);

    // Four ask ahead of time (src/access/scheduled.ts), over both replicas, and are approved: scheduled.
    const planners = people.slice(12).map((p) => p.slackId);
    const planned = await Promise.all(
      planners.map((id, i) =>
        command(
          i % 2 === 0 ? a.target : b.target,
          w.slack,
          id,
          'request Developer staging 1m replicas scheduled at +1h',
          `ahead-${i}`,
        ),
      ),
    );
    expect(planned.map((r) => r?.status)).toEqual(planners.map(() => 200));
    const ahead = [...(await requestsOf(w, planners)).values()];
    const approvedAhead = await Promise.all(
      ahead.map((id, i) =>
        click(i % 2 === 0 ? b.target : a.target, w.slack, PEOPLE.lena, id, `ahead-ok-${i}`),
      ),
    );
    expect(approvedAhead.map((r) => r?.status)).toEqual(ahead.map(() => 200));
    await eventually(
      'the requests asked ahead scheduled',
      async () =>
        (await count(w, "select count(*) as n from requests where id = any($1) and status = 'scheduled'", [
          ahead,
        ])) === ahead.length,
      { seen: () => statusesOf(w, 'requests', 'id', ahead) },
    );
    expect(w.calls('CreateAccountAssignment')).toEqual([]);
    // The hour passes (the replicas' clock is the wall clock: the start is brought to two seconds from now).
    // Each start gets a second due job, as a replica whose clock ran ahead requeues it, so that both replicas
    // claim a start of the same request at the same tick: the compare-and-set must start it once.
    const start = new Date(Date.now() + 2_000).toISOString();
    await w.query('update requests set starts_at = $1 where id = any($2)', [start, ahead]);
    await w.query("update jobs set run_at = $1 where kind = 'provision' and request_id = any($2)", [
      start,
      ahead,
    ]);
    await w.query(
      `insert into jobs (id, kind, status, request_id, grant_id, payload, run_at, dedupe_key, active_key, attempts, created_at)
       select id || '-start', kind, status, request_id, grant_id, payload, run_at, dedupe_key || ':start',
              active_key || ':start', 0, created_at
       from jobs where kind = 'provision' and request_id = any($1)`,
      [ahead],
    );
    expect(
      await count(
        w,
        "select count(*) as n from jobs where kind = 'provision' and status = 'queued' and request_id = any($1)",
        [ahead],
      ),
    ).toBe(2 * ahead.length);

    // One minute is the shortest access anyone may ask for.
    const ids = await askedOverBoth(
      context,
      w,
      [a, b],
      requesters,
      'request Developer dev 1m replicas expiry',
    );
    const approved = await Promise.all(
      ids.map((id, i) => click(i % 2 === 0 ? b.target : a.target, w.slack, PEOPLE.lena, id, `approve-${i}`)),
    );
    expect(approved.map((r) => r?.status)).toEqual(ids.map(() => 200));
    await settled(w, ids);
    expect(await statusesOf(w, 'grants', 'request_id', ids)).toEqual({ active: ids.length });
    const active = await w.query(
      'select principal_id, account_id, permission_set_arn from grants where request_id = any($1)',
      [ids],
    );
    expect(active.filter((g) => heldInAws(w.emulator, g))).toHaveLength(ids.length);

    // Started once each, while both replicas tick: one grant, one assignment made in AWS, one start recorded.
    await eventually(
      'the requests asked ahead active',
      async () =>
        (await count(w, "select count(*) as n from requests where id = any($1) and status = 'active'", [
          ahead,
        ])) === ahead.length,
      { tries: 600, seen: () => statusesOf(w, 'requests', 'id', ahead) },
    );
    expect(await statusesOf(w, 'grants', 'request_id', ahead)).toEqual({ active: ahead.length });
    const started = tally(
      (
        await w.query(
          "select request_id from audit_events where action = 'request.started' and request_id = any($1)",
          [ahead],
        )
      ).map((e) => String(e.request_id)),
    );
    expect(started).toEqual(new Map(ahead.map((id) => [id, 1])));
    const creations = tally(w.calls('CreateAccountAssignment').map(assignmentOf));
    expect(creations.size).toBe(ids.length + ahead.length);
    expect([...creations.values()].filter((n) => n !== 1)).toEqual([]);
    const aheadGrants = await w.query('select ends_at from grants where request_id = any($1)', [ahead]);
    // Ended a minute after the start, not after the approval.
    expect(aheadGrants.map((g) => g.ends_at)).toEqual(
      ahead.map(() => new Date(Date.parse(start) + 60_000).toISOString()),
    );

    const all = [...ids, ...ahead];
    await eventually(
      'every grant ended',
      async () => (await count(w, "select count(*) as n from grants where status = 'ended'")) === all.length,
      { tries: 1_200, seen: () => statusesOf(w, 'grants', 'request_id', all) },
    );
    const grants = await w.query(
      'select id, principal_id, account_id, permission_set_arn, end_reason from grants',
    );
    expect(grants.map((g) => g.end_reason)).toEqual(all.map(() => 'expired'));
    const deletions = tally(w.calls('DeleteAccountAssignment').map(assignmentOf));
    expect(deletions).toEqual(new Map(grants.map((g) => [assignmentOfGrant(g), 1])));
    const expired = tally(
      (await w.query("select grant_id from audit_events where action = 'grant.expired'")).map((e) =>
        String(e.grant_id),
      ),
    );
    expect(expired).toEqual(new Map(grants.map((g) => [String(g.id), 1])));
    // Nothing of theirs is left in AWS.
    expect(grants.filter((g) => heldInAws(w.emulator, g))).toEqual([]);
    expect(w.stderr()).toBe('');
  }, 150_000);

  it('grants 200 requests made and approved across both replicas each exactly once', async (context) => {
    const { expect } = context;
    const people = extraPeople(100);
    // Under AWS's own rate limits, which belong to the account: the two replicas share them.
    const w = await world(context, { people, rateLimits: true });
    const [a, b] = await Promise.all([w.start(), w.start()]);
    const replica = (i: number): SpawnedDesk => (i % 2 === 0 ? a : b);
    const wanted = people.flatMap((p) => [
      { requester: p.slackId, text: 'request Developer dev 4h replicas load' },
      { requester: p.slackId, text: 'request JuniorDeveloper dev 4h replicas load' },
    ]);

    const asked = await Promise.all(
      wanted.map((r, i) => command(replica(i).target, w.slack, r.requester, r.text, `cmd-${i}`)),
    );
    expect(asked.filter((r) => r?.status === 200)).toHaveLength(200);
    const rows = await eventually(
      '200 requests',
      async () => {
        const found = await w.query("select id from requests where status = 'pending'");
        return found.length >= 200 && found;
      },
      { tries: 1_200, seen: () => count(w, 'select count(*) as n from requests') },
    );
    const ids = rows.map((r) => String(r.id));
    expect(ids).toHaveLength(200);

    // Both leads approve at once, their clicks spread over the two replicas.
    const approvers = [PEOPLE.lena, PEOPLE.leo];
    const clicked = await Promise.all(
      ids.map((id, i) => click(replica(i + 1).target, w.slack, approvers[i % 2]!, id, `approve-${i}`)),
    );
    expect(clicked.filter((r) => r?.status === 200)).toHaveLength(200);
    await settled(w, ids, 2_400);

    expect(await statusesOf(w, 'requests', 'id', ids)).toEqual({ active: 200 });
    expect(await statusesOf(w, 'grants', 'request_id', ids)).toEqual({ active: 200 });
    const grants = await w.query('select principal_id, account_id, permission_set_arn from grants');
    expect(grants.filter((g) => heldInAws(w.emulator, g))).toHaveLength(200);
    const creations = tally(w.calls('CreateAccountAssignment').map(assignmentOf));
    expect(creations.size).toBe(200);
    expect([...creations.values()].filter((n) => n !== 1)).toEqual([]);
    const approvals = tally(
      (await w.query('select request_id from approvals')).map((r) => String(r.request_id)),
    );
    expect(approvals.size).toBe(200);
    expect([...approvals.values()].filter((n) => n !== 1)).toEqual([]);
    const approvedEvents = tally(
      (await w.query("select request_id from audit_events where action = 'request.approved'")).map((r) =>
        String(r.request_id),
      ),
    );
    expect(approvedEvents.size).toBe(200);
    expect([...approvedEvents.values()].filter((n) => n !== 1)).toEqual([]);
    expect(await count(w, "select count(*) as n from jobs where status = 'failed'")).toBe(0);
    expect(w.stderr()).toBe('');
  }, 170_000);

  it('loses no command or click acknowledged by a replica that is killed mid-burst and started again', async (context) => {
    const { expect } = context;
    const people = extraPeople(40);
    const w = await world(context, { edit: timing('2s', '2s'), people });
    let [a, b] = await Promise.all([w.start(), w.start()]);
    const acked: string[] = [];
    const send = async (desk: SpawnedDesk, p: Person, i: number) => {
      const answer = await command(
        desk.target,
        w.slack,
        p.slackId,
        'request Developer staging 4h burst',
        `cmd-${i}`,
      );
      if (answer?.status === 200) acked.push(p.slackId);
    };

    // The first half of the burst, over both; replica A dies the moment it has acknowledged its share.
    const first = people.slice(0, 20);
    await Promise.all([
      Promise.all(first.filter((_, i) => i % 2 === 0).map((p, i) => send(a, p, 2 * i))).then(() => a.kill()),
      Promise.all(first.filter((_, i) => i % 2 === 1).map((p, i) => send(b, p, 2 * i + 1))),
    ]);
    a = await w.start();
    await Promise.all(people.slice(20).map((p, i) => send(i % 2 === 0 ? a : b, p, 20 + i)));

    // Every acknowledged command ends as a request.
    const made = await eventually(
      'the acknowledged requests',
      async () => {
        const rows = await w.query('select id, requester_slack_id from requests');
        return rows.length >= acked.length && rows;
      },
      {
        tries: 200,
        seen: async () => ({
          acked: acked.length,
          requests: await count(w, 'select count(*) as n from requests'),
        }),
      },
    ).catch(() => w.query('select id, requester_slack_id from requests'));
    const requested = new Set(made.map((r) => String(r.requester_slack_id)));
    expect
      .soft(
        acked.filter((id) => !requested.has(id)),
        'acknowledged commands with no request in the ledger',
      )
      .toEqual([]);

    // Then every request is approved in a burst of clicks; replica B dies right after acknowledging its share.
    const ids = made.map((r) => String(r.id));
    const clicked: string[] = [];
    const approve = async (desk: SpawnedDesk, id: string, i: number) => {
      const answer = await click(desk.target, w.slack, PEOPLE.leo, id, `approve-${i}`);
      if (answer?.status === 200) clicked.push(id);
    };
    await Promise.all([
      Promise.all(ids.filter((_, i) => i % 2 === 0).map((id, i) => approve(a, id, 2 * i))),
      Promise.all(ids.filter((_, i) => i % 2 === 1).map((id, i) => approve(b, id, 2 * i + 1))).then(() =>
        b.kill(),
      ),
    ]);
    b = await w.start();
    // Whatever was not acknowledged is clicked again, as a person would.
    const missed = ids.filter((id) => !clicked.includes(id));
    await Promise.all(missed.map((id, i) => approve(i % 2 === 0 ? a : b, id, 100 + i)));
    expect(clicked.sort()).toEqual([...ids].sort());

    await settled(w, ids, 1_200);
    expect(await statusesOf(w, 'requests', 'id', ids)).toEqual({ active: ids.length });
    expect(await statusesOf(w, 'grants', 'request_id', ids)).toEqual({ active: ids.length });
    const creations = tally(w.calls('CreateAccountAssignment').map(assignmentOf));
    expect(creations.size).toBe(ids.length);
    expect([...creations.values()].filter((n) => n !== 1)).toEqual([]);
    const approvals = tally(
      (await w.query('select request_id from approvals')).map((r) => String(r.request_id)),
    );
    expect([...approvals.values()].filter((n) => n !== 1)).toEqual([]);
    expect(approvals.size).toBe(ids.length);
    expect(w.stderr()).toBe('');
  }, 120_000);

  it('finishes a grant whose provisioning replica was killed on the other replica, within 30 s, once', async (context) => {
    const { expect } = context;
    // The scheduler ticks rarely: the takeover must come from the lease ending, not from a tick.
    const w = await world(context, { edit: timing('1m', '2s') });
    const [a, b] = await Promise.all([w.start(), w.start()]);
    expect(
      (await command(b.target, w.slack, PEOPLE.sam, 'request SeniorDeveloper dev 1h lease', 'cmd'))?.status,
    ).toBe(200);
    const id = (await requestsOf(w, [PEOPLE.sam])).get(PEOPLE.sam)!;

    // AWS answers the creation, then holds the status poll: the provisioning replica waits on AWS when it dies.
    w.emulator.faults.operationLatencyMs['sso-admin:DescribeAccountAssignmentCreationStatus'] = 10_000;
    expect((await click(a.target, w.slack, PEOPLE.lena, id, 'approve'))?.status).toBe(200);
    const held = await eventually('the provisioning under way', async () => {
      const [job] = await w.query(
        "select lease_owner from jobs where kind = 'provision' and request_id = $1",
        [id],
      );
      return w.calls('DescribeAccountAssignmentCreationStatus').length > 0 && job;
    });
    const doomed = holderOf([a, b], held.lease_owner);
    expect(doomed).toBeDefined();
    const survivor = doomed === a ? b : a;
    await doomed!.kill();
    w.emulator.faults.operationLatencyMs = {};

    // 600 looks 50 ms apart: about 30 s.
    await eventually(
      'the grant made by the surviving replica',
      async () => (await w.query('select status from requests where id = $1', [id]))[0]?.status === 'active',
      {
        tries: 600,
        seen: () => w.query("select status, lease_owner, lease_until from jobs where kind = 'provision'"),
      },
    );
    expect(w.calls('CreateAccountAssignment')).toHaveLength(1);
    const [job] = await w.query("select status, attempts, lease_owner from jobs where kind = 'provision'");
    expect(job).toMatchObject({ status: 'done', attempts: 1 });
    expect(holderOf([a, b], job?.lease_owner)).toBe(survivor);
    expect(await statusesOf(w, 'grants', 'request_id', [id])).toEqual({ active: 1 });
    expect(w.stderr()).toBe('');
  }, 90_000);

  it('makes one assignment when the two Approve clicks of a two-lead race land on different replicas', async (context) => {
    const { expect } = context;
    const w = await world(context);
    const [a, b] = await Promise.all([w.start(), w.start()]);
    // AdministratorAccess on request needs two of leads and admins (rules[3]).
    const requesters = [PEOPLE.sam, PEOPLE.sara, PEOPLE.jay, PEOPLE.omar, PEOPLE.kim];
    const ids = await askedOverBoth(
      context,
      w,
      [a, b],
      requesters,
      'request AdministratorAccess dev 1h race',
    );

    // Lena clicks on one replica and Leo on the other, at the same moment, for every request.
    const clicks = await Promise.all(
      ids.flatMap((id, i) => [
        click(a.target, w.slack, PEOPLE.lena, id, `lena-${i}`),
        click(b.target, w.slack, PEOPLE.leo, id, `leo-${i}`),
      ]),
    );
    expect(clicks.map((r) => r?.status)).toEqual(clicks.map(() => 200));
    await settled(w, ids);

    expect(await statusesOf(w, 'requests', 'id', ids)).toEqual({ active: ids.length });
    expect(await statusesOf(w, 'grants', 'request_id', ids)).toEqual({ active: ids.length });
    const creations = tally(w.calls('CreateAccountAssignment').map(assignmentOf));
    expect(creations.size).toBe(ids.length);
    expect([...creations.values()].filter((n) => n !== 1)).toEqual([]);
    for (const id of ids) {
      const approvals = await w.query(
        'select approver_slack_id, decision from approvals where request_id = $1 order by approver_slack_id',
        [id],
      );
      expect(approvals).toEqual([
        { approver_slack_id: PEOPLE.lena, decision: 'approve' },
        { approver_slack_id: PEOPLE.leo, decision: 'approve' },
      ]);
    }
    // Neither lead is told anything: the card shows the decision.
    expect(w.slack.responses.filter((r) => !r.id.startsWith('cmd-'))).toEqual([]);
    expect(w.stderr()).toBe('');
  }, 60_000);

  it('starts two replicas at the same moment on a fresh database, migrating it once', async (context) => {
    const { expect } = context;
    const w = await world(context);
    const [a, b] = await Promise.all([w.start(), w.start()]);
    expect(a.target.url).not.toBe(b.target.url);
    const migrations = await w.query('select name from kysely_migration order by name');
    expect(migrations.map((m) => m.name)).toEqual([...KNOWN_MIGRATIONS]);
    expect(a.output.stderr + b.output.stderr).toBe('');
    // Both serve: each answers a signed command.
    expect((await command(a.target, w.slack, PEOPLE.sam, 'help', 'help-a'))?.status).toBe(200);
    expect((await command(b.target, w.slack, PEOPLE.sam, 'help', 'help-b'))?.status).toBe(200);
  }, 60_000);
});
