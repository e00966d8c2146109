/**
 * IAM, as far as access-desk uses it: inspect a legacy IAM user (keys and their last use, password, groups,
 * policies, MFA, certificates, SSH keys, service credentials) and take it apart, then delete it. DeleteUser
 * refuses with DeleteConflict while anything is left, as IAM does.
 *
 * The caller: operations whose UserName is optional act, in IAM, on the user whose access key signed the
 * request. The emulator's callers are not IAM users (access-desk runs with role credentials), so a missing
 * UserName is refused the way IAM refuses it for non-user credentials.
 */
import { createHash } from 'node:crypto';
import { AwsServiceError, validationError } from '../errors.js';
import type { EmulatorState, IamAccessKey, IamUser } from '../state.js';
import type { OperationHandler, ServiceHandlers } from './types.js';

const DEFAULT_MAX_ITEMS = 100;
/** The model's limit on a request Marker. */
const MAX_MARKER_LENGTH = 320;

const noSuchEntity = (message: string): AwsServiceError =>
  new AwsServiceError('NoSuchEntityException', message);
const deleteConflict = (message: string): AwsServiceError =>
  new AwsServiceError('DeleteConflictException', message);

function optionalString(input: Record<string, unknown>, member: string): string | undefined {
  const value = input[member];
  return typeof value === 'string' ? value : undefined;
}

/** A member the model requires: the framework has checked it is there. */
function requiredString(input: Record<string, unknown>, member: string): string {
  return optionalString(input, member) ?? '';
}

export const userArn = (state: EmulatorState, user: Pick<IamUser, 'Path' | 'UserName'>): string =>
  `arn:aws:iam::${state.instance.OwnerAccountId}:user${user.Path}${user.UserName}`;

/** IAM user names are unique without regard to case; the name as given still has to match one. */
function findUser(state: EmulatorState, userName: string): IamUser | undefined {
  const exact = state.iamUsers.get(userName);
  if (exact !== undefined) return exact;
  const lower = userName.toLowerCase();
  return [...state.iamUsers.values()].find((u) => u.UserName.toLowerCase() === lower);
}

function requireUser(state: EmulatorState, userName: string): IamUser {
  const user = findUser(state, userName);
  if (user === undefined) throw noSuchEntity(`The user with name ${userName} cannot be found.`);
  return user;
}

/** The user an operation with an optional UserName acts on. */
function subjectUser(state: EmulatorState, input: Record<string, unknown>): IamUser {
  const userName = optionalString(input, 'UserName');
  if (userName === undefined)
    throw validationError('Must specify userName when calling with non-User credentials');
  return requireUser(state, userName);
}

// ---------- paging ----------

interface Page<T> {
  items: T[];
  IsTruncated: boolean;
  Marker?: string;
}

const shortHash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 12);

/**
 * One page of a list, IAM-style: MaxItems (default 100), IsTruncated, and an opaque Marker that names the
 * list and the last item returned, so items deleted between two calls neither shift nor repeat the rest.
 * A marker from another list, or a forged one, is refused.
 */
function pageOf<T>(
  all: readonly T[],
  keyOf: (item: T) => string,
  listName: string,
  input: Record<string, unknown>,
): Page<T> {
  const sorted = [...all].sort((a, b) => compare(keyOf(a), keyOf(b)));
  const limit = typeof input.MaxItems === 'number' ? input.MaxItems : DEFAULT_MAX_ITEMS;
  const marker = optionalString(input, 'Marker');
  let start = 0;
  if (marker !== undefined) {
    const position = decodeMarker(marker, listName);
    start =
      position.key !== undefined
        ? countWhile(sorted, (item) => compare(keyOf(item), position.key ?? '') <= 0)
        : position.offset;
  }
  const items = sorted.slice(start, start + limit);
  const last = items[items.length - 1];
  if (start + limit >= sorted.length || last === undefined) return { items, IsTruncated: false };
  return { items, IsTruncated: true, Marker: encodeMarker(listName, keyOf(last), start + limit) };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function countWhile<T>(items: readonly T[], test: (item: T) => boolean): number {
  let n = 0;
  while (n < items.length && test(items[n] as T)) n++;
  return n;
}

function encodeMarker(listName: string, key: string, offset: number): string {
  const byKey = Buffer.from(JSON.stringify([shortHash(listName), key])).toString('base64url');
  if (byKey.length <= MAX_MARKER_LENGTH) return byKey;
  // An unusually long key (a 2 KB policy ARN): fall back to the position.
  return Buffer.from(JSON.stringify([shortHash(listName), null, offset])).toString('base64url');
}

function decodeMarker(marker: string, listName: string): { key?: string; offset: number } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed[0] === shortHash(listName)) {
      const [, key, offset] = parsed as unknown[];
      if (typeof key === 'string') return { key, offset: 0 };
      if (key === null && typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) {
        return { offset };
      }
    }
  } catch {
    // fall through to the refusal
  }
  throw new AwsServiceError('InvalidInputException', 'Invalid Marker.');
}

/** The answer of a paged List operation: the items under the model's member name, then the paging members. */
function pagedOutput<T>(member: string, page: Page<T>, map: (item: T) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = { [member]: page.items.map(map), IsTruncated: page.IsTruncated };
  if (page.Marker !== undefined) out.Marker = page.Marker;
  return out;
}

// ---------- shapes of the answers ----------

function userOutput(state: EmulatorState, user: IamUser): Record<string, unknown> {
  const out: Record<string, unknown> = {
    Path: user.Path,
    UserName: user.UserName,
    UserId: user.UserId,
    Arn: userArn(state, user),
    CreateDate: user.CreateDate,
  };
  if (user.PasswordLastUsed !== undefined) out.PasswordLastUsed = user.PasswordLastUsed;
  return out;
}

/** The state keeps group names only; the rest of a Group is derived from the name, stably. */
function groupOutput(state: EmulatorState, groupName: string): Record<string, unknown> {
  const digest = createHash('sha256').update(`group:${groupName.toLowerCase()}`).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const suffix = Array.from(digest.subarray(0, 17), (b) => alphabet[b % alphabet.length]).join('');
  return {
    Path: '/',
    GroupName: groupName,
    GroupId: `AGPA${suffix}`,
    Arn: `arn:aws:iam::${state.instance.OwnerAccountId}:group/${groupName}`,
    CreateDate: state.instance.CreatedDate,
  };
}

/** `arn:aws:iam::aws:policy/service-role/X` → `/service-role/`. */
function policyPath(policyArn: string): string {
  const resource = policyArn.slice(policyArn.indexOf(':policy') + ':policy'.length);
  return resource.slice(0, resource.lastIndexOf('/') + 1) || '/';
}

function findAccessKey(
  state: EmulatorState,
  accessKeyId: string,
): { user: IamUser; key: IamAccessKey } | undefined {
  for (const user of state.iamUsers.values()) {
    const key = user.accessKeys.find((k) => k.AccessKeyId === accessKeyId);
    if (key !== undefined) return { user, key };
  }
  return undefined;
}

function removeWhere<T>(items: T[], test: (item: T) => boolean): T | undefined {
  const index = items.findIndex(test);
  if (index < 0) return undefined;
  return items.splice(index, 1)[0];
}

/**
 * What still ties a user down, in the order DeleteUser names it (the order access-desk takes a user apart):
 * the first entry that applies is the DeleteConflict message.
 */
const DELETE_BLOCKERS: { holds: (user: IamUser) => boolean; message: string }[] = [
  { holds: (u) => u.accessKeys.length > 0, message: 'Cannot delete entity, must delete access keys first.' },
  {
    holds: (u) => u.loginProfile !== undefined,
    message: 'Cannot delete entity, must delete login profile first.',
  },
  { holds: (u) => u.groups.length > 0, message: 'Cannot delete entity, must remove users from group first.' },
  {
    holds: (u) => u.attachedPolicies.length > 0,
    message: 'Cannot delete entity, must detach all policies first.',
  },
  {
    holds: (u) => Object.keys(u.inlinePolicies).length > 0,
    message: 'Cannot delete entity, must delete policies first.',
  },
  { holds: (u) => u.mfaDevices.length > 0, message: 'Cannot delete entity, must delete MFA device first.' },
  {
    holds: (u) => u.signingCertificates.length > 0,
    message: 'Cannot delete entity, must delete certificates first.',
  },
  {
    holds: (u) => u.sshPublicKeys.length > 0,
    message: 'Cannot delete entity, must remove referenced objects first.',
  },
  {
    holds: (u) => u.serviceCredentials.length > 0,
    message: 'Cannot delete entity, must remove referenced objects first.',
  },
];

// ---------- the operations ----------

const GetUser: OperationHandler = (input, { state }) => ({
  User: userOutput(state, subjectUser(state, input)),
});

const ListUsers: OperationHandler = (input, { state }) => {
  const prefix = optionalString(input, 'PathPrefix') ?? '/';
  const users = [...state.iamUsers.values()].filter((u) => u.Path.startsWith(prefix));
  const page = pageOf(users, (u) => u.UserName.toLowerCase(), `ListUsers:${prefix}`, input);
  return pagedOutput('Users', page, (u) => userOutput(state, u));
};

const ListAccessKeys: OperationHandler = (input, { state }) => {
  const user = subjectUser(state, input);
  const page = pageOf(
    user.accessKeys,
    (k) => `${k.CreateDate.toISOString()}|${k.AccessKeyId}`,
    `ListAccessKeys:${user.UserId}`,
    input,
  );
  return pagedOutput('AccessKeyMetadata', page, (k) => ({
    UserName: user.UserName,
    AccessKeyId: k.AccessKeyId,
    Status: k.Status,
    CreateDate: k.CreateDate,
  }));
};

const GetAccessKeyLastUsed: OperationHandler = (input, { state }) => {
  const accessKeyId = requiredString(input, 'AccessKeyId');
  const found = findAccessKey(state, accessKeyId);
  if (found === undefined) throw noSuchEntity(`The Access Key with id ${accessKeyId} cannot be found.`);
  const used = found.key.lastUsed;
  return {
    UserName: found.user.UserName,
    AccessKeyLastUsed:
      used === undefined
        ? { ServiceName: 'N/A', Region: 'N/A' }
        : { LastUsedDate: used.LastUsedDate, ServiceName: used.ServiceName, Region: used.Region },
  };
};

const DeleteAccessKey: OperationHandler = (input, { state }) => {
  const user = subjectUser(state, input);
  const accessKeyId = requiredString(input, 'AccessKeyId');
  if (removeWhere(user.accessKeys, (k) => k.AccessKeyId === accessKeyId) === undefined) {
    throw noSuchEntity(`The Access Key with id ${accessKeyId} cannot be found.`);
  }
  return {};
};

const GetLoginProfile: OperationHandler = (input, { state }) => {
  const user = requireUser(state, requiredString(input, 'UserName'));
  if (user.loginProfile === undefined)
    throw noSuchEntity(`Login Profile for User ${user.UserName} cannot be found.`);
  return {
    LoginProfile: {
      UserName: user.UserName,
      CreateDate: user.loginProfile.CreateDate,
      PasswordResetRequired: user.loginProfile.PasswordResetRequired,
    },
  };
};

const DeleteLoginProfile: OperationHandler = (input, { state }) => {
  const user = requireUser(state, requiredString(input, 'UserName'));
  if (user.loginProfile === undefined)
    throw noSuchEntity(`Login Profile for User ${user.UserName} cannot be found.`);
  delete user.loginProfile;
  return {};
};

const ListGroupsForUser: OperationHandler = (input, { state }) => {
  const user = requireUser(state, requiredString(input, 'UserName'));
  const page = pageOf(user.groups, (g) => g.toLowerCase(), `ListGroupsForUser:${user.UserId}`, input);
  return pagedOutput('Groups', page, (g) => groupOutput(state, g));
};

const RemoveUserFromGroup: OperationHandler = (input, { state }) => {
  const groupName = requiredString(input, 'GroupName');
  const user = requireUser(state, requiredString(input, 'UserName'));
  if (removeWhere(user.groups, (g) => g.toLowerCase() === groupName.toLowerCase()) === undefined) {
    throw noSuchEntity(`The group with name ${groupName} cannot be found.`);
  }
  return {};
};

const ListAttachedUserPolicies: OperationHandler = (input, { state }) => {
  const user = requireUser(state, requiredString(input, 'UserName'));
  const prefix = optionalString(input, 'PathPrefix') ?? '/';
  const policies = user.attachedPolicies.filter((p) => policyPath(p.PolicyArn).startsWith(prefix));
  const page = pageOf(
    policies,
    (p) => `${p.PolicyName}|${p.PolicyArn}`,
    `ListAttachedUserPolicies:${user.UserId}:${prefix}`,
    input,
  );
  return pagedOutput('AttachedPolicies', page, (p) => ({ PolicyName: p.PolicyName, PolicyArn: p.PolicyArn }));
};

const DetachUserPolicy: OperationHandler = (input, { state }) => {
  const user = requireUser(state, requiredString(input, 'UserName'));
  const policyArn = requiredString(input, 'PolicyArn');
  if (!policyArn.startsWith('arn:'))
    throw new AwsServiceError('InvalidInputException', `ARN ${policyArn} is not valid.`);
  if (removeWhere(user.attachedPolicies, (p) => p.PolicyArn === policyArn) === undefined) {
    throw noSuchEntity(`Policy ${policyArn} was not found.`);
  }
  return {};
};

const ListUserPolicies: OperationHandler = (input, { state }) => {
  const user = requireUser(state, requiredString(input, 'UserName'));
  const page = pageOf(Object.keys(user.inlinePolicies), (n) => n, `ListUserPolicies:${user.UserId}`, input);
  return pagedOutput('PolicyNames', page, (n) => n);
};

const DeleteUserPolicy: OperationHandler = (input, { state }) => {
  const user = requireUser(state, requiredString(input, 'UserName'));
  const policyName = requiredString(input, 'PolicyName');
  if (!Object.hasOwn(user.inlinePolicies, policyName)) {
    throw noSuchEntity(`The user policy with name ${policyName} cannot be found.`);
  }
  delete user.inlinePolicies[policyName];
  return {};
};

const ListMFADevices: OperationHandler = (input, { state }) => {
  const user = subjectUser(state, input);
  const page = pageOf(user.mfaDevices, (d) => d.SerialNumber, `ListMFADevices:${user.UserId}`, input);
  return pagedOutput('MFADevices', page, (d) => ({
    UserName: user.UserName,
    SerialNumber: d.SerialNumber,
    EnableDate: d.EnableDate,
  }));
};

const DeactivateMFADevice: OperationHandler = (input, { state }) => {
  const user = requireUser(state, requiredString(input, 'UserName'));
  const serialNumber = requiredString(input, 'SerialNumber');
  const device = removeWhere(user.mfaDevices, (d) => d.SerialNumber === serialNumber);
  if (device === undefined) {
    throw noSuchEntity(
      `MFA Device with serial number ${serialNumber} does not exist for user ${user.UserName}.`,
    );
  }
  // A virtual device outlives its assignment: it stays, unassigned, until DeleteVirtualMFADevice.
  if (device.virtual) state.virtualMfaDevices.set(device.SerialNumber, { SerialNumber: device.SerialNumber });
  return {};
};

const DeleteVirtualMFADevice: OperationHandler = (input, { state }) => {
  const serialNumber = requiredString(input, 'SerialNumber');
  const assigned =
    state.virtualMfaDevices.get(serialNumber)?.UserName !== undefined ||
    [...state.iamUsers.values()].some((u) =>
      u.mfaDevices.some((d) => d.SerialNumber === serialNumber && d.virtual),
    );
  if (assigned) throw deleteConflict('MFA Device is still in use.');
  if (!state.virtualMfaDevices.delete(serialNumber)) {
    throw noSuchEntity(`VirtualMFADevice with serial number ${serialNumber} doesn't exist.`);
  }
  return {};
};

const ListSigningCertificates: OperationHandler = (input, { state }) => {
  const user = subjectUser(state, input);
  const page = pageOf(
    user.signingCertificates,
    (c) => c.CertificateId,
    `ListSigningCertificates:${user.UserId}`,
    input,
  );
  return pagedOutput('Certificates', page, (c) => ({
    UserName: user.UserName,
    CertificateId: c.CertificateId,
    CertificateBody: c.CertificateBody,
    Status: c.Status,
    UploadDate: c.UploadDate,
  }));
};

const DeleteSigningCertificate: OperationHandler = (input, { state }) => {
  const user = subjectUser(state, input);
  const certificateId = requiredString(input, 'CertificateId');
  if (removeWhere(user.signingCertificates, (c) => c.CertificateId === certificateId) === undefined) {
    throw noSuchEntity(`The Certificate with id ${certificateId} cannot be found.`);
  }
  return {};
};

const ListSSHPublicKeys: OperationHandler = (input, { state }) => {
  const user = subjectUser(state, input);
  const page = pageOf(user.sshPublicKeys, (k) => k.SSHPublicKeyId, `ListSSHPublicKeys:${user.UserId}`, input);
  return pagedOutput('SSHPublicKeys', page, (k) => ({
    UserName: user.UserName,
    SSHPublicKeyId: k.SSHPublicKeyId,
    Status: k.Status,
    UploadDate: k.UploadDate,
  }));
};

const DeleteSSHPublicKey: OperationHandler = (input, { state }) => {
  const user = requireUser(state, requiredString(input, 'UserName'));
  const keyId = requiredString(input, 'SSHPublicKeyId');
  if (removeWhere(user.sshPublicKeys, (k) => k.SSHPublicKeyId === keyId) === undefined) {
    throw noSuchEntity(`The Public Key with id ${keyId} cannot be found.`);
  }
  return {};
};

const ListServiceSpecificCredentials: OperationHandler = (input, { state }) => {
  const user = subjectUser(state, input);
  const serviceName = optionalString(input, 'ServiceName');
  return {
    ServiceSpecificCredentials: user.serviceCredentials
      .filter((c) => serviceName === undefined || c.ServiceName === serviceName)
      .map((c) => ({
        UserName: user.UserName,
        Status: c.Status,
        ServiceUserName: c.ServiceUserName,
        CreateDate: c.CreateDate,
        ServiceSpecificCredentialId: c.ServiceSpecificCredentialId,
        ServiceName: c.ServiceName,
      })),
  };
};

const DeleteServiceSpecificCredential: OperationHandler = (input, { state }) => {
  const user = subjectUser(state, input);
  const credentialId = requiredString(input, 'ServiceSpecificCredentialId');
  if (
    removeWhere(user.serviceCredentials, (c) => c.ServiceSpecificCredentialId === credentialId) === undefined
  ) {
    throw noSuchEntity(`No such credential ${credentialId} exists.`);
  }
  return {};
};

const DeleteUser: OperationHandler = (input, { state }) => {
  const user = requireUser(state, requiredString(input, 'UserName'));
  const blocker = DELETE_BLOCKERS.find((b) => b.holds(user));
  if (blocker !== undefined) throw deleteConflict(blocker.message);
  for (const [key, stored] of state.iamUsers) if (stored === user) state.iamUsers.delete(key);
  return {};
};

export const iamHandlers: ServiceHandlers = {
  GetUser,
  ListUsers,
  ListAccessKeys,
  GetAccessKeyLastUsed,
  DeleteAccessKey,
  GetLoginProfile,
  DeleteLoginProfile,
  ListGroupsForUser,
  RemoveUserFromGroup,
  ListAttachedUserPolicies,
  DetachUserPolicy,
  ListUserPolicies,
  DeleteUserPolicy,
  ListMFADevices,
  DeactivateMFADevice,
  DeleteVirtualMFADevice,
  ListSigningCertificates,
  DeleteSigningCertificate,
  ListSSHPublicKeys,
  DeleteSSHPublicKey,
  ListServiceSpecificCredentials,
  DeleteServiceSpecificCredential,
  DeleteUser,
};
