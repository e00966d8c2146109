/**
 * The update modal's submission → the details as they should be, or field errors keyed by block id. Pure. Only
 * what the form can tell is checked here (names present and plain, an email shaped like one); a trusted domain,
 * an email no one else has, and whether anything changes at all are the service's answer.
 */
import { isEmailAddress } from '../domain/email.js';
import { LIMITS, truncate } from '../domain/text.js';
import { USER_UPDATE_LIMITS } from './blocks/user-update-modal.js';
import { ACTION, BLOCK } from './ids.js';
import { QUOTED_MAX, text, type ModalParse, type StateValues } from './parse-modal.js';

export interface UserUpdateForm {
  givenName: string;
  familyName: string;
  displayName: string;
  email: string;
  reason?: string;
}

function nameError(value: string, label: string, max: number): string | undefined {
  if (value === '') return `Give their ${label}: Identity Center needs one.`;
  if (value.length > max) return `Keep it to ${max} characters.`;
  if (/[<>\p{Cc}]/u.test(value)) return `The ${label} cannot contain < > or control characters.`;
  return undefined;
}

export function parseUserUpdateModal(values: StateValues): ModalParse<UserUpdateForm> {
  const errors: Record<string, string> = {};
  const givenName = text(values, BLOCK.givenName, ACTION.typeGivenName);
  const familyName = text(values, BLOCK.familyName, ACTION.typeFamilyName);
  const displayName = text(values, BLOCK.displayName, ACTION.typeDisplayName);
  const checks: [string, string, string, number][] = [
    [BLOCK.givenName, givenName, 'first name', USER_UPDATE_LIMITS.name],
    [BLOCK.familyName, familyName, 'last name', USER_UPDATE_LIMITS.name],
    [BLOCK.displayName, displayName, 'display name', USER_UPDATE_LIMITS.displayName],
  ];
  for (const [block, value, label, max] of checks) {
    const error = nameError(value, label, max);
    if (error !== undefined) errors[block] = error;
  }
  const email = text(values, BLOCK.email, ACTION.typeEmail).toLowerCase();
  if (email === '') errors[BLOCK.email] = 'Give their primary email.';
  else if (!isEmailAddress(email))
    errors[BLOCK.email] = `${truncate(email, QUOTED_MAX)} is not an email address.`;
  const reason = text(values, BLOCK.reason, ACTION.typeReason);
  if (reason.length > LIMITS.reason) errors[BLOCK.reason] = `Keep it under ${LIMITS.reason} characters.`;
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: { givenName, familyName, displayName, email, ...(reason !== '' ? { reason } : {}) },
  };
}
