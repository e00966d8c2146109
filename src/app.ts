/**
 * The composition root: the one place that chooses concrete adapters (SQLite ledger, AWS adapter, Slack app,
 * Slack notifier and people directory) and wires them to the access layer.
 */
import { createAccessCore, type AccessCore } from './access/core.js';
import { systemClock, type Clock } from './access/clock.js';
import type { JobRunnerOptions } from './access/jobs.js';
import { createAwsAdapter, type AwsAdapter, type AwsAdapterSettings } from './aws/index.js';
import type { AccessDeskConfig, SecretsConfig } from './config/types.js';
import type { Logger } from './log.js';
import { cachedReadiness, readinessCheck, type CachedReadinessOptions } from './readiness.js';
import { createSlackApp, type SlackApp } from './slack/app.js';
import { createSlackClient } from './slack/client.js';
import { SlackClickAnswers } from './slack/click-answers.js';
import { ReplicaRegistry } from './access/replicas.js';
import { HomePublisher } from './slack/home-publisher.js';
import { SlackBreakGlassMessages } from './slack/break-glass-messages.js';
import { SlackMigrationMessages } from './slack/migration-messages.js';
import { SlackNotifier } from './slack/notifier.js';
import { SlackSharedFiles } from './slack/files.js';
import { SlackPeopleDirectory } from './slack/people.js';
import { createLedger, type DatabaseOptions, type SqlLedger } from './store/index.js';
import { PagerDutyClient } from './pagerduty/client.js';

export interface AccessDeskOptions {
  config: AccessDeskConfig;
  secrets: SecretsConfig;
  logger: Logger;
  /** Region, endpoint (the emulator), credentials (absent: the default chain). Instance ids come from config. */
  aws: AwsAdapterSettings;
  slack?: {
    /** SLACK_API_URL: a local Web API (tests, the sandbox console). */
    apiUrl?: string;
    botId?: string;
    botUserId?: string;
    port?: number;
    host?: string;
    socketMode?: boolean;
  };
  /** Overrides config.database.path (tests use ':memory:'). */
  databasePath?: string;
  /** Where the ledger lives, when not config.database.path: a PostgreSQL server (DATABASE_URL, see main.ts). */
  database?: DatabaseOptions;
  clock?: Clock;
  runner?: JobRunnerOptions;
  /** /readyz's window (default 10 s) and its time source (default the system's). */
  readiness?: Omit<CachedReadinessOptions, 'logger'>;
}

export interface AccessDesk extends AccessCore {
  ledger: SqlLedger;
  aws: AwsAdapter;
  slack: SlackApp;
  /** Starts the scheduler (catching up on what fell due while down) and the Slack app. */
  start(): Promise<{ port?: number }>;
  stop(): Promise<void>;
}

export async function createAccessDesk(options: AccessDeskOptions): Promise<AccessDesk> {
  const { config, secrets, logger } = options;
  const clock = options.clock ?? systemClock;
  const token = secrets.slackBotToken;
  if (token === undefined)
    throw new Error('SLACK_BOT_TOKEN is not set: the Slack app needs its bot token (xoxb-…)');

  const ledger = await createLedger(
    options.database ?? { path: options.databasePath ?? config.database.path },
  );
  const aws = createAwsAdapter(
    {
      instanceArn: config.identityCenter.instanceArn,
      identityStoreId: config.identityCenter.identityStoreId,
      ...(config.email.region !== undefined ? { sesRegion: config.email.region } : {}),
      legacyIamPath: config.legacyIam.path,
      ...options.aws,
    },
    logger,
  );
  const slackApiUrl = options.slack?.apiUrl;
  const client = createSlackClient({ token, logger, ...(slackApiUrl !== undefined ? { slackApiUrl } : {}) });
  // The notifier tells it whose Home tab to draw again; it draws them from the services made below.
  // Home tabs are drawn by `home` jobs; the runner that wakes for them is made below.
  const woken: { wake?: () => void } = {};
  const home = new HomePublisher({
    client,
    logger,
    jobs: ledger,
    wake: () => woken.wake?.(),
    now: () => clock.now(),
  });
  const core = createAccessCore({
    clickAnswers: new SlackClickAnswers({ client, logger }),
    config,
    ledger,
    directory: aws.directory,
    assignments: aws.assignments,
    catalog: aws.catalog,
    mailer: aws.mailer,
    legacyIam: aws.legacyIam,
    policies: aws.policies,
    applications: aws.applications,
    signIns: aws.signIns,
    notifier: new SlackNotifier({
      client,
      identityCenter: config.identityCenter,
      logger,
      card: { oneTimePasswords: config.email.oneTimePasswords },
      homeChanged: (ids) => home.changed(ids),
    }),
    people: new SlackPeopleDirectory(client),
    migrationMessages: new SlackMigrationMessages({ client, logger }),
    breakGlassMessages: new SlackBreakGlassMessages({ client, logger }),
    // On-call auto-approval: PagerDuty asked only when a schedule is configured (the token may be absent).
    ...(config.onCall !== undefined
      ? {
          pagerduty: new PagerDutyClient({
            url: config.onCall.pagerduty.url,
            ...(secrets.pagerdutyToken !== undefined ? { token: secrets.pagerdutyToken } : {}),
            logger,
            now: () => clock.now(),
          }),
        }
      : {}),
    clock,
    logger,
    homeWork: home,
    files: new SlackSharedFiles({
      client,
      token,
      ...(slackApiUrl !== undefined ? { slackApiUrl } : {}),
    }),
    ...(options.runner !== undefined ? { runner: options.runner } : {}),
  });
  woken.wake = () => core.runner.wake();
  // AWS's limits are the account's: with other replicas on this ledger, this one keeps to its share.
  const replicas = new ReplicaRegistry({
    ledger,
    clock,
    logger,
    id: core.runner.owner,
    onCount: (n) => aws.limiter.shareAmong(n),
  });
  home.serve({ access: core.service, insight: core.insight });
  const { apiUrl: _apiUrl, ...listen } = options.slack ?? {};
  const slack = createSlackApp({
    config,
    secrets,
    access: core.service,
    clicks: core.clicks,
    admin: core.admin,
    bulk: core.bulk,
    audit: core.audit,
    insight: core.insight,
    home,
    logger,
    readiness: cachedReadiness(readinessCheck(ledger, aws), { logger, ...options.readiness }),
    ...(slackApiUrl !== undefined ? { slackApiUrl } : {}),
    ...withoutUndefined(listen),
  });

  return {
    ...core,
    ledger,
    aws,
    slack,
    async start() {
      await replicas.start();
      const started = await slack.start();
      await core.scheduler.start();
      return started;
    },
    async stop() {
      await slack.stop();
      await home.stop();
      await core.scheduler.stop();
      await core.runner.stop();
      await replicas.stop();
      aws.close();
      await ledger.close();
    },
  };
}

function withoutUndefined<T extends object>(value: T | undefined): Partial<T> {
  if (value === undefined) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
