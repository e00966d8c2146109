import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from '../../src/access/audit/csv.js';
import { parseCsv } from '../support/csv-parse.js';

describe('the audit CSV writer', () => {
  it('round-trips commas, quotes, line breaks and accents through an RFC 4180 reader', () => {
    const rows = [
      ['record', 'display_name', 'groups'],
      ['access', 'Dara "DJ" O\'Connor', 'ReadOnly; Billing, EU'],
      ['access', 'two\r\nlines and\nbare LF', 'Zoë Ångström'],
      ['no_access', '', ''],
    ];
    const text = toCsv(rows);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(parseCsv(text)).toEqual(rows);
  });

  it('quotes only fields that need it', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
  });

  it('keeps a directory name from running as a spreadsheet formula', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('@sum')).toBe("'@sum");
    expect(csvField('2026-11-24T09:00:00.000Z')).toBe('2026-11-24T09:00:00.000Z');
  });
});
