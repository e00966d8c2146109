/**
 * Options for the request modal's pickers. Permission sets and accounts come from an external data source
 * (an options listener filtering by what was typed), so the pickers keep working past Slack's 100 options.
 */
import type { RequestOptions } from '../../access/api.js';
import type { RoleConfig } from '../../config/types.js';
import { parseDuration, type DurationSpec } from '../../domain/duration.js';
import { truncate } from '../../domain/text.js';
import { SLACK_LIMITS, type SelectOption } from './kit.js';

const option = (text: string, value: string, description?: string): SelectOption => ({
  text: { type: 'plain_text', text: truncate(text, SLACK_LIMITS.optionText), emoji: true },
  value,
  ...(description !== undefined && description.trim() !== ''
    ? { description: { type: 'plain_text', text: truncate(description, SLACK_LIMITS.optionDescription) } }
    : {}),
});

const normalise = (s: string): string => s.toLowerCase().replace(/[\s_-]+/g, '');

/**
 * Names matching the typed text, best first: names that start with it, then names that contain it, each in
 * config order. At most Slack's 100.
 */
export function filterNames<T>(items: readonly T[], typed: string, name: (item: T) => string[]): T[] {
  const key = normalise(typed);
  if (key === '') return items.slice(0, SLACK_LIMITS.options);
  const starts: T[] = [];
  const contains: T[] = [];
  for (const item of items) {
    const names = name(item).map(normalise);
    if (names.some((n) => n.startsWith(key))) starts.push(item);
    else if (names.some((n) => n.includes(key))) contains.push(item);
  }
  return [...starts, ...contains].slice(0, SLACK_LIMITS.options);
}

export function permissionSetOption(ps: RequestOptions['permissionSets'][number]): SelectOption {
  return option(ps.name, ps.name, ps.description);
}

export function accountOption(account: RequestOptions['accounts'][number]): SelectOption {
  return option(`${account.alias} (${account.id})`, account.alias);
}

export function permissionSetOptions(options: RequestOptions, typed: string): SelectOption[] {
  return filterNames(options.permissionSets, typed, (p) => [p.name]).map(permissionSetOption);
}

export function accountOptions(options: RequestOptions, typed: string): SelectOption[] {
  return filterNames(options.accounts, typed, (a) => [a.alias, a.id]).map(accountOption);
}

export const roleOption = (name: string, role: RoleConfig | undefined): SelectOption =>
  option(name, name, role?.description);

/** The configured roles matching the typed text, at most 100 (the onboarding form's role picker). */
export function roleOptions(roles: Readonly<Record<string, RoleConfig>>, typed: string): SelectOption[] {
  return filterNames(Object.keys(roles), typed, (name) => [name]).map((name) =>
    roleOption(name, roles[name]),
  );
}

/** What the duration picker offers; the rules still decide what is allowed. */
export const DURATION_CHOICES: readonly { value: string; label: string }[] = [
  { value: '30m', label: '30 minutes' },
  { value: '1h', label: '1 hour' },
  { value: '2h', label: '2 hours' },
  { value: '4h', label: '4 hours' },
  { value: '8h', label: '8 hours' },
  { value: '12h', label: '12 hours' },
  { value: '1d', label: '1 day' },
  { value: 'permanent', label: 'Permanent' },
];

export const durationOption = (value: string, label: string): SelectOption => option(label, value);

/** The picker's value for a duration, so a prefilled `3h` can be offered even though it is not a standard choice. */
export function durationValue(spec: DurationSpec): string {
  if (spec.kind === 'permanent') return 'permanent';
  const choice = DURATION_CHOICES.find((c) => {
    const parsed = parseDuration(c.value);
    return parsed.ok && parsed.value.kind === 'for' && parsed.value.ms === spec.ms;
  });
  if (choice !== undefined) return choice.value;
  const minutes = Math.round(spec.ms / 60_000);
  return minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`;
}
