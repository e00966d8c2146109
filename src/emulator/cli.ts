/**
 * npm run emulator -- [--port 4566] [--host 127.0.0.1] [--seed FILE] [--latency MS] [--provisioning-delay MS] [--no-rate-limits]
 */
import { parseArgs } from 'node:util';
import { parseAllowedHosts } from '../local-guard.js';
import { createLogger } from '../log.js';
import { SeedError } from './seed.js';
import { startEmulator } from './server.js';

const usage =
  'usage: npm run emulator -- [--port 4566] [--host 127.0.0.1] [--seed FILE] [--latency MS] [--provisioning-delay MS] [--no-rate-limits]';

function wholeNumber(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} takes a whole number of milliseconds or a port, not "${value}"\n${usage}`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', default: '4566' },
        host: { type: 'string', default: '127.0.0.1' },
        seed: { type: 'string' },
        latency: { type: 'string' },
        'provisioning-delay': { type: 'string' },
        'no-rate-limits': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(usage);
    return;
  }
  const allowed = parseAllowedHosts(process.env.ALLOWED_HOSTS);
  if (!allowed.ok) {
    console.error(allowed.problem);
    process.exit(2);
  }
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn' });
  let emulator;
  try {
    emulator = await startEmulator({
      host: values.host,
      allowedHosts: allowed.hosts,
      port: wholeNumber('port', values.port, 4566),
      seed: values.seed ?? true,
      rateLimits: !values['no-rate-limits'],
      faults: {
        latencyMs: wholeNumber('latency', values.latency, 0),
        provisioningDelayMs: wholeNumber('provisioning-delay', values['provisioning-delay'], 2000),
      },
      logger,
    });
  } catch (error) {
    if (error instanceof SeedError) {
      console.error(error.message);
      process.exit(2);
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      console.error(`port ${values.port} is in use: choose another with --port`);
      process.exit(2);
    }
    throw error;
  }
  const { state } = emulator;
  console.log(`listening on ${emulator.url}`);
  console.log(
    [
      '',
      `Identity Center instance ${state.instance.InstanceArn}, identity store ${state.instance.IdentityStoreId}`,
      `${state.accounts.size} accounts, ${state.permissionSets.size} permission sets, ${state.groups.size} groups, ${state.users.size} users`,
      `rate limits ${emulator.rateLimits ? 'on (AWS: 20/s sso-admin, 20/s per identitystore API, 15 assignment creations in progress)' : 'off'}`,
      '',
      'Use it with the AWS CLI and SDKs:',
      `  export AWS_ENDPOINT_URL=${emulator.url}`,
      '  export AWS_ACCESS_KEY_ID=emulator AWS_SECRET_ACCESS_KEY=emulator AWS_REGION=eu-west-1',
      `  aws identitystore list-users --identity-store-id ${state.instance.IdentityStoreId}`,
      `  aws sso-admin list-instances`,
      '',
      `Look inside: ${emulator.url}/_emulator/state  ·  mailbox: ${emulator.url}/_emulator/mailbox  ·  faults: ${emulator.url}/_emulator/faults`,
    ].join('\n'),
  );
  const stop = (): void => {
    void emulator.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

await main();
