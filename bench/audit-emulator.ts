/**
 * The audit benchmark's local Identity Center, in a process of its own so that the audit's memory is measured
 * alone. Speaks one JSON object a line: stdin asks, stdout answers.
 *
 * - {"op":"start","size":{...},"latencyMs":40}: generates the organisation (or takes {"seed":{...}}), starts the
 *   emulator with AWS's rate limits on; answers its URL, instance, and how long the seed took to make;
 * - {"op":"reset"}: forgets the calls so far and starts counting the emulator's CPU time afresh;
 * - {"op":"summary"}: the calls since then, by rate-limit budget and by operation, throttled answers, the
 *   emulator's own time per call (p50, p99, max by operation) and its CPU time.
 */
import { createInterface } from 'node:readline';
import { awsRateLimits } from '../src/emulator/rate-limit.js';
import { generateOrganisation, type OrganisationSize } from '../src/emulator/seed-generator.js';
import { checkSeed, type SeedInput } from '../src/emulator/seed.js';
import { startEmulator, type CallRecord, type RunningEmulator } from '../src/emulator/server.js';

const BENCH_CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' };

export interface BudgetRow {
  key: string;
  calls: number;
  rate: number;
}

export interface OperationRow {
  operation: string;
  calls: number;
  throttled: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface CallSummary {
  calls: number;
  throttled: number;
  budgets: BudgetRow[];
  operations: OperationRow[];
  /** The emulator's own time on every call together (its handlers), and its process's CPU time. */
  handlerMs: number;
  cpuMs: number;
  /** Its slowest call, and the 99th percentile across all calls. */
  maxMs: number;
  p99Ms: number;
  rssBytes: number;
}

function budgetOf(c: CallRecord): [string, number] {
  const limits = awsRateLimits();
  if (c.service === 'sso-admin') return ['sso-admin (all APIs)', limits.ssoAdminPerSecond];
  if (c.service === 'identitystore')
    return [`identitystore ${c.operation}`, limits.identityStorePerApiPerSecond];
  if (c.service === 'cloudtrail') return ['cloudtrail LookupEvents', limits.cloudTrailLookupsPerSecond];
  return [c.service, limits.otherPerSecond];
}

const quantile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

function summarise(calls: readonly CallRecord[], cpuMs: number): CallSummary {
  const budgets = new Map<string, BudgetRow>();
  const byOp = new Map<string, { times: number[]; throttled: number }>();
  const all: number[] = [];
  let throttled = 0;
  for (const c of calls) {
    const [key, rate] = budgetOf(c);
    const b = budgets.get(key) ?? { key, calls: 0, rate };
    b.calls += 1;
    budgets.set(key, b);
    const name = c.service === 'iam' ? `IAM ${c.operation}` : c.operation;
    const op = byOp.get(name) ?? { times: [], throttled: 0 };
    op.times.push(c.handlerMs ?? 0);
    if (c.errorCode === 'ThrottlingException') {
      op.throttled += 1;
      throttled += 1;
    }
    byOp.set(name, op);
    all.push(c.handlerMs ?? 0);
  }
  all.sort((a, b) => a - b);
  const operations = [...byOp].map(([operation, { times, throttled: t }]) => {
    times.sort((a, b) => a - b);
    return {
      operation,
      calls: times.length,
      throttled: t,
      p50Ms: quantile(times, 0.5),
      p99Ms: quantile(times, 0.99),
      maxMs: times[times.length - 1] ?? 0,
    };
  });
  operations.sort((a, b) => b.calls - a.calls);
  return {
    calls: calls.length,
    throttled,
    budgets: [...budgets.values()],
    operations,
    handlerMs: all.reduce((n, t) => n + t, 0),
    cpuMs,
    maxMs: all[all.length - 1] ?? 0,
    p99Ms: quantile(all, 0.99),
    rssBytes: process.memoryUsage.rss(),
  };
}

async function main(): Promise<void> {
  let emulator: RunningEmulator | undefined;
  let cpuFrom = process.cpuUsage();
  const answer = (message: unknown): void => {
    process.stdout.write(`${JSON.stringify(message)}\n`);
  };
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    try {
      const request = JSON.parse(line) as {
        op: string;
        size?: OrganisationSize;
        seed?: SeedInput;
        latencyMs?: number;
        /** false: no rate limits (to look at the audit's own cost, not a figure against the floor). */
        rateLimits?: boolean;
      };
      if (request.op === 'start') {
        const started = performance.now();
        const organisation = request.seed ?? generateOrganisation(request.size!);
        const seed = checkSeed({ ...organisation, credentials: [BENCH_CREDENTIALS] }, 'bench organisation');
        const generatedMs = performance.now() - started;
        emulator = await startEmulator({
          credentials: [BENCH_CREDENTIALS],
          seed,
          faults: { latencyMs: request.latencyMs ?? 40 },
          rateLimits: request.rateLimits ?? true,
        });
        const { state } = emulator;
        answer({
          op: 'started',
          url: emulator.url,
          instanceArn: state.instance.InstanceArn,
          identityStoreId: state.instance.IdentityStoreId,
          generatedMs,
          seededMs: performance.now() - started,
          users: state.users.size,
          groups: state.groups.size,
          accounts: state.accounts.size,
          permissionSets: state.permissionSets.size,
          assignments: state.assignments.size,
          groupAssignments: [...state.assignments.values()].filter((a) => a.PrincipalType === 'GROUP').length,
          provisioned: state.provisioned.size,
          legacyIamUsers: state.iamUsers.size,
        });
      } else if (request.op === 'reset') {
        if (emulator !== undefined) emulator.calls.length = 0;
        cpuFrom = process.cpuUsage();
        answer({ op: 'reset' });
      } else if (request.op === 'summary') {
        const cpu = process.cpuUsage(cpuFrom);
        answer({ op: 'summary', ...summarise(emulator?.calls ?? [], (cpu.user + cpu.system) / 1000) });
      } else {
        answer({ op: 'error', message: `unknown op ${request.op}` });
      }
    } catch (error) {
      answer({ op: 'error', message: (error as Error).message });
    }
  }
  await emulator?.close();
}

await main();
