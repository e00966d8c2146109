import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createLedger, migrateToLatest, openDatabase, SqlLedger } from '../../src/store/index.js';
import { createTestDatabase, urlFor } from '../support/postgres.js';
import {
  HOUR,
  T0,
  aGrant,
  aJob,
  aRequest,
  at,
  backends,
  fileBackend,
  sharedBackends,
} from './store-fixtures.js';

const ALL_MIGRATIONS = [
  '2026-11-24-001-core-ledger',
  '2026-12-06-001-audit-feed',
  '2026-12-07-001-job-rerun',
  '2026-12-07-002-replicas',
  '2026-12-07-003-session-denials',
  '2026-12-08-001-legacy-migrations',
  '2026-12-09-001-break-glass',
  '2026-12-09-002-group-grants',
  '2026-12-09-003-scheduled-access',
  '2026-12-09-004-home-views',
  '2026-12-10-002-job-lanes',
  '2026-12-10-003-ledger-indexes',
];

describe.each(sharedBackends())('the ledger database on $name', (backend) => {
  afterEach(() => backend.cleanup());

  it('keeps everything across a reopen, and migrating again changes nothing', async () => {
    const first = await backend.open();
    await first.insertRequest(aRequest());
    await first.insertGrant(aGrant({ status: 'active', endsAt: at(HOUR) }));
    await first.enqueueJob(aJob());
    await first.appendAudit({ at: T0, actor: 'U_REQ', action: 'request.submitted', requestId: 'R-AAAAAA' });
    await first.close();

    const second = await backend.reopen();
    try {
      expect(await second.getRequest('R-AAAAAA')).toEqual(aRequest());
      expect(await second.getGrant('G-1')).toEqual(aGrant({ status: 'active', endsAt: at(HOUR) }));
      expect(await second.findRequests({ approverSlackId: 'U_A2' })).toHaveLength(1);
      expect(await second.enqueueJob(aJob())).toBe(false);
      await second.appendAudit({ at: T0, actor: 'system', action: 'second' });
      expect((await second.listAudit({})).map((e) => e.action)).toEqual(['request.submitted', 'second']);
    } finally {
      await second.close();
    }
  });

  it('refuses to start on a schema a newer version migrated, naming the migration it does not know, and changes nothing', async () => {
    const first = await backend.open();
    await first.insertRequest(aRequest());
    await first.close();
    const db = openDatabase('url' in backend ? { url: backend.url() } : { path: backend.path() });
    try {
      await sql`insert into kysely_migration (name, timestamp) values ('2099-01-01-001-from-the-future', '2099-01-01T00:00:00.000Z')`.execute(
        db,
      );
    } finally {
      await db.destroy();
    }

    await expect(backend.reopen()).rejects.toThrow(
      /migrated by a newer version of access-desk \(migration 2099-01-01-001-from-the-future is unknown to this one/,
    );
  });
});

describe('the ledger database in a file', () => {
  const backend = fileBackend();
  afterEach(() => backend.cleanup());

  it('opens the file in WAL mode with foreign keys enforced, and reports no migration left to run', async () => {
    await (await backend.open()).close();
    const db = openDatabase({ path: backend.path() });
    try {
      const journal = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db);
      const keys = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
      expect(journal.rows[0]?.journal_mode).toBe('wal');
      expect(keys.rows[0]?.foreign_keys).toBe(1);
      expect(await migrateToLatest(db)).toEqual([]);
    } finally {
      await db.destroy();
    }
  });
});

describe('a new ledger database', () => {
  it('runs each migration once, in order', async () => {
    const db = openDatabase({ path: ':memory:' });
    try {
      expect(await migrateToLatest(db)).toEqual(ALL_MIGRATIONS);
      expect(await migrateToLatest(db)).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  it('on PostgreSQL, is migrated once when four replicas start at the same moment', async () => {
    const database = await createTestDatabase();
    const replicas = Array.from({ length: 4 }, () => openDatabase({ url: database.url }));
    try {
      const ran = await Promise.all(replicas.map((db) => migrateToLatest(db)));
      expect(ran.flat().sort()).toEqual(ALL_MIGRATIONS);
      expect(ran.filter((names) => names.length > 0)).toHaveLength(1);
      const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
        replicas[0]!,
      );
      expect(rows.rows.map((r) => r.name)).toEqual(ALL_MIGRATIONS);
    } finally {
      await Promise.all(replicas.map((db) => db.destroy()));
      await database.drop();
    }
  });

  it('on PostgreSQL, records a click before its ack while every connection of the work pool is busy', async () => {
    const database = await createTestDatabase();
    const ledger = await createLedger({ url: database.url, poolSize: 2 });
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    try {
      // The work of a burst holds both of the pool's connections.
      const busy = [1, 2].map(() =>
        ledger.transaction(async (tx) => {
          await tx.getRequest('R-AAAAAA');
          await held;
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 50));

      const recorded = await ledger.insertClaimedJob(
        aJob({ kind: 'decide', dedupeKey: 'click:1' }),
        'w1',
        T0,
        HOUR,
      );
      expect(recorded).toMatchObject({ kind: 'decide', status: 'running', leaseOwner: 'w1' });

      release();
      await Promise.all(busy);
    } finally {
      release();
      await ledger.close();
      await database.drop();
    }
  });

  it('on PostgreSQL, names the server and what to check when the password is wrong, without printing it', async () => {
    const url = new URL(urlFor('postgres'));
    url.password = 'not-the-password-x7';
    const opened = createLedger({ url: url.toString() });
    await expect(opened).rejects.toThrow(
      /refused the login .*check the user, and the password in DATABASE_URL or PGPASSWORD/,
    );
    await expect(opened).rejects.not.toThrow(/not-the-password-x7/);
    await expect(opened).rejects.toThrow(/postgres:\/\/postgres:\*\*\*@127\.0\.0\.1/);
  });

  it('on PostgreSQL, says the database does not exist, and that a server nobody listens on cannot be reached', async () => {
    await expect(createLedger({ url: urlFor('no_such_database_here') })).rejects.toThrow(
      /database "no_such_database_here" does not exist: create it/,
    );
    const closed = new URL(urlFor('postgres'));
    closed.port = '1';
    await expect(createLedger({ url: closed.toString() })).rejects.toThrow(
      /cannot reach PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/postgres \(ECONNREFUSED\)/,
    );
  });

  it('on PostgreSQL, refuses sslmode=verify-full against a server that offers no TLS, saying TLS failed', async () => {
    const url = new URL(urlFor('postgres'));
    url.searchParams.set('sslmode', 'verify-full');
    await expect(createLedger({ url: url.toString() })).rejects.toThrow(/TLS|SSL/);
  });

  it('stores every time as fixed-width ISO 8601 UTC text, so text order is time order', async () => {
    const db = openDatabase({ path: ':memory:' });
    await migrateToLatest(db);
    const ledger = new SqlLedger(db);
    try {
      await ledger.insertRequest(aRequest({ createdAt: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)) }));
      const row = await db
        .selectFrom('requests')
        .select(['created_at', 'lapses_at'])
        .executeTakeFirstOrThrow();
      expect(row.created_at).toBe('2026-01-02T03:04:05.006Z');
      await expect(ledger.appendAudit({ at: new Date(Number.NaN), actor: 'x', action: 'y' })).rejects.toThrow(
        /invalid Date/,
      );
      await expect(
        ledger.appendAudit({ at: new Date(Date.UTC(10000, 0, 1)), actor: 'x', action: 'y' }),
      ).rejects.toThrow(/out of the ledger's range/);
    } finally {
      await ledger.close();
    }
  });

  it('enforces that grants and approvals belong to a request', async () => {
    const ledger = await createLedger({ path: ':memory:' });
    try {
      await expect(ledger.insertGrant(aGrant({ requestId: 'R-NONE00' }))).rejects.toThrow(/FOREIGN KEY/);
    } finally {
      await ledger.close();
    }
  });
});

describe.each(backends())('the ledger on $name', (backend) => {
  afterEach(() => backend.cleanup());

  it('answers a ping while open and refuses work once closed', async () => {
    const ledger = await backend.open();
    await expect(ledger.ping()).resolves.toBeUndefined();

    await ledger.close();

    await expect(ledger.ping()).rejects.toThrow();
  });

  it('caches, replaces and forgets a Slack user identity', async () => {
    const ledger = await backend.open();
    try {
      expect(await ledger.getIdentity('U_REQ')).toBeUndefined();

      await ledger.putIdentity({
        slackUserId: 'U_REQ',
        email: 'dev@example.com',
        userId: 'user-1',
        resolvedAt: T0,
      });
      await ledger.putIdentity({
        slackUserId: 'U_REQ',
        email: 'dev@new.example.com',
        userId: 'user-9',
        resolvedAt: at(HOUR),
      });
      expect(await ledger.getIdentity('U_REQ')).toEqual({
        slackUserId: 'U_REQ',
        email: 'dev@new.example.com',
        userId: 'user-9',
        resolvedAt: at(HOUR),
      });

      await ledger.forgetIdentity('U_REQ');
      expect(await ledger.getIdentity('U_REQ')).toBeUndefined();
    } finally {
      await ledger.close();
    }
  });
});
