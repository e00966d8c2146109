import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const MAIN = path.resolve(import.meta.dirname, '../../src/main.ts');
const EXAMPLE = path.resolve(import.meta.dirname, '../../access-desk.example.yml');

/** Runs `npm start` with the given environment (and nothing of ours), until it exits. */
function start(
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'silent', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr, stdout })));
}

function configFile(edit: (yaml: string) => string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'access-desk-config-')), 'access-desk.yml');
  writeFileSync(file, edit(readFileSync(EXAMPLE, 'utf8')));
  return file;
}

describe('starting access-desk', () => {
  it('refuses a config with an unknown approver group, naming the key, and exits 2', async () => {
    const file = configFile((y) => y.replace(/approvers: \[leads\]/, 'approvers: [leeds]'));
    const { code, stderr } = await start({
      ACCESS_DESK_CONFIG: file,
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 'secret',
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/rules\[\d+\]\.approvers\[0\]: unknown approver group "leeds" \(known: leads/);
  });

  it('refuses HTTP mode without a signing secret', async () => {
    const { code, stderr } = await start({ ACCESS_DESK_CONFIG: EXAMPLE, SLACK_BOT_TOKEN: 'xoxb-test' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/SLACK_SIGNING_SECRET/);
  });

  it('refuses a config file that is not there, naming it', async () => {
    const { code, stderr } = await start({
      ACCESS_DESK_CONFIG: '/nonexistent/access-desk.yml',
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 'secret',
    });
    expect(code).toBe(2);
    expect(stderr).toContain('/nonexistent/access-desk.yml');
  });
});
