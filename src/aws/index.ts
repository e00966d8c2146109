/**
 * The AWS adapter: the one place that talks to AWS. Everything it returns is a domain type or an AwsOutcome;
 * no SDK shape leaves this folder.
 */
import type { Logger } from '../log.js';
import type {
  ApplicationAssignments,
  AwsOutcome,
  Assignments,
  Catalog,
  Directory,
  LegacyIam,
  Mailer,
  PermissionSetPolicies,
  SignInHistory,
} from '../access/ports.js';
import { AwsApplicationAssignments } from './application-assignments.js';
import { AwsAssignments, defaultAssignmentTiming, type AssignmentTiming } from './assignments.js';
import { defaultRetryPolicy, type CallContext, type RetryPolicy } from './call.js';
import { AwsCatalog, defaultCatalogOptions, type CatalogOptions } from './catalog.js';
import { createAwsClients, destroyAwsClients, type AwsClients, type AwsSettings } from './clients.js';
import { AwsDirectory } from './directory.js';
import { createInstanceResolver, describeInstance, type InstanceDescription } from './instance.js';
import { AwsLegacyIam } from './legacy-iam.js';
import { AwsPermissionSetPolicies } from './permission-set-policies.js';
import {
  AwsLimiter,
  awsRateLimits,
  systemLimiterClock,
  type LimiterClock,
  type RateLimits,
} from './limiter.js';
import { SesMailer } from './mailer.js';
import { createReadinessProbe } from './readiness.js';
import { CloudTrailSignIns } from './sign-ins.js';

export interface AwsAdapterSettings extends AwsSettings {
  /** Tighter or looser than AWS's published limits (tests, benchmarks, raised quotas). */
  rateLimits?: Partial<RateLimits>;
  retry?: Partial<Omit<RetryPolicy, 'maxAttempts'>>;
  assignments?: Partial<AssignmentTiming>;
  catalog?: Partial<CatalogOptions>;
  clock?: LimiterClock;
  /** Jitter source, for tests that want repeatable waits. */
  random?: () => number;
  /** IAM path under which legacy IAM users may be deleted (config legacyIam.path); default `/`, every user. */
  legacyIamPath?: string;
}

export interface AwsAdapter {
  directory: Directory;
  assignments: Assignments;
  catalog: Catalog;
  mailer: Mailer;
  legacyIam: LegacyIam;
  /** Permission sets' inline policies and their provisioning to accounts (ending open sessions). */
  policies: PermissionSetPolicies;
  /** Identity Center sign-ins from CloudTrail (the audit's inactive users). */
  signIns: SignInHistory;
  /** Application assignments (whois shows them, offboarding removes them). */
  applications: ApplicationAssignments;
  limiter: AwsLimiter;
  /**
   * Whether Identity Center answers these credentials now: one ListInstances call (cheap, never cached, not
   * retried), for /readyz, on its own client and limiter (src/aws/readiness.ts): it never waits for, nor takes,
   * the budget that `limiter` keeps for the work. The instance found by `catalog.instance()` is cached and may
   * be configured, so it cannot say that AWS is reachable.
   */
  reachable(): Promise<AwsOutcome<{ instances: number }>>;
  /**
   * The configured instance as ListInstances describes it now, with the account that owns it: what start-up
   * prints. Never cached; not retried after a network failure or a server error.
   */
  describeInstance(): Promise<AwsOutcome<InstanceDescription>>;
  /** Closes the SDK clients' connections. */
  close(): void;
}

export function createAwsAdapter(
  settings: AwsAdapterSettings,
  logger: Logger,
  clients?: AwsClients,
): AwsAdapter {
  const sdk = clients ?? createAwsClients(settings, logger);
  const clock = settings.clock ?? systemLimiterClock;
  const limiter = new AwsLimiter({ ...awsRateLimits, ...settings.rateLimits }, clock);
  const retry: RetryPolicy = {
    ...defaultRetryPolicy,
    ...settings.retry,
    maxAttempts: settings.maxAttempts ?? defaultRetryPolicy.maxAttempts,
  };
  const context = (module: string): CallContext => ({
    limiter,
    clock,
    retry,
    logger: logger.child({ module }),
    ...(settings.random !== undefined ? { random: settings.random } : {}),
  });

  const configuredInstance = {
    ...(settings.instanceArn !== undefined ? { instanceArn: settings.instanceArn } : {}),
    ...(settings.identityStoreId !== undefined ? { identityStoreId: settings.identityStoreId } : {}),
  };
  const instance = createInstanceResolver(context('aws.instance'), sdk.ssoAdmin, configuredInstance);
  const catalog = new AwsCatalog(context('aws.catalog'), sdk.ssoAdmin, instance, {
    ...defaultCatalogOptions,
    ...settings.catalog,
  });
  const readiness = createReadinessProbe(settings, {
    logger,
    clock,
    ...(clients !== undefined ? { client: clients.ssoAdmin } : {}),
  });
  const permissionSetArns = async (): Promise<AwsOutcome<string[]>> => {
    const sets = await catalog.permissionSets();
    return sets.ok ? { ok: true, value: sets.value.map((p) => p.arn) } : sets;
  };

  return {
    directory: new AwsDirectory(context('aws.directory'), sdk.identitystore, instance),
    assignments: new AwsAssignments(context('aws.assignments'), sdk.ssoAdmin, instance, permissionSetArns, {
      ...defaultAssignmentTiming,
      ...settings.assignments,
    }),
    catalog,
    mailer: new SesMailer(context('aws.mailer'), sdk.ses),
    legacyIam: new AwsLegacyIam(context('aws.legacy-iam'), sdk.iam, settings.legacyIamPath),
    policies: new AwsPermissionSetPolicies(context('aws.policies'), sdk.ssoAdmin, instance, {
      ...defaultAssignmentTiming,
      ...settings.assignments,
    }),
    signIns: new CloudTrailSignIns(context('aws.sign-ins'), sdk.cloudTrail, instance),
    applications: new AwsApplicationAssignments(context('aws.applications'), sdk.ssoAdmin, instance),
    limiter,
    reachable: () => readiness.reachable(),
    describeInstance: () => describeInstance(context('aws.instance'), sdk.ssoAdmin, configuredInstance),
    close: () => {
      destroyAwsClients(sdk);
      readiness.close();
    },
  };
}

export { awsSettingsFromEnv, createAwsClients, type AwsSettings, type AwsCredentials } from './clients.js';
export type { InstanceDescription } from './instance.js';
export {
  AwsLimiter,
  TokenBucket,
  Semaphore,
  awsRateLimits,
  type RateLimits,
  type LimiterClock,
} from './limiter.js';
