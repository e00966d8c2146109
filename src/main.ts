/**
 * Entry point: read the environment and the config, pick the mode, start, and stop cleanly on signals.
 *
 * - SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET: HTTP on PORT (default 3000) at /slack/events.
 * - SLACK_BOT_TOKEN + SLACK_APP_TOKEN: Socket Mode.
 * - No Slack credentials: the local sandbox (today the local Identity Center with the example organisation).
 */
import { existsSync } from 'node:fs';
import { createAccessDesk, type AccessDesk } from './app.js';
import { awsSettingsFromEnv } from './aws/clients.js';
import { configPathFromEnv, loadConfig } from './config/load.js';
import { startEmulator } from './emulator/server.js';
import { createLogger } from './log.js';

const env = process.env;
const logger = createLogger({ level: env.LOG_LEVEL ?? 'info' });

function fail(message: string): never {
  console.error(`access-desk cannot start: ${message}`);
  process.exit(2);
}

function port(name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) fail(`${name} must be a port number, not "${raw}"`);
  return n;
}

async function startSandbox(): Promise<() => Promise<void>> {
  const emulator = await startEmulator({
    port: port('EMULATOR_PORT', 4566),
    seed: true,
    faults: { latencyMs: 40, provisioningDelayMs: 2000 },
    logger,
  });
  console.log(`access-desk sandbox: local Identity Center listening on ${emulator.url}`);
  console.log(`  organisation: ${emulator.url}/_emulator/state   mailbox: ${emulator.url}/_emulator/mailbox`);
  console.log(
    `  AWS CLI/SDK:  AWS_ENDPOINT_URL=${emulator.url} AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x AWS_REGION=eu-west-1`,
  );
  return () => emulator.close();
}

async function startBot(): Promise<() => Promise<void>> {
  const path = configPathFromEnv(env);
  const loaded = loadConfig(path, env);
  if (!loaded.ok) fail(`the config is not valid:\n  ${loaded.errors.join('\n  ')}`);
  const { config, secrets } = loaded;
  let aws;
  try {
    aws = awsSettingsFromEnv(env);
  } catch (error) {
    fail((error as Error).message);
  }
  const socketMode = secrets.slackAppToken !== undefined;
  let desk: AccessDesk;
  try {
    desk = await createAccessDesk({
      config,
      secrets,
      logger,
      aws: { region: config.identityCenter.region, ...aws },
      slack: {
        ...(env.SLACK_API_URL ? { apiUrl: env.SLACK_API_URL } : {}),
        port: port('PORT', 3000),
        socketMode,
      },
    });
  } catch (error) {
    fail((error as Error).message);
  }
  const started = await desk.start();
  const where = socketMode ? 'Socket Mode' : `HTTP on port ${started.port ?? '?'} at /slack/events`;
  const awsWhere =
    aws.endpoint !== undefined ? `endpoint ${aws.endpoint}` : `region ${config.identityCenter.region}`;
  console.log(
    `access-desk: ${where}; config ${path}; AWS ${awsWhere}, instance ${config.identityCenter.instanceArn}; database ${config.database.path}`,
  );
  return () => desk.stop();
}

const slackConfigured = env.SLACK_BOT_TOKEN !== undefined && env.SLACK_BOT_TOKEN !== '';
if (!slackConfigured && env.ACCESS_DESK_CONFIG !== undefined && !existsSync(env.ACCESS_DESK_CONFIG)) {
  fail(`ACCESS_DESK_CONFIG names ${env.ACCESS_DESK_CONFIG}, which does not exist`);
}
const stop = slackConfigured ? await startBot() : await startSandbox();

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
