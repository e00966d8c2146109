import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { paginateListUsers } from '@aws-sdk/client-identitystore';
import {
  ListAccountAssignmentsCommand,
  ListInstancesCommand,
  ListPermissionSetsCommand,
} from '@aws-sdk/client-sso-admin';
import { sdkClients } from '../support/aws-clients.js';

const CLI = path.resolve(import.meta.dirname, '../../src/emulator/cli.ts');

/** Runs `npm run emulator -- …` until it prints the line we wait for, or exits. */
function runCli(args: string[], until: RegExp) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'silent' },
  });
  let stdout = '';
  let stderr = '';
  const done = new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (until.test(stdout)) resolve({ stdout, stderr, code: null });
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ stdout, stderr, code }));
  });
  return { child, done };
}

describe('npm run emulator -- --generate', () => {
  it('starts with an organisation of the size asked for, instead of a seed file', async () => {
    const { child, done } = runCli(
      [
        '--port',
        '0',
        '--no-rate-limits',
        '--accept-any-credentials',
        '--generate',
        'users=250,accounts=20,assignments=600,groups=5',
      ],
      /AWS_ENDPOINT_URL=\S+/,
    );
    try {
      const { stdout } = await done;
      expect(stdout).toContain('generated organisation: 250 users, 20 accounts, 600 assignments');
      expect(stdout).toContain('20 accounts, 12 permission sets, 5 groups, 250 users');
      const url = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout)?.[1];
      const aws = sdkClients(url!);
      const [instance] = (await aws.ssoAdmin.send(new ListInstancesCommand({}))).Instances ?? [];
      let users = 0;
      for await (const page of paginateListUsers(
        { client: aws.identitystore },
        { IdentityStoreId: instance!.IdentityStoreId! },
      ))
        users += page.Users?.length ?? 0;
      expect(users).toBe(250);
      const sets = await aws.ssoAdmin.send(
        new ListPermissionSetsCommand({ InstanceArn: instance!.InstanceArn! }),
      );
      const readOnly = sets.PermissionSets?.[0];
      // The first account's ReadOnlyAccess holds someone: the organisation is there, assignments and all.
      const assigned = await aws.ssoAdmin.send(
        new ListAccountAssignmentsCommand({
          InstanceArn: instance!.InstanceArn!,
          AccountId: '100000000000',
          PermissionSetArn: readOnly!,
        }),
      );
      expect(assigned.AccountAssignments?.length).toBeGreaterThan(0);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('refuses a size it cannot make, and a seed file given as well, and exits 2', async () => {
    const bad = await runCli(
      ['--port', '0', '--generate', 'users=many,accounts=2,assignments=3'],
      /listening/,
    ).done;
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('users takes a number, not "many"');
    const missing = await runCli(['--port', '0', '--generate', 'users=10'], /listening/).done;
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('accounts=N is required');
    const both = await runCli(
      ['--port', '0', '--seed', 'org.yml', '--generate', 'users=1,accounts=1,assignments=1'],
      /listening/,
    ).done;
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--seed and --generate cannot go together');
  });
});
