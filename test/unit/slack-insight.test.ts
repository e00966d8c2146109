import { describe, expect, it } from 'vitest';
import type { UsersPage, WhoisReport } from '../../src/access/insight-api.js';
import { usersMessage } from '../../src/slack/blocks/users-message.js';
import { whoisMessage } from '../../src/slack/blocks/whois-message.js';
import { parseAccessCommand } from '../../src/slack/parse.js';
import { OPTIONS } from '../support/slack-fixtures.js';

const ctx = { userId: 'U0000SAM01', options: OPTIONS };

describe('parsing whois and users', () => {
  it.each([
    ['whois', {}],
    ['whois <@U0000KIM01|kim>', { who: 'U0000KIM01' }],
    ['whois <mailto:Kim.Leaver@example.com|Kim.Leaver@example.com>', { who: 'kim.leaver@example.com' }],
    ['whois old-ci-bot', { who: 'old-ci-bot' }],
  ])('reads `/access %s` as the person to look up', (text, input) => {
    expect(parseAccessCommand(text, ctx)).toEqual({
      subcommand: 'whois',
      result: { kind: 'complete', input },
    });
  });

  it('refuses two people at once, with the usage', () => {
    const parsed = parseAccessCommand('whois @sam @kim', ctx);
    expect(parsed).toMatchObject({ subcommand: 'whois', result: { kind: 'error' } });
    expect(JSON.stringify(parsed)).toContain('/access whois [email|@user]');
  });

  it('reads an optional page number for users and refuses anything else', () => {
    expect(parseAccessCommand('users', ctx)).toMatchObject({ result: { input: { page: 1 } } });
    expect(parseAccessCommand('users 3', ctx)).toMatchObject({ result: { input: { page: 3 } } });
    expect(parseAccessCommand('users zero', ctx)).toMatchObject({ result: { kind: 'error' } });
  });
});

describe('the whois message', () => {
  it('folds a long list of permission sets on one account with a count, and escapes names', () => {
    const report: WhoisReport = {
      user: { id: 'u-1', userName: 'max@example.com', displayName: 'Max <!channel>' },
      email: 'max@example.com',
      credentialIdsShown: true,
      groups: [{ id: 'g-1', name: '@here team' }],
      accounts: [
        {
          accountId: '111111111111',
          accountAlias: 'dev',
          permissionSets: Array.from({ length: 20 }, (_v, i) => ({
            permissionSet: `Set${String(i).padStart(2, '0')}`,
            permissionSetArn: `arn:ps-${i}`,
            sources: [{ kind: 'direct' as const }],
          })),
        },
      ],
      pendingRequests: [],
    };
    const blocks = whoisMessage(report).blocks;
    expect(JSON.stringify(blocks)).toContain('…and 8 more permission sets');
    // mrkdwn is where `<!channel>` and `@here` would act; a header is plain text and shows them as typed.
    const mrkdwn = JSON.stringify(blocks.filter((b) => b.type !== 'header'));
    expect(mrkdwn).not.toContain('<!channel>');
    expect(mrkdwn).not.toMatch(/@here/);
  });
});

describe('the users message', () => {
  const page = (n: number, total: number): UsersPage => ({
    page: n,
    pageSize: 20,
    pages: Math.max(1, Math.ceil(total / 20)),
    total,
    users: Array.from({ length: Math.min(20, total - (n - 1) * 20) }, (_v, i) => ({
      user: { id: `u-${i}`, userName: `user${i}@example.com`, displayName: `User ${i}` },
      groups: i % 2 === 0 ? ['ReadOnly'] : [],
    })),
    listedAt: new Date(Date.UTC(2026, 10, 24, 9)),
  });

  it('says which users it shows out of how many, with no pager when one page holds them all', () => {
    const one = usersMessage(page(1, 7));
    expect(one.text).toBe('Identity Center users 1–7 of 7');
    expect(one.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(usersMessage(page(2, 250)).text).toBe('Identity Center users 21–40 of 250');
  });
});
