/**
 * `npm run --silent iam-policy -- [--config FILE] [--account ID]`: prints the IAM policy access-desk's AWS
 * principal needs for that config (src/aws/iam-policy.ts), as JSON on stdout. Exit 0: printed; 2: wrong usage or
 * a config that is not valid (every problem on stderr). Nothing is sent to AWS.
 */
import { iamPolicyJson } from './aws/iam-policy.js';
import { loadConfig } from './config/load.js';
import { parseIamPolicyArgs } from './iam-policy-args.js';

function main(): void {
  const args = parseIamPolicyArgs(process.argv.slice(2), process.env);
  if (typeof args === 'string') {
    console.error(`access-desk iam-policy: ${args}`);
    process.exit(2);
  }
  // Secrets play no part in the policy: the file is read without them.
  const loaded = loadConfig(args.configPath, {});
  if (!loaded.ok) {
    console.error(
      `access-desk iam-policy: the config ${args.configPath} is not valid:\n  ${loaded.errors.join('\n  ')}`,
    );
    process.exit(2);
  }
  process.stdout.write(
    iamPolicyJson(loaded.config, args.account !== undefined ? { account: args.account } : {}),
  );
}

main();
