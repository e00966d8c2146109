/**
 * The benchmark's other processes: a child that speaks in lines on stdout, waited on with a time limit, and
 * always ended, on success, on error and when the benchmark itself exits.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface LineChild {
  readonly name: string;
  readonly pid: number;
  /** Writes one line of JSON to the child's stdin. */
  send(message: unknown): void;
  /** The next stdout line (not yet taken) that `match`es; fails after `timeoutMs` or if the child exits. */
  nextLine(what: string, match: (line: string) => boolean, timeoutMs: number): Promise<string>;
  /** Sends `message` and parses the next line that is a JSON object as the answer. */
  ask<T>(message: unknown, timeoutMs: number): Promise<T>;
  /** Closes stdin, then SIGTERM, then SIGKILL; resolves once the child is gone (or after ~5 s regardless). */
  stop(): Promise<void>;
}

const live = new Set<ChildProcessWithoutNullStreams>();
let exitHookInstalled = false;

/** Whatever happens to the benchmark, none of its children outlives it. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const child of live) child.kill('SIGKILL');
      process.exit(130);
    });
  }
}

interface Waiter {
  match: (line: string) => boolean;
  resolve: (line: string) => void;
  reject: (error: Error) => void;
}

export function startChild(name: string, args: string[], options: { cwd?: string } = {}): LineChild {
  installExitHook();
  const child = spawn(process.execPath, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
  });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${args.join(' ')}`);
  live.add(child);

  const unclaimed: string[] = [];
  const waiters: Waiter[] = [];
  let stderrTail = '';
  let partial = '';
  let exited: string | undefined;

  const failure = (why: string): Error =>
    new Error(
      `${name} (pid ${child.pid}): ${why}${stderrTail.trim() === '' ? '' : `\n${stderrTail.trim()}`}`,
    );

  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    partial += chunk;
    for (let nl = partial.indexOf('\n'); nl >= 0; nl = partial.indexOf('\n')) {
      const line = partial.slice(0, nl).replace(/\r$/, '');
      partial = partial.slice(nl + 1);
      const i = waiters.findIndex((w) => w.match(line));
      if (i >= 0) waiters.splice(i, 1)[0]?.resolve(line);
      else if (unclaimed.push(line) > 1_000) unclaimed.shift();
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-4_000);
  });
  // A child that is gone cannot read: its stdin's EPIPE is reported through the exit below.
  child.stdin.on('error', () => undefined);
  const gone = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      live.delete(child);
      exited = signal !== null ? `ended by ${signal}` : `exited with code ${code}`;
      for (const w of waiters.splice(0)) w.reject(failure(exited));
      resolve();
    });
    child.on('error', (error) => {
      live.delete(child);
      exited = `failed: ${error.message}`;
      for (const w of waiters.splice(0)) w.reject(failure(exited));
      resolve();
    });
  });

  const nextLine = (what: string, match: (line: string) => boolean, timeoutMs: number): Promise<string> => {
    const i = unclaimed.findIndex(match);
    if (i >= 0) return Promise.resolve(unclaimed.splice(i, 1)[0]!);
    if (exited !== undefined) return Promise.reject(failure(`${exited} before ${what}`));
    return new Promise<string>((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(failure(`no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.push(waiter);
    });
  };

  const waitGone = (ms: number): Promise<boolean> =>
    Promise.race([
      gone.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(resolve, ms, false).unref()),
    ]);

  const send = (message: unknown): void => {
    child.stdin.write(`${JSON.stringify(message)}\n`);
  };

  return {
    name,
    pid: child.pid,
    send,
    nextLine,
    async ask<T>(message: unknown, timeoutMs: number): Promise<T> {
      const answer = nextLine(
        `an answer to ${JSON.stringify(message).slice(0, 60)}`,
        isJsonObject,
        timeoutMs,
      );
      send(message);
      return JSON.parse(await answer) as T;
    },
    async stop() {
      if (exited !== undefined) return;
      child.stdin.end();
      child.kill('SIGTERM');
      if (await waitGone(3_000)) return;
      child.kill('SIGKILL');
      await waitGone(2_000);
    },
  };
}

const isJsonObject = (line: string): boolean => line.startsWith('{') && line.endsWith('}');

/**
 * The child's side of the line protocol: one request a line on stdin, one answer a line on stdout, in order;
 * a request that throws is answered `{"op":"error","message"}`. Resolves when stdin ends.
 */
export async function serveLines<Request>(
  handle: (request: Request) => Promise<Record<string, unknown>>,
): Promise<void> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    let answer: Record<string, unknown>;
    try {
      answer = await handle(JSON.parse(line) as Request);
    } catch (error) {
      answer = { op: 'error', message: error instanceof Error ? error.message : String(error) };
    }
    process.stdout.write(`${JSON.stringify(answer)}\n`);
  }
}
