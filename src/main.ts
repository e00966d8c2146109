/**
 * Entry point. With no Slack credentials and no config this starts the local sandbox. Today the sandbox is
 * the local Identity Center with the example organisation; the Slack side (bot and local Slack console)
 * joins it as the access service lands.
 */
import { createLogger } from './log.js';
import { startEmulator } from './emulator/server.js';

const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'info' });
const port = Number(process.env.EMULATOR_PORT ?? 4566);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`EMULATOR_PORT must be a port number, not "${process.env.EMULATOR_PORT}"`);
  process.exit(2);
}

const emulator = await startEmulator({
  port,
  seed: true,
  faults: { latencyMs: 40, provisioningDelayMs: 2000 },
  logger,
});
logger.info(
  { mode: 'sandbox', endpoint: emulator.url },
  'local Identity Center with the example organisation',
);
console.log(`access-desk sandbox: local Identity Center listening on ${emulator.url}`);
console.log(`  organisation: ${emulator.url}/_emulator/state   mailbox: ${emulator.url}/_emulator/mailbox`);
console.log(
  `  AWS CLI/SDK:  AWS_ENDPOINT_URL=${emulator.url} AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x AWS_REGION=eu-west-1`,
);

const stop = (): void => {
  void emulator.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
