/**
 * `npm run audit -- --csv FILE`: the same report as `/access audit`, from the command line, against the AWS the
 * config names (the default credential chain; AWS_ENDPOINT_URL for the local emulator). The ledger file from
 * config, if it exists, gives the grant columns and the drift. Prints progress on stderr and the summary on
 * stdout. Exit 0: written; 1: AWS stopped the walk; 2: wrong usage, config or output file.
 */
import { accessSync, constants, createWriteStream, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pino } from 'pino';
import { ProgressCoalescer } from './access/audit/progress.js';
import { writeAuditCsv } from './access/audit/csv.js';
import { ADMIN_KINDS, assignmentsByAdminWork, type AdminAssignment } from './access/audit/admin-work.js';
import { buildAuditReport } from './access/audit/report.js';
import type { AuditReport } from './access/audit/types.js';
import { inactiveLines, progressText, summaryText } from './access/audit/summary.js';
import { walkOrganisation } from './access/audit/walk.js';
import { systemClock } from './access/clock.js';
import type { GrantRecord } from './access/ledger.js';
import { createAwsAdapter } from './aws/index.js';
import { awsSettingsFromEnv } from './aws/clients.js';
import { configPathFromEnv, loadConfig } from './config/load.js';
import { readSecrets, secretValues } from './config/secrets.js';
import { createLogger } from './log.js';
import { createLedger } from './store/index.js';
import { databaseChoice, databaseSettingName } from './config/database.js';

const USAGE = 'usage: npm run audit -- --csv FILE [--no-legacy-iam] [--no-sign-ins]';
interface CliArgs {
  csv: string;
  legacyIam: boolean;
  /** false: CloudTrail's sign-in history is not read (nobody is judged inactive). */
  signIns: boolean;
}

export function parseAuditCliArgs(argv: readonly string[]): CliArgs | string {
  let csv: string | undefined;
  let legacyIam = true;
  let signIns = true;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--csv') {
      csv = argv[i + 1];
      i += 1;
      if (csv === undefined || csv === '' || csv.startsWith('--')) return `--csv needs a file name\n${USAGE}`;
    } else if (arg?.startsWith('--csv=') === true) {
      csv = arg.slice('--csv='.length);
    } else if (arg === '--no-legacy-iam') {
      legacyIam = false;
    } else if (arg === '--no-sign-ins') {
      signIns = false;
    } else {
      return `unknown argument ${arg ?? ''}\n${USAGE}`;
    }
  }
  if (csv === undefined || csv === '') return `say where to write the report\n${USAGE}`;
  return { csv, legacyIam, signIns };
}

/** Why the report could not be written there, before an audit of minutes is spent; undefined when it can. */
function unwritable(file: string): string | undefined {
  const path = resolve(file);
  try {
    if (existsSync(path)) {
      if (statSync(path).isDirectory()) return `${file} is a directory: name the CSV file itself`;
      accessSync(path, constants.W_OK);
      return undefined;
    }
    const dir = dirname(path);
    if (!existsSync(dir)) return `${dir} does not exist: create the folder first`;
    accessSync(dir, constants.W_OK);
    return undefined;
  } catch (error) {
    return `cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
  }
}

function fail(message: string, code = 2): never {
  console.error(`access-desk audit: ${message}`);
  process.exit(code);
}

async function main(): Promise<void> {
  const env = process.env;
  const args = parseAuditCliArgs(process.argv.slice(2));
  if (typeof args === 'string') fail(args);
  const path = configPathFromEnv(env);
  const loaded = loadConfig(path, env);
  if (!loaded.ok) fail(`the config is not valid:\n  ${loaded.errors.join('\n  ')}`);
  const { config } = loaded;
  const notWritable = unwritable(args.csv);
  if (notWritable !== undefined) fail(notWritable);
  let aws;
  try {
    aws = awsSettingsFromEnv(env);
  } catch (error) {
    fail((error as Error).message);
  }

  // Logs go to stderr, so that stdout holds the summary alone.
  const logger = createLogger({
    level: env.LOG_LEVEL ?? 'warn',
    destination: pino.destination(2),
    secrets: secretValues(readSecrets(env).secrets, env),
  });
  const adapter = createAwsAdapter(
    {
      region: config.identityCenter.region,
      instanceArn: config.identityCenter.instanceArn,
      identityStoreId: config.identityCenter.identityStoreId,
      ...aws,
    },
    logger,
  );
  // The ledger, where there is one to read: a SQLite file that exists, or the PostgreSQL server the bot uses.
  const database = databaseChoice(config, process.env);
  const ledger =
    'url' in database
      ? await createLedger(database).catch((error: unknown) =>
          fail(`${databaseSettingName(database)}: ${(error as Error).message}`, 2),
        )
      : database.path !== ':memory:' && existsSync(database.path)
        ? await createLedger({ path: database.path })
        : undefined;
  try {
    const progress = new ProgressCoalescer(2_000, systemClock, (text) => {
      process.stderr.write(`  ${text}\n`);
      return Promise.resolve();
    });
    console.error(`access-desk audit: reading ${aws.endpoint ?? `AWS in ${config.identityCenter.region}`}…`);
    const walked = await walkOrganisation(
      {
        ...adapter,
        clock: systemClock,
        ...(args.legacyIam ? {} : { legacyIam: undefined }),
        ...(args.signIns ? {} : { signIns: undefined }),
      },
      { onProgress: (p) => progress.offer(progressText(p)) },
    );
    if (!walked.ok) fail(`AWS stopped the audit: ${walked.error.message}`, 1);
    let grants: GrantRecord[] | undefined;
    let madeByAdminWork: AdminAssignment[] = [];
    if (ledger !== undefined) {
      grants = await ledger.findGrants({ statuses: ['pending', 'provisioning', 'active', 'ending'] });
      madeByAdminWork = assignmentsByAdminWork(await ledger.findRequests({ kinds: [...ADMIN_KINDS] }));
    } else {
      console.error(
        `access-desk audit: no ledger at ${'path' in database ? database.path : '(none)'}: grants are not shown and drift is not computed`,
      );
    }
    const report = buildAuditReport(walked.value, {
      accounts: config.accounts,
      grants,
      madeByAdminWork,
      inactiveAfterMs: config.audit.inactiveAfterMs,
      now: systemClock.now(),
    });
    let written: { bytes: number; rows: number } | undefined;
    try {
      written = await writeCsvFile(args.csv, report);
    } catch (error) {
      fail(`cannot write ${args.csv}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    console.log(summaryText(report.summary));
    for (const line of inactiveLines(report.activity)) console.log(line);
    console.log(`Report written to ${args.csv} (${written?.rows ?? 0} rows)`);
  } finally {
    adapter.close();
    await ledger?.close();
  }
}

/** The CSV streamed to the file a chunk at a time: a large organisation's report is never one string in memory. */
async function writeCsvFile(path: string, report: AuditReport): Promise<{ bytes: number; rows: number }> {
  const file = createWriteStream(path, { encoding: 'utf8' });
  const failed = new Promise<never>((_resolve, reject) => file.once('error', reject));
  const written = await Promise.race([writeAuditCsv(report, file), failed]);
  await Promise.race([new Promise<void>((resolve) => file.end(resolve)), failed]);
  return written;
}

await main();
