/** How a value from the file is quoted back in a message, without ever repeating a secret. */

const SLACK_TOKEN = /^(xox[a-z]|xapp)-/i;

export const looksLikeSlackToken = (text: string): boolean => SLACK_TOKEN.test(text.trim());

/** `"lena"`, `3333`, `true`; a Slack token is cut to its prefix so error output never carries it. */
export function show(value: unknown): string {
  if (typeof value === 'string') {
    return looksLikeSlackToken(value) ? `"${value.trim().slice(0, 5)}…"` : JSON.stringify(value);
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
