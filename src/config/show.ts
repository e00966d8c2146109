/** How a value from the file is quoted back in a message, without ever repeating a secret. */

const SLACK_TOKEN = /^(xox[a-z]|xapp)-/i;

export const looksLikeSlackToken = (text: string): boolean => SLACK_TOKEN.test(text.trim());

/** The most of a refused text a message quotes: enough to find it in the file. */
export const SHOWN_MAX = 80;

/**
 * `"lena"`, `3333`, `true`; a Slack token is cut to its prefix so error output never carries it, and a long
 * text to its start and its length, so a message stays a line whatever the file holds.
 */
export function show(value: unknown): string {
  if (typeof value === 'string') {
    if (looksLikeSlackToken(value)) return `"${value.trim().slice(0, 5)}…"`;
    if (value.length <= SHOWN_MAX) return JSON.stringify(value);
    return `${JSON.stringify(value.slice(0, SHOWN_MAX))}… (${value.length} characters)`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return describe(value);
}

/** What kind of thing was found where something else was expected. */
export function describe(value: unknown): string {
  if (value === undefined || value === null) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the text ${show(value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return String(value);
  return typeof value;
}
