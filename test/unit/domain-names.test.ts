import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, resolveName } from '../../src/domain/names.js';

const PERMISSION_SETS = [
  'JuniorDeveloper',
  'Developer',
  'SeniorDeveloper',
  'InsightsDeveloper',
  'ProductionSupport',
  'SecurityAdmin',
  'FinanceAdmin',
  'ReadOnlyAccess',
  'AdministratorAccess',
];
const ACCOUNTS = ['dev', 'staging', 'prod'];

describe('resolving a typed name', () => {
  const resolved: [string, string, readonly string[], string][] = [
    ['an exact name resolves to itself', 'SeniorDeveloper', PERMISSION_SETS, 'SeniorDeveloper'],
    [
      'a name in another case resolves to the known spelling',
      'seniordeveloper',
      PERMISSION_SETS,
      'SeniorDeveloper',
    ],
    ['shouting still resolves', 'PROD', ACCOUNTS, 'prod'],
    ['surrounding spaces are ignored', '  staging ', ACCOUNTS, 'staging'],
    ['an exact spelling wins over a name that differs only in case', 'Dev', ['dev', 'Dev'], 'Dev'],
  ];

  it.each(resolved)('%s', (_name, input, known, expected) => {
    expect(resolveName(input, known)).toEqual({ ok: true, name: expected });
  });

  const suggested: [string, string, readonly string[], string[]][] = [
    ['a typo suggests the name it is one edit from', 'prd', ACCOUNTS, ['prod']],
    ['two swapped letters count as one typo', 'stagign', ACCOUNTS, ['staging']],
    [
      'a missing letter suggests the full name first, then names a few more typos away',
      'SeniorDevloper',
      PERMISSION_SETS,
      ['SeniorDeveloper', 'JuniorDeveloper'],
    ],
    ['a missing letter in a short name suggests only that name', 'Developr', PERMISSION_SETS, ['Developer']],
    ['the start of a name suggests it, never resolves to it', 'senior', PERMISSION_SETS, ['SeniorDeveloper']],
    [
      'dashes, underscores and spaces are ignored for suggestions',
      'read-only_access',
      PERMISSION_SETS,
      ['ReadOnlyAccess'],
    ],
    [
      'a name containing the input is suggested after names that start with it',
      'admin',
      PERMISSION_SETS,
      ['AdministratorAccess', 'FinanceAdmin', 'SecurityAdmin'],
    ],
    [
      'at most three names are suggested, the closest first',
      'dev',
      PERMISSION_SETS,
      ['Developer', 'JuniorDeveloper', 'SeniorDeveloper'],
    ],
    ['a name far from every known one suggests nothing', 'banana', ACCOUNTS, []],
    ['a single wrong letter is not close to a short name it does not start', 'x', ACCOUNTS, []],
    ['nothing typed suggests nothing', '   ', ACCOUNTS, []],
    [
      'names that differ only in case are both suggested when neither is typed exactly',
      'DEV',
      ['dev', 'Dev'],
      ['dev', 'Dev'],
    ],
  ];

  it.each(suggested)('%s', (_name, input, known, expected) => {
    expect(resolveName(input, known)).toEqual({ ok: false, suggestions: expected });
  });

  it('suggests nothing from an empty list of names', () => {
    expect(resolveName('prod', [])).toEqual({ ok: false, suggestions: [] });
  });
});

describe('edit distance', () => {
  const cases: [string, string, number][] = [
    ['', '', 0],
    ['abc', '', 3],
    ['', 'abc', 3],
    ['prod', 'prod', 0],
    ['prd', 'prod', 1],
    ['prod', 'prud', 1],
    ['stagign', 'staging', 1],
    ['ca', 'abc', 3],
    ['kitten', 'sitting', 3],
  ];

  it.each(cases)('from %j to %j is %i', (a, b, expected) => {
    expect(editDistance(a, b)).toBe(expected);
    expect(editDistance(b, a)).toBe(expected);
  });
});

describe('did you mean', () => {
  const cases: [string, string[], string][] = [
    ['says nothing when there is nothing to suggest', [], ''],
    ['offers one name', ['SeniorDeveloper'], 'did you mean SeniorDeveloper?'],
    ['offers two names with "or"', ['dev', 'prod'], 'did you mean dev or prod?'],
    ['offers three names as a list', ['dev', 'staging', 'prod'], 'did you mean dev, staging or prod?'],
  ];

  it.each(cases)('%s', (_name, suggestions, expected) => {
    expect(didYouMean(suggestions)).toBe(expected);
  });

  it('dresses each name as asked', () => {
    expect(didYouMean(['dev', 'prod'], (n) => `\`${n}\``)).toBe('did you mean `dev` or `prod`?');
  });
});
