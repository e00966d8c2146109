/**
 * Onboarding planned: a new starter checked (trusted domain, names, role, extras, start date, no user yet)
 * and turned into the steps that will run after approval — create the user, join the role's groups, make
 * each assignment, send the welcome email.
 */
import { isEmailAddress } from '../../domain/email.js';
import { escapeMrkdwn, joinWords } from '../../domain/text.js';
import type { AdminStep, NewStarter, OnboardingPlan } from '../admin-api.js';
import type { Outcome } from '../api.js';
import type { AccountRef } from '../ledger.js';
import { readAccessToday } from './access-today.js';
import type { AdminDeps } from './deps.js';
import { ok, pendingStep, refuse } from './details.js';
import {
  accountsOf,
  assignStepId,
  resolveAssignments,
  resolveRole,
  type AssignmentTarget,
} from './targets.js';

export interface PlannedOnboarding {
  plan: OnboardingPlan;
  targets: AssignmentTarget[];
  accounts: AccountRef[];
}

const SLACK_ID = /^[UW][A-Z0-9]+$/;
/** The longest first, last or display name (the identity store's and the cards' bound). */
export const NAME_MAX = 64;

/** The first instant of a YYYY-MM-DD day in UTC, or undefined when it is not a real date. */
export function startOfDay(text: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const at = new Date(`${text}T00:00:00.000Z`);
  return Number.isNaN(at.getTime()) || at.toISOString().slice(0, 10) !== text ? undefined : at;
}

export async function planOnboarding(
  deps: Pick<AdminDeps, 'config' | 'directory' | 'assignments' | 'catalog'>,
  input: NewStarter,
): Promise<Outcome<PlannedOnboarding>> {
  const { config } = deps;
  const email = input.email.trim().toLowerCase();
  if (!isEmailAddress(email)) return refuse('invalid_input', 'Give the work email as name@domain.');
  const domain = email.split('@')[1] ?? '';
  if (!config.trustedEmailDomains.some((d) => d.toLowerCase() === domain)) {
    return refuse(
      'untrusted_domain',
      `${escapeMrkdwn(email)} is not in a trusted domain (${config.trustedEmailDomains.join(', ')}): onboard people with their work email.`,
    );
  }
  const givenName = input.givenName.trim();
  const familyName = input.familyName.trim();
  if (givenName === '' || familyName === '')
    return refuse('invalid_input', 'Give both the first name and the last name.');
  const displayName = (input.displayName ?? '').trim() || `${givenName} ${familyName}`;
  if ([givenName, familyName, displayName].some((n) => n.length > NAME_MAX))
    return refuse('invalid_input', `Keep names under ${NAME_MAX} characters.`);
  if (input.slackUserId !== undefined && !SLACK_ID.test(input.slackUserId))
    return refuse('invalid_input', 'The Slack account must be a Slack user id (U…).');
  if (input.startDate !== undefined && startOfDay(input.startDate) === undefined)
    return refuse('invalid_input', 'Give the start date as YYYY-MM-DD.');

  let role: string | undefined;
  if (input.role !== undefined && input.role.trim() !== '') {
    const found = resolveRole(config, input.role);
    if (!found.ok) return found;
    role = found.value;
  }
  const extra = (input.extra ?? []).filter((e) => e.permissionSet.trim() !== '');
  if (role === undefined && extra.length === 0)
    return refuse('invalid_input', 'Pick a role, or at least one permission set and account.');
  const bundle = role === undefined ? undefined : config.roles[role];
  const targets = await resolveAssignments(config, deps.catalog, [...(bundle?.assignments ?? []), ...extra]);
  if (!targets.ok) return targets;
  const groups = [...(bundle?.groups ?? [])];

  const exists = await existingUser(deps, email);
  if (!exists.ok) return exists;

  const steps: AdminStep[] = [
    pendingStep({ id: 'create_user', kind: 'create_user', label: `Create the user ${email}` }),
    ...groups.map((g) =>
      pendingStep({ id: `join_group:${g}`, kind: 'join_group', label: `Join group ${g}`, groupName: g }),
    ),
    ...targets.value.map((t) =>
      pendingStep({
        id: assignStepId('assign', t),
        kind: 'assign',
        label: `Give ${t.permissionSet} on ${t.account.alias}`,
        accountId: t.account.id,
        accountAlias: t.account.alias,
        permissionSet: t.permissionSet,
        permissionSetArn: t.permissionSetArn,
      }),
    ),
    pendingStep({ id: 'send_welcome', kind: 'send_welcome', label: `Send the welcome email to ${email}` }),
  ];
  const byPermissionSet = new Map<string, string[]>();
  for (const t of targets.value)
    byPermissionSet.set(t.permissionSet, [...(byPermissionSet.get(t.permissionSet) ?? []), t.account.alias]);
  const starter = {
    email,
    givenName,
    familyName,
    displayName,
    ...(role !== undefined ? { role } : {}),
    ...(extra.length > 0 ? { extra } : {}),
    ...(input.slackUserId !== undefined ? { slackUserId: input.slackUserId } : {}),
    ...(input.startDate !== undefined ? { startDate: input.startDate } : {}),
    ...(input.note !== undefined && input.note.trim() !== '' ? { note: input.note.trim() } : {}),
  };
  return ok({
    plan: {
      starter,
      groups,
      assignments: [...byPermissionSet].map(([permissionSet, accounts]) => ({ permissionSet, accounts })),
      steps,
    },
    targets: targets.value,
    accounts: accountsOf(targets.value),
  });
}

/** Refuses a starter who already has a user, saying what they have and what to do instead. */
async function existingUser(
  deps: Pick<AdminDeps, 'config' | 'directory' | 'assignments' | 'catalog'>,
  email: string,
): Promise<Outcome<void>> {
  const [byName, byEmail] = await Promise.all([
    deps.directory.findUserByUserName(email),
    deps.directory.findUserByEmail(email),
  ]);
  if (!byName.ok) return refuse('aws_unavailable', `I could not look up ${email}: ${byName.error.message}`);
  if (!byEmail.ok) return refuse('aws_unavailable', `I could not look up ${email}: ${byEmail.error.message}`);
  const user = byName.value ?? byEmail.value;
  if (user === undefined) return ok(undefined);
  const today = await readAccessToday(deps, user.id);
  const held = today.ok
    ? `, in ${today.value.groups.length === 0 ? 'no group' : joinWords(today.value.groups.map((g) => g.name))}, with ${today.value.direct.length} direct assignment${today.value.direct.length === 1 ? '' : 's'}`
    : '';
  return refuse(
    'user_exists',
    `${escapeMrkdwn(email)} already has an Identity Center user (${escapeMrkdwn(user.displayName)}, user name ${escapeMrkdwn(user.userName)}${held}). To change what they hold, use \`/access role ${escapeMrkdwn(email)} <role>\`.`,
  );
}
