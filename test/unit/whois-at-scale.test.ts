/**
 * whois of someone with access on 1,000 accounts: the message stays inside each of Slack's limits (50 blocks,
 * 3,000 characters in a section, 2,000 in a field, 40,000 in all) and every account and assignment is shown or
 * counted.
 */
import { describe, expect, it } from 'vitest';
import type { AccountAccess, WhoisReport } from '../../src/access/insight-api.js';
import type { Block } from '../../src/slack/blocks/kit.js';
import { blocksText, MESSAGE_TEXT_LIMIT, whoisMessage } from '../../src/slack/blocks/whois-message.js';

const accountId = (n: number): string => String(500_000_000_000 + n);
const alias = (n: number): string => `team-${String(n).padStart(4, '0')}`;

function report(accounts: AccountAccess[], overrides: Partial<WhoisReport> = {}): WhoisReport {
  return {
    user: { id: 'u-wide', userName: 'wide.access@example.com', displayName: 'Wide Access' },
    email: 'wide.access@example.com',
    credentialIdsShown: true,
    groups: [
      { id: 'g-1', name: 'Platform' },
      { id: 'g-2', name: 'Security' },
    ],
    accounts,
    pendingRequests: [],
    ...overrides,
  };
}

/** 1,000 accounts: ReadOnlyAccess and SecurityAudit through groups on all, Developer direct on 300, grants on 40. */
function thousandAccounts(): AccountAccess[] {
  return Array.from({ length: 1000 }, (_v, i) => ({
    accountId: accountId(i),
    accountAlias: alias(i),
    permissionSets: [
      ...(i < 300
        ? [
            {
              permissionSet: 'Developer',
              permissionSetArn: 'arn:ps-dev',
              sources: [{ kind: 'direct' as const }],
            },
          ]
        : []),
      {
        permissionSet: 'ReadOnlyAccess',
        permissionSetArn: 'arn:ps-ro',
        sources: [{ kind: 'group' as const, group: 'Platform' }],
      },
      {
        permissionSet: 'SecurityAudit',
        permissionSetArn: 'arn:ps-sec',
        sources: [{ kind: 'group' as const, group: 'Security' }],
      },
      ...(i % 25 === 0
        ? [
            {
              permissionSet: 'ProductionSupport',
              permissionSetArn: 'arn:ps-ps',
              sources: [
                {
                  kind: 'grant' as const,
                  requestId: 'R-0042',
                  grantId: `G-${i}`,
                  endsAt: new Date('2026-12-08T12:00:00Z'),
                  inAws: true,
                },
              ],
            },
          ]
        : []),
    ],
  }));
}

function expectInsideSlackLimits(text: string, blocks: readonly Block[]): void {
  expect(blocks.length).toBeLessThanOrEqual(50);
  for (const block of blocks) {
    if (block.type === 'section') {
      expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(3000);
      for (const f of block.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(2000);
    }
    if (block.type === 'context') {
      for (const e of block.elements) if ('text' in e) expect(e.text.length).toBeLessThanOrEqual(3000);
    }
  }
  expect(blocksText(blocks) + text.length).toBeLessThanOrEqual(MESSAGE_TEXT_LIMIT);
}

/** Each "on N accounts: a, b, … and M more" line: the names shown plus M make N. */
function foldLines(blocks: readonly Block[]): { line: string; on: number; shown: number; more: number }[] {
  const text = blocks
    .flatMap((b) => (b.type === 'section' && b.text !== undefined ? [b.text.text] : []))
    .join('\n');
  return text
    .split('\n')
    .filter((l) => /^• \*.+ on [\d,]+ accounts?: /.test(l))
    .map((line) => {
      const on = Number(/ on ([\d,]+) accounts?: /.exec(line)![1]!.replace(/,/g, ''));
      const names = line.slice(line.indexOf(': ') + 2);
      const more = Number(/… and (\d+) more$/.exec(names)?.[1] ?? 0);
      const shown = names.replace(/, … and \d+ more$/, '').split(', ').length;
      return { line, on, shown, more };
    });
}

describe('whois of a person with access on 1,000 accounts', () => {
  it('folds the access by permission set, with a count, inside every Slack limit', () => {
    const msg = whoisMessage(report(thousandAccounts()));
    expectInsideSlackLimits(msg.text, msg.blocks);
    const all = JSON.stringify(msg.blocks);
    expect(all).toContain('Access on 1,000 accounts* (2,340 permission set assignments), by permission set');

    const lines = foldLines(msg.blocks);
    expect(lines.map((l) => [l.line.slice(0, l.line.indexOf(' on ')), l.on])).toEqual([
      ['• *ReadOnlyAccess* through group *Platform*', 1000],
      ['• *SecurityAudit* through group *Security*', 1000],
      ['• *Developer* direct', 300],
      [expect.stringMatching(/^• \*ProductionSupport\* access-desk grant until .*\(R-0042\)$/), 40],
    ]);
    expect(lines[0]!.line).toMatch(/on 1,000 accounts: team-0000, team-0001, .*, … and \d+ more$/);
    // Every account is named or counted in the fold, on each line.
    for (const l of lines) expect(l.shown + l.more).toBe(l.on);
    expect(lines[0]!.more).toBeGreaterThan(900);
  });

  it('stays inside the limits and counts what it leaves out, however many different lines there are', () => {
    // 1,000 accounts each holding six sets from a grant of its own: 6,000 lines that cannot fold together.
    const accounts: AccountAccess[] = Array.from({ length: 1000 }, (_v, i) => ({
      accountId: accountId(i),
      accountAlias: `${alias(i)}-${'x'.repeat(40)}`,
      permissionSets: Array.from({ length: 6 }, (_w, j) => ({
        permissionSet: `Set${j}-${'y'.repeat(25)}`,
        permissionSetArn: `arn:ps-${j}`,
        sources: [
          {
            kind: 'grant' as const,
            requestId: `R-${i}-${j}`,
            grantId: `G-${i}-${j}`,
            endsAt: null,
            inAws: false,
          },
          { kind: 'group' as const, group: `Group-${i}-${'z'.repeat(100)}` },
        ],
      })),
    }));
    const huge = report(accounts, {
      groups: Array.from({ length: 500 }, (_v, i) => ({
        id: `g-${i}`,
        name: `group-${i}-${'g'.repeat(60)}`,
      })),
      groupAssignmentsReadAt: new Date('2026-12-07T15:00:00Z'),
    });
    const msg = whoisMessage(huge);
    expectInsideSlackLimits(msg.text, msg.blocks);
    const lines = foldLines(msg.blocks);
    const folded = /…and (\d+) more permission set lines \((\d+) assignments\)/.exec(
      JSON.stringify(msg.blocks),
    );
    expect(folded).not.toBeNull();
    expect(lines.length + Number(folded![1])).toBe(6000);
    expect(JSON.stringify(msg.blocks)).toContain('except what groups give: as read <!date^');
  });

  it('still lists each account in full when they all fit', () => {
    const msg = whoisMessage(report(thousandAccounts().slice(0, 20)));
    expectInsideSlackLimits(msg.text, msg.blocks);
    const all = JSON.stringify(msg.blocks);
    expect(all).toContain('*team-0007* · 500000000007');
    expect(all).not.toContain('by permission set');
  });
});
