/**
 * The audit's report streamed to Slack: the CSV is written to a temporary file of its own (this user's alone),
 * streamed from there through Slack's external upload flow with its length, and the file is removed afterwards,
 * whether Slack took the report or not. Against the local Identity Center, the real Slack notifier and the fake
 * Slack Web API on loopback.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assignmentsByAdminWork } from '../../src/access/audit/admin-work.js';
import { AuditWork } from '../../src/access/audit/audit-job.js';
import { auditCsv } from '../../src/access/audit/csv.js';
import { LEFTOVER_AGE_MS } from '../../src/access/audit/report-file.js';
import { buildAuditReport } from '../../src/access/audit/report.js';
import { walkOrganisation } from '../../src/access/audit/walk.js';
import type { JobRecord } from '../../src/access/ledger.js';
import type { AuditFile } from '../../src/access/notifier.js';
import { applySeed, checkSeed } from '../../src/emulator/seed.js';
import { startEmulator } from '../../src/emulator/server.js';
import { silentLogger } from '../../src/log.js';
import { createSlackClient } from '../../src/slack/client.js';
import { SlackNotifier } from '../../src/slack/notifier.js';
import { uploadFile } from '../../src/slack/upload.js';
import { PEOPLE, startAccessHarness, type AccessHarness } from '../support/access-harness.js';
import { testCredentials } from '../support/aws-clients.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';

/** The DM the fake Slack opens with Ada, and the example config's audit channel: the report goes to both. */
const ADA_DM = 'D0000ADMIN';
const AUDIT_CHANNEL = 'C0000AUDIT';

/** People with names beyond ASCII and no access: enough lines that the CSV is read and written in many chunks. */
const NEWCOMERS = 700;

/** A Slack notifier that notes, as each upload starts, what the report directory holds and with what mode. */
class WatchedSlackNotifier extends SlackNotifier {
  readonly seen: { files: string[]; modes: number[] }[] = [];
  constructor(
    slack: FakeSlack,
    private readonly dir: string,
  ) {
    super({
      client: createSlackClient({ token: 'xoxb-test', logger: silentLogger, slackApiUrl: slack.apiUrl }),
      identityCenter: { startUrl: 'https://example.awsapps.com/start', sessionName: 'example-ltd' },
      logger: silentLogger,
    });
  }
  override async uploadAuditReport(
    channel: string,
    file: AuditFile,
    comment: string,
  ): Promise<{ fileId: string }> {
    const files = await readdir(this.dir);
    const modes = await Promise.all(
      files.map(async (f) => (await stat(path.join(this.dir, f))).mode & 0o777),
    );
    this.seen.push({ files, modes });
    return super.uploadAuditReport(channel, file, comment);
  }
}

interface Setup {
  h: AccessHarness;
  slack: FakeSlack;
  notifier: WatchedSlackNotifier;
  dir: string;
  /** Runs the audit job once with the Slack notifier, its report written under `reportDir`. */
  run(reportDir?: string): Promise<void>;
  /** The CSV the audit makes of the organisation as it stands, as one string (the path for small reports). */
  expectedCsv(): Promise<string>;
  /** The audit's message in Ada's DM, as Slack now shows it. */
  auditMessage(): string;
}

let setup: Setup | undefined;
afterEach(async () => {
  if (setup === undefined) return;
  await setup.h.close();
  await setup.slack.close();
  await rm(setup.dir, { recursive: true, force: true });
  setup = undefined;
});

async function start(): Promise<Setup> {
  const emulator = await startEmulator({
    credentials: [testCredentials],
    rateLimits: false,
    faults: { provisioningDelayMs: 20 },
  });
  applySeed(
    emulator.state,
    checkSeed({
      users: Array.from({ length: NEWCOMERS }, (_v, i) => ({
        userName: `zoe.angstrom${i}@example.com`,
        givenName: 'Zoë',
        familyName: 'Ångström',
        displayName: `Zoë Ångström ${i} — 東京 🚀`,
        email: `zoe.angstrom${i}@example.com`,
      })),
    }),
  );
  const h = await startAccessHarness({ emulator });
  const slack = await startFakeSlack();
  const dir = await mkdtemp(path.join(tmpdir(), 'access-desk-audit-test-'));
  const notifier = new WatchedSlackNotifier(slack, dir);
  const deps = {
    config: h.config,
    ledger: h.ledger,
    notifier,
    logger: silentLogger,
    directory: h.aws.directory,
    assignments: h.aws.assignments,
    catalog: h.aws.catalog,
    legacyIam: h.aws.legacyIam,
    signIns: h.aws.signIns,
    clock: h.clock,
  };
  const started = await h.audit.startAudit(PEOPLE.ada, 'C0000OPS01');
  expect(started.ok).toBe(true);
  const [job] = await h.ledger.findJobs({ kind: 'audit' });
  return {
    h,
    slack,
    notifier,
    dir,
    run: (reportDir = dir) => new AuditWork(deps, { reportDir }).run(job as JobRecord),
    expectedCsv: async () => {
      const walked = await walkOrganisation(deps, {});
      if (!walked.ok) throw new Error(walked.error.message);
      const report = buildAuditReport(walked.value, {
        accounts: h.config.accounts,
        grants: await h.ledger.findGrants({ statuses: ['pending', 'provisioning', 'active', 'ending'] }),
        madeByAdminWork: assignmentsByAdminWork([]),
        sessionDenials: [],
        inactiveAfterMs: h.config.audit.inactiveAfterMs,
        now: h.clock.now(),
      });
      return auditCsv(report);
    },
    auditMessage: () => {
      const texts = [...slack.messages.values()].filter((m) => m.channel === ADA_DM).map((m) => m.text);
      expect(texts).toHaveLength(1);
      return String(texts[0]);
    },
  };
}

describe('the audit report on its way to Slack', () => {
  it('reaches both channels whole and byte for byte, streamed from a private file that is gone afterwards', async () => {
    setup = await start();
    const { slack, notifier, dir } = setup;
    await setup.run();

    const text = await setup.expectedCsv();
    const expected = Buffer.from(text, 'utf8');
    // Several chunks each way, and characters of two, three and four bytes: a length in bytes, not characters.
    expect(expected.length).toBeGreaterThan(4 * 64 * 1024);
    expect(expected.length).toBeGreaterThan(text.length);
    expect(text).toContain('Zoë Ångström 699 — 東京 🚀');

    const done = slack.uploads.filter((u) => u.completed !== undefined);
    expect(done.map((u) => u.completed?.channelId).sort()).toEqual([ADA_DM, AUDIT_CHANNEL].sort());
    for (const upload of done) {
      expect(upload.bytes?.equals(expected)).toBe(true);
      expect(upload.length).toBe(expected.length);
      // Sent with its length up front, not in chunks of unknown total.
      expect(upload.contentLength).toBe(String(expected.length));
      expect(upload.transferEncoding).toBeUndefined();
    }
    expect(setup.auditMessage()).toMatch(/^Access audit done/);

    // While it was posted, the report was one file that only this user may read or write; now it is gone.
    expect(notifier.seen).toHaveLength(2);
    for (const { files, modes } of notifier.seen) {
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/^access-desk-audit-.*\.csv$/);
      expect(modes).toEqual([0o600]);
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it('removes a report file a killed process left a day ago, and leaves a newer one and other files alone', async () => {
    setup = await start();
    const { dir } = setup;
    const old = path.join(dir, `access-desk-audit-${randomUUID()}.csv`);
    const recent = path.join(dir, `access-desk-audit-${randomUUID()}.csv`);
    const other = path.join(dir, 'notes.csv');
    for (const file of [old, recent, other]) await writeFile(file, 'left behind\n');
    const dayAgo = (Date.now() - LEFTOVER_AGE_MS - 60_000) / 1000;
    await utimes(old, dayAgo, dayAgo);
    await utimes(other, dayAgo, dayAgo);

    await setup.run();

    expect(setup.auditMessage()).toMatch(/^Access audit done/);
    expect((await readdir(dir)).sort()).toEqual([path.basename(recent), 'notes.csv'].sort());
  });

  it.each([
    [
      'its upload URL answers an error',
      (s: FakeSlack) => s.failNextUpload(500),
      /failed: HTTP 500: upload refused/,
    ],
    [
      'the connection breaks in the middle of the file',
      (s: FakeSlack) => s.failNextUpload('reset'),
      /uploading access-audit-.*\.csv \(\d+ bytes\) failed/,
    ],
    [
      'Slack refuses to share it',
      (s: FakeSlack) => s.failNext('files.completeUploadExternal', 'not_in_channel'),
      /not_in_channel/,
    ],
  ])(
    'tells the admin on its message when %s, leaves no file behind, and fails the job so it runs again',
    async (_case, fail, reason) => {
      setup = await start();
      const { slack, dir } = setup;
      fail(slack);
      await expect(setup.run()).rejects.toThrow(reason);

      expect(slack.uploads.filter((u) => u.completed !== undefined)).toEqual([]);
      const text = setup.auditMessage();
      expect(text).toMatch(/^Access audit stopped: The report could not be posted to Slack: /);
      expect(text).toMatch(reason);
      expect(text).toContain('access-desk will run the audit again.');
      // The upload URL is the permission to upload: never shown.
      expect(text).not.toContain('/upload/');
      expect(await readdir(dir)).toEqual([]);

      // The run after that posts it, whole.
      await setup.run();
      const expected = Buffer.from(await setup.expectedCsv(), 'utf8');
      const done = slack.uploads.filter((u) => u.completed !== undefined);
      expect(done).toHaveLength(2);
      for (const upload of done) expect(upload.bytes?.equals(expected)).toBe(true);
      expect(await readdir(dir)).toEqual([]);
    },
  );

  it('tells the admin when the report cannot be written, and posts nothing', async () => {
    setup = await start();
    const { slack, dir } = setup;
    await expect(setup.run(path.join(dir, 'not-there'))).rejects.toThrow(/ENOENT/);
    expect(slack.callsTo('files.getUploadURLExternal')).toEqual([]);
    expect(setup.auditMessage()).toMatch(/^Access audit stopped: The report could not be written: ENOENT/);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('a streamed upload', () => {
  let slack: FakeSlack | undefined;
  afterEach(async () => {
    await slack?.close();
    slack = undefined;
  });

  /** Content that announces `length` bytes and streams `chunks`. */
  const lying = (length: number, chunks: string[]) => ({
    length,
    // eslint-disable-next-line @typescript-eslint/require-await
    read: async function* () {
      for (const c of chunks) yield Buffer.from(c);
    },
  });

  it.each([
    ['shorter', 10, ['abc', 'def'], /ended after 6 of the 10 bytes announced/],
    ['longer', 4, ['abc', 'def'], /longer than the 4 bytes announced/],
  ])('fails, sharing nothing, when the content is %s than it said', async (_how, length, chunks, reason) => {
    slack = await startFakeSlack();
    const client = createSlackClient({ token: 'xoxb-test', logger: silentLogger, slackApiUrl: slack.apiUrl });
    const upload = uploadFile(client, {
      channel: ADA_DM,
      filename: 'audit.csv',
      title: 'Audit',
      content: lying(length, chunks),
      comment: 'the report',
    });
    await expect(upload).rejects.toThrow(reason);
    expect(slack.callsTo('files.completeUploadExternal')).toEqual([]);
    expect(slack.uploads.every((u) => u.completed === undefined)).toBe(true);
  });
});
