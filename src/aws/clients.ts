import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { IAMClient } from '@aws-sdk/client-iam';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { Logger } from '../log.js';
import { sdkLogger } from './sdk-logger.js';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface AwsSettings {
  /** Identity Center's region. */
  region: string;
  /** SES's region when it differs from Identity Center's. */
  sesRegion?: string;
  /** One endpoint for all five services (the local emulator, or `AWS_ENDPOINT_URL`). */
  endpoint?: string;
  /** Absent: the SDK's default credential chain. */
  credentials?: AwsCredentials;
  /** Attempts per call for what is safe to retry (throttling; transient failures of reads). Default 5. */
  maxAttempts?: number;
  /** How long one HTTP request may take. Default 30 s. */
  requestTimeoutMs?: number;
  /** When configured, ListInstances is not needed. */
  instanceArn?: string;
  identityStoreId?: string;
}

export interface AwsClients {
  identitystore: IdentitystoreClient;
  ssoAdmin: SSOAdminClient;
  ses: SESv2Client;
  iam: IAMClient;
  /** The sign-in history (LookupEvents), in Identity Center's region: its sign-ins are recorded there. */
  cloudTrail: CloudTrailClient;
}

/**
 * The five SDK clients, built in this one place. The SDK's own retries are off (maxAttempts 1): a retry
 * must pass through the client-side limiter again, and only what is safe may be retried (see call.ts).
 * With a logger, the SDK's own lines go to it (at debug: see sdk-logger.ts), redacted like every line.
 */
export function createAwsClients(settings: AwsSettings, logger?: Logger): AwsClients {
  const common = {
    region: settings.region,
    ...(logger !== undefined ? { logger: sdkLogger(logger.child({ module: 'aws.sdk' })) } : {}),
    maxAttempts: 1,
    // A call that hangs would hold a limiter slot (or an assignment slot) for ever.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: settings.requestTimeoutMs ?? 30_000 },
    ...(settings.endpoint !== undefined ? { endpoint: settings.endpoint } : {}),
    ...(settings.credentials !== undefined ? { credentials: settings.credentials } : {}),
  };
  return {
    identitystore: new IdentitystoreClient(common),
    ssoAdmin: new SSOAdminClient(common),
    ses: new SESv2Client({ ...common, region: settings.sesRegion ?? settings.region }),
    iam: new IAMClient(common),
    cloudTrail: new CloudTrailClient(common),
  };
}

export function destroyAwsClients(clients: AwsClients): void {
  clients.identitystore.destroy();
  clients.ssoAdmin.destroy();
  clients.ses.destroy();
  clients.iam.destroy();
  clients.cloudTrail.destroy();
}

/**
 * The AWS settings the environment gives (the one place the adapter looks at environment variables, and
 * only at the map it is handed). Credentials are left to the SDK's default chain. Values of the wrong form
 * throw one error with a line for each, naming the variable.
 */
export function awsSettingsFromEnv(env: Readonly<Record<string, string | undefined>>): Partial<AwsSettings> {
  const settings: Partial<AwsSettings> = {};
  const problems: string[] = [];
  for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION'] as const) {
    const value = nonEmpty(env[name]);
    if (value !== undefined && !AWS_REGION.test(value)) {
      problems.push(`${name}: must be an AWS region like eu-west-1, not '${value}'`);
    }
  }
  const region = nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION);
  if (region !== undefined) settings.region = region;
  const endpoint = nonEmpty(env.AWS_ENDPOINT_URL);
  if (endpoint !== undefined) {
    if (isHttpUrl(endpoint)) settings.endpoint = endpoint;
    else {
      problems.push(
        `AWS_ENDPOINT_URL: must be an http:// or https:// URL (like http://127.0.0.1:4566 for the local Identity Center), not '${endpoint}'`,
      );
    }
  }
  const attempts = nonEmpty(env.AWS_MAX_ATTEMPTS);
  if (attempts !== undefined) {
    const n = Number(attempts);
    if (Number.isInteger(n) && n >= 1) settings.maxAttempts = n;
    else problems.push(`AWS_MAX_ATTEMPTS: must be a whole number of 1 or more, not '${attempts}'`);
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return settings;
}

/** The form of every AWS region name: eu-west-1, us-gov-west-1, ap-southeast-2. */
const AWS_REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;

function isHttpUrl(value: string): boolean {
  try {
    const { protocol, hostname } = new URL(value);
    return (protocol === 'http:' || protocol === 'https:') && hostname !== '';
  } catch {
    return false;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
