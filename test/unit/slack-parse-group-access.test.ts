import { describe, expect, it } from 'vitest';
import { HOUR } from '../../src/domain/duration.js';
import { parseAccessCommand, type ParsedCommand } from '../../src/slack/parse.js';
import { parseRequestModal } from '../../src/slack/parse-modal.js';
import { ACTION, BLOCK } from '../../src/slack/ids.js';
import { OPTIONS, REQUESTER } from '../support/slack-fixtures.js';

const parse = (text: string): ParsedCommand =>
  parseAccessCommand(text, { userId: REQUESTER, options: OPTIONS });

function resultOf(text: string) {
  const parsed = parse(text);
  if (parsed.subcommand !== 'request' && parsed.subcommand !== 'extend' && parsed.subcommand !== 'revoke')
    throw new Error(`unexpected ${parsed.subcommand}`);
  return parsed.result;
}

describe('`at <when>` in /access request', () => {
  it.each([
    ['request SeniorDeveloper prod 4h at 2026-12-08 09:00 release day', '2026-12-08 09:00', 'release day'],
    [
      'request SeniorDeveloper prod at tomorrow 09:00 UTC 4h release day',
      'tomorrow 09:00 UTC',
      'release day',
    ],
    ['request SeniorDeveloper prod 4h at +2h', '+2h', undefined],
    ['request SeniorDeveloper prod 4h at 09:30 standby', '09:30', 'standby'],
    ['request SeniorDeveloper prod 4h release day at 2026-12-08 09:00', '2026-12-08 09:00', 'release day'],
    [
      'request SeniorDeveloper prod 4h meet at noon, then at tomorrow 09:00',
      'tomorrow 09:00',
      'meet at noon, then',
    ],
  ])('reads the start from %j, leaving the reason whole', (text, when, reason) => {
    const result = resultOf(text);
    expect(result).toMatchObject({
      kind: 'complete',
      input: { when, duration: { kind: 'for', ms: 4 * HOUR } },
    });
    if (result.kind === 'complete') expect((result.input as { reason?: string }).reason).toBe(reason);
  });

  it('keeps a reason that merely starts with the word "at" as the reason, asking for access now', () => {
    const result = resultOf("request SeniorDeveloper prod 4h at the customer's request");
    expect(result).toMatchObject({ kind: 'complete', input: { reason: "at the customer's request" } });
    if (result.kind === 'complete') expect('when' in result.input).toBe(false);
  });

  it.each(['at 9am', 'at next tuesday', 'at'])(
    'refuses %j rather than grant now what was meant for later',
    (tail) => {
      const result = resultOf(`request SeniorDeveloper prod 4h ${tail}`);
      expect(result.kind).toBe('error');
      if (result.kind === 'error') expect(result.message).toMatch(/cannot read the start after `at`/);
    },
  );
});

describe('group:<Group> in /access request, extend and revoke', () => {
  it.each([
    ['request group:ReadOnly 2h at tomorrow 09:00 reading logs', 'tomorrow 09:00', 'reading logs'],
    ['request group:ReadOnly 2h reading logs at tomorrow 09:00 UTC', 'tomorrow 09:00 UTC', 'reading logs'],
    ['request group:"Platform Team" 2h at +1h', '+1h', undefined],
  ])('reads the start of a group membership from %j', (text, when, reason) => {
    const result = resultOf(text);
    expect(result).toMatchObject({
      kind: 'complete',
      input: { when, duration: { kind: 'for', ms: 2 * HOUR } },
    });
    if (result.kind === 'complete') expect((result.input as { reason?: string }).reason).toBe(reason);
  });

  it('reads a group, a duration and a reason', () => {
    expect(resultOf('request group:ReadOnly 2h reading logs')).toMatchObject({
      kind: 'complete',
      input: {
        group: 'ReadOnly',
        permissionSet: '',
        accounts: [],
        duration: { kind: 'for', ms: 2 * HOUR },
        reason: 'reading logs',
      },
    });
  });

  it('reads a quoted group name with spaces', () => {
    expect(resultOf('request group:"Platform Team" 1h')).toMatchObject({
      kind: 'complete',
      input: { group: 'Platform Team' },
    });
    expect(resultOf('request group:"Platform Team 1h').kind).toBe('error');
  });

  it('reads extend and revoke of a group, and refuses a revoke naming more than one person', () => {
    expect(resultOf('extend group:ReadOnly 1h more')).toMatchObject({
      kind: 'complete',
      input: { group: 'ReadOnly', duration: { kind: 'for', ms: HOUR }, reason: 'more' },
    });
    expect(resultOf('extend group:ReadOnly').kind).toBe('error');
    expect(resultOf('revoke group:ReadOnly <@U0000JAY01|jay>')).toMatchObject({
      kind: 'complete',
      input: { group: 'ReadOnly', targetSlackId: 'U0000JAY01' },
    });
    expect(resultOf('revoke group:ReadOnly @a @b').kind).toBe('error');
  });
});

describe('the start in the request form', () => {
  const base = {
    [BLOCK.permissionSet]: { [ACTION.pickPermissionSet]: { selected_option: { value: 'SeniorDeveloper' } } },
    [BLOCK.accounts]: { [ACTION.pickAccounts]: { selected_options: [{ value: 'prod' }] } },
  };
  it('reads a day and a time as a start in UTC', () => {
    const parsed = parseRequestModal(
      {
        ...base,
        [BLOCK.startDate]: { [ACTION.pickStartDate]: { selected_date: '2026-12-08' } },
        [BLOCK.startTime]: { [ACTION.pickStartTime]: { selected_time: '09:00' } },
      },
      REQUESTER,
      OPTIONS,
    );
    expect(parsed).toMatchObject({ ok: true, value: { when: '2026-12-08 09:00' } });
  });

  it('asks for nothing without a start, and for the missing half of one', () => {
    const none = parseRequestModal(base, REQUESTER, OPTIONS);
    expect(none.ok && 'when' in none.value).toBe(false);
    const half = parseRequestModal(
      { ...base, [BLOCK.startDate]: { [ACTION.pickStartDate]: { selected_date: '2026-12-08' } } },
      REQUESTER,
      OPTIONS,
    );
    expect(half.ok).toBe(false);
    if (!half.ok) expect(half.errors[BLOCK.startTime]).toMatch(/Pick the time/);
  });
});
