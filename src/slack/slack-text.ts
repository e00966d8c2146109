/**
 * Slash-command text as Slack sends it with "Escape channels, users, and links" on: `&`, `<`, `>` arrive as
 * entities, people as `<@U123|name>`, channels as `<#C123|name>`, links as `<https://…|label>`, emails as
 * `<mailto:a@b|a@b>`, and `@channel` as `<!channel>`. Pure helpers to read it back, each linear in the length of
 * the text (no pattern here can backtrack over more than the span between two `<`).
 */
import { EMAIL_MAX, isEmailAddress } from '../domain/email.js';

const decodeEntities = (text: string): string =>
  text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/**
 * Text a person meant, with Slack's markup turned back into what they typed (`@sam`, `#general`, a link's
 * label and target). Used for reasons: they are stored as plain text and escaped again where shown, so a
 * reason can never carry a live mention or a disguised link onto a card.
 */
export function plainFromSlack(text: string): string {
  const readable = text.replace(/<([^<>]*)>/g, (_m, inner: string) => {
    const [target = '', label] = inner.split('|', 2);
    if (target.startsWith('@')) return `@${label ?? target.slice(1)}`;
    if (target.startsWith('#')) return `#${label ?? target.slice(1)}`;
    if (target.startsWith('!subteam^')) return `@${label?.replace(/^@/, '') ?? 'group'}`;
    if (target.startsWith('!')) return `@${(label ?? target.slice(1)).replace(/^@/, '')}`;
    if (target.startsWith('mailto:')) return label ?? target.slice('mailto:'.length);
    if (label === undefined || label === target) return target;
    return `${label} (${target})`;
  });
  return decodeEntities(readable);
}

export type PersonRef = { slackId: string } | { email: string };

/**
 * The longest word read as a person: `<mailto:…|…>` around two addresses of EMAIL_MAX, or a mention with its
 * display name. Anything longer is not one, and is refused before a pattern looks at it.
 */
export const PERSON_REF_MAX = 2 * EMAIL_MAX + 16;

/** `<@U123|sam>`, `<@U123>`, `<mailto:sam@example.com|sam@example.com>` or a bare email; undefined otherwise. */
export function parsePersonRef(token: string): PersonRef | undefined {
  if (token.length > PERSON_REF_MAX) return undefined;
  const user = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(token);
  if (user?.[1] !== undefined) return { slackId: user[1] };
  const mail = /^<mailto:([^|>]+)(?:\|[^>]*)?>$/.exec(token);
  const email = decodeEntities(mail?.[1] ?? token);
  return isEmailAddress(email) ? { email: email.toLowerCase() } : undefined;
}

/** Splits on whitespace, keeping Slack's `<…>` markup (which may hold spaces in a label) as one word. */
export function words(text: string): string[] {
  return text.match(/<[^<>]*>|[^\s<]+/g) ?? [];
}
