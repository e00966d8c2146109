/**
 * The ledger port over Kysely: SQLite today, PostgreSQL when several replicas share one ledger.
 */
import type { WorkLane } from '../access/work-lane.js';
import { AsyncLocalStorage } from 'node:async_hooks';
import { sql, type Kysely } from 'kysely';
import type { AuditRecord, IdentityRecord, JobRecord, Ledger, LedgerTx, NewJob } from '../access/ledger.js';
import * as audit from './audit.js';
import { ACK_POOL_SIZE, openAckDatabase, openDatabase, type DatabaseOptions } from './database.js';
import { InsertBatcher } from './insert-batcher.js';
import { dialectOf } from './dialect.js';
import * as homeViews from './home-views.js';
import * as identities from './identities.js';
import * as jobs from './jobs.js';
import * as replicas from './replicas.js';
import { SqlLedgerTx } from './ledger-tx.js';
import { migrateToLatest } from './migrations/index.js';
import type { Database } from './tables.js';

export interface SqlLedgerOptions {
  /** For the few times the store stamps itself (a job's createdAt); the service passes its own times. */
  now?: () => Date;
  /** Where the inserts made before an ack go (database.ts, openAckDatabase); absent: the ledger's database. */
  ackDb?: Kysely<Database>;
}

interface TxScope {
  open: boolean;
}

export class SqlLedger extends SqlLedgerTx implements Ledger {
  readonly #kysely: Kysely<Database>;
  readonly #ackDb: Kysely<Database> | undefined;
  readonly #acks: InsertBatcher<jobs.ClaimedJob, JobRecord>;
  readonly #scope: AsyncLocalStorage<TxScope>;

  constructor(db: Kysely<Database>, options: SqlLedgerOptions = {}) {
    const scope = new AsyncLocalStorage<TxScope>();
    // SQLite has one connection, held by an open transaction: a call on the ledger itself from inside
    // `transaction(fn)` would wait for that transaction, which waits for the call. Fail loudly instead.
    const outside = (): Kysely<Database> => {
      if (scope.getStore()?.open === true)
        throw new Error('ledger used directly inside ledger.transaction(): use the tx passed to fn');
      return db;
    };
    super(outside, dialectOf(db), options.now ?? (() => new Date()));
    this.#kysely = db;
    this.#ackDb = options.ackDb;
    const ackDb = options.ackDb;
    // The inserts before acks are gathered: on PostgreSQL on their own connections (database.ts), on SQLite one
    // statement at a time on its one connection, so that a burst's acks cost a few statements, not one each.
    this.#acks = new InsertBatcher(
      (claims) => jobs.insertClaimedJobs(ackDb ?? this.db(), claims),
      ackDb === undefined ? 1 : ACK_POOL_SIZE,
    );
    this.#scope = scope;
  }

  async transaction<T>(fn: (tx: LedgerTx) => Promise<T>): Promise<T> {
    const db = this.db();
    return db.transaction().execute(async (trx) => {
      const scope: TxScope = { open: true };
      try {
        return await this.#scope.run(scope, () => fn(new SqlLedgerTx(() => trx, this.dialect, this.now)));
      } finally {
        // Work that fn started and left running must not trip the guard after the transaction is over.
        scope.open = false;
      }
    });
  }

  claimJob(owner: string, now: Date, leaseMs: number, lane?: WorkLane): Promise<JobRecord | undefined> {
    return jobs.claimJob(this.db(), this.dialect, owner, now, leaseMs, lane);
  }

  /** Made before an ack (a click, a command): on its own connections, never behind the work in the pool. */
  insertClaimedJob(job: NewJob, owner: string, now: Date, leaseMs: number): Promise<JobRecord> {
    return this.#acks.add({ job, owner, now, leaseMs });
  }

  nextJobDueAt(owner: string): Promise<Date | undefined> {
    return jobs.nextJobDueAt(this.db(), owner);
  }

  renewJobLease(id: string, owner: string, now: Date, leaseMs: number): Promise<boolean> {
    return jobs.renewJobLease(this.db(), id, owner, now, leaseMs);
  }

  completeJob(id: string, owner: string, now: Date = this.now()): Promise<void> {
    return jobs.completeJob(this.db(), id, owner, now);
  }

  releaseJob(id: string, owner: string, error: string, runAt: Date | null): Promise<void> {
    return jobs.releaseJob(this.db(), id, owner, error, runAt);
  }

  findJobs(query: jobs.JobQuery): Promise<JobRecord[]> {
    return jobs.findJobs(this.db(), query);
  }

  listAudit(query: audit.AuditQuery): Promise<AuditRecord[]> {
    return audit.listAudit(this.db(), query);
  }

  listUnfedAudit(limit: number): Promise<AuditRecord[]> {
    return audit.listUnfedAudit(this.db(), limit);
  }

  markAuditFed(ids: readonly number[], at: Date): Promise<void> {
    return audit.markAuditFed(this.db(), ids, at);
  }

  getIdentity(slackUserId: string): Promise<IdentityRecord | undefined> {
    return identities.getIdentity(this.db(), slackUserId);
  }

  putIdentity(identity: IdentityRecord): Promise<void> {
    return identities.putIdentity(this.db(), identity);
  }

  forgetIdentity(slackUserId: string): Promise<void> {
    return identities.forgetIdentity(this.db(), slackUserId);
  }

  forgetUserIdentities(userId: string): Promise<void> {
    return identities.forgetUserIdentities(this.db(), userId);
  }

  heartbeat(replicaId: string, now: Date, liveWithinMs: number): Promise<number> {
    return replicas.heartbeat(this.db(), replicaId, now, liveWithinMs);
  }

  leave(replicaId: string): Promise<void> {
    return replicas.leave(this.db(), replicaId);
  }

  recordHomeOpened(slackUserId: string, at: Date): Promise<void> {
    return homeViews.recordHomeOpened(this.db(), slackUserId, at);
  }

  homeOpenedSince(slackUserIds: readonly string[], since: Date): Promise<string[]> {
    return homeViews.homeOpenedSince(this.db(), slackUserIds, since);
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db());
  }

  async close(): Promise<void> {
    await this.#kysely.destroy();
    await this.#ackDb?.destroy();
  }
}

/** Opens (creating if need be) the SQLite ledger at `path` and brings its schema up to date. */
export async function createLedger(options: DatabaseOptions & SqlLedgerOptions): Promise<SqlLedger> {
  const db = openDatabase(options);
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const ackDb = openAckDatabase(options);
  return new SqlLedger(db, { ...options, ...(ackDb !== undefined && { ackDb }) });
}
