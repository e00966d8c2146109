/**
 * What a Home tab reads from Identity Center: the whois report kept for change-triggered redraws (reused while
 * the person's grants are unchanged, for a minute at most, for a bounded number of people), and a Home that is
 * drawn even when its open cannot be recorded.
 */
import { describe, expect, it } from 'vitest';
import type { AccessApi } from '../../src/access/api.js';
import type { InsightApi, WhoisReport } from '../../src/access/insight-api.js';
import { silentLogger } from '../../src/log.js';
import type { WebClient } from '../../src/slack/client.js';
import { HomeReportCache, HOME_REPORT_TTL_MS } from '../../src/slack/home-content.js';
import { HomePublisher } from '../../src/slack/home-publisher.js';

const report = (email: string): WhoisReport => ({ email }) as unknown as WhoisReport;

describe('the Home tab’s cache of whois reports', () => {
  it('gives a report back only for the same grants and for under a minute', () => {
    let now = 0;
    const cache = new HomeReportCache(() => now);
    cache.put('U0SAM', 'G-1:active:2026-12-09T10:00:00.000Z', report('sam'));

    expect(cache.get('U0SAM', 'G-1:active:2026-12-09T10:00:00.000Z')).toEqual(report('sam'));
    expect(cache.get('U0LENA', 'G-1:active:2026-12-09T10:00:00.000Z')).toBeUndefined();
    // An extension moved the grant's end: read again.
    expect(cache.get('U0SAM', 'G-1:active:2026-12-09T22:00:00.000Z')).toBeUndefined();

    cache.put('U0SAM', '', report('sam'));
    now = HOME_REPORT_TTL_MS - 1;
    expect(cache.get('U0SAM', '')).toEqual(report('sam'));
    now = HOME_REPORT_TTL_MS;
    expect(cache.get('U0SAM', '')).toBeUndefined();
  });

  it('keeps a bounded number of people, dropping the one read longest ago', () => {
    const cache = new HomeReportCache(() => 0, HOME_REPORT_TTL_MS, 2);
    cache.put('U0SAM', '', report('sam'));
    cache.put('U0LENA', '', report('lena'));
    cache.put('U0SAM', '', report('sam again')); // read again: now the newest
    cache.put('U0ADA', '', report('ada'));

    expect(cache.get('U0LENA', '')).toBeUndefined();
    expect(cache.get('U0SAM', '')).toEqual(report('sam again'));
    expect(cache.get('U0ADA', '')).toEqual(report('ada'));
  });
});

describe('opening the Home tab', () => {
  it('draws it, fresh, even when the ledger cannot record the open', async () => {
    let reads = 0;
    const publisher = new HomePublisher({
      client: {} as WebClient,
      logger: silentLogger,
      jobs: {
        enqueueJob: () => Promise.resolve(true),
        recordHomeOpened: () => Promise.reject(new Error('database is locked')),
        homeOpenedSince: () => Promise.resolve([]),
      },
      wake: () => undefined,
    });
    const sources = {
      access: {
        pending: () => Promise.resolve({ mine: [], awaitingMe: [] }),
        isAdmin: () => false,
      } as unknown as AccessApi,
      insight: {
        myAccess: () => Promise.resolve([]),
        whois: () => {
          reads += 1;
          return Promise.resolve({ ok: false, code: 'aws_unavailable', message: 'Identity Center is slow' });
        },
      } as unknown as InsightApi,
    };

    const first = await publisher.opened('U0SAM', sources);
    await publisher.opened('U0SAM', sources);

    expect(first.type).toBe('home');
    expect(JSON.stringify(first.blocks)).toContain('Identity Center is slow');
    expect(reads).toBe(2);
  });
});
