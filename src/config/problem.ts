/**
 * A problem in the config: where (a path of keys and list positions) and what. Kept structured until the
 * end so every message is printed the same way: `rules[2].approvers[0]: unknown approver group "leeds"`.
 */

import { show, SHOWN_MAX } from './show.js';

export type PathStep = string | number;

export interface Problem {
  path: readonly PathStep[];
  message: string;
}

export const problem = (path: readonly PathStep[], message: string): Problem => ({ path, message });

// Keys that read well after a dot; anything else (spaces, dots, quotes) is shown in brackets.
const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** `rules[0].match.permissionSets[1]`, `accounts["prod eu"]`; the empty path is the top of the file. */
export function formatPath(path: readonly PathStep[]): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((step, i) => {
      if (typeof step === 'number') return `[${step}]`;
      // A long key is quoted by its start and its length, like a long value (show.ts).
      if (step.length > SHOWN_MAX || !PLAIN_KEY.test(step)) return `[${show(step)}]`;
      return i === 0 ? step : `.${step}`;
    })
    .join('');
}

export const formatProblem = (p: Problem): string => `${formatPath(p.path)}: ${p.message}`;
