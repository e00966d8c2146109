import { describe, expect, it } from 'vitest';
import type { ApproverGroupConfig, RuleConfig } from '../../src/config/types.js';
import {
  DEFAULT_BREAK_GLASS_PER_DAY,
  decideBreakGlass,
  type BreakGlassDecision,
  type BreakGlassSubject,
} from '../../src/domain/break-glass.js';
import { HOUR, MINUTE } from '../../src/domain/duration.js';

const LENA = 'U0000LENA';
const LEO = 'U0000LEO';
const OMAR = 'U0000OMAR';
/** A second Slack account of Omar's. */
const OMAR_AGAIN = 'U0000OMAR2';
const PAGER = 'U0000PAGE';
/** In a quiet approver group only. */
const NIGHT = 'U0000NIGHT';
const SOFIA = 'U0000SEC';
const APPROVALS = 'C0000APPROV';
const ONCALL_CHANNEL = 'C0000ONCALL';

const rule = (index: number, r: Omit<RuleConfig, 'index'>): RuleConfig => ({ index, ...r });

/** Leads approve everything; on call may break glass for ProductionSupport on prod, 2h at most, twice a day. */
const RULES: RuleConfig[] = [
  rule(0, { match: {}, approvers: ['leads'] }),
  rule(1, { match: { kinds: ['access', 'extend'] }, maxDurationMs: 12 * HOUR }),
  rule(2, { match: { accounts: ['prod'] }, requireReason: true }),
  rule(3, {
    match: { permissionSets: ['ProductionSupport'], accounts: ['prod'] },
    breakGlass: { who: ['oncall'], maxDurationMs: 2 * HOUR, perDay: 2 },
  }),
  rule(4, {
    match: { permissionSets: ['SecurityAdmin'] },
    approvers: ['security'],
    breakGlass: { who: ['security'], maxDurationMs: 4 * HOUR },
  }),
  rule(5, { match: { permissionSets: ['ReadOnlyAccess'] }, autoApprove: true }),
];
const GROUPS = { leads: [LENA, LEO], oncall: [OMAR, PAGER], security: [SOFIA] };

const config = (rules: RuleConfig[] = RULES, approvers: Record<string, ApproverGroupConfig> = {}) => ({
  rules,
  channels: { approvals: APPROVALS },
  approvers,
});

const subject = (s: Partial<BreakGlassSubject> = {}): BreakGlassSubject => ({
  requesterSlackId: OMAR,
  permissionSet: 'ProductionSupport',
  accounts: ['prod'],
  durationMs: HOUR,
  reason: 'INC-4711 payments are down',
  inGroup: (g) => g === 'oncall',
  ...s,
});

type Refused = Extract<BreakGlassDecision, { ok: false }>;
function refused(decision: BreakGlassDecision): Refused {
  if (decision.ok) throw new Error(`expected a refusal, got ${JSON.stringify(decision)}`);
  return decision;
}

describe('break-glass is refused', () => {
  it('for what no rule offers at all, saying nobody may break glass for it', () => {
    const d = refused(
      decideBreakGlass(
        subject(),
        config([rule(0, { match: { accounts: ['dev'] }, approvers: ['leads'] })]),
        GROUPS,
      ),
    );
    expect(d.code).toBe('not_offered');
    expect(d.message).toMatch(/No rule offers ProductionSupport on prod, so nobody may break glass for it/);
  });

  it('for what the rules offer but no rule lets anyone take at once, pointing to an ordinary request', () => {
    const d = refused(decideBreakGlass(subject({ permissionSet: 'Developer' }), config(), GROUPS));
    expect(d.code).toBe('not_break_glass');
    expect(d.message).toContain('No rule allows break-glass for Developer on prod');
    expect(d.message).toContain('`/access request Developer prod 1h …`');
  });

  it('to someone outside the rule’s `who`, naming the groups that may, in words for the requester', () => {
    const d = refused(decideBreakGlass(subject({ inGroup: () => false }), config(), GROUPS));
    expect(d.code).toBe('not_allowed');
    expect(d.message).toContain('Only *oncall* may break glass for ProductionSupport on prod');
    expect(d.message).toContain('you are not in it');
    expect(d.message).not.toContain('rules[3]');
    expect(d.adminMessage).toContain('`rules[3]`');
  });

  it('to a member of an approver group that a rule names for another target only', () => {
    // Sofia may break glass for SecurityAdmin, not for ProductionSupport.
    const d = refused(
      decideBreakGlass(
        subject({ requesterSlackId: SOFIA, inGroup: (g) => g === 'security' }),
        config(),
        GROUPS,
      ),
    );
    expect(d.code).toBe('not_allowed');
  });

  it('for longer than the break-glass maxDuration, saying the longest it may last', () => {
    const d = refused(decideBreakGlass(subject({ durationMs: 3 * HOUR }), config(), GROUPS));
    expect(d.code).toBe('duration_too_long');
    expect(d.message).toContain('lasts at most *2h*');
    expect(d.message).toContain('you asked for *3h*');
    expect(d.message).toContain('Ask for `2h` or less');
  });

  it('for longer than a matching rule’s own maxDuration when that is shorter than the break-glass one', () => {
    const rules = [...RULES, rule(6, { match: { accounts: ['prod'] }, maxDurationMs: 90 * MINUTE })];
    const d = refused(decideBreakGlass(subject({ durationMs: 2 * HOUR }), config(rules), GROUPS));
    expect(d.code).toBe('duration_too_long');
    expect(d.message).toContain('lasts at most *1h 30m*');
    expect(d.adminMessage).toContain('`rules[6]`');
  });

  it('when nobody but the requester could review it', () => {
    const d = refused(
      decideBreakGlass(subject({ requesterSlackId: LENA, inGroup: () => true }), config(), {
        ...GROUPS,
        leads: [LENA],
      }),
    );
    expect(d.code).toBe('no_approver');
    expect(d.message).toMatch(/^Nobody but you could review a break-glass use of ProductionSupport on prod/);
  });

  it('when the only other reviewer is a second Slack account of the requester', () => {
    const d = refused(
      decideBreakGlass(
        subject({ requesterSlackId: LENA, inGroup: () => true, samePerson: [LENA, LEO] }),
        config(),
        GROUPS,
      ),
    );
    expect(d.code).toBe('no_approver');
  });

  it('when the rules approve it without anyone, so nobody would review it', () => {
    const rules = [
      rule(0, {
        match: { permissionSets: ['ReadOnlyAccess'] },
        autoApprove: true,
        breakGlass: { who: ['oncall'], maxDurationMs: HOUR },
      }),
    ];
    const d = refused(decideBreakGlass(subject({ permissionSet: 'ReadOnlyAccess' }), config(rules), GROUPS));
    expect(d.code).toBe('no_approver');
  });

  it('when a matching rule requires a ticket that the reason does not carry', () => {
    const rules = RULES.map((r) =>
      r.index === 3
        ? { ...r, requireTicket: { pattern: 'INC-\\d+', url: 'https://tracker.example.com/{ticket}' } }
        : r,
    );
    const d = refused(decideBreakGlass(subject({ reason: 'payments are down' }), config(rules), GROUPS));
    expect(d.code).toBe('ticket_required');
  });
});

describe('break-glass is allowed', () => {
  it('to someone in `who`, naming the rules that allow it and the approvers who review it', () => {
    const d = decideBreakGlass(subject(), config(), GROUPS);
    expect(d).toEqual({
      ok: true,
      matchedRules: [0, 1, 2, 3],
      allowedBy: [3],
      allowedByWords: 'a rule for ProductionSupport on prod',
      approvers: [LENA, LEO],
      told: [LENA, LEO],
      maxDurationMs: 2 * HOUR,
      perDay: 2,
      channel: APPROVALS,
    });
  });

  it('up to its maxDuration exactly', () => {
    expect(decideBreakGlass(subject({ durationMs: 2 * HOUR }), config(), GROUPS).ok).toBe(true);
  });

  it('once a day when the rule does not say how often', () => {
    const d = decideBreakGlass(
      subject({ requesterSlackId: SOFIA, permissionSet: 'SecurityAdmin', inGroup: (g) => g === 'security' }),
      config(),
      { ...GROUPS, security: [SOFIA, LEO] },
    );
    expect(d).toMatchObject({ ok: true, perDay: DEFAULT_BREAK_GLASS_PER_DAY, approvers: [LEO] });
  });

  it('with the smallest perDay and the shortest maxDuration of all rules that allow it', () => {
    const rules = [
      ...RULES,
      rule(6, {
        match: { accounts: ['prod'] },
        breakGlass: { who: ['oncall'], maxDurationMs: 90 * MINUTE, perDay: 1 },
      }),
    ];
    expect(decideBreakGlass(subject(), config(rules), GROUPS)).toMatchObject({
      ok: true,
      allowedBy: [3, 6],
      maxDurationMs: 90 * MINUTE,
      perDay: 1,
    });
  });

  it('never naming the requester, nor their second Slack account, among its reviewers', () => {
    const d = decideBreakGlass(
      subject({ requesterSlackId: LENA, inGroup: () => true, samePerson: [LENA, OMAR_AGAIN] }),
      config(),
      { ...GROUPS, leads: [LENA, LEO, OMAR_AGAIN] },
    );
    expect(d).toMatchObject({ ok: true, approvers: [LEO], told: [LEO] });
  });

  it('telling every approver but those only in a group marked `notify: false`', () => {
    const rules = RULES.map((r) => (r.index === 0 ? { ...r, approvers: ['leads', 'nightshift'] } : r));
    const d = decideBreakGlass(
      subject(),
      config(rules, { leads: { users: [LENA, LEO] }, nightshift: { users: [NIGHT], notify: false } }),
      {
        ...GROUPS,
        nightshift: [NIGHT],
      },
    );
    expect(d).toMatchObject({ ok: true, approvers: [LENA, LEO, NIGHT], told: [LENA, LEO] });
  });

  it('with its card in the channel of the most specific rule that names one', () => {
    const rules = RULES.map((r) => (r.index === 3 ? { ...r, channel: ONCALL_CHANNEL } : r));
    expect(decideBreakGlass(subject(), config(rules), GROUPS)).toMatchObject({
      ok: true,
      channel: ONCALL_CHANNEL,
    });
  });
});
