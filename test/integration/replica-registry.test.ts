/**
 * Replicas on one ledger count each other, so that each keeps to its share of AWS's limits: two replicas each
 * keep to half, a replica that stops hands its share back at once, and one that dies is counted out after
 * three silent beats.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/access/clock.js';
import { ReplicaRegistry } from '../../src/access/replicas.js';
import { AwsLimiter } from '../../src/aws/limiter.js';
import { silentLogger } from '../../src/log.js';
import type { SqlLedger } from '../../src/store/index.js';
import { sharedBackends } from './store-fixtures.js';

const BEAT = 5_000;

describe.each(sharedBackends())('replicas on $name', (backend) => {
  const opened: SqlLedger[] = [];
  afterEach(async () => {
    for (const ledger of opened.splice(0)) await ledger.close();
    await backend.cleanup();
  });

  async function replica(clock: ManualClock, id: string) {
    const ledger = opened.length === 0 ? await backend.open() : await backend.reopen();
    opened.push(ledger);
    const limiter = new AwsLimiter();
    const registry = new ReplicaRegistry({
      ledger,
      clock,
      logger: silentLogger,
      id,
      beatMs: BEAT,
      onCount: (n) => limiter.shareAmong(n),
    });
    return { limiter, registry };
  }

  it('each keeps to half of AWS’s limits while two run, and the survivor takes the whole when the other stops', async () => {
    const clock = new ManualClock();
    const one = await replica(clock, 'replica-1');
    const two = await replica(clock, 'replica-2');

    expect(await one.registry.start()).toBe(1);
    expect(await two.registry.start()).toBe(2);
    await one.registry.beat();
    expect([one.limiter.sharedAmong, two.limiter.sharedAmong]).toEqual([2, 2]);
    expect(one.limiter.assignmentCreations.permits).toBe(7);

    await two.registry.stop();
    await one.registry.beat();
    expect(one.limiter.sharedAmong).toBe(1);
    expect(one.limiter.assignmentCreations.permits).toBe(15);
    await one.registry.stop();
  });

  it('counts out a replica that died once it has been silent for three beats', async () => {
    const clock = new ManualClock();
    const one = await replica(clock, 'replica-1');
    const dead = await replica(clock, 'replica-dead');
    await dead.registry.beat(); // then killed: it never beats again, nor says it stopped
    await one.registry.beat();
    expect(one.limiter.sharedAmong).toBe(2);

    clock.advance(3 * BEAT - 1);
    await one.registry.beat();
    expect(one.limiter.sharedAmong).toBe(2);
    clock.advance(2);
    await one.registry.beat();
    expect(one.limiter.sharedAmong).toBe(1);
  });
});
