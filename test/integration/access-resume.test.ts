import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PEOPLE, startAccessHarness, type AccessHarness } from '../support/access-harness.js';

let h: AccessHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const dbFile = (): string => path.join(mkdtempSync(path.join(tmpdir(), 'access-desk-')), 'ledger.sqlite');
const creations = (harness: AccessHarness) =>
  harness.emulator.calls.filter((c) => c.operation === 'CreateAccountAssignment');

async function approvedRequest(harness: AccessHarness): Promise<string> {
  const submitted = await harness.service.submitAccessRequest({
    requesterSlackId: PEOPLE.sam,
    permissionSet: 'SeniorDeveloper',
    accounts: ['dev'],
  });
  if (!submitted.ok) throw new Error(submitted.message);
  const approved = await harness.service.approve(submitted.value.request.id, PEOPLE.lena);
  if (!approved.ok) throw new Error(approved.message);
  return submitted.value.request.id;
}

describe('crash and resume', () => {
  it('completes the grant exactly once when the service stops right after an approval', async () => {
    const first = await startAccessHarness({ dbPath: dbFile() });
    const id = await approvedRequest(first);
    h = await first.restart();
    await h.scheduler.tick();
    const view = await h.service.view(id);
    expect(view?.request.status).toBe('active');
    expect(view?.grants.map((g) => g.status)).toEqual(['active']);
    expect(creations(h)).toHaveLength(1);
  });

  it('follows the assignment already submitted when it stops in the middle of provisioning', async () => {
    // The first run gives up waiting long before AWS finishes, as a crash mid-provisioning would leave it.
    const first = await startAccessHarness({
      dbPath: dbFile(),
      provisioningDelayMs: 1_500,
      assignmentTimeoutMs: 100,
    });
    const id = await approvedRequest(first);
    await first.drain();
    const midway = (await first.service.view(id))!;
    expect(midway.request.status).toBe('provisioning');
    expect(midway.grants[0]?.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);

    h = await first.restart({ assignmentTimeoutMs: 10_000 });
    h.clock.advance(60_000); // past the retry wait
    await h.scheduler.tick();
    const view = await h.service.view(id);
    expect(view?.request.status).toBe('active');
    expect(creations(h)).toHaveLength(1);
    expect(h.notifier.eventsFor(id)).toContain('granted');
  });

  it('takes over the job of a worker that died holding it, once its lease runs out', async () => {
    h = await startAccessHarness({ dbPath: dbFile(), leaseMs: 30_000 });
    const id = await approvedRequest(h);
    // A worker on another replica claims the provisioning job, then dies.
    let claimed;
    do claimed = await h.ledger.claimJob('replica-that-died', h.clock.now(), 30_000);
    while (claimed !== undefined && claimed.kind !== 'provision');
    expect(claimed?.kind).toBe('provision');

    await h.scheduler.tick();
    expect((await h.service.view(id))?.request.status).toBe('approved');
    expect(creations(h)).toHaveLength(0);

    h.clock.advance(31_000);
    await h.scheduler.tick();
    expect((await h.service.view(id))?.request.status).toBe('active');
    expect(creations(h)).toHaveLength(1);
  });

  it('ends at start a grant that expired while the service was down', async () => {
    const first = await startAccessHarness({ dbPath: dbFile() });
    const id = await approvedRequest(first);
    await first.drain();
    const grant = (await first.service.view(id))!.grants[0]!;
    first.clock.set(new Date(grant.endsAt!.getTime() + 3_600_000));
    h = await first.restart();
    const report = await h.scheduler.start();
    expect(report.expired).toBe(1);
    expect((await h.service.view(id))?.request.status).toBe('ended');
    expect(h.emulator.calls.filter((c) => c.operation === 'DeleteAccountAssignment')).toHaveLength(1);
  });
});
