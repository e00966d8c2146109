/**
 * Every IAM user with its access keys and their last use, for the audit. IAM has no call that answers this at
 * once: ListUsers, then per user ListAccessKeys, then per key GetAccessKeyLastUsed. Users are read a few at a
 * time: IAM publishes no per-API rate here and the adapter does not pace it, so the concurrency is the pacing.
 */
import { ListAccessKeysCommand, ListUsersCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { AwsOutcome } from '../access/ports.js';
import type { LegacyIamKeyHolder } from '../domain/identity.js';
import type { CallContext } from './call.js';
import { iamList, withLastUse } from './legacy-iam-read.js';
import { mapLimited } from './paging.js';

/** At 40–100 ms a call, two users at a time stay near IAM's usual 20–50 calls a second. */
export const DEFAULT_LEGACY_LIST_CONCURRENCY = 2;

export async function listLegacyUsers(
  ctx: CallContext,
  iam: IAMClient,
  options: { concurrency?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<AwsOutcome<LegacyIamKeyHolder[]>> {
  const users = await iamList(
    ctx,
    'ListUsers',
    'all users',
    (Marker) => iam.send(new ListUsersCommand({ Marker, MaxItems: 100 })),
    (page) => page.Users,
  );
  if (!users.ok) return users;
  const total = users.value.length;
  let done = 0;
  options.onProgress?.(done, total);
  return mapLimited(
    users.value,
    options.concurrency ?? DEFAULT_LEGACY_LIST_CONCURRENCY,
    async (user): Promise<AwsOutcome<LegacyIamKeyHolder>> => {
      const UserName = user.UserName ?? '';
      const keys = await iamList(
        ctx,
        'ListAccessKeys',
        UserName,
        (Marker) => iam.send(new ListAccessKeysCommand({ UserName, Marker, MaxItems: 100 })),
        (page) => page.AccessKeyMetadata,
      );
      // A user deleted since ListUsers has no keys left to report.
      const accessKeys = keys.ok ? await withLastUse(ctx, iam, keys.value) : keys;
      if (!accessKeys.ok && accessKeys.error.code !== 'not_found') return accessKeys;
      done += 1;
      options.onProgress?.(done, total);
      return {
        ok: true,
        value: {
          userName: UserName,
          arn: user.Arn ?? '',
          createdAt: user.CreateDate ?? new Date(0),
          ...(user.PasswordLastUsed !== undefined ? { passwordLastUsed: user.PasswordLastUsed } : {}),
          accessKeys: accessKeys.ok ? accessKeys.value : [],
        },
      };
    },
  );
}
