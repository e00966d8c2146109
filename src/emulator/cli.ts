/**
 * npm run emulator -- [--port 4566] [--host 127.0.0.1] [--seed FILE | --generate users=N,accounts=N,assignments=N]
 *   [--latency MS] [--provisioning-delay MS] [--no-rate-limits] [--accept-any-credentials]
 *
 * --generate makes an organisation of that size (src/emulator/seed-generator.ts: groups, permissionSets,
 * groupShare, legacyIamUsers and seed may be given too) instead of reading one; it declares no key pair, so it
 * goes with --accept-any-credentials.
 *
 * Requests must be signed with a key pair the seed declares (`credentials:`; the example organisation declares
 * one, printed at start-up), or with any key under --accept-any-credentials (EMULATOR_ACCEPT_ANY_CREDENTIALS=1).
 */
import { parseArgs } from 'node:util';
import { parseAllowedHosts } from '../local-guard.js';
import { createLogger } from '../log.js';
import { generateOrganisation, parseOrganisationSize } from './seed-generator.js';
import { checkSeed, exampleSeed, loadSeedFile, SeedError, type Seed } from './seed.js';
import { startEmulator, type RunningEmulator } from './server.js';
import type { EmulatorCredentials } from './signing.js';

const usage =
  'usage: npm run emulator -- [--port 4566] [--host 127.0.0.1] [--seed FILE | --generate users=N,accounts=N,assignments=N] [--latency MS] [--provisioning-delay MS] [--no-rate-limits] [--accept-any-credentials]';

/** EMULATOR_ACCEPT_ANY_CREDENTIALS: the flag's switch, for a container or a compose file. */
function envSwitch(name: string, value: string | undefined): boolean {
  if (value === undefined || value === '' || /^(0|false|no)$/i.test(value)) return false;
  if (/^(1|true|yes)$/i.test(value)) return true;
  console.error(`${name} takes 1 or 0 (true or false), not "${value}"`);
  process.exit(2);
}

/** The seed file, or the example organisation; a broken one ends the CLI with the key at fault. */
function readSeed(path: string | undefined): Seed {
  try {
    return path === undefined ? exampleSeed() : loadSeedFile(path);
  } catch (error) {
    if (!(error instanceof SeedError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
}

/** An organisation of the size --generate gives; a size it cannot make ends the CLI with what is wrong. */
function generatedSeed(sizes: string): Seed {
  try {
    return checkSeed(generateOrganisation(parseOrganisationSize(sizes)), '--generate');
  } catch (error) {
    if (!(error instanceof RangeError) && !(error instanceof SeedError)) throw error;
    console.error(`--generate ${sizes}: ${error.message}\n${usage}`);
    process.exit(2);
  }
}

function signingLine(emulator: RunningEmulator): string {
  const ids = emulator.accessKeyIds;
  const who = emulator.acceptsAnyCredentials
    ? 'any key'
    : ids.length === 0
      ? 'no key (none declared)'
      : `the key${ids.length === 1 ? '' : 's'} ${ids.join(', ')}`;
  return `requests signed (SigV4) for region ${emulator.region} by ${who}`;
}

/**
 * What to sign with, as the start-up text says it: the seed's first pair, or any pair. Both region variables:
 * the AWS CLI v1 and boto3 read AWS_DEFAULT_REGION, the CLI v2 and the SDKs AWS_REGION.
 */
function credentialLines(emulator: RunningEmulator, pairs: readonly EmulatorCredentials[]): string[] {
  const [pair] = pairs;
  const region = `AWS_REGION=${emulator.region} AWS_DEFAULT_REGION=${emulator.region}`;
  if (pair !== undefined) {
    return [
      `  export AWS_ACCESS_KEY_ID=${pair.accessKeyId} AWS_SECRET_ACCESS_KEY=${pair.secretAccessKey} ${region}`,
    ];
  }
  if (emulator.acceptsAnyCredentials) {
    return [`  export AWS_ACCESS_KEY_ID=AKIALOCAL00000000000 AWS_SECRET_ACCESS_KEY=any ${region}`];
  }
  return [
    '  The seed declares no key pair, so every request is refused: add `credentials:` to the seed, or start with',
    '  --accept-any-credentials.',
  ];
}

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
        generate: { type: 'string' },
        latency: { type: 'string' },
        'provisioning-delay': { type: 'string' },
        'no-rate-limits': { type: 'boolean', default: false },
        'accept-any-credentials': { type: 'boolean', default: false },
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
  const acceptAnyCredentials =
    values['accept-any-credentials'] ||
    envSwitch('EMULATOR_ACCEPT_ANY_CREDENTIALS', process.env.EMULATOR_ACCEPT_ANY_CREDENTIALS);
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn' });
  if (values.seed !== undefined && values.generate !== undefined) {
    console.error(`--seed and --generate cannot go together: one organisation at a time\n${usage}`);
    process.exit(2);
  }
  const generating = values.generate !== undefined;
  const started = performance.now();
  const seed = values.generate !== undefined ? generatedSeed(values.generate) : readSeed(values.seed);
  let emulator;
  try {
    emulator = await startEmulator({
      host: values.host,
      allowedHosts: allowed.hosts,
      port: wholeNumber('port', values.port, 4566),
      seed,
      acceptAnyCredentials,
      rateLimits: !values['no-rate-limits'],
      faults: {
        latencyMs: wholeNumber('latency', values.latency, 0),
        provisioningDelayMs: wholeNumber('provisioning-delay', values['provisioning-delay'], 2000),
      },
      logger,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      console.error(`port ${values.port} is in use: choose another with --port`);
      process.exit(2);
    }
    throw error;
  }
  const { state } = emulator;
  console.log(`listening on ${emulator.url}`);
  if (generating) {
    console.log(
      `generated organisation: ${state.users.size} users, ${state.accounts.size} accounts, ${state.assignments.size} assignments, in ${((performance.now() - started) / 1000).toFixed(2)} s`,
    );
  }
  console.log(
    [
      '',
      `Identity Center instance ${state.instance.InstanceArn}, identity store ${state.instance.IdentityStoreId}`,
      `${state.accounts.size} accounts, ${state.permissionSets.size} permission sets, ${state.groups.size} groups, ${state.users.size} users`,
      `rate limits ${emulator.rateLimits ? 'on (AWS: 20/s sso-admin, 20/s per identitystore API, 15 assignment creations in progress)' : 'off'}`,
      signingLine(emulator),
      '',
      'Use it with the AWS CLI and SDKs:',
      ...credentialLines(emulator, seed.credentials),
      `  export AWS_ENDPOINT_URL=${emulator.url}   # AWS CLI 2.13+, boto3 1.28+ (older ones ignore it and call AWS)`,
      `  aws sso-admin list-instances --endpoint-url ${emulator.url}   # any version`,
      `  aws identitystore list-users --identity-store-id ${state.instance.IdentityStoreId} --endpoint-url ${emulator.url}`,
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
