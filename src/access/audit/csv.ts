/**
 * The audit report as one CSV file (RFC 4180: CRLF line ends, fields quoted when they hold a comma, a quote or
 * a line break, quotes doubled). One header for every record; the `record` column says which part of the
 * report a line belongs to, so a spreadsheet filter shows one part at a time. A dozen lines do not justify a
 * dependency.
 */
import { inactiveUsers } from './inactive.js';
import type { AccessSource, AuditReport } from './types.js';

export const AUDIT_CSV_COLUMNS = [
  'record',
  'user_name',
  'display_name',
  'email',
  'user_id',
  'groups',
  'user_status',
  'last_sign_in_at',
  'inactive',
  'account',
  'account_id',
  'permission_set',
  'source',
  'grant_id',
  'grant_ends_at',
  'access_key_id',
  'key_created_at',
  'key_last_used_at',
  'key_last_used_service',
  'detail',
] as const;

type Column = (typeof AUDIT_CSV_COLUMNS)[number];
type Line = Partial<Record<Column, string>>;

/**
 * Spreadsheets run a cell that starts with = + - @ (or a tab or CR) as a formula; a name in the directory must
 * not become one in an admin's spreadsheet, so such a cell starts with an apostrophe (OWASP's advice).
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

const iso = (at: Date | null | undefined): string =>
  at === null || at === undefined ? '' : at.toISOString();

export function sourceText(source: AccessSource): string {
  switch (source.kind) {
    case 'direct':
      return 'direct';
    case 'group':
      return `through group ${source.groupName}`;
    case 'grant':
      return source.endsAt === null
        ? `access-desk grant ${source.grantId} (permanent)`
        : `access-desk grant ${source.grantId} until ${source.endsAt.toISOString()}`;
  }
}

/** A user's status, latest sign-in and inactivity, for every line about them. */
const daysText = (days: number): string => `${days} day${days === 1 ? '' : 's'}`;

function activityColumns(report: AuditReport): (userId: string) => Line {
  const byId = new Map(report.activity.map((a) => [a.user.id, a]));
  return (userId) => {
    const a = byId.get(userId);
    if (a === undefined) return {};
    return {
      user_status: a.status,
      last_sign_in_at: iso(a.lastSignIn),
      inactive: a.inactive === undefined ? '' : a.inactive ? 'yes' : 'no',
    };
  };
}

/** The whole CSV as one string: for small reports and tests; a large one is written with writeAuditCsv. */
export function auditCsv(report: AuditReport): string {
  let text = '';
  for (const line of auditCsvLines(report)) text += line;
  return text;
}

const csvLine = (line: Line): string =>
  `${AUDIT_CSV_COLUMNS.map((c) => csvField(line[c] ?? '')).join(',')}\r\n`;

/**
 * The CSV a line at a time (each ends with CRLF), the header first: nothing but the line being made is held, so a
 * report of a million rows costs the memory of one.
 */
export function* auditCsvLines(report: AuditReport): Generator<string, void, undefined> {
  yield `${AUDIT_CSV_COLUMNS.map(csvField).join(',')}\r\n`;
  for (const line of auditRecords(report)) yield csvLine(line);
}

/** What the CSV is written to: a file, an upload, a test's list. */
export interface CsvSink {
  /** false: the sink is full; the writer waits for `drain` before the next chunk (a Node Writable is one). */
  write(chunk: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

/** Lines are gathered into chunks of about this many characters before each write. */
const CHUNK_CHARS = 64 * 1024;

/**
 * Streams the CSV to `sink` in chunks, waiting whenever the sink says it is full, so memory stays that of one
 * chunk whatever the size of the organisation. Resolves with the bytes (UTF-8) and the rows (without the header)
 * written; the caller ends the sink.
 */
export async function writeAuditCsv(
  report: AuditReport,
  sink: CsvSink,
): Promise<{ bytes: number; rows: number }> {
  let chunk = '';
  let bytes = 0;
  let lines = 0;
  const flush = async (): Promise<void> => {
    bytes += Buffer.byteLength(chunk, 'utf8');
    const room = sink.write(chunk);
    chunk = '';
    if (!room) await new Promise<void>((resolve) => sink.once('drain', resolve));
  };
  for (const line of auditCsvLines(report)) {
    chunk += line;
    lines += 1;
    if (chunk.length >= CHUNK_CHARS) await flush();
  }
  if (chunk !== '') await flush();
  return { bytes, rows: lines - 1 };
}

function* auditRecords(report: AuditReport): Generator<Line, void, undefined> {
  const activity = activityColumns(report);
  for (const row of report.access) {
    const grants = row.sources.filter((s) => s.kind === 'grant');
    const ends = grants.map((g) => g.endsAt);
    yield {
      record: 'access',
      user_name: row.user.userName,
      display_name: row.user.displayName,
      email: row.user.email ?? '',
      user_id: row.user.id,
      groups: row.groups.join('; '),
      ...activity(row.user.id),
      account: row.accountAlias ?? '',
      account_id: row.accountId,
      permission_set: row.permissionSet,
      source: row.sources.map(sourceText).join('; '),
      grant_id: grants.map((g) => g.grantId).join('; '),
      // The latest end among its grants; a permanent one outlasts them all.
      grant_ends_at:
        ends.length === 0
          ? ''
          : ends.includes(null)
            ? 'permanent'
            : iso(new Date(Math.max(...ends.map((e) => e?.getTime() ?? 0)))),
    };
  }
  for (const { user, groups } of report.noAccess) {
    yield {
      record: 'no_access',
      user_name: user.userName,
      display_name: user.displayName,
      email: user.email ?? '',
      user_id: user.id,
      groups: groups.join('; '),
      ...activity(user.id),
      detail:
        groups.length === 0 ? 'no assignment and no group' : 'no assignment, directly or through a group',
    };
  }
  // One line per inactive user, the longest quiet first: what the Offboard buttons in the summary are for.
  for (const a of inactiveUsers(report.activity)) {
    yield {
      record: 'inactive_user',
      user_name: a.user.userName,
      display_name: a.user.displayName,
      email: a.user.email ?? '',
      user_id: a.user.id,
      ...activity(a.user.id),
      detail:
        a.lastSignIn === undefined
          ? "No sign-in in CloudTrail's history (it keeps 90 days)."
          : `No sign-in for ${daysText(report.summary.inactiveAfterDays ?? 90)}: the last was ${iso(a.lastSignIn)}.`,
    };
  }
  for (const d of report.drift) {
    yield {
      record: 'drift',
      user_name: d.user?.userName ?? '',
      display_name: d.user?.displayName ?? '',
      email: d.user?.email ?? '',
      user_id: d.userId,
      account: d.accountAlias ?? '',
      account_id: d.accountId,
      permission_set: d.permissionSet,
      source: d.kind === 'not_granted' ? 'not granted by access-desk' : 'grant missing in AWS',
      grant_id: d.grantId ?? '',
      grant_ends_at: d.grantId === undefined ? '' : d.grantEndsAt === null ? 'permanent' : iso(d.grantEndsAt),
      detail:
        d.kind === 'not_granted'
          ? 'A direct assignment in AWS that no access-desk grant accounts for.'
          : `The ledger says grant ${d.grantId ?? ''} (request ${d.requestId ?? ''}) is active, but AWS has no such assignment.`,
    };
  }
  for (const k of report.legacyKeys) {
    yield {
      record: 'legacy_iam_key',
      user_name: k.userName,
      display_name: k.ssoUser?.displayName ?? '',
      email: k.ssoUser?.email ?? '',
      user_id: k.ssoUser?.id ?? '',
      source: 'legacy IAM user',
      access_key_id: k.accessKeyId,
      key_created_at: iso(k.createdAt),
      key_last_used_at: iso(k.lastUsed?.at),
      key_last_used_service: k.lastUsed === undefined ? '' : `${k.lastUsed.service} (${k.lastUsed.region})`,
      detail: k.lastUsed === undefined ? 'active key, never used' : 'active key',
    };
  }
  for (const d of report.sessionDenials) {
    yield {
      record: 'session_denial',
      user_name: d.userName ?? '',
      user_id: d.userId,
      account: d.accountAlias,
      account_id: d.accountId,
      permission_set: d.permissionSet,
      source: `ended by access-desk (${d.cause.replace('_', ' ')})`,
      grant_id: d.grantId ?? '',
      detail:
        d.status === 'adding'
          ? `Being ended: sessions issued before ${iso(d.endedAt)} are being denied.`
          : `Sessions issued before ${iso(d.endedAt)} denied since ${iso(d.inForceAt ?? d.endedAt)}, until ${iso(d.liftAt ?? undefined)}.`,
    };
  }
}
