/**
 * Who has gone quiet: the audit's judgement of inactive users (pure), audit.inactiveAfter in the config, the
 * summary line, the CSV's columns, and the summary message's Offboard buttons.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { auditCsv } from '../../src/access/audit/csv.js';
import { DAY_MS, inactiveUsers, judgeActivity, lastSignInOf } from '../../src/access/audit/inactive.js';
import { buildAuditReport } from '../../src/access/audit/report.js';
import { inactiveLines, summaryLines } from '../../src/access/audit/summary.js';
import type { AuditSnapshot } from '../../src/access/audit/types.js';
import { parseConfig } from '../../src/config/parse.js';
import type { DirectoryUser, LastSignIns } from '../../src/domain/identity.js';
import { auditStatusMessage } from '../../src/slack/blocks/audit-messages.js';
import { ACTION } from '../../src/slack/ids.js';
import { offboardTargetOf } from '../../src/slack/listeners/actions/audit-offboard-button.js';
import { EXAMPLE_CONFIG_PATH } from '../support/access-harness.js';
import { csvObjects } from '../support/csv-parse.js';

const NOW = new Date('2026-12-01T12:00:00Z');
const daysAgo = (n: number): Date => new Date(NOW.getTime() - n * DAY_MS);

const user = (name: string, extra: Partial<DirectoryUser> = {}): DirectoryUser => ({
  id: `id-${name}`,
  userName: `${name}@example.com`,
  displayName: name,
  email: `${name}@example.com`,
  ...extra,
});

function history(
  byId: Record<string, Date>,
  byName: Record<string, Date> = {},
  fromDaysAgo = 90,
): LastSignIns {
  return {
    byUserId: new Map(Object.entries(byId)),
    byUserName: new Map(Object.entries(byName)),
    from: daysAgo(fromDaysAgo),
    to: NOW,
    pages: 3,
    events: Object.keys(byId).length + Object.keys(byName).length,
  };
}

describe('whether a user has gone quiet', () => {
  const NINETY = 90 * DAY_MS;
  const cases: {
    name: string;
    who: DirectoryUser;
    signIns: LastSignIns | undefined;
    after?: number;
    inactive: boolean | undefined;
  }[] = [
    {
      name: 'signed in last week: active',
      who: user('sam'),
      signIns: history({ 'id-sam': daysAgo(7) }),
      inactive: false,
    },
    {
      name: 'no sign-in in the 90 days CloudTrail keeps: inactive',
      who: user('felix'),
      signIns: history({}),
      inactive: true,
    },
    {
      name: 'last signed in 45 days ago, judged at 30 days: inactive',
      who: user('frank'),
      signIns: history({ 'id-frank': daysAgo(45) }),
      after: 30 * DAY_MS,
      inactive: true,
    },
    {
      name: 'last signed in 45 days ago, judged at 90 days: active',
      who: user('frank'),
      signIns: history({ 'id-frank': daysAgo(45) }),
      inactive: false,
    },
    {
      name: 'created ten days ago and never signed in: too new to have gone quiet',
      who: user('nina', { createdAt: daysAgo(10) }),
      signIns: history({}),
      inactive: false,
    },
    {
      name: 'created a year ago and never signed in: inactive',
      who: user('old', { createdAt: daysAgo(365) }),
      signIns: history({}),
      inactive: true,
    },
    {
      name: 'an older event naming them by user name counts as theirs',
      who: user('kim'),
      signIns: history({}, { 'kim@example.com': daysAgo(3) }),
      inactive: false,
    },
    {
      name: 'disabled and quiet: inactive (and shown as disabled)',
      who: user('ivy', { status: 'DISABLED' }),
      signIns: history({}),
      inactive: true,
    },
    {
      name: 'the sign-ins were not read: cannot be told',
      who: user('sam'),
      signIns: undefined,
      inactive: undefined,
    },
    {
      name: 'the history read reaches back only 10 days: a quiet user cannot be told from one away a month',
      who: user('sam'),
      signIns: history({}, {}, 10),
      inactive: undefined,
    },
  ];
  it.each(cases)('$name', ({ who, signIns, after, inactive }) => {
    expect(judgeActivity(who, signIns, NOW, after ?? NINETY).inactive).toBe(inactive);
  });

  it('takes the latest sign-in whether the event named the user by id, user name or email', () => {
    const kim = user('kim', { userName: 'kim' });
    const signIns = history({ 'id-kim': daysAgo(30) }, { kim: daysAgo(20), 'kim@example.com': daysAgo(2) });
    expect(lastSignInOf(kim, signIns)).toEqual(daysAgo(2));
  });

  it('lists the inactive longest quiet first: never signed in, then the oldest sign-in', () => {
    const signIns = history({ 'id-b': daysAgo(120), 'id-c': daysAgo(95), 'id-d': daysAgo(1) });
    const activity = ['c', 'a', 'd', 'b'].map((n) => judgeActivity(user(n), signIns, NOW));
    expect(inactiveUsers(activity).map((a) => a.user.userName)).toEqual([
      'a@example.com',
      'b@example.com',
      'c@example.com',
    ]);
  });
});

describe('audit.inactiveAfter in the config', () => {
  const example = readFileSync(EXAMPLE_CONFIG_PATH, 'utf8');
  const withValue = (value: string | undefined) =>
    parseConfig(
      value === undefined
        ? example.replace(/\naudit:\n {2}inactiveAfter: 90d\n/, '\n')
        : example.replace('inactiveAfter: 90d', `inactiveAfter: ${value}`),
      {},
      'access-desk.yml',
    );

  it('is 90 days when the file does not say', () => {
    const parsed = withValue(undefined);
    expect(parsed.ok && parsed.config.audit.inactiveAfterMs).toBe(90 * DAY_MS);
  });

  it('takes a shorter time in days', () => {
    const parsed = withValue('30d');
    expect(parsed.ok && parsed.config.audit.inactiveAfterMs).toBe(30 * DAY_MS);
  });

  it('refuses more than 90 days, saying CloudTrail keeps only 90 days of sign-ins', () => {
    const parsed = withValue('120d');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors.join('\n')).toMatch(
      /audit\.inactiveAfter: must be at most 90d: CloudTrail keeps only 90 days/,
    );
  });

  it('refuses less than a day, and permanent', () => {
    for (const value of ['12h', 'permanent']) {
      const parsed = withValue(value);
      expect(parsed.ok, value).toBe(false);
      if (!parsed.ok) expect(parsed.errors.join('\n')).toMatch(/audit\.inactiveAfter/);
    }
  });
});

function snapshot(users: DirectoryUser[], signIns: LastSignIns | undefined, unread?: string): AuditSnapshot {
  return {
    users,
    groups: [],
    members: new Map(),
    permissionSets: [],
    assignments: [],
    legacyIamUsers: [],
    signIns,
    ...(unread !== undefined ? { signInsUnread: unread } : {}),
    startedAt: NOW,
    finishedAt: NOW,
  };
}

describe('the report of who has gone quiet', () => {
  const users = [user('sam'), user('felix'), user('ivy', { status: 'DISABLED' })];
  const signIns = history({ 'id-sam': daysAgo(1), 'id-ivy': daysAgo(150) });
  const report = buildAuditReport(snapshot(users, signIns), { accounts: {}, grants: [], now: NOW });

  it('says how many users have not signed in for the configured time, and how many are disabled', () => {
    const lines = summaryLines(report.summary);
    expect(lines).toContain(
      '• 2 users with no sign-in for 90 days (sign-ins from CloudTrail: 2 sign-ins in 3 pages, at least 1.5 s at 2 pages/s)',
    );
    expect(lines).toContain('• 1 user disabled in Identity Center');
  });

  it('says the sign-ins could not be read, and judges nobody, when CloudTrail refused', () => {
    const unread = buildAuditReport(snapshot(users, undefined, 'AWS refused LookupEvents.'), {
      accounts: {},
      grants: [],
      now: NOW,
    });
    expect(unread.summary.inactiveUsers).toBeUndefined();
    expect(summaryLines(unread.summary).join('\n')).toMatch(
      /Sign-ins: could not be read from CloudTrail \(AWS refused LookupEvents\.\), so nobody is judged inactive/,
    );
  });

  it('gives every user’s status, last sign-in and inactivity in the CSV, and a line per inactive user', () => {
    const rows = csvObjects(auditCsv(report));
    const noAccess = rows.filter((r) => r.record === 'no_access');
    expect(noAccess.map((r) => [r.user_name, r.user_status, r.last_sign_in_at, r.inactive])).toEqual([
      ['felix@example.com', 'ENABLED', '', 'yes'],
      ['ivy@example.com', 'DISABLED', daysAgo(150).toISOString(), 'yes'],
      ['sam@example.com', 'ENABLED', daysAgo(1).toISOString(), 'no'],
    ]);
    const inactive = rows.filter((r) => r.record === 'inactive_user');
    expect(inactive.map((r) => r.user_name)).toEqual(['felix@example.com', 'ivy@example.com']);
    expect(inactive[0]!.detail).toBe("No sign-in in CloudTrail's history (it keeps 90 days).");
    expect(inactive[1]!.detail).toBe(`No sign-in for 90 days: the last was ${daysAgo(150).toISOString()}.`);
  });

  it('names the inactive users for the terminal, each with how to offboard them', () => {
    expect(inactiveLines(report.activity)).toEqual([
      'Inactive users (the longest quiet first); offboard with /access offboard <email>:',
      '  felix@example.com: no sign-in in CloudTrail’s 90 days',
      `  ivy@example.com: last signed in ${daysAgo(150).toISOString()} (DISABLED)`,
    ]);
  });
});

describe('the audit summary message', () => {
  const inactive = Array.from({ length: 3 }, (_v, i) => ({
    userName: `quiet${i}@example.com`,
    displayName: `Quiet ${i}`,
    email: `quiet${i}@example.com`,
    disabled: i === 2,
    ...(i > 0 ? { lastSignIn: daysAgo(100 + i) } : {}),
  }));
  const buttonsOf = (blocks: unknown[]) =>
    blocks.flatMap((b) => {
      const accessory = (b as { accessory?: { action_id?: string; value?: string } }).accessory;
      return accessory?.action_id === ACTION.auditOffboard ? [accessory.value] : [];
    });

  it('offers an Offboard button for each inactive user it names, valued with whom it offboards', () => {
    const msg = auditStatusMessage({
      requestedBy: 'U0000ADMIN',
      state: 'done',
      text: 'Audit of 3 users',
      inactive,
      inactiveNotShown: 7,
    });
    expect(buttonsOf(msg.blocks)).toEqual(['quiet0@example.com', 'quiet1@example.com', 'quiet2@example.com']);
    const text = JSON.stringify(msg.blocks);
    expect(text).toContain('…and 7 more inactive users');
    expect(text).toContain(':no_entry: disabled');
    expect(msg.blocks.length).toBeLessThanOrEqual(50);
  });

  it('offers no button while the audit runs, or when it stopped', () => {
    for (const state of ['running', 'failed'] as const) {
      const msg = auditStatusMessage({ requestedBy: 'U0000ADMIN', state, text: 'x', inactive });
      expect(buttonsOf(msg.blocks)).toEqual([]);
    }
  });

  it('takes an email or user name from the button, and nothing that names nobody', () => {
    expect(offboardTargetOf(' kim.leaver@example.com ')).toBe('kim.leaver@example.com');
    expect(offboardTargetOf('kim')).toBe('kim');
    for (const bad of ['', '   ', 'two words', '<@U123>', 'x'.repeat(300), 42, undefined])
      expect(offboardTargetOf(bad), String(bad)).toBeUndefined();
  });
});
