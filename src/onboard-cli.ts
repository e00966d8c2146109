/**
 * `npm run onboard -- --csv FILE [--config FILE] [--reason TEXT] [--submit --admin SLACK_ID]`: a bulk onboarding
 * from the command line, against the AWS and the ledger the config names (the default credential chain;
 * AWS_ENDPOINT_URL for the local emulator). Without --submit it checks every row and prints the problems, or the
 * preview (the people, what each role gives, who must approve). With --submit and the asking admin's Slack id it
 * records the batch in the bot's ledger for approval: the running bot posts the card in Slack and carries out
 * the work once approved. Slack users in the file are checked with SLACK_BOT_TOKEN when it is set.
 * Exit 0: previewed (no problem) or recorded; 1: problems in the file, or refused; 2: wrong usage or config.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { pino } from 'pino';
import { BulkOnboarding } from './access/admin/bulk-service.js';
import { BULK_LIMITS, sizeText } from './access/admin/bulk-csv.js';
import { systemClock } from './access/clock.js';
import type { SlackPeople } from './access/people.js';
import { createAwsAdapter } from './aws/index.js';
import { awsSettingsFromEnv } from './aws/clients.js';
import { databaseChoice, databaseSettingName } from './config/database.js';
import { configPathFromEnv, loadConfig } from './config/load.js';
import { readSecrets, secretValues } from './config/secrets.js';
import { createLogger } from './log.js';
import { plainWords, previewText } from './onboard-cli-text.js';
import { createSlackClient } from './slack/client.js';
import { SlackPeopleDirectory } from './slack/people.js';
import { createLedger } from './store/index.js';

const USAGE =
  'usage: npm run onboard -- --csv FILE [--config FILE] [--reason TEXT] [--submit --admin SLACK_ID]';

export interface OnboardCliArgs {
  csv: string;
  config?: string;
  reason?: string;
  submit: boolean;
  admin?: string;
}

/** The arguments, or what is wrong with them (with the usage). */
export function parseOnboardCliArgs(argv: readonly string[]): OnboardCliArgs | string {
  const out: Partial<OnboardCliArgs> & { submit: boolean } = { submit: false };
  const valued: Readonly<Record<string, 'csv' | 'config' | 'reason' | 'admin'>> = {
    '--csv': 'csv',
    '--config': 'config',
    '--reason': 'reason',
    '--admin': 'admin',
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--submit') {
      out.submit = true;
      continue;
    }
    const equals = arg.indexOf('=');
    const flag = equals === -1 ? arg : arg.slice(0, equals);
    const inline = equals === -1 ? undefined : arg.slice(equals + 1);
    const name = valued[flag];
    if (name === undefined) return `unknown argument ${arg}\n${USAGE}`;
    const value = inline ?? argv[i + 1];
    if (inline === undefined) i += 1;
    if (value === undefined || value === '' || (inline === undefined && value.startsWith('--')))
      return `${flag} needs a value\n${USAGE}`;
    out[name] = value;
  }
  if (out.csv === undefined) return `say which file to read: --csv FILE\n${USAGE}`;
  if (out.submit && out.admin === undefined)
    return `--submit needs --admin SLACK_ID: the admin who asks (one of the config's admins)\n${USAGE}`;
  if (!out.submit && out.admin !== undefined) return `--admin goes with --submit\n${USAGE}`;
  return {
    csv: out.csv,
    submit: out.submit,
    ...(out.config !== undefined ? { config: out.config } : {}),
    ...(out.reason !== undefined ? { reason: out.reason } : {}),
    ...(out.admin !== undefined ? { admin: out.admin } : {}),
  };
}

const say = (text: string): void => void process.stdout.write(`${text}\n`);
const warn = (text: string): void => void process.stderr.write(`access-desk onboard: ${text}\n`);

function fail(message: string, code = 2): never {
  warn(message);
  process.exit(code);
}

/** The file's bytes, refused before reading when it is not a file or far too large. */
function readCsv(file: string): Uint8Array {
  let size: number;
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) fail(`${file} is a directory: name the CSV file itself`);
    size = stat.size;
  } catch (error) {
    fail(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  if (size > BULK_LIMITS.bytes) {
    fail(
      `${file} is ${sizeText(size)}; one bulk onboarding takes at most ${sizeText(BULK_LIMITS.bytes)} (${BULK_LIMITS.rows.toLocaleString('en')} people): split it into several files`,
      1,
    );
  }
  return readFileSync(file);
}

/** Slack, when a bot token is set: users checked, user-group approvers looked up. Otherwise nobody is known. */
function slackPeople(
  env: NodeJS.ProcessEnv,
  token: string | undefined,
  logger: ReturnType<typeof createLogger>,
): SlackPeople {
  if (token !== undefined) {
    const apiUrl = env.SLACK_API_URL?.trim();
    return new SlackPeopleDirectory(
      createSlackClient({
        token,
        logger,
        ...(apiUrl !== undefined && apiUrl !== '' ? { slackApiUrl: apiUrl } : {}),
      }),
    );
  }
  warn(
    "SLACK_BOT_TOKEN is not set: a Slack user the config's people does not list is reported as unknown, and approver groups kept as Slack user groups count only their listed users",
  );
  return { profileEmail: () => Promise.resolve(undefined), usergroupMembers: () => Promise.resolve([]) };
}

async function main(): Promise<void> {
  const env = process.env;
  const args = parseOnboardCliArgs(process.argv.slice(2));
  if (typeof args === 'string') fail(args);
  const loaded = loadConfig(args.config ?? configPathFromEnv(env), env);
  if (!loaded.ok) fail(`the config is not valid:\n  ${loaded.errors.join('\n  ')}`);
  const { config } = loaded;
  if (args.admin !== undefined && !config.admins.includes(args.admin)) {
    fail(
      `${args.admin} is not one of the config's admins (${config.admins.join(', ')}): only admins onboard people`,
      1,
    );
  }
  const bytes = readCsv(args.csv);
  let aws;
  try {
    aws = awsSettingsFromEnv(env);
  } catch (error) {
    fail((error as Error).message);
  }
  const { secrets } = readSecrets(env);
  // Logs go to stderr, so that stdout holds the preview alone.
  const logger = createLogger({
    level: env.LOG_LEVEL ?? 'warn',
    destination: pino.destination(2),
    secrets: secretValues(secrets, env),
  });
  // The bot's ledger: where a submitted batch must go, and where onboardings already under way are found.
  const database = databaseChoice(config, env);
  const exists = 'url' in database || (database.path !== ':memory:' && existsSync(database.path));
  if (args.submit && !exists) {
    fail(
      `no ledger at ${'path' in database ? database.path : '(none)'} (${databaseSettingName(database)}): a batch goes into the ledger the bot reads; point the config at it`,
    );
  }
  const ledger = await createLedger(
    'url' in database ? database : { path: exists ? database.path : ':memory:' },
  ).catch((error: unknown) => fail(`${databaseSettingName(database)}: ${(error as Error).message}`));
  const adapter = createAwsAdapter(
    {
      region: config.identityCenter.region,
      instanceArn: config.identityCenter.instanceArn,
      identityStoreId: config.identityCenter.identityStoreId,
      ...(config.email.region !== undefined ? { sesRegion: config.email.region } : {}),
      legacyIamPath: config.legacyIam.path,
      ...aws,
    },
    logger,
  );
  try {
    const bulk = new BulkOnboarding({
      config,
      ledger,
      directory: adapter.directory,
      assignments: adapter.assignments,
      catalog: adapter.catalog,
      people: slackPeople(env, secrets.slackBotToken, logger),
      clock: systemClock,
      logger,
    });
    const name = basename(args.csv);
    const source = { bytes, name };
    const reason = args.reason !== undefined ? { reason: args.reason } : {};
    const preview = await bulk.preview(undefined, source, reason);
    if (!preview.ok) fail(plainWords(preview.message), 1);
    process.stdout.write(previewText(preview.value, name));
    const ready = preview.value.problems.length === 0 && preview.value.rules?.ok === true;
    if (!ready) process.exit(1);
    if (!args.submit || args.admin === undefined) {
      say(
        `To ask for approval: npm run onboard -- --csv ${args.csv}${args.reason !== undefined ? ' --reason "…"' : ''} --submit --admin <your Slack id>`,
      );
      return;
    }
    const submitted = await bulk.submit(args.admin, source, reason);
    if (!submitted.ok) fail(plainWords(submitted.message), 1);
    const { request } = submitted.value;
    say(
      request.status === 'pending'
        ? `Recorded ${request.id} for approval: access-desk posts its card in Slack (channel ${request.channel}) from the ledger, and carries out the work once approved.`
        : `Recorded ${request.id}, approved by the rules at once: access-desk carries out the work.`,
    );
  } finally {
    adapter.close();
    await ledger.close();
  }
}

await main();
