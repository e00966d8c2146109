import { describe, expect, it } from 'vitest';
import type { RuleConfig } from '../../src/config/types.js';
import { DAY, HOUR, MINUTE } from '../../src/domain/duration.js';
import {
  FALLBACK_DEFAULT_DURATION_MS,
  autoApproves,
  decide,
  describeRule,
  describeRuleInWords,
  describeTarget,
  ruleMatches,
  specificity,
  type Decision,
  type RuleSubject,
} from '../../src/domain/rules.js';

const LENA = 'U0000LENA';
const LEO = 'U0000LEO';
const DEV = 'U0000DEV';
const SEC = 'U0000SEC';
const APPROVALS = 'C0000APPROV';

const rule = (index: number, r: Omit<RuleConfig, 'index'>): RuleConfig => ({ index, ...r });

/** PRODUCT.md's example rules. */
const EXAMPLE: RuleConfig[] = [
  rule(0, { match: {}, approvers: ['leads'], maxDurationMs: 12 * HOUR }),
  rule(1, { match: { accounts: ['prod'] }, requireReason: true }),
  rule(2, {
    match: { permissionSets: ['AdministratorAccess'] },
    approvers: ['leads'],
    approvals: 2,
    maxDurationMs: 4 * HOUR,
  }),
  rule(3, { match: { permissionSets: ['ReadOnlyAccess'], accounts: ['dev'] }, autoApprove: true }),
];
const GROUPS = { leads: [LENA, LEO], security: [SEC] };

const config = (rules: RuleConfig[]) => ({ rules, channels: { approvals: APPROVALS } });

const subject = (s: Partial<RuleSubject>): RuleSubject => ({
  kind: 'access',
  requesterSlackId: DEV,
  permissionSet: 'SeniorDeveloper',
  accounts: ['dev'],
  durationMs: 4 * HOUR,
  ...s,
});

type Granted = Extract<Decision, { ok: true }>;

describe('the example rules decide', () => {
  const granted: [string, Partial<RuleSubject>, Partial<Granted>][] = [
    [
      'SeniorDeveloper on dev goes to both leads, one approval, up to 12h',
      {},
      {
        matchedRules: [0],
        approvers: [LENA, LEO],
        requiredApprovals: 1,
        maxDurationMs: 12 * HOUR,
        durationMs: 4 * HOUR,
      },
    ],
    [
      'SeniorDeveloper on prod with a reason also matches the prod rule, and requires the reason',
      { accounts: ['prod'], reason: 'INC-4711' },
      {
        matchedRules: [0, 1],
        approvers: [LENA, LEO],
        requiredApprovals: 1,
        requireReason: true,
        autoApprove: false,
      },
    ],
    [
      'AdministratorAccess on dev needs two approvals from leads and at most 4h',
      { permissionSet: 'AdministratorAccess', durationMs: 2 * HOUR },
      {
        matchedRules: [0, 2],
        approvers: [LENA, LEO],
        requiredApprovals: 2,
        maxDurationMs: 4 * HOUR,
        durationMs: 2 * HOUR,
      },
    ],
    [
      'AdministratorAccess for exactly its maximum of 4h is accepted',
      { permissionSet: 'AdministratorAccess', durationMs: 4 * HOUR },
      { durationMs: 4 * HOUR, maxDurationMs: 4 * HOUR },
    ],
    [
      'a lead asking for SeniorDeveloper is approved by the other lead only',
      { requesterSlackId: LENA },
      { approvers: [LEO], requiredApprovals: 1 },
    ],
    [
      'ReadOnlyAccess on dev is approved at once, needing no approval',
      { permissionSet: 'ReadOnlyAccess' },
      { matchedRules: [0, 3], autoApprove: true, requiredApprovals: 0, approvers: [LENA, LEO] },
    ],
    [
      'ReadOnlyAccess on dev asked by a lead is approved at once too',
      { permissionSet: 'ReadOnlyAccess', requesterSlackId: LEO },
      { autoApprove: true, approvers: [LENA] },
    ],
    [
      'ReadOnlyAccess on dev and prod is not approved at once: the dev rule says nothing about prod',
      { permissionSet: 'ReadOnlyAccess', accounts: ['dev', 'prod'], reason: 'audit' },
      { matchedRules: [0, 1, 3], autoApprove: false, requiredApprovals: 1, requireReason: true },
    ],
    [
      'ReadOnlyAccess on staging is not approved at once',
      { permissionSet: 'ReadOnlyAccess', accounts: ['staging'] },
      { matchedRules: [0], autoApprove: false, requiredApprovals: 1 },
    ],
    [
      'a request for several accounts matches the prod rule when one of them is prod',
      { accounts: ['dev', 'staging', 'prod'], reason: 'release' },
      { matchedRules: [0, 1], requireReason: true },
    ],
    [
      'a request without a duration gets the fallback default of 4h, within the 12h maximum',
      { durationMs: undefined },
      { durationMs: FALLBACK_DEFAULT_DURATION_MS, maxDurationMs: 12 * HOUR },
    ],
    ['the card goes to the default approvals channel when no rule names one', {}, { channel: APPROVALS }],
    [
      'an extension is decided by the same rules',
      { kind: 'extend', permissionSet: 'AdministratorAccess', durationMs: 1 * HOUR },
      { matchedRules: [0, 2], requiredApprovals: 2, approvers: [LENA, LEO] },
    ],
  ];

  it.each(granted)('%s', (_name, s, expected) => {
    const decision = decide(subject(s), config(EXAMPLE), GROUPS);
    expect(decision).toMatchObject({ ok: true, ...expected });
  });

  const refused: [string, Partial<RuleSubject>, string, string[]][] = [
    [
      'SeniorDeveloper on dev for 13h is too long for the 12h rule',
      { durationMs: 13 * HOUR },
      'duration_too_long',
      [
        'SeniorDeveloper on dev can be granted for at most *12h*',
        '`rules[0]`: every request',
        'you asked for *13h*',
        'Ask for `12h` or less.',
      ],
    ],
    [
      'AdministratorAccess for 8h is too long for its 4h rule, which the message names',
      { permissionSet: 'AdministratorAccess', durationMs: 8 * HOUR },
      'duration_too_long',
      [
        'AdministratorAccess on dev can be granted for at most *4h* (`rules[2]`: AdministratorAccess)',
        'Ask for `4h` or less.',
      ],
    ],
    [
      'permanent access is refused where the rules allow at most 12h',
      { durationMs: null },
      'permanent_not_allowed',
      [
        'SeniorDeveloper on dev cannot be permanent: the longest allowed is *12h* (`rules[0]`: every request)',
      ],
    ],
    [
      'SeniorDeveloper on prod without a reason is refused, naming the prod rule',
      { accounts: ['prod'] },
      'reason_required',
      ['SeniorDeveloper on prod needs a reason (`rules[1]`: anything on prod)'],
    ],
    [
      'a reason of spaces only is no reason',
      { accounts: ['prod'], reason: '   \n ' },
      'reason_required',
      ['needs a reason'],
    ],
    [
      'a lead asking for AdministratorAccess, which needs two approvals, has only the other lead: refused',
      { permissionSet: 'AdministratorAccess', requesterSlackId: LENA },
      'no_approver',
      [
        'AdministratorAccess on dev needs 2 approvals from *leads* (`rules[2]`: AdministratorAccess), but only <@U0000LEO> is someone other than you.',
        'Ask an admin to add approvers.',
      ],
    ],
  ];

  it.each(refused)('%s', (_name, s, code, fragments) => {
    const decision = decide(subject(s), config(EXAMPLE), GROUPS);
    expect(decision).toMatchObject({ ok: false, code });
    if (decision.ok) return;
    // Config admins read the rules by key; the words for requesters are tested on their own below.
    for (const fragment of fragments) expect(decision.adminMessage).toContain(fragment);
  });

  it('says that no rule offers a request no rule matches, and what to do', () => {
    const rules = [rule(0, { match: { permissionSets: ['ReadOnlyAccess'] }, approvers: ['leads'] })];
    expect(decide(subject({ accounts: ['prod'] }), config(rules), GROUPS)).toEqual({
      ok: false,
      code: 'not_offered',
      message:
        'No rule offers SeniorDeveloper on prod: ask an admin to add a rule for it, or ask for something the rules offer.',
    });
  });

  it('never lists the requester among the approvers, whatever the request', () => {
    for (const requester of [LENA, LEO, DEV]) {
      for (const permissionSet of ['SeniorDeveloper', 'ReadOnlyAccess', 'AdministratorAccess']) {
        const d = decide(
          subject({ requesterSlackId: requester, permissionSet, accounts: ['dev', 'prod'], reason: 'x' }),
          config(EXAMPLE),
          GROUPS,
        );
        if (d.ok) expect(d.approvers).not.toContain(requester);
      }
    }
  });
});

describe('approvers', () => {
  const cases: [string, RuleConfig[], Partial<RuleSubject>, string[] | string][] = [
    [
      'are narrowed to the most specific rule that names approvers',
      [
        rule(0, { match: {}, approvers: ['leads'] }),
        rule(1, { match: { permissionSets: ['SecurityAdmin'] }, approvers: ['security'] }),
      ],
      { permissionSet: 'SecurityAdmin' },
      [SEC],
    ],
    [
      'come from a less specific rule when the more specific one names none',
      [
        rule(0, { match: {}, approvers: ['leads'] }),
        rule(1, { match: { permissionSets: ['SecurityAdmin'], accounts: ['dev'] }, requireReason: true }),
      ],
      { permissionSet: 'SecurityAdmin', reason: 'x' },
      [LENA, LEO],
    ],
    [
      'are the union of equally specific rules',
      [
        rule(0, { match: { accounts: ['prod'] }, approvers: ['leads'] }),
        rule(1, { match: { permissionSets: ['SecurityAdmin'] }, approvers: ['security'] }),
      ],
      { permissionSet: 'SecurityAdmin', accounts: ['prod'] },
      [LENA, LEO, SEC],
    ],
    [
      'are deduplicated and sorted when groups overlap',
      [rule(0, { match: {}, approvers: ['leads', 'everyone'] })],
      {},
      [LENA, LEO, SEC],
    ],
    [
      'skip a group the caller could not resolve',
      [rule(0, { match: {}, approvers: ['leads', 'ghosts'] })],
      {},
      [LENA, LEO],
    ],
    [
      'are refused when the most specific approver group is empty, even if a general one is not',
      [
        rule(0, { match: {}, approvers: ['leads'] }),
        rule(1, { match: { accounts: ['prod'] }, approvers: ['nobody'] }),
      ],
      { accounts: ['prod'] },
      'SeniorDeveloper on prod needs an approval from *nobody* (`rules[1]`: anything on prod), but nobody is in it.',
    ],
    [
      'are refused when no matching rule names any, saying so',
      [rule(0, { match: {}, maxDurationMs: DAY })],
      {},
      'No rule names anyone who may approve SeniorDeveloper on dev: ask an admin to add approvers to a rule that covers it.',
    ],
    [
      'are refused when the requester is the only approver',
      [rule(0, { match: {}, approvers: ['security'] })],
      { requesterSlackId: SEC },
      'SeniorDeveloper on dev needs an approval from *security* (`rules[0]`: every request), but you are the only one there, and nobody approves their own request.',
    ],
    [
      'are refused when there are fewer of them than approvals needed, naming who there is',
      [rule(0, { match: {}, approvers: ['leads'], approvals: 3 })],
      {},
      'SeniorDeveloper on dev needs 3 approvals from *leads* (`rules[0]`: every request), but only <@U0000LENA> and <@U0000LEO> are there.',
    ],
  ];

  const groups = { ...GROUPS, everyone: [LEO, SEC, LENA, LEO], nobody: [] };

  it.each(cases)('%s', (_name, rules, s, expected) => {
    const d = decide(subject(s), config(rules), groups);
    if (Array.isArray(expected)) {
      expect(d).toMatchObject({ ok: true, approvers: expected });
    } else {
      expect(d).toMatchObject({ ok: false, code: 'no_approver' });
      if (!d.ok) expect(d.adminMessage ?? d.message).toContain(expected);
    }
  });

  it('take the largest number of approvals any matching rule asks for', () => {
    const rules = [
      rule(0, { match: {}, approvers: ['everyone'], approvals: 2 }),
      rule(1, { match: { accounts: ['prod'] }, approvals: 3 }),
      rule(2, { match: { permissionSets: ['SeniorDeveloper'] }, approvals: 1 }),
    ];
    expect(decide(subject({ accounts: ['prod'] }), config(rules), groups)).toMatchObject({
      ok: true,
      requiredApprovals: 3,
    });
    expect(decide(subject({ accounts: ['dev'] }), config(rules), groups)).toMatchObject({
      ok: true,
      requiredApprovals: 2,
    });
  });
});

describe('auto-approval', () => {
  const cases: [string, RuleConfig[], Partial<RuleSubject>, boolean][] = [
    ['is not given when no rule says so', [rule(0, { match: {}, approvers: ['leads'] })], {}, false],
    [
      'is given by a rule more specific than the one that names approvers',
      [
        rule(0, { match: {}, approvers: ['leads'] }),
        rule(1, { match: { accounts: ['dev'] }, autoApprove: true }),
      ],
      {},
      true,
    ],
    [
      'is given by a rule that is the only one to speak about approval, even when it is general',
      [
        rule(0, { match: {}, autoApprove: true }),
        rule(1, { match: { accounts: ['dev'] }, maxDurationMs: HOUR }),
      ],
      { durationMs: HOUR },
      true,
    ],
    [
      'is held back by an equally specific rule that asks for approvals',
      [
        rule(0, { match: { permissionSets: ['AdministratorAccess'] }, approvers: ['leads'], approvals: 2 }),
        rule(1, { match: { accounts: ['dev'] }, autoApprove: true }),
      ],
      { permissionSet: 'AdministratorAccess' },
      false,
    ],
    [
      'is held back by an equally specific rule that says autoApprove: false',
      [
        rule(0, { match: { accounts: ['dev'] }, autoApprove: true }),
        rule(1, { match: { kinds: ['access'] }, approvers: ['leads'], autoApprove: false }),
      ],
      {},
      false,
    ],
    [
      'is not held back by a rule that only requires a reason',
      [
        rule(0, { match: { accounts: ['dev'] }, autoApprove: true }),
        rule(1, { match: { permissionSets: ['SeniorDeveloper'] }, requireReason: true }),
      ],
      { reason: 'x' },
      true,
    ],
    [
      'is given for several accounts when each of them is auto-approved on its own',
      [
        rule(0, { match: {}, approvers: ['leads'] }),
        rule(1, { match: { accounts: ['dev'] }, autoApprove: true }),
        rule(2, { match: { accounts: ['staging'] }, autoApprove: true }),
      ],
      { accounts: ['dev', 'staging'] },
      true,
    ],
    [
      'is not given for several accounts when one of them is not',
      [
        rule(0, { match: {}, approvers: ['leads'] }),
        rule(1, { match: { accounts: ['dev', 'staging'] }, autoApprove: true }),
      ],
      { accounts: ['dev', 'staging', 'prod'] },
      false,
    ],
    [
      'is not given for onboarding into two groups when only one of them is auto-approved',
      [
        rule(0, { match: {}, approvers: ['leads'] }),
        rule(1, { match: { groups: ['ReadOnly'] }, autoApprove: true }),
      ],
      { kind: 'onboard', permissionSet: undefined, accounts: [], groups: ['ReadOnly', 'Billing'] },
      false,
    ],
    [
      'is given for onboarding into a group an auto-approving rule names',
      [
        rule(0, { match: {}, approvers: ['leads'] }),
        rule(1, { match: { groups: ['ReadOnly'] }, autoApprove: true }),
      ],
      { kind: 'onboard', permissionSet: undefined, accounts: [], groups: ['ReadOnly'] },
      true,
    ],
  ];

  it.each(cases)('%s', (_name, rules, s, expected) => {
    expect(autoApproves(subject(s), rules)).toBe(expected);
    const d = decide(subject(s), config(rules), GROUPS);
    expect(d).toMatchObject({ ok: true, autoApprove: expected });
    if (d.ok && expected) expect(d.requiredApprovals).toBe(0);
  });

  it('lets a request through with nobody to approve it when it is auto-approved', () => {
    const rules = [rule(0, { match: { accounts: ['dev'] }, autoApprove: true })];
    expect(decide(subject({}), config(rules), {})).toMatchObject({
      ok: true,
      approvers: [],
      autoApprove: true,
    });
  });
});

describe('durations', () => {
  const cases: [
    string,
    RuleConfig[],
    RuleSubject['durationMs'],
    number | null | undefined,
    number | null | string,
  ][] = [
    [
      'a stated duration within the maximum is kept',
      [rule(0, { match: {}, approvers: ['leads'], maxDurationMs: 12 * HOUR })],
      30 * MINUTE,
      12 * HOUR,
      30 * MINUTE,
    ],
    [
      'the smallest maximum of the matching rules wins',
      [
        rule(0, { match: {}, approvers: ['leads'], maxDurationMs: DAY }),
        rule(1, { match: { accounts: ['dev'] }, maxDurationMs: 2 * HOUR }),
      ],
      3 * HOUR,
      2 * HOUR,
      'duration_too_long',
    ],
    [
      "a rule allowing permanent access does not lift another rule's maximum",
      [
        rule(0, { match: {}, approvers: ['leads'], maxDurationMs: null }),
        rule(1, { match: { accounts: ['dev'] }, maxDurationMs: DAY }),
      ],
      null,
      DAY,
      'permanent_not_allowed',
    ],
    [
      'permanent access is allowed when the matching rules allow it',
      [rule(0, { match: {}, approvers: ['leads'], maxDurationMs: null })],
      null,
      null,
      null,
    ],
    [
      'any duration, permanent included, is allowed when no rule limits it',
      [rule(0, { match: {}, approvers: ['leads'] })],
      null,
      undefined,
      null,
    ],
    [
      'a long duration is allowed when no rule limits it',
      [rule(0, { match: {}, approvers: ['leads'] })],
      30 * DAY,
      undefined,
      30 * DAY,
    ],
    [
      'the default is 4h when no rule gives one and nothing limits',
      [rule(0, { match: {}, approvers: ['leads'] })],
      undefined,
      undefined,
      4 * HOUR,
    ],
    [
      'the default is 4h when permanent is allowed but no rule gives a default',
      [rule(0, { match: {}, approvers: ['leads'], maxDurationMs: null })],
      undefined,
      null,
      4 * HOUR,
    ],
    [
      'the default is cut to the maximum when the maximum is shorter than 4h',
      [rule(0, { match: {}, approvers: ['leads'], maxDurationMs: HOUR })],
      undefined,
      HOUR,
      HOUR,
    ],
    [
      'the default comes from the most specific rule that gives one',
      [
        rule(0, { match: {}, approvers: ['leads'], defaultDurationMs: 8 * HOUR }),
        rule(1, { match: { accounts: ['dev'] }, defaultDurationMs: 30 * MINUTE }),
      ],
      undefined,
      undefined,
      30 * MINUTE,
    ],
    [
      'the shortest default wins among equally specific rules',
      [
        rule(0, { match: { accounts: ['dev'] }, approvers: ['leads'], defaultDurationMs: 8 * HOUR }),
        rule(1, { match: { permissionSets: ['SeniorDeveloper'] }, defaultDurationMs: 2 * HOUR }),
      ],
      undefined,
      undefined,
      2 * HOUR,
    ],
    [
      "a default longer than another rule's maximum is cut to it, not refused",
      [
        rule(0, { match: {}, approvers: ['leads'], maxDurationMs: 2 * HOUR }),
        rule(1, { match: { accounts: ['dev'] }, defaultDurationMs: 8 * HOUR }),
      ],
      undefined,
      2 * HOUR,
      2 * HOUR,
    ],
    [
      'a permanent default is used where permanent is allowed',
      [rule(0, { match: {}, approvers: ['leads'], maxDurationMs: null, defaultDurationMs: null })],
      undefined,
      null,
      null,
    ],
    [
      'a permanent default becomes the maximum where only a time is allowed',
      [
        rule(0, { match: {}, approvers: ['leads'], defaultDurationMs: null }),
        rule(1, { match: { accounts: ['dev'] }, maxDurationMs: 12 * HOUR }),
      ],
      undefined,
      12 * HOUR,
      12 * HOUR,
    ],
  ];

  it.each(cases)('%s', (_name, rules, durationMs, max, expected) => {
    const d = decide(subject({ durationMs }), config(rules), GROUPS);
    if (typeof expected === 'string') {
      expect(d).toMatchObject({ ok: false, code: expected });
    } else {
      expect(d).toMatchObject({ ok: true, maxDurationMs: max, durationMs: expected });
    }
  });

  it('names every rule that sets the maximum it refuses with', () => {
    const rules = [
      rule(0, { match: {}, approvers: ['leads'], maxDurationMs: 2 * HOUR }),
      rule(1, { match: { accounts: ['dev'] }, maxDurationMs: 2 * HOUR }),
      rule(2, { match: { kinds: ['access'] }, maxDurationMs: DAY }),
    ];
    const d = decide(subject({ durationMs: 1 * DAY + 90 * MINUTE }), config(rules), GROUPS);
    expect(d).toEqual({
      ok: false,
      code: 'duration_too_long',
      message:
        'SeniorDeveloper on dev can be granted for at most *2h* (rules for every request and for anything on dev), and you asked for *1d 1h 30m*. Ask for `2h` or less.',
      adminMessage:
        'SeniorDeveloper on dev can be granted for at most *2h* (`rules[0]`: every request; `rules[1]`: anything on dev), and you asked for *1d 1h 30m*. Ask for `2h` or less.',
    });
  });

  it('tells a requester the rule in words, never the config file’s rules[n]', () => {
    const rules = [
      rule(0, { match: {}, approvers: ['leads'] }),
      rule(1, { match: { accounts: ['prod', 'management'] }, requireReason: true }),
    ];
    const d = decide(subject({ accounts: ['prod'] }), config(rules), GROUPS);
    expect(d).toMatchObject({ ok: false, code: 'reason_required' });
    if (d.ok) return;
    expect(d.message).toContain(
      'SeniorDeveloper on prod needs a reason (a rule for anything on prod or management)',
    );
    expect(d.message).not.toContain('rules[');
    expect(d.adminMessage).toContain('(`rules[1]`: anything on prod or management)');
  });

  it('says who may approve in words to a requester, and by key to a config admin', () => {
    const rules = [rule(0, { match: {}, approvers: ['leads'], approvals: 3 })];
    const d = decide(subject({}), config(rules), GROUPS);
    expect(d).toMatchObject({ ok: false, code: 'no_approver' });
    if (d.ok) return;
    expect(d.message).toContain('needs 3 approvals from *leads* (a rule for every request)');
    expect(d.adminMessage).toContain('(`rules[0]`: every request)');
  });

  it('says how long an extended grant would last in all, and by how much it can still be extended', () => {
    const rules = [rule(0, { match: {}, approvers: ['leads'], maxDurationMs: 12 * HOUR })];
    const d = decide(
      subject({ kind: 'extend', durationMs: 16 * HOUR, heldMs: 4 * HOUR }),
      config(rules),
      GROUPS,
    );
    expect(d).toMatchObject({ ok: false, code: 'duration_too_long' });
    if (d.ok) return;
    expect(d.message).toBe(
      'An extension of SeniorDeveloper on dev: this grant may last at most *12h* in all (a rule for every request); it lasts *4h* already, so you can extend it by up to `8h`, not *12h*.',
    );
  });

  it('says an extended grant that already lasts the longest allowed cannot be extended', () => {
    const rules = [rule(0, { match: {}, approvers: ['leads'], maxDurationMs: 12 * HOUR })];
    const d = decide(
      subject({ kind: 'extend', durationMs: 13 * HOUR, heldMs: 12 * HOUR }),
      config(rules),
      GROUPS,
    );
    expect(d.ok).toBe(false);
    if (d.ok) return;
    expect(d.message).toContain('it lasts *12h* already, so it cannot be extended');
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])(
    'throws on a duration of %s ms, a bug in the caller',
    (ms) => {
      expect(() => decide(subject({ durationMs: ms }), config(EXAMPLE), GROUPS)).toThrow(RangeError);
    },
  );
});

describe('the order of refusals', () => {
  it('says nobody could approve before it complains about the duration or the reason', () => {
    const d = decide(
      subject({
        requesterSlackId: LENA,
        permissionSet: 'AdministratorAccess',
        accounts: ['prod'],
        durationMs: DAY,
      }),
      config(EXAMPLE),
      GROUPS,
    );
    expect(d).toMatchObject({ ok: false, code: 'no_approver' });
  });

  it('complains about the duration before the reason', () => {
    const d = decide(subject({ accounts: ['prod'], durationMs: DAY }), config(EXAMPLE), GROUPS);
    expect(d).toMatchObject({ ok: false, code: 'duration_too_long' });
  });

  it('still requires a reason and limits the duration when the request is auto-approved', () => {
    const rules = [rule(0, { match: {}, autoApprove: true, requireReason: true, maxDurationMs: HOUR })];
    expect(decide(subject({ durationMs: HOUR }), config(rules), {})).toMatchObject({
      ok: false,
      code: 'reason_required',
    });
    expect(decide(subject({ durationMs: DAY, reason: 'x' }), config(rules), {})).toMatchObject({
      ok: false,
      code: 'duration_too_long',
    });
  });
});

describe('the approval channel', () => {
  const cases: [string, RuleConfig[], Partial<RuleSubject>, string][] = [
    [
      'is the default one when no matching rule names one',
      [rule(0, { match: {}, approvers: ['leads'] })],
      {},
      APPROVALS,
    ],
    [
      'is the one of the most specific matching rule that names one',
      [
        rule(0, { match: {}, approvers: ['leads'], channel: 'CGENERAL' }),
        rule(1, { match: { accounts: ['prod'] }, channel: 'CPROD' }),
        rule(2, { match: { accounts: ['prod'], permissionSets: ['SeniorDeveloper'] }, requireReason: true }),
      ],
      { accounts: ['prod'], reason: 'x' },
      'CPROD',
    ],
    [
      "is a general rule's when the specific rules name none",
      [
        rule(0, { match: {}, approvers: ['leads'], channel: 'CGENERAL' }),
        rule(1, { match: { accounts: ['prod'] }, requireReason: true }),
      ],
      { accounts: ['prod'], reason: 'x' },
      'CGENERAL',
    ],
    [
      'is the first in the file among equally specific rules',
      [
        rule(0, { match: { permissionSets: ['SeniorDeveloper'] }, approvers: ['leads'], channel: 'CFIRST' }),
        rule(1, { match: { accounts: ['dev'] }, channel: 'CSECOND' }),
      ],
      {},
      'CFIRST',
    ],
    [
      'ignores a channel of a rule that does not match',
      [
        rule(0, { match: {}, approvers: ['leads'] }),
        rule(1, { match: { accounts: ['prod'] }, channel: 'CPROD' }),
      ],
      { accounts: ['dev'] },
      APPROVALS,
    ],
  ];

  it.each(cases)('%s', (_name, rules, s, channel) => {
    expect(decide(subject(s), config(rules), GROUPS)).toMatchObject({ ok: true, channel });
  });
});

describe('matching', () => {
  const cases: [string, RuleConfig['match'], Partial<RuleSubject>, boolean][] = [
    ['a rule with no criteria matches every request', {}, {}, true],
    [
      'a rule for prod matches a request for dev and prod',
      { accounts: ['prod'] },
      { accounts: ['dev', 'prod'] },
      true,
    ],
    [
      'a rule for prod does not match a request for dev',
      { accounts: ['prod'] },
      { accounts: ['dev'] },
      false,
    ],
    [
      'a rule for a permission set does not match another one',
      { permissionSets: ['AdministratorAccess'] },
      {},
      false,
    ],
    [
      'a rule for a permission set does not match a request without one',
      { permissionSets: ['ReadOnlyAccess'] },
      { permissionSet: undefined },
      false,
    ],
    [
      'every criterion a rule names must be met',
      { permissionSets: ['SeniorDeveloper'], accounts: ['prod'] },
      { accounts: ['dev'] },
      false,
    ],
    ['a rule for some kinds matches those kinds', { kinds: ['extend', 'access'] }, { kind: 'extend' }, true],
    ['a rule for onboarding does not match an access request', { kinds: ['onboard'] }, {}, false],
    [
      'a rule for onboarding matches a bulk onboarding, which is many onboardings',
      { kinds: ['onboard'], permissionSets: ['AdministratorAccess'] },
      { kind: 'bulk_onboard', permissionSet: 'AdministratorAccess' },
      true,
    ],
    [
      'a rule for bulk onboarding does not match a single onboarding',
      { kinds: ['bulk_onboard'] },
      { kind: 'onboard' },
      false,
    ],
    [
      'a rule for a group matches a request that joins it',
      { groups: ['Billing'] },
      { groups: ['ReadOnly', 'Billing'] },
      true,
    ],
    ['a rule for a group does not match a request that joins no group', { groups: ['Billing'] }, {}, false],
    ['a criterion with an empty list matches nothing', { accounts: [] }, {}, false],
  ];

  it.each(cases)('%s', (_name, match, s, expected) => {
    expect(ruleMatches(rule(0, { match }), subject(s))).toBe(expected);
  });

  it('counts the criteria a rule names as its specificity', () => {
    expect(specificity(rule(0, { match: {} }))).toBe(0);
    expect(specificity(rule(0, { match: { accounts: ['prod'] } }))).toBe(1);
    expect(
      specificity(
        rule(0, { match: { kinds: ['access'], permissionSets: ['X'], accounts: ['a'], groups: ['g'] } }),
      ),
    ).toBe(4);
  });
});

describe('how messages name things', () => {
  const targets: [string, Partial<RuleSubject>, string][] = [
    ['access to one account', {}, 'SeniorDeveloper on dev'],
    [
      'access to several accounts',
      { accounts: ['dev', 'staging', 'prod'] },
      'SeniorDeveloper on dev, staging and prod',
    ],
    ['an extension', { kind: 'extend' }, 'an extension of SeniorDeveloper on dev'],
    [
      'onboarding',
      { kind: 'onboard', permissionSet: undefined, accounts: [], groups: ['ReadOnly', 'Billing'] },
      'onboarding into ReadOnly and Billing',
    ],
    [
      'onboarding with a permission set',
      { kind: 'onboard', accounts: ['dev'], groups: ['ReadOnly'] },
      'onboarding into ReadOnly with SeniorDeveloper on dev',
    ],
    ['offboarding', { kind: 'offboard', permissionSet: undefined, accounts: [] }, 'offboarding'],
    [
      'a role change',
      { kind: 'role_change', permissionSet: undefined, accounts: [], groups: ['Billing'] },
      'a role change into Billing',
    ],
  ];

  it.each(targets)('describes %s', (_name, s, expected) => {
    expect(describeTarget(subject(s))).toBe(expected);
  });

  const rules: [RuleConfig['match'], string][] = [
    [{}, '`rules[5]`: every request'],
    [{ accounts: ['prod'] }, '`rules[5]`: anything on prod'],
    [
      { permissionSets: ['ReadOnlyAccess'], accounts: ['dev', 'staging'] },
      '`rules[5]`: ReadOnlyAccess on dev or staging',
    ],
    [{ kinds: ['onboard'], groups: ['Billing'] }, '`rules[5]`: onboard requests joining Billing'],
  ];

  it.each(rules)('describes a rule matching %j', (match, expected) => {
    expect(describeRule(rule(5, { match }))).toBe(expected);
  });

  const inWords: [RuleConfig['match'], string][] = [
    [{}, 'every request'],
    [{ accounts: ['prod'] }, 'anything on prod'],
    [
      { permissionSets: ['ReadOnlyAccess'], accounts: ['dev', 'staging'] },
      'ReadOnlyAccess on dev or staging',
    ],
    [{ kinds: ['onboard'], groups: ['Billing'] }, 'onboardings joining Billing'],
    [{ kinds: ['extend'], permissionSets: ['AdministratorAccess'] }, 'extensions of AdministratorAccess'],
  ];

  it.each(inWords)('says a rule matching %j in words, without its key', (match, expected) => {
    expect(describeRuleInWords(rule(5, { match }))).toBe(expected);
  });
});
