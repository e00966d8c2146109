/**
 * The job queue: at most one active job per dedupe key, claimed under an expiring lease so that a crashed
 * worker's job is picked up again and a claimed job never runs in two places at once. Each function is one
 * statement that both SQLite (≥ 3.35, for RETURNING) and PostgreSQL accept (claimJob adds SKIP LOCKED on
 * PostgreSQL only); no function reads then writes.
 */
import { randomUUID } from 'node:crypto';
import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { JobKind, JobRecord, JobStatus, NewJob } from '../access/ledger.js';
import { jobLane, type WorkLane } from '../access/work-lane.js';
import { toJobRecord, toJson } from './mappers.js';
import type { SqlDialectName } from './dialect.js';
import type { Database } from './tables.js';
import { fromIso, toIso } from './time.js';

type Db = Kysely<Database>;

export interface JobQuery {
  statuses?: JobStatus[];
  kind?: JobKind;
  requestId?: string;
}

/** The columns every new job row has, whether it is queued or inserted already claimed. */
function newJobRow(job: NewJob, now: Date) {
  return {
    id: randomUUID(),
    kind: job.kind,
    request_id: job.requestId ?? null,
    grant_id: job.grantId ?? null,
    payload: toJson(job.payload ?? {}),
    run_at: toIso(job.runAt),
    dedupe_key: job.dedupeKey,
    active_key: job.dedupeKey,
    created_at: toIso(now),
    lane: jobLane(job),
  };
}

/**
 * false (and nothing written) when a job with the same key is queued or running; with `rerunIfRunning`, a
 * running one is asked to run once more when it finishes (true), and a queued one is left as it is (it reads the
 * ledger when it runs). One statement either way.
 */
export async function enqueueJob(db: Db, job: NewJob, now: Date): Promise<boolean> {
  const result = await db
    .insertInto('jobs')
    .values({ ...newJobRow(job, now), status: 'queued' })
    // The unique index on active_key is the guard, so two replicas enqueueing at once still make one job.
    .onConflict((oc) =>
      job.rerunIfRunning === true
        ? oc.column('active_key').doUpdateSet({ rerun: 1 }).where('jobs.status', '=', 'running')
        : oc.column('active_key').doNothing(),
    )
    .executeTakeFirst();
  return result.numInsertedOrUpdatedRows === 1n;
}

export interface ClaimedJob {
  job: NewJob;
  owner: string;
  now: Date;
  leaseMs: number;
}

/**
 * Jobs that are running already, held by their owners, in one INSERT (one statement, one commit: all are
 * recorded, or none; returned in their order): a worker that dies before finishing one leaves it to be taken over
 * once the lease runs out, like any claimed job. The unique active key (no ON CONFLICT here) makes a reused key
 * an error rather than a job silently not recorded.
 */
export async function insertClaimedJobs(db: Db, claims: readonly ClaimedJob[]): Promise<JobRecord[]> {
  if (claims.length === 0) return [];
  const rows = claims.map(({ job, owner, now, leaseMs }) => ({
    ...newJobRow(job, now),
    status: 'running' as const,
    lease_owner: owner,
    lease_until: toIso(new Date(now.getTime() + leaseMs)),
  }));
  const inserted = await db.insertInto('jobs').values(rows).returningAll().execute();
  const byId = new Map(inserted.map((row) => [row.id, toJobRecord(row)]));
  return rows.map((row) => {
    const record = byId.get(row.id);
    if (record === undefined) throw new Error(`claimed job ${row.id} was inserted but not returned`);
    return record;
  });
}

/**
 * The earliest moment a job falls due: a queued job's run_at, or the lease end of a job another worker holds.
 * Two aggregate reads, each on one status, so both dialects answer from the (status, run_at) index and a
 * handful of running rows.
 */
export async function nextJobDueAt(db: Db, owner: string): Promise<Date | undefined> {
  const queued = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.min('run_at').as('at'))
    .where('status', '=', 'queued')
    .executeTakeFirst();
  const held = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.min('lease_until').as('at'))
    .where('status', '=', 'running')
    .where('lease_owner', '<>', owner)
    .executeTakeFirst();
  const times = [queued?.at, held?.at].filter((t): t is string => typeof t === 'string').sort();
  return times[0] === undefined ? undefined : fromIso(times[0]);
}

/** Due: queued and its time has come, or running under a lease that has run out (its worker died). */
function due(nowIso: string) {
  return (eb: ExpressionBuilder<Database, 'jobs'>) =>
    eb.or([
      eb.and([eb('status', '=', 'queued'), eb('run_at', '<=', nowIso)]),
      eb.and([eb('status', '=', 'running'), eb('lease_until', '<', nowIso)]),
    ]);
}

/**
 * A request's messages to its requester (notify jobs) go in the order they were made, one at a time, on
 * whichever replicas run them: one is not taken while an earlier one of the same request is queued or running.
 * (Two at once could each open the person's message thread, or tell "active" before "approved".) Read in the
 * same statement that claims, so a replica that has not yet seen another's claim still sees the earlier job.
 */
function notBehindEarlierMessage(eb: ExpressionBuilder<Database, 'jobs'>) {
  return eb.or([
    eb('jobs.kind', '<>', 'notify'),
    eb('jobs.request_id', 'is', null),
    eb.not(
      eb.exists(
        eb
          .selectFrom('jobs as earlier')
          .select('earlier.id')
          .whereRef('earlier.request_id', '=', 'jobs.request_id')
          .where('earlier.kind', '=', 'notify')
          .where('earlier.status', 'in', ['queued', 'running'])
          .where((e) =>
            e.or([
              e('earlier.created_at', '<', e.ref('jobs.created_at')),
              e.and([
                e('earlier.created_at', '=', e.ref('jobs.created_at')),
                e('earlier.id', '<', e.ref('jobs.id')),
              ]),
            ]),
          ),
      ),
    ),
  ]);
}

/**
 * One UPDATE picks the oldest due job and takes it. SQLite serialises writers, so two claims never overlap.
 * PostgreSQL runs them at once: SKIP LOCKED makes a second worker pass over the row the first is taking and
 * claim the next due job instead of queueing behind it (and then finding it taken, and claiming nothing while
 * work is due). The outer WHERE repeats the due test, so even a row that slipped through is never taken twice.
 * Taking over an expired lease counts the lost run as an attempt, so a job that kills its worker is not
 * retried for ever.
 */
export async function claimJob(
  db: Db,
  dialect: SqlDialectName,
  owner: string,
  now: Date,
  leaseMs: number,
  lane?: WorkLane,
): Promise<JobRecord | undefined> {
  const nowIso = toIso(now);
  const row = await db
    .updateTable('jobs')
    .set((eb) => ({
      status: 'running',
      lease_owner: owner,
      lease_until: toIso(new Date(now.getTime() + leaseMs)),
      attempts: eb
        .case()
        .when('status', '=', 'running')
        .then(eb('attempts', '+', 1))
        .else(eb.ref('attempts'))
        .end(),
    }))
    .where('id', '=', (eb) =>
      eb
        .selectFrom('jobs')
        .select('id')
        .$if(lane !== undefined, (qb) => qb.where('lane', '=', lane ?? 'interactive'))
        .where(due(nowIso))
        .where(notBehindEarlierMessage)
        .orderBy('run_at')
        .orderBy('created_at')
        .orderBy('id')
        .limit(1)
        .$if(dialect === 'postgres', (qb) => qb.forUpdate().skipLocked()),
    )
    .where(due(nowIso))
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? undefined : toJobRecord(row);
}

/** Only the lease holder may touch a running job: a worker that lost its lease changes nothing. */
function heldBy(id: string, owner: string) {
  return (eb: ExpressionBuilder<Database, 'jobs'>) =>
    eb.and([eb('id', '=', id), eb('status', '=', 'running'), eb('lease_owner', '=', owner)]);
}

export async function renewJobLease(
  db: Db,
  id: string,
  owner: string,
  now: Date,
  leaseMs: number,
): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ lease_until: toIso(new Date(now.getTime() + leaseMs)) })
    .where(heldBy(id, owner))
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/**
 * Done frees the dedupe key; lease_owner stays as a record of who ran it. A job asked for again while it ran
 * (rerun) is queued once more instead, due at once, keeping its key.
 */
export async function completeJob(db: Db, id: string, owner: string, now: Date): Promise<void> {
  await db
    .updateTable('jobs')
    .set({
      status: sql<JobStatus>`case when rerun = 1 then 'queued' else 'done' end`,
      active_key: sql<string | null>`case when rerun = 1 then active_key else null end`,
      run_at: sql<string>`case when rerun = 1 then ${toIso(now)} else run_at end`,
      lease_owner: sql<string | null>`case when rerun = 1 then null else lease_owner end`,
      lease_until: null,
      rerun: 0,
    })
    .where(heldBy(id, owner))
    .execute();
}

export async function releaseJob(
  db: Db,
  id: string,
  owner: string,
  error: string,
  runAt: Date | null,
): Promise<void> {
  const attempts = (eb: ExpressionBuilder<Database, 'jobs'>) => eb('attempts', '+', 1);
  const update =
    runAt === null
      ? db.updateTable('jobs').set((eb) => ({
          status: 'failed',
          attempts: attempts(eb),
          last_error: error,
          active_key: null,
          lease_until: null,
        }))
      : db.updateTable('jobs').set((eb) => ({
          status: 'queued',
          attempts: attempts(eb),
          last_error: error,
          run_at: toIso(runAt),
          lease_owner: null,
          lease_until: null,
        }));
  await update.where(heldBy(id, owner)).execute();
}

/** Oldest due first. An empty `statuses` matches nothing. */
export async function findJobs(db: Db, query: JobQuery): Promise<JobRecord[]> {
  if (query.statuses?.length === 0) return [];
  let select = db.selectFrom('jobs').selectAll();
  if (query.statuses !== undefined) select = select.where('status', 'in', query.statuses);
  if (query.kind !== undefined) select = select.where('kind', '=', query.kind);
  if (query.requestId !== undefined) select = select.where('request_id', '=', query.requestId);
  const rows = await select.orderBy('run_at').orderBy('created_at').orderBy('id').execute();
  return rows.map(toJobRecord);
}
