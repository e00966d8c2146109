/**
 * `npm run audit -- --csv FILE` as a child process against the local Identity Center (AWS_ENDPOINT_URL), with a
 * config in a temporary folder whose ledger holds a grant made by access-desk.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { HOUR } from '../../src/domain/duration.js';
import { EXAMPLE_CONFIG_PATH, PEOPLE, startAccessHarness } from '../support/access-harness.js';
import { csvObjects } from '../support/csv-parse.js';
import { testCredentials } from '../support/aws-clients.js';

const CLI = path.resolve(import.meta.dirname, '../../src/audit-cli.ts');

let emulator: RunningEmulator;
let dir: string;
let configPath: string;

function runAudit(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      LOG_LEVEL: 'silent',
      // The key pair the emulator is started with; nothing may look for real ones (IMDS is a network call).
      AWS_ACCESS_KEY_ID: testCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: testCredentials.secretAccessKey,
      AWS_REGION: 'eu-west-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL: emulator.url,
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stdout, stderr })),
  );
}

beforeAll(async () => {
  emulator = await startEmulator({
    credentials: [testCredentials],
    rateLimits: false,
    faults: { provisioningDelayMs: 20 },
  });
  dir = mkdtempSync(path.join(tmpdir(), 'access-desk-audit-'));
  const dbPath = path.join(dir, 'ledger.sqlite');
  // A ledger with one active grant, as the bot would have left it.
  const harness = await startAccessHarness({ emulator, dbPath });
  const submitted = await harness.service.submitAccessRequest({
    requesterSlackId: PEOPLE.jay,
    permissionSet: 'ReadOnlyAccess',
    accounts: ['dev'],
    duration: { kind: 'for', ms: 2 * HOUR },
  });
  if (!submitted.ok) throw new Error(submitted.message);
  if (submitted.value.request.status === 'pending')
    await harness.service.approve(submitted.value.request.id, PEOPLE.lena);
  await harness.drain();
  await harness.close();
  configPath = path.join(dir, 'access-desk.yml');
  writeFileSync(
    configPath,
    readFileSync(EXAMPLE_CONFIG_PATH, 'utf8').replace(/path: access-desk\.sqlite/, `path: ${dbPath}`),
  );
});

afterAll(async () => {
  await emulator.close();
});

describe('npm run audit', () => {
  it('writes the report with the ledger’s grants and prints the summary', async () => {
    const out = path.join(dir, 'report.csv');
    const run = await runAudit(['--csv', out], { ACCESS_DESK_CONFIG: configPath });
    expect(run.stderr).not.toMatch(/no ledger/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Audit of 22 users, 3 groups, 4 accounts and 9 permission sets/);
    expect(run.stdout).toContain(`Report written to ${out}`);
    const rows = csvObjects(readFileSync(out, 'utf8'));
    const jay = rows.find(
      (r) =>
        r.record === 'access' &&
        r.user_name === 'jay.junior@example.com' &&
        r.permission_set === 'ReadOnlyAccess',
    );
    expect(jay?.source).toMatch(/^access-desk grant G-\S+ until \d{4}-\d{2}-\d{2}T/);
    expect(rows.some((r) => r.record === 'drift' && r.user_name === 'sam.dev@example.com')).toBe(true);
  });

  it('exits 2 naming the problem when the config is missing', async () => {
    const run = await runAudit(['--csv', path.join(dir, 'x.csv')], {
      ACCESS_DESK_CONFIG: path.join(dir, 'nowhere.yml'),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no such file');
  });

  it('exits 2 before reading AWS when the report cannot be written there', async () => {
    const missingFolder = await runAudit(['--csv', path.join(dir, 'no-such-folder', 'x.csv')], {
      ACCESS_DESK_CONFIG: configPath,
    });
    expect(missingFolder.code).toBe(2);
    expect(missingFolder.stderr).toContain('does not exist');
    const folder = await runAudit(['--csv', dir], { ACCESS_DESK_CONFIG: configPath });
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain('is a directory');
    const usage = await runAudit([], { ACCESS_DESK_CONFIG: configPath });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: npm run audit -- --csv FILE');
  });
});
