import { ListInstancesCommand, type SSOAdminClient, type InstanceMetadata } from '@aws-sdk/client-sso-admin';
import type { AwsOutcome } from '../access/ports.js';
import type { IdentityCenterInstance } from '../domain/identity.js';
import { send, type CallContext } from './call.js';
import { failure } from './errors.js';
import { pageAll } from './paging.js';

export type InstanceResolver = () => Promise<AwsOutcome<IdentityCenterInstance>>;

/**
 * The Identity Center instance: as configured when both its ARN and identity store id are given, otherwise
 * found with ListInstances (and the configured ARN, if any, picks one). A found instance is remembered.
 */
export function createInstanceResolver(
  ctx: CallContext,
  ssoAdmin: SSOAdminClient,
  configured: { instanceArn?: string; identityStoreId?: string },
): InstanceResolver {
  if (configured.instanceArn !== undefined && configured.identityStoreId !== undefined) {
    const value = { instanceArn: configured.instanceArn, identityStoreId: configured.identityStoreId };
    return () => Promise.resolve({ ok: true, value });
  }
  let found: Promise<AwsOutcome<IdentityCenterInstance>> | undefined;
  const discover = async (): Promise<AwsOutcome<IdentityCenterInstance>> => {
    const listed = await pageAll(
      (token) =>
        send(ctx, { service: 'sso-admin', operation: 'ListInstances', safeToRetry: true }, () =>
          ssoAdmin.send(new ListInstancesCommand({ NextToken: token, MaxResults: 100 })),
        ),
      (page) => ({ items: page.Instances, next: page.NextToken }),
      'ListInstances',
    );
    if (!listed.ok) return listed;
    return pick(listed.value, configured);
  };
  return async () => {
    found ??= discover();
    const outcome = await found;
    if (!outcome.ok) found = undefined; // try again next time
    return outcome;
  };
}

function pick(
  instances: InstanceMetadata[],
  configured: { instanceArn?: string; identityStoreId?: string },
): AwsOutcome<IdentityCenterInstance> {
  const usable = instances.filter(
    (i): i is InstanceMetadata & { InstanceArn: string; IdentityStoreId: string } =>
      i.InstanceArn !== undefined && i.IdentityStoreId !== undefined,
  );
  const matching = usable.filter(
    (i) =>
      (configured.instanceArn === undefined || i.InstanceArn === configured.instanceArn) &&
      (configured.identityStoreId === undefined || i.IdentityStoreId === configured.identityStoreId),
  );
  const [only] = matching;
  if (matching.length === 1 && only !== undefined) {
    return { ok: true, value: { instanceArn: only.InstanceArn, identityStoreId: only.IdentityStoreId } };
  }
  if (matching.length === 0) {
    return {
      ok: false,
      error: failure(
        'not_found',
        usable.length === 0
          ? 'No IAM Identity Center instance is visible to these AWS credentials in this region; check the region and the credentials.'
          : `The configured Identity Center instance is not among those visible (${usable.map((i) => i.InstanceArn).join(', ')}).`,
        configured.instanceArn !== undefined ? { resource: configured.instanceArn } : {},
      ),
    };
  }
  return {
    ok: false,
    error: failure(
      'invalid_input',
      `Several Identity Center instances are visible (${matching.map((i) => i.InstanceArn).join(', ')}); configure identityCenter.instanceArn to choose one.`,
      { field: 'instanceArn' },
    ),
  };
}
