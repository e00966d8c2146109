/**
 * The load generator: a worker thread of the Slack side (bench/slack-side.ts), so that its clock runs on an event
 * loop of its own, never behind the fake Web API's work (Slack's API servers are not the ones that send the
 * commands). It gets `{ id, target, bodies }`, signs every body, sends them all at once to `/slack/events` and
 * answers `{ id, answers: [{ status, ms }] }` or `{ id, error }`.
 */
import http from 'node:http';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { signSlackRequest } from '../test/support/slack-requests.js';

export interface Target {
  /** The app's base URL, e.g. `http://127.0.0.1:PORT`. */
  url: string;
  signingSecret: string;
}

export interface LoadJob {
  id: number;
  target: Target;
  /** Form bodies (slash commands, interactivity payloads), sent at once. */
  bodies: string[];
}

export interface Answer {
  status: number;
  /** From the request's start to the whole answer received. */
  ms: number;
}

export type LoadResult =
  | { id: number; answers: Answer[] }
  | { id: number; error: string }
  /** Sent once at start: whether this thread runs ahead of the processes it measures (see below). */
  | { priority: string };

// Connections are kept for the clicks after the burst, as Slack's are; as many at once as there are requests.
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

interface Signed {
  body: string;
  headers: Record<string, string>;
}

/** Signed before the clock starts: the time is the app's, from the request to its answer. */
function sign(target: Target, body: string): Signed {
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(Buffer.byteLength(body)),
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signSlackRequest(target.signingSecret, timestamp, body),
    },
  };
}

function post(target: Target, signed: Signed): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = http.request(
      `${target.url}/slack/events`,
      { method: 'POST', agent, headers: signed.headers },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - start }));
        res.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', reject);
    req.end(signed.body);
  });
}

const port = parentPort;
if (port === null) throw new Error('bench/load-generator.ts runs as a worker thread of bench/slack-side.ts');

/**
 * Slack sends from its own machines: its clock is never behind the app's work for a turn on the CPU. Here the
 * generator shares 2 cores with what it measures, so its thread (on Linux, priority 0 is the calling thread only:
 * the fake Web API's thread keeps the default) is put ahead of them, where the machine allows it (root, or
 * CAP_SYS_NICE). Otherwise an ack answered in 5 ms can be read 1 s later, because this thread waited its turn.
 */
function aheadOfTheApps(): string {
  try {
    setPriority(0, -10);
    return 'the load generator thread at nice -10, ahead of the apps it measures';
  } catch (error) {
    return `the load generator thread at the default priority (${error instanceof Error ? error.message : String(error)})`;
  }
}
port.postMessage({ priority: aheadOfTheApps() } satisfies LoadResult);
port.on('message', (job: LoadJob) => {
  const signed = job.bodies.map((body) => sign(job.target, body));
  Promise.all(signed.map((one) => post(job.target, one))).then(
    (answers) => port.postMessage({ id: job.id, answers } satisfies LoadResult),
    (error: unknown) =>
      port.postMessage({
        id: job.id,
        error: error instanceof Error ? error.message : String(error),
      } satisfies LoadResult),
  );
});
