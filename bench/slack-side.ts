/**
 * Slack's side of the core-loop benchmark, in its own process as Slack is on its own machines: the fake Slack
 * Web API (users.info, chat.postMessage, response URLs…) that the app calls, and the load generator that sends
 * it signed requests, on a worker thread of its own (bench/load-generator.ts). It speaks line-delimited JSON: one
 * request a line on stdin, one answer a line on stdout.
 *
 *   {"op":"start","users":{"U…":{"email":"…"}}}       → {"op":"started","apiUrl":"…","url":"…"}
 *   {"op":"burst","target":{"url","signingSecret"},"commands":[{"userId","text","responseId"}]}
 *                                                      → {"op":"acks","ms":[…]}   (every command sent at once)
 *   {"op":"burst","targets":[{…},{…}],"commands":[…]}  → the same, command i sent to targets[i % n] (replicas)
 *   {"op":"click","target":{…},"button":{"actionId","value","userId","responseId"}}
 *                                                      → {"op":"clicked","status":200,"ms":…}
 *   {"op":"stats"}                                     → {"op":"stats","calls":{"users.info":n,…},"cards":n,"responses":n}
 *
 * `target` may also be any URL that answers POST /slack/events (the benchmark's floor). A failure answers
 * {"op":"error","message":"…"}. It closes the fake and exits when stdin closes.
 */
import { Worker } from 'node:worker_threads';
import { startFakeSlack, type FakeSlack, type FakeSlackUser } from '../test/support/fake-slack.js';
import { blockActionsBody, slashCommandBody } from '../test/support/slack-requests.js';
import { serveLines } from './child.js';
import type { Answer, LoadJob, LoadResult, Target } from './load-generator.js';

type Request =
  | { op: 'start'; users: Record<string, FakeSlackUser> }
  | {
      op: 'burst';
      /** One app, or `targets`: several replicas, the commands spread over them round robin. */
      target?: Target;
      targets?: Target[];
      commands: { userId: string; text: string; responseId: string }[];
    }
  | {
      op: 'click';
      target: Target;
      button: { actionId: string; value: string; userId: string; responseId: string };
    }
  | { op: 'stats' };

// Node 20 does not pass `--import tsx` on to worker threads: the worker registers tsx itself, then loads the source.
const workerSource = new URL('./load-generator.ts', import.meta.url).href;
const worker = new Worker(
  `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(workerSource)}); })`,
  { eval: true },
);
const pending = new Map<number, { resolve: (a: Answer[]) => void; reject: (e: Error) => void }>();
let lastJob = 0;
let workerFailure: Error | undefined;
let saidPriority: (said: string) => void = () => undefined;
const priority = new Promise<string>((resolve) => {
  saidPriority = resolve;
  setTimeout(() => resolve('the load generator did not say its priority'), 30_000).unref();
});
worker.on('message', (result: LoadResult) => {
  if ('priority' in result) {
    saidPriority(result.priority);
    return;
  }
  const job = pending.get(result.id);
  pending.delete(result.id);
  if ('error' in result) job?.reject(new Error(result.error));
  else job?.resolve(result.answers);
});
const failAll = (error: Error): void => {
  workerFailure ??= error;
  for (const job of pending.values()) job.reject(workerFailure);
  pending.clear();
};
worker.on('error', failAll);
worker.on('exit', (code) => failAll(new Error(`the load generator's worker thread exited (${code})`)));

function send(target: Target, bodies: string[]): Promise<Answer[]> {
  if (workerFailure !== undefined) return Promise.reject(workerFailure);
  return new Promise((resolve, reject) => {
    lastJob += 1;
    pending.set(lastJob, { resolve, reject });
    worker.postMessage({ id: lastJob, target, bodies } satisfies LoadJob);
  });
}

function targetOf(target: Target | undefined): Target {
  if (target === undefined) throw new Error('a burst needs a target (or targets)');
  return target;
}

/** Body i to targets[i % n], every share posted at once; the answers in the bodies' order. */
async function sendRoundRobin(targets: Target[], bodies: string[]): Promise<Answer[]> {
  if (targets.length === 0) throw new Error('a burst needs at least one target');
  const shares = await Promise.all(
    targets.map((target, t) =>
      send(
        target,
        bodies.filter((_b, i) => i % targets.length === t),
      ),
    ),
  );
  return bodies.map((_b, i) => shares[i % targets.length]![Math.floor(i / targets.length)]!);
}

let slack: FakeSlack | undefined;
const fake = (): FakeSlack => {
  if (slack === undefined) throw new Error('the fake Slack is not started: send {"op":"start"} first');
  return slack;
};

async function handle(request: Request): Promise<Record<string, unknown>> {
  switch (request.op) {
    case 'start':
      slack ??= await startFakeSlack({ users: request.users });
      return { op: 'started', apiUrl: slack.apiUrl, url: slack.url };
    case 'burst': {
      const s = fake();
      const bodies = request.commands.map((c) =>
        slashCommandBody({ userId: c.userId, text: c.text, responseUrl: s.responseUrl(c.responseId) }),
      );
      const answers =
        request.targets === undefined
          ? await send(targetOf(request.target), bodies)
          : await sendRoundRobin(request.targets, bodies);
      const refused = answers.filter((a) => a.status !== 200);
      if (refused.length > 0)
        throw new Error(`${refused.length} commands answered ${refused[0]?.status}, not 200`);
      // Said by now: the worker has answered.
      return { op: 'acks', ms: answers.map((a) => a.ms), priority: await priority };
    }
    case 'click': {
      const { responseId, ...button } = request.button;
      const body = blockActionsBody({ ...button, responseUrl: fake().responseUrl(responseId) });
      const [answer] = await send(request.target, [body]);
      return { op: 'clicked', ...answer };
    }
    case 'stats': {
      const calls: Record<string, number> = {};
      let cards = 0;
      for (const c of fake().calls) {
        calls[c.method] = (calls[c.method] ?? 0) + 1;
        // Cards go to a channel (C…, G…); messages to people go to their DM (D…).
        if (c.method === 'chat.postMessage' && /^[CG]/.test(String(c.args.channel))) cards += 1;
      }
      return { op: 'stats', calls, cards, responses: fake().responses.length };
    }
  }
}

// One request at a time, in order: each answer is the next line.
await serveLines<Request>(handle);
await worker.terminate();
await slack?.close();
process.exit(0);
