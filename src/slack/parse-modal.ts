/**
 * Modal submissions → checked inputs, or field errors for `ack({ response_action: 'errors' })` keyed by block
 * id. Pure. Field errors are plain text (Slack shows them under the field, without mrkdwn).
 */
import type { AccessRequestInput, RequestOptions } from '../access/api.js';
import { parseDuration, type DurationSpec } from '../domain/duration.js';
import { didYouMean, resolveName } from '../domain/names.js';
import { LIMITS, truncate } from '../domain/text.js';
import { TICKET_REF_MAX } from '../domain/tickets.js';
import { ACTION, BLOCK } from './ids.js';

/** Slack's `view.state.values`: block id → action id → what the element holds. */
export type StateValues = Record<
  string,
  Record<
    string,
    {
      value?: string | null;
      selected_user?: string | null;
      selected_date?: string | null;
      selected_time?: string | null;
      selected_option?: { value: string } | null;
      selected_options?: { value: string }[];
    }
  >
>;

export type ModalParse<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * One input's value as Slack sends it. Read without trusting the shape (the receiver checks it, but a parser
 * is pure and answers anything it is given): what is not of the expected type reads as empty.
 */
function input(values: StateValues, block: string, action: string): Record<string, unknown> | undefined {
  const inBlock: unknown = isRecord(values) ? values[block] : undefined;
  const value: unknown = isRecord(inBlock) ? inBlock[action] : undefined;
  return isRecord(value) ? value : undefined;
}
const stringOf = (value: unknown): string => (typeof value === 'string' ? value : '');

export const text = (values: StateValues, block: string, action: string): string =>
  stringOf(input(values, block, action)?.value).trim();
export const selected = (values: StateValues, block: string, action: string): string => {
  const option = input(values, block, action)?.selected_option;
  return isRecord(option) ? stringOf(option.value) : '';
};
export const selectedMany = (values: StateValues, block: string, action: string): string[] => {
  const options = input(values, block, action)?.selected_options;
  return Array.isArray(options)
    ? options.flatMap((o: unknown) => (isRecord(o) && typeof o.value === 'string' ? [o.value] : []))
    : [];
};
export const selectedUser = (values: StateValues, block: string, action: string): string =>
  stringOf(input(values, block, action)?.selected_user);
export const selectedDate = (values: StateValues, block: string, action: string): string =>
  stringOf(input(values, block, action)?.selected_date);
export const selectedTime = (values: StateValues, block: string, action: string): string =>
  stringOf(input(values, block, action)?.selected_time);

/**
 * The request form's start (scheduled access) as `at` would say it, `2026-12-08 09:00` (UTC); undefined when
 * neither field is filled. A day without a time (or the reverse) is a field error: never guessed.
 */
export function startOf(values: StateValues): { when?: string; errors: Record<string, string> } {
  const day = selectedDate(values, BLOCK.startDate, ACTION.pickStartDate);
  const time = selectedTime(values, BLOCK.startTime, ACTION.pickStartTime);
  if (day === '' && time === '') return { errors: {} };
  if (day === '') return { errors: { [BLOCK.startDate]: 'Pick the day it starts too (or clear the time).' } };
  if (time === '')
    return { errors: { [BLOCK.startTime]: 'Pick the time it starts too (or clear the day).' } };
  return { when: `${truncate(day, 20)} ${truncate(time, 10)}`, errors: {} };
}

/** How much of a value a field error quotes: Slack's own inputs never hold more, a forged one may. */
export const QUOTED_MAX = 80;
/** How many unknown picks a field error lists. */
const LISTED_MAX = 5;

/** `a, b and 3 more`: a list of what was picked, short whatever was sent. */
export function listed(items: readonly string[]): string {
  const shown = items.slice(0, LISTED_MAX).map((i) => truncate(i, QUOTED_MAX));
  const more = items.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

function unknown(kind: string, typed: string, known: readonly string[]): string {
  const resolved = resolveName(typed, known);
  const hint = resolved.ok ? '' : didYouMean(resolved.suggestions);
  return `${truncate(typed, QUOTED_MAX)} is not a ${kind} I know${hint === '' ? '' : `: ${hint}`}`;
}

function duration(value: string): { ok: true; value?: DurationSpec } | { ok: false; message: string } {
  if (value === '') return { ok: true };
  const parsed = parseDuration(value);
  return parsed.ok
    ? { ok: true, value: parsed.value }
    : { ok: false, message: `${truncate(value, QUOTED_MAX)} is not a duration` };
}

export function parseRequestModal(
  values: StateValues,
  userId: string,
  options: RequestOptions,
): ModalParse<AccessRequestInput> {
  const errors: Record<string, string> = {};
  const psNames = options.permissionSets.map((p) => p.name);
  const aliases = options.accounts.map((a) => a.alias);

  const psTyped = selected(values, BLOCK.permissionSet, ACTION.pickPermissionSet);
  const ps = resolveName(psTyped, psNames);
  if (psTyped === '') errors[BLOCK.permissionSet] = 'Pick a permission set.';
  else if (!ps.ok) errors[BLOCK.permissionSet] = unknown('permission set', psTyped, psNames);

  const accountsTyped = selectedMany(values, BLOCK.accounts, ACTION.pickAccounts);
  const accounts: string[] = [];
  const unknownAccounts: string[] = [];
  for (const typed of accountsTyped) {
    const resolved = resolveName(typed, aliases);
    if (resolved.ok) accounts.push(resolved.name);
    else unknownAccounts.push(typed);
  }
  if (accountsTyped.length === 0) errors[BLOCK.accounts] = 'Pick at least one account.';
  else if (unknownAccounts.length > 0) errors[BLOCK.accounts] = `Unknown: ${listed(unknownAccounts)}`;

  const spec = duration(selected(values, BLOCK.duration, ACTION.pickDuration));
  if (!spec.ok) errors[BLOCK.duration] = spec.message;

  const reason = text(values, BLOCK.reason, ACTION.typeReason);
  if (reason.length > LIMITS.reason) errors[BLOCK.reason] = `Keep it to ${LIMITS.reason} characters.`;
  const ticket = text(values, BLOCK.ticket, ACTION.typeTicket);
  if (ticket.length > TICKET_REF_MAX) errors[BLOCK.ticket] = `Keep it to ${TICKET_REF_MAX} characters.`;
  const start = startOf(values);
  Object.assign(errors, start.errors);

  if (Object.keys(errors).length > 0 || !ps.ok || !spec.ok) return { ok: false, errors };
  return {
    ok: true,
    value: {
      requesterSlackId: userId,
      permissionSet: ps.name,
      accounts: [...new Set(accounts)],
      ...(spec.value !== undefined ? { duration: spec.value } : {}),
      ...(reason !== '' ? { reason } : {}),
      ...(ticket !== '' ? { ticket } : {}),
      ...(start.when !== undefined ? { when: start.when } : {}),
    },
  };
}

export function parseDenyModal(values: StateValues): ModalParse<string> {
  const reason = text(values, BLOCK.denyReason, ACTION.typeDenyReason);
  if (reason === '') return { ok: false, errors: { [BLOCK.denyReason]: 'Say why: the requester sees it.' } };
  if (reason.length > LIMITS.denyReason) {
    return { ok: false, errors: { [BLOCK.denyReason]: `Keep it to ${LIMITS.denyReason} characters.` } };
  }
  return { ok: true, value: reason };
}

export function parseExtendModal(
  values: StateValues,
): ModalParse<{ duration: DurationSpec; reason?: string }> {
  const chosen = selected(values, BLOCK.extension, ACTION.pickExtension);
  const spec = duration(chosen);
  if (!spec.ok || spec.value === undefined) {
    return { ok: false, errors: { [BLOCK.extension]: spec.ok ? 'Pick how much longer.' : spec.message } };
  }
  const reason = text(values, BLOCK.reason, ACTION.typeReason);
  if (reason.length > LIMITS.reason) {
    return { ok: false, errors: { [BLOCK.reason]: `Keep it to ${LIMITS.reason} characters.` } };
  }
  return { ok: true, value: { duration: spec.value, ...(reason !== '' ? { reason } : {}) } };
}
