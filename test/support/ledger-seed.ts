/**
 * A ledger of a large organisation's history, generated rather than stored: a year of access requests of
 * 20,000 people (a few of them heavy users), their approvers (a security team on every request), approvals,
 * grants (most ended, a few thousand active, some due to end now, some group memberships), the jobs that did the
 * work (nearly all done), session denials, break-glass uses and a million audit events. Deterministic for a
 * size, so the queries of the ledger benchmark (bench/ledger.ts) and the index test
 * (test/integration/ledger-indexes.test.ts) ask about the same people on the same data.
 *
 * The rows are written straight into the tables (the schema made by the migrations), in batches inside
 * transactions: the seed is history, not behaviour, and going through the service would take hours.
 */
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Insertable } from 'kysely';
import pg from 'pg';
import { createLedger, SqlLedger } from '../../src/store/index.js';
import type {
  ApprovalsTable,
  AuditEventsTable,
  BreakGlassTable,
  Database as LedgerDatabase,
  GrantsTable,
  HomeViewsTable,
  JobsTable,
  RequestApproversTable,
  RequestsTable,
  SessionDenialsTable,
} from '../../src/store/tables.js';

export interface LedgerSize {
  people: number;
  requests: number;
  grants: number;
  auditEvents: number;
  jobs: number;
  sessionDenials: number;
  /** Requests waiting for approval now (the scheduler reads them all on every tick). */
  pending: number;
  /** Requests approved ahead of time, waiting for their start. */
  scheduled: number;
}

/** The size: 1,000,000 audit events and 100,000 grants, with what a year of them comes with. */
export const LEDGER_AT_SCALE: LedgerSize = {
  people: 20_000,
  requests: 60_000,
  grants: 100_000,
  auditEvents: 1_000_000,
  jobs: 300_000,
  sessionDenials: 50_000,
  // About 165 requests a day: 100 waiting at once is half a day's worth not yet decided (most are decided within
  // the hour), a pessimistic queue for the approvers and for the scheduler, which reads them all on each tick.
  pending: 100,
  scheduled: 50,
};

/** The same shape, a hundredth of it (the index test's size: enough rows that every table has history). */
export const LEDGER_SMALL: LedgerSize = {
  people: 2_000,
  requests: 6_000,
  grants: 10_000,
  auditEvents: 100_000,
  jobs: 30_000,
  sessionDenials: 5_000,
  pending: 50,
  scheduled: 20,
};

/** The moment the seeded ledger is read at: its history ends here. */
export const SEED_NOW = new Date('2026-12-07T12:00:00.000Z');

/** Whom the queries ask about. */
export const SUBJECTS = {
  /** Makes one request in fifty: thousands of requests and grants over the year, a few open now. */
  heavyRequester: 'U_HEAVY',
  /** An ordinary person with a handful of requests. */
  typicalRequester: 'U0000042',
  /** On the security team: an approver of every request, so listed on every row of request_approvers. */
  securityApprover: 'U_SEC1',
  /** One of 200 team leads: an approver of one request in a hundred. */
  teamApprover: 'U_APP007',
  /** The replica that asks for jobs. */
  owner: 'replica-bench',
} as const;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const YEAR = 365 * DAY;
const SECURITY_TEAM = ['U_SEC1', 'U_SEC2', 'U_SEC3'];
const TEAM_LEADS = 200;
const ACCOUNTS = 1_000;
const GROUPS = 40;
const SETS = ['Developer', 'ReadOnly', 'ProductionSupport', 'DatabaseAdmin', 'Billing', 'SecurityAudit'];
const iso = (ms: number): string => new Date(ms).toISOString();

/** Mulberry32: small, fast, and the same numbers for the same seed on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const person = (i: number): string => `U${String(i).padStart(7, '0')}`;
const requestId = (i: number): string => `R-${String(i).padStart(7, '0')}`;
const grantId = (i: number): string => `G-${String(i).padStart(7, '0')}`;
const accountId = (i: number): string => String(100_000_000_000 + (i % ACCOUNTS));
const setArn = (set: string): string => `arn:aws:sso:::permissionSet/ssoins-1/ps-${set.toLowerCase()}`;

type Row<T> = Insertable<T>;

/** Parents before the rows that point at them (foreign keys hold at every batch). */
const WRITE_ORDER: readonly (keyof LedgerDatabase)[] = [
  'requests',
  'request_approvers',
  'approvals',
  'grants',
  'jobs',
  'session_denials',
  'break_glass',
  'home_views',
  'audit_events',
];

/** The rows of each table, written a batch at a time (so a million audit events are never all in memory). */
export interface SeedSink {
  write(table: keyof LedgerDatabase, rows: readonly Record<string, unknown>[]): void | Promise<void>;
}

interface RequestPlan {
  id: string;
  requester: string;
  createdMs: number;
  status: RequestsTable['status'];
}

/**
 * Writes the seed through `sink`. Request i is made at a steady pace over the year before SEED_NOW; the newest
 * `pending` and `scheduled` are open, the others decided. Grants belong to the decided requests in order.
 */
export async function seedLedger(sink: SeedSink, size: LedgerSize, batch = 5_000): Promise<void> {
  const rand = random(15);
  const now = SEED_NOW.getTime();
  const buffer = new Map<keyof LedgerDatabase, Record<string, unknown>[]>();
  const put = async (table: keyof LedgerDatabase, row: Record<string, unknown>): Promise<void> => {
    let rows = buffer.get(table);
    if (rows === undefined) buffer.set(table, (rows = []));
    rows.push(row);
    // Every table's rows so far, parents first: a request before its approvers.
    if (rows.length >= batch) await flush();
  };
  const flush = async (): Promise<void> => {
    for (const table of WRITE_ORDER) {
      const rows = buffer.get(table);
      if (rows !== undefined && rows.length > 0) await sink.write(table, rows);
    }
    buffer.clear();
  };

  // Requests, oldest first; the newest ones are the open ones, in a shuffled mix of pending and scheduled.
  const plans: RequestPlan[] = [];
  const open = size.pending + size.scheduled + 20;
  for (let i = 0; i < size.requests; i += 1) {
    const requester =
      i % 50 === 0
        ? SUBJECTS.heavyRequester
        : i % 97 === 0
          ? SUBJECTS.typicalRequester
          : person(Math.floor(size.people * rand() ** 2));
    const createdMs = now - YEAR + Math.floor(((i + 1) / size.requests) * (YEAR - HOUR));
    const fromEnd = size.requests - i;
    let status: RequestsTable['status'];
    if (fromEnd <= open) {
      const roll = rand();
      status =
        fromEnd <= 10
          ? 'provisioning'
          : fromEnd <= 20
            ? 'approved'
            : roll < size.scheduled / (size.pending + size.scheduled)
              ? 'scheduled'
              : 'pending';
    } else {
      const roll = rand();
      status = roll < 0.85 ? 'ended' : roll < 0.9 ? 'completed' : roll < 0.95 ? 'denied' : 'lapsed';
    }
    plans.push({ id: requestId(i), requester, createdMs, status });
  }

  let pendingLeft = size.pending;
  for (const [i, plan] of plans.entries()) {
    const set = SETS[i % SETS.length]!;
    const accounts = [{ alias: `acct-${i % ACCOUNTS}`, id: accountId(i) }];
    const approvers = [...SECURITY_TEAM, `U_APP${String(i % TEAM_LEADS).padStart(3, '0')}`];
    // A few pending requests are past their lapse time: the scheduler's lapse step has something to do.
    const lapsesMs =
      plan.status === 'pending' && pendingLeft-- <= 5 ? now - MINUTE : plan.createdMs + 3 * DAY;
    const request: Row<RequestsTable> = {
      id: plan.id,
      kind: i % 20 === 0 ? 'extend' : i % 10 === 0 ? 'group_access' : 'access',
      status: plan.status,
      requester_slack_id: plan.requester,
      requester_email: `${plan.requester.toLowerCase()}@example.com`,
      requester_user_id: `user-${plan.requester}`,
      permission_set: set,
      permission_set_arn: setArn(set),
      accounts: JSON.stringify(accounts),
      duration_ms: [4 * HOUR, 8 * HOUR, DAY, 7 * DAY, 30 * DAY][i % 5]!,
      reason: `ticket OPS-${i}`,
      approvers: JSON.stringify(approvers),
      required_approvals: 1,
      channel: 'C_APPROVALS',
      extends_grant_ids: '[]',
      details: '{}',
      created_at: iso(plan.createdMs),
      lapses_at: iso(lapsesMs),
      decided_at: plan.status === 'pending' ? null : iso(plan.createdMs + 10 * MINUTE),
      starts_at: plan.status === 'scheduled' ? iso(now + (1 + (i % 14)) * DAY) : null,
      card_channel: 'C_APPROVALS',
      card_ts: `${Math.floor(plan.createdMs / 1000)}.000100`,
      dm_channel: `D_${plan.requester}`,
      dm_ts: `${Math.floor(plan.createdMs / 1000)}.000200`,
    };
    await put('requests', request);
    for (const approver of approvers) {
      await put('request_approvers', {
        request_id: plan.id,
        approver_slack_id: approver,
      } satisfies Row<RequestApproversTable>);
    }
    if (plan.status !== 'pending' && plan.status !== 'lapsed') {
      await put('approvals', {
        request_id: plan.id,
        approver_slack_id: plan.status === 'denied' ? SECURITY_TEAM[0]! : approvers[3]!,
        decision: plan.status === 'denied' ? 'deny' : 'approve',
        reason: null,
        at: iso(plan.createdMs + 10 * MINUTE),
      } satisfies Row<ApprovalsTable>);
    }
  }
  await flush();

  // Grants: spread over the decided requests (one or two each), ending at their request's duration.
  const granted = plans.filter((p) => p.status === 'ended' || p.status === 'completed');
  const latest = plans.filter((p) => p.status === 'approved' || p.status === 'provisioning');
  let activeDue = 0;
  for (let g = 0; g < size.grants; g += 1) {
    const fromEnd = size.grants - g;
    const inFlight = fromEnd <= latest.length ? latest[latest.length - fromEnd] : undefined;
    const plan = inFlight ?? granted[Math.floor((g / size.grants) * granted.length)]!;
    const index = Number(plan.id.slice(2));
    const set = SETS[index % SETS.length]!;
    const durationMs = [4 * HOUR, 8 * HOUR, DAY, 7 * DAY, 30 * DAY][index % 5]!;
    const startsMs = plan.createdMs + 15 * MINUTE;
    let endsMs: number | null = plan.status === 'completed' && index % 4 === 0 ? null : startsMs + durationMs;
    let status: GrantsTable['status'];
    if (inFlight !== undefined) {
      status = inFlight.status === 'provisioning' ? 'provisioning' : 'pending';
      endsMs = null;
    } else if (endsMs !== null && endsMs <= now) {
      // The newest few past their end are the storm the scheduler must end now; older ones ended long ago.
      status = activeDue < size.grants / 500 && endsMs > now - DAY ? 'active' : 'ended';
      if (status === 'active') activeDue += 1;
    } else {
      status = g % 100 === 0 ? 'failed' : 'active';
    }
    const isGroup = index % 10 === 0;
    const grant: Row<GrantsTable> = {
      id: grantId(g),
      request_id: plan.id,
      status,
      requester_slack_id: plan.requester,
      principal_id: `user-${plan.requester}`,
      account_id: accountId(index + g),
      account_alias: `acct-${(index + g) % ACCOUNTS}`,
      permission_set: set,
      permission_set_arn: setArn(set),
      starts_at: inFlight !== undefined ? null : iso(startsMs),
      ends_at: endsMs === null ? null : iso(endsMs),
      failure_reason: status === 'failed' ? 'AccessDenied' : null,
      aws_request_id: `aws-${g}`,
      created_assignment: 1,
      reminded_at: status === 'ended' && durationMs >= DAY ? iso(endsMs! - HOUR) : null,
      ended_at: status === 'ended' ? iso(endsMs!) : null,
      end_reason: status === 'ended' ? (g % 7 === 0 ? 'revoked' : 'expired') : null,
      group_id: isGroup ? `g-${index % GROUPS}` : null,
      group_name: isGroup ? `Group${index % GROUPS}` : null,
      membership_id: isGroup ? `m-${g}` : null,
    };
    await put('grants', grant);
  }
  await flush();

  // Jobs: the card, the messages and the AWS work of each request, nearly all done long ago; the open requests'
  // next steps queued (a scheduled request's provisioning at its start), a handful running under leases.
  const kinds: JobsTable['kind'][] = ['sync_card', 'notify', 'provision', 'notify', 'end_grant'];
  for (let j = 0; j < size.jobs; j += 1) {
    const plan = plans[Math.floor((j / size.jobs) * plans.length)]!;
    const kind = kinds[j % kinds.length]!;
    const openRequest = plan.status === 'pending' || plan.status === 'scheduled';
    const status: JobsTable['status'] = openRequest
      ? j % kinds.length === 0
        ? 'queued'
        : 'done'
      : plan.status === 'provisioning' && kind === 'provision'
        ? 'running'
        : j % 997 === 0
          ? 'failed'
          : 'done';
    const active = status === 'queued' || status === 'running';
    const runMs =
      plan.status === 'scheduled' && status === 'queued'
        ? now + DAY
        : status === 'queued'
          ? now + HOUR
          : plan.createdMs + (j % kinds.length) * MINUTE;
    const key = `${kind}:${plan.id}:${j}`;
    await put('jobs', {
      id: `job-${String(j).padStart(8, '0')}`,
      kind,
      status,
      request_id: plan.id,
      grant_id: null,
      payload: '{}',
      run_at: iso(runMs),
      dedupe_key: key,
      active_key: active ? key : null,
      attempts: status === 'failed' ? 5 : 1,
      rerun: 0,
      lease_owner: status === 'queued' ? null : 'replica-old',
      lease_until: status === 'running' ? iso(now + 5 * MINUTE) : null,
      last_error: status === 'failed' ? 'Throttling' : null,
      created_at: iso(plan.createdMs),
    } satisfies Row<JobsTable>);
  }
  await flush();

  // Session denials: one per ended grant of the newest; lifted once no session from before can be alive.
  for (let d = 0; d < size.sessionDenials; d += 1) {
    const g = size.grants - size.sessionDenials - 1000 + d;
    const plan = granted[Math.floor((Math.max(0, g) / size.grants) * granted.length)]!;
    const endedMs = plan.createdMs + DAY;
    const lifted = endedMs + 13 * HOUR < now;
    await put('session_denials', {
      id: `sd-${d}`,
      status: lifted ? 'lifted' : 'in_force',
      user_id: `user-${plan.requester}`,
      slack_user_id: plan.requester,
      user_name: `${plan.requester.toLowerCase()}@example.com`,
      account_id: accountId(d),
      account_alias: `acct-${d % ACCOUNTS}`,
      permission_set: SETS[d % SETS.length]!,
      permission_set_arn: setArn(SETS[d % SETS.length]!),
      ended_at: iso(endedMs),
      cause: 'expired',
      request_id: plan.id,
      grant_id: grantId(Math.max(0, g)),
      session_hours: 12,
      in_policy: lifted ? 0 : 1,
      in_force_at: iso(endedMs + MINUTE),
      lift_at: iso(endedMs + 13 * HOUR),
      lifted_at: lifted ? iso(endedMs + 13 * HOUR) : null,
      failure: null,
      created_at: iso(endedMs),
    } satisfies Row<SessionDenialsTable>);
  }
  await flush();

  // Break-glass: one use in two hundred requests, reviewed but for the last few.
  const uses = plans.filter((_p, i) => i % 200 === 0);
  for (const [u, plan] of uses.entries()) {
    const reviewed = u < uses.length - 3;
    await put('break_glass', {
      request_id: plan.id,
      user_id: `user-${plan.requester}`,
      requester_slack_id: plan.requester,
      created_at: iso(plan.createdMs),
      security_channel: 'C_SECURITY',
      security_ts: `${Math.floor(plan.createdMs / 1000)}.000300`,
      reviewed_by: reviewed ? SECURITY_TEAM[1]! : null,
      reviewed_at: reviewed ? iso(plan.createdMs + HOUR) : null,
      outcome: reviewed ? 'ok' : null,
      reminded_at: null,
    } satisfies Row<BreakGlassTable>);
  }
  for (let p = 0; p < size.people; p += 5) {
    await put('home_views', {
      slack_user_id: person(p),
      opened_at: iso(now - (p % 30) * DAY),
    } satisfies Row<HomeViewsTable>);
  }
  await flush();

  // Audit events, in the order they were written: each request's trail, and its grants' (the last few not yet
  // posted to the audit channel).
  const actions = [
    'request.created',
    'request.approved',
    'grant.provisioning',
    'grant.active',
    'grant.expired',
  ];
  for (let e = 0; e < size.auditEvents; e += 1) {
    const r = Math.floor((e / size.auditEvents) * plans.length);
    const plan = plans[r]!;
    const step = e % actions.length;
    const atMs = plan.createdMs + step * MINUTE;
    const grant = step >= 2 ? grantId(Math.floor((r / plans.length) * size.grants)) : null;
    await put('audit_events', {
      at: iso(atMs),
      actor:
        step === 1
          ? `U_APP${String(r % TEAM_LEADS).padStart(3, '0')}`
          : step === 0
            ? plan.requester
            : 'system',
      action: actions[step]!,
      request_id: plan.id,
      grant_id: grant,
      details: step === 0 ? JSON.stringify({ reason: `ticket OPS-${r}` }) : '{}',
      fed_at: size.auditEvents - e <= 20 ? null : iso(atMs + 2_000),
    } satisfies Row<AuditEventsTable>);
  }
  await flush();
}

/** Writes the seed into a SQLite file: prepared inserts, each batch one transaction, durability off meanwhile. */
export function sqliteSink(db: SQLite.Database): SeedSink {
  const statements = new Map<string, SQLite.Statement>();
  return {
    write(table, rows) {
      const columns = Object.keys(rows[0]!);
      const key = `${table}:${columns.join(',')}`;
      let insert = statements.get(key);
      if (insert === undefined) {
        insert = db.prepare(
          `insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`,
        );
        statements.set(key, insert);
      }
      const statement = insert;
      db.transaction(() => {
        for (const row of rows) statement.run(columns.map((c) => row[c]));
      })();
    },
  };
}

/** Writes the seed through Kysely (PostgreSQL): one multi-row insert a batch, under its parameter limit. */
export function kyselySink(db: Kysely<LedgerDatabase>): SeedSink {
  return {
    async write(table, rows) {
      const columns = Object.keys(rows[0]!).length;
      const per = Math.max(1, Math.floor(60_000 / columns));
      for (let i = 0; i < rows.length; i += per) {
        await db
          .insertInto(table)
          .values(rows.slice(i, i + per))
          .execute();
      }
    },
  };
}

/** A statement the ledger ran, as sent to the database. */
export interface RanStatement {
  sql: string;
  parameters: readonly unknown[];
}

export interface SeededLedger {
  ledger: SqlLedger;
  db: Kysely<LedgerDatabase>;
  /** Every statement run since the last `ran.length = 0`. */
  ran: RanStatement[];
  close(): Promise<void>;
}

/**
 * A SQLite ledger file migrated to the latest schema and seeded at `size` (how long it took is returned), opened
 * as the product opens it (database.ts's pragmas), with each statement it runs recorded for EXPLAIN.
 */
export async function seededSqlite(
  path: string,
  size: LedgerSize,
): Promise<SeededLedger & { fillMs: number }> {
  const started = performance.now();
  const migrated = await createLedger({ path });
  await migrated.close();
  const raw = new SQLite(path);
  // A load nobody else reads until it is done: no journal, no syncs, the indexes' pages kept in memory.
  raw.pragma('journal_mode = OFF');
  raw.pragma('synchronous = OFF');
  raw.pragma('locking_mode = EXCLUSIVE');
  raw.pragma('cache_size = -262144');
  await seedLedger(sqliteSink(raw), size);
  raw.close();
  const fillMs = performance.now() - started;
  const ran: RanStatement[] = [];
  const database = new SQLite(path);
  database.pragma('journal_mode = WAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  const db = new Kysely<LedgerDatabase>({
    dialect: new SqliteDialect({ database }),
    log: (event) => {
      ran.push({ sql: event.query.sql, parameters: event.query.parameters });
    },
  });
  const ledger = new SqlLedger(db, { now: () => SEED_NOW });
  return { ledger, db, ran, fillMs, close: () => ledger.close() };
}

/**
 * The same on a PostgreSQL database (`url`, empty): migrated, seeded in multi-row inserts, then analysed as
 * autovacuum would after a load. `options` are the connections' server settings (e.g. `-c enable_seqscan=off`).
 */
export async function seededPostgres(
  url: string,
  size: LedgerSize,
  options?: string,
): Promise<SeededLedger & { fillMs: number }> {
  const started = performance.now();
  const migrated = await createLedger({ url });
  await migrated.close();
  const ran: RanStatement[] = [];
  const pool = new pg.Pool({ connectionString: url, max: 4, ...(options !== undefined && { options }) });
  const db = new Kysely<LedgerDatabase>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      ran.push({ sql: event.query.sql, parameters: event.query.parameters });
    },
  });
  await seedLedger(kyselySink(db), size);
  await sql`analyze`.execute(db);
  ran.length = 0;
  const fillMs = performance.now() - started;
  const ledger = new SqlLedger(db, { now: () => SEED_NOW });
  return { ledger, db, ran, fillMs, close: () => ledger.close() };
}
