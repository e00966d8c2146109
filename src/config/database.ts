/**
 * Which database the ledger lives in, from the config and the environment: DATABASE_URL (which may carry the
 * password, so it never goes in the file) wins over `database.url`, which wins over `database.path`.
 */
import type { AccessDeskConfig } from './types.js';

type Env = Readonly<Record<string, string | undefined>>;

export type DatabaseChoice =
  { path: string } | { url: string; caFile?: string; poolSize: number; fromEnv: boolean };

export function databaseChoice(config: Pick<AccessDeskConfig, 'database'>, env: Env): DatabaseChoice {
  const { database } = config;
  const fromEnv = env.DATABASE_URL?.trim();
  const url = fromEnv !== undefined && fromEnv !== '' ? fromEnv : database.url;
  if (url === undefined) return { path: database.path };
  return {
    url,
    ...(database.caFile !== undefined && { caFile: database.caFile }),
    poolSize: database.poolSize,
    fromEnv: url === fromEnv,
  };
}

/** Where the setting came from, for a message about it. */
export function databaseSettingName(choice: DatabaseChoice): string {
  if ('path' in choice) return 'database.path';
  return choice.fromEnv ? 'DATABASE_URL' : 'database.url';
}

/** The password in DATABASE_URL, for the logger to redact wherever it appears. */
export function databasePassword(env: Env): string | undefined {
  const raw = env.DATABASE_URL?.trim();
  if (raw === undefined || raw === '') return undefined;
  try {
    const password = decodeURIComponent(new URL(raw).password);
    return password === '' ? undefined : password;
  } catch {
    return undefined;
  }
}
