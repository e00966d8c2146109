/**
 * Times as Slack shows them: `<!date^UNIX^FORMAT|FALLBACK>` renders in each reader's own time zone and locale,
 * and clients that cannot render it (notifications, screen readers, old clients) show the fallback, which is
 * always UTC and says so. Use these for every time in blocks; a message's plain-text `text` field keeps
 * `utcText`, since Slack does not render dates there. Pure.
 */
import { formatDuration, MINUTE } from '../../domain/duration.js';

/** `2026-12-08 09:00 UTC`: the same text for everyone, for fallbacks and plain-text `text` fields. */
export function utcText(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `09:00 UTC`: a time of day, for fallbacks. */
export function utcTimeText(at: Date): string {
  return `${at.toISOString().slice(11, 16)} UTC`;
}

/** `2026-12-08`: a day, for fallbacks (UTC). */
export function utcDayText(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * A Slack date token. The fallback may not hold `|` or `>` (they end the token); ours never do, and a caller's
 * fallback has them replaced so a token can never be broken open.
 */
export function slackDateToken(at: Date, format: string, fallback: string): string {
  const unix = Math.floor(at.getTime() / 1000);
  const safe = fallback.replace(/[|>]/g, ' ').replace(/</g, ' ');
  return `<!date^${unix}^${format}|${safe}>`;
}

/** Date and time, "Tomorrow 09:00" / "Dec 8, 2026 09:00" in the reader's zone; falls back to UTC. */
export function slackDate(at: Date): string {
  return slackDateToken(at, '{date_short_pretty} {time}', utcText(at));
}

/** A time of day only, for times that are plainly today ("ends at 17:00"); falls back to UTC with the day. */
export function slackTime(at: Date): string {
  return slackDateToken(at, '{time}', utcText(at));
}

/** A day only, "Dec 8, 2026" / "Tomorrow" in the reader's zone; falls back to the UTC day. */
export function slackDay(at: Date): string {
  return slackDateToken(at, '{date_short_pretty}', `${utcDayText(at)} (UTC)`);
}

/**
 * How far off a time is, "in 2h" / "3h 5m ago" / "now", rounded to the minute (a future time rounds up, so
 * "in 0m" never shows for something still to come). Not a Slack token: the same for every reader.
 */
export function relativeText(at: Date, now: Date): string {
  const diff = at.getTime() - now.getTime();
  if (diff <= 0 && -diff < MINUTE) return 'now';
  if (diff > 0) return `in ${formatDuration(Math.ceil(diff / MINUTE) * MINUTE)}`;
  return `${formatDuration(Math.floor(-diff / MINUTE) * MINUTE)} ago`;
}

/** "Dec 8, 2026 09:00 (in 2h)": a date and how far off it is; the fallback is UTC. */
export function slackDateWithRelative(at: Date, now: Date): string {
  return `${slackDate(at)} (${relativeText(at, now)})`;
}
