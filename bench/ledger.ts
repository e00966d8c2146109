/**
 * The ledger at an organisation's size: a year of 20,000 people's access (60,000 requests, 100,000 grants,
 * 300,000 jobs, 50,000 session denials, 1,000,000 audit events; test/support/ledger-seed.ts) in a SQLite file,
 * the default. Each read behind `/access pending`, the Home tab and expiry (test/support/ledger-queries.ts, the
 * product's own Ledger calls) is run many times; p50 and p99 are printed against the goal of 5 ms at p99, and
 * the ratio p99 / goal. Then the whole Home tab's ledger part for a heavy requester and for an approver of every
 * request, and the claim of a due job with its commit, for information.
 *
 * On PostgreSQL too when BENCH_LEDGER_PG=1 (an embedded server, or BENCH_DATABASE_URL; see bench/postgres.ts),
 * seeded by multi-row inserts and analysed as autovacuum would after a load. BENCH_LEDGER_PLANS=1 prints the plan
 * each database chose for each read at this size.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompiledQuery, sql } from 'kysely';
import type { Ledger } from '../src/access/ledger.js';
import {
  LEDGER_AT_SCALE,
  SEED_NOW,
  SUBJECTS,
  seededPostgres,
  seededSqlite,
  type SeededLedger,
} from '../test/support/ledger-seed.js';
import {
  LEDGER_READS,
  homeTabReads,
  queryContext,
  type QueryContext,
} from '../test/support/ledger-queries.js';
import { benchDatabase } from './postgres.js';

const GOAL_MS = 5;
const WARM_UP = 20;
const RUNS = 400;
const LEASE_MS = 20_000;

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

interface Figure {
  name: string;
  p50: number;
  p99: number;
  /** This process's CPU time at p99 (SQLite only: in-process, so it is the read's own cost, without waits). */
  cpuP99?: number;
}

async function time(
  runs: number,
  fn: () => Promise<unknown>,
  withCpu: boolean,
): Promise<Omit<Figure, 'name'>> {
  for (let i = 0; i < WARM_UP; i += 1) await fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    await fn();
    wall.push(performance.now() - start);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return {
    p50: percentile(wall, 50),
    p99: percentile(wall, 99),
    ...(withCpu && { cpuP99: percentile(cpu, 99) }),
  };
}

const ms = (v: number): string => `${v.toFixed(2).padStart(6)} ms`;

function line(figure: Figure, goal: boolean): string {
  const cpu = figure.cpuP99 === undefined ? '' : `  (CPU p99 ${ms(figure.cpuP99)})`;
  const verdict = goal
    ? `  ratio ${(figure.p99 / GOAL_MS).toFixed(2)}× ${figure.p99 <= GOAL_MS ? 'ok' : 'OVER'}`
    : '';
  return `  ${figure.name.padEnd(100)} p50 ${ms(figure.p50)}  p99 ${ms(figure.p99)}${cpu}${verdict}`;
}

/** A due job queued, then claimed (timed: one UPDATE and its commit), then completed; RUNS times. */
async function claimDueJobs(ledger: Ledger): Promise<Figure> {
  const samples: number[] = [];
  for (let i = 0; i < RUNS / 4; i += 1) {
    await ledger.enqueueJob({
      kind: 'sync_card',
      requestId: null,
      runAt: new Date(SEED_NOW.getTime() - 1_000),
      dedupeKey: `bench-claim:${i}`,
    });
    const start = performance.now();
    const job = await ledger.claimJob(SUBJECTS.owner, SEED_NOW, LEASE_MS);
    samples.push(performance.now() - start);
    if (job === undefined) throw new Error('the due job was not claimed');
    await ledger.completeJob(job.id, SUBJECTS.owner, SEED_NOW);
  }
  samples.sort((a, b) => a - b);
  return {
    name: 'a due job claimed (one UPDATE and its commit to disk)',
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
  };
}

async function measure(
  where: string,
  seeded: SeededLedger & { fillMs: number },
  withCpu: boolean,
): Promise<void> {
  const { ledger, db } = seeded;
  const count = async (table: 'grants' | 'audit_events' | 'requests' | 'jobs'): Promise<string> => {
    const row = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(db);
    return Number(row.rows[0]?.n ?? 0).toLocaleString('en-US');
  };
  console.log(
    `\nledger on ${where}: ${await count('audit_events')} audit events, ${await count('grants')} grants, ${await count('requests')} requests, ${await count('jobs')} jobs; filled in ${(seeded.fillMs / 1000).toFixed(1)} s`,
  );
  const [load] = loadavg();
  console.log(
    `  load average ${load!.toFixed(1)} on ${cpus().length} CPUs when the reads began${load! > cpus().length ? ': the p99s include waiting for a CPU' : ''}`,
  );
  const context: QueryContext = await queryContext(ledger);
  let over = 0;
  for (const screen of ['pending & Home', 'expiry'] as const) {
    console.log(`  ${screen} (goal: p99 ≤ ${GOAL_MS} ms, ${RUNS} runs each)`);
    for (const read of LEDGER_READS.filter((r) => r.screen === screen)) {
      const figure = { ...(await time(RUNS, () => read.run(ledger, context), withCpu)), name: read.name };
      if (figure.p99 > GOAL_MS) over += 1;
      console.log(line(figure, true));
    }
  }
  console.log(
    `  ${LEDGER_READS.length - over} of ${LEDGER_READS.length} reads within the goal. For information, whole screens and a write:`,
  );
  const heavy = await time(RUNS / 4, () => homeTabReads(ledger, SUBJECTS.heavyRequester), withCpu);
  console.log(
    line(
      { ...heavy, name: `Home tab, ledger part, of a heavy requester (${SUBJECTS.heavyRequester})` },
      false,
    ),
  );
  const security = await time(RUNS / 4, () => homeTabReads(ledger, SUBJECTS.securityApprover), withCpu);
  const pending = (await ledger.findRequests({ statuses: ['pending'] })).length;
  console.log(
    line(
      {
        ...security,
        name: `Home tab, ledger part, of an approver of every request (${pending} pending listed)`,
      },
      false,
    ),
  );
  console.log(line(await claimDueJobs(ledger), false));
  if (process.env.BENCH_LEDGER_PLANS === '1')
    await printPlans(seeded, context, withCpu ? 'sqlite' : 'postgres');
}

/** Each read's statements with the plan the database chose for them at this size (BENCH_LEDGER_PLANS=1). */
async function printPlans(
  seeded: SeededLedger,
  context: QueryContext,
  dialect: 'sqlite' | 'postgres',
): Promise<void> {
  for (const read of LEDGER_READS) {
    seeded.ran.length = 0;
    await read.run(seeded.ledger, context);
    console.log(`  plan: ${read.name}`);
    for (const statement of [...seeded.ran]) {
      const explain = dialect === 'sqlite' ? 'explain query plan' : 'explain';
      const plan = await seeded.db.executeQuery<Record<string, string>>(
        CompiledQuery.raw(`${explain} ${statement.sql}`, [...statement.parameters]),
      );
      console.log(`    ${statement.sql.slice(0, 120)}`);
      for (const row of plan.rows) console.log(`      ${row.detail ?? row['QUERY PLAN']}`);
    }
  }
}

export async function benchLedger(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'access-desk-bench-ledger-'));
  try {
    const seeded = await seededSqlite(join(dir, 'ledger.db'), LEDGER_AT_SCALE);
    try {
      await measure('SQLite (a file, WAL)', seeded, true);
    } finally {
      await seeded.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  if (process.env.BENCH_LEDGER_PG !== '1') {
    console.log('  (PostgreSQL: BENCH_LEDGER_PG=1 npm run bench -- --only ledger)');
    return;
  }
  const database = await benchDatabase();
  try {
    const seeded = await seededPostgres(database.url, LEDGER_AT_SCALE);
    try {
      await measure(`PostgreSQL (${database.shown})`, seeded, false);
    } finally {
      await seeded.close();
    }
  } finally {
    await database.drop();
  }
}
