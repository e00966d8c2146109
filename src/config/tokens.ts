/**
 * A Slack token written anywhere in the file is refused: tokens come only from the environment, and a
 * config file gets committed, shared and pasted into tickets.
 */
import { problem, type PathStep, type Problem } from './problem.js';
import { looksLikeSlackToken } from './show.js';

const MESSAGE =
  'looks like a Slack token: tokens come only from the environment (SLACK_BOT_TOKEN, SLACK_APP_TOKEN); remove it, and rotate it in Slack if the file was shared';

/** Every path holding a Slack token, except under `slack:`, which the schema refuses with its own message. */
export function findSlackTokens(file: Readonly<Record<string, unknown>>): Problem[] {
  return Object.entries(file).flatMap(([key, value]) => (key === 'slack' ? [] : walk(value, [key])));
}

function walk(value: unknown, path: PathStep[]): Problem[] {
  if (typeof value === 'string') return looksLikeSlackToken(value) ? [problem(path, MESSAGE)] : [];
  if (Array.isArray(value)) return value.flatMap((v: unknown, i) => walk(v, [...path, i]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => walk(v, [...path, k]));
  }
  return [];
}
