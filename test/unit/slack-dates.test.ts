import { describe, expect, it } from 'vitest';
import {
  relativeText,
  slackDate,
  slackDateToken,
  slackDateWithRelative,
  slackDay,
  slackTime,
  utcText,
} from '../../src/slack/blocks/dates.js';
import { slackDate as kitSlackDate } from '../../src/slack/blocks/kit.js';
import { dateMrkdwn, dayMrkdwn } from '../../src/domain/text.js';

const at = new Date('2026-12-08T09:00:00Z');
const unix = at.getTime() / 1000;

describe('times shown with Slack date formatting', () => {
  it('renders a date and time in the reader’s zone with a UTC fallback', () => {
    expect(slackDate(at)).toBe(`<!date^${unix}^{date_short_pretty} {time}|2026-12-08 09:00 UTC>`);
  });

  it('renders a time of day only, still falling back to the full UTC time', () => {
    expect(slackTime(at)).toBe(`<!date^${unix}^{time}|2026-12-08 09:00 UTC>`);
  });

  it('renders a day only, falling back to the UTC day', () => {
    expect(slackDay(at)).toBe(`<!date^${unix}^{date_short_pretty}|2026-12-08 (UTC)>`);
  });

  it('drops the seconds of a time that is not on a whole second', () => {
    expect(slackDate(new Date('2026-12-08T09:00:59.900Z'))).toBe(
      `<!date^${unix + 59}^{date_short_pretty} {time}|2026-12-08 09:00 UTC>`,
    );
  });

  it('gives the same UTC text for plain-text fallbacks', () => {
    expect(utcText(at)).toBe('2026-12-08 09:00 UTC');
  });

  it('never lets a fallback break the token open', () => {
    expect(slackDateToken(at, '{time}', 'a|b>c<d')).toBe(`<!date^${unix}^{time}|a b c d>`);
  });

  it('is the same helper the older kit export points to', () => {
    expect(kitSlackDate(at)).toBe(slackDate(at));
  });
});

describe('how far off a time is', () => {
  const now = new Date('2026-12-08T07:00:00Z');

  it('says "in 2h" for a time two hours ahead', () => {
    expect(relativeText(at, now)).toBe('in 2h');
  });

  it('rounds a future time up to the minute, never "in 0m"', () => {
    expect(relativeText(new Date(now.getTime() + 1_000), now)).toBe('in 1m');
  });

  it('says "now" for a time less than a minute past', () => {
    expect(relativeText(new Date(now.getTime() - 59_000), now)).toBe('now');
  });

  it('says how long ago a past time was', () => {
    expect(relativeText(now, at)).toBe('2h ago');
  });

  it('puts the date and the distance together', () => {
    expect(slackDateWithRelative(at, now)).toBe(`${slackDate(at)} (in 2h)`);
  });
});

describe('times in the access layer’s messages', () => {
  it('are the same Slack date tokens as the blocks use, never bare UTC', () => {
    expect(dateMrkdwn(at)).toBe(slackDate(at));
    expect(dayMrkdwn(at)).toBe(slackDay(at));
  });
});
