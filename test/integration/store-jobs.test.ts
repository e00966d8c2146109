import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../src/access/ledger.js';
import type { SqlLedger } from '../../src/store/index.js';
import { MINUTE, T0, aJob, at, backends, sharedBackends } from './store-fixtures.js';

const LEASE = 5 * MINUTE;

describe.each(backends())('the job queue on $name', (backend) => {
  let ledger: SqlLedger;
  beforeEach(async () => {
    ledger = await backend.open();
  });
  afterEach(async () => {
    await ledger.close();
    await backend.cleanup();
  });

  it('keeps every field of an enqueued job', async () => {
    expect(
      await ledger.enqueueJob(
        aJob({
          kind: 'end_grant',
          grantId: 'G-1',
          payload: { reason: 'expired', ids: [1, 2] },
          runAt: at(MINUTE),
        }),
      ),
    ).toBe(true);
    await ledger.enqueueJob({ kind: 'notify', runAt: T0, dedupeKey: 'notify:bare' });

    const [bare, full] = await ledger.findJobs({});
    expect(full).toEqual({
      id: expect.any(String) as string,
      kind: 'end_grant',
      status: 'queued',
      requestId: 'R-AAAAAA',
      grantId: 'G-1',
      payload: { reason: 'expired', ids: [1, 2] },
      runAt: at(MINUTE),
      dedupeKey: 'card:R-AAAAAA',
      attempts: 0,
      leaseOwner: null,
      leaseUntil: null,
      lastError: null,
      createdAt: T0,
    } satisfies JobRecord);
    expect(bare).toMatchObject({ requestId: null, grantId: null, payload: {} });
  });

  it('enqueues a key once while its job is queued or running, and again once it is done', async () => {
    expect(await ledger.enqueueJob(aJob())).toBe(true);
    expect(await ledger.enqueueJob(aJob())).toBe(false);
    const claimed = await ledger.claimJob('w1', T0, LEASE);
    expect(await ledger.enqueueJob(aJob())).toBe(false);

    await ledger.completeJob(claimed!.id, 'w1');

    expect(await ledger.enqueueJob(aJob())).toBe(true);
    expect((await ledger.findJobs({})).map((j) => j.status).sort()).toEqual(['done', 'queued']);
  });

  it('enqueues a key again once its job has failed for good', async () => {
    await ledger.enqueueJob(aJob());
    const claimed = await ledger.claimJob('w1', T0, LEASE);

    await ledger.releaseJob(claimed!.id, 'w1', 'gave up', null);

    expect(await ledger.enqueueJob(aJob())).toBe(true);
  });

  it('claims nothing before a job is due, and the oldest due job first', async () => {
    await ledger.enqueueJob(aJob({ dedupeKey: 'later', runAt: at(2 * MINUTE) }));
    await ledger.enqueueJob(aJob({ dedupeKey: 'sooner', runAt: at(MINUTE) }));

    expect(await ledger.claimJob('w1', T0, LEASE)).toBeUndefined();
    const first = await ledger.claimJob('w1', at(3 * MINUTE), LEASE);

    expect(first).toMatchObject({
      dedupeKey: 'sooner',
      status: 'running',
      leaseOwner: 'w1',
      leaseUntil: at(3 * MINUTE + LEASE),
      attempts: 0,
    });
    expect((await ledger.claimJob('w1', at(3 * MINUTE), LEASE))?.dedupeKey).toBe('later');
    expect(await ledger.claimJob('w1', at(3 * MINUTE), LEASE)).toBeUndefined();
  });

  it('claims a person’s job before an older expiry when asked for the interactive lane, and the expiry only from the background lane', async () => {
    await ledger.enqueueJob(
      aJob({ kind: 'end_grant', dedupeKey: 'end:G-old', payload: { reason: 'expired' }, runAt: at(MINUTE) }),
    );
    await ledger.enqueueJob(aJob({ kind: 'provision', dedupeKey: 'provision:R-new', runAt: at(2 * MINUTE) }));
    await ledger.enqueueJob(
      aJob({
        kind: 'end_grant',
        dedupeKey: 'end:G-revoked',
        payload: { reason: 'revoked' },
        runAt: at(2 * MINUTE + 1_000),
      }),
    );

    const now = at(3 * MINUTE);
    expect((await ledger.claimJob('w1', now, LEASE, 'interactive'))?.dedupeKey).toBe('provision:R-new');
    expect((await ledger.claimJob('w1', now, LEASE, 'interactive'))?.dedupeKey).toBe('end:G-revoked');
    expect(await ledger.claimJob('w1', now, LEASE, 'interactive')).toBeUndefined();
    expect((await ledger.claimJob('w1', now, LEASE, 'background'))?.dedupeKey).toBe('end:G-old');
  });

  it('never hands the same job to two workers claiming at once', async () => {
    for (let i = 0; i < 10; i++) await ledger.enqueueJob(aJob({ dedupeKey: `job-${i}` }));

    const claims = await Promise.all(
      Array.from({ length: 16 }, (_v, i) => ledger.claimJob(`w${i}`, T0, LEASE)),
    );

    const got = claims.filter((c) => c !== undefined).map((c) => c.id);
    expect(got).toHaveLength(10);
    expect(new Set(got).size).toBe(10);
  });

  it('lets another worker take a job whose lease ran out, and then ignores the first worker', async () => {
    await ledger.enqueueJob(aJob());
    const first = await ledger.claimJob('w1', T0, LEASE);
    expect(await ledger.claimJob('w2', at(LEASE), LEASE)).toBeUndefined();

    const second = await ledger.claimJob('w2', at(LEASE + 1), LEASE);
    expect(second).toMatchObject({ id: first!.id, leaseOwner: 'w2', attempts: 1 });

    await ledger.completeJob(first!.id, 'w1');
    await ledger.releaseJob(first!.id, 'w1', 'late', null);
    expect(await ledger.renewJobLease(first!.id, 'w1', at(LEASE + 2), LEASE)).toBe(false);
    expect((await ledger.findJobs({}))[0]).toMatchObject({
      status: 'running',
      leaseOwner: 'w2',
      lastError: null,
    });

    await ledger.completeJob(first!.id, 'w2');
    expect((await ledger.findJobs({}))[0]).toMatchObject({ status: 'done', leaseOwner: 'w2' });
  });

  it('runs a job once more when it is asked for again while it runs, and only once however often it is asked', async () => {
    const home = aJob({
      kind: 'home',
      dedupeKey: 'home:U_REQ',
      payload: { userId: 'U_REQ' },
      rerunIfRunning: true,
    });
    expect(await ledger.enqueueJob(home)).toBe(true);
    // Queued: asking again changes nothing (it reads the ledger when it runs).
    expect(await ledger.enqueueJob(home)).toBe(false);
    const first = await ledger.claimJob('w1', T0, LEASE);

    expect(await ledger.enqueueJob(home)).toBe(true);
    expect(await ledger.enqueueJob(home)).toBe(true);
    await ledger.completeJob(first!.id, 'w1', at(MINUTE));

    expect(await ledger.findJobs({})).toMatchObject([
      { id: first!.id, status: 'queued', runAt: at(MINUTE), leaseOwner: null },
    ]);
    const again = await ledger.claimJob('w2', at(MINUTE), LEASE);
    expect(again?.id).toBe(first!.id);
    await ledger.completeJob(first!.id, 'w2', at(MINUTE));
    expect(await ledger.findJobs({})).toMatchObject([{ status: 'done', leaseOwner: 'w2' }]);
    // Done frees the key: the next change is a new job.
    expect(await ledger.enqueueJob(home)).toBe(true);
    expect(await ledger.findJobs({ statuses: ['queued'] })).toHaveLength(1);
  });

  it('keeps a job with its worker while the worker renews the lease', async () => {
    await ledger.enqueueJob(aJob());
    const job = await ledger.claimJob('w1', T0, LEASE);

    expect(await ledger.renewJobLease(job!.id, 'w1', at(LEASE - 1), LEASE)).toBe(true);

    expect(await ledger.claimJob('w2', at(LEASE + 1), LEASE)).toBeUndefined();
    expect((await ledger.findJobs({}))[0]?.leaseUntil).toEqual(at(2 * LEASE - 1));
  });

  it('records a job already held by its worker, which no one else takes until the lease runs out', async () => {
    const job = await ledger.insertClaimedJob(
      aJob({ kind: 'decide', dedupeKey: 'click:1', payload: { action: 'approve' } }),
      'w1',
      T0,
      LEASE,
    );
    expect(job).toMatchObject({
      kind: 'decide',
      status: 'running',
      leaseOwner: 'w1',
      leaseUntil: at(LEASE),
      attempts: 0,
      payload: { action: 'approve' },
    });
    expect(await ledger.claimJob('w2', at(LEASE), LEASE)).toBeUndefined();
    expect(await ledger.renewJobLease(job.id, 'w1', at(LEASE - 1), LEASE)).toBe(true);
    expect(await ledger.claimJob('w2', at(LEASE + 1), LEASE)).toBeUndefined();

    const taken = await ledger.claimJob('w2', at(2 * LEASE), LEASE);
    expect(taken).toMatchObject({ id: job.id, leaseOwner: 'w2', attempts: 1 });
  });

  it('refuses to record a held job under a key that is active already', async () => {
    await ledger.enqueueJob(aJob({ dedupeKey: 'click:same' }));
    await expect(
      ledger.insertClaimedJob(aJob({ dedupeKey: 'click:same' }), 'w1', T0, LEASE),
    ).rejects.toThrow();
    expect(await ledger.findJobs({})).toHaveLength(1);
  });

  it('says when the next job falls due: a queued one, or the lease end of one another worker holds', async () => {
    expect(await ledger.nextJobDueAt('w1')).toBeUndefined();
    await ledger.enqueueJob(aJob({ dedupeKey: 'later', runAt: at(10 * MINUTE) }));
    expect(await ledger.nextJobDueAt('w1')).toEqual(at(10 * MINUTE));

    await ledger.insertClaimedJob(aJob({ dedupeKey: 'mine' }), 'w1', T0, MINUTE);
    expect(await ledger.nextJobDueAt('w1')).toEqual(at(10 * MINUTE));
    expect(await ledger.nextJobDueAt('w2')).toEqual(at(MINUTE));
  });

  it('gives a released job back to run later, counting the attempt', async () => {
    await ledger.enqueueJob(aJob());
    const job = await ledger.claimJob('w1', T0, LEASE);

    await ledger.releaseJob(job!.id, 'w1', 'ThrottlingException', at(MINUTE));

    expect((await ledger.findJobs({}))[0]).toMatchObject({
      status: 'queued',
      attempts: 1,
      lastError: 'ThrottlingException',
      runAt: at(MINUTE),
      leaseOwner: null,
      leaseUntil: null,
    });
    expect(await ledger.claimJob('w2', at(MINUTE - 1), LEASE)).toBeUndefined();
    expect(await ledger.claimJob('w2', at(MINUTE), LEASE)).toMatchObject({ id: job!.id, attempts: 1 });
  });

  it('fails a released job for good when there is no next time', async () => {
    await ledger.enqueueJob(aJob());
    const job = await ledger.claimJob('w1', T0, LEASE);

    await ledger.releaseJob(job!.id, 'w1', 'permission set deleted', null);

    expect((await ledger.findJobs({}))[0]).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: 'permission set deleted',
    });
    expect(await ledger.claimJob('w2', at(60 * MINUTE), LEASE)).toBeUndefined();
  });

  it('finds jobs by status, kind and request', async () => {
    await ledger.enqueueJob(aJob({ kind: 'provision', dedupeKey: 'provision:R-1', requestId: 'R-1' }));
    await ledger.enqueueJob(
      aJob({ kind: 'sync_card', dedupeKey: 'card:R-1', requestId: 'R-1', runAt: at(1) }),
    );
    await ledger.enqueueJob(
      aJob({ kind: 'sync_card', dedupeKey: 'card:R-2', requestId: 'R-2', runAt: at(2) }),
    );
    await ledger.claimJob('w1', T0, LEASE);
    const keys = async (query: Parameters<SqlLedger['findJobs']>[0]) =>
      (await ledger.findJobs(query)).map((j) => j.dedupeKey);

    expect(await keys({ statuses: ['running'] })).toEqual(['provision:R-1']);
    expect(await keys({ kind: 'sync_card' })).toEqual(['card:R-1', 'card:R-2']);
    expect(await keys({ requestId: 'R-1', statuses: ['queued'] })).toEqual(['card:R-1']);
    expect(await keys({ statuses: [] })).toEqual([]);
  });
});

describe.each(sharedBackends())('the job queue shared by two replicas on $name', (backend) => {
  afterEach(() => backend.cleanup());

  it('hands out a request’s messages to its requester one at a time, in the order they were made', async () => {
    const one = await backend.open();
    const two = await backend.reopen();
    try {
      const message = (event: string, requestId = 'R-AAAAAA') =>
        aJob({ kind: 'notify', requestId, payload: { event }, dedupeKey: `notify:${requestId}:${event}` });
      await one.enqueueJob(message('approved'));
      await two.enqueueJob(message('active'));
      await one.enqueueJob(message('submitted', 'R-BBBBBB'));
      const [first, second] = (await one.findJobs({ kind: 'notify', requestId: 'R-AAAAAA' })).map(
        (j) => j.id,
      );

      const claims = await Promise.all(
        Array.from({ length: 6 }, (_v, i) => (i % 2 === 0 ? one : two).claimJob(`w${i}`, T0, LEASE)),
      );

      const claimed = claims.filter((c) => c !== undefined);
      expect(claimed.map((c) => c.requestId).sort()).toEqual(['R-AAAAAA', 'R-BBBBBB']);
      const held = claimed.find((c) => c.requestId === 'R-AAAAAA')!;
      expect(held.id).toBe(first);
      await one.completeJob(held.id, held.leaseOwner!, T0);
      expect((await two.claimJob('w9', T0, LEASE))?.id).toBe(second);
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('never hands the same job to both', async () => {
    const one = await backend.open();
    const two = await backend.reopen();
    try {
      for (let i = 0; i < 20; i++) await one.enqueueJob(aJob({ dedupeKey: `job-${i}` }));
      expect(await two.enqueueJob(aJob({ dedupeKey: 'job-0' }))).toBe(false);

      const claims = await Promise.all(
        Array.from({ length: 30 }, (_v, i) => (i % 2 === 0 ? one : two).claimJob(`w${i}`, T0, LEASE)),
      );

      const got = claims.filter((c) => c !== undefined).map((c) => c.id);
      expect(got).toHaveLength(20);
      expect(new Set(got).size).toBe(20);
    } finally {
      await one.close();
      await two.close();
    }
  });
});
