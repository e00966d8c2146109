/**
 * The config file and the environment, checked and turned into the configuration the product runs with.
 * Pure: the text and the environment are passed in, so tests and the sandbox never touch process.env or
 * the disk. Every problem found is reported at once, each naming its key.
 */
import { deepFreeze } from './freeze.js';
import { generalMessages, problemsFromIssues } from './issues.js';
import { formatPath, formatProblem, type Problem } from './problem.js';
import { checkConsistency } from './consistency.js';
import { checkReferences } from './references.js';
import { resolveConfig } from './resolve.js';
import { configFileSchema } from './schema.js';
import { readSecrets } from './secrets.js';
import { findSlackTokens } from './tokens.js';
import type { AccessDeskConfig, SecretsConfig } from './types.js';
import { readYaml } from './yaml.js';

export type ParseConfigResult =
  { ok: true; config: AccessDeskConfig; secrets: SecretsConfig } | { ok: false; errors: string[] };

export function parseConfig(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
  source = 'access-desk.yml',
): ParseConfigResult {
  const { secrets, problems: secretProblems } = readSecrets(env);
  const yaml = readYaml(text, source);
  if (!yaml.ok) return { ok: false, errors: [...yaml.errors, ...secretProblems.map(formatProblem)] };

  const tokens = findSlackTokens(yaml.value);
  const checked = configFileSchema.safeParse(yaml.value, { error: generalMessages });
  // References and consistency are checked only on a file of the right form: on a broken one they would
  // mostly repeat the same mistake in other words.
  const fileProblems = checked.success
    ? [...checkReferences(checked.data), ...checkConsistency(checked.data)]
    : problemsFromIssues(checked.error.issues, configFileSchema);
  const problems = [...tokens, ...withoutTokenPaths(fileProblems, tokens), ...secretProblems];

  if (!checked.success || problems.length > 0) return { ok: false, errors: problems.map(formatProblem) };
  return { ok: true, config: deepFreeze(resolveConfig(checked.data)), secrets: deepFreeze(secrets) };
}

/** Where a token was found, that is the one thing to say (another message would quote the value). */
function withoutTokenPaths(problems: Problem[], tokens: Problem[]): Problem[] {
  const tokenPaths = new Set(tokens.map((t) => formatPath(t.path)));
  return problems.filter((p) => !tokenPaths.has(formatPath(p.path)));
}
