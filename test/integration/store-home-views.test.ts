/**
 * Who looks at their Home tab, on SQLite and on PostgreSQL: an open recorded by one replica makes another
 * replica's change-triggered redraw publish; someone who has not opened it within a day is left to be drawn
 * when they next open it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AccessApi } from '../../src/access/api.js';
import type { InsightApi } from '../../src/access/insight-api.js';
import { silentLogger } from '../../src/log.js';
import type { SqlLedger } from '../../src/store/index.js';
import type { WebClient } from '../../src/slack/client.js';
import { HOME_WATCHED_WITHIN_MS, HomePublisher } from '../../src/slack/home-publisher.js';
import { HOUR, MINUTE, T0, at, backends, sharedBackends } from './store-fixtures.js';

describe.each(backends())('Home tab opens on $name', (backend) => {
  let ledger: SqlLedger | undefined;
  afterEach(async () => {
    await ledger?.close();
    ledger = undefined;
    await backend.cleanup();
  });

  it('finds who opened their Home since a moment, keeping each person’s latest open', async () => {
    ledger = await backend.open();
    await ledger.recordHomeOpened('U_SAM', at(HOUR));
    await ledger.recordHomeOpened('U_SAM', at(MINUTE)); // an older open arriving late changes nothing
    await ledger.recordHomeOpened('U_LENA', at(-HOUR));
    await ledger.recordHomeOpened('U_ADA', at(2 * HOUR));

    expect((await ledger.homeOpenedSince(['U_SAM', 'U_LENA', 'U_JAY'], T0)).sort()).toEqual(['U_SAM']);
    expect(await ledger.homeOpenedSince(['U_SAM'], at(HOUR + 1))).toEqual([]);
    expect((await ledger.homeOpenedSince(['U_SAM', 'U_LENA', 'U_ADA'], at(-HOUR))).sort()).toEqual([
      'U_ADA',
      'U_LENA',
      'U_SAM',
    ]);
    expect(await ledger.homeOpenedSince([], T0)).toEqual([]);
  });
});

describe.each(sharedBackends())('Home tabs across two replicas on $name', (backend) => {
  let first: SqlLedger | undefined;
  let second: SqlLedger | undefined;
  afterEach(async () => {
    await first?.close();
    await second?.close();
    first = second = undefined;
    await backend.cleanup();
  });

  it('redraws, on one replica, the Home a person opened on the other, and only while they opened it within a day', async () => {
    first = await backend.open();
    second = await backend.reopen();
    let now = T0;
    const published: string[] = [];
    let whoisReads = 0;
    const client = {
      views: {
        publish: (args: { user_id: string }) => {
          published.push(args.user_id);
          return Promise.resolve({ ok: true });
        },
      },
    } as unknown as WebClient;
    const sources = {
      access: {
        pending: () => Promise.resolve({ mine: [], awaitingMe: [] }),
        isAdmin: () => false,
      } as unknown as AccessApi,
      insight: {
        myAccess: () => Promise.resolve([]),
        whois: () => {
          whoisReads += 1;
          return Promise.resolve({ ok: false, code: 'aws_unavailable', message: 'not read in this test' });
        },
      } as unknown as InsightApi,
    };
    const publisherOn = (ledger: SqlLedger) => {
      const publisher = new HomePublisher({
        client,
        logger: silentLogger,
        jobs: ledger,
        wake: () => undefined,
        now: () => now,
      });
      publisher.serve(sources);
      return publisher;
    };
    const opening = publisherOn(first);
    const redrawing = publisherOn(second);

    // Nobody opened anything: a change draws nothing and reads nothing.
    await redrawing.publish('U0SAM');
    expect(published).toEqual([]);
    expect(whoisReads).toBe(0);

    // Sam opens his Home on the first replica (it is drawn there); the second replica's redraw now publishes.
    await opening.opened('U0SAM', sources);
    expect(whoisReads).toBe(1);
    await redrawing.publish('U0SAM');
    await redrawing.publish('U0LENA');
    expect(published).toEqual(['U0SAM']);

    // A day later, without his opening it again, a change no longer redraws it.
    now = new Date(T0.getTime() + HOME_WATCHED_WITHIN_MS + 1);
    await redrawing.publish('U0SAM');
    expect(published).toEqual(['U0SAM']);

    await opening.stop();
    await redrawing.stop();
  });
});
