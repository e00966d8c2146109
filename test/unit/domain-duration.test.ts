import { describe, expect, it } from 'vitest';
import {
  DAY,
  DURATION_MAX_LENGTH,
  HOUR,
  MINUTE,
  durationMs,
  formatDuration,
  looksLikeDuration,
  parseDuration,
  type DurationSpec,
} from '../../src/domain/duration.js';

describe('parsing durations as people type them', () => {
  const spans: [string, number][] = [
    ['30m', 30 * MINUTE],
    ['45min', 45 * MINUTE],
    ['4h', 4 * HOUR],
    ['2d', 2 * DAY],
    ['1w', 7 * DAY],
    ['1h30m', 90 * MINUTE],
    ['1h 30m', 90 * MINUTE],
    ['1d12h', 36 * HOUR],
    ['4H', 4 * HOUR],
    ['  2d  ', 2 * DAY],
    ['90m', 90 * MINUTE],
  ];

  it.each(spans)('reads %j as a span of time', (text, ms) => {
    expect(parseDuration(text)).toEqual({ ok: true, value: { kind: 'for', ms } });
  });

  it.each(['permanent', 'Permanent', 'perm', 'forever', ' FOREVER '])('reads %j as permanent', (text) => {
    expect(parseDuration(text)).toEqual({ ok: true, value: { kind: 'permanent' } });
  });

  const refused: [string, string][] = [
    ['', 'is not a duration'],
    ['4', 'is not a duration'],
    ['h', 'is not a duration'],
    ['4 hours', 'is not a duration'],
    ['4x', 'is not a duration'],
    ['-4h', 'is not a duration'],
    ['4h please', 'is not a duration'],
    ['1.5h', 'is not a duration'],
    ['0m', 'is no time at all'],
    ['0h0m', 'is no time at all'],
    ['1mi', 'is not a duration'],
    ['999999d', 'is longer than 366d'],
    ['53w', 'is longer than 366d'],
  ];

  it.each(refused)('refuses %j, saying it %s', (text, why) => {
    const parsed = parseDuration(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(why);
  });

  it('takes a year at most, and says to ask for permanent beyond it', () => {
    expect(parseDuration('366d')).toEqual({ ok: true, value: { kind: 'for', ms: 366 * DAY } });
    const parsed = parseDuration('367d');
    expect(parsed).toMatchObject({ ok: false, code: 'too_long_a_span' });
    if (!parsed.ok) expect(parsed.message).toContain('`permanent`');
  });

  it.each([
    ['digits', '1'.repeat(40_000)],
    ['repeated parts', '1h'.repeat(20_000)],
    ['spaces', `4${' '.repeat(39_998)}h`],
  ])(
    'refuses 40,000 characters of %s before reading them, naming the length and the limit',
    (_what, text) => {
      const parsed = parseDuration(text);
      expect(parsed).toMatchObject({ ok: false, code: 'too_long_a_text' });
      if (!parsed.ok) {
        expect(parsed.message).toContain('40000 characters');
        expect(parsed.message).toContain(`at most ${DURATION_MAX_LENGTH}`);
        expect(parsed.message.length).toBeLessThan(300);
      }
    },
  );

  it('tells a duration from the first word of a reason', () => {
    expect(looksLikeDuration('4h')).toBe(true);
    expect(looksLikeDuration('permanent')).toBe(true);
    expect(looksLikeDuration('fixing')).toBe(false);
    expect(looksLikeDuration('hotfix')).toBe(false);
  });
});

describe('showing durations back to people', () => {
  const cases: [DurationSpec | number | null, string][] = [
    [null, 'permanent'],
    [{ kind: 'permanent' }, 'permanent'],
    [{ kind: 'for', ms: 4 * HOUR }, '4h'],
    [30 * MINUTE, '30m'],
    [4 * HOUR, '4h'],
    [90 * MINUTE, '1h 30m'],
    [2 * DAY, '2d'],
    [7 * DAY, '7d'],
    [DAY + 2 * HOUR + 5 * MINUTE, '1d 2h 5m'],
    [DAY + 5 * MINUTE, '1d 5m'],
    [0, '0m'],
    [20_000, '0m'],
    [40_000, '1m'],
  ];

  it.each(cases)('shows %j as %j', (spec, expected) => {
    expect(formatDuration(spec)).toBe(expected);
  });

  it.each(['30m', '4h', '2d', '1h 30m', '1d 2h 5m', 'permanent'])('reads back what it shows: %j', (text) => {
    const parsed = parseDuration(text);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(formatDuration(parsed.value)).toBe(text);
  });

  it('never shows "60m": a time a few seconds short of the hour is shown as the hour', () => {
    expect(formatDuration(DAY + 3 * HOUR + 59 * MINUTE + 40_000)).toBe('1d 4h');
    expect(formatDuration(HOUR - 10_000)).toBe('1h');
    expect(formatDuration(DAY - 20_000)).toBe('1d');
  });

  it('shows a time a few seconds short of 16 hours as 16h, not 15h 59m', () => {
    expect(formatDuration(16 * HOUR - 1_000)).toBe('16h');
  });

  it('gives the milliseconds of a span, and null for permanent', () => {
    expect(durationMs({ kind: 'for', ms: HOUR })).toBe(HOUR);
    expect(durationMs({ kind: 'permanent' })).toBeNull();
  });
});
