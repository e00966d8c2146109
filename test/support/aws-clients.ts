import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { IAMClient } from '@aws-sdk/client-iam';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';

/**
 * Static credentials: the default chain would look for instance metadata, which tests may not reach. Every test
 * that starts the emulator declares this pair (`credentials: [testCredentials]`): the emulator checks signatures.
 */
export const testCredentials = { accessKeyId: 'AKIAEMULATOR00000000', secretAccessKey: 'emulator-secret' };

/** The real AWS SDK v3 clients, pointed at the local Identity Center. */
export function sdkClients(
  endpoint: string,
  options: {
    maxAttempts?: number;
    region?: string;
    credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  } = {},
) {
  const common = {
    endpoint,
    region: options.region ?? 'eu-west-1',
    credentials: options.credentials ?? testCredentials,
    maxAttempts: options.maxAttempts ?? 1,
  };
  return {
    identitystore: new IdentitystoreClient(common),
    ssoAdmin: new SSOAdminClient(common),
    ses: new SESv2Client(common),
    iam: new IAMClient(common),
    cloudtrail: new CloudTrailClient(common),
  };
}

/** The HTTP request as the SDK's middleware sees it. */
export interface WireRequest {
  headers: Record<string, string>;
  body?: unknown;
}

type AnyClient = IdentitystoreClient | SSOAdminClient | SESv2Client | IAMClient | CloudTrailClient;

/**
 * Changes every request of a client before it is signed: a request the SDK would not send (another target, a body
 * that is not JSON), signed as the SDK signs. Runs ahead of the SDK's own build steps (Content-Length included).
 */
export function alterBeforeSigning(client: AnyClient, alter: (request: WireRequest) => void): void {
  (client as IdentitystoreClient).middlewareStack.add(
    (next) => (args) => {
      alter(args.request as WireRequest);
      return next(args);
    },
    { step: 'build', priority: 'high' },
  );
}

/** Changes every request of a client after it is signed, just before it is sent: what a proxy or a bug might do. */
export function alterAfterSigning(client: AnyClient, alter: (request: WireRequest) => void): void {
  (client as IdentitystoreClient).middlewareStack.add(
    (next) => (args) => {
      alter(args.request as WireRequest);
      return next(args);
    },
    { step: 'deserialize', priority: 'low' },
  );
}
