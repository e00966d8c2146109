import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE } from '../../src/domain/duration.js';
import { COMMAND_TEXT_MAX, parseAccessCommand, type ParsedCommand } from '../../src/slack/parse.js';
import { parseDenyModal, parseExtendModal, parseRequestModal } from '../../src/slack/parse-modal.js';
import { plainFromSlack, parsePersonRef } from '../../src/slack/slack-text.js';
import { ACTION, BLOCK } from '../../src/slack/ids.js';
import { OPTIONS, REQUESTER } from '../support/slack-fixtures.js';

const ctx = { userId: REQUESTER, options: OPTIONS };
const parse = (text: string): ParsedCommand => parseAccessCommand(text, ctx);

function requestResult(text: string) {
  const parsed = parse(text);
  if (parsed.subcommand !== 'request') throw new Error(`expected a request, got ${parsed.subcommand}`);
  return parsed.result;
}

describe('/access request', () => {
  it.each([
    {
      text: 'request SeniorDeveloper prod 4h fixing incident 4711',
      input: {
        permissionSet: 'SeniorDeveloper',
        accounts: ['prod'],
        duration: { kind: 'for', ms: 4 * HOUR },
        reason: 'fixing incident 4711',
      },
    },
    {
      text: 'request seniordeveloper PROD 30m',
      input: {
        permissionSet: 'SeniorDeveloper',
        accounts: ['prod'],
        duration: { kind: 'for', ms: 30 * MINUTE },
      },
    },
    {
      text: 'request ReadOnlyAccess dev,staging 2d',
      input: {
        permissionSet: 'ReadOnlyAccess',
        accounts: ['dev', 'staging'],
        duration: { kind: 'for', ms: 2 * DAY },
      },
    },
    {
      text: 'request ReadOnlyAccess dev, staging , prod permanent',
      input: {
        permissionSet: 'ReadOnlyAccess',
        accounts: ['dev', 'staging', 'prod'],
        duration: { kind: 'permanent' },
      },
    },
    {
      text: 'request Developer dev',
      input: { permissionSet: 'Developer', accounts: ['dev'] },
    },
    {
      text: 'request Developer dev debugging the build',
      input: { permissionSet: 'Developer', accounts: ['dev'], reason: 'debugging the build' },
    },
    {
      text: 'request Developer dev 1h "incident 4711, on call"',
      input: {
        permissionSet: 'Developer',
        accounts: ['dev'],
        duration: { kind: 'for', ms: HOUR },
        reason: 'incident 4711, on call',
      },
    },
    {
      text: 'request Developer dev 1h30m “smart quotes from Slack”',
      input: {
        permissionSet: 'Developer',
        accounts: ['dev'],
        duration: { kind: 'for', ms: 90 * MINUTE },
        reason: 'smart quotes from Slack',
      },
    },
    {
      text: 'request Developer 111111111111 1h',
      input: { permissionSet: 'Developer', accounts: ['dev'], duration: { kind: 'for', ms: HOUR } },
    },
    {
      text: 'REQUEST Developer dev,dev 1h',
      input: { permissionSet: 'Developer', accounts: ['dev'], duration: { kind: 'for', ms: HOUR } },
    },
  ])('"$text" is a complete request', ({ text, input }) => {
    expect(requestResult(text)).toEqual({
      kind: 'complete',
      input: { requesterSlackId: REQUESTER, ...input },
    });
  });

  it.each([
    { text: 'request', prefill: {} },
    { text: 'request   ', prefill: {} },
    { text: 'request seniordeveloper', prefill: { permissionSet: 'SeniorDeveloper' } },
  ])('"$text" is missing something, so it opens the modal with what was understood', ({ text, prefill }) => {
    expect(requestResult(text)).toEqual({ kind: 'modal', prefill });
  });

  it.each([
    { text: 'request SeniorDevelopr prod 4h', says: ['SeniorDevelopr', 'did you mean `SeniorDeveloper`'] },
    { text: 'request Senior prod', says: ['did you mean `SeniorDeveloper`?'] },
    { text: 'request Developer prd 4h', says: ['account', 'did you mean `prod`?'] },
    {
      text: 'request Developer dev,stagign,qa 4h',
      says: ['`stagign`', '`staging`', '`qa`', 'Known accounts'],
    },
    { text: 'request Kitchen dev', says: ['Kitchen', 'Known permission sets'] },
    { text: 'request Developer dev 4x reasons', says: ['`4x` is not a duration', 'Usage:'] },
    { text: 'request Developer dev 4711 incident', says: ['`4711` is not a duration', 'quotes'] },
  ])('"$text" is refused with a message that says what would work', ({ text, says }) => {
    const result = requestResult(text);
    expect(result.kind).toBe('error');
    for (const s of says) expect(result.kind === 'error' ? result.message : '').toContain(s);
  });

  it.each([
    { word: '-1h', why: 'is not a duration' },
    { word: '+4h', why: 'is not a duration' },
    { word: '0h', why: 'is no time at all' },
    { word: '0m', why: 'is no time at all' },
    { word: '1.5h', why: 'is not a duration' },
    { word: '4hours', why: 'is not a duration' },
    { word: '4x', why: 'is not a duration' },
    { word: '1:30', why: 'is not a duration' },
    { word: '999999d', why: 'is longer than 366d' },
    { word: '1'.repeat(40), why: 'is not a duration' },
  ])(
    '"request Developer dev $word fixing" is refused naming $word and what would be valid, not read as a reason',
    ({ word, why }) => {
      const result = requestResult(`request Developer dev ${word} fixing the build`);
      expect(result.kind).toBe('error');
      const message = result.kind === 'error' ? result.message : '';
      expect(message).toContain(`\`${word}\` ${why}`);
      for (const valid of ['`30m`', '`4h`', '`2d`', '`permanent`']) expect(message).toContain(valid);
      expect(message).toContain('Usage: `/access request');
    },
  );

  it('still reads a reason that starts with a word, a quoted number, or a number joined by a dash', () => {
    for (const [text, reason] of [
      ['request Developer dev fixing -1h', 'fixing -1h'],
      ['request Developer dev "-1h was wrong"', '-1h was wrong'],
      ['request Developer dev 500-errors on checkout', '500-errors on checkout'],
    ] as const) {
      const result = requestResult(text);
      expect(result.kind === 'complete' ? result.input : result).toEqual({
        requesterSlackId: REQUESTER,
        permissionSet: 'Developer',
        accounts: ['dev'],
        reason,
      });
    }
  });

  it('refuses a reason longer than the limit', () => {
    const result = requestResult(`request Developer dev 1h ${'x'.repeat(501)}`);
    expect(result).toEqual({ kind: 'error', message: expect.stringContaining('keep it to 500') as unknown });
  });

  it('keeps a reason as the person typed it, with Slack markup turned back into words', () => {
    const result = requestResult(
      'request Developer dev 1h ask &lt;@U999&gt; or <@U0000LEAD1|lena> about <!channel> and <http://evil.example|aws.amazon.com>',
    );
    expect(result.kind === 'complete' ? result.input.reason : undefined).toBe(
      'ask <@U999> or @lena about @channel and aws.amazon.com (http://evil.example)',
    );
  });

  it('escapes what the person typed when it echoes it back', () => {
    const result = requestResult('request <!channel> dev');
    expect(result.kind === 'error' ? result.message : '').not.toContain('<!channel>');
  });
});

describe('/access extend', () => {
  it.each([
    { text: 'extend 2h', input: { duration: { kind: 'for', ms: 2 * HOUR } } },
    {
      text: 'extend 30m still debugging',
      input: { duration: { kind: 'for', ms: 30 * MINUTE }, reason: 'still debugging' },
    },
    {
      text: 'extend seniordeveloper prod 1h',
      input: { permissionSet: 'SeniorDeveloper', account: 'prod', duration: { kind: 'for', ms: HOUR } },
    },
  ])('"$text" asks to extend', ({ text, input }) => {
    expect(parse(text)).toEqual({
      subcommand: 'extend',
      result: { kind: 'complete', input: { requesterSlackId: REQUESTER, ...input } },
    });
  });

  it.each([
    { text: 'extend -1h', word: '-1h', why: 'is not a duration' },
    { text: 'extend 0h still debugging', word: '0h', why: 'is no time at all' },
    { text: 'extend seniordeveloper prod -1h', word: '-1h', why: 'is not a duration' },
    { text: 'extend seniordeveloper prod 999999d', word: '999999d', why: 'is longer than 366d' },
  ])('"$text" is refused naming $word and what would be valid', ({ text, word, why }) => {
    const parsed = parse(text);
    expect(parsed.subcommand === 'extend' && parsed.result.kind).toBe('error');
    const message =
      parsed.subcommand === 'extend' && parsed.result.kind === 'error' ? parsed.result.message : '';
    expect(message).toContain(`\`${word}\` ${why}`);
    for (const valid of ['`30m`', '`4h`', '`2d`', '`permanent`']) expect(message).toContain(valid);
    expect(message).toContain('Usage: `/access extend');
  });

  it.each([
    'extend',
    'extend SeniorDeveloper prod',
    'extend SeniorDeveloper',
    'extend SeniorDeveloper prod soon',
  ])('"%s" is refused with the usage', (text) => {
    const parsed = parse(text);
    expect(
      parsed.subcommand === 'extend' && parsed.result.kind === 'error' ? parsed.result.message : '',
    ).toContain('Usage: `/access extend');
  });
});

describe('/access revoke', () => {
  it.each([
    { text: 'revoke SeniorDeveloper prod', extra: {} },
    { text: 'revoke SeniorDeveloper prod <@U0000OTHER|other>', extra: { targetSlackId: 'U0000OTHER' } },
    { text: 'revoke SeniorDeveloper prod <@U0000OTHER>', extra: { targetSlackId: 'U0000OTHER' } },
    { text: 'revoke SeniorDeveloper prod sam@example.com', extra: { targetEmail: 'sam@example.com' } },
    {
      text: 'revoke SeniorDeveloper prod <mailto:Sam@Example.com|Sam@Example.com>',
      extra: { targetEmail: 'sam@example.com' },
    },
    { text: `revoke SeniorDeveloper prod <@${REQUESTER}|me>`, extra: {} },
  ])('"$text" revokes', ({ text, extra }) => {
    expect(parse(text)).toEqual({
      subcommand: 'revoke',
      result: {
        kind: 'complete',
        input: { actorSlackId: REQUESTER, permissionSet: 'SeniorDeveloper', account: 'prod', ...extra },
      },
    });
  });

  it.each([
    { text: 'revoke', says: 'Usage: `/access revoke' },
    { text: 'revoke SeniorDeveloper', says: 'Usage: `/access revoke' },
    { text: 'revoke SeniorDeveloper prod,dev', says: 'one account at a time' },
    { text: 'revoke SeniorDeveloper prod somebody', says: 'neither a person' },
    { text: 'revoke SeniorDevelper prod', says: 'did you mean `SeniorDeveloper`' },
  ])('"$text" is refused', ({ text, says }) => {
    const parsed = parse(text);
    expect(
      parsed.subcommand === 'revoke' && parsed.result.kind === 'error' ? parsed.result.message : '',
    ).toContain(says);
  });
});

describe('the /access router', () => {
  it.each(['', '   ', 'help', 'HELP'])('"%s" is help', (text) => {
    expect(parse(text)).toEqual({ subcommand: 'help' });
  });

  it('"pending" lists what is pending', () => {
    expect(parse('pending')).toEqual({ subcommand: 'pending' });
  });

  it.each([
    { text: 'reqest SeniorDeveloper prod', says: 'did you mean `/access request`?' },
    { text: 'pendng', says: 'did you mean `/access pending`?' },
    { text: 'SeniorDeveloper prod 4h', says: 'did you mean `/access request SeniorDeveloper prod 4h`?' },
    { text: 'audti', says: 'did you mean `/access audit`?' },
    { text: 'whos', says: 'did you mean `/access whois`?' },
  ])('an unknown subcommand "$text" gets the closest one and the usage', ({ text, says }) => {
    const parsed = parse(text);
    expect(parsed.subcommand).toBe('unknown');
    const message = parsed.subcommand === 'unknown' ? parsed.message : '';
    expect(message).toContain(says);
    expect(message).toContain('/access request <PermissionSet>');
  });
});

describe('command text too long to read', () => {
  it.each([
    ['a request with a 40,000-character reason', `request Developer dev 1h ${'x'.repeat(40_000)}`],
    ['40,000 digits where the duration goes', `request Developer dev ${'1'.repeat(40_000)}h`],
    ['a 40,000-character email', `whois a@${'a.'.repeat(20_000)}`],
    ['40,000 characters of one word', 'x'.repeat(40_000)],
  ])('%s is refused unread, naming its length and the limit', (_what, text) => {
    const parsed = parse(text);
    expect(parsed.subcommand).toBe('unknown');
    const message = parsed.subcommand === 'unknown' ? parsed.message : '';
    expect(message).toContain(`${text.trim().length} characters`);
    expect(message).toContain(`at most ${COMMAND_TEXT_MAX}`);
    expect(message.length).toBeLessThan(400);
  });

  it('reads a command just under the limit as usual', () => {
    const parsed = parse(`request Developer dev 1h ${'x'.repeat(COMMAND_TEXT_MAX - 30)}`);
    expect(parsed.subcommand === 'request' ? parsed.result : parsed).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('keep it to 500') as unknown,
    });
  });
});

describe('/access audit', () => {
  it('takes no arguments: it always covers everyone', () => {
    expect(parse('audit')).toEqual({
      subcommand: 'audit',
      result: { kind: 'complete', input: { channelOnly: true } },
    });
    const extra = parse('audit sam');
    expect(extra.subcommand === 'audit' && extra.result.kind).toBe('error');
  });
});

describe('Slack command text', () => {
  it('reads people and emails as Slack escapes them', () => {
    expect(parsePersonRef('<@U123ABC|sam>')).toEqual({ slackId: 'U123ABC' });
    expect(parsePersonRef('<mailto:a@example.com|a@example.com>')).toEqual({ email: 'a@example.com' });
    expect(parsePersonRef('not-a-person')).toBeUndefined();
  });

  it.each([
    ['dots after the @', `a@${'.'.repeat(40_000)}@`],
    ['labels that never end', `a@${'a.'.repeat(20_000)} `],
    ['a mailto link', `<mailto:a@${'a.'.repeat(20_000)}|x>`],
    ['a valid shape, too long', `${'a'.repeat(40_000)}@example.com`],
  ])('does not take 40,000 characters of %s as an email', (_what, token) => {
    expect(parsePersonRef(token)).toBeUndefined();
  });

  it('turns entities back into the characters typed', () => {
    expect(plainFromSlack('a &lt; b &amp;&amp; c &gt; d')).toBe('a < b && c > d');
  });
});

describe('modal submissions', () => {
  const values = (ps: string | null, accounts: string[], duration: string | null, reason: string | null) => ({
    [BLOCK.permissionSet]: {
      [ACTION.pickPermissionSet]: { selected_option: ps === null ? null : { value: ps } },
    },
    [BLOCK.accounts]: { [ACTION.pickAccounts]: { selected_options: accounts.map((value) => ({ value })) } },
    [BLOCK.duration]: {
      [ACTION.pickDuration]: { selected_option: duration === null ? null : { value: duration } },
    },
    [BLOCK.reason]: { [ACTION.typeReason]: { value: reason } },
  });

  it('a complete request modal becomes an access request', () => {
    expect(
      parseRequestModal(values('SeniorDeveloper', ['prod', 'dev'], '4h', ' incident '), REQUESTER, OPTIONS),
    ).toEqual({
      ok: true,
      value: {
        requesterSlackId: REQUESTER,
        permissionSet: 'SeniorDeveloper',
        accounts: ['prod', 'dev'],
        duration: { kind: 'for', ms: 4 * HOUR },
        reason: 'incident',
      },
    });
  });

  it('missing or unknown fields become errors under those fields', () => {
    const parsed = parseRequestModal(values(null, ['nowhere'], null, 'x'.repeat(501)), REQUESTER, OPTIONS);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? {} : parsed.errors).toEqual({
      [BLOCK.permissionSet]: 'Pick a permission set.',
      [BLOCK.accounts]: 'Unknown: nowhere',
      [BLOCK.reason]: 'Keep it to 500 characters.',
    });
  });

  it('the deny modal needs a reason', () => {
    const empty = { [BLOCK.denyReason]: { [ACTION.typeDenyReason]: { value: '   ' } } };
    expect(parseDenyModal(empty)).toEqual({
      ok: false,
      errors: { [BLOCK.denyReason]: expect.any(String) as unknown },
    });
    const given = { [BLOCK.denyReason]: { [ACTION.typeDenyReason]: { value: ' not during the freeze ' } } };
    expect(parseDenyModal(given)).toEqual({ ok: true, value: 'not during the freeze' });
  });

  it('the extend modal needs how much longer', () => {
    expect(parseExtendModal({}).ok).toBe(false);
    const chosen = { [BLOCK.extension]: { [ACTION.pickExtension]: { selected_option: { value: '2h' } } } };
    expect(parseExtendModal(chosen)).toEqual({
      ok: true,
      value: { duration: { kind: 'for', ms: 2 * HOUR } },
    });
  });
});
