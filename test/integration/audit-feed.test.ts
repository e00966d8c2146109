/**
 * The audit channel: a line for every decision and every AWS change, in the order they happened, posted once
 * (also across a restart), and nothing when no audit channel is configured (nor the history, once one is).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HOUR } from '../../src/domain/duration.js';
import { exampleConfig, PEOPLE, startAccessHarness, type AccessHarness } from '../support/access-harness.js';

let h: AccessHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const AUDIT = 'C0000AUDIT';
const withoutAuditChannel = (yaml: string): string => yaml.replace(/^\s*audit: C0000AUDIT.*$/m, '');

async function grantedAndEnded(harness: AccessHarness): Promise<string> {
  const asked = await harness.service.submitAccessRequest({
    requesterSlackId: PEOPLE.sam,
    permissionSet: 'SeniorDeveloper',
    accounts: ['prod'],
    duration: { kind: 'for', ms: 2 * HOUR },
    reason: 'incident 4711',
  });
  if (!asked.ok) throw new Error(asked.message);
  const id = asked.value.request.id;
  expect((await harness.service.approve(id, PEOPLE.lena)).ok).toBe(true);
  await harness.drain();
  const revoked = await harness.service.revoke({
    actorSlackId: PEOPLE.sam,
    permissionSet: 'SeniorDeveloper',
    account: 'prod',
  });
  expect(revoked.ok).toBe(true);
  await harness.drain();
  return id;
}

const lines = (harness: AccessHarness) =>
  harness.notifier.auditLines.map(({ channel, line }) => ({ channel, ...line }));

describe('the audit channel', () => {
  it('gets one line per decision and AWS change, in order, saying who did what for whom', async () => {
    h = await startAccessHarness();
    const id = await grantedAndEnded(h);
    const posted = lines(h);
    expect(posted.every((l) => l.channel === AUDIT)).toBe(true);
    expect(posted.map((l) => [l.kind, l.bySlackId, l.did, l.forSlackId, l.requestId])).toEqual([
      ['decision', PEOPLE.lena, 'approved SeniorDeveloper on prod for 2h', PEOPLE.sam, id],
      ['change', undefined, 'assigned SeniorDeveloper on prod in AWS', PEOPLE.sam, id],
      ['decision', PEOPLE.sam, 'revoked SeniorDeveloper on prod', PEOPLE.sam, id],
      ['change', undefined, 'removed SeniorDeveloper on prod in AWS (revoked)', PEOPLE.sam, id],
      [
        'change',
        undefined,
        expect.stringMatching(
          /^ended the sessions already open for SeniorDeveloper on prod \(denied until \d{4}-/,
        ),
        PEOPLE.sam,
        id,
      ],
    ]);
  });

  it('quotes the reason of a denial and AWS’s words when an assignment fails', async () => {
    h = await startAccessHarness();
    const denied = await h.service.submitAccessRequest({
      requesterSlackId: PEOPLE.sam,
      permissionSet: 'SeniorDeveloper',
      accounts: ['dev'],
      duration: { kind: 'for', ms: HOUR },
    });
    if (!denied.ok) throw new Error(denied.message);
    expect((await h.service.deny(denied.value.request.id, PEOPLE.leo, 'use staging')).ok).toBe(true);
    h.emulator.faults.failedProvisioning.push({
      accountId: '333333333333',
      reason: 'Quota exceeded for IAM roles',
    });
    const failing = await h.service.submitAccessRequest({
      requesterSlackId: PEOPLE.sam,
      permissionSet: 'SeniorDeveloper',
      accounts: ['prod'],
      duration: { kind: 'for', ms: HOUR },
      reason: 'incident 4712',
    });
    if (!failing.ok) throw new Error(failing.message);
    expect((await h.service.approve(failing.value.request.id, PEOPLE.lena)).ok).toBe(true);
    await h.drain();

    const posted = lines(h);
    expect(posted.find((l) => l.did.startsWith('denied'))).toMatchObject({
      bySlackId: PEOPLE.leo,
      note: 'use staging',
    });
    expect(posted.find((l) => l.kind === 'failure')).toMatchObject({
      did: 'could not assign SeniorDeveloper on prod in AWS',
      note: expect.stringContaining('Quota exceeded for IAM roles') as unknown,
    });
  });

  it('follows admin work step by step, for the person it is about', async () => {
    h = await startAccessHarness();
    const asked = await h.admin.submitOnboarding(PEOPLE.ada, {
      email: 'nina.new@example.com',
      givenName: 'Nina',
      familyName: 'New',
      role: 'junior-developer',
    });
    if (!asked.ok) throw new Error(asked.message);
    expect((await h.service.approve(asked.value.request.id, PEOPLE.lena)).ok).toBe(true);
    await h.drain();
    expect(lines(h).map((l) => l.did)).toEqual([
      'approved the onboarding of nina.new@example.com',
      'create the user nina.new@example.com (the onboarding of nina.new@example.com)',
      'give JuniorDeveloper on dev (the onboarding of nina.new@example.com)',
      'send the welcome email to nina.new@example.com (the onboarding of nina.new@example.com)',
    ]);
    expect(lines(h).every((l) => l.forEmail === 'nina.new@example.com')).toBe(true);
  });

  it('posts each line once, also when the service restarts', async () => {
    const dbPath = path.join(mkdtempSync(path.join(tmpdir(), 'feed-')), 'ledger.sqlite');
    const first = await startAccessHarness({ dbPath });
    await grantedAndEnded(first);
    const before = lines(first).length;
    expect(before).toBe(5);
    h = await first.restart();
    await h.drain();
    await h.scheduler.tick();
    expect(lines(h)).toEqual([]);
    expect(await h.ledger.listUnfedAudit(10)).toEqual([]);
  });

  it('posts nothing without an audit channel, nor the history once one is configured', async () => {
    const dbPath = path.join(mkdtempSync(path.join(tmpdir(), 'feed-')), 'ledger.sqlite');
    const first = await startAccessHarness({ dbPath, config: exampleConfig(withoutAuditChannel) });
    await grantedAndEnded(first);
    expect(lines(first)).toEqual([]);
    expect(await first.ledger.listUnfedAudit(10)).toEqual([]);

    h = await first.restart({ config: exampleConfig() });
    await h.drain();
    expect(lines(h)).toEqual([]);
    await grantedAndEnded(h);
    expect(lines(h)).toHaveLength(5);
  });
});
