/** The arguments of `npm run iam-policy`: which config, and optionally the account access-desk runs in. */
import { configPathFromEnv } from './config/load.js';

export const IAM_POLICY_USAGE =
  'usage: npm run --silent iam-policy -- [--config FILE] [--account 123456789012]';

export interface IamPolicyArgs {
  configPath: string;
  account?: string;
}

/** The arguments, or a message saying what is wrong with them (and how to call it). */
export function parseIamPolicyArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): IamPolicyArgs | string {
  let configPath: string | undefined;
  let account: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg];
    if (name !== '--config' && name !== '--account') return `unknown argument ${arg}\n${IAM_POLICY_USAGE}`;
    let value = inline;
    if (value === undefined) {
      value = argv[i + 1];
      i += 1;
    }
    if (value === undefined || value === '' || value.startsWith('--'))
      return `${name} needs a value\n${IAM_POLICY_USAGE}`;
    if (name === '--config') configPath = value;
    else if (/^\d{12}$/.test(value)) account = value;
    else return `--account must be a 12-digit AWS account id, not "${value}"\n${IAM_POLICY_USAGE}`;
  }
  return { configPath: configPath ?? configPathFromEnv(env), ...(account !== undefined ? { account } : {}) };
}
