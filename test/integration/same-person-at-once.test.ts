/**
 * One person asks for the same thing once, even from two Slack accounts at the same instant on two replicas: the
 * look for an open request and the write that follows it are held by the person (their Identity Center user) and
 * the target, on a SQLite file and on PostgreSQL, for access, group memberships and break-glass alike.
 *
 * To make the two submissions meet where a missing lock would let both through, each transaction waits, right
 * after looking for open requests, until the other has looked too (or a moment has passed: the other is held).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Ledger, LedgerTx } from '../../src/access/ledger.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { exampleConfig, PEOPLE, startAccessHarness, type AccessHarness } from '../support/access-harness.js';
import { testCredentials } from '../support/aws-clients.js';
import { withBreakGlass } from '../support/break-glass-config.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { FakeSlackPeople } from '../support/recording-notifier.js';
import { rendezvous } from './store-fixtures.js';

/** Second Slack accounts, not in `people:`, matched by their profile email. */
const JAY_AGAIN = 'U0000JAY02';
const OMAR_AGAIN = 'U0000OMAR2';
const people = () =>
  new FakeSlackPeople({ [JAY_AGAIN]: 'Jay.Junior@example.com', [OMAR_AGAIN]: 'omar.oncall@EXAMPLE.com' });

interface Place {
  name: string;
  /** Options that put a harness on the database; `shared`: a second replica may open it too. */
  open(): Promise<{ where: { dbPath: string } | { dbUrl: string }; shared: boolean }>;
}

const databases: TestDatabase[] = [];
const places: Place[] = [
  {
    // One replica: a SQLite file has one writer at a time, and one process's connection runs its transactions
    // one after the other, so the two accounts' submissions meet on the same ledger.
    name: 'a SQLite file',
    open: () =>
      Promise.resolve({
        where: { dbPath: path.join(mkdtempSync(path.join(tmpdir(), 'same-person-')), 'l.db') },
        shared: false,
      }),
  },
  {
    name: 'PostgreSQL, two replicas',
    open: async () => {
      const database = await createTestDatabase();
      databases.push(database);
      return { where: { dbUrl: database.url }, shared: true };
    },
  },
];

let replicas: AccessHarness[] = [];
let emulator: RunningEmulator | undefined;
afterEach(async () => {
  for (const r of replicas) await r.close();
  replicas = [];
  await emulator?.close();
  emulator = undefined;
  await Promise.all(databases.splice(0).map((d) => d.drop()));
});

/** Each transaction of `ledger` waits at `meet` right after it looked for open requests. */
function meetAfterLooking(ledger: Ledger, meet: () => Promise<void>): void {
  const transaction = ledger.transaction.bind(ledger);
  ledger.transaction = <T>(work: (tx: LedgerTx) => Promise<T>): Promise<T> =>
    transaction((tx) =>
      work(
        new Proxy(tx, {
          get(target, key) {
            const value: unknown = Reflect.get(target, key);
            if (typeof value !== 'function') return value;
            const bound = (value as (...args: unknown[]) => unknown).bind(target);
            if (key !== 'findRequests') return bound;
            return async (...args: unknown[]) => {
              const found = await bound(...args);
              await meet();
              return found;
            };
          },
        }),
      ),
    );
}

/** Two replicas on one database (one where it cannot be shared) and one local Identity Center. */
async function twoReplicas(
  place: Place,
  edit?: (yaml: string) => string,
): Promise<[AccessHarness, AccessHarness]> {
  emulator = await startEmulator({ credentials: [testCredentials], rateLimits: false });
  const { where, shared } = await place.open();
  const config = exampleConfig(edit);
  const first = await startAccessHarness({ ...where, emulator, config, people: people() });
  const second = shared ? await startAccessHarness({ ...where, emulator, config, people: people() }) : first;
  replicas = shared ? [first, second] : [first];
  const meet = rendezvous(2, 500);
  meetAfterLooking(first.ledger, meet);
  if (shared) meetAfterLooking(second.ledger, meet);
  return [first, second];
}

describe.each(places)('one person, two Slack accounts, the same instant, on $name', (place) => {
  it('records one of two requests for the same access and refuses the other, naming the first', async () => {
    const [a, b] = await twoReplicas(place);
    const ask = { permissionSet: 'InsightsDeveloper', accounts: ['staging'], reason: 'dashboards' };
    const results = await Promise.all([
      a.service.submitAccessRequest({ ...ask, requesterSlackId: PEOPLE.jay }),
      b.service.submitAccessRequest({ ...ask, requesterSlackId: JAY_AGAIN }),
    ]);

    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const refused = results.find((r) => !r.ok);
    expect(refused).toMatchObject({ ok: false, code: 'already_requested' });
    const recorded = await a.ledger.findRequests({});
    expect(recorded).toHaveLength(1);
    expect(refused?.ok === false && refused.message).toContain(`(${recorded[0]!.id}, pending)`);
  });

  it('records one of two requests for the same group and refuses the other', async () => {
    const [a, b] = await twoReplicas(place);
    const ask = { permissionSet: '', accounts: [], group: 'ReadOnly', reason: 'reading the prod logs' };
    const results = await Promise.all([
      a.service.submitAccessRequest({ ...ask, requesterSlackId: PEOPLE.jay }),
      b.service.submitAccessRequest({ ...ask, requesterSlackId: JAY_AGAIN }),
    ]);

    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ ok: false, code: 'already_requested' });
    expect(await a.ledger.findRequests({})).toHaveLength(1);
  });

  it('never leaves an ordinary request to approve beside a break-glass of the same access by the same person', async () => {
    const [a, b] = await twoReplicas(place, withBreakGlass());
    const what = { permissionSet: 'AdministratorAccess', reason: 'INC-4711 payments are down' };
    await Promise.all([
      a.breakGlass.submit({
        ...what,
        account: 'prod',
        duration: { kind: 'for', ms: 60 * 60_000 },
        requesterSlackId: PEOPLE.omar,
      }),
      b.service.submitAccessRequest({ ...what, accounts: ['prod'], requesterSlackId: OMAR_AGAIN }),
    ]);

    const requests = await a.ledger.findRequests({});
    // Either the break-glass came first and the request was refused, or it came second and cancelled it.
    expect(requests.filter((r) => r.status !== 'cancelled')).toHaveLength(1);
    expect(await a.ledger.findBreakGlass({})).toHaveLength(1);
  });
});
