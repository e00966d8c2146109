/**
 * The audit report on its way to Slack at the 20,000-person size: a CSV of about 50 MiB (the size the audit
 * bench's organisation makes) written to its temporary file and streamed from there to Slack's external upload
 * URL, twice (the admin's DM and the audit channel), as the audit job does it: withReportFile, then
 * SlackNotifier.uploadAuditReport through a real WebClient. Slack is the fake Slack Web API in a process of its
 * own (bench/audit-upload-slack.ts), so only the sender's memory is counted. Prints the time, the sender's RSS
 * growth and its peak of live buffer memory (garbage collected as it is sampled, in a second run), against the
 * goal (< 150 MiB growth over idle for the whole audit) and against holding the CSV (the string and two copies
 * of its bytes, as uploads were made before: 3 × its size), and the growth for a CSV four times as large; and checks that both copies arrived whole
 * (SHA-256, length announced, sent with a Content-Length) and that the file is gone afterwards.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { AUDIT_CSV_COLUMNS, csvField, type CsvSink } from '../src/access/audit/csv.js';
import { withReportFile } from '../src/access/audit/report-file.js';
import { silentLogger } from '../src/log.js';
import { createSlackClient } from '../src/slack/client.js';
import { SlackNotifier } from '../src/slack/notifier.js';
import type { ReceivedUpload } from './audit-upload-slack.js';
import { startChild, type LineChild } from './child.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SLACK_CHILD = fileURLToPath(new URL('./audit-upload-slack.ts', import.meta.url));
const MiB = 1024 * 1024;
/** The 20,000-person audit's CSV (bench-audit-20k: 220,978 rows, 50 MiB). */
const CSV_BYTES = 50 * MiB;
const CHANNELS = ['D0000ADMIN', 'C0000AUDIT'];
const GOAL_GROWTH_MIB = 150;

/** `gc()` without --expose-gc on the command line (the bench runs under tsx). */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Audit-like CSV lines (names beyond ASCII included) until `bytes`, in 64 KiB chunks, as writeAuditCsv writes. */
async function writeCsv(sink: CsvSink, bytes: number, hash: ReturnType<typeof createHash>): Promise<void> {
  let written = 0;
  let chunk = `${AUDIT_CSV_COLUMNS.map(csvField).join(',')}\r\n`;
  for (let i = 0; written + Buffer.byteLength(chunk) < bytes; i += 1) {
    chunk += `access,person${String(i).padStart(5, '0')}@example.com,Zoë Ångström ${i},person${i}@example.com,u-${i},team-${i % 400},ENABLED,2026-11-01T09:00:00.000Z,no,acct-${i % 1000},${String(100000000000 + (i % 1000))},ReadOnlyAccess,direct,,,,,,,\r\n`;
    if (chunk.length >= 64 * 1024) {
      written += Buffer.byteLength(chunk);
      hash.update(chunk);
      if (!sink.write(chunk)) await new Promise<void>((resolve) => sink.once('drain', resolve));
      chunk = '';
    }
  }
  hash.update(chunk);
  if (!sink.write(chunk)) await new Promise<void>((resolve) => sink.once('drain', resolve));
}

interface Run {
  ms: number;
  bytes: number;
  sha256: string;
  idleRss: number;
  peakRss: number;
  /** Peak RSS while the file was written, and while it was uploaded. */
  peakRssWriting: number;
  peakRssUploading: number;
  peakBuffers: number;
  leftInDir: number;
}

async function uploadOnce(
  notifier: SlackNotifier,
  gc: () => void,
  size: number,
  collectWhileSampling: boolean,
): Promise<Run> {
  const dir = await mkdtemp(join(tmpdir(), 'access-desk-bench-upload-'));
  try {
    const hash = createHash('sha256');
    gc();
    const idle = process.memoryUsage();
    let peakRss = idle.rss;
    let peakBuffers = idle.arrayBuffers;
    const phase = { uploading: false, writing: idle.rss, upload: idle.rss };
    const sampler = setInterval(() => {
      if (collectWhileSampling) gc();
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      if (phase.uploading) phase.upload = Math.max(phase.upload, m.rss);
      else phase.writing = Math.max(phase.writing, m.rss);
      peakBuffers = Math.max(peakBuffers, m.arrayBuffers);
    }, 10);
    const started = performance.now();
    let bytes = 0;
    try {
      await withReportFile(
        { dir, log: silentLogger },
        (sink) => writeCsv(sink, size, hash),
        async (content) => {
          bytes = content.length;
          phase.uploading = true;
          for (const channel of CHANNELS) {
            await notifier.uploadAuditReport(
              channel,
              { filename: 'access-audit-bench.csv', title: 'Access audit (bench)', content },
              'bench',
            );
          }
        },
      );
    } finally {
      clearInterval(sampler);
    }
    const ms = performance.now() - started;
    const m = process.memoryUsage();
    return {
      ms,
      bytes,
      sha256: hash.digest('hex'),
      idleRss: idle.rss,
      peakRss: Math.max(peakRss, m.rss),
      peakRssWriting: phase.writing,
      peakRssUploading: Math.max(phase.upload, m.rss),
      peakBuffers: Math.max(peakBuffers, m.arrayBuffers) - idle.arrayBuffers,
      leftInDir: (await readdir(dir)).length,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function received(slack: LineChild): Promise<ReceivedUpload[]> {
  const answer = await slack.ask<{ op: string; uploads?: ReceivedUpload[]; message?: string }>(
    { op: 'uploads' },
    30_000,
  );
  if (answer.op !== 'uploads' || answer.uploads === undefined)
    throw new Error(`fake Slack: ${answer.message}`);
  return answer.uploads;
}

const mib = (bytes: number): string => `${(bytes / MiB).toFixed(0)} MiB`;

export async function benchAuditUpload(): Promise<void> {
  console.log(`\n== audit report to Slack: a ${mib(CSV_BYTES)} CSV streamed from its file to 2 channels ==`);
  const gc = collector();
  const slack = startChild('fake Slack (audit upload)', ['--import', 'tsx', SLACK_CHILD], { cwd: ROOT });
  try {
    const started = await slack.ask<{ op: string; apiUrl?: string; message?: string }>(
      { op: 'start' },
      30_000,
    );
    if (started.apiUrl === undefined) throw new Error(`fake Slack: ${started.message}`);
    const notifier = new SlackNotifier({
      client: createSlackClient({ token: 'xoxb-bench', logger: silentLogger, slackApiUrl: started.apiUrl }),
      identityCenter: { startUrl: 'https://example.awsapps.com/start', sessionName: 'bench' },
      logger: silentLogger,
    });
    const run = await uploadOnce(notifier, gc, CSV_BYTES, false);
    const uploads = await received(slack);
    const live = await uploadOnce(notifier, gc, CSV_BYTES, true);
    const larger = await uploadOnce(notifier, gc, 4 * CSV_BYTES, false);
    const whole = uploads.filter(
      (u) =>
        u.channel !== null &&
        u.received === run.bytes &&
        u.length === run.bytes &&
        u.sha256 === run.sha256 &&
        u.contentLength === String(run.bytes) &&
        u.transferEncoding === null,
    );
    const growth = run.peakRss - run.idleRss;
    console.log(
      `  written and uploaded twice in ${(run.ms / 1000).toFixed(2)} s (${mib(run.bytes)}, ` +
        `${((2 * run.bytes) / MiB / (run.ms / 1000)).toFixed(0)} MiB/s over loopback)`,
    );
    console.log(
      `  sender RSS: idle ${mib(run.idleRss)}, peak ${mib(run.peakRss)}, growth ${mib(growth)} ` +
        `(goal for the whole audit < ${GOAL_GROWTH_MIB} MiB; holding the CSV: ~${mib(3 * run.bytes)})`,
    );
    console.log(
      `    peak while writing the file ${mib(run.peakRssWriting)}, while uploading ${mib(run.peakRssUploading)} ` +
        `(RSS counts garbage not yet collected)`,
    );
    console.log(
      `    a CSV 4× as large (${mib(larger.bytes)}): growth ${mib(larger.peakRss - larger.idleRss)} ` +
        `in ${(larger.ms / 1000).toFixed(2)} s: memory does not grow with the file`,
    );
    console.log(
      `  live buffers at peak (collected while sampled): ${(live.peakBuffers / MiB).toFixed(1)} MiB ` +
        `= ${((100 * live.peakBuffers) / run.bytes).toFixed(1)} % of the file`,
    );
    console.log(
      `  arrived whole (SHA-256, length, Content-Length, not chunked): ${whole.length}/${CHANNELS.length}; ` +
        `temporary files left: ${run.leftInDir + live.leftInDir + larger.leftInDir}`,
    );
    if (whole.length !== CHANNELS.length) throw new Error('the report did not reach Slack whole');
  } finally {
    await slack.stop();
  }
}
