import { describe, expect, it } from 'vitest';
import { LIMITS, WORD_JOINER, escapeMrkdwn, joinWords, mention, truncate } from '../../src/domain/text.js';

const J = WORD_JOINER;

describe('escaping user text for Slack mrkdwn', () => {
  const cases: [string, string, string][] = [
    ['leaves plain text alone', 'fixing INC-4711 in prod', 'fixing INC-4711 in prod'],
    ['escapes ampersands first, so escapes are not escaped twice', 'R&D &lt;', 'R&amp;D &amp;lt;'],
    ['cannot ping the channel with a control sequence', '<!channel> look', '&lt;!channel&gt; look'],
    ['cannot ping here with a control sequence', 'hey <!here|here>', 'hey &lt;!here|here&gt;'],
    ['cannot mention a user', 'ask <@U0000LEO>', `ask &lt;@${J}U0000LEO&gt;`],
    ['cannot mention a user group', '<!subteam^S0000SEC01>', '&lt;!subteam^S0000SEC01&gt;'],
    [
      'cannot fake a link whose label hides its target',
      '<http://evil.example|https://aws.amazon.com>',
      '&lt;http://evil.example|https://aws.amazon.com&gt;',
    ],
    ['neutralises a plain @channel', '@channel deploy now', `@${J}channel deploy now`],
    [
      'neutralises a plain @here and @everyone in any case',
      'cc @HERE, @Everyone',
      `cc @${J}HERE, @${J}Everyone`,
    ],
    ['neutralises a plain @name after punctuation', '(@leads)', `(@${J}leads)`],
    ['leaves email addresses intact', 'mail lena.lead@example.com', 'mail lena.lead@example.com'],
    ['leaves a lone @ alone', 'meet @ 10', 'meet @ 10'],
    ['leaves formatting marks as typed', '*bold* _it_ `code`', '*bold* _it_ `code`'],
  ];

  it.each(cases)('%s', (_name, input, expected) => {
    expect(escapeMrkdwn(input)).toBe(expected);
  });

  it('keeps the text looking the same: only invisible joiners are added to words', () => {
    expect(escapeMrkdwn('@channel').replaceAll(J, '')).toBe('@channel');
  });
});

describe('truncating', () => {
  const cases: [string, string, number, string][] = [
    ['leaves text that fits alone', 'short', 10, 'short'],
    ['leaves text of exactly the limit alone', 'exactly10!', 10, 'exactly10!'],
    ['cuts long text and ends it with an ellipsis', 'abcdefghijkl', 5, 'abcd…'],
    ['does not leave a space before the ellipsis', 'abc defgh', 5, 'abc…'],
    ['never splits an emoji in two', 'ab😀cd', 4, 'ab…'],
    ['never leaves half an escape behind', 'a &amp; b', 5, 'a…'],
    ['keeps an ampersand that is not part of an escape', 'AT&T rocks', 6, 'AT&T…'],
    ['gives an ellipsis alone for a limit of one', 'abc', 1, '…'],
    ['gives nothing for a limit of zero', 'abc', 0, ''],
  ];

  it.each(cases)('%s', (_name, text, max, expected) => {
    const out = truncate(text, max);
    expect(out).toBe(expected);
    expect(out.length).toBeLessThanOrEqual(max);
  });

  it('refuses a limit that is not a whole number of characters', () => {
    expect(() => truncate('abc', -1)).toThrow(RangeError);
    expect(() => truncate('abc', 1.5)).toThrow(RangeError);
  });
});

describe('mentions', () => {
  it('mention a user by id', () => {
    expect(mention('U0000LEO')).toBe('<@U0000LEO>');
    expect(mention('W012ABC')).toBe('<@W012ABC>');
  });

  it.each(['', 'leo', 'U123>', 'C0000APPROV', '!channel'])('refuse %j, which is not a user id', (id) => {
    expect(() => mention(id)).toThrow(RangeError);
  });
});

describe('lists in sentences', () => {
  const cases: [string[], 'and' | 'or', string][] = [
    [[], 'and', ''],
    [['dev'], 'and', 'dev'],
    [['dev', 'prod'], 'and', 'dev and prod'],
    [['dev', 'staging', 'prod'], 'or', 'dev, staging or prod'],
  ];

  it.each(cases)('join %j with %s', (items, conjunction, expected) => {
    expect(joinWords(items, conjunction)).toBe(expected);
  });
});

describe('limits', () => {
  it('keep reasons and deny reasons to 500 characters', () => {
    expect(LIMITS).toEqual({ reason: 500, denyReason: 500 });
  });
});
