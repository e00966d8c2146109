/**
 * Zod's issues, in words a person editing the file can act on. Schemas in fields.ts and schema.ts carry
 * their own messages; `generalMessages` covers the rest (a missing key, a list where text was expected),
 * and unknown keys become one problem per key with the closest known key suggested.
 */
import type { z } from 'zod';
import { closest } from './closest.js';
import { knownKeysAt } from './known-keys.js';
import { problem, type PathStep, type Problem } from './problem.js';
import { describe } from './show.js';

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value)',
  record: 'a mapping (key: value)',
};

/** Messages for issues that no schema words itself; passed to `safeParse` so other zod users are unaffected. */
export const generalMessages: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      // `key:` with nothing after it: YAML reads null.
      if (issue.input === null) return `is empty: expected ${EXPECTED[issue.expected] ?? issue.expected}`;
      return `must be ${EXPECTED[issue.expected] ?? issue.expected}, not ${describe(issue.input)}`;
    case 'invalid_union':
      return issue.input === undefined
        ? 'is required'
        : `has the wrong shape (found ${describe(issue.input)})`;
    case 'too_small':
      return issue.origin === 'array' || issue.origin === 'string'
        ? 'must not be empty'
        : `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return issue.origin === 'string'
        ? `must be at most ${String(issue.maximum)} characters`
        : `must be at most ${String(issue.maximum)}`;
    case 'invalid_key':
      // A record's key failed its own schema, whose message says why.
      return issue.issues[0]?.message;
    default:
      return undefined;
  }
};

/** One problem per issue, and one per unknown key. */
export function problemsFromIssues(issues: readonly z.core.$ZodIssue[], schema: z.core.$ZodType): Problem[] {
  return issues.flatMap((issue) => {
    const path = issue.path.map((step): PathStep => (typeof step === 'number' ? step : String(step)));
    if (issue.code !== 'unrecognized_keys') return [problem(path, issue.message)];
    const known = knownKeysAt(schema, path);
    return issue.keys.map((key) => problem([...path, key], unknownKey(key, known)));
  });
}

function unknownKey(key: string, known: readonly string[]): string {
  const meant = closest(key, known);
  if (meant !== undefined) return `unknown key (did you mean "${meant}"?)`;
  return known.length > 0 ? `unknown key (known: ${known.join(', ')})` : 'unknown key';
}
