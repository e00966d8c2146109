import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ListInstancesCommand } from '@aws-sdk/client-sso-admin';
import { sdkClients } from '../support/aws-clients.js';

const CLI = path.resolve(import.meta.dirname, '../../src/emulator/cli.ts');

/** Runs `npm run emulator -- …` as a child process until it prints the line we wait for, or exits. */
function runCli(args: string[], until: RegExp, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
  });
  let stdout = '';
  let stderr = '';
  const done = new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve) => {
    const check = (): void => {
      if (until.test(stdout)) resolve({ stdout, stderr, code: null });
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      check();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ stdout, stderr, code }));
  });
  return { child, done };
}

describe('npm run emulator', () => {
  it('prints where it listens and the environment for the AWS CLI, and answers the SDK signing with that pair', async () => {
    const { child, done } = runCli(
      ['--port', '0', '--latency', '1', '--no-rate-limits'],
      /AWS_ENDPOINT_URL=\S+/,
    );
    try {
      const { stdout } = await done;
      const url = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout)?.[1];
      expect(url).toBeDefined();
      expect(stdout).toContain(`export AWS_ENDPOINT_URL=${url}`);
      expect(stdout).toContain(`aws sso-admin list-instances --endpoint-url ${url}`);
      expect(stdout).toContain('rate limits off');
      expect(stdout).toContain(
        'requests signed (SigV4) for region eu-west-1 by the key AKIAEXAMPLEORG000000',
      );
      const pair = /export AWS_ACCESS_KEY_ID=(\S+) AWS_SECRET_ACCESS_KEY=(\S+) AWS_REGION=eu-west-1 /.exec(
        stdout,
      );
      expect(pair?.[1]).toBe('AKIAEXAMPLEORG000000');
      const credentials = { accessKeyId: pair![1]!, secretAccessKey: pair![2]! };
      const answer = await sdkClients(url!, { credentials }).ssoAdmin.send(new ListInstancesCommand({}));
      expect(answer.Instances?.[0]?.IdentityStoreId).toBe('d-9067c0ffee');
      await expect(sdkClients(url!).ssoAdmin.send(new ListInstancesCommand({}))).rejects.toThrow(
        'The security token included in the request is invalid.',
      );
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('takes any key pair with EMULATOR_ACCEPT_ANY_CREDENTIALS=1 (or --accept-any-credentials)', async () => {
    const { child, done } = runCli(['--port', '0', '--no-rate-limits'], /AWS_ENDPOINT_URL=\S+/, {
      EMULATOR_ACCEPT_ANY_CREDENTIALS: '1',
    });
    try {
      const { stdout } = await done;
      const url = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout)?.[1];
      expect(stdout).toContain('requests signed (SigV4) for region eu-west-1 by any key');
      const answer = await sdkClients(url!).ssoAdmin.send(new ListInstancesCommand({}));
      expect(answer.Instances).toHaveLength(1);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('starts from a seed file given with --seed', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'access-desk-seed-'));
    const file = path.join(dir, 'org.yml');
    writeFileSync(
      file,
      'instance: { identityStoreId: d-1234567890 }\naccounts: [{ id: "444444444444", alias: sandbox }]\n',
    );
    const { child, done } = runCli(['--port', '0', '--seed', file], /AWS_ENDPOINT_URL/);
    try {
      const { stdout } = await done;
      expect(stdout).toContain('identity store d-1234567890');
      expect(stdout).toContain('1 accounts, 0 permission sets, 0 groups, 0 users');
      expect(stdout).toContain('The seed declares no key pair, so every request is refused');
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('refuses a broken seed file with the key at fault, and exits 2', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'access-desk-seed-'));
    const file = path.join(dir, 'org.yml');
    writeFileSync(file, 'accounts: [{ id: "12", alias: dev }]\n');
    const { done } = runCli(['--port', '0', '--seed', file], /listening/);
    const { code, stderr } = await done;
    expect(code).toBe(2);
    expect(stderr).toContain('accounts[0].id: must be a 12-digit AWS account id');
  });

  it('refuses a latency that is not a number, with the usage', async () => {
    const { done } = runCli(['--latency', 'fast'], /listening/);
    const { code, stderr } = await done;
    expect(code).toBe(2);
    expect(stderr).toContain('--latency takes a whole number');
    expect(stderr).toContain('usage: npm run emulator');
  });
});
