/**
 * Sentences about an admin request (onboarding, offboarding, role change): its title, its subject, its steps
 * and where it stands. The work lives in `request.details` (JSON from the ledger), so it is read defensively
 * here: a step or a subject that does not have the expected shape is left out rather than trusted. Pure; all
 * user text escaped here.
 */
import type { AdminStep } from '../../access/admin-api.js';
import type { RequestRecord } from '../../access/ledger.js';
import type { RequestKind } from '../../domain/request.js';
import { escapeMrkdwn, truncate } from '../../domain/text.js';
import { bulkStatusText } from './bulk-status.js';
import { changesPlain, changesText } from './user-update-text.js';

/** A time-bound group membership (`group_access`) is a person's own access, drawn like an access request. */
export type AdminKind = Exclude<RequestKind, 'access' | 'extend' | 'group_access'>;

export const isAdminKind = (kind: RequestKind): kind is AdminKind =>
  kind !== 'access' && kind !== 'extend' && kind !== 'group_access';

/** The group of a group change or a new group, read defensively from the details. */
function groupOf(request: RequestRecord): { name: string; action: string } {
  const group = (request.details as { group?: { name?: unknown; action?: unknown } }).group;
  return {
    name: typeof group?.name === 'string' ? group.name : '(unknown group)',
    action: typeof group?.action === 'string' ? group.action : 'add',
  };
}

/** How many people a bulk onboarding is for. */
const batchSize = (request: RequestRecord): number => {
  const batch = (request.details as { batch?: unknown }).batch;
  return Array.isArray(batch) ? batch.length : 0;
};

export interface AdminSubject {
  email: string;
  userId?: string;
  displayName: string;
}

export interface AdminDetails {
  steps: AdminStep[];
  subject?: AdminSubject;
  longestSessionHours?: number;
  longestSessionPermissionSet?: string;
  /** What the service says the admin must still know or do once the work is done (it knows the config). */
  notes?: string[];
}

const STEP_STATUSES: readonly AdminStep['status'][] = ['pending', 'done', 'failed', 'skipped'];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const optionalString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function readStep(raw: unknown): AdminStep | undefined {
  if (!isRecord(raw)) return undefined;
  const { id, kind, label, status } = raw;
  if (typeof id !== 'string' || typeof kind !== 'string' || typeof label !== 'string') return undefined;
  if (!STEP_STATUSES.includes(status as AdminStep['status'])) return undefined;
  const detail = optionalString(raw.detail);
  // The kind is shown nowhere; it is kept as the service wrote it.
  return {
    ...(raw as unknown as AdminStep),
    id,
    label,
    status: status as AdminStep['status'],
    ...(detail !== undefined ? { detail } : {}),
  };
}

function readSubject(raw: unknown): AdminSubject | undefined {
  if (!isRecord(raw) || typeof raw.email !== 'string') return undefined;
  const userId = optionalString(raw.userId);
  const displayName = optionalString(raw.displayName);
  return {
    email: raw.email,
    displayName: displayName !== undefined && displayName.trim() !== '' ? displayName : raw.email,
    ...(userId !== undefined ? { userId } : {}),
  };
}

export function readAdminDetails(request: RequestRecord): AdminDetails {
  const d = request.details;
  const steps = Array.isArray(d.steps)
    ? d.steps.map(readStep).filter((s): s is AdminStep => s !== undefined)
    : [];
  const subject = readSubject(d.subject);
  const hours = d.longestSessionHours;
  const ps = optionalString(d.longestSessionPermissionSet);
  const notes = Array.isArray(d.notes)
    ? d.notes.filter((n): n is string => typeof n === 'string')
    : undefined;
  return {
    ...(notes !== undefined ? { notes } : {}),
    steps,
    ...(subject !== undefined ? { subject } : {}),
    ...(typeof hours === 'number' && Number.isFinite(hours) && hours > 0
      ? { longestSessionHours: hours }
      : {}),
    ...(ps !== undefined && ps !== '' ? { longestSessionPermissionSet: ps } : {}),
  };
}

const KIND_NOUN: Record<AdminKind, string> = {
  onboard: 'onboarding',
  offboard: 'offboarding',
  role_change: 'role change',
  group_change: 'group change',
  group_create: 'new group',
  user_update: 'details change',
  bulk_onboard: 'bulk onboarding',
  legacy_removal: 'legacy IAM user removal',
};

const capitalised = (s: string): string => `${s.charAt(0).toUpperCase()}${s.slice(1)}`;

/** "onboarding", "offboarding", "role change". */
export const adminNoun = (kind: AdminKind): string => KIND_NOUN[kind];

/** Who the work is about, in plain words: a new starter by their name, a leaver by their email. */
function subjectPlain(kind: AdminKind, subject: AdminSubject | undefined): string {
  if (subject === undefined) return 'someone';
  return kind === 'offboard' ? subject.email : subject.displayName;
}

/**
 * The card's title, plain text (a header): "Onboarding: Dara O'Connor", "Offboarding: kim.leaver@example.com",
 * "Role change: Sam Dev → Developer".
 */
export function adminTitle(request: RequestRecord, kind: AdminKind): string {
  const { subject } = readAdminDetails(request);
  const who = subjectPlain(kind, subject);
  const role = request.permissionSet.trim();
  const to = kind === 'role_change' && role !== '' ? ` → ${role}` : '';
  return `${capitalised(KIND_NOUN[kind])}: ${who}${to}`;
}

/** The subject in mrkdwn: `*Dara O'Connor* (dara.oconnor@example.com)`. */
export function subjectText(subject: AdminSubject | undefined): string {
  if (subject === undefined) return '_unknown_';
  const name = `*${escapeMrkdwn(truncate(subject.displayName, 200))}*`;
  return subject.displayName === subject.email ? name : `${name} (${escapeMrkdwn(subject.email)})`;
}

/**
 * What is asked, for lists and answers: "onboarding of *Dara* (dara@…) as *Developer*" (mrkdwn); undefined for
 * a request that is not admin work.
 */
export function adminWhatText(request: RequestRecord): string | undefined {
  const { kind } = request;
  if (!isAdminKind(kind)) return undefined;
  const { subject } = readAdminDetails(request);
  const role = request.permissionSet.trim();
  const who = subjectText(subject);
  switch (kind) {
    case 'onboard':
      return `onboarding of ${who}${role !== '' ? ` as *${escapeMrkdwn(role)}*` : ''}`;
    case 'offboard':
      return `offboarding of ${who}`;
    case 'role_change':
      return `role change of ${who} to *${escapeMrkdwn(role)}*`;
    case 'group_change': {
      const g = groupOf(request);
      return g.action === 'remove'
        ? `removal of ${who} from group *${escapeMrkdwn(g.name)}*`
        : `addition of ${who} to group *${escapeMrkdwn(g.name)}*`;
    }
    case 'group_create':
      return `creation of group *${escapeMrkdwn(groupOf(request).name)}*`;
    case 'user_update':
      return `change of ${who}'s details${changesText(request)}`;
    case 'bulk_onboard':
      return `onboarding of ${batchSize(request)} people`;
    case 'legacy_removal':
      return `removal of ${who}'s legacy IAM user`;
  }
}

/** The same in plain words, for notification fallbacks. */
export function adminWhatPlain(request: RequestRecord): string | undefined {
  const { kind } = request;
  if (!isAdminKind(kind)) return undefined;
  const { subject } = readAdminDetails(request);
  const role = request.permissionSet.trim();
  const who = subjectPlain(kind, subject);
  switch (kind) {
    case 'onboard':
      return `onboarding of ${who}${role !== '' ? ` as ${role}` : ''}`;
    case 'offboard':
      return `offboarding of ${who}`;
    case 'role_change':
      return `role change of ${who} to ${role}`;
    case 'group_change': {
      const g = groupOf(request);
      return g.action === 'remove'
        ? `removal of ${who} from group ${g.name}`
        : `addition of ${who} to group ${g.name}`;
    }
    case 'group_create':
      return `creation of group ${groupOf(request).name}`;
    case 'user_update':
      return `change of ${who}'s details${changesPlain(request)}`;
    case 'bulk_onboard':
      return `onboarding of ${batchSize(request)} people`;
    case 'legacy_removal':
      return `removal of ${who}'s legacy IAM user`;
  }
}

const STEP_ICON: Record<AdminStep['status'], string> = {
  pending: ':hourglass_flowing_sand:',
  done: ':white_check_mark:',
  failed: ':x:',
  skipped: ':heavy_minus_sign:',
};

/** One step: ⏳ pending, ✅ done, ❌ failed with why, ➖ skipped with why. */
export function stepLine(step: AdminStep): string {
  const label = escapeMrkdwn(truncate(step.label, 200));
  const detail = step.detail?.trim();
  if (step.status === 'failed') {
    return `${STEP_ICON.failed} ${label}: ${truncate(escapeMrkdwn(detail === undefined || detail === '' ? 'AWS gave no reason' : detail), 400)}`;
  }
  const why = detail === undefined || detail === '' ? '' : ` _(${truncate(escapeMrkdwn(detail), 200)})_`;
  return `${STEP_ICON[step.status]} ${label}${why}`;
}

const countOf = (steps: readonly AdminStep[], status: AdminStep['status']): number =>
  steps.filter((s) => s.status === status).length;

/** Steps a message lists one by one; the rest are counted. */
export const MAX_STEP_LINES = 30;

/**
 * The steps as lines, at most `max` of them. Past that, the finished steps before the first unfinished one
 * are summed up in one line (so the step that failed, or runs now, is always shown), and the tail is counted.
 */
export function stepLines(steps: readonly AdminStep[], max: number = MAX_STEP_LINES): string[] {
  if (steps.length <= max) return steps.map(stepLine);
  const firstOpen = steps.findIndex((s) => s.status === 'pending' || s.status === 'failed');
  const finished = firstOpen === -1 ? steps.length : firstOpen;
  const lines: string[] = [];
  let start = 0;
  if (finished > 1) {
    const head = steps.slice(0, finished);
    const skipped = countOf(head, 'skipped');
    lines.push(
      `${STEP_ICON.done} ${head.length - skipped} earlier step${head.length - skipped === 1 ? '' : 's'} done${skipped > 0 ? `, ${skipped} skipped` : ''}`,
    );
    start = finished;
  }
  const room = max - lines.length - 1;
  const shown = steps.slice(start, start + room);
  lines.push(...shown.map(stepLine));
  const rest = steps.slice(start + shown.length);
  if (rest.length > 0) {
    const parts = (['done', 'pending', 'failed', 'skipped'] as const)
      .map((status) => [status, countOf(rest, status)] as const)
      .filter(([, n]) => n > 0)
      .map(([status, n]) => `${n} ${status}`);
    lines.push(`…and ${rest.length} more step${rest.length === 1 ? '' : 's'} (${parts.join(', ')})`);
  }
  return lines;
}

/**
 * Where admin work stands, for the statuses that read differently from an access request's (steps rather than
 * accounts); undefined otherwise, and for a request that is not admin work.
 */
export function adminStatusText(request: RequestRecord): string | undefined {
  const { kind } = request;
  if (!isAdminKind(kind)) return undefined;
  // A batch is followed person by person: "12 of 50 people done".
  if (kind === 'bulk_onboard') return bulkStatusText(request);
  const { steps } = readAdminDetails(request);
  const done = countOf(steps, 'done') + countOf(steps, 'skipped');
  const noun = capitalised(KIND_NOUN[kind]);
  switch (request.status) {
    case 'approved':
      return `:white_check_mark: Approved · the ${KIND_NOUN[kind]} starts now`;
    case 'provisioning':
      return `:hourglass_flowing_sand: In progress: ${done} of ${steps.length} steps done`;
    case 'completed': {
      const skipped = countOf(steps, 'skipped');
      return `:white_check_mark: ${noun} done: ${steps.length} step${steps.length === 1 ? '' : 's'}${skipped > 0 ? ` (${skipped} skipped)` : ''}`;
    }
    case 'failed': {
      const failed = steps.find((s) => s.status === 'failed');
      const at =
        failed === undefined
          ? ''
          : ` at *${escapeMrkdwn(truncate(failed.label, 200))}*: ${truncate(escapeMrkdwn(failed.detail ?? 'AWS gave no reason'), 600)}`;
      return `:x: Stopped${at}. ${done} of ${steps.length} steps done. An admin may retry; it continues from the step that failed.`;
    }
    default:
      return undefined;
  }
}

/** The completed offboarding's warning: sessions already open outlive the removal. */
export function openSessionsWarning(details: AdminDetails): string {
  const hours = details.longestSessionHours ?? 12;
  const ps =
    details.longestSessionPermissionSet !== undefined
      ? ` (${escapeMrkdwn(details.longestSessionPermissionSet)}'s session duration)`
      : '';
  return `:warning: Sessions already open stay valid for up to ${hours} h${ps}: removing access does not end them.`;
}

/** Users created through the API have no password: the admin sets the first one in the console. */
export function firstPasswordStep(subject: AdminSubject | undefined): string {
  const who = subject === undefined ? 'the new user' : `*${escapeMrkdwn(subject.email)}*`;
  return `:key: The new user has no password yet. In the IAM Identity Center console, open *Users* → ${who} → *Reset password*, and either send them the email with instructions or generate a one-time password to give them.`;
}
