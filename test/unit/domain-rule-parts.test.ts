/**
 * Admin work judged by the rules, part by part, against the example config as it ships: each kind × role, with
 * and without privileged permission sets, as the groups of the example organisation carry them.
 */
import { describe, expect, it } from 'vitest';
import { decideParts, requirementsMet, type RulePart } from '../../src/domain/rule-parts.js';
import type { RequestKind } from '../../src/domain/request.js';
import { exampleConfig, PEOPLE } from '../support/access-harness.js';

const config = exampleConfig();
const groups = Object.fromEntries(Object.entries(config.approvers).map(([name, g]) => [name, [...g.users]]));

/** What the example organisation's groups carry (src/emulator/seeds/example-org.yml). */
const CARRIED: Record<string, RulePart[]> = {
  AdministratorAccess: ['dev', 'staging', 'prod', 'management'].map((a) => ({
    permissionSet: 'AdministratorAccess',
    accounts: [a],
    groups: ['AdministratorAccess'],
  })),
  ReadOnly: ['dev', 'staging', 'prod'].map((a) => ({
    permissionSet: 'ReadOnlyAccess',
    accounts: [a],
    groups: ['ReadOnly'],
  })),
  Billing: [{ permissionSet: 'FinanceAdmin', accounts: ['management'], groups: ['Billing'] }],
};

/** The parts of a role from the example config, plus extra permission sets × accounts. */
function partsOf(role: string | undefined, extra: [string, string][] = []): RulePart[] {
  const bundle = role === undefined ? undefined : config.roles[role];
  return [
    ...(bundle?.assignments ?? []).flatMap((a) =>
      a.accounts.map((account) => ({ permissionSet: a.permissionSet, accounts: [account] })),
    ),
    ...extra.map(([permissionSet, account]) => ({ permissionSet, accounts: [account] })),
    ...(bundle?.groups ?? []).flatMap((g) => CARRIED[g] ?? [{ accounts: [], groups: [g] }]),
  ];
}

const judge = (kind: RequestKind, parts: RulePart[], reason?: string, excluded: string[] = []) =>
  decideParts(
    parts,
    {
      kind,
      requesterSlackId: PEOPLE.ada,
      excludedApprovers: excluded,
      durationMs: kind === 'offboard' ? undefined : null,
      ...(reason !== undefined ? { reason } : {}),
    },
    config,
    groups,
  );

const LEADS = [PEOPLE.lena, PEOPLE.leo].sort();

describe('admin work is refused where a request for what it grants would be', () => {
  const refused: [string, RequestKind, RulePart[], string | undefined, string, RegExp][] = [
    [
      'a developer onboarding without a note: ReadOnly carries ReadOnlyAccess on prod (rules[2])',
      'onboard',
      partsOf('developer'),
      undefined,
      'reason_required',
      /ReadOnlyAccess on prod needs a reason .*the note is the reason/,
    ],
    [
      'a new starter with an extra AdministratorAccess on management and no note',
      'onboard',
      partsOf('junior-developer', [['AdministratorAccess', 'management']]),
      undefined,
      'reason_required',
      /AdministratorAccess on management needs a reason/,
    ],
    [
      'an extra SecurityAdmin for good, which the rules give for 8h at most (rules[4])',
      'onboard',
      partsOf('junior-developer', [['SecurityAdmin', 'dev']]),
      'security on call',
      'permanent_not_allowed',
      /SecurityAdmin on dev cannot be permanent.*maxDuration: permanent/,
    ],
    [
      'a role change into sre without a reason: ProductionSupport on prod',
      'role_change',
      partsOf('sre'),
      undefined,
      'reason_required',
      /ProductionSupport on prod needs a reason/,
    ],
    [
      'a role change into admin for a lead, when only one other lead would be left to approve it',
      'role_change',
      partsOf('admin'),
      'promoted',
      'no_approver',
      /needs 2 approvals .*only <@U0000LEAD2> is left once you and the person it is about are set aside/,
    ],
  ];
  it.each(refused)('%s', (_what, kind, parts, reason, code, message) => {
    const excluded = /for a lead/.test(_what) ? [PEOPLE.lena] : [];
    const decision = judge(kind, parts, reason, excluded);
    expect(decision).toMatchObject({ ok: false, code });
    if (!decision.ok) expect(decision.message).toMatch(message);
  });
});

describe('admin work needs every part’s approvers, the strictest of each', () => {
  const needs: [string, RequestKind, RulePart[], string | undefined, [string[], number][], number[]][] = [
    [
      'a junior developer: one lead (rules[0])',
      'onboard',
      partsOf('junior-developer'),
      undefined,
      [[LEADS, 1]],
      [0],
    ],
    [
      'a developer with a note: one lead; ReadOnlyAccess on dev alone would be automatic (rules[7])',
      'onboard',
      partsOf('developer'),
      'starts Monday',
      [[LEADS, 1]],
      [0, 2, 7],
    ],
    [
      'an admin: two of the leads and admins other than Ada who asks (rules[8]); one lead for ReadOnly is implied',
      'onboard',
      partsOf('admin'),
      'new platform admin',
      [[LEADS, 2]],
      [0, 2, 7, 8],
    ],
    [
      'a junior developer with an extra AdministratorAccess on management: two approvers, as a request would need',
      'onboard',
      partsOf('junior-developer', [['AdministratorAccess', 'management']]),
      'break-glass holder',
      [[LEADS, 2]],
      [0, 2, 8],
    ],
    [
      'finance: FinanceAdmin through Billing is finance’s to approve (rules[5]), not a lead’s',
      'onboard',
      partsOf('finance'),
      'new accountant',
      [[[PEOPLE.fiona], 1]],
      [0, 2, 5],
    ],
    [
      'a junior developer with an extra FinanceAdmin: one lead and one of finance, both',
      'onboard',
      partsOf('junior-developer', [['FinanceAdmin', 'management']]),
      'covers billing',
      [
        [LEADS, 1],
        [[PEOPLE.fiona], 1],
      ],
      [0, 2, 5],
    ],
    [
      'a role change into sre with a reason: one lead for ProductionSupport for good',
      'role_change',
      partsOf('sre'),
      'joins SRE',
      [[LEADS, 1]],
      [0, 2, 7],
    ],
    [
      'offboarding, by the accounts it touches, with a reason',
      'offboard',
      [{ accounts: ['prod'] }],
      'left',
      [[LEADS, 1]],
      [0, 2],
    ],
  ];
  it.each(needs)('%s', (_what, kind, parts, reason, requirements, rules) => {
    const decision = judge(kind, parts, reason);
    if (!decision.ok) throw new Error(decision.message);
    expect(decision.autoApprove).toBe(false);
    expect(decision.requirements.map((r) => [r.approvers, r.approvals])).toEqual(requirements);
    expect(decision.requiredApprovals).toBe(Math.max(...requirements.map(([, n]) => n)));
    expect(decision.approvers).toEqual([...new Set(requirements.flatMap(([ids]) => ids))].sort());
    expect(decision.matchedRules).toEqual(rules);
    expect(decision.approvers).not.toContain(PEOPLE.ada);
  });

  it('approves automatically only when every part is: ReadOnlyAccess on dev alone is', () => {
    const alone = judge('onboard', [
      { permissionSet: 'ReadOnlyAccess', accounts: ['dev'], groups: ['ReadOnly'] },
    ]);
    expect(alone).toMatchObject({ ok: true, autoApprove: true, requirements: [], requiredApprovals: 0 });
    const more = judge('onboard', [
      { permissionSet: 'ReadOnlyAccess', accounts: ['dev'], groups: ['ReadOnly'] },
      { permissionSet: 'JuniorDeveloper', accounts: ['dev'] },
    ]);
    expect(more).toMatchObject({ ok: true, autoApprove: false, requiredApprovals: 1 });
  });

  it('names what each requirement is for, so the card can say it', () => {
    const decision = judge(
      'onboard',
      partsOf('junior-developer', [['FinanceAdmin', 'management']]),
      'billing',
    );
    if (!decision.ok) throw new Error(decision.message);
    expect(decision.requirements.map((r) => r.what)).toEqual([
      'JuniorDeveloper on dev',
      'FinanceAdmin on management',
    ]);
  });
});

describe('requirements are met per person, and each by its own approvers', () => {
  const leadsAndFinance = [
    { approvers: LEADS, approvals: 1, what: 'JuniorDeveloper on dev' },
    { approvers: [PEOPLE.fiona], approvals: 1, what: 'FinanceAdmin on management' },
  ];
  const twoLeads = [{ approvers: [...LEADS, 'U0000LEAD9'], approvals: 2, what: 'AdministratorAccess' }];
  const person = (id: string): string | undefined =>
    ({ [PEOPLE.lena]: 'lena', U0000LEAD9: 'lena', [PEOPLE.leo]: 'leo', [PEOPLE.fiona]: 'fiona' })[id];

  it('is not met by a lead alone when finance must approve too', () => {
    expect(requirementsMet(leadsAndFinance, [PEOPLE.lena], person)).toBe(false);
    expect(requirementsMet(leadsAndFinance, [PEOPLE.lena, PEOPLE.leo], person)).toBe(false);
    expect(requirementsMet(leadsAndFinance, [PEOPLE.lena, PEOPLE.fiona], person)).toBe(true);
  });

  it('counts one person with two Slack accounts once', () => {
    expect(requirementsMet(twoLeads, [PEOPLE.lena, 'U0000LEAD9'], person)).toBe(false);
    expect(requirementsMet(twoLeads, [PEOPLE.lena, PEOPLE.leo], person)).toBe(true);
  });

  it('does not let an approver of one part fill another part’s quorum', () => {
    expect(requirementsMet(twoLeads, [PEOPLE.lena, PEOPLE.fiona], person)).toBe(false);
  });
});
