import { describe, expect, it } from 'vitest';
import { BULK_LIMITS, columnOfHeader, readBulkCsv } from '../../src/access/admin/bulk-csv.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const HEADER = 'first name,last name,email,display name,role,slack user,start date';

describe('reading a bulk onboarding file', () => {
  it('knows each column by the header names people write, whatever their case or separators', () => {
    for (const [header, column] of [
      ['First Name', 'givenName'],
      ['first_name', 'givenName'],
      ['GIVEN NAME', 'givenName'],
      ['Surname', 'familyName'],
      ['last-name', 'familyName'],
      ['E-mail', 'email'],
      ['Work email', 'email'],
      ['Display name', 'displayName'],
      ['Role', 'role'],
      ['Slack ID', 'slackUser'],
      ['slack_user', 'slackUser'],
      ['Start date', 'startDate'],
      ['first day', 'startDate'],
    ] as const) {
      expect(columnOfHeader(header), header).toBe(column);
    }
  });

  it('reads RFC 4180: quoted commas and quotes, a line break inside quotes, CRLF, a byte order mark', () => {
    const text = `\uFEFF${HEADER}\r\n"Nina","O""Neil, Jr.",nina@example.com,"Nina
O'Neil",developer,,\r\nSam,Smith,sam@example.com,,data,U0NEW0001,2027-01-04\r\n`;
    const read = readBulkCsv(bytes(text));
    expect(read.problems).toEqual([]);
    expect(read.headers).toMatchObject({ givenName: 'first name', slackUser: 'slack user' });
    expect(read.rows).toEqual([
      {
        row: 2,
        cells: {
          givenName: 'Nina',
          familyName: 'O"Neil, Jr.',
          email: 'nina@example.com',
          displayName: "Nina\nO'Neil",
          role: 'developer',
        },
      },
      {
        row: 3,
        cells: {
          givenName: 'Sam',
          familyName: 'Smith',
          email: 'sam@example.com',
          role: 'data',
          slackUser: 'U0NEW0001',
          startDate: '2027-01-04',
        },
      },
    ]);
  });

  it('numbers rows as a spreadsheet shows them, passing over blank lines and trimming cells', () => {
    const read = readBulkCsv(
      bytes(`Email,First name,Last name,Role\n\n  a@example.com , A , B , data\n,,,\n`),
    );
    expect(read.problems).toEqual([]);
    expect(read.rows).toEqual([
      { row: 3, cells: { email: 'a@example.com', givenName: 'A', familyName: 'B', role: 'data' } },
    ]);
  });

  it('reads a file a spreadsheet saved with semicolons', () => {
    const read = readBulkCsv(bytes('email;first name;last name;role\na@example.com;A;B;data\n'));
    expect(read.problems).toEqual([]);
    expect(read.rows[0]?.cells).toMatchObject({ email: 'a@example.com', role: 'data' });
  });

  it('names a column it does not know, with the closest, on row 1', () => {
    const read = readBulkCsv(bytes('first name,last name,email,role,slak user\nA,B,a@example.com,data,U1\n'));
    expect(read.rows).toEqual([]);
    expect(read.problems).toEqual([
      expect.objectContaining({
        row: 1,
        column: 'slak user',
        message: expect.stringContaining('slack user') as unknown,
      }),
    ]);
  });

  it('refuses a column given twice and names the required columns that are missing', () => {
    const twice = readBulkCsv(bytes('first name,given name,last name,email,role\n'));
    expect(twice.problems[0]).toMatchObject({ row: 1, column: 'given name' });
    expect(twice.problems[0]?.message).toMatch(/first name again/);
    const missing = readBulkCsv(bytes('first name,email\nA,a@example.com\n'));
    expect(missing.problems).toEqual([
      expect.objectContaining({
        row: 1,
        message: expect.stringMatching(/no last name, no role column/) as unknown,
      }),
    ]);
  });

  it('names the row of a quote left open, of text after a closing quote, and of a cell too many', () => {
    const open = readBulkCsv(bytes(`${HEADER}\nA,B,a@example.com,,data,,\n"C,D,c@example.com,,data,,\n`));
    expect(open.problems).toEqual([
      expect.objectContaining({ row: 3, message: expect.stringMatching(/never closed/) as unknown }),
    ]);
    const after = readBulkCsv(bytes(`${HEADER}\n"A"x,B,a@example.com,,data,,\n`));
    expect(after.problems).toEqual([
      expect.objectContaining({ row: 2, message: expect.stringMatching(/after a closing quote/) as unknown }),
    ]);
    const extra = readBulkCsv(bytes(`${HEADER}\nA,B,a@example.com,,data,,,oops\n`));
    expect(extra.problems).toEqual([
      expect.objectContaining({
        row: 2,
        message: expect.stringMatching(/8 cells but the header names 7/) as unknown,
      }),
    ]);
  });

  it('refuses a file over 1 MB or over 1,000 people, saying so, before reading a row', () => {
    const big = readBulkCsv(new Uint8Array(BULK_LIMITS.bytes + 1).fill(0x61));
    expect(big.rows).toEqual([]);
    expect(big.problems[0]?.message).toMatch(/at most 1 MB .*split it/);
    const rows = Array.from({ length: BULK_LIMITS.rows + 1 }, (_, i) => `A,B,p${i}@example.com,,data,,`);
    const many = readBulkCsv(bytes(`${HEADER}\n${rows.join('\n')}\n`));
    expect(many.rows).toEqual([]);
    expect(many.problems[0]?.message).toMatch(/1,001 people; .*at most 1,000/);
  });

  it('refuses what is not UTF-8 text, an empty file, and a header with nobody under it', () => {
    expect(readBulkCsv(new Uint8Array([0x66, 0xff, 0xfe, 0x0a])).problems[0]?.message).toMatch(/not UTF-8/);
    expect(readBulkCsv(bytes('')).problems[0]?.message).toMatch(/empty/);
    expect(readBulkCsv(bytes(`${HEADER}\r\n`)).problems[0]?.message).toMatch(/nobody under it/);
  });
});
