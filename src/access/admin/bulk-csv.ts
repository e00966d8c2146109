/**
 * The file of a bulk onboarding read into rows: RFC 4180 CSV (quoted cells with `""` for a quote, line breaks
 * inside quotes, CRLF or LF), UTF-8 with or without a byte order mark, as spreadsheets save it. Headers are
 * matched by meaning (`First name`, `first_name`, `Given name`… all mean the first name), case and separators
 * ignored. Nothing is guessed: a column it does not know, a cell past the header's last column or a quote left
 * open is a problem named by row and column, because a column silently dropped (a misspelt "Slak user") would
 * change who may approve. Rows are numbered as a spreadsheet shows them: the header is row 1. Pure.
 */
import { didYouMean, resolveName } from '../../domain/names.js';

/** A file larger than this, or with more people, is refused before a row is read: split it. */
export const BULK_LIMITS = { bytes: 1_000_000, rows: 1_000 } as const;

export type BulkColumn =
  'givenName' | 'familyName' | 'email' | 'displayName' | 'role' | 'slackUser' | 'startDate';

/** The columns in the order the README shows them, with the name a person reads. */
export const BULK_COLUMNS: readonly { column: BulkColumn; label: string; required: boolean }[] = [
  { column: 'givenName', label: 'first name', required: true },
  { column: 'familyName', label: 'last name', required: true },
  { column: 'email', label: 'email', required: true },
  { column: 'displayName', label: 'display name', required: false },
  { column: 'role', label: 'role', required: true },
  { column: 'slackUser', label: 'Slack user', required: false },
  { column: 'startDate', label: 'start date', required: false },
];

/** Header names each column answers to, compared without case, spaces, `_`, `-` or `.`. */
const HEADER_NAMES: Record<BulkColumn, readonly string[]> = {
  givenName: ['first name', 'firstname', 'given name', 'forename', 'first'],
  familyName: ['last name', 'lastname', 'family name', 'surname', 'last'],
  email: ['email', 'e-mail', 'email address', 'work email', 'mail'],
  displayName: ['display name', 'full name', 'name'],
  role: ['role', 'role name', 'access role'],
  slackUser: ['slack user', 'slack', 'slack id', 'slack user id', 'slack member id', 'slack account'],
  startDate: ['start date', 'start', 'starts', 'start day', 'first day', 'starting'],
};

/** Something wrong with the file: `row` and `column` (as the header writes it) when it is one cell's. */
export interface BulkProblem {
  row?: number;
  column?: string;
  /** Plain text (user text as typed: a renderer escapes it for Slack). */
  message: string;
}

export interface BulkRow {
  /** As a spreadsheet numbers it: the header is row 1, the first person row 2. */
  row: number;
  /** Trimmed cells by column; a column the file lacks, or an empty cell, is absent. */
  cells: Partial<Record<BulkColumn, string>>;
}

export interface ReadBulkCsv {
  /** Each column the file has, by the header it has it under. */
  headers: Partial<Record<BulkColumn, string>>;
  rows: BulkRow[];
  /** When not empty, the rows are not to be trusted (or there are none). */
  problems: BulkProblem[];
}

const key = (text: string): string => text.toLowerCase().replace(/[\s_.-]+/g, '');

const BY_KEY = new Map<string, BulkColumn>(
  (Object.entries(HEADER_NAMES) as [BulkColumn, readonly string[]][]).flatMap(([column, names]) =>
    names.map((n) => [key(n), column] as const),
  ),
);

/** The column a header means, or undefined. */
export function columnOfHeader(header: string): BulkColumn | undefined {
  return BY_KEY.get(key(header));
}

export const labelOf = (column: BulkColumn): string =>
  BULK_COLUMNS.find((c) => c.column === column)?.label ?? column;

const COLUMNS_TEXT = BULK_COLUMNS.map((c) => (c.required ? c.label : `${c.label} (optional)`)).join(', ');

/** Reads the file's bytes; everything that stops it is in `problems`. */
export function readBulkCsv(bytes: Uint8Array): ReadBulkCsv {
  const none = (message: string, row?: number): ReadBulkCsv => ({
    headers: {},
    rows: [],
    problems: [{ ...(row !== undefined ? { row } : {}), message }],
  });
  if (bytes.length > BULK_LIMITS.bytes) {
    return none(
      `The file is ${sizeText(bytes.length)}; one bulk onboarding takes at most ${sizeText(BULK_LIMITS.bytes)} (${BULK_LIMITS.rows.toLocaleString('en')} people): split it into several files.`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return none('The file is not UTF-8 text: save it as "CSV UTF-8" from the spreadsheet.');
  }
  const records = parseRecords(text);
  if ('problem' in records) return none(records.problem.message, records.problem.row);
  const [header, ...body] = records.rows;
  if (header === undefined || header.every((c) => c.trim() === '')) {
    return none(`The file is empty. Its first line names the columns: ${COLUMNS_TEXT}.`);
  }
  const mapped = mapHeader(header);
  if (mapped.problems.length > 0) return { headers: mapped.headers, rows: [], problems: mapped.problems };
  const rows: BulkRow[] = [];
  const problems: BulkProblem[] = [];
  body.forEach((cells, i) => {
    const row = i + 2;
    if (cells.every((c) => c.trim() === '')) return; // a blank line, as spreadsheets leave at the end
    const extra = cells.slice(header.length).filter((c) => c.trim() !== '');
    if (extra.length > 0) {
      problems.push({
        row,
        message: `Row ${row} has ${cells.length} cells but the header names ${header.length} columns: a comma too many, or a cell that needs quotes ("Smith, Jr.").`,
      });
      return;
    }
    const out: BulkRow['cells'] = {};
    mapped.order.forEach((column, at) => {
      const value = (cells[at] ?? '').trim();
      if (column !== undefined && value !== '') out[column] = value;
    });
    rows.push({ row, cells: out });
  });
  if (rows.length > BULK_LIMITS.rows) {
    return none(
      `The file has ${rows.length.toLocaleString('en')} people; one bulk onboarding takes at most ${BULK_LIMITS.rows.toLocaleString('en')}: split it into several files.`,
    );
  }
  if (rows.length === 0 && problems.length === 0) {
    problems.push({
      message: 'The file has a header but nobody under it: one person per row after the header.',
    });
  }
  return { headers: mapped.headers, rows, problems };
}

/** The header row: which column each cell is, or the problems that stop the file. */
function mapHeader(header: readonly string[]): {
  order: (BulkColumn | undefined)[];
  headers: Partial<Record<BulkColumn, string>>;
  problems: BulkProblem[];
} {
  const headers: Partial<Record<BulkColumn, string>> = {};
  const problems: BulkProblem[] = [];
  const known = [...new Set(Object.values(HEADER_NAMES).flat())];
  const order = header.map((raw) => {
    const name = raw.trim();
    if (name === '') return undefined; // a trailing comma on the header line
    const column = columnOfHeader(name);
    if (column === undefined) {
      const close = resolveName(name, known);
      const hint = close.ok ? '' : didYouMean(close.suggestions);
      problems.push({
        row: 1,
        column: name,
        message: `"${name}" is not a column I know${hint !== '' ? ` (${hint})` : ''}. The columns are: ${COLUMNS_TEXT}. Remove the column or rename it.`,
      });
      return undefined;
    }
    const earlier = headers[column];
    if (earlier !== undefined) {
      problems.push({
        row: 1,
        column: name,
        message: `"${name}" is the ${labelOf(column)} again (already "${earlier}"): keep one of them.`,
      });
      return undefined;
    }
    headers[column] = name;
    return column;
  });
  const missing = BULK_COLUMNS.filter((c) => c.required && headers[c.column] === undefined).map(
    (c) => c.label,
  );
  if (missing.length > 0) {
    problems.push({
      row: 1,
      message: `The header has no ${missing.join(', no ')} column. The columns are: ${COLUMNS_TEXT}.`,
    });
  }
  return { order, headers, problems };
}

type Records = { rows: string[][] } | { problem: BulkProblem };

/**
 * RFC 4180 records. The separator is a comma; a file whose first line holds semicolons and no comma (a
 * spreadsheet set to a language that writes decimals with commas) is read with semicolons. A quote inside an
 * unquoted cell is kept as typed (`O"Brien`); text after a closing quote, or a quote never closed, is refused.
 */
function parseRecords(input: string): Records {
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const separator = !firstLine.includes(',') && firstLine.includes(';') ? ';' : ',';
  const rows: string[][] = [];
  let cells: string[] = [];
  let cell = '';
  // A quoted cell, even an empty one (""), is a cell begun.
  let quoted = false;
  const endCell = () => {
    cells.push(cell);
    cell = '';
    quoted = false;
  };
  const endRecord = () => {
    endCell();
    rows.push(cells);
    cells = [];
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"' && cell === '' && !quoted) {
      const row = rows.length + 1;
      const closed = readQuoted(text, i + 1);
      if (closed === undefined) {
        return {
          problem: { row, message: `Row ${row} opens a quoted cell that is never closed: a " is missing.` },
        };
      }
      cell = closed.value;
      quoted = true;
      i = closed.next;
      const next = text[i];
      if (next !== undefined && next !== separator && next !== '\r' && next !== '\n') {
        return {
          problem: {
            row,
            message: `Row ${row} has text after a closing quote: put the whole cell in quotes, with "" for a quote inside it.`,
          },
        };
      }
      continue;
    }
    if (ch === separator) {
      endCell();
      i += 1;
    } else if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      cell += ch;
      i += 1;
    }
  }
  if (cell !== '' || quoted || cells.length > 0) endRecord();
  return { rows };
}

/** The cell that starts after an opening quote at `from`: its value and where it ends; undefined if never closed. */
function readQuoted(text: string, from: number): { value: string; next: number } | undefined {
  let value = '';
  let i = from;
  for (;;) {
    const at = text.indexOf('"', i);
    if (at === -1) return undefined;
    value += text.slice(i, at);
    if (text[at + 1] === '"') {
      value += '"';
      i = at + 2;
      continue;
    }
    return { value, next: at + 1 };
  }
}

/** A file's size as people read it: `740 kB`, `1.04 MB` (two decimals, so that 1.04 MB is not "1 MB"). */
export function sizeText(bytes: number): string {
  if (bytes < 1_000_000) return `${Math.ceil(bytes / 1_000).toLocaleString('en')} kB`;
  return `${(bytes / 1_000_000).toLocaleString('en', { maximumFractionDigits: 2 })} MB`;
}
