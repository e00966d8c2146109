/**
 * The LedgerTx methods over one executor. Inside `transaction()` the executor is the Kysely transaction; on
 * SqlLedger itself it is the database (guarded, see ledger.ts). The repositories do the work.
 */
import { sql, type Kysely } from 'kysely';
import type {
  ApprovalRecord,
  AuditEvent,
  GrantQuery,
  GrantRecord,
  LedgerTx,
  NewJob,
  RequestQuery,
  RequestRecord,
  SessionDenialQuery,
  SessionDenialRecord,
} from '../access/ledger.js';
import type {
  LegacyMigrationPatch,
  LegacyMigrationQuery,
  LegacyMigrationRecord,
  LegacyMigrationUnset,
} from '../access/legacy-migrations.js';
import type { BreakGlassPatch, BreakGlassQuery, BreakGlassRecord } from '../access/break-glass-ledger.js';
import type { GrantStatus, RequestStatus } from '../domain/request.js';
import * as audit from './audit.js';
import * as breakGlass from './break-glass.js';
import * as grants from './grants.js';
import * as jobs from './jobs.js';
import * as legacyMigrations from './legacy-migrations.js';
import * as requests from './requests.js';
import * as sessionDenials from './session-denials.js';
import type { SqlDialectName } from './dialect.js';
import type { Database } from './tables.js';

export type Executor = () => Kysely<Database>;

export class SqlLedgerTx implements LedgerTx {
  constructor(
    /** A function, not a value, so that SqlLedger can check on every call that no transaction is open. */
    protected readonly db: Executor,
    protected readonly dialect: SqlDialectName,
    protected readonly now: () => Date,
  ) {}

  insertRequest(request: RequestRecord): Promise<void> {
    return requests.insertRequest(this.db(), request);
  }

  getRequest(id: string): Promise<RequestRecord | undefined> {
    return requests.getRequest(this.db(), id);
  }

  lockRequest(id: string): Promise<RequestRecord | undefined> {
    return requests.lockRequest(this.db(), this.dialect, id);
  }

  findRequests(query: RequestQuery): Promise<RequestRecord[]> {
    return requests.findRequests(this.db(), query);
  }

  transitionRequest(
    id: string,
    from: RequestStatus,
    to: RequestStatus,
    patch?: Partial<Pick<RequestRecord, 'decidedAt' | 'details'>>,
  ): Promise<boolean> {
    return requests.transitionRequest(this.db(), id, from, to, patch);
  }

  updateRequest(id: string, patch: Partial<Pick<RequestRecord, 'card' | 'dm' | 'details'>>): Promise<void> {
    return requests.updateRequest(this.db(), id, patch);
  }

  insertApproval(approval: ApprovalRecord): Promise<boolean> {
    return requests.insertApproval(this.db(), approval);
  }

  listApprovals(requestId: string): Promise<ApprovalRecord[]> {
    return requests.listApprovals(this.db(), requestId);
  }

  listApprovalsOf(requestIds: readonly string[]): Promise<ApprovalRecord[]> {
    return requests.listApprovalsOf(this.db(), requestIds);
  }

  insertGrant(grant: GrantRecord): Promise<void> {
    return grants.insertGrant(this.db(), grant);
  }

  getGrant(id: string): Promise<GrantRecord | undefined> {
    return grants.getGrant(this.db(), id);
  }

  lockGrant(id: string): Promise<GrantRecord | undefined> {
    return grants.lockGrant(this.db(), this.dialect, id);
  }

  /** A transaction-scoped advisory lock on PostgreSQL, keyed by a 64-bit hash of the name; SQLite needs none. */
  async lockKey(key: string): Promise<void> {
    if (this.dialect !== 'postgres') return;
    await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(this.db());
  }

  findGrants(query: GrantQuery): Promise<GrantRecord[]> {
    return grants.findGrants(this.db(), query);
  }

  transitionGrant(
    id: string,
    from: GrantStatus,
    to: GrantStatus,
    patch?: Parameters<LedgerTx['transitionGrant']>[3],
  ): Promise<boolean> {
    return grants.transitionGrant(this.db(), id, from, to, patch);
  }

  updateGrant(id: string, patch: Parameters<LedgerTx['updateGrant']>[1]): Promise<void> {
    return grants.updateGrant(this.db(), id, patch);
  }

  enqueueJob(job: NewJob): Promise<boolean> {
    return jobs.enqueueJob(this.db(), job, this.now());
  }

  appendAudit(event: AuditEvent): Promise<void> {
    return audit.appendAudit(this.db(), event);
  }

  insertSessionDenial(denial: SessionDenialRecord): Promise<boolean> {
    return sessionDenials.insertSessionDenial(this.db(), denial);
  }

  findSessionDenials(query: SessionDenialQuery): Promise<SessionDenialRecord[]> {
    return sessionDenials.findSessionDenials(this.db(), query);
  }

  updateSessionDenial(id: string, patch: Parameters<LedgerTx['updateSessionDenial']>[1]): Promise<void> {
    return sessionDenials.updateSessionDenial(this.db(), id, patch);
  }

  insertLegacyMigration(migration: LegacyMigrationRecord): Promise<boolean> {
    return legacyMigrations.insertLegacyMigration(this.db(), migration);
  }

  getLegacyMigration(id: string): Promise<LegacyMigrationRecord | undefined> {
    return legacyMigrations.getLegacyMigration(this.db(), id);
  }

  findLegacyMigrations(query: LegacyMigrationQuery): Promise<LegacyMigrationRecord[]> {
    return legacyMigrations.findLegacyMigrations(this.db(), query);
  }

  updateLegacyMigration(
    id: string,
    patch: LegacyMigrationPatch,
    unlessSet?: LegacyMigrationUnset,
  ): Promise<boolean> {
    return legacyMigrations.updateLegacyMigration(this.db(), id, patch, unlessSet);
  }

  insertBreakGlass(record: BreakGlassRecord): Promise<boolean> {
    return breakGlass.insertBreakGlass(this.db(), record);
  }

  getBreakGlass(requestId: string): Promise<BreakGlassRecord | undefined> {
    return breakGlass.getBreakGlass(this.db(), requestId);
  }

  findBreakGlass(query: BreakGlassQuery): Promise<BreakGlassRecord[]> {
    return breakGlass.findBreakGlass(this.db(), query);
  }

  updateBreakGlass(requestId: string, patch: BreakGlassPatch, unlessReviewed?: boolean): Promise<boolean> {
    return breakGlass.updateBreakGlass(this.db(), requestId, patch, unlessReviewed);
  }
}
