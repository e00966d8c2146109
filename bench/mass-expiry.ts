/**
 * Mass expiry (issue 15): 1,000 grants over 200 accounts that all end in the same minute, removed by the real
 * scheduler and job runner of the whole app (createAccessDesk: Bolt HTTP, SQLite in memory, the AWS adapter and
 * its limiter) against the local Identity Center (in this process) with AWS's rate limits on, 40 ms a call and
 * 500 ms provisioning; Slack is the fake Web API and load generator in a child (bench/slack-side.ts). Prints
 * the time from the scheduler's tick until every grant has ended, the floor the rate limits set, their ratio,
 * and whether each assignment was deleted once (none missed, none twice). Also the ack p99 of 200 concurrent
 * `/access request` commands a few seconds into the storm, beside the same burst with nothing running.
 *
 * The floor: each assignment needs one DeleteAccountAssignment, and at least one
 * DescribeAccountAssignmentDeletionStatus to learn that it is gone (the deletion answers IN_PROGRESS): 2·N
 * sso-admin calls, which share 20 a second (the emulator's bucket admits one second's burst, 20 calls, at
 * once); and the last deletion's status cannot be known before its provisioning ends. So
 * floor = max((2·N − 20) ÷ 20/s, (N − 20) ÷ 20/s + provisioning).
 */
import type { CallRecord } from '../src/emulator/server.js';
import { createAccessDesk, type AccessDesk } from '../src/app.js';
import { awsRateLimits } from '../src/emulator/rate-limit.js';
import { startEmulator } from '../src/emulator/server.js';
import {
  assignmentsLeft,
  deletionsByAssignment,
  massExpiryPeople,
  massExpirySeed,
  seedMassExpiryGrants,
} from '../test/support/mass-expiry.js';
import type { LineChild } from './child.js';
import {
  approveAndWait,
  ask,
  benchDeskOptions,
  POLL_MS,
  percentile,
  requestCommands,
  startSlackSide,
  until,
  type Acks,
  type Person,
} from './core-loop.js';

const GRANTS = 1_000;
const ACCOUNTS = 200;
const COMMANDS = 200;
/** Approvals timed one at a time, with nothing running and during the storm. */
const APPROVALS = 5;
const WARMUP_COMMANDS = 10;
const LATENCY_MS = 40;
const PROVISIONING_MS = 500;
/** How far into the storm the burst of commands is sent. */
const BURST_AFTER_MS = 5_000;
const GOAL_RATIO = 1.2;
const LIMIT_MS = 10 * 60_000;
const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const msText = (n: number): string => `${n.toFixed(1)} ms`;

const requesters = (tag: string, n: number): Person[] =>
  Array.from({ length: n }, (_v, i) => ({
    slackId: `U9MX${tag}${String(i).padStart(3, '0')}`,
    email: `mx.${tag.toLowerCase()}${i}@example.com`,
  }));

/** Sends one burst of `/access request` and waits until the ledger holds all of them; returns the acks. */
async function burst(desk: AccessDesk, slack: LineChild, port: number, people: Person[], tag: string) {
  const target = { url: `http://127.0.0.1:${port}`, signingSecret: 'bench-signing-secret' };
  const { ms } = await ask<Acks>(
    slack,
    { op: 'burst', target, commands: requestCommands(people, tag) },
    60_000,
  );
  const ids = new Set(people.map((p) => p.slackId));
  await until(
    `every ${tag} request in the ledger`,
    async () =>
      (await desk.ledger.findRequests({ statuses: ['pending'] })).filter((r) => ids.has(r.requesterSlackId))
        .length >= people.length
        ? true
        : undefined,
    { everyMs: 20 },
  );
  return ms;
}

/**
 * Approves, one at a time by the Approve button, the pending requests of `people` (the first `APPROVALS`), and
 * returns for each the time from the click until its grant is active, less the emulator's provisioning.
 */
async function approvals(
  desk: AccessDesk,
  slack: LineChild,
  port: number,
  people: Person[],
): Promise<number[]> {
  const target = { url: `http://127.0.0.1:${port}`, signingSecret: 'bench-signing-secret' };
  const ids = new Set(people.slice(0, APPROVALS).map((p) => p.slackId));
  const pending = (await desk.ledger.findRequests({ statuses: ['pending'] })).filter((r) =>
    ids.has(r.requesterSlackId),
  );
  const latencies: number[] = [];
  for (const request of pending)
    latencies.push((await approveAndWait(desk, slack, target, request.id, 60_000)).ms);
  return latencies;
}

export async function benchMassExpiry(): Promise<void> {
  const size = { grants: GRANTS, accounts: ACCOUNTS };
  const warmups = requesters('W', WARMUP_COMMANDS);
  const quietPeople = requesters('Q', COMMANDS);
  const stormPeople = requesters('S', COMMANDS);
  const askers = [...warmups, ...quietPeople, ...stormPeople];
  const emulator = await startEmulator({
    credentials: [credentials],
    seed: massExpirySeed(
      size,
      askers.map((p) => p.email),
    ),
    faults: { latencyMs: LATENCY_MS, provisioningDelayMs: PROVISIONING_MS },
  });
  let slack: LineChild | undefined;
  let desk: AccessDesk | undefined;
  try {
    const side = await startSlackSide([...askers, ...massExpiryPeople(size)]);
    slack = side.child;
    desk = await createAccessDesk(
      benchDeskOptions({ awsEndpoint: emulator.url, slackApiUrl: side.apiUrl }, { databasePath: ':memory:' }),
    );
    const { port } = await desk.start();
    if (port === undefined) throw new Error('the app did not listen');

    // With nothing running: a warm-up, then the burst whose acks are the baseline.
    await burst(desk, slack, port, warmups, 'mx-warmup');
    const quietAcks = await burst(desk, slack, port, quietPeople, 'mx-quiet');
    const quietApprovals = await approvals(desk, slack, port, quietPeople);
    await new Promise((r) => setTimeout(r, 1_500)); // the emulator's buckets refill after the look-ups

    // Every grant ended within the last minute: all due at the scheduler's next tick.
    const endsAt = new Date(Date.now() - 1_000);
    const ids = await seedMassExpiryGrants(desk.ledger, emulator.state, size, endsAt);
    const before = assignmentsLeft(emulator.state, size);
    emulator.calls.length = 0;

    const start = performance.now();
    const ticked = desk.scheduler.tick();
    await new Promise((r) => setTimeout(r, BURST_AFTER_MS));
    const endedAtBurst = (await desk.ledger.findGrants({ statuses: ['ended'] })).length;
    const stormAcks = await burst(desk, slack, port, stormPeople, 'mx-storm');
    const endedAtApprovals = (await desk.ledger.findGrants({ statuses: ['ended'] })).length;
    const stormApprovals = await approvals(desk, slack, port, stormPeople);
    const endedAfterApprovals = (await desk.ledger.findGrants({ statuses: ['ended'] })).length;
    let ended = 0;
    for (;;) {
      ended = (await desk.ledger.findGrants({ statuses: ['ended'] })).length;
      if (ended >= ids.length || performance.now() - start > LIMIT_MS) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const measured = performance.now() - start;
    const calls: CallRecord[] = [...emulator.calls];
    await ticked;

    const deletions = deletionsByAssignment(calls);
    const twice = [...deletions.values()].filter((n) => n > 1).length;
    const missed = assignmentsLeft(emulator.state, size);
    const ssoAdmin = calls.filter((c) => c.service === 'sso-admin');
    const throttled = ssoAdmin.filter((c) => c.errorCode === 'ThrottlingException').length;
    const byOp = new Map<string, number>();
    for (const c of ssoAdmin) byOp.set(c.operation, (byOp.get(c.operation) ?? 0) + 1);
    const ops = [...byOp]
      .sort((a, b) => b[1] - a[1])
      .map(([op, n]) => `${n} ${op}`)
      .join(', ');

    const rate = awsRateLimits().ssoAdminPerSecond;
    const n = before;
    const floorMs = Math.max(((2 * n - rate) / rate) * 1000, ((n - rate) / rate) * 1000 + PROVISIONING_MS);
    const ownFloorMs = ((ssoAdmin.length - rate) / rate) * 1000;
    const ratio = measured / floorMs;
    const met = ratio <= GOAL_RATIO && missed === 0 && twice === 0 && ended === ids.length;
    console.log(
      `\nmass expiry: ${GRANTS} grants over ${ACCOUNTS} accounts, all ended in the same minute (the whole app's scheduler and job runner, rate limits on, ${LATENCY_MS} ms a call, ${PROVISIONING_MS} ms provisioning)`,
    );
    console.log(
      `  ${ended}/${ids.length} grants ended; ${deletions.size} assignments deleted, ${missed} left (missed), ${twice} deleted twice`,
    );
    console.log(
      `  sso-admin calls: ${ops}; ${throttled} throttled answers; ${(ssoAdmin.length / (measured / 1000)).toFixed(1)} calls/s on average (limit ${rate}/s)`,
    );
    console.log(
      `  floor = max((2·N − ${rate}) ÷ ${rate}/s, (N − ${rate}) ÷ ${rate}/s + ${PROVISIONING_MS} ms provisioning), N = ${n} assignments (one DeleteAccountAssignment and one DescribeAccountAssignmentDeletionStatus each, sso-admin's ${rate}/s shared, its first second's burst of ${rate} free)`,
    );
    console.log(
      `  measured ${seconds(measured)}, floor ${seconds(floorMs)}, ratio ${ratio.toFixed(2)}×  (goal: ≤ ${GOAL_RATIO}×, none missed, none twice → ${met ? 'met' : 'not met'}); at the ${ssoAdmin.length} sso-admin calls the app made, the floor would be ${seconds(ownFloorMs)} (${(measured / ownFloorMs).toFixed(2)}×)`,
    );
    const quietP99 = percentile(quietAcks, 99);
    const stormP99 = percentile(stormAcks, 99);
    const ackRatio = stormP99 / quietP99;
    console.log(
      `  ${COMMANDS} concurrent /access request acks: nothing running p50 ${msText(percentile(quietAcks, 50))}, p99 ${msText(quietP99)}; ${seconds(BURST_AFTER_MS)} into the storm (${endedAtBurst} grants ended by then) p50 ${msText(percentile(stormAcks, 50))}, p99 ${msText(stormP99)} → ratio ${ackRatio.toFixed(2)}×  (goal: ≤ ${GOAL_RATIO}× → ${ackRatio <= GOAL_RATIO ? 'met' : 'not met'})`,
    );
    const quietMax = Math.max(...quietApprovals);
    const stormMax = Math.max(...stormApprovals);
    const extra = stormMax - quietMax;
    console.log(
      `  approval → grant active (the Approve click to the grant active, less ${PROVISIONING_MS} ms provisioning), ${APPROVALS} one at a time: nothing running p50 ${msText(percentile(quietApprovals, 50))}, max ${msText(quietMax)}; during the storm (${endedAtApprovals}→${endedAfterApprovals} of ${ids.length} grants ended meanwhile) p50 ${msText(percentile(stormApprovals, 50))}, max ${msText(stormMax)} → ${msText(extra)} more at worst  (goal: ≤ one poll interval, ${POLL_MS} ms → ${extra <= POLL_MS ? 'met' : 'not met'})`,
    );
  } finally {
    await desk?.stop();
    await slack?.stop();
    await emulator.close();
  }
}
