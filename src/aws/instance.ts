import { ListInstancesCommand, type SSOAdminClient, type InstanceMetadata } from '@aws-sdk/client-sso-admin';
import type { AwsOutcome } from '../access/ports.js';
import type { IdentityCenterInstance } from '../domain/identity.js';
import { send, type CallContext } from './call.js';
import { failure } from './errors.js';
import { pageAll } from './paging.js';

export type InstanceResolver = () => Promise<AwsOutcome<IdentityCenterInstance>>;

type Configured = { instanceArn?: string; identityStoreId?: string };

/** The instance as ListInstances describes it: what start-up says about where the bot works. */
export interface InstanceDescription extends IdentityCenterInstance {
  /**
   * The AWS account that owns the instance (for an organisation instance, the organisation's management
   * account, also when the bot runs in a delegated administrator account). Absent when AWS does not say.
   */
  ownerAccountId?: string;
  name?: string;
}

/** Every instance these credentials see in this region. */
function listInstances(
  ctx: CallContext,
  ssoAdmin: SSOAdminClient,
  safeToRetry: boolean,
): Promise<AwsOutcome<InstanceMetadata[]>> {
  return pageAll(
    (token) =>
      send(ctx, { service: 'sso-admin', operation: 'ListInstances', safeToRetry }, () =>
        ssoAdmin.send(new ListInstancesCommand({ NextToken: token, MaxResults: 100 })),
      ),
    (page) => ({ items: page.Instances, next: page.NextToken }),
    'ListInstances',
  );
}

/**
 * The Identity Center instance: as configured when both its ARN and identity store id are given, otherwise
 * found with ListInstances (and the configured ARN, if any, picks one). A found instance is remembered.
 */
export function createInstanceResolver(
  ctx: CallContext,
  ssoAdmin: SSOAdminClient,
  configured: Configured,
): InstanceResolver {
  if (configured.instanceArn !== undefined && configured.identityStoreId !== undefined) {
    const value = { instanceArn: configured.instanceArn, identityStoreId: configured.identityStoreId };
    return () => Promise.resolve({ ok: true, value });
  }
  let found: Promise<AwsOutcome<IdentityCenterInstance>> | undefined;
  const discover = async (): Promise<AwsOutcome<IdentityCenterInstance>> => {
    const listed = await listInstances(ctx, ssoAdmin, true);
    if (!listed.ok) return listed;
    const picked = pick(listed.value, configured);
    return picked.ok
      ? {
          ok: true,
          value: { instanceArn: picked.value.InstanceArn, identityStoreId: picked.value.IdentityStoreId },
        }
      : picked;
  };
  return async () => {
    found ??= discover();
    const outcome = await found;
    if (!outcome.ok) found = undefined; // try again next time
    return outcome;
  };
}

/**
 * The configured instance as AWS describes it now, owner account included: ListInstances, never cached and
 * not retried after a failure whose effect is unknown (start-up says "unknown" rather than wait).
 */
export async function describeInstance(
  ctx: CallContext,
  ssoAdmin: SSOAdminClient,
  configured: Configured,
): Promise<AwsOutcome<InstanceDescription>> {
  const listed = await listInstances(ctx, ssoAdmin, false);
  if (!listed.ok) return listed;
  const picked = pick(listed.value, configured);
  if (!picked.ok) return picked;
  const { InstanceArn, IdentityStoreId, OwnerAccountId, Name } = picked.value;
  return {
    ok: true,
    value: {
      instanceArn: InstanceArn,
      identityStoreId: IdentityStoreId,
      ...(OwnerAccountId !== undefined && OwnerAccountId !== '' ? { ownerAccountId: OwnerAccountId } : {}),
      ...(Name !== undefined && Name !== '' ? { name: Name } : {}),
    },
  };
}

type UsableInstance = InstanceMetadata & { InstanceArn: string; IdentityStoreId: string };

function pick(instances: InstanceMetadata[], configured: Configured): AwsOutcome<UsableInstance> {
  const usable = instances.filter(
    (i): i is UsableInstance => i.InstanceArn !== undefined && i.IdentityStoreId !== undefined,
  );
  const matching = usable.filter(
    (i) =>
      (configured.instanceArn === undefined || i.InstanceArn === configured.instanceArn) &&
      (configured.identityStoreId === undefined || i.IdentityStoreId === configured.identityStoreId),
  );
  const [only] = matching;
  if (matching.length === 1 && only !== undefined) return { ok: true, value: only };
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
