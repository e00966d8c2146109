/**
 * Every row of a bulk onboarding checked before anything is done, each problem named by row and column. The
 * cells are checked one by one first (so that a problem names its column), then across the file (the same
 * email or Slack account twice), then against what exists (an onboarding of that person already under way, a
 * Slack account Slack does not know), and last each row goes through onboarding's own plan (planOnboarding: the
 * trusted domain, the names, the role and what it gives, no Identity Center user yet): a row passes only if a
 * single onboarding of it would.
 */
import { isEmailAddress } from '../../domain/email.js';
import { didYouMean, resolveName } from '../../domain/names.js';
import { WORD_JOINER } from '../../domain/text.js';
import type { AdminRequestDetails, NewStarter } from '../admin-api.js';
import type { RefusalCode } from '../api.js';
import type { Ledger } from '../ledger.js';
import type { SlackPeople } from '../people.js';
import type { AdminDeps } from './deps.js';
import { labelOf, type BulkColumn, type BulkProblem, type BulkRow, type ReadBulkCsv } from './bulk-csv.js';
import { NAME_MAX, planOnboarding, startOfDay, type PlannedOnboarding } from './onboarding.js';
import { slackIdIn } from './subject.js';

export type RowDeps = Pick<AdminDeps, 'config' | 'directory' | 'assignments' | 'catalog'> & {
  ledger: Pick<Ledger, 'findRequests'>;
  people: Pick<SlackPeople, 'profileEmail'>;
};

export interface CheckedRow {
  row: number;
  planned: PlannedOnboarding;
}

/** How many rows are looked up in AWS at once: the adapter paces its calls to AWS's limits anyway. */
const LOOKUPS_AT_ONCE = 4;
/** Names go to the identity store and onto cards: no markup, no control characters (as the onboarding form). */
const BAD_NAME = /[<>\p{Cc}]/u;
const OPEN = ['pending', 'approved', 'provisioning', 'failed'] as const;

export async function checkRows(
  deps: RowDeps,
  read: ReadBulkCsv,
): Promise<{ checked: CheckedRow[]; problems: BulkProblem[] }> {
  const problems: BulkProblem[] = [];
  const column = (row: number, c: BulkColumn, message: string): void => {
    problems.push({ row, column: read.headers[c] ?? labelOf(c), message });
  };
  const underWay = await openOnboardings(deps.ledger);
  const emails = new Map<string, number>();
  const slackIds = new Map<string, number>();
  const candidates: { row: number; starter: NewStarter }[] = [];
  for (const r of read.rows) {
    const before = problems.length;
    const starter = checkCells(deps, r, (c, m) => column(r.row, c, m));
    if (starter !== undefined) {
      const first = emails.get(starter.email);
      if (first !== undefined)
        column(r.row, 'email', `${starter.email} is also on row ${first}: one row per person.`);
      else emails.set(starter.email, r.row);
      const slackId = starter.slackUserId;
      const firstSlack = slackId === undefined ? undefined : slackIds.get(slackId);
      if (slackId !== undefined && firstSlack !== undefined)
        column(r.row, 'slackUser', `${slackId} is also on row ${firstSlack}: one Slack account per person.`);
      else if (slackId !== undefined) slackIds.set(slackId, r.row);
      const open = underWay.get(starter.email);
      if (open !== undefined) {
        column(
          r.row,
          'email',
          `An onboarding of ${starter.email} is already under way (${open}): finish or cancel it first, or leave this row out.`,
        );
      }
    }
    if (starter !== undefined && problems.length === before) candidates.push({ row: r.row, starter });
  }
  const checked: CheckedRow[] = [];
  await inPool(candidates, LOOKUPS_AT_ONCE, async ({ row, starter }) => {
    const slack = await checkSlackUser(deps, starter);
    if (slack !== undefined) {
      column(row, 'slackUser', slack);
      return;
    }
    const planned = await planOnboarding(deps, starter);
    if (planned.ok) checked.push({ row, planned: planned.value });
    else problems.push({ row, ...columnOfRefusal(read, planned.code), message: plainText(planned.message) });
  });
  checked.sort((a, b) => a.row - b.row);
  problems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  return { checked, problems };
}

/** A row's cells one by one, as a new starter; undefined when a cell stops it (each problem reported). */
function checkCells(
  deps: Pick<RowDeps, 'config'>,
  r: BulkRow,
  problem: (column: BulkColumn, message: string) => void,
): NewStarter | undefined {
  const { config } = deps;
  const cells = r.cells;
  let fine = true;
  const fail = (c: BulkColumn, message: string): void => {
    problem(c, message);
    fine = false;
  };
  const email = (cells.email ?? '').toLowerCase();
  if (email === '') fail('email', 'No email: give the person’s work email.');
  else if (!isEmailAddress(email)) fail('email', `"${cells.email ?? ''}" is not an email address.`);
  else if (!config.trustedEmailDomains.some((d) => d.toLowerCase() === email.split('@')[1])) {
    fail(
      'email',
      `${email} is not in a trusted domain (${config.trustedEmailDomains.join(', ')}): onboard people with their work email.`,
    );
  }
  for (const [c, what] of [
    ['givenName', 'first name'],
    ['familyName', 'last name'],
    ['displayName', 'display name'],
  ] as const) {
    const value = cells[c];
    if (value === undefined) {
      if (c !== 'displayName') fail(c, `No ${what}.`);
    } else if (value.length > NAME_MAX) {
      fail(c, `The ${what} is ${value.length} characters long; at most ${NAME_MAX}.`);
    } else if (BAD_NAME.test(value)) {
      fail(c, `The ${what} cannot contain < > or control characters.`);
    }
  }
  const roles = Object.keys(config.roles);
  const typedRole = cells.role;
  let role: string | undefined;
  if (typedRole === undefined) fail('role', `No role. The roles are: ${roles.join(', ')}.`);
  else {
    const found = resolveName(typedRole, roles);
    if (found.ok) role = found.name;
    else {
      const hint = didYouMean(found.suggestions);
      fail(
        'role',
        `There is no role "${typedRole}"${hint !== '' ? ` (${hint})` : ''}. The roles are: ${roles.join(', ')}.`,
      );
    }
  }
  let slackUserId: string | undefined;
  if (cells.slackUser !== undefined) {
    slackUserId = slackIdIn(cells.slackUser.replace(/^@/, ''));
    if (slackUserId === undefined) {
      fail(
        'slackUser',
        `"${cells.slackUser}" is not a Slack user id: give their member id (U…, on their Slack profile under ⋮ → Copy member ID), or leave the cell empty.`,
      );
    }
  }
  if (cells.startDate !== undefined && startOfDay(cells.startDate) === undefined) {
    fail('startDate', `"${cells.startDate}" is not a date: give it as YYYY-MM-DD, e.g. 2027-01-04.`);
  }
  if (!fine || role === undefined) return undefined;
  return {
    email,
    givenName: cells.givenName ?? '',
    familyName: cells.familyName ?? '',
    ...(cells.displayName !== undefined ? { displayName: cells.displayName } : {}),
    role,
    ...(slackUserId !== undefined ? { slackUserId } : {}),
    ...(cells.startDate !== undefined ? { startDate: cells.startDate } : {}),
  };
}

/**
 * Why the starter's Slack account will not do: one Slack does not know (or that has no email on its profile,
 * so that nobody can be matched to it), or one the config's `people` gives to someone else.
 */
async function checkSlackUser(
  deps: Pick<RowDeps, 'config' | 'people'>,
  starter: NewStarter,
): Promise<string | undefined> {
  const id = starter.slackUserId;
  if (id === undefined) return undefined;
  const mapped = deps.config.people[id];
  if (mapped !== undefined) {
    return mapped.toLowerCase() === starter.email
      ? undefined
      : `${id} is ${mapped} in the config's people, not ${starter.email}: check the Slack member id.`;
  }
  const email = await deps.people.profileEmail(id);
  return email === undefined
    ? `Slack has no active user ${id} with an email on their profile: check the member id, or leave the cell empty.`
    : undefined;
}

/** Emails with an onboarding under way (alone or in another batch), with what to call it. */
async function openOnboardings(ledger: Pick<Ledger, 'findRequests'>): Promise<Map<string, string>> {
  const open = await ledger.findRequests({ statuses: [...OPEN], kinds: ['onboard', 'bulk_onboard'] });
  const out = new Map<string, string>();
  for (const r of open) {
    const details = r.details as Partial<AdminRequestDetails>;
    const emails =
      r.kind === 'bulk_onboard'
        ? (details.batch ?? []).map((p) => p.email)
        : [details.subject?.email ?? ''].filter((e) => e !== '');
    for (const e of emails) out.set(e.toLowerCase(), `${r.id}, ${r.status}`);
  }
  return out;
}

/** The column planOnboarding's refusal is about. */
function columnOfRefusal(read: ReadBulkCsv, code: RefusalCode): { column?: string } {
  const c: BulkColumn | undefined =
    code === 'user_exists' || code === 'untrusted_domain'
      ? 'email'
      : code === 'unknown_role' || code === 'unknown_permission_set' || code === 'unknown_account'
        ? 'role'
        : undefined;
  return c === undefined ? {} : { column: read.headers[c] ?? labelOf(c) };
}

/** A refusal written for Slack (escaped) as plain text, for a problem list the renderer escapes once. */
export function plainText(mrkdwn: string): string {
  return mrkdwn
    .replaceAll(WORD_JOINER, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

async function inPool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next]!;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}
