/**
 * The access layer wired from its ports: the service people talk to, the job runner and the scheduler.
 * app.ts passes the real adapters; tests pass the emulator-backed adapter and recording fakes.
 */
import type { Logger } from '../log.js';
import type { AccessDeskConfig } from '../config/types.js';
import { AdminService } from './admin/admin-service.js';
import { BulkOnboarding } from './admin/bulk-service.js';
import type { SharedFiles } from './bulk-api.js';
import { AuditFeed } from './audit-feed.js';
import type { BreakGlassMessages } from './break-glass-api.js';
import { BreakGlass } from './break-glass.js';
import { AuditWork, type AuditWorkOptions } from './audit/audit-job.js';
import { AuditService } from './audit/audit-service.js';
import { StepRunner } from './admin/steps.js';
import type { ClickAnswers } from './click-api.js';
import { ClickDesk } from './clicks.js';
import type { Clock } from './clock.js';
import { IdentityResolver } from './identity.js';
import { InsightService } from './insight/insight-service.js';
import { JobRunner, type JobRunnerOptions } from './jobs.js';
import type { Ledger } from './ledger.js';
import type { MigrationMessages } from './migration-api.js';
import type { Notifier } from './notifier.js';
import { OnCallCheck, type PagerDutyOnCall } from './on-call.js';
import type { SlackPeople } from './people.js';
import type {
  ApplicationAssignments,
  Assignments,
  Catalog,
  Directory,
  LegacyIam,
  Mailer,
  PermissionSetPolicies,
  SignInHistory,
} from './ports.js';
import { Scheduler } from './scheduler.js';
import { GroupGrantWork } from './group-access.js';
import { SessionWork } from './sessions.js';
import { AccessService } from './service.js';

export interface AccessCoreDeps {
  config: AccessDeskConfig;
  ledger: Ledger;
  directory: Directory;
  assignments: Assignments;
  catalog: Catalog;
  /** SES: welcome and migration emails. */
  mailer: Mailer;
  /** IAM: the legacy IAM users offboarding cleans up. */
  legacyIam: LegacyIam;
  /** Permission sets' inline policies and provisioning: ending sessions already open when access ends. */
  policies: PermissionSetPolicies;
  /** Application assignments: whois shows them, offboarding removes them. */
  applications: ApplicationAssignments;
  /** CloudTrail's sign-in history: the audit's inactive users. */
  signIns: SignInHistory;
  notifier: Notifier;
  people: SlackPeople;
  clock: Clock;
  logger: Logger;
  runner?: JobRunnerOptions;
  /** Start jobs as soon as a decision enqueues them (production); tests drain by hand. */
  wakeOnChange?: boolean;
  /** How the audit walks AWS and how often it updates its message. */
  audit?: AuditWorkOptions;
  /** How a click run after its listener died answers the person (Slack). Absent: logged only. */
  clickAnswers?: ClickAnswers;
  /** The migration's direct messages: the person's buttons, the admin told of a call for help. Absent: none. */
  migrationMessages?: MigrationMessages;
  /** Draws Home tabs for `home` jobs (Slack). Absent: none is drawn. */
  homeWork?: { publish(slackUserId: string): Promise<void> };
  /** Files shared in Slack (bulk onboarding's CSV). Absent: only the command line's files are read. */
  files?: SharedFiles;
  /** Break-glass's security-channel card and direct messages (Slack). Absent: only its card and audit line. */
  breakGlassMessages?: BreakGlassMessages;
  /** PagerDuty's on-calls, for rules that auto-approve on call. Absent: PagerDuty schedules cannot be read. */
  pagerduty?: PagerDutyOnCall;
}

export interface AccessCore {
  service: AccessService;
  /** Onboarding, offboarding, role changes and the migration email (admins only). */
  admin: AdminService;
  /** Bulk onboarding from a CSV file (admins only). */
  bulk: BulkOnboarding;
  runner: JobRunner;
  scheduler: Scheduler;
  identities: IdentityResolver;
  /** whois, the user listing and a person's own grants (read-only). */
  insight: InsightService;
  /** `/access audit` (admins): starts the audit job. */
  audit: AuditService;
  /** Approve, Deny, Cancel, Retry and Extend, recorded before they are acknowledged. */
  clicks: ClickDesk;
  /** `/access breakglass` and its review buttons. */
  breakGlass: BreakGlass;
}

export function createAccessCore(deps: AccessCoreDeps): AccessCore {
  const identities = new IdentityResolver(deps.config, deps.people, deps.directory, deps.clock, deps.ledger);
  // Each step's card job is run while the later steps go on: the step runner wakes the runner (made below).
  const stepsWake: { runner?: JobRunner } = {};
  const steps = new StepRunner({
    ...deps,
    ...(deps.wakeOnChange === false ? {} : { wake: () => stepsWake.runner?.wake() }),
  });
  const auditWork = new AuditWork(deps, deps.audit);
  const auditFeed = new AuditFeed(deps);
  const sessionWork = new SessionWork(deps);
  // The click desk needs the runner and the runner runs its clicks: the runner reaches it through this slot.
  const clickWork: { desk?: ClickDesk } = {};
  const glass: { work?: BreakGlass } = {};
  const runner = new JobRunner(
    {
      ...deps,
      adminWork: steps,
      auditWork,
      auditFeed,
      sessionWork,
      // Scheduled access at its start: the service (made below, before any job runs) checks and records it.
      scheduledStart: { start: (request) => service.scheduled.start(request) },
      groupGrants: new GroupGrantWork(deps),
      breakGlassWork: {
        run: (job) => glass.work?.run(job) ?? Promise.resolve(),
        cardSynced: (view) => glass.work?.cardSynced(view) ?? Promise.resolve(),
      },
      clickWork: {
        run: (job, signal) => {
          if (clickWork.desk === undefined) throw new Error('click desk not wired');
          return clickWork.desk.resume(job, signal);
        },
      },
    },
    { leaseMs: deps.config.timing.jobLeaseMs, ...deps.runner },
  );
  stepsWake.runner = runner;
  const wake = deps.wakeOnChange === false ? {} : { wake: () => runner.wake() };
  const onCall = new OnCallCheck({ ...deps, identities });
  const service = new AccessService({ ...deps, identities, onCall, ...wake });
  const admin = new AdminService({ ...deps, identities, ...wake });
  const bulk = new BulkOnboarding({ ...deps, ...wake });
  const breakGlass = new BreakGlass({
    ...deps,
    identities,
    access: service,
    ...(deps.breakGlassMessages !== undefined ? { messages: deps.breakGlassMessages } : {}),
    ...wake,
  });
  glass.work = breakGlass;
  const clicks = new ClickDesk({
    runner,
    access: service,
    admin,
    migration: admin,
    bulk,
    breakGlass,
    ...(deps.clickAnswers !== undefined ? { answers: deps.clickAnswers } : {}),
    clock: deps.clock,
    logger: deps.logger,
  });
  clickWork.desk = clicks;
  const scheduler = new Scheduler({ ...deps, runner, sessions: sessionWork, breakGlass });
  const insight = new InsightService({ ...deps, identities });
  const audit = new AuditService({ ...deps, ...wake });
  return { service, admin, bulk, runner, scheduler, identities, insight, audit, clicks, breakGlass };
}
