/**
 * Putting text in front of people in Slack: user text escaped so it cannot ping or fake a link, lengths
 * kept in bounds, lists read like sentences.
 */

/** Longest texts people may type, in characters (UTF-16 units, as JavaScript and Slack count them). */
export const LIMITS = {
  /** Why someone asks for access. */
  reason: 500,
  /** Why an approver said no. */
  denyReason: 500,
} as const;

/**
 * U+2060 WORD JOINER: invisible, and unlike a zero-width space it adds no line-break opportunity, so the
 * text looks and wraps the same while Slack no longer sees `@channel` as a word it could turn into a ping.
 */
export const WORD_JOINER = '\u2060';

/**
 * Escapes text a person typed (a reason, a note, a name) for a Slack mrkdwn field or a message's `text`.
 *
 * - `&`, `<` and `>` become `&amp;`, `&lt;` and `&gt;`, as Slack asks: nothing the person typed can then
 *   become a control sequence such as `<!channel>`, `<!here>`, `<@U123>`, `<#C123>`, `<!subteam^S1>` or a
 *   link whose label hides its target (`<https://evil.example|https://aws.amazon.com>`).
 * - A `@` that starts a word (`@channel`, `@here`, `@everyone`, `@leads`) gets a word joiner after it.
 *   Slack turns plain `@words` into mentions only when a message is sent with `link_names`, which we never
 *   do; the joiner keeps user text harmless even if someone does one day. An `@` inside a word (an email
 *   address) is left alone, so addresses stay intact when copied.
 *
 * Formatting marks (`*bold*`, `_italic_`, `` `code` ``) are left as typed: Slack has no escape for them, and
 * they cannot ping or mislead about a link. Escape once, at the point text is put into a message.
 */
export function escapeMrkdwn(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/(^|[^\p{L}\p{N}_])@(?=[\p{L}\p{N}])/gu, `$1@${WORD_JOINER}`);
}

/** A Slack mention of a user id (`<@U123>`); refuses anything that is not a user id, so it cannot inject. */
export function mention(slackUserId: string): string {
  if (!/^[UW][A-Z0-9]+$/.test(slackUserId)) throw new RangeError(`not a Slack user id: ${slackUserId}`);
  return `<@${slackUserId}>`;
}

/**
 * A time in mrkdwn that each reader sees in their own time zone (Slack's date token), with UTC as the fallback
 * text, e.g. `<!date^1796720400^{date_short_pretty} {time}|2026-12-08 09:00 UTC>`. For the access layer's
 * messages; the Slack layer has the same in slack/blocks/dates.ts.
 */
export function dateMrkdwn(at: Date): string {
  const fallback = `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${Math.floor(at.getTime() / 1000)}^{date_short_pretty} {time}|${fallback}>`;
}

/** A day in mrkdwn, in the reader's own calendar; the UTC day as the fallback. */
export function dayMrkdwn(at: Date): string {
  return `<!date^${Math.floor(at.getTime() / 1000)}^{date_short_pretty}|${at.toISOString().slice(0, 10)} (UTC)>`;
}

/**
 * Cuts text to at most `max` characters (UTF-16 units), ending with `…` when anything was cut. Never splits
 * a surrogate pair (an emoji) or an escape such as `&amp;`, so it is safe before or after `escapeMrkdwn`.
 */
export function truncate(text: string, max: number): string {
  if (!Number.isInteger(max) || max < 0) throw new RangeError(`truncate: max must be a whole number ≥ 0`);
  if (text.length <= max) return text;
  if (max === 0) return '';
  let cut = text.slice(0, max - 1);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  // A cut inside one of the escapes escapeMrkdwn makes would leave a broken `&am` on screen.
  cut = cut.replace(/&(?:a(?:mp?)?|lt?|gt?)?$/, '').trimEnd();
  return `${cut}…`;
}

/** `a`, `a and b`, `a, b and c` (or with `or`): lists as people write them. */
export function joinWords(items: readonly string[], conjunction: 'and' | 'or' = 'and'): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1] ?? ''}`;
}
