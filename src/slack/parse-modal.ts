/**
 * Modal submissions → checked inputs, or field errors for `ack({ response_action: 'errors' })` keyed by block
 * id. Pure. Field errors are plain text (Slack shows them under the field, without mrkdwn).
 */
import type { AccessRequestInput, RequestOptions } from '../access/api.js';
import { parseDuration, type DurationSpec } from '../domain/duration.js';
import { didYouMean, resolveName } from '../domain/names.js';
import { LIMITS } from '../domain/text.js';
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
      selected_option?: { value: string } | null;
      selected_options?: { value: string }[];
    }
  >
>;

export type ModalParse<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

export const text = (values: StateValues, block: string, action: string): string =>
  values[block]?.[action]?.value?.trim() ?? '';
export const selected = (values: StateValues, block: string, action: string): string =>
  values[block]?.[action]?.selected_option?.value ?? '';
export const selectedMany = (values: StateValues, block: string, action: string): string[] =>
  (values[block]?.[action]?.selected_options ?? []).map((o) => o.value);

function unknown(kind: string, typed: string, known: readonly string[]): string {
  const resolved = resolveName(typed, known);
  const hint = resolved.ok ? '' : didYouMean(resolved.suggestions);
  return `${typed} is not a ${kind} I know${hint === '' ? '' : `: ${hint}`}`;
}

function duration(value: string): { ok: true; value?: DurationSpec } | { ok: false; message: string } {
  if (value === '') return { ok: true };
  const parsed = parseDuration(value);
  return parsed.ok ? { ok: true, value: parsed.value } : { ok: false, message: `${value} is not a duration` };
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
  else if (unknownAccounts.length > 0) errors[BLOCK.accounts] = `Unknown: ${unknownAccounts.join(', ')}`;

  const spec = duration(selected(values, BLOCK.duration, ACTION.pickDuration));
  if (!spec.ok) errors[BLOCK.duration] = spec.message;

  const reason = text(values, BLOCK.reason, ACTION.typeReason);
  if (reason.length > LIMITS.reason) errors[BLOCK.reason] = `Keep it to ${LIMITS.reason} characters.`;

  if (Object.keys(errors).length > 0 || !ps.ok || !spec.ok) return { ok: false, errors };
  return {
    ok: true,
    value: {
      requesterSlackId: userId,
      permissionSet: ps.name,
      accounts: [...new Set(accounts)],
      ...(spec.value !== undefined ? { duration: spec.value } : {}),
      ...(reason !== '' ? { reason } : {}),
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
