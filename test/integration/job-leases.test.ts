/**
 * Short job leases, renewed while a job runs: one live worker keeps a job, a worker that lost it stops, and a
 * live process takes over a dead one's work as its lease ends (kill -9 of a real process: crash-kill.test.ts).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PEOPLE, startAccessHarness, type AccessHarness } from '../support/access-harness.js';
import { waitFor } from '../support/slack-requests.js';

let h: AccessHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const dbFile = (): string => path.join(mkdtempSync(path.join(tmpdir(), 'access-desk-')), 'ledger.sqlite');
const creations = (harness: AccessHarness) =>
  harness.emulator.calls.filter((c) => c.operation === 'CreateAccountAssignment');

async function pendingRequest(harness: AccessHarness): Promise<string> {
  const submitted = await harness.service.submitAccessRequest({
    requesterSlackId: PEOPLE.sam,
    permissionSet: 'SeniorDeveloper',
    accounts: ['dev'],
  });
  if (!submitted.ok) throw new Error(submitted.message);
  return submitted.value.request.id;
}

describe('job leases', () => {
  it('stop a worker that finds its lease taken from making any further AWS change for that job', async () => {
    h = await startAccessHarness({ dbPath: dbFile(), leaseMs: 400 });
    const id = await pendingRequest(h);
    await h.service.approve(id, PEOPLE.lena);
    // The worker looks at the person's assignments before it creates one: hold that look.
    h.emulator.faults.operationLatencyMs['sso-admin:ListAccountAssignmentsForPrincipal'] = 2_000;
    const draining = h.drain();
    const harness = h;
    await waitFor('the look before the creation', () =>
      harness.emulator.calls.some((c) => c.operation === 'ListAccountAssignmentsForPrincipal'),
    );
    // Meanwhile another worker believes the lease ran out and takes the job.
    const later = new Date(h.clock.now().getTime() + 10 * 60_000);
    let taken;
    do taken = await h.ledger.claimJob('another-worker', later, 60 * 60_000);
    while (taken !== undefined && taken.kind !== 'provision');
    expect(taken?.kind).toBe('provision');

    await draining;
    expect(creations(h)).toHaveLength(0);
    expect(await h.ledger.findJobs({ kind: 'provision' })).toMatchObject([
      { status: 'running', leaseOwner: 'another-worker' },
    ]);
  });

  it('let a live process take over the work of a dead one as its lease ends, not at the next scheduler tick', async () => {
    h = await startAccessHarness({ dbPath: dbFile() });
    const id = await pendingRequest(h);
    await h.service.approve(id, PEOPLE.lena);
    // A worker of another replica claims the provisioning job for a short lease, then dies.
    let claimed;
    do claimed = await h.ledger.claimJob('replica-that-died', h.clock.now(), 300);
    while (claimed !== undefined && claimed.kind !== 'provision');
    expect(claimed?.kind).toBe('provision');

    // The scheduler ticks every 30 s; the dead worker's lease ends 300 ms from now.
    await h.scheduler.start();
    expect((await h.service.view(id))?.request.status).toBe('approved');
    h.clock.advance(1_000);
    const harness = h;
    await waitFor('the grant', () => harness.notifier.eventsFor(id).includes('granted'), {
      tries: 500,
      intervalMs: 10,
    });
    expect((await h.service.view(id))?.request.status).toBe('active');
    expect(creations(h)).toHaveLength(1);
  });
});
