/** `npm run iam-policy` as a child process: the policy for a config file on stdout, or why not on stderr. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIamPolicyArgs } from '../../src/iam-policy-args.js';
import { EXAMPLE_CONFIG_PATH } from '../support/access-harness.js';

const CLI = path.resolve(import.meta.dirname, '../../src/iam-policy-cli.ts');
const DOCS = path.resolve(import.meta.dirname, '../../docs/iam-policy.json');

function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ACCESS_DESK_CONFIG: '', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stdout, stderr })),
  );
}

describe('npm run iam-policy', () => {
  it('refuses a config that is not valid, naming the key, and prints no policy', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'access-desk-iam-policy-'));
    const bad = path.join(dir, 'bad.yml');
    writeFileSync(
      bad,
      readFileSync(EXAMPLE_CONFIG_PATH, 'utf8').replace(
        'legacyIam:\n  path: /',
        'legacyIam:\n  path: legacy',
      ),
    );
    const answer = await run(['--config', bad]);
    expect(answer.code).toBe(2);
    expect(answer.stdout).toBe('');
    expect(answer.stderr).toContain('legacyIam.path: "legacy" is not an IAM path');
  });

  it('refuses an account that is not 12 digits, and an argument it does not know', () => {
    expect(parseIamPolicyArgs(['--account', '1234'], {})).toMatch(
      /^--account must be a 12-digit AWS account id/,
    );
    expect(parseIamPolicyArgs(['--acount=123456789012'], {})).toMatch(
      /^unknown argument --acount=123456789012\n/,
    );
    expect(parseIamPolicyArgs(['--config'], {})).toMatch(/^--config needs a value\n/);
  });

  it('reads the config from --config, else ACCESS_DESK_CONFIG, else access-desk.yml', () => {
    expect(
      parseIamPolicyArgs(['--config=a.yml', '--account', '123456789012'], { ACCESS_DESK_CONFIG: 'b.yml' }),
    ).toEqual({
      configPath: 'a.yml',
      account: '123456789012',
    });
    expect(parseIamPolicyArgs([], { ACCESS_DESK_CONFIG: 'b.yml' })).toEqual({ configPath: 'b.yml' });
    expect(parseIamPolicyArgs([], {})).toEqual({ configPath: 'access-desk.yml' });
  });

  it('prints, for the example config, the policy in docs/iam-policy.json', async () => {
    const answer = await run(['--config', EXAMPLE_CONFIG_PATH]);
    expect(answer.stderr).toBe('');
    expect(answer.code).toBe(0);
    expect(JSON.parse(answer.stdout)).toEqual(JSON.parse(readFileSync(DOCS, 'utf8')));
  });
});
