/**
 * One access-desk replica for bench/replicas.ts, in a process of its own as each replica runs in production:
 * the app exactly as the core loop starts it (benchDeskOptions in bench/core-loop.ts), on the ledger it is
 * told. It speaks line-delimited JSON, one request a line on stdin, one answer a line on stdout:
 *
 *   {"op":"start","awsEndpoint","slackApiUrl","database":{"path"}|{"url","poolSize"?}}
 *                                  → {"op":"started","port":n}
 *   {"op":"pending","count":n}     → {"op":"pending","requests":[{"id","requesterSlackId"}…]}, once the ledger
 *                                     holds at least n pending requests (looked at every 2 ms, as the core loop does)
 *   {"op":"active","requestId"}    → {"op":"active"}, once that request's grant is active (every 2 ms)
 *   {"op":"logs"}                  → {"op":"logs","counts":{"warn aws call retried (ThrottlingException)":n,…},
 *                                     "statements":{"insert into jobs":n,…},  (database statements since start)
 *                                     "loopDelayMs":{"p50","p99","max"}}   (the event loop's delay since start)
 *
 * The ledger is watched from here, not from the benchmark's process, so that an in-memory SQLite ledger works
 * too; the replicas share theirs, so the first replica watches for all.
 *
 * Its log (warn and above) is not printed: each entry is counted by level, message and AWS error, so that the
 * benchmark can say how often the product retried a throttled call. It stops the app and exits when stdin
 * closes (or on SIGTERM).
 */
import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { pino } from 'pino';
import { createAccessDesk, type AccessDesk } from '../src/app.js';
import type { DatabaseOptions } from '../src/store/index.js';
import { serveLines } from './child.js';
import { benchDeskOptions, until } from './core-loop.js';

type Request =
  | { op: 'start'; awsEndpoint: string; slackApiUrl: string; database: DatabaseOptions }
  | { op: 'pending'; count: number }
  | { op: 'active'; requestId: string }
  | { op: 'mark' }
  | { op: 'served' }
  | { op: 'logs' };

/**
 * Each Slack request as this process served it: from Node's 'request' event (headers read) to the answer
 * written. Beside the load generator's figure (from its send to the answer read), it tells the app's share of an
 * ack from what the machine adds around it (connecting, a busy load generator, other processes' turns).
 */
let servedSince = Number.POSITIVE_INFINITY;
const served: number[] = [];
const emit = Reflect.get(http.Server.prototype, 'emit') as (...args: unknown[]) => boolean;
http.Server.prototype.emit = function (this: http.Server, event: string, ...args: unknown[]) {
  if (event === 'request') {
    const [req, res] = args as [http.IncomingMessage, http.ServerResponse];
    const start = performance.now();
    if (req.url?.startsWith('/slack/events') === true && start >= servedSince)
      res.on('finish', () => served.push(performance.now() - start));
  }
  return emit.apply(this, [event, ...args]);
} as typeof http.Server.prototype.emit;

const counts: Record<string, number> = {};
const LEVELS: Record<number, string> = { 40: 'warn', 50: 'error', 60: 'fatal' };
const logger = pino(
  { level: 'warn' },
  {
    write(line: string) {
      try {
        const entry = JSON.parse(line) as { level?: number; msg?: string; awsError?: string };
        const key = `${LEVELS[entry.level ?? 0] ?? entry.level} ${entry.msg ?? ''}${entry.awsError !== undefined ? ` (${entry.awsError})` : ''}`;
        counts[key] = (counts[key] ?? 0) + 1;
      } catch {
        counts['unparsed log line'] = (counts['unparsed log line'] ?? 0) + 1;
      }
    },
  },
);

/**
 * Statements sent to the database, by their first words and table (every pg query; every SQLite prepare, which
 * Kysely does once a statement): how many round trips the work costs.
 */
const statements: Record<string, number> = {};
const shape = (sql: string): string =>
  sql
    .replace(/\s+/g, ' ')
    .replace(
      /^(select|insert into|update|delete from|with|begin|commit|rollback)\b(.*?\bfrom\b)?\s*("?\w+"?)?.*/i,
      '$1 $3',
    )
    .slice(0, 60)
    .trim();
const countStatement = (sql: unknown): void => {
  const text = typeof sql === 'string' ? sql : ((sql as { text?: string } | null)?.text ?? '?');
  const key = shape(text);
  statements[key] = (statements[key] ?? 0) + 1;
};
const query = Reflect.get(pg.Client.prototype, 'query') as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  countStatement(args[0]);
  return query.apply(this, args);
} as typeof pg.Client.prototype.query;
const prepare = Reflect.get(SQLite.prototype, 'prepare') as (...args: unknown[]) => unknown;
SQLite.prototype.prepare = function (this: SQLite.Database, ...args: unknown[]) {
  countStatement(args[0]);
  return prepare.apply(this, args);
} as typeof SQLite.prototype.prepare;

/** The watcher's own reads are the benchmark's, not the product's: taken off the count. */
const uncount = (sql: string): void => {
  const key = shape(sql);
  statements[key] = (statements[key] ?? 0) - 1;
};

const loop = monitorEventLoopDelay({ resolution: 5 });
let desk: AccessDesk | undefined;
const started = (): AccessDesk => {
  if (desk === undefined) throw new Error('not started: send {"op":"start"} first');
  return desk;
};

async function handle(request: Request): Promise<Record<string, unknown>> {
  switch (request.op) {
    case 'start': {
      if (desk !== undefined) throw new Error('already started');
      desk = await createAccessDesk(
        benchDeskOptions(
          { awsEndpoint: request.awsEndpoint, slackApiUrl: request.slackApiUrl },
          'url' in request.database
            ? { database: request.database }
            : { databasePath: request.database.path },
          logger,
        ),
      );
      const { port } = await desk.start();
      loop.enable();
      return { op: 'started', port };
    }
    case 'pending': {
      const { ledger } = started();
      const requests = await until('the pending requests in the ledger', async () => {
        const all = await ledger.findRequests({ statuses: ['pending'] });
        uncount('select * from "requests"');
        return all.length >= request.count ? all : undefined;
      });
      return {
        op: 'pending',
        requests: requests.map((r) => ({ id: r.id, requesterSlackId: r.requesterSlackId })),
      };
    }
    case 'active': {
      const { ledger } = started();
      await until(
        `grant of ${request.requestId} active`,
        async () => {
          const active = await ledger.findGrants({ requestId: request.requestId, statuses: ['active'] });
          uncount('select * from "grants"');
          return active.length > 0 ? true : undefined;
        },
        { limitMs: 30_000 },
      );
      return { op: 'active' };
    }
    case 'mark':
      servedSince = performance.now();
      served.length = 0;
      return { op: 'mark' };
    case 'served':
      return { op: 'served', ms: [...served] };
    case 'logs': {
      const toMs = (ns: number): number => Math.round(ns / 1e4) / 100;
      return {
        op: 'logs',
        counts,
        statements,
        loopDelayMs: {
          p50: toMs(loop.percentile(50)),
          p99: toMs(loop.percentile(99)),
          max: toMs(loop.max),
        },
      };
    }
  }
}

// The benchmark's stop() closes stdin and sends SIGTERM at once: stop the app and exit as for stdin's close, so
// that a CPU profile (--cpu-prof) is written.
let stopping: Promise<void> | undefined;
const shutdown = (): Promise<void> =>
  (stopping ??= (async () => {
    await desk?.stop();
    process.exit(0);
  })());
process.on('SIGTERM', () => void shutdown());

await serveLines<Request>(handle);
await shutdown();
