/**
 * Redaction of what a log line says, as pino is about to write it. It works on the finished JSON line, so it
 * sees everything that reaches the output whoever logged it and however deep: the fields at any depth, the
 * `msg`, child bindings, an Error's message and stack (after pino's serializer), Bolt's and the SDK's lines.
 * Pino has already turned cycles into "[Circular]", so there is no object to walk and no cycle to guard
 * against; a line that holds nothing suspect (almost every line) costs two short regular-expression scans and a
 * skipping look for long base64 runs, and one that does one tokenizing pass more, linear in the line's length.
 *
 * What is redacted:
 * - by key, at any depth: a field whose name (compared without case, `-` or `_`) ends with token, secret,
 *   secret (access) key, password, credentials, authorization, cookie, signature, private key or API key,
 *   whatever its value;
 * - by value, inside any string: the secret values the process was given (exactly), Slack tokens, bearer
 *   tokens, Slack and SigV4 signatures, Socket Mode connection tickets, AWS secret access keys and session
 *   tokens by their form.
 * Only string contents and whole values are replaced, so the line stays valid JSON.
 */

export const CENSOR = '[redacted]';

/** A field name (lower-case, without - and _) whose value is never written. */
const SECRET_KEY =
  /(?:tokens?|secrets?|secret(?:access)?key|passwords?|passphrase|credentials?|authorization|cookies?|signature|privatekey|apikey)$/;

/** Cheap test of a whole line for a key that might be one of those (also inside JSON held in a string). */
const SECRET_KEY_HINT =
  /(?:tokens?|secrets?|secret[-_]?(?:access[-_]?)?key|passwords?|passphrase|credentials?|authorization|cookies?|signature|private[-_]?key|api[-_]?key)\\?"\s*:/i;

/** A `"name": "value"` pair in text (JSON that Bolt or the Web API client wrote into a message). */
const EMBEDDED_FIELD = /"([A-Za-z0-9_-]{1,64})"\s*:\s*"(?:[^"\\]|\\.)*"/g;

const isSecretKey = (name: string): boolean => SECRET_KEY.test(name.toLowerCase().replace(/[-_]/g, ''));

/** Base64 runs: an AWS secret access key is 40 characters; session tokens are hundreds. */
const BASE64_RUN = '(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40,}={0,2}(?![A-Za-z0-9/+=])';

interface Pattern {
  source: string;
  /** What the match becomes; the match itself when it is not a secret after all. */
  replace: (match: string) => string;
}

const keepPrefix =
  (separator: string) =>
  (match: string): string =>
    `${match.slice(0, match.indexOf(separator) + separator.length)}${CENSOR}`;

const PATTERNS: readonly Pattern[] = [
  // Slack: bot, user, app-level, legacy and refresh tokens; rotating tokens (xoxe.xoxb-…, xoxe-…).
  // No \b before them: in a raw line a token may follow an escape such as \n.
  { source: '(?:xox[abposr]|xapp|xoxe(?:\\.xox[abposr])?)-[A-Za-z0-9-]+', replace: keepPrefix('-') },
  // Authorization: Bearer <token>.
  { source: '[Bb]earer +[A-Za-z0-9._~+/=-]{8,}', replace: keepPrefix(' ') },
  // X-Slack-Signature (v0=<hex>), SigV4's Signature=<hex> in a header or an X-Amz-Signature query parameter.
  { source: 'v0=[0-9a-fA-F]{16,}', replace: keepPrefix('=') },
  { source: 'Signature=[0-9a-fA-F]{16,}', replace: keepPrefix('=') },
  // A presigned URL's session token; the ticket in Socket Mode's WebSocket URL (apps.connections.open).
  { source: '(?:X-Amz-Security-Token|x-amz-security-token)=[A-Za-z0-9%/+=._-]+', replace: keepPrefix('=') },
  { source: '[?&]ticket=[A-Za-z0-9%/+=._~-]+', replace: keepPrefix('=') },
  { source: BASE64_RUN, replace: (match) => (looksLikeAwsSecret(match) ? CENSOR : match) },
];

/**
 * A secret access key: exactly 40 characters; a session token: 100 or more. Both random, so with upper- and
 * lower-case letters and digits, which a word, a path or a hex digest of that length hardly ever has.
 */
function looksLikeAwsSecret(run: string): boolean {
  const length = run.replace(/=+$/, '').length;
  if (length !== 40 && length < 100) return false;
  return /[A-Z]/.test(run) && /[a-z]/.test(run) && /[0-9]/.test(run);
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Cheap test that a raw line may hold one of PATTERNS: each one's fixed start. (A regular expression for the
 * base64 shape tries every position, which costs more than the rest of the line's logging: see hasBase64Run.)
 */
const PATTERN_HINT = /xox[abposre]|xapp-|[Bb]earer |v0=|Signature=|[Ss]ecurity-[Tt]oken=|ticket=/;

const BASE64 = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+')
  BASE64[c.charCodeAt(0)] = 1;
const isBase64 = (code: number): boolean => code < 128 && BASE64[code] === 1;

/**
 * Whether the line holds a run of 40 base64 characters (the shortest AWS secret). Each window is read from its
 * end: a character outside the alphabet lets the next window start after it, so a line of short words costs a
 * look at about one character in 40, and no character is read twice unless the run is found.
 */
function hasBase64Run(line: string, length = 40): boolean {
  let start = 0;
  while (start + length <= line.length) {
    let i = start + length - 1;
    while (i >= start && isBase64(line.charCodeAt(i))) i -= 1;
    if (i < start) return true;
    start = i + 1;
  }
  return false;
}

export type LineRedactor = (line: string) => string;

/**
 * A redactor for finished JSON lines. `secrets` are values redacted exactly wherever they appear, whatever
 * their form (the configured tokens, the signing secret, static AWS credentials). Empty values are ignored.
 */
export function createLineRedactor(secrets: readonly string[] = []): LineRedactor {
  const literals = [...new Set(secrets.filter((s) => s.length > 0))].sort((a, b) => b.length - a.length);
  // Group 1..n: the literals (one group), then one group per pattern, so the replacer knows which matched.
  const sources = [
    ...(literals.length > 0 ? [literals.map(escapeRegExp).join('|')] : []),
    ...PATTERNS.map((p) => p.source),
  ];
  const replacers = [
    ...(literals.length > 0 ? [(): string => CENSOR] : []),
    ...PATTERNS.map((p) => p.replace),
  ];
  const combined = sources.map((s) => `(${s})`).join('|');
  const everywhere = new RegExp(combined, 'g');
  // Secrets are matched in the decoded text of each string; the raw line may have them JSON-escaped (a secret
  // with a quote, a backslash or a control character differs there), so both forms are looked for.
  const forms = [...new Set(literals.flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))];
  // Anything rewrite() could change makes one of these true; almost every line makes none of them true.
  const suspect = (line: string): boolean =>
    PATTERN_HINT.test(line) ||
    SECRET_KEY_HINT.test(line) ||
    hasBase64Run(line) ||
    forms.some((form) => line.includes(form));

  const redactValues = (text: string): string =>
    text.replace(everywhere, (match: string, ...groups: unknown[]) => {
      const index = groups.findIndex((g, i) => i < replacers.length && g !== undefined);
      const replace = replacers[index];
      return replace === undefined ? match : replace(match);
    });
  const redactText = (text: string): string =>
    redactValues(
      text.includes('"')
        ? text.replace(EMBEDDED_FIELD, (field: string, name: string) =>
            isSecretKey(name) ? `"${name}":"${CENSOR}"` : field,
          )
        : text,
    );

  return (line) => (suspect(line) ? rewrite(line, redactText) : line);
}

/**
 * One pass over a JSON line: every string has its secrets replaced, every value under a secret key becomes
 * the censor. Anything that is not a string or a value under such a key is copied as it is.
 */
function rewrite(line: string, redactText: (text: string) => string): string {
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < line.length) {
    const start = line.indexOf('"', i);
    if (start < 0) break;
    const end = stringEnd(line, start);
    if (end < 0) break;
    const raw = line.slice(start + 1, end);
    const text = raw.includes('\\') ? decode(raw) : raw;
    const colon = skipSpace(line, end + 1);
    if (line[colon] === ':' && text !== undefined) {
      const redactedKey = redactText(text);
      const valueStart = skipSpace(line, colon + 1);
      if (isSecretKey(text)) {
        const valueEnd = valueExtent(line, valueStart);
        out += line.slice(copied, start) + JSON.stringify(redactedKey) + ':' + JSON.stringify(CENSOR);
        copied = valueEnd;
        i = valueEnd;
        continue;
      }
      if (redactedKey !== text) {
        out += line.slice(copied, start) + JSON.stringify(redactedKey);
        copied = end + 1;
      }
      i = valueStart;
      continue;
    }
    if (text !== undefined) {
      const redacted = redactText(text);
      if (redacted !== text) {
        out += line.slice(copied, start) + JSON.stringify(redacted);
        copied = end + 1;
      }
    }
    i = end + 1;
  }
  return copied === 0 ? line : out + line.slice(copied);
}

/** The index of the quote that closes the string opened at `start`, or -1. */
function stringEnd(line: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const quote = line.indexOf('"', i);
    if (quote < 0) return -1;
    let backslashes = 0;
    for (let j = quote - 1; j > start && line[j] === '\\'; j--) backslashes++;
    if (backslashes % 2 === 0) return quote;
    i = quote + 1;
  }
}

function skipSpace(line: string, i: number): number {
  let j = i;
  while (j < line.length && (line[j] === ' ' || line[j] === '\t' || line[j] === '\n' || line[j] === '\r'))
    j++;
  return j;
}

/** The index just past the JSON value starting at `start` (a string, an object, an array or a literal). */
function valueExtent(line: string, start: number): number {
  const first = line[start];
  if (first === '"') {
    const end = stringEnd(line, start);
    return end < 0 ? line.length : end + 1;
  }
  if (first === '{' || first === '[') {
    let depth = 0;
    let i = start;
    while (i < line.length) {
      const c = line[i];
      if (c === '"') {
        const end = stringEnd(line, i);
        if (end < 0) return line.length;
        i = end + 1;
        continue;
      }
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return line.length;
  }
  let i = start;
  while (i < line.length && line[i] !== ',' && line[i] !== '}' && line[i] !== ']') i++;
  return i;
}

function decode(raw: string): string | undefined {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return undefined;
  }
}
