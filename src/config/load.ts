/** Reading the config file from disk: the one part of src/config that does I/O. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseConfig, type ParseConfigResult } from './parse.js';

type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_CONFIG_PATH = 'access-desk.yml';

/** `ACCESS_DESK_CONFIG`, or access-desk.yml in the working directory. */
export function configPathFromEnv(env: Env): string {
  const path = env.ACCESS_DESK_CONFIG?.trim();
  return path === undefined || path === '' ? DEFAULT_CONFIG_PATH : path;
}

/** Reads and parses the file at `path`; an unreadable file is an error like any other, not an exception. */
export function loadConfig(path: string, env: Env): ParseConfigResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { ok: false, errors: [unreadable(path, (error as NodeJS.ErrnoException).code)] };
  }
  return parseConfig(text, env, path);
}

function unreadable(path: string, code: string | undefined): string {
  // The absolute path tells which working directory the process had, the usual surprise in a container.
  const absolute = resolve(path);
  const where = absolute === path ? path : `${path} (${absolute})`;
  switch (code) {
    case 'ENOENT':
      return `${where}: no such file: set ACCESS_DESK_CONFIG to the config file's path, or start from access-desk.example.yml`;
    case 'EACCES':
      return `${where}: not allowed to read it (check its permissions for the user access-desk runs as)`;
    case 'EISDIR':
      return `${where}: is a directory: ACCESS_DESK_CONFIG must name the YAML file itself`;
    default:
      return `${where}: cannot be read (${code ?? 'unknown error'})`;
  }
}
