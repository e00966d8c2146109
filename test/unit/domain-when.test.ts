import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE } from '../../src/domain/duration.js';
import { dateMrkdwn } from '../../src/domain/text.js';
import { parseWhen, SCHEDULE_AHEAD_DEFAULT_MS, WHEN_MAX_LENGTH } from '../../src/domain/when.js';

/** Tuesday 2026-12-08 08:30 UTC. */
const NOW = new Date('2026-12-08T08:30:00.000Z');

const startOf = (text: string, now = NOW): string => {
  const parsed = parseWhen(text, now);
  if (!parsed.ok) throw new Error(`refused: ${parsed.message}`);
  return parsed.startsAt.toISOString();
};

describe('reading when scheduled access starts', () => {
  it('refuses a start in the past, saying what time it is now in UTC', () => {
    const parsed = parseWhen('2026-12-08 08:00', NOW);
    expect(parsed).toMatchObject({ ok: false, code: 'past' });
    expect(!parsed.ok && parsed.message).toMatch(/2026-12-08 08:00 UTC is in the past/);
    expect(!parsed.ok && parsed.message).toMatch(/2026-12-08 08:30 UTC now/);
  });

  it('says the times of a refusal as Slack date tokens when the answer goes out as mrkdwn', () => {
    const past = parseWhen('2026-12-08 08:00', NOW, { show: dateMrkdwn });
    expect(!past.ok && past.message).toContain(
      `${dateMrkdwn(new Date('2026-12-08T08:00:00Z'))} is in the past (it is ${dateMrkdwn(NOW)} now)`,
    );
    const far = parseWhen('+40d', NOW, { show: dateMrkdwn });
    expect(!far.ok && far.message).toContain(`(until ${dateMrkdwn(new Date(NOW.getTime() + 30 * DAY))})`);
  });

  it('refuses the very moment it is now as in the past', () => {
    expect(parseWhen('2026-12-08 08:30', NOW)).toMatchObject({ ok: false, code: 'past' });
    expect(parseWhen('today 08:30', NOW)).toMatchObject({ ok: false, code: 'past' });
  });

  it('refuses a start further ahead than the limit, naming the limit and the furthest start', () => {
    const parsed = parseWhen('2027-01-08 09:00', NOW);
    expect(parsed).toMatchObject({ ok: false, code: 'too_far' });
    expect(!parsed.ok && parsed.message).toMatch(/at most 30d ahead \(until 2027-01-07 08:30 UTC\)/);
    expect(parseWhen('+2d', NOW, { maxAheadMs: DAY })).toMatchObject({ ok: false, code: 'too_far' });
  });

  it.each([
    ['tomorrow', /say the time after tomorrow/],
    ['2026-12-09', /say the time too/],
    ['2026-02-30 09:00', /no such day as 2026-02-30/],
    ['25:00', /hours go to 23/],
    ['2026-12-09 09:75', /hours go to 23/],
    ['+soon', /after `\+` comes a length of time/],
    ['+permanent', /after `\+` comes a length of time/],
    ['next tuesday', /neither a day and a time/],
    ['09:00 2026-12-09', /put the day first/],
    ['2026-12-09 09:00 and more', /more words/],
    ['', /it is empty/],
  ])('refuses %j as malformed, naming the problem and showing an example', (text, problem) => {
    const parsed = parseWhen(text, NOW);
    expect(parsed).toMatchObject({ ok: false, code: 'malformed' });
    expect(!parsed.ok && parsed.message).toMatch(problem);
    expect(!parsed.ok && parsed.message).toMatch(/`at 2026-12-08 09:00`/);
  });

  it('refuses an over-long text without quoting all of it', () => {
    const parsed = parseWhen('9'.repeat(500), NOW);
    expect(parsed).toMatchObject({ ok: false, code: 'malformed' });
    expect(!parsed.ok && parsed.message.length).toBeLessThan(WHEN_MAX_LENGTH + 300);
  });

  it('reads a day and a time as UTC, with or without the word UTC or an ISO T', () => {
    expect(startOf('2026-12-09 09:00')).toBe('2026-12-09T09:00:00.000Z');
    expect(startOf('2026-12-09 09:00 UTC')).toBe('2026-12-09T09:00:00.000Z');
    expect(startOf('2026-12-09T09:00')).toBe('2026-12-09T09:00:00.000Z');
    expect(startOf('2026-12-09T09:00Z')).toBe('2026-12-09T09:00:00.000Z');
  });

  it('reads a time of day as its next occurrence: today if still to come, else tomorrow', () => {
    expect(startOf('09:00')).toBe('2026-12-08T09:00:00.000Z');
    expect(startOf('8:00')).toBe('2026-12-09T08:00:00.000Z');
  });

  it('reads today and tomorrow with a time, in any case', () => {
    expect(startOf('tomorrow 09:00')).toBe('2026-12-09T09:00:00.000Z');
    expect(startOf('Tomorrow 9:15')).toBe('2026-12-09T09:15:00.000Z');
    expect(startOf('today 17:00')).toBe('2026-12-08T17:00:00.000Z');
  });

  it('reads a plus and a length of time from now', () => {
    expect(startOf('+2h')).toBe(new Date(NOW.getTime() + 2 * HOUR).toISOString());
    expect(startOf('+30m')).toBe(new Date(NOW.getTime() + 30 * MINUTE).toISOString());
    expect(startOf('+1h30m')).toBe(new Date(NOW.getTime() + 90 * MINUTE).toISOString());
  });

  it('accepts a start exactly at the limit, and the default limit is 30 days', () => {
    expect(SCHEDULE_AHEAD_DEFAULT_MS).toBe(30 * DAY);
    expect(parseWhen('+30d', NOW).ok).toBe(true);
    expect(parseWhen('+2d', NOW, { maxAheadMs: 2 * DAY }).ok).toBe(true);
  });
});
