/**
 * The ledger's reads behind `/access pending`, the Home tab and expiry find their rows through indexes: the plan
 * of every statement each one runs (recorded as the product's Ledger calls send it) reads no big table whole.
 * SQLite is asked as the product opens it (no statistics gathered); PostgreSQL after ANALYZE, as autovacuum
 * leaves a loaded database. The times of the same reads at 1,000,000 audit events are bench/ledger.ts's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEDGER_READS, queryContext, type LedgerRead, type QueryContext } from '../support/ledger-queries.js';
import {
  LEDGER_SMALL,
  seededPostgres,
  seededSqlite,
  type RanStatement,
  type SeededLedger,
} from '../support/ledger-seed.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

/**
 * The tables that grow with the organisation's history: none may be read whole. (home_views, a row per person,
 * and break_glass, a row per break-glass use, are a few hundred rows here: PostgreSQL rightly reads them whole
 * at this size, and SQLite, which plans without statistics, is held to an index for them too.)
 */
const BIG_TABLES = new Set([
  'grants',
  'audit_events',
  'requests',
  'request_approvers',
  'approvals',
  'jobs',
  'session_denials',
]);

interface PlanBackend {
  name: string;
  open(): Promise<SeededLedger>;
  /** What each statement's plan does wrong: a big table read whole, or no index used at all. */
  faults(ledger: SeededLedger, statement: RanStatement): Promise<string[]>;
  /** The indexes the plans of these statements use. */
  used(ledger: SeededLedger, statements: readonly RanStatement[]): Promise<Set<string>>;
  /** The indexes this database is expected to choose for a read (none named: no whole-table read is enough). */
  expected(read: LedgerRead): readonly string[];
  cleanup(): Promise<void>;
}

function sqlite(): PlanBackend {
  let dir: string | undefined;
  return {
    name: 'SQLite',
    open: () => {
      dir = mkdtempSync(join(tmpdir(), 'access-desk-ledger-indexes-'));
      return seededSqlite(join(dir, 'ledger.db'), LEDGER_SMALL);
    },
    async faults({ db }, statement) {
      const plan = await db.executeQuery<{ detail: string }>(
        CompiledQuery.raw(`explain query plan ${statement.sql}`, [...statement.parameters]),
      );
      const details = plan.rows.map((r) => r.detail);
      // "SCAN t" reads a table whole, "SCAN t USING INDEX i" a whole index; SEARCH seeks with a constraint.
      const faults = details.filter((d) => /^SCAN /.test(d)).map((d) => `${d} in ${statement.sql}`);
      if (!details.some((d) => /^SEARCH /.test(d))) faults.push(`no index searched in ${statement.sql}`);
      return faults;
    },
    expected: (read) => read.indexes,
    async used({ db }, statements) {
      const found = new Set<string>();
      for (const statement of statements) {
        const plan = await db.executeQuery<{ detail: string }>(
          CompiledQuery.raw(`explain query plan ${statement.sql}`, [...statement.parameters]),
        );
        for (const { detail } of plan.rows) {
          const index = /^SEARCH .*?USING (?:COVERING )?INDEX (\S+)/.exec(detail)?.[1];
          if (index !== undefined) found.add(index);
        }
      }
      return found;
    },
    cleanup: () => {
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

interface PgPlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PgPlanNode[];
}

/** Every node of the plan PostgreSQL makes for a statement, with its values (as the product's is planned). */
async function postgresPlan(db: SeededLedger['db'], statement: RanStatement): Promise<PgPlanNode[]> {
  const plan = await db.executeQuery<{ 'QUERY PLAN': { Plan: PgPlanNode }[] }>(
    CompiledQuery.raw(`explain (format json) ${statement.sql}`, [...statement.parameters]),
  );
  const nodes: PgPlanNode[] = [];
  const walk = (node: PgPlanNode): void => {
    nodes.push(node);
    node.Plans?.forEach(walk);
  };
  walk(plan.rows[0]!['QUERY PLAN'][0]!.Plan);
  return nodes;
}

function postgres(): PlanBackend {
  let database: TestDatabase | undefined;
  return {
    name: 'PostgreSQL',
    open: async () => {
      database = await createTestDatabase();
      return seededPostgres(database.url, LEDGER_SMALL);
    },
    async faults({ db }, statement) {
      const nodes = await postgresPlan(db, statement);
      const faults: string[] = [];
      for (const node of nodes) {
        const table = node['Relation Name'];
        if (table === undefined || !BIG_TABLES.has(table)) continue;
        const type = node['Node Type'];
        if (type === 'Seq Scan') faults.push(`Seq Scan on ${table} in ${statement.sql}`);
        // An index read from end to end (no condition) is a whole table in another order.
        if ((type === 'Index Scan' || type === 'Index Only Scan') && node['Index Cond'] === undefined)
          faults.push(`${type} of ${node['Index Name']} without a condition in ${statement.sql}`);
      }
      const big = nodes.some((n) => n['Relation Name'] !== undefined && BIG_TABLES.has(n['Relation Name']));
      if (big && !nodes.some((n) => n['Index Name'] !== undefined))
        faults.push(`no index used in ${statement.sql}`);
      return faults;
    },
    expected: (read) => read.postgresIndexes ?? [],
    async used({ db }, statements) {
      const found = new Set<string>();
      for (const statement of statements) {
        for (const node of await postgresPlan(db, statement)) {
          if (node['Index Name'] !== undefined) found.add(node['Index Name']);
        }
      }
      return found;
    },
    cleanup: () => database?.drop() ?? Promise.resolve(),
  };
}

describe.each([sqlite(), postgres()])("the ledger's reads at scale on $name", (backend) => {
  let seeded: SeededLedger;
  let context: QueryContext;

  beforeAll(async () => {
    seeded = await backend.open();
    context = await queryContext(seeded.ledger);
  }, 180_000);

  afterAll(async () => {
    await seeded?.close();
    await backend.cleanup();
  });

  for (const read of LEDGER_READS) {
    it(`${read.name}, through an index`, async () => {
      seeded.ran.length = 0;
      await read.run(seeded.ledger, context);
      const statements = [...seeded.ran];
      expect(statements.length).toBeGreaterThan(0);
      const faults: string[] = [];
      for (const statement of statements) faults.push(...(await backend.faults(seeded, statement)));
      expect(faults).toEqual([]);
      const used = await backend.used(seeded, statements);
      expect([...used]).toEqual(expect.arrayContaining([...backend.expected(read)]));
    });
  }
});
