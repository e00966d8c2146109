/**
 * The ledger's break-glass uses, on SQLite and on PostgreSQL: what the per-day limit counts, what the reminders
 * and the audit find unreviewed, and a review that counts once when two approvers press at once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BreakGlassRecord } from '../../src/access/break-glass-ledger.js';
import type { Ledger } from '../../src/access/ledger.js';
import type { SqlLedger } from '../../src/store/index.js';
import { HOUR, MINUTE, T0, at, backends, rendezvous, sharedBackends } from './store-fixtures.js';

const aUse = (overrides: Partial<BreakGlassRecord> = {}): BreakGlassRecord => ({
  requestId: 'R-GLASS1',
  userId: 'user-omar',
  requesterSlackId: 'U_OMAR',
  createdAt: T0,
  securityCard: null,
  reviewedBy: null,
  reviewedAt: null,
  outcome: null,
  remindedAt: null,
  ...overrides,
});

describe.each(backends())('break-glass uses on $name', (backend) => {
  let ledger: Ledger;
  beforeEach(async () => {
    ledger = await backend.open();
  });
  afterEach(async () => {
    await ledger.close();
    await backend.cleanup();
  });

  it('gives back every field of a use as it was recorded, and records a request’s use once', async () => {
    const full = aUse({
      securityCard: { channel: 'C_SECURITY', ts: '1764000000.000300' },
      reviewedBy: 'U_LENA',
      reviewedAt: at(30 * MINUTE + 7),
      outcome: 'ended',
      remindedAt: at(4 * HOUR),
    });
    expect(await ledger.insertBreakGlass(full)).toBe(true);
    expect(await ledger.insertBreakGlass(aUse({ userId: 'someone-else' }))).toBe(false);
    expect(await ledger.insertBreakGlass(aUse({ requestId: 'R-GLASS2' }))).toBe(true);

    expect(await ledger.getBreakGlass('R-GLASS1')).toEqual(full);
    expect(await ledger.getBreakGlass('R-GLASS2')).toEqual(aUse({ requestId: 'R-GLASS2' }));
    expect(await ledger.getBreakGlass('R-NOPE00')).toBeUndefined();
  });

  it('finds a person’s uses since a moment, oldest first, whichever Slack account made them', async () => {
    await ledger.insertBreakGlass(aUse({ requestId: 'R-LATE01', createdAt: at(23 * HOUR) }));
    await ledger.insertBreakGlass(aUse({ requestId: 'R-OLD001', createdAt: at(-1) }));
    await ledger.insertBreakGlass(
      aUse({ requestId: 'R-EARLY1', createdAt: T0, requesterSlackId: 'U_OMAR_AGAIN' }),
    );
    await ledger.insertBreakGlass(aUse({ requestId: 'R-OTHER1', userId: 'user-sam', createdAt: at(HOUR) }));

    const since = await ledger.findBreakGlass({ userId: 'user-omar', since: T0 });
    expect(since.map((u) => u.requestId)).toEqual(['R-EARLY1', 'R-LATE01']);
    expect(
      (await ledger.findBreakGlass({ requestIds: ['R-OTHER1', 'R-OLD001'] })).map((u) => u.requestId),
    ).toEqual(['R-OLD001', 'R-OTHER1']);
    expect(await ledger.findBreakGlass({ requestIds: [] })).toEqual([]);
  });

  it('lists only the uses nobody has reviewed nor ended', async () => {
    await ledger.insertBreakGlass(aUse({ requestId: 'R-OPEN01' }));
    await ledger.insertBreakGlass(aUse({ requestId: 'R-SEEN01' }));
    await ledger.insertBreakGlass(aUse({ requestId: 'R-ENDED1' }));
    await ledger.updateBreakGlass('R-SEEN01', {
      reviewedBy: 'U_LENA',
      reviewedAt: at(MINUTE),
      outcome: 'reviewed',
    });
    await ledger.updateBreakGlass('R-ENDED1', {
      reviewedBy: 'U_LEO',
      reviewedAt: at(MINUTE),
      outcome: 'ended',
    });

    expect((await ledger.findBreakGlass({ unreviewed: true })).map((u) => u.requestId)).toEqual(['R-OPEN01']);
  });

  it('counts a review once: a second review of a reviewed use changes nothing', async () => {
    await ledger.insertBreakGlass(aUse());
    const review = { reviewedAt: at(MINUTE), outcome: 'reviewed' as const };

    expect(await ledger.updateBreakGlass('R-GLASS1', { ...review, reviewedBy: 'U_LENA' }, true)).toBe(true);
    expect(
      await ledger.updateBreakGlass(
        'R-GLASS1',
        { reviewedBy: 'U_LEO', reviewedAt: at(2 * MINUTE), outcome: 'ended' },
        true,
      ),
    ).toBe(false);

    expect(await ledger.getBreakGlass('R-GLASS1')).toMatchObject({
      reviewedBy: 'U_LENA',
      outcome: 'reviewed',
    });
  });

  it('moves the security channel’s copy and the last reminder without touching the review', async () => {
    await ledger.insertBreakGlass(aUse());
    expect(
      await ledger.updateBreakGlass('R-GLASS1', {
        securityCard: { channel: 'C_SECURITY', ts: '1.2' },
        remindedAt: at(4 * HOUR),
      }),
    ).toBe(true);
    expect(await ledger.updateBreakGlass('R-GLASS1', {})).toBe(false);
    expect(await ledger.updateBreakGlass('R-NOPE00', { remindedAt: at(HOUR) })).toBe(false);

    expect(await ledger.getBreakGlass('R-GLASS1')).toEqual(
      aUse({ securityCard: { channel: 'C_SECURITY', ts: '1.2' }, remindedAt: at(4 * HOUR) }),
    );
  });
});

describe.each(sharedBackends())('the per-day limit across two replicas on $name', (backend) => {
  let first: SqlLedger | undefined;
  let second: SqlLedger | undefined;
  afterEach(async () => {
    await first?.close();
    await second?.close();
    first = second = undefined;
    await backend.cleanup();
  });

  it('lets one of two uses made at the same moment through, holding the person', async () => {
    first = await backend.open();
    second = await backend.reopen();
    const meet = rendezvous(2);
    // What BreakGlass.record does: hold the person, count the last 24 hours, then record.
    const breakGlass = (ledger: SqlLedger, requestId: string) =>
      ledger
        .transaction(async (tx) => {
          await tx.lockKey?.('break-glass:user-omar');
          const used = await tx.findBreakGlass({ userId: 'user-omar', since: at(-24 * HOUR) });
          await meet();
          if (used.length >= 1) return false;
          return tx.insertBreakGlass(aUse({ requestId }));
        })
        .catch(() => false);

    const results = await Promise.all([breakGlass(first, 'R-FIRST1'), breakGlass(second, 'R-SECND1')]);

    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await first.findBreakGlass({ userId: 'user-omar' })).toHaveLength(1);
  });
});
