/**
 * The admin modals' submissions → inputs for the admin service, or field errors keyed by block id. Pure.
 * Only what the form itself can tell is checked here (required fields, names that are configured); whether
 * the domain is trusted or the user exists is the service's answer, put on the field by the listener.
 */
import type { NewStarter } from '../access/admin-api.js';
import type { RequestOptions } from '../access/api.js';
import { isEmailAddress } from '../domain/email.js';
import { didYouMean, resolveName } from '../domain/names.js';
import { LIMITS, truncate, WORD_JOINER } from '../domain/text.js';
import { ONBOARD_LIMITS } from './blocks/onboard-modal.js';
import { ACTION, BLOCK, LEGACY_CLEANUP_VALUE } from './ids.js';
import {
  listed,
  QUOTED_MAX,
  selected,
  selectedDate,
  selectedMany,
  selectedUser,
  text,
  type ModalParse,
  type StateValues,
} from './parse-modal.js';
import { plainFromSlack } from './slack-text.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Configured names for each picked one; the unknown ones listed in the field's error. */
function resolveAll(
  picked: readonly string[],
  known: readonly string[],
  kind: string,
): { names: string[]; error?: string } {
  const names: string[] = [];
  const unknown: string[] = [];
  for (const typed of picked) {
    const resolved = resolveName(typed, known);
    if (resolved.ok) {
      if (!names.includes(resolved.name)) names.push(resolved.name);
    } else {
      const hint = didYouMean(resolved.suggestions);
      unknown.push(hint === '' ? typed : `${truncate(typed, QUOTED_MAX)} (${hint})`);
    }
  }
  return unknown.length > 0 ? { names, error: `Not a ${kind} I know: ${listed(unknown)}` } : { names };
}

function nameError(value: string, label: string, max: number): string | undefined {
  if (value === '') return `Give their ${label}.`;
  if (value.length > max) return `Keep it to ${max} characters.`;
  // Names go to the identity store and onto cards: no markup, no control characters.
  if (/[<>\p{Cc}]/u.test(value)) return `The ${label} cannot contain < > or control characters.`;
  return undefined;
}

export function parseOnboardModal(
  values: StateValues,
  options: RequestOptions,
  roles: readonly string[],
): ModalParse<NewStarter> {
  const errors: Record<string, string> = {};

  const email = text(values, BLOCK.email, ACTION.typeEmail).toLowerCase();
  if (email === '') errors[BLOCK.email] = 'Give their work email.';
  else if (!isEmailAddress(email))
    errors[BLOCK.email] = `${truncate(email, QUOTED_MAX)} is not an email address.`;

  const givenName = text(values, BLOCK.givenName, ACTION.typeGivenName);
  const familyName = text(values, BLOCK.familyName, ACTION.typeFamilyName);
  const displayName = text(values, BLOCK.displayName, ACTION.typeDisplayName);
  const given = nameError(givenName, 'first name', ONBOARD_LIMITS.name);
  if (given !== undefined) errors[BLOCK.givenName] = given;
  const family = nameError(familyName, 'last name', ONBOARD_LIMITS.name);
  if (family !== undefined) errors[BLOCK.familyName] = family;
  if (displayName !== '') {
    const display = nameError(displayName, 'display name', ONBOARD_LIMITS.displayName);
    if (display !== undefined) errors[BLOCK.displayName] = display;
  }

  const roleTyped = selected(values, BLOCK.role, ACTION.pickRole);
  const role = roleTyped === '' ? undefined : resolveName(roleTyped, roles);
  if (role !== undefined && !role.ok) {
    errors[BLOCK.role] = `${truncate(roleTyped, QUOTED_MAX)} is not a configured role.`;
  }

  const sets = resolveAll(
    selectedMany(values, BLOCK.extraPermissionSets, ACTION.pickPermissionSet),
    options.permissionSets.map((p) => p.name),
    'permission set',
  );
  const accounts = resolveAll(
    selectedMany(values, BLOCK.extraAccounts, ACTION.pickAccounts),
    options.accounts.map((a) => a.alias),
    'account',
  );
  if (sets.error !== undefined) errors[BLOCK.extraPermissionSets] = sets.error;
  if (accounts.error !== undefined) errors[BLOCK.extraAccounts] = accounts.error;
  if (sets.names.length > 0 && accounts.names.length === 0 && accounts.error === undefined) {
    errors[BLOCK.extraAccounts] = 'Pick the accounts these permission sets are for.';
  }
  if (accounts.names.length > 0 && sets.names.length === 0 && sets.error === undefined) {
    errors[BLOCK.extraPermissionSets] = 'Pick the permission sets they get on these accounts.';
  }
  const nothing = roleTyped === '' && sets.names.length === 0 && accounts.names.length === 0;
  if (nothing && sets.error === undefined && accounts.error === undefined) {
    // The role field exists only when roles are configured.
    if (roles.length > 0) errors[BLOCK.role] = 'Pick a role, extra permission sets and accounts, or both.';
    else errors[BLOCK.extraPermissionSets] = 'Pick the permission sets they get, and the accounts below.';
  }

  const startDate = selectedDate(values, BLOCK.startDate, ACTION.pickStartDate);
  if (startDate !== '' && !DATE.test(startDate)) errors[BLOCK.startDate] = 'Pick a date.';
  const slackUserId = selectedUser(values, BLOCK.slackUser, ACTION.pickSlackUser);
  const note = text(values, BLOCK.note, ACTION.typeNote);
  if (note.length > ONBOARD_LIMITS.note) errors[BLOCK.note] = `Keep it to ${ONBOARD_LIMITS.note} characters.`;

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      email,
      givenName,
      familyName,
      ...(displayName !== '' ? { displayName } : {}),
      ...(role?.ok === true ? { role: role.name } : {}),
      ...(sets.names.length > 0
        ? { extra: sets.names.map((permissionSet) => ({ permissionSet, accounts: accounts.names })) }
        : {}),
      ...(slackUserId !== '' ? { slackUserId } : {}),
      ...(startDate !== '' ? { startDate } : {}),
      ...(note !== '' ? { note } : {}),
    },
  };
}

export function parseOffboardModal(
  values: StateValues,
): ModalParse<{ reason: string; cleanupLegacyIam: boolean }> {
  const reason = text(values, BLOCK.reason, ACTION.typeReason);
  if (reason === '')
    return { ok: false, errors: { [BLOCK.reason]: 'Say why: approvers and the audit see it.' } };
  if (reason.length > LIMITS.reason) {
    return { ok: false, errors: { [BLOCK.reason]: `Keep it to ${LIMITS.reason} characters.` } };
  }
  const checked = selectedMany(values, BLOCK.legacyCleanup, ACTION.checkLegacyCleanup);
  return { ok: true, value: { reason, cleanupLegacyIam: checked.includes(LEGACY_CLEANUP_VALUE) } };
}

export function parseRoleChangeModal(values: StateValues): ModalParse<{ reason?: string }> {
  const reason = text(values, BLOCK.reason, ACTION.typeReason);
  if (reason.length > LIMITS.reason) {
    return { ok: false, errors: { [BLOCK.reason]: `Keep it to ${LIMITS.reason} characters.` } };
  }
  return { ok: true, value: reason === '' ? {} : { reason } };
}

/** Refusal codes of planOnboarding that are about one field of the form. The rest go on the email. */
const REFUSAL_FIELD: Readonly<Record<string, string>> = {
  untrusted_domain: BLOCK.email,
  user_exists: BLOCK.email,
  already_exists: BLOCK.email,
  identity_exists: BLOCK.email,
  identity_ambiguous: BLOCK.email,
  unknown_role: BLOCK.role,
  unknown_permission_set: BLOCK.extraPermissionSets,
  unknown_account: BLOCK.extraAccounts,
  invalid_name: BLOCK.givenName,
  bad_name: BLOCK.givenName,
  // The rules' answers: a reason goes in the note; what the role gives is what they judged.
  reason_required: BLOCK.note,
  reason_too_long: BLOCK.note,
  no_approver: BLOCK.role,
  not_offered: BLOCK.role,
  duration_too_long: BLOCK.role,
};

/** `invalid_input` names the field in its message: the first of these words found says which. */
const INVALID_INPUT_FIELD: readonly (readonly [RegExp, string])[] = [
  [/email/i, BLOCK.email],
  [/display name/i, BLOCK.displayName],
  [/first name|given name|names? /i, BLOCK.givenName],
  [/last name|family name/i, BLOCK.familyName],
  [/slack/i, BLOCK.slackUser],
  [/start date|date/i, BLOCK.startDate],
  [/role|permission set/i, BLOCK.role],
  [/account/i, BLOCK.extraAccounts],
];

const EXISTS_CODES: ReadonlySet<string> = new Set(['user_exists', 'already_exists', 'identity_exists']);

const WORD_JOINER_RE = new RegExp(WORD_JOINER, 'g');

/** Field errors are plain text: the service's mrkdwn read back as what a person would type. */
function plainText(mrkdwn: string): string {
  return plainFromSlack(mrkdwn)
    .replace(/\*([^*\n]+)\*/g, '$1')
    .replace(WORD_JOINER_RE, '');
}

/**
 * planOnboarding's refusal, on the field it is about (`hasRole`: the form has a role field). A user who
 * already exists is pointed to `/access role`, which changes what an existing user has.
 */
export function onboardingRefusalErrors(
  refusal: { code: string; message: string },
  hasRole: boolean,
): Record<string, string> {
  let field =
    REFUSAL_FIELD[refusal.code] ??
    (refusal.code === 'invalid_input'
      ? INVALID_INPUT_FIELD.find(([words]) => words.test(refusal.message))?.[1]
      : undefined) ??
    BLOCK.email;
  if (field === BLOCK.role && !hasRole) field = BLOCK.extraPermissionSets;
  let text = plainText(refusal.message);
  const exists = EXISTS_CODES.has(refusal.code) || /already exists/i.test(text);
  if (field === BLOCK.email && exists && !text.includes('/access role')) {
    text = `${text} To change what an existing user has, use /access role.`;
  }
  return { [field]: truncate(text, 1000) };
}
