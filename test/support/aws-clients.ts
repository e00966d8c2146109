import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { IAMClient } from '@aws-sdk/client-iam';

/** Static credentials: the default chain would look for instance metadata, which tests may not reach. */
export const testCredentials = { accessKeyId: 'AKIAEMULATOR00000000', secretAccessKey: 'emulator-secret' };

/** The real AWS SDK v3 clients, pointed at the local Identity Center. */
export function sdkClients(endpoint: string, options: { maxAttempts?: number } = {}) {
  const common = {
    endpoint,
    region: 'eu-west-1',
    credentials: testCredentials,
    maxAttempts: options.maxAttempts ?? 1,
  };
  return {
    identitystore: new IdentitystoreClient(common),
    ssoAdmin: new SSOAdminClient(common),
    ses: new SESv2Client(common),
    iam: new IAMClient(common),
  };
}
