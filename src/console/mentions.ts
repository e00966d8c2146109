/**
 * People named with `@` in a typed command, read as the Slack client reads them before it sends the command:
 * `@Kim Leaver` (the real name, spaces and all), `@kim.leaver` (the handle), or `@Kim` / `@Leaver` when only one
 * person has that first or last name. Slack turns a resolved name into `<@U…|handle>` for an app that asks for
 * escaping; the console does the same (bot-link.ts). An `@name` that is nobody, or could be several people, is
 * sent as typed, as Slack sends it: a reason may well say "paged by @oncall", and the bot answers for itself.
 *
 * Pure and linear: each `@` looks at most at the longest real name ahead of it.
 */
import type { ConsolePerson } from './workspace.js';

type Person = Pick<ConsolePerson, 'id' | 'name' | 'realName'>;

/** What one `@…` in the text is. */
export type Mention =
  | { kind: 'person'; start: number; end: number; person: Person }
  | { kind: 'ambiguous'; start: number; end: number; typed: string; candidates: Person[] }
  | { kind: 'unknown'; start: number; end: number; typed: string };

/** Slack's own: `@here`, `@channel`, `@everyone` are not people and stay as typed. */
const SPECIAL = new Set(['here', 'channel', 'everyone']);
/** A handle or one word of a name: letters, digits, `_`, `.`, `-`, `'` (O'Connor). */
const WORD = /^[\p{L}\p{N}_.'-]+/u;
const isWordChar = (ch: string | undefined): boolean => ch !== undefined && /[\p{L}\p{N}_]/u.test(ch);

/** The person whose whole real name is typed after the `@` at `at`: the longest such name wins. */
function byRealName(text: string, at: number, people: readonly Person[]): Person[] {
  const ahead = text.slice(at, at + 1 + Math.max(0, ...people.map((p) => p.realName.length))).toLowerCase();
  let longest = 0;
  let found: Person[] = [];
  for (const person of people) {
    const name = person.realName.toLowerCase();
    if (name === '' || !ahead.startsWith(name) || isWordChar(ahead[name.length])) continue;
    if (name.length > longest) {
      longest = name.length;
      found = [person];
    } else if (name.length === longest) found.push(person);
  }
  return found;
}

/** Every `@name` that starts the text or follows a space, left to right. */
export function findMentions(text: string, people: readonly Person[]): Mention[] {
  const mentions: Mention[] = [];
  for (let i = text.indexOf('@'); i !== -1; i = text.indexOf('@', i + 1)) {
    if (i > 0 && !/\s/.test(text[i - 1] ?? '')) continue;
    const start = i;
    const at = i + 1;
    const named = byRealName(text, at, people);
    const first = named[0];
    if (first !== undefined) {
      const end = at + first.realName.length;
      mentions.push(
        named.length === 1
          ? { kind: 'person', start, end, person: first }
          : { kind: 'ambiguous', start, end, typed: text.slice(at, end), candidates: named },
      );
      i = end - 1;
      continue;
    }
    // A word, without the full stop or comma that may end the sentence.
    const word = (WORD.exec(text.slice(at, at + 200))?.[0] ?? '').replace(/[.'-]+$/, '');
    if (word === '' || SPECIAL.has(word.toLowerCase())) continue;
    const end = at + word.length;
    const lower = word.toLowerCase();
    const byHandle = people.find((p) => p.name.toLowerCase() === lower);
    const byPart = people.filter((p) =>
      p.realName
        .toLowerCase()
        .split(/\s+/)
        .some((part) => part === lower),
    );
    const person = byHandle ?? (byPart.length === 1 ? byPart[0] : undefined);
    if (person !== undefined) mentions.push({ kind: 'person', start, end, person });
    else if (byPart.length > 1)
      mentions.push({ kind: 'ambiguous', start, end, typed: word, candidates: byPart });
    else mentions.push({ kind: 'unknown', start, end, typed: word });
    i = end - 1;
  }
  return mentions;
}

/** The text with every resolved `@name` as Slack sends it (`<@U…|handle>`); the rest as typed. */
export function escapePeople(text: string, people: readonly Person[]): string {
  let out = '';
  let from = 0;
  for (const m of findMentions(text, people)) {
    if (m.kind !== 'person') continue;
    out += `${text.slice(from, m.start)}<@${m.person.id}|${m.person.name}>`;
    from = m.end;
  }
  return out + text.slice(from);
}
