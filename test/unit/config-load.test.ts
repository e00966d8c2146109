import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { configPathFromEnv, loadConfig } from '../../src/config/load.js';

const EXAMPLE_PATH = fileURLToPath(new URL('../../access-desk.example.yml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'access-desk-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loading the config file', () => {
  it('reads and parses the file at the given path', () => {
    const result = loadConfig(EXAMPLE_PATH, {});
    expect(result.ok && result.config.accounts.prod).toBe('333333333333');
  });

  it('names the path and ACCESS_DESK_CONFIG when the file is missing', () => {
    const missing = join(dir, 'nowhere.yml');
    const result = loadConfig(missing, {});
    expect(result.ok ? [] : result.errors).toEqual([
      `${missing}: no such file: set ACCESS_DESK_CONFIG to the config file's path, or start from access-desk.example.yml`,
    ]);
  });

  it('shows where a relative path led, since the working directory is the usual surprise', () => {
    const result = loadConfig('no-such-access-desk.yml', {});
    expect(result.ok ? '' : result.errors[0]).toMatch(
      /^no-such-access-desk\.yml \(\/.*\/no-such-access-desk\.yml\): no such file: set ACCESS_DESK_CONFIG/,
    );
  });

  it('says so when the path is a directory', () => {
    const result = loadConfig(dir, {});
    expect(result.ok ? '' : result.errors[0]).toMatch(
      /is a directory: ACCESS_DESK_CONFIG must name the YAML file/,
    );
  });

  it('names the file in YAML errors, with the line and column', () => {
    const path = join(dir, 'broken.yml');
    writeFileSync(path, 'accounts:\n  dev: "111111111111"\n  dev: "222222222222"\n');
    const result = loadConfig(path, {});
    expect(result.ok ? [] : result.errors).toEqual([`${path}:3:3: not valid YAML: Map keys must be unique`]);
  });
});

describe('the config path', () => {
  it('comes from ACCESS_DESK_CONFIG', () => {
    expect(configPathFromEnv({ ACCESS_DESK_CONFIG: '/etc/access-desk/config.yml' })).toBe(
      '/etc/access-desk/config.yml',
    );
  });

  it('is access-desk.yml when ACCESS_DESK_CONFIG is unset or empty', () => {
    expect(configPathFromEnv({})).toBe('access-desk.yml');
    expect(configPathFromEnv({ ACCESS_DESK_CONFIG: '' })).toBe('access-desk.yml');
  });
});
