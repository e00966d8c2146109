/**
 * whois and the user listing against the local Identity Center and SQLite: answered from AWS, with the ledger
 * adding what access-desk granted, and paged without reading the directory again on every page.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AccessSource, WhoisReport } from '../../src/access/insight-api.js';
import { HOUR } from '../../src/domain/duration.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import type { Seed } from '../../src/emulator/seed.js';
import { whoisMessage } from '../../src/slack/blocks/whois-message.js';
import { exampleConfig, PEOPLE, startAccessHarness, type AccessHarness } from '../support/access-harness.js';
import { extraAccountId, manyAccountsSeed, manyUsersSeed } from '../support/insight-seeds.js';
import { testCredentials } from '../support/aws-clients.js';

let h: AccessHarness | undefined;
let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await h?.close();
  await emulator?.close();
  h = undefined;
  emulator = undefined;
});

async function harnessWith(seed: Seed): Promise<AccessHarness> {
  emulator = await startEmulator({
    credentials: [testCredentials],
    seed,
    rateLimits: false,
    faults: { provisioningDelayMs: 0 },
  });
  // Config names every account of the seed, as an organisation's config would.
  const aliases = seed.accounts
    .filter((a) => /^team-/.test(a.alias))
    .map((a) => `  ${a.alias}: '${a.id}'`)
    .join('\n');
  const config = exampleConfig((yaml) =>
    yaml.replace("  management: '999999999999'", (line) => `${line}\n${aliases}`),
  );
  return startAccessHarness({ emulator, config });
}

/** `alias: PermissionSet → sources` as a person reads them, for compact assertions. */
function sourcesOf(report: WhoisReport): Record<string, string[]> {
  const describe = (s: AccessSource): string => {
    if (s.kind === 'direct') return 'direct';
    if (s.kind === 'group') return `group ${s.group}`;
    return `grant ${s.endsAt === null ? 'permanent' : 'until'}${s.inAws ? '' : ' (not in AWS)'}`;
  };
  const out: Record<string, string[]> = {};
  for (const account of report.accounts) {
    for (const ps of account.permissionSets) {
      out[`${account.accountAlias}: ${ps.permissionSet}`] = ps.sources.map(describe);
    }
  }
  return out;
}

describe('whois', () => {
  it('names each source of access: direct, through a group, and an access-desk grant until its end', async () => {
    h = await startAccessHarness({ provisioningDelayMs: 0 });
    const submitted = await h.service.submitAccessRequest({
      requesterSlackId: PEOPLE.sam,
      permissionSet: 'SeniorDeveloper',
      accounts: ['prod'],
      duration: { kind: 'for', ms: 4 * HOUR },
      reason: 'incident 4711',
    });
    if (!submitted.ok) throw new Error(submitted.message);
    await h.service.approve(submitted.value.request.id, PEOPLE.lena);
    await h.drain();
    const grant = (await h.ledger.findGrants({ requestId: submitted.value.request.id }))[0]!;
    expect(grant.status).toBe('active');

    // Asked about by a Slack mention, as the command line carries it.
    const outcome = await h.insight.whois(PEOPLE.jay, `<@${PEOPLE.sam}|sam>`);
    if (!outcome.ok) throw new Error(outcome.message);
    const report = outcome.value;
    expect(report.user.userName).toBe('sam.dev@example.com');
    expect(report.email).toBe('sam.dev@example.com');
    expect(report.slackUserId).toBe(PEOPLE.sam);
    expect(report.groups.map((g) => g.name)).toEqual(['ReadOnly']);
    expect(sourcesOf(report)).toEqual({
      'dev: Developer': ['direct'],
      'dev: ReadOnlyAccess': ['group ReadOnly'],
      'staging: Developer': ['direct'],
      'staging: ReadOnlyAccess': ['group ReadOnly'],
      'prod: ReadOnlyAccess': ['group ReadOnly'],
      'prod: SeniorDeveloper': ['grant until'],
    });
    const prodGrant = report.accounts
      .find((a) => a.accountAlias === 'prod')
      ?.permissionSets.find((p) => p.permissionSet === 'SeniorDeveloper')?.sources[0];
    expect(prodGrant).toMatchObject({ kind: 'grant', requestId: grant.requestId, endsAt: grant.endsAt });
    expect(report.legacyIamUser).toBeUndefined();

    const text = JSON.stringify(whoisMessage(report));
    expect(text).toContain('through group *ReadOnly*');
    expect(text).toContain(`access-desk grant until <!date^${Math.floor(grant.endsAt!.getTime() / 1000)}`);
  });

  it('answers about yourself by default, with your pending requests, from AWS as well as the ledger', async () => {
    h = await startAccessHarness({ provisioningDelayMs: 0 });
    const pending = await h.service.submitAccessRequest({
      requesterSlackId: PEOPLE.sam,
      permissionSet: 'ProductionSupport',
      accounts: ['prod'],
      duration: { kind: 'for', ms: 2 * HOUR },
      reason: 'on call',
    });
    if (!pending.ok) throw new Error(pending.message);
    // A change made in the console, outside access-desk, shows at once: the answer comes from AWS.
    const sara = await h.aws.directory.findUserByEmail('sara.senior@example.com');
    const samUser = await h.aws.directory.findUserByEmail('sam.dev@example.com');
    if (!sara.ok || !samUser.ok || samUser.value === undefined || sara.value === undefined)
      throw new Error('seed users missing');
    const billing = await h.aws.directory.findGroupByName('Billing');
    if (!billing.ok || billing.value === undefined) throw new Error('Billing group missing');
    await h.aws.directory.addMembership(billing.value.id, samUser.value.id);

    const outcome = await h.insight.whois(PEOPLE.sam);
    if (!outcome.ok) throw new Error(outcome.message);
    expect(outcome.value.slackUserId).toBe(PEOPLE.sam);
    expect(outcome.value.groups.map((g) => g.name).sort()).toEqual(['Billing', 'ReadOnly']);
    expect(sourcesOf(outcome.value)['management: FinanceAdmin']).toEqual(['group Billing']);
    expect(outcome.value.pendingRequests.map((r) => r.id)).toEqual([pending.value.request.id]);
  });

  it('shows the legacy IAM user of the same name with its access keys and their last use', async () => {
    h = await startAccessHarness();
    const outcome = await h.insight.whois(PEOPLE.sam, 'kim.leaver@example.com');
    if (!outcome.ok) throw new Error(outcome.message);
    const iam = outcome.value.legacyIamUser;
    expect(iam?.userName).toBe('kim.leaver@example.com');
    expect(iam?.accessKeys).toHaveLength(2);
    expect(iam?.accessKeys.filter((k) => k.lastUsed !== undefined)).toHaveLength(1);
    const text = JSON.stringify(whoisMessage(outcome.value));
    expect(text).toContain('Legacy IAM user');
    expect(text).toMatch(/last used <!date\^\d+/);
    expect(text).toContain('never used');
  });

  it('says plainly that nobody has an unknown email, naming it', async () => {
    h = await startAccessHarness();
    const outcome = await h.insight.whois(PEOPLE.sam, 'nobody.here@example.com');
    expect(outcome).toMatchObject({ ok: false, code: 'not_found' });
    expect(!outcome.ok && outcome.message).toContain('nobody.here@example.com');
  });

  it('gives a person with access on 60 accounts a message inside Slack limits, every account accounted for', async () => {
    h = await harnessWith(manyAccountsSeed(60));
    const outcome = await h.insight.whois(PEOPLE.ada, 'max.many@example.com');
    if (!outcome.ok) throw new Error(outcome.message);
    expect(outcome.value.accounts).toHaveLength(60);
    const team07 = outcome.value.accounts.find((a) => a.accountId === extraAccountId(7));
    expect(team07?.permissionSets.map((p) => p.permissionSet)).toEqual([
      'AdministratorAccess',
      'Developer',
      'InsightsDeveloper',
      'ProductionSupport',
      'SeniorDeveloper',
    ]);

    const msg = whoisMessage(outcome.value);
    expect(msg.blocks.length).toBeLessThanOrEqual(50);
    for (const block of msg.blocks) {
      if (block.type === 'section') {
        expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(3000);
        for (const f of block.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(2000);
      }
    }
    const text = JSON.stringify(msg.blocks);
    expect(text).toContain('Access on 60 accounts');
    expect(text).toContain('*team-07* · 400000000007');
    // Every account is listed, or counted in the fold: none silently dropped.
    const listed = outcome.value.accounts.filter((a) => text.includes(a.accountId)).length;
    const folded = /…and (\d+) more accounts?/.exec(text)?.[1];
    expect(listed + Number(folded ?? 0)).toBe(60);
  });
});

describe('the user listing', () => {
  it('pages 250 users 20 at a time with a total, reading the directory once for all the pages', async () => {
    h = await harnessWith(manyUsersSeed(250));
    const listUsersCalls = () => emulator!.calls.filter((c) => c.operation === 'ListUsers').length;

    const first = await h.insight.users(PEOPLE.ada, 1);
    if (!first.ok) throw new Error(first.message);
    expect(first.value).toMatchObject({ page: 1, pageSize: 20, pages: 13, total: 250 });
    const afterFirst = listUsersCalls();
    // ListUsers pages by 100: three calls for 250 users, not one per user.
    expect(afterFirst).toBeLessThanOrEqual(3);

    const seen: string[] = [];
    for (let page = 1; page <= 13; page += 1) {
      const got = await h.insight.users(PEOPLE.ada, page);
      if (!got.ok) throw new Error(got.message);
      expect(got.value.users).toHaveLength(page < 13 ? 20 : 10);
      seen.push(...got.value.users.map((u) => u.user.userName));
    }
    expect(new Set(seen).size).toBe(250);
    expect(seen).toEqual([...seen].sort((a, b) => a.localeCompare(b)));
    expect(listUsersCalls()).toBe(afterFirst);

    const ada = first.value.users.find((u) => u.user.userName === 'ada.admin@example.com');
    expect(ada?.groups).toEqual(['AdministratorAccess', 'ReadOnly']);

    const past = await h.insight.users(PEOPLE.ada, 99);
    expect(past.ok && past.value.page).toBe(13);

    // Once the listing is a minute old, the next page is read from AWS again.
    h.clock.advance(61_000);
    await h.insight.users(PEOPLE.ada, 2);
    expect(listUsersCalls()).toBeGreaterThan(afterFirst);
  });

  it('refuses someone who is not an admin', async () => {
    h = await startAccessHarness();
    const outcome = await h.insight.users(PEOPLE.sam, 1);
    expect(outcome).toMatchObject({ ok: false, code: 'not_admin' });
  });
});

describe('my access', () => {
  it('lists my active grants, soonest end first', async () => {
    h = await startAccessHarness({ provisioningDelayMs: 0 });
    for (const [ps, hours] of [
      ['SeniorDeveloper', 4],
      ['ReadOnlyAccess', 1],
    ] as const) {
      const r = await h.service.submitAccessRequest({
        requesterSlackId: PEOPLE.jay,
        permissionSet: ps,
        accounts: ps === 'ReadOnlyAccess' ? ['dev'] : ['staging'],
        duration: { kind: 'for', ms: hours * HOUR },
      });
      if (!r.ok) throw new Error(r.message);
      if (r.value.request.status === 'pending') await h.service.approve(r.value.request.id, PEOPLE.lena);
    }
    await h.drain();
    const mine = await h.insight.myAccess(PEOPLE.jay);
    expect(mine.map((g) => `${g.permissionSet} on ${g.accountAlias}`)).toEqual([
      'ReadOnlyAccess on dev',
      'SeniorDeveloper on staging',
    ]);
    expect(await h.insight.myAccess(PEOPLE.sam)).toEqual([]);
  });
});
