/**
 * The accounts picker (the request form's and the onboarding form's multi_external_select) over an
 * organisation's 1,000 accounts. Slack asks the app for options as the person types (block_suggestion) and
 * gives up after 3 seconds; the accounts are in memory (the config's alias → id, read at start), so an answer
 * costs no AWS call and no round trip of the bot's own: it is a filter over an index made once.
 *
 * What is typed matches an account's alias, id or name (when known), case-insensitively, anywhere in it, and
 * spaces, `-` and `_` are not needed ("prod eu" finds prod-eu). Exact matches come first, then those that start
 * with it, then those that contain it, each in config order. Slack shows at most 100 options: past that, the
 * first 100 come in a group whose label says how many match and to type more.
 */
import { truncate } from '../../domain/text.js';
import { SLACK_LIMITS, type SelectOption } from './kit.js';
import { accountOption } from './options.js';

export interface PickerAccount {
  alias: string;
  id: string;
  /** The account's name where it is known and differs from the alias (e.g. from AWS Organizations). */
  name?: string;
}

/** What an options request is answered with: options, or one group of them with a label that says more match. */
export type AccountSuggestions =
  | { options: SelectOption[] }
  | { option_groups: { label: { type: 'plain_text'; text: string }; options: SelectOption[] }[] };

const normalise = (s: string): string => s.toLowerCase().replace(/[\s_-]+/g, '');

interface Indexed {
  account: PickerAccount;
  keys: string[];
}

/** The accounts with their search keys made once; reused while the same accounts are asked about. */
export class AccountIndex {
  private readonly indexed: Indexed[];

  constructor(readonly accounts: readonly PickerAccount[]) {
    this.indexed = accounts.map((account) => ({
      account,
      keys: [account.alias, account.id, ...(account.name !== undefined ? [account.name] : [])].map(normalise),
    }));
  }

  /** True when `other` lists the same accounts in the same order (a fresh copy of the same config). */
  sameAs(other: readonly PickerAccount[]): boolean {
    if (other === this.accounts) return true;
    if (other.length !== this.accounts.length) return false;
    return other.every((a, i) => {
      const b = this.accounts[i]!;
      return a.alias === b.alias && a.id === b.id && a.name === b.name;
    });
  }

  /** The matches, best first, at most `limit`, and how many there are in all. */
  search(typed: string, limit: number = SLACK_LIMITS.options): { matches: PickerAccount[]; total: number } {
    const key = normalise(typed);
    if (key === '') {
      return { matches: this.accounts.slice(0, limit), total: this.accounts.length };
    }
    const exact: PickerAccount[] = [];
    const starts: PickerAccount[] = [];
    const contains: PickerAccount[] = [];
    for (const { account, keys } of this.indexed) {
      if (keys.includes(key)) exact.push(account);
      else if (keys.some((k) => k.startsWith(key))) starts.push(account);
      else if (keys.some((k) => k.includes(key))) contains.push(account);
    }
    const total = exact.length + starts.length + contains.length;
    return { matches: [...exact, ...starts, ...contains].slice(0, limit), total };
  }
}

export function pickerOption(account: PickerAccount): SelectOption {
  const option = accountOption(account);
  if (account.name === undefined || account.name.trim() === '' || account.name === account.alias)
    return option;
  return {
    ...option,
    description: { type: 'plain_text', text: truncate(account.name, SLACK_LIMITS.optionDescription) },
  };
}

const count = (n: number): string => n.toLocaleString('en-GB');

/** The answer to one options request: the matching accounts, and a label saying so when more match than fit. */
export function accountSuggestions(index: AccountIndex, typed: string): AccountSuggestions {
  const { matches, total } = index.search(typed);
  const options = matches.map(pickerOption);
  if (total <= matches.length) return { options };
  const label = `${count(matches.length)} of ${count(total)} shown: type more of an alias, id or name`;
  return {
    option_groups: [
      { label: { type: 'plain_text', text: truncate(label, SLACK_LIMITS.optionText) }, options },
    ],
  };
}

/** One index kept across options requests, made again only when the accounts change. */
export function keptAccountIndex(): (accounts: readonly PickerAccount[]) => AccountIndex {
  let kept: AccountIndex | undefined;
  return (accounts) => {
    if (kept === undefined || !kept.sameAs(accounts)) kept = new AccountIndex(accounts);
    return kept;
  };
}
