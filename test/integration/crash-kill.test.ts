/**
 * kill -9 of the real process, at the worst moments: right after it acknowledged an Approve, and while it was
 * provisioning a grant. A second process on the same ledger must finish the work, exactly once. The emulator
 * holds one AWS operation (a long latency on it) so that the first process is mid-work when it is killed.
 */
import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { ACTION } from '../../src/slack/ids.js';
import { exampleConfig, PEOPLE } from '../support/access-harness.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import {
  blockActionsBody,
  postToSlackEvents,
  slashCommandBody,
  type SlackTarget,
} from '../support/slack-requests.js';
import {
  deskFiles,
  readLedger,
  spawnDesk,
  type DeskFiles,
  type SpawnedDesk,
} from '../support/spawned-desk.js';
import { testCredentials } from '../support/aws-clients.js';

const HOLD_MS = 10_000;
/** The scheduler ticks rarely: a takeover must come from the lease ending, not from a tick. */
const CONFIG = (yaml: string) =>
  yaml.replace(/schedulerInterval: 30s/, 'schedulerInterval: 1m').replace(/jobLease: 20s/, 'jobLease: 2s');

let emulator: RunningEmulator | undefined;
let slack: FakeSlack | undefined;
let ledger: Database.Database | undefined;
const desks: SpawnedDesk[] = [];

afterEach(async () => {
  for (const desk of desks.splice(0)) await desk.kill();
  ledger?.close();
  await slack?.close();
  await emulator?.close();
  ledger = undefined;
  slack = undefined;
  emulator = undefined;
});

async function setUp(): Promise<{ files: DeskFiles; start: () => Promise<SpawnedDesk> }> {
  emulator = await startEmulator({
    credentials: [testCredentials],
    rateLimits: false,
    faults: { provisioningDelayMs: 40 },
  });
  const people = exampleConfig().people;
  slack = await startFakeSlack({
    users: Object.fromEntries(Object.entries(people).map(([id, email]) => [id, { email }])),
  });
  const files = deskFiles(CONFIG);
  const endpoints = { slackApiUrl: slack.apiUrl, awsEndpoint: emulator.url };
  return {
    files,
    start: async () => {
      const desk = await spawnDesk(files, endpoints);
      desks.push(desk);
      return desk;
    },
  };
}

/** Polls the ledger (a real process writes it) a bounded number of times; no timed assertion. */
async function eventually<T>(what: string, probe: () => T | undefined, tries = 600): Promise<T> {
  for (let i = 0; i < tries; i += 1) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}

interface Row {
  [column: string]: unknown;
}
const one = (sql: string, ...params: unknown[]): Row | undefined =>
  ledger!.prepare(sql).get(...params) as Row | undefined;
const all = (sql: string, ...params: unknown[]): Row[] => ledger!.prepare(sql).all(...params) as Row[];
const calls = (operation: string) => emulator!.calls.filter((c) => c.operation === operation);

/** Sam asks for SeniorDeveloper on dev, which one lead must approve; resolves with the request id. */
async function requestAccess(target: SlackTarget, files: DeskFiles): Promise<string> {
  const answer = await postToSlackEvents(
    target,
    slashCommandBody({
      text: 'request SeniorDeveloper dev 1h crash test',
      userId: PEOPLE.sam,
      responseUrl: slack!.responseUrl('request'),
    }),
  );
  expect(answer.status).toBe(200);
  ledger ??= readLedger(files.database);
  return eventually('the request', () => {
    const row = one("select id from requests where status = 'pending'");
    return typeof row?.id === 'string' ? row.id : undefined;
  });
}

function approve(target: SlackTarget, requestId: string, responseUrlId: string) {
  return postToSlackEvents(
    target,
    blockActionsBody({
      actionId: ACTION.approve,
      value: requestId,
      userId: PEOPLE.lena,
      responseUrl: slack!.responseUrl(responseUrlId),
    }),
  );
}

describe('kill -9', () => {
  it('loses no Approve acknowledged just before the bot died: after a restart it counts once and the grant is made once', async () => {
    const { files, start } = await setUp();
    const first = await start();
    const id = await requestAccess(first.target, files);

    // Lena's identity is looked up after the ack: hold that call, so the bot is mid-approval when it dies.
    const lookupsBefore = calls('GetUserId').length;
    emulator!.faults.operationLatencyMs['identitystore:GetUserId'] = HOLD_MS;
    const acked = await approve(first.target, id, 'approve');
    expect(acked.status).toBe(200);
    await eventually('the approval under way', () => calls('GetUserId').length > lookupsBefore || undefined);
    await first.kill();
    emulator!.faults.operationLatencyMs = {};

    // The click is in the ledger though nothing of it ran: recorded before Slack was told it arrived.
    expect(all('select * from approvals where request_id = ?', id)).toEqual([]);
    const click = one("select * from jobs where kind = 'decide' and request_id = ?", id);
    expect(click).toMatchObject({ status: 'running' });
    expect(JSON.parse(String(click?.payload))).toMatchObject({ action: 'approve', userId: PEOPLE.lena });

    await start();
    await eventually('the grant', () => {
      const row = one('select status from requests where id = ?', id);
      return row?.status === 'active' ? row : undefined;
    });
    expect(all('select approver_slack_id, decision from approvals where request_id = ?', id)).toEqual([
      { approver_slack_id: PEOPLE.lena, decision: 'approve' },
    ]);
    expect(calls('CreateAccountAssignment')).toHaveLength(1);
    const done = one('select * from jobs where id = ?', click?.id);
    expect(done).toMatchObject({ status: 'done', attempts: 1 });
    expect(done?.lease_owner).not.toBe(click?.lease_owner);
    // An approval that worked says nothing to the approver: the card shows it.
    expect(slack!.responses.filter((r) => r.id === 'approve')).toEqual([]);
  });

  it('resumes a grant the bot was provisioning when it died once its short lease ends, with one CreateAccountAssignment', async () => {
    const { files, start } = await setUp();
    const first = await start();
    const id = await requestAccess(first.target, files);

    // AWS answers the creation, then the status poll is held: the bot waits on AWS when it dies.
    emulator!.faults.operationLatencyMs['sso-admin:DescribeAccountAssignmentCreationStatus'] = HOLD_MS;
    expect((await approve(first.target, id, 'approve')).status).toBe(200);
    const followed = await eventually('the AWS request id kept', () => {
      const row = one('select aws_request_id from grants where request_id = ?', id);
      return typeof row?.aws_request_id === 'string' &&
        calls('DescribeAccountAssignmentCreationStatus').length > 0
        ? row.aws_request_id
        : undefined;
    });
    const job = () => one("select * from jobs where kind = 'provision' and request_id = ?", id);
    const held = job();
    expect(held).toMatchObject({ status: 'running' });
    // The lease is renewed while AWS works, a little at a time.
    await eventually('a renewal', () => (job()?.lease_until !== held?.lease_until ? true : undefined));
    await first.kill();
    const killedAt = Date.now();
    const dead = job();
    emulator!.faults.operationLatencyMs = {};
    // A dead worker's job is free again no later than one lease (2 s here, 20 s by default) after its death.
    expect(new Date(String(dead?.lease_until)).getTime()).toBeLessThanOrEqual(killedAt + 2_000);

    await start();
    await eventually('the grant', () => {
      const row = one('select status from requests where id = ?', id);
      return row?.status === 'active' ? row : undefined;
    });
    expect(calls('CreateAccountAssignment')).toHaveLength(1);
    expect(one('select status, aws_request_id from grants where request_id = ?', id)).toEqual({
      status: 'active',
      aws_request_id: followed,
    });
    const resumed = job();
    expect(resumed).toMatchObject({ status: 'done', attempts: 1 });
    expect(resumed?.lease_owner).not.toBe(dead?.lease_owner);
  });
});
