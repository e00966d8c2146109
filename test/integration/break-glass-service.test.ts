/**
 * Break-glass in the access layer, on a SQLite file and the emulator: the command recorded before its ack and
 * run again (after a crash, or twice at once) takes access once, and two approvers pressing at once review once.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exampleConfig, PEOPLE, startAccessHarness, type AccessHarness } from '../support/access-harness.js';
import { withBreakGlass } from '../support/break-glass-config.js';

let h: AccessHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const LEASE = 60_000;
const dbFile = (): string => path.join(mkdtempSync(path.join(tmpdir(), 'access-desk-')), 'ledger.sqlite');
const creations = (harness: AccessHarness) =>
  harness.emulator.calls.filter((c) => c.operation === 'CreateAccountAssignment');

const BREAK_GLASS = {
  permissionSet: 'AdministratorAccess',
  account: 'prod',
  duration: { kind: 'for' as const, ms: 60 * 60_000 },
  reason: 'INC-4711 payments are down',
};

async function harness(): Promise<AccessHarness> {
  return startAccessHarness({ dbPath: dbFile(), config: exampleConfig(withBreakGlass()) });
}

describe('/access breakglass recorded before its ack', () => {
  it('takes access once when its click is run twice, and the second run is not counted against the day', async () => {
    h = await harness();
    const click = await h.clicks.record({
      action: 'breakglass',
      userId: PEOPLE.omar,
      breakGlass: BREAK_GLASS,
    });

    const first = await h.clicks.run(click);
    const again = await h.breakGlass.submit({
      ...BREAK_GLASS,
      requesterSlackId: PEOPLE.omar,
      clickId: click.id,
    });

    expect(first.ok && again.ok).toBe(true);
    expect(first.ok && again.ok && again.value.request.id).toBe(first.ok && first.value.request.id);
    expect(await h.ledger.findBreakGlass({})).toHaveLength(1);
    expect(await h.ledger.findRequests({})).toHaveLength(1);
  });

  it('is run after a crash that came before anything of it ran, and grants once', async () => {
    const crashed = await harness();
    await crashed.clicks.record({ action: 'breakglass', userId: PEOPLE.omar, breakGlass: BREAK_GLASS });
    h = await crashed.restart();
    h.clock.advance(LEASE + 1);

    await h.drain();
    const [request] = await h.ledger.findRequests({});
    expect(request).toMatchObject({ requesterSlackId: PEOPLE.omar, permissionSet: 'AdministratorAccess' });
    expect(await h.ledger.findBreakGlass({})).toHaveLength(1);
    expect(creations(h)).toHaveLength(1);
  });
});

describe('Mark reviewed and End access now recorded before their ack', () => {
  it('ends the access once when End access now was acknowledged and its process died before running it', async () => {
    const crashed = await harness();
    const used = await crashed.breakGlass.submit({ ...BREAK_GLASS, requesterSlackId: PEOPLE.omar });
    if (!used.ok) throw new Error(used.message);
    const id = used.value.request.id;
    await crashed.drain();
    await crashed.clicks.record({ action: 'breakglass_end', requestId: id, userId: PEOPLE.lena });

    h = await crashed.restart();
    h.clock.advance(LEASE + 1);
    await h.drain();
    await h.drain();

    const record = await h.ledger.getBreakGlass(id);
    expect(record).toMatchObject({ reviewedBy: PEOPLE.lena, outcome: 'ended' });
    expect((await h.service.view(id))?.grants.map((g) => g.status)).toEqual(['ended']);
    expect(h.emulator.calls.filter((c) => c.operation === 'DeleteAccountAssignment')).toHaveLength(1);
    const audit = (await h.ledger.listAudit({ requestId: id })).map((e) => e.action);
    expect(audit.filter((a) => a === 'break_glass.ended')).toHaveLength(1);
  });

  it('counts Mark reviewed once when it ran before the crash and is run again after', async () => {
    const crashed = await harness();
    const used = await crashed.breakGlass.submit({ ...BREAK_GLASS, requesterSlackId: PEOPLE.omar });
    if (!used.ok) throw new Error(used.message);
    const id = used.value.request.id;
    await crashed.drain();
    const click = await crashed.clicks.record({
      action: 'breakglass_review',
      requestId: id,
      userId: PEOPLE.lena,
    });
    // It ran, but the process died before the click was marked done.
    expect((await crashed.breakGlass.review(id, PEOPLE.lena, 'reviewed')).ok).toBe(true);

    h = await crashed.restart();
    h.clock.advance(LEASE + 1);
    await h.drain();

    expect(await h.ledger.findJobs({ kind: 'decide' })).toMatchObject([{ id: click.id, status: 'done' }]);
    const record = await h.ledger.getBreakGlass(id);
    expect(record).toMatchObject({ reviewedBy: PEOPLE.lena, outcome: 'reviewed' });
    // The access itself is left running: reviewing is not ending.
    expect((await h.service.view(id))?.grants.map((g) => g.status)).toEqual(['active']);
    const audit = (await h.ledger.listAudit({ requestId: id })).map((e) => e.action);
    expect(audit.filter((a) => a === 'break_glass.reviewed')).toHaveLength(1);
  });
});

describe('two approvers pressing at once', () => {
  it('counts one review, and tells the other who reviewed it', async () => {
    h = await harness();
    const used = await h.breakGlass.submit({ ...BREAK_GLASS, requesterSlackId: PEOPLE.omar });
    if (!used.ok) throw new Error(used.message);
    const id = used.value.request.id;
    await h.drain();

    const [lena, leo] = await Promise.all([
      h.breakGlass.review(id, PEOPLE.lena, 'reviewed'),
      h.breakGlass.review(id, PEOPLE.leo, 'end'),
    ]);

    const outcomes = [lena, leo];
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    expect(outcomes.filter((o) => !o.ok)).toMatchObject([{ ok: false, code: 'already_reviewed' }]);
    const record = await h.ledger.getBreakGlass(id);
    expect(record?.reviewedBy).toBe(lena.ok ? PEOPLE.lena : PEOPLE.leo);
    expect(record?.outcome).toBe(lena.ok ? 'reviewed' : 'ended');
    const audit = (await h.ledger.listAudit({ requestId: id })).map((e) => e.action);
    expect(audit.filter((a) => a === 'break_glass.reviewed' || a === 'break_glass.ended')).toHaveLength(1);
  });
});
