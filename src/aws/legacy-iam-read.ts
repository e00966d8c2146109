/** Reading a legacy IAM user and everything attached to it; every list is read to its end (Marker/IsTruncated). */
import {
  GetAccessKeyLastUsedCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListMFADevicesCommand,
  ListSSHPublicKeysCommand,
  ListServiceSpecificCredentialsCommand,
  ListSigningCertificatesCommand,
  ListUserPoliciesCommand,
  type AccessKeyMetadata,
  type IAMClient,
} from '@aws-sdk/client-iam';
import type { AwsOutcome } from '../access/ports.js';
import type { AccessKeyInfo, LegacyIamUser } from '../domain/identity.js';
import { send, type CallContext, type Sent } from './call.js';
import { mapLimited, pageAll } from './paging.js';

export const NO_SUCH_ENTITY = new Set(['NoSuchEntityException', 'NoSuchEntity']);

export const isNoSuchEntity = (sent: Sent<unknown>): boolean =>
  !sent.ok && sent.name !== undefined && NO_SUCH_ENTITY.has(sent.name);

export function iamCall<T>(
  ctx: CallContext,
  operation: string,
  resource: string,
  fn: () => Promise<T>,
): Promise<Sent<T>> {
  // Every IAM call here reads, or deletes something whose absence counts as done: safe to repeat.
  return send(ctx, { service: 'iam', operation, safeToRetry: true, resource }, fn);
}

interface IamPage {
  Marker?: string | undefined;
  IsTruncated?: boolean | undefined;
}

export function iamList<P extends IamPage, I>(
  ctx: CallContext,
  operation: string,
  userName: string,
  fetch: (marker: string | undefined) => Promise<P>,
  items: (page: P) => readonly I[] | undefined,
): Promise<AwsOutcome<I[]>> {
  return pageAll(
    (marker) => iamCall(ctx, operation, userName, () => fetch(marker)),
    (page) => ({ items: items(page), next: page.IsTruncated === true ? page.Marker : undefined }),
    operation,
  );
}

const by = (UserName: string, Marker: string | undefined) => ({ UserName, Marker, MaxItems: 100 });

/** Everything IAM holds for the user; undefined when there is no such user. */
export async function readLegacyUser(
  ctx: CallContext,
  iam: IAMClient,
  userName: string,
): Promise<AwsOutcome<LegacyIamUser | undefined>> {
  const got = await iamCall(ctx, 'GetUser', userName, () =>
    iam.send(new GetUserCommand({ UserName: userName })),
  );
  if (!got.ok)
    return isNoSuchEntity(got) ? { ok: true, value: undefined } : { ok: false, error: got.failure };
  const user = got.value.User;

  const [keys, login, groups, attached, inline, mfa, certs, ssh, creds] = await Promise.all([
    iamList(
      ctx,
      'ListAccessKeys',
      userName,
      (m) => iam.send(new ListAccessKeysCommand(by(userName, m))),
      (p) => p.AccessKeyMetadata,
    ),
    iamCall(ctx, 'GetLoginProfile', userName, () =>
      iam.send(new GetLoginProfileCommand({ UserName: userName })),
    ),
    iamList(
      ctx,
      'ListGroupsForUser',
      userName,
      (m) => iam.send(new ListGroupsForUserCommand(by(userName, m))),
      (p) => p.Groups,
    ),
    iamList(
      ctx,
      'ListAttachedUserPolicies',
      userName,
      (m) => iam.send(new ListAttachedUserPoliciesCommand(by(userName, m))),
      (p) => p.AttachedPolicies,
    ),
    iamList(
      ctx,
      'ListUserPolicies',
      userName,
      (m) => iam.send(new ListUserPoliciesCommand(by(userName, m))),
      (p) => p.PolicyNames,
    ),
    iamList(
      ctx,
      'ListMFADevices',
      userName,
      (m) => iam.send(new ListMFADevicesCommand(by(userName, m))),
      (p) => p.MFADevices,
    ),
    iamList(
      ctx,
      'ListSigningCertificates',
      userName,
      (m) => iam.send(new ListSigningCertificatesCommand(by(userName, m))),
      (p) => p.Certificates,
    ),
    iamList(
      ctx,
      'ListSSHPublicKeys',
      userName,
      (m) => iam.send(new ListSSHPublicKeysCommand(by(userName, m))),
      (p) => p.SSHPublicKeys,
    ),
    // Older IAM models have no paging here; Marker is sent only when IAM itself returned one.
    iamList(
      ctx,
      'ListServiceSpecificCredentials',
      userName,
      (m) =>
        iam.send(
          new ListServiceSpecificCredentialsCommand(
            m === undefined ? { UserName: userName } : { UserName: userName, Marker: m },
          ),
        ),
      (p) => p.ServiceSpecificCredentials,
    ),
  ]);
  if (!login.ok && !isNoSuchEntity(login)) return { ok: false, error: login.failure };
  if (!keys.ok) return keys;
  if (!groups.ok) return groups;
  if (!attached.ok) return attached;
  if (!inline.ok) return inline;
  if (!mfa.ok) return mfa;
  if (!certs.ok) return certs;
  if (!ssh.ok) return ssh;
  if (!creds.ok) return creds;

  const accessKeys = await withLastUse(ctx, iam, keys.value);
  if (!accessKeys.ok) return accessKeys;

  const profile = login.ok ? login.value.LoginProfile : undefined;
  return {
    ok: true,
    value: {
      userName: user?.UserName ?? userName,
      arn: user?.Arn ?? '',
      path: user?.Path ?? '/',
      createdAt: user?.CreateDate ?? new Date(0),
      ...(user?.PasswordLastUsed !== undefined ? { passwordLastUsed: user.PasswordLastUsed } : {}),
      accessKeys: accessKeys.value,
      ...(profile !== undefined
        ? {
            loginProfile: {
              createdAt: profile.CreateDate ?? new Date(0),
              passwordResetRequired: profile.PasswordResetRequired ?? false,
            },
          }
        : {}),
      groups: groups.value.map((g) => g.GroupName ?? '').filter((n) => n !== ''),
      attachedPolicies: attached.value.map((p) => ({ name: p.PolicyName ?? '', arn: p.PolicyArn ?? '' })),
      inlinePolicies: inline.value,
      mfaDevices: mfa.value.map((d) => ({
        serialNumber: d.SerialNumber ?? '',
        enabledAt: d.EnableDate ?? new Date(0),
        virtual: (d.SerialNumber ?? '').startsWith('arn:'),
      })),
      signingCertificates: certs.value.map((c) => ({ id: c.CertificateId ?? '', status: c.Status ?? '' })),
      sshPublicKeys: ssh.value.map((k) => ({ id: k.SSHPublicKeyId ?? '', status: k.Status ?? '' })),
      serviceCredentials: creds.value.map((c) => ({
        id: c.ServiceSpecificCredentialId ?? '',
        serviceName: c.ServiceName ?? '',
        status: c.Status ?? '',
      })),
    },
  };
}

/** Each key with its last use (GetAccessKeyLastUsed); a key deleted meanwhile keeps what ListAccessKeys said. */
export function withLastUse(
  ctx: CallContext,
  iam: IAMClient,
  keys: readonly AccessKeyMetadata[],
): Promise<AwsOutcome<AccessKeyInfo[]>> {
  return mapLimited(keys, 4, async (key): Promise<AwsOutcome<AccessKeyInfo>> => {
    const id = key.AccessKeyId ?? '';
    const info: AccessKeyInfo = {
      id,
      status: key.Status === 'Inactive' ? 'Inactive' : 'Active',
      createdAt: key.CreateDate ?? new Date(0),
    };
    const used = await iamCall(ctx, 'GetAccessKeyLastUsed', id, () =>
      iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: id })),
    );
    if (!used.ok)
      return isNoSuchEntity(used) ? { ok: true, value: info } : { ok: false, error: used.failure };
    const last = used.value.AccessKeyLastUsed;
    if (last?.LastUsedDate === undefined) return { ok: true, value: info };
    return {
      ok: true,
      value: {
        ...info,
        lastUsed: { at: last.LastUsedDate, service: last.ServiceName ?? 'N/A', region: last.Region ?? 'N/A' },
      },
    };
  });
}
