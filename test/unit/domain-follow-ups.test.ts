import { describe, expect, it } from 'vitest';
import type { RuleConfig } from '../../src/config/types.js';
import { HOUR, MINUTE } from '../../src/domain/duration.js';
import { combineRemindPlans, quietApprovers, remindPlanOf } from '../../src/domain/follow-ups.js';
import { autoApproves, decide, onCallSchedulesFor, type RuleSubject } from '../../src/domain/rules.js';

const LENA = 'U0000LENA';
const LEO = 'U0000LEO';
const SEC = 'U0000SEC';
const OMAR = 'U0000OMAR';
const rule = (index: number, r: Omit<RuleConfig, 'index'>): RuleConfig => ({ index, ...r });
const channels = { approvals: 'C0000APPROV' };
const GROUPS = { leads: [LENA, LEO], secops: [SEC], admins: ['U0000ADA'] };

const ask = (over: Partial<RuleSubject> = {}): RuleSubject => ({
  kind: 'access',
  requesterSlackId: OMAR,
  permissionSet: 'ProductionSupport',
  accounts: ['prod'],
  durationMs: 2 * HOUR,
  reason: 'incident',
  ...over,
});

const ON_CALL: RuleConfig[] = [
  rule(0, { match: {}, approvers: ['leads'] }),
  rule(1, { match: { permissionSets: ['ProductionSupport'] }, autoApprove: { onCall: 'production' } }),
];

describe('on-call auto-approval in the rules', () => {
  it('does not approve at once when the requester is not on call', () => {
    const d = decide(ask(), { rules: ON_CALL, channels }, GROUPS, new Set());
    expect(d.ok && d.autoApprove).toBe(false);
    expect(d.ok && d.approvers).toEqual([LENA, LEO]);
  });

  it('does not approve at once when the requester is on call in another schedule', () => {
    expect(autoApproves(ask(), ON_CALL, new Set(['platform']))).toBe(false);
  });

  it('never approves admin work on call, even for someone on call', () => {
    const subject = ask({ kind: 'onboard', excludedApprovers: [] });
    expect(onCallSchedulesFor(subject, ON_CALL)).toEqual([]);
    expect(autoApproves(subject, ON_CALL, new Set(['production']))).toBe(false);
  });

  it('asks no schedule when another equally specific rule forbids auto-approval anyway', () => {
    const rules = [...ON_CALL, rule(2, { match: { permissionSets: ['ProductionSupport'] }, approvals: 2 })];
    expect(onCallSchedulesFor(ask(), rules)).toEqual([]);
  });

  it('approves at once for the person on call, and says which schedule it rested on', () => {
    expect(onCallSchedulesFor(ask(), ON_CALL)).toEqual(['production']);
    const d = decide(ask(), { rules: ON_CALL, channels }, GROUPS, new Set(['production']));
    expect(d.ok && d.autoApprove).toBe(true);
    expect(d.ok && d.autoApprovedOnCall).toEqual(['production']);
  });
});

describe('reminders and escalation the rules ask for', () => {
  const remind = (after: number, escalateAfter?: number, escalateTo?: string[]) => ({
    afterMs: after,
    ...(escalateAfter !== undefined ? { escalateAfterMs: escalateAfter } : {}),
    ...(escalateTo !== undefined ? { escalateTo } : {}),
  });

  it('plans nothing when no rule says to remind', () => {
    expect(remindPlanOf(ON_CALL)).toBeUndefined();
  });

  it('reminds at the shortest `after`, and escalates as the most specific escalating rule says', () => {
    const rules = [
      rule(0, { match: {}, remind: remind(60 * MINUTE, 4 * HOUR, ['admins']) }),
      rule(1, { match: { accounts: ['prod'] }, remind: remind(15 * MINUTE, 2 * HOUR, ['secops']) }),
    ];
    expect(remindPlanOf(rules)).toEqual({
      afterMs: 15 * MINUTE,
      escalateAfterMs: 2 * HOUR,
      escalateTo: ['secops'],
    });
  });

  it('combines the plans of admin work’s parts: shortest times, every escalation group', () => {
    expect(
      combineRemindPlans([remind(30 * MINUTE), remind(10 * MINUTE, 3 * HOUR, ['admins']), undefined]),
    ).toEqual({ afterMs: 10 * MINUTE, escalateAfterMs: 3 * HOUR, escalateTo: ['admins'] });
  });
});

describe('approver groups that are never pinged (notify: false)', () => {
  const approvers = {
    leads: { users: [LENA, LEO] },
    secops: { users: [SEC, LEO], notify: false },
  };
  const groups = { leads: [LENA, LEO], secops: [SEC, LEO] };

  it('keeps quiet those only in a quiet group, and names their group instead', () => {
    expect(quietApprovers([LENA, LEO, SEC], groups, { approvers })).toEqual({
      approvers: [SEC],
      groups: ['secops'],
    });
  });

  it('pings someone who is also in a group that notifies', () => {
    expect(quietApprovers([LENA, LEO], groups, { approvers })).toBeUndefined();
  });
});
