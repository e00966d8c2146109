/**
 * Issue 15's mass expiry, smaller: 60 grants over 12 accounts, all ending at the same moment, against the local
 * Identity Center with AWS's rate limits on, through the real scheduler and job runner. Each grant ends once,
 * each assignment is deleted once, none is missed. Not timed (bench/mass-expiry.ts measures the full size).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/access/clock.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { startAccessHarness, type AccessHarness } from '../support/access-harness.js';
import { testCredentials } from '../support/aws-clients.js';
import {
  assignmentsLeft,
  deletionsByAssignment,
  massExpirySeed,
  seedMassExpiryGrants,
} from '../support/mass-expiry.js';

const SIZE = { grants: 60, accounts: 12 };

let h: AccessHarness | undefined;
let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await h?.close();
  await emulator?.close();
  h = undefined;
  emulator = undefined;
});

describe('mass expiry', () => {
  it('ends each grant once, with one DeleteAccountAssignment per assignment, with the rate limits on', async () => {
    emulator = await startEmulator({
      credentials: [testCredentials],
      seed: massExpirySeed(SIZE),
      rateLimits: true,
      faults: { provisioningDelayMs: 40 },
    });
    const clock = new ManualClock(Date.now());
    h = await startAccessHarness({ emulator, clock });
    const endsAt = new Date(clock.now().getTime() + 60_000);
    const ids = await seedMassExpiryGrants(h.ledger, emulator.state, SIZE, endsAt);
    expect(assignmentsLeft(emulator.state, SIZE)).toBe(SIZE.grants);

    // Before the end: nothing is removed.
    await h.scheduler.tick();
    expect(deletionsByAssignment(emulator.calls).size).toBe(0);

    // The minute passes: every grant falls due at once. Ticks (and the time a retry waits) until all have ended.
    clock.set(new Date(endsAt.getTime() + 1));
    for (let round = 0; round < 50; round += 1) {
      await h.scheduler.tick();
      const ended = await h.ledger.findGrants({ statuses: ['ended'] });
      if (ended.length === SIZE.grants) break;
      clock.advance(5 * 60_000);
    }

    const grants = await Promise.all(ids.map((id) => h!.ledger.getGrant(id)));
    expect(grants.map((g) => g?.status)).toEqual(ids.map(() => 'ended'));
    expect(new Set(grants.map((g) => g?.endReason))).toEqual(new Set(['expired']));

    // None twice: AWS accepted exactly one deletion for each assignment; none missed: none is left.
    const deletions = deletionsByAssignment(emulator.calls);
    expect(deletions.size).toBe(SIZE.grants);
    expect([...deletions.values()].every((n) => n === 1)).toBe(true);
    expect(assignmentsLeft(emulator.state, SIZE)).toBe(0);

    // And each grant's end recorded once.
    for (const id of ids) {
      const audit = await h.ledger.listAudit({ grantId: id });
      expect(audit.filter((a) => a.action === 'grant.expired')).toHaveLength(1);
      expect(audit.filter((a) => a.action === 'aws.assignment.deleted')).toHaveLength(1);
    }
    // The rate limits were on: the emulator would have throttled what went past them.
    expect(emulator.calls.filter((c) => c.service === 'sso-admin').length).toBeGreaterThan(SIZE.grants);
  }, 120_000);
});
