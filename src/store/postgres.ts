/**
 * PostgreSQL settings as PostgreSQL users write them: a `postgres://` URL (the password from DATABASE_URL or
 * PGPASSWORD, never from the config file), `sslmode` with libpq's meaning, and a CA file (`sslrootcert` in the
 * URL or `database.caFile`). Parsed here, not by the driver, so that every mistake is named before a connection
 * is tried and no message ever carries the password.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { PoolConfig } from 'pg';

export const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

export interface PostgresSettings {
  /** postgres://user[:password]@host[:port]/database[?sslmode=…&sslrootcert=…] */
  url: string;
  /** A PEM file of the CA that signed the server's certificate (overrides `sslrootcert` in the URL). */
  caFile?: string;
  /** Connections this process keeps open at most. */
  poolSize?: number;
}

export interface ParsedPostgresUrl {
  host: string;
  port: number;
  database: string;
  user: string | undefined;
  password: string | undefined;
  sslMode: SslMode;
  caFile: string | undefined;
  /** `application_name` and `connect_timeout` (seconds), as the URL gives them. */
  applicationName: string | undefined;
  connectTimeout: string | undefined;
  /** The URL with its password replaced by `***`: the only form that is ever shown or logged. */
  shown: string;
}

/** Thrown for a setting that cannot work; its message names the setting and never holds the password. */
export class DatabaseSettingError extends Error {}

const KNOWN_PARAMETERS = new Set(['sslmode', 'sslrootcert', 'application_name', 'connect_timeout', 'host']);

/** The URL as it may be shown: the password (if any) masked. Works on text that is not a valid URL too. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*):[^@/?#]*@/i, '$1:***@');
}

export function parsePostgresUrl(url: string, caFile?: string): ParsedPostgresUrl {
  const shown = redactUrl(url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DatabaseSettingError(
      `"${shown}" is not a URL: write postgres://user@host:5432/database (the password in DATABASE_URL or PGPASSWORD)`,
    );
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new DatabaseSettingError(
      `"${shown}" is not a PostgreSQL URL: it must start with postgres:// (for SQLite, set database.path instead)`,
    );
  }
  // libpq's host parameter: a folder is the server's Unix socket there (PostgreSQL on the same host, or a proxy
  // such as Cloud SQL's), and wins over the URL's host.
  const socketFolder = parsed.searchParams.get('host') ?? undefined;
  if (socketFolder !== undefined && !socketFolder.startsWith('/')) {
    throw new DatabaseSettingError(
      `"${shown}": host= must be the folder of the server's Unix socket (an absolute path); put a host name before the database instead`,
    );
  }
  if (parsed.hostname === '' && socketFolder === undefined)
    throw new DatabaseSettingError(`"${shown}" names no host`);
  const port = parsed.port === '' ? 5432 : Number(parsed.port);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (database === '' || database.includes('/')) {
    throw new DatabaseSettingError(`"${shown}" names no database: end it with /<database name>`);
  }
  for (const key of parsed.searchParams.keys()) {
    if (!KNOWN_PARAMETERS.has(key)) {
      throw new DatabaseSettingError(
        `"${shown}": unknown parameter ${key} (known: ${[...KNOWN_PARAMETERS].join(', ')})`,
      );
    }
  }
  const mode = parsed.searchParams.get('sslmode') ?? 'disable';
  if (mode === 'allow' || mode === 'prefer') {
    throw new DatabaseSettingError(
      `"${shown}": sslmode=${mode} would fall back to an unencrypted connection, which this driver does not do: use sslmode=require, verify-ca or verify-full (or disable on a private network)`,
    );
  }
  if (!(SSL_MODES as readonly string[]).includes(mode)) {
    throw new DatabaseSettingError(
      `"${shown}": sslmode must be one of ${SSL_MODES.join(', ')}, not "${mode}"`,
    );
  }
  const ca = caFile ?? parsed.searchParams.get('sslrootcert') ?? undefined;
  if (mode === 'verify-ca' && ca === undefined) {
    throw new DatabaseSettingError(
      `"${shown}": sslmode=verify-ca needs the CA's certificate: add sslrootcert=/path/ca.pem or set database.caFile`,
    );
  }
  return {
    host: socketFolder ?? parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    database,
    user: parsed.username === '' ? undefined : decodeURIComponent(parsed.username),
    password: parsed.password === '' ? undefined : decodeURIComponent(parsed.password),
    sslMode: mode as SslMode,
    caFile: ca,
    applicationName: parsed.searchParams.get('application_name') ?? undefined,
    connectTimeout: parsed.searchParams.get('connect_timeout') ?? undefined,
    shown,
  };
}

/** libpq's meanings: require encrypts (and checks the CA only when one is given), verify-full checks the name. */
function tlsOptions(url: ParsedPostgresUrl): ConnectionOptions | false {
  if (url.sslMode === 'disable') return false;
  let ca: string | undefined;
  if (url.caFile !== undefined) {
    try {
      ca = readFileSync(url.caFile, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new DatabaseSettingError(`the CA file ${url.caFile} cannot be read (${code})`);
    }
  }
  const skipName = { checkServerIdentity: () => undefined };
  switch (url.sslMode) {
    case 'require':
      return ca === undefined ? { rejectUnauthorized: false } : { ca, ...skipName };
    case 'verify-ca':
      return { ca, ...skipName };
    case 'verify-full':
      return ca === undefined ? {} : { ca };
  }
}

/**
 * The driver's pool settings. A password in the URL wins; otherwise the driver reads PGPASSWORD (and PGUSER)
 * itself. Connections time out rather than hang a start-up or a health check.
 */
export function poolConfig(settings: PostgresSettings): PoolConfig & { shown: string } {
  const url = parsePostgresUrl(settings.url, settings.caFile);
  const connectTimeout = Number(url.connectTimeout ?? '10');
  return {
    host: url.host,
    port: url.port,
    database: url.database,
    ...(url.user !== undefined && { user: url.user }),
    ...(url.password !== undefined && { password: url.password }),
    ssl: tlsOptions(url),
    max: settings.poolSize ?? 10,
    connectionTimeoutMillis:
      Number.isFinite(connectTimeout) && connectTimeout > 0 ? connectTimeout * 1000 : 10_000,
    idleTimeoutMillis: 30_000,
    application_name: url.applicationName ?? 'access-desk',
    shown: url.shown,
  };
}

/**
 * What went wrong reaching the server, in words that say what to fix. `shown` is the redacted URL; the driver's
 * own message is kept only where it cannot hold the password (it never does, but a host name can be long).
 */
export function describeConnectionError(error: unknown, shown: string): string {
  const { code, message } = error as { code?: string; message?: string };
  const why = (message ?? String(error)).replace(/\s+/g, ' ').trim();
  switch (code) {
    case '28P01':
    case '28000':
      return `PostgreSQL at ${shown} refused the login (${why}): check the user, and the password in DATABASE_URL or PGPASSWORD`;
    case '3D000':
      return `PostgreSQL at ${shown}: ${why}: create it (createdb) or correct the URL`;
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `cannot reach PostgreSQL at ${shown} (${code}): check the host and port, and that the server runs`;
    default:
      if (/timeout/i.test(why)) return `cannot reach PostgreSQL at ${shown}: no answer in time (${why})`;
      if (/ssl|tls|certificate/i.test(why))
        return `PostgreSQL at ${shown}: TLS failed (${why}): check sslmode and the CA file`;
      return `PostgreSQL at ${shown}: ${why}`;
  }
}
