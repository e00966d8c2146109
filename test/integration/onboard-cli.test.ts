/**
 * `npm run onboard -- --csv FILE` as a child process against the local Identity Center (AWS_ENDPOINT_URL), with a
 * config in a temporary folder pointing at a ledger the bot would read.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { createLedger } from '../../src/store/index.js';
import { EXAMPLE_CONFIG_PATH, startAccessHarness } from '../support/access-harness.js';
import { testCredentials } from '../support/aws-clients.js';

const CLI = path.resolve(import.meta.dirname, '../../src/onboard-cli.ts');

let emulator: RunningEmulator;
let dir: string;
let configPath: string;
let dbPath: string;

function runOnboard(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      LOG_LEVEL: 'silent',
      AWS_ACCESS_KEY_ID: testCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: testCredentials.secretAccessKey,
      AWS_REGION: 'eu-west-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL: emulator.url,
      ACCESS_DESK_CONFIG: path.join(dir, 'not-this-one.yml'),
      SLACK_BOT_TOKEN: '',
      DATABASE_URL: '',
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

function csvFile(name: string, ...rows: string[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, `\uFEFFFirst name,Last name,Email,Role\r\n${rows.join('\r\n')}\r\n`);
  return file;
}

beforeAll(async () => {
  emulator = await startEmulator({
    credentials: [testCredentials],
    rateLimits: false,
    faults: { provisioningDelayMs: 20 },
  });
  dir = mkdtempSync(path.join(tmpdir(), 'access-desk-onboard-'));
  dbPath = path.join(dir, 'ledger.sqlite');
  // The bot's ledger, as it would have made it.
  const harness = await startAccessHarness({ emulator, dbPath });
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

describe('npm run onboard', () => {
  it('says what is wrong with its arguments, and refuses --submit without an admin or by someone who is not one', async () => {
    const usage = await runOnboard(['--config', configPath]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: npm run onboard -- --csv FILE');
    const noAdmin = await runOnboard(['--csv', 'x.csv', '--submit', '--config', configPath]);
    expect(noAdmin.code).toBe(2);
    expect(noAdmin.stderr).toContain('--submit needs --admin SLACK_ID');
    const notAdmin = await runOnboard([
      '--csv',
      csvFile('one.csv', 'Nina,New,nina.new@example.com,developer'),
      '--config',
      configPath,
      '--submit',
      '--admin',
      'U0000SAM01',
    ]);
    expect(notAdmin.code).toBe(1);
    expect(notAdmin.stderr).toContain("U0000SAM01 is not one of the config's admins");
  });

  it('prints every problem by row and column, exits 1, and records nothing', async () => {
    const file = csvFile(
      'bad.csv',
      'Nina,New,nina.new@gmail.com,developer',
      'Kim,Leaver,kim.leaver@example.com,developr',
    );
    const run = await runOnboard(['--csv', file, '--config', configPath]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('bad.csv: 2 people, 2 problems; nothing was done.');
    expect(run.stdout).toContain(
      '  row 2, Email: nina.new@gmail.com is not in a trusted domain (example.com)',
    );
    expect(run.stdout).toContain('  row 3, Role: There is no role "developr" (did you mean developer?)');
    const ledger = await createLedger({ path: dbPath });
    expect(await ledger.findRequests({})).toEqual([]);
    await ledger.close();
  });

  it('prints the preview, then with --submit records the batch for approval in the bot’s ledger', async () => {
    const file = csvFile(
      'good.csv',
      'Nina,New,nina.new@example.com,developer',
      'Pia,Park,pia.park@example.com,junior-developer',
    );
    const preview = await runOnboard(['--csv', file, '--config', configPath, '--reason', 'September intake']);
    expect(preview.code).toBe(0);
    expect(preview.stdout).toContain('good.csv: 2 people, every row checked.');
    expect(preview.stdout).toContain('  developer × 1: groups ReadOnly; Developer on dev, staging');
    expect(preview.stdout).toContain('  row 3  Pia Park <pia.park@example.com>  junior-developer');
    expect(preview.stdout).toMatch(/Needs 1 of U0000LEAD1, U0000LEAD2/);
    expect(preview.stdout).toContain('--submit --admin <your Slack id>');

    const submitted = await runOnboard([
      '--csv',
      file,
      '--config',
      configPath,
      '--reason',
      'September intake',
      '--submit',
      '--admin',
      'U0000ADMIN',
    ]);
    expect(submitted.code).toBe(0);
    expect(submitted.stdout).toMatch(/Recorded R-\S+ for approval/);
    const ledger = await createLedger({ path: dbPath });
    const [request] = await ledger.findRequests({ kinds: ['bulk_onboard'] });
    await ledger.close();
    expect(request).toMatchObject({
      status: 'pending',
      requesterSlackId: 'U0000ADMIN',
      reason: 'September intake',
    });
    expect(emulator.state.userByName('nina.new@example.com')).toBeUndefined();
  });
});
