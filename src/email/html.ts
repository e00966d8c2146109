/**
 * The HTML side of the emails: every value put into markup is escaped here, so a name or a URL from a config
 * file or a form cannot add markup, a link or a script to an email that goes out under the organisation's name.
 */

/** Escapes text for an HTML text node or a double-quoted attribute. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A link whose target and label are both escaped; only http(s) targets become links. */
export function link(url: string, label = url): string {
  if (!/^https?:\/\//i.test(url)) return escapeHtml(label);
  return `<a href="${escapeHtml(url)}">${escapeHtml(label)}</a>`;
}

export const code = (text: string): string => `<code>${escapeHtml(text)}</code>`;

/** A block of commands, one per line, escaped. */
export const codeBlock = (lines: readonly string[]): string =>
  `<pre style="background:#f4f4f4;padding:8px">${lines.map(escapeHtml).join('\n')}</pre>`;

/** The frame around an email's body; `body` is markup already escaped by the caller. */
export function page(title: string, body: string): string {
  return [
    '<!doctype html>',
    '<html><head><meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title></head>`,
    '<body style="font-family:sans-serif;line-height:1.5">',
    body,
    '</body></html>',
  ].join('\n');
}
