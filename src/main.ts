/**
 * Entry point: read the environment and the config, pick the mode, start, say in one line what runs where,
 * and stop cleanly on signals.
 *
 * - SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET: HTTP on PORT (default 3000) at /slack/events.
 * - SLACK_BOT_TOKEN + SLACK_APP_TOKEN: Socket Mode (the health routes still listen on PORT).
 * - No Slack variable at all: the sandbox (src/sandbox.ts): the local Identity Center, the bot and the local Slack
 *   console in one process, on PORT (the console) and EMULATOR_PORT. Only on a developer's machine, though: with
 *   NODE_ENV=production, or a config file to run (ACCESS_DESK_CONFIG, or access-desk.yml in the working
 *   directory), missing Slack variables stop start-up, naming them, unless ACCESS_DESK_SANDBOX=1 asks for the
 *   sandbox explicitly (which then says that it ignores the config: it runs on its own example).
 *
 * A setting that is missing or of the wrong form stops start-up (exit 2) with every problem found, each
 * naming its variable or its key in the config. AWS that cannot be reached does not: the line says the
 * account is unknown and why, and /readyz reports it (status only; the log says why) until AWS answers.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createAccessDesk, type AccessDesk } from './app.js';
import { awsSettingsFromEnv } from './aws/clients.js';
import type { AwsOutcome } from './access/ports.js';
import type { InstanceDescription } from './aws/index.js';
import { configPathFromEnv, loadConfig } from './config/load.js';
import { formatProblem } from './config/problem.js';
import { parseAllowedHosts } from './local-guard.js';
import {
  databaseChoice,
  databasePassword,
  databaseSettingName,
  type DatabaseChoice,
} from './config/database.js';
import { readSecrets, secretValues } from './config/secrets.js';
import { onCallWarnings } from './config/on-call.js';
import {
  DatabaseSettingError,
  DatabaseUnavailableError,
  SchemaTooNewError,
  parsePostgresUrl,
  redactUrl,
} from './store/index.js';
import { createLogger, type Logger } from './log.js';
import { startSandbox } from './sandbox.js';

type Env = Readonly<Record<string, string | undefined>>;

const env: Env = process.env;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function fail(message: string): never {
  console.error(`access-desk cannot start: ${message}`);
  process.exit(2);
}

/** Every problem at once, one a line, so one failed start shows all there is to fix. */
function failWith(problems: readonly string[]): never {
  console.error(`access-desk cannot start:${problems.map((p) => `\n  ${p}`).join('')}`);
  process.exit(2);
}

const set = (name: string): string | undefined => {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
};

/** The port in `name`, or the problem with it. 0 picks a free port. */
function readPort(name: string, fallback: number, problems: string[]): number {
  const raw = set(name);
  if (raw === undefined) return fallback;
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (Number.isInteger(n) && n <= 65_535) return n;
  problems.push(`${name}: must be a port number from 0 to 65535 (0 picks a free one), not "${raw}"`);
  return fallback;
}

function readLogLevel(problems: string[]): string {
  const raw = set('LOG_LEVEL');
  if (raw === undefined) return 'info';
  if (LOG_LEVELS.includes(raw)) return raw;
  problems.push(`LOG_LEVEL: must be one of ${LOG_LEVELS.join(', ')}, not "${raw}"`);
  return 'info';
}

/** What is wrong with the database setting before anything is opened: a missing folder, a URL that cannot work. */
function databaseProblems(choice: DatabaseChoice, configPath: string): string[] {
  if ('url' in choice) {
    try {
      parsePostgresUrl(choice.url, choice.caFile);
      return [];
    } catch (error) {
      if (!(error instanceof DatabaseSettingError)) throw error;
      const where = choice.fromEnv ? 'DATABASE_URL' : `database.url in ${configPath}`;
      return [`${where}: ${error.message}`];
    }
  }
  if (choice.path === ':memory:') return [];
  const folder = dirname(resolve(choice.path));
  if (existsSync(folder)) return [];
  return [
    `database.path in ${configPath}: the folder ${folder} does not exist (create it, or mount the volume)`,
  ];
}

/** Relative paths are resolved against the working directory, the usual surprise in a container. */
const shownPath = (path: string): string => (path === ':memory:' ? path : resolve(path));

/** The database as the summary and messages name it: an absolute file path, or the URL with its password masked. */
const shownDatabase = (choice: DatabaseChoice): string =>
  'url' in choice ? `PostgreSQL ${redactUrl(choice.url)}` : shownPath(choice.path);

/** "999999999999", or "unknown (why)" when AWS did not say: start-up goes on, and /readyz tells. */
function accountOf(described: AwsOutcome<InstanceDescription>): string {
  if (!described.ok)
    return `unknown (${described.error.message.replace(/\s+/g, ' ').trim().replace(/\.$/, '')})`;
  return described.value.ownerAccountId ?? 'unknown (ListInstances did not name the owner account)';
}

/** The one line that says what runs where. */
function botSummary(parts: {
  socketMode: boolean;
  port: number | undefined;
  configPath: string;
  account: string;
  region: string;
  endpoint: string | undefined;
  database: string;
}): string {
  const mode = parts.socketMode
    ? `Socket Mode (health routes on port ${parts.port ?? '?'})`
    : `HTTP on port ${parts.port ?? '?'} (/slack/events)`;
  const endpoint = parts.endpoint !== undefined ? `, endpoint ${parts.endpoint}` : '';
  return (
    `access-desk: ${mode} · config ${shownPath(parts.configPath)}` +
    ` · AWS account ${parts.account}, region ${parts.region}${endpoint}` +
    ` · database ${parts.database}`
  );
}

interface Started {
  stop: () => Promise<void>;
  logger: Logger;
  /** The one line that says what runs where. */
  summary: string;
}

async function startBot(): Promise<Started> {
  // The environment first, then the file: every problem of both is reported together.
  const problems: string[] = [];
  const logLevel = readLogLevel(problems);
  const port = readPort('PORT', 3000, problems);
  const host = set('HOST');
  const { secrets, problems: secretProblems } = readSecrets(env);
  problems.push(...secretProblems.map(formatProblem));
  let awsEnv: ReturnType<typeof awsSettingsFromEnv> = {};
  try {
    awsEnv = awsSettingsFromEnv(env);
  } catch (error) {
    problems.push(...(error as Error).message.split('\n'));
  }
  const configPath = configPathFromEnv(env);
  // The secrets were read above: the file is parsed without them, so their problems are not said twice.
  const loaded = loadConfig(configPath, {});
  if (!loaded.ok) {
    problems.push(`the config ${configPath} is not valid:`, ...loaded.errors.map((e) => `  ${e}`));
  } else {
    problems.push(...databaseProblems(databaseChoice(loaded.config, env), configPath));
  }
  if (problems.length > 0 || !loaded.ok) failWith(problems);

  const { config } = loaded;
  const database = databaseChoice(config, env);
  const password = databasePassword(env);
  const logger = createLogger({
    level: logLevel,
    secrets: [...secretValues(secrets, env), ...(password !== undefined ? [password] : [])],
  });
  // Identity Center lives in one region, the config's; AWS_REGION is often the runtime's own (ECS, Lambda set it).
  const { region: envRegion, ...aws } = awsEnv;
  if (envRegion !== undefined && envRegion !== config.identityCenter.region) {
    logger.info(
      { awsRegion: envRegion, identityCenterRegion: config.identityCenter.region },
      'AWS_REGION differs from identityCenter.region: Identity Center is called in identityCenter.region',
    );
  }
  for (const warning of onCallWarnings(config.onCall, secrets)) logger.warn(warning);
  const socketMode = secrets.slackAppToken !== undefined;
  const slackApiUrl = set('SLACK_API_URL');
  let desk: AccessDesk;
  try {
    desk = await createAccessDesk({
      config,
      secrets,
      logger,
      aws: { ...aws, region: config.identityCenter.region },
      database,
      slack: {
        ...(slackApiUrl !== undefined ? { apiUrl: slackApiUrl } : {}),
        port,
        ...(host !== undefined ? { host } : {}),
        socketMode,
      },
    });
  } catch (error) {
    const { message, code, cause } = error as Error & { code?: unknown };
    // The ledger is opened (and migrated) first: say which database refused it, and why a migration failed.
    if (typeof code === 'string' && code.startsWith('SQLITE_')) {
      fail(`database.path ${shownPath(config.database.path)}: ${message}`);
    }
    if (
      error instanceof DatabaseUnavailableError ||
      error instanceof SchemaTooNewError ||
      error instanceof DatabaseSettingError
    ) {
      fail(`${databaseSettingName(database)} (${shownDatabase(database)}): ${message}`);
    }
    fail(cause instanceof Error ? `${message}: ${cause.message}` : message);
  }
  const [started, described] = await Promise.all([
    desk.start().catch((error: unknown) => {
      const code = (error as NodeJS.ErrnoException).code;
      const why = error instanceof Error ? error.message : String(error);
      if (code === 'EADDRINUSE' || code === 'EACCES') fail(`PORT: cannot listen on port ${port}: ${why}`);
      fail(`the Slack app did not start (check SLACK_BOT_TOKEN and the network to Slack): ${why}`);
    }),
    desk.aws.describeInstance(),
  ]);
  if (!described.ok) {
    logger.warn({ aws: described.error.message }, 'AWS did not answer at start; /readyz reports it');
  }
  const summary = botSummary({
    socketMode,
    port: socketMode ? port : started.port,
    configPath,
    account: accountOf(described),
    region: config.identityCenter.region,
    endpoint: aws.endpoint,
    database: shownDatabase(database),
  });
  return { stop: () => desk.stop(), logger, summary };
}

const SLACK_VARIABLES = ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN'] as const;
const MISSING_SLACK =
  'SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (HTTP) or SLACK_BOT_TOKEN and SLACK_APP_TOKEN (Socket Mode) are not set';

/** ACCESS_DESK_SANDBOX: true (1) asks for the sandbox, false (0) forbids it, undefined leaves it to the defaults. */
function readSandboxFlag(): boolean | undefined {
  const raw = set('ACCESS_DESK_SANDBOX');
  if (raw === undefined) return undefined;
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  fail(`ACCESS_DESK_SANDBOX: must be 1 (run the sandbox) or 0 (never), not "${raw}"`);
}

/**
 * Whether to run the sandbox, or why not. Without Slack variables it runs only where nothing says a real bot was
 * meant: not in production, not with a config file to run; ACCESS_DESK_SANDBOX=1 overrides both. Also the config
 * file the sandbox would leave unused, for its start-up line.
 */
function sandboxOrWhyNot(): { sandbox: boolean; ignoredConfig?: string } {
  const slack = SLACK_VARIABLES.filter((name) => set(name) !== undefined);
  const asked = readSandboxFlag();
  if (slack.length > 0) {
    if (asked === true) {
      fail(
        `ACCESS_DESK_SANDBOX=1 asks for the sandbox, but ${slack.join(', ')} ${slack.length > 1 ? 'are' : 'is'} set for the bot: unset one or the other`,
      );
    }
    // Any Slack variable means the bot, so that a missing companion is reported rather than the sandbox started.
    return { sandbox: false };
  }
  const namedConfig = set('ACCESS_DESK_CONFIG');
  const defaultConfig = configPathFromEnv({});
  const config = namedConfig ?? (existsSync(defaultConfig) ? defaultConfig : undefined);
  if (asked === true) return { sandbox: true, ...(config !== undefined ? { ignoredConfig: config } : {}) };
  if (asked === false) fail(`${MISSING_SLACK}, and ACCESS_DESK_SANDBOX=0 forbids the sandbox`);
  if (set('NODE_ENV') === 'production') {
    fail(
      `${MISSING_SLACK}; with NODE_ENV=production the sandbox runs only when asked for (ACCESS_DESK_SANDBOX=1)`,
    );
  }
  if (config !== undefined) {
    const which =
      namedConfig !== undefined
        ? `ACCESS_DESK_CONFIG names ${config}`
        : `the config file ${shownPath(config)} is in the working directory`;
    fail(
      `${which}, but ${MISSING_SLACK} (ACCESS_DESK_SANDBOX=1 runs the sandbox instead, on its own example config)`,
    );
  }
  return { sandbox: true };
}

async function main(): Promise<void> {
  const { sandbox: runSandbox, ignoredConfig } = sandboxOrWhyNot();
  let stop: () => Promise<void>;
  let logger: Logger;
  let summary: string | undefined;
  if (!runSandbox) {
    ({ stop, logger, summary } = await startBot());
  } else {
    const problems: string[] = [];
    const level = readLogLevel(problems);
    const port = readPort('PORT', 3000, problems);
    const emulatorPort = readPort('EMULATOR_PORT', 4566, problems);
    const host = set('HOST');
    const allowed = parseAllowedHosts(set('ALLOWED_HOSTS'));
    if (!allowed.ok) problems.push(allowed.problem);
    if (problems.length > 0) failWith(problems);
    logger = createLogger({ level, secrets: secretValues({}, env) });
    try {
      const sandbox = await startSandbox({
        port,
        emulatorPort,
        ...(host !== undefined ? { host } : {}),
        ...(ignoredConfig !== undefined ? { ignoredConfig: shownPath(ignoredConfig) } : {}),
        ...(allowed.ok && allowed.hosts.length > 0 ? { allowedHosts: allowed.hosts } : {}),
        logger,
      });
      stop = () => sandbox.stop();
      summary = sandbox.summary;
    } catch (error) {
      const { message, code } = error as Error & { code?: unknown };
      if (code === 'EADDRINUSE' || code === 'EACCES') {
        fail(`PORT or EMULATOR_PORT: cannot listen (${message})`);
      }
      fail(message);
    }
  }

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'stopping failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  // Last, once a signal stops it cleanly: whoever waits for this line may stop it at once.
  if (summary !== undefined) console.log(summary);
}

await main();
