/**
 * The accounts picker over 1,000 accounts: what is typed finds accounts by alias, id or name, in any case and
 * anywhere in them, and Slack's 100 options are never passed without saying how many more match.
 */
import { describe, expect, it } from 'vitest';
import {
  AccountIndex,
  accountSuggestions,
  keptAccountIndex,
  type AccountSuggestions,
  type PickerAccount,
} from '../../src/slack/blocks/account-picker.js';

const accounts: PickerAccount[] = [
  { alias: 'dev', id: '111111111111' },
  { alias: 'staging', id: '222222222222' },
  { alias: 'prod', id: '333333333333', name: 'Production (EU)' },
  { alias: 'prod-us', id: '333333333399', name: 'Production US' },
  ...Array.from({ length: 996 }, (_v, i) => ({
    alias: `team-${String(i + 1).padStart(4, '0')}`,
    id: String(600_000_000_000 + i + 1),
    name: `Team ${i + 1} workloads`,
  })),
];
const index = new AccountIndex(accounts);

const values = (answer: AccountSuggestions): string[] =>
  ('options' in answer ? answer.options : answer.option_groups.flatMap((g) => g.options)).map(
    (o) => o.value ?? '',
  );

describe('the accounts picker over 1,000 accounts', () => {
  it('finds an account by its alias, in any case, exact match first', () => {
    expect(values(accountSuggestions(index, 'PROD'))).toEqual(['prod', 'prod-us']);
    expect(values(accountSuggestions(index, 'team-0042'))).toEqual(['team-0042']);
    expect(values(accountSuggestions(index, 'stag'))).toEqual(['staging']);
  });

  it('finds an account by its 12-digit id, or part of it', () => {
    expect(values(accountSuggestions(index, '222222222222'))).toEqual(['staging']);
    expect(values(accountSuggestions(index, '00000000990'))).toEqual(['team-0990']);
    expect(values(accountSuggestions(index, '3399'))).toEqual(['prod-us']);
  });

  it('finds an account by its name, anywhere in it, and shows the name under the alias', () => {
    const answer = accountSuggestions(index, 'production us');
    expect(values(answer)).toEqual(['prod-us']);
    expect('options' in answer && answer.options[0]).toMatchObject({
      text: { text: 'prod-us (333333333399)' },
      description: { text: 'Production US' },
    });
    expect(values(accountSuggestions(index, '(eu)'))).toEqual(['prod']);
    expect(values(accountSuggestions(index, 'team 17 WORK'))).toEqual(['team-0017']);
  });

  it('shows at most 100 options, in a group that says how many match and to type more', () => {
    const first = accountSuggestions(index, '');
    expect('option_groups' in first).toBe(true);
    if (!('option_groups' in first)) return;
    expect(first.option_groups).toHaveLength(1);
    expect(first.option_groups[0]!.options).toHaveLength(100);
    expect(first.option_groups[0]!.label.text).toBe('100 of 1,000 shown: type more of an alias, id or name');
    expect(first.option_groups[0]!.label.text.length).toBeLessThanOrEqual(75);
    expect(values(first).slice(0, 3)).toEqual(['dev', 'staging', 'prod']);

    const teams = accountSuggestions(index, 'team');
    expect(values(teams)).toHaveLength(100);
    expect('option_groups' in teams && teams.option_groups[0]!.label.text).toBe(
      '100 of 996 shown: type more of an alias, id or name',
    );
  });

  it('answers with plain options when everything that matches fits, 100 included', () => {
    const answer = accountSuggestions(index, 'team-01');
    expect('options' in answer).toBe(true);
    expect(values(answer)).toHaveLength(100);
    expect(values(accountSuggestions(index, 'nothing like this'))).toEqual([]);
  });

  it('keeps one index while the same accounts are asked about, and makes a new one when they change', () => {
    const indexOf = keptAccountIndex();
    const first = indexOf(accounts);
    expect(indexOf(accounts.map((a) => ({ ...a })))).toBe(first);
    const changed = indexOf([...accounts, { alias: 'sandbox', id: '999999999999' }]);
    expect(changed).not.toBe(first);
    expect(values(accountSuggestions(changed, 'sandbox'))).toEqual(['sandbox']);
  });
});
