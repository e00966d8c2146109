import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  BadRequestException,
  GetAccountCommand,
  GetEmailIdentityCommand,
  MessageRejected,
  NotFoundException,
  SendEmailCommand,
  type SendEmailCommandInput,
} from '@aws-sdk/client-sesv2';
import {
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteConflictException,
  DeleteLoginProfileCommand,
  DeleteServiceSpecificCredentialCommand,
  DeleteSigningCertificateCommand,
  DeleteSSHPublicKeyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DeleteVirtualMFADeviceCommand,
  DetachUserPolicyCommand,
  GetAccessKeyLastUsedCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  IAMServiceException,
  InvalidInputException,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListMFADevicesCommand,
  ListServiceSpecificCredentialsCommand,
  ListSigningCertificatesCommand,
  ListSSHPublicKeysCommand,
  ListUserPoliciesCommand,
  ListUsersCommand,
  NoSuchEntityException,
  RemoveUserFromGroupCommand,
  paginateListUsers,
} from '@aws-sdk/client-iam';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import type { EmulatorState, IamUser, SentEmail } from '../../src/emulator/state.js';
import { ids } from '../../src/emulator/ids.js';
import { sdkClients, testCredentials } from '../support/aws-clients.js';

const DAY = 24 * 60 * 60 * 1000;

let emu: RunningEmulator;
let clients: ReturnType<typeof sdkClients>;

beforeAll(async () => {
  emu = await startEmulator({ credentials: [testCredentials], seed: false, rateLimits: false });
  clients = sdkClients(emu.url);
});

afterAll(async () => {
  await emu.close();
});

beforeEach(() => {
  emu.reset();
});

/** A bare IAM user, as a seed or an old console click would have left it. */
function iamUser(state: EmulatorState, userName: string, path = '/'): IamUser {
  const user: IamUser = {
    UserName: userName,
    UserId: ids.iamUserId(),
    Arn: `arn:aws:iam::${state.instance.OwnerAccountId}:user${path}${userName}`,
    Path: path,
    CreateDate: new Date(Date.now() - 400 * DAY),
    accessKeys: [],
    groups: [],
    attachedPolicies: [],
    inlinePolicies: {},
    mfaDevices: [],
    signingCertificates: [],
    sshPublicKeys: [],
    serviceCredentials: [],
  };
  state.iamUsers.set(userName, user);
  return user;
}

/** A legacy IAM user with one of everything that keeps DeleteUser from working (two access keys). */
function legacyUser(state: EmulatorState, userName: string) {
  const user = iamUser(state, userName);
  const now = Date.now();
  const account = state.instance.OwnerAccountId;
  const usedKey = ids.accessKeyId();
  const unusedKey = ids.accessKeyId();
  user.accessKeys.push(
    {
      AccessKeyId: usedKey,
      Status: 'Active',
      CreateDate: new Date(now - 300 * DAY),
      lastUsed: { LastUsedDate: new Date(now - 2 * DAY), ServiceName: 's3', Region: 'eu-west-2' },
    },
    { AccessKeyId: unusedKey, Status: 'Inactive', CreateDate: new Date(now - 200 * DAY) },
  );
  user.loginProfile = { CreateDate: new Date(now - 390 * DAY), PasswordResetRequired: false };
  user.groups.push('Developers');
  user.attachedPolicies.push({
    PolicyName: 'ReadOnlyAccess',
    PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
  });
  user.inlinePolicies['deploy-bucket'] = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::deploy/*' }],
  });
  const mfaSerial = `arn:aws:iam::${account}:mfa/${userName}`;
  user.mfaDevices.push({ SerialNumber: mfaSerial, EnableDate: new Date(now - 380 * DAY), virtual: true });
  const certificateId = ids.signingCertificateId();
  user.signingCertificates.push({
    CertificateId: certificateId,
    CertificateBody: '-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----',
    Status: 'Active',
    UploadDate: new Date(now - 100 * DAY),
  });
  const sshKeyId = ids.sshKeyId();
  user.sshPublicKeys.push({
    SSHPublicKeyId: sshKeyId,
    Fingerprint: '1f:00:test',
    SSHPublicKeyBody: `ssh-rsa AAAAB3NzaC1yc2E ${userName}`,
    Status: 'Active',
    UploadDate: new Date(now - 90 * DAY),
  });
  const credentialId = ids.serviceCredentialId();
  user.serviceCredentials.push({
    ServiceSpecificCredentialId: credentialId,
    ServiceName: 'codecommit.amazonaws.com',
    ServiceUserName: `${userName}-at-${account}`,
    Status: 'Active',
    CreateDate: new Date(now - 80 * DAY),
  });
  return { user, usedKey, unusedKey, mfaSerial, certificateId, sshKeyId, credentialId };
}

function simpleEmail(overrides: Partial<SendEmailCommandInput> = {}): SendEmailCommandInput {
  return {
    FromEmailAddress: 'aws-access@example.com',
    Destination: { ToAddresses: ['ada@example.com'] },
    Content: {
      Simple: {
        Subject: { Data: 'Your AWS access' },
        Body: { Text: { Data: 'Hello Ada' }, Html: { Data: '<p>Hello Ada</p>' } },
      },
    },
    ...overrides,
  };
}

describe('SES v2 in the emulator', () => {
  it('delivers a message with text and HTML parts from a verified address into the mailbox', async () => {
    emu.state.verifiedIdentities.add('aws-access@example.com');

    const sent = await clients.ses.send(
      new SendEmailCommand(
        simpleEmail({
          Destination: { ToAddresses: ['ada@example.com'], CcAddresses: ['it@example.com'] },
          ReplyToAddresses: ['help@example.com'],
        }),
      ),
    );

    expect(sent.MessageId).toMatch(/^0100[0-9a-f]{16}-/);
    expect(emu.state.mailbox).toHaveLength(1);
    expect(emu.state.mailbox[0]).toMatchObject({
      MessageId: sent.MessageId,
      from: 'aws-access@example.com',
      to: ['ada@example.com'],
      cc: ['it@example.com'],
      bcc: [],
      replyTo: ['help@example.com'],
      subject: 'Your AWS access',
      text: 'Hello Ada',
      html: '<p>Hello Ada</p>',
    });
    expect(emu.state.mailbox[0]?.sentAt).toBeInstanceOf(Date);
  });

  it('shows sent messages over HTTP at /_emulator/mailbox', async () => {
    emu.state.verifiedIdentities.add('aws-access@example.com');
    const sent = await clients.ses.send(new SendEmailCommand(simpleEmail()));

    const response = await fetch(`${emu.url}/_emulator/mailbox`);
    expect(response.status).toBe(200);
    const mailbox = (await response.json()) as (Omit<SentEmail, 'sentAt'> & { sentAt: string })[];

    expect(mailbox).toHaveLength(1);
    expect(mailbox[0]).toMatchObject({
      MessageId: sent.MessageId,
      from: 'aws-access@example.com',
      to: ['ada@example.com'],
      subject: 'Your AWS access',
      text: 'Hello Ada',
      html: '<p>Hello Ada</p>',
    });
    expect(Number.isNaN(Date.parse(mailbox[0]?.sentAt ?? ''))).toBe(false);
  });

  it('lets any address of a verified domain send, display name included', async () => {
    emu.state.verifiedIdentities.add('example.com');

    await clients.ses.send(
      new SendEmailCommand(simpleEmail({ FromEmailAddress: 'Access Desk <desk@example.com>' })),
    );

    expect(emu.state.mailbox.map((m) => m.from)).toEqual(['Access Desk <desk@example.com>']);
  });

  it('refuses an unverified sender with MessageRejected naming the address, and keeps nothing', async () => {
    emu.state.verifiedIdentities.add('other.example');

    const refused = clients.ses.send(
      new SendEmailCommand(simpleEmail({ FromEmailAddress: 'nobody@example.com' })),
    );

    await expect(refused).rejects.toBeInstanceOf(MessageRejected);
    await expect(refused).rejects.toThrow(
      /^Email address is not verified\. The following identities failed the check in region [A-Z0-9-]+: nobody@example\.com$/,
    );
    expect(emu.state.mailbox).toHaveLength(0);
  });

  it('refuses a message with no recipient, or with more than 50, with BadRequestException', async () => {
    emu.state.verifiedIdentities.add('example.com');
    const many = Array.from({ length: 51 }, (_v, i) => `person${i}@example.com`);

    await expect(
      clients.ses.send(new SendEmailCommand(simpleEmail({ Destination: { ToAddresses: [] } }))),
    ).rejects.toBeInstanceOf(BadRequestException);
    await expect(
      clients.ses.send(new SendEmailCommand(simpleEmail({ Destination: { ToAddresses: many } }))),
    ).rejects.toThrow('Recipient count exceeds 50.');
    expect(emu.state.mailbox).toHaveLength(0);
  });

  it('accepts exactly 50 recipients across To, Cc and Bcc', async () => {
    emu.state.verifiedIdentities.add('example.com');
    const addresses = (prefix: string, n: number) =>
      Array.from({ length: n }, (_v, i) => `${prefix}${i}@example.com`);

    await clients.ses.send(
      new SendEmailCommand(
        simpleEmail({
          Destination: {
            ToAddresses: addresses('to', 30),
            CcAddresses: addresses('cc', 10),
            BccAddresses: addresses('bcc', 10),
          },
        }),
      ),
    );

    expect(emu.state.mailbox[0]?.bcc).toHaveLength(10);
  });

  it('refuses Raw content with BadRequestException: only Simple content is emulated', async () => {
    emu.state.verifiedIdentities.add('example.com');

    await expect(
      clients.ses.send(
        new SendEmailCommand({
          FromEmailAddress: 'desk@example.com',
          Destination: { ToAddresses: ['ada@example.com'] },
          Content: { Raw: { Data: new TextEncoder().encode('Subject: hi\r\n\r\nhello') } },
        }),
      ),
    ).rejects.toBeInstanceOf(BadRequestException);
  });

  it('describes the account as out of the sandbox, counting recipients sent in the last 24 hours', async () => {
    emu.state.verifiedIdentities.add('example.com');
    await clients.ses.send(
      new SendEmailCommand(
        simpleEmail({ Destination: { ToAddresses: ['a@example.com'], CcAddresses: ['b@example.com'] } }),
      ),
    );

    const account = await clients.ses.send(new GetAccountCommand({}));

    expect(account.SendingEnabled).toBe(true);
    expect(account.ProductionAccessEnabled).toBe(true);
    expect(account.SendQuota).toMatchObject({ SentLast24Hours: 2 });
    expect(account.SendQuota?.Max24HourSend).toBeGreaterThan(0);
    expect(account.SendQuota?.MaxSendRate).toBeGreaterThan(0);
  });

  it('describes verified address and domain identities as verified for sending', async () => {
    emu.state.verifiedIdentities.add('aws-access@example.com');
    emu.state.verifiedIdentities.add('example.org');

    const address = await clients.ses.send(
      new GetEmailIdentityCommand({ EmailIdentity: 'aws-access@example.com' }),
    );
    const domain = await clients.ses.send(new GetEmailIdentityCommand({ EmailIdentity: 'example.org' }));

    expect(address).toMatchObject({ IdentityType: 'EMAIL_ADDRESS', VerifiedForSendingStatus: true });
    expect(domain).toMatchObject({ IdentityType: 'DOMAIN', VerifiedForSendingStatus: true });
  });

  it('answers NotFoundException for an identity that was never verified', async () => {
    emu.state.verifiedIdentities.add('example.com');

    await expect(
      clients.ses.send(new GetEmailIdentityCommand({ EmailIdentity: 'unknown.example' })),
    ).rejects.toBeInstanceOf(NotFoundException);
    // An address under a verified domain may send, but is not an identity of its own.
    await expect(
      clients.ses.send(new GetEmailIdentityCommand({ EmailIdentity: 'someone@example.com' })),
    ).rejects.toBeInstanceOf(NotFoundException);
  });
});

describe('IAM in the emulator', () => {
  it('describes a user with an ARN built from the account, path and name', async () => {
    const user = iamUser(emu.state, 'legacy.ops', '/engineering/');

    const { User } = await clients.iam.send(new GetUserCommand({ UserName: 'legacy.ops' }));

    expect(User).toMatchObject({
      UserName: 'legacy.ops',
      UserId: user.UserId,
      Path: '/engineering/',
      Arn: `arn:aws:iam::${emu.state.instance.OwnerAccountId}:user/engineering/legacy.ops`,
    });
    expect(User?.CreateDate?.getTime()).toBe(user.CreateDate.getTime());
  });

  it('answers NoSuchEntityException for an unknown user, naming it', async () => {
    const missing = clients.iam.send(new GetUserCommand({ UserName: 'ghost' }));

    await expect(missing).rejects.toBeInstanceOf(NoSuchEntityException);
    await expect(missing).rejects.toThrow('The user with name ghost cannot be found.');
  });

  it('answers NoSuchEntityException for the login profile of a user without a password', async () => {
    iamUser(emu.state, 'api-only');

    await expect(clients.iam.send(new GetLoginProfileCommand({ UserName: 'api-only' }))).rejects.toThrow(
      NoSuchEntityException,
    );
  });

  it('refuses a call without UserName from non-user credentials with ValidationError', async () => {
    const refused = clients.iam.send(new ListAccessKeysCommand({}));

    await expect(refused).rejects.toBeInstanceOf(IAMServiceException);
    await expect(refused).rejects.toMatchObject({ name: 'ValidationError' });
  });

  it('shows when each access key was last used, N/A for a key never used', async () => {
    const { usedKey, unusedKey } = legacyUser(emu.state, 'jo.legacy');

    const keys = await clients.iam.send(new ListAccessKeysCommand({ UserName: 'jo.legacy' }));
    const used = await clients.iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: usedKey }));
    const unused = await clients.iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: unusedKey }));

    expect(keys.AccessKeyMetadata?.map((k) => [k.AccessKeyId, k.Status, k.UserName])).toEqual([
      [usedKey, 'Active', 'jo.legacy'],
      [unusedKey, 'Inactive', 'jo.legacy'],
    ]);
    expect(keys.IsTruncated).toBe(false);
    expect(used.UserName).toBe('jo.legacy');
    expect(used.AccessKeyLastUsed).toMatchObject({ ServiceName: 's3', Region: 'eu-west-2' });
    expect(used.AccessKeyLastUsed?.LastUsedDate).toBeInstanceOf(Date);
    expect(unused.AccessKeyLastUsed).toEqual({ ServiceName: 'N/A', Region: 'N/A' });
  });

  it('refuses to delete a legacy user until every part is gone, then deletes it', async () => {
    const { usedKey, unusedKey, mfaSerial, certificateId, sshKeyId, credentialId } = legacyUser(
      emu.state,
      'jo.legacy',
    );
    const iam = clients.iam;
    const UserName = 'jo.legacy';
    const deleteUserRefusal = async (): Promise<string> => {
      const error = await iam.send(new DeleteUserCommand({ UserName })).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DeleteConflictException);
      return (error as DeleteConflictException).message;
    };

    // Everything is listed before anything is removed.
    expect((await iam.send(new GetLoginProfileCommand({ UserName }))).LoginProfile?.UserName).toBe(UserName);
    expect(
      (await iam.send(new ListGroupsForUserCommand({ UserName }))).Groups?.map((g) => g.GroupName),
    ).toEqual(['Developers']);
    expect(
      (await iam.send(new ListAttachedUserPoliciesCommand({ UserName }))).AttachedPolicies?.map(
        (p) => p.PolicyArn,
      ),
    ).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess']);
    expect((await iam.send(new ListUserPoliciesCommand({ UserName }))).PolicyNames).toEqual([
      'deploy-bucket',
    ]);
    expect(
      (await iam.send(new ListMFADevicesCommand({ UserName }))).MFADevices?.map((d) => d.SerialNumber),
    ).toEqual([mfaSerial]);
    expect(
      (await iam.send(new ListSigningCertificatesCommand({ UserName }))).Certificates?.map(
        (c) => c.CertificateId,
      ),
    ).toEqual([certificateId]);
    expect(
      (await iam.send(new ListSSHPublicKeysCommand({ UserName }))).SSHPublicKeys?.map(
        (k) => k.SSHPublicKeyId,
      ),
    ).toEqual([sshKeyId]);
    expect(
      (
        await iam.send(new ListServiceSpecificCredentialsCommand({ UserName }))
      ).ServiceSpecificCredentials?.map((c) => c.ServiceSpecificCredentialId),
    ).toEqual([credentialId]);

    expect(await deleteUserRefusal()).toBe('Cannot delete entity, must delete access keys first.');

    await iam.send(new DeleteAccessKeyCommand({ UserName, AccessKeyId: usedKey }));
    expect(await deleteUserRefusal()).toBe('Cannot delete entity, must delete access keys first.');
    await iam.send(new DeleteAccessKeyCommand({ UserName, AccessKeyId: unusedKey }));
    expect(await deleteUserRefusal()).toBe('Cannot delete entity, must delete login profile first.');

    await iam.send(new DeleteLoginProfileCommand({ UserName }));
    expect(await deleteUserRefusal()).toBe('Cannot delete entity, must remove users from group first.');

    await iam.send(new RemoveUserFromGroupCommand({ UserName, GroupName: 'Developers' }));
    expect(await deleteUserRefusal()).toBe('Cannot delete entity, must detach all policies first.');

    await iam.send(
      new DetachUserPolicyCommand({ UserName, PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }),
    );
    expect(await deleteUserRefusal()).toBe('Cannot delete entity, must delete policies first.');

    await iam.send(new DeleteUserPolicyCommand({ UserName, PolicyName: 'deploy-bucket' }));
    expect(await deleteUserRefusal()).toBe('Cannot delete entity, must delete MFA device first.');

    // A virtual device still assigned cannot be deleted; deactivated, it is left unassigned and can be.
    await expect(
      iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: mfaSerial })),
    ).rejects.toBeInstanceOf(DeleteConflictException);
    await iam.send(new DeactivateMFADeviceCommand({ UserName, SerialNumber: mfaSerial }));
    expect(emu.state.virtualMfaDevices.has(mfaSerial)).toBe(true);
    await iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: mfaSerial }));
    expect(emu.state.virtualMfaDevices.has(mfaSerial)).toBe(false);
    expect(await deleteUserRefusal()).toBe('Cannot delete entity, must delete certificates first.');

    await iam.send(new DeleteSigningCertificateCommand({ UserName, CertificateId: certificateId }));
    expect(await deleteUserRefusal()).toBe('Cannot delete entity, must remove referenced objects first.');

    await iam.send(new DeleteSSHPublicKeyCommand({ UserName, SSHPublicKeyId: sshKeyId }));
    expect(await deleteUserRefusal()).toBe('Cannot delete entity, must remove referenced objects first.');

    await iam.send(
      new DeleteServiceSpecificCredentialCommand({ UserName, ServiceSpecificCredentialId: credentialId }),
    );
    await iam.send(new DeleteUserCommand({ UserName }));

    await expect(iam.send(new GetUserCommand({ UserName }))).rejects.toBeInstanceOf(NoSuchEntityException);
    expect(emu.state.iamUsers.has(UserName)).toBe(false);
  });

  it('answers NoSuchEntityException for parts a user does not have', async () => {
    const { usedKey } = legacyUser(emu.state, 'jo.legacy');
    iamUser(emu.state, 'someone.else');
    const UserName = 'jo.legacy';
    const iam = clients.iam;

    // Another user's key is not this user's.
    await expect(
      iam.send(new DeleteAccessKeyCommand({ UserName: 'someone.else', AccessKeyId: usedKey })),
    ).rejects.toBeInstanceOf(NoSuchEntityException);
    await expect(
      iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: 'AKIANOSUCHKEY0000000' })),
    ).rejects.toBeInstanceOf(NoSuchEntityException);
    await expect(
      iam.send(new RemoveUserFromGroupCommand({ UserName, GroupName: 'Admins' })),
    ).rejects.toBeInstanceOf(NoSuchEntityException);
    await expect(
      iam.send(
        new DetachUserPolicyCommand({ UserName, PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }),
      ),
    ).rejects.toThrow('Policy arn:aws:iam::aws:policy/AdministratorAccess was not found.');
    await expect(
      iam.send(new DeleteUserPolicyCommand({ UserName, PolicyName: 'nope' })),
    ).rejects.toBeInstanceOf(NoSuchEntityException);
    await expect(
      iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: 'arn:aws:iam::123456789012:mfa/nobody' })),
    ).rejects.toBeInstanceOf(NoSuchEntityException);
    await expect(iam.send(new DeleteUserCommand({ UserName: 'ghost' }))).rejects.toBeInstanceOf(
      NoSuchEntityException,
    );
    expect(emu.state.iamUsers.get(UserName)?.accessKeys).toHaveLength(2);
  });

  it('pages ListUsers with MaxItems and an opaque Marker until IsTruncated is false', async () => {
    const names = ['frank', 'alice', 'Carol', 'bob', 'erin', 'dave', 'grace'];
    for (const name of names) iamUser(emu.state, name);

    const pages: string[][] = [];
    for await (const page of paginateListUsers({ client: clients.iam, pageSize: 3 }, {})) {
      pages.push((page.Users ?? []).map((u) => u.UserName ?? ''));
    }

    expect(pages).toEqual([['alice', 'bob', 'Carol'], ['dave', 'erin', 'frank'], ['grace']]);

    const first = await clients.iam.send(new ListUsersCommand({ MaxItems: 3 }));
    expect(first.IsTruncated).toBe(true);
    expect(first.Marker).toEqual(expect.any(String));
    expect(first.Marker).not.toContain('bob');
    const all = await clients.iam.send(new ListUsersCommand({}));
    expect(all.IsTruncated).toBe(false);
    expect(all.Marker).toBeUndefined();
    expect(all.Users).toHaveLength(7);
  });

  it('continues a listing after the users already returned, even when some were deleted meanwhile', async () => {
    for (const name of ['a1', 'a2', 'a3', 'a4', 'a5']) iamUser(emu.state, name);

    const first = await clients.iam.send(new ListUsersCommand({ MaxItems: 2 }));
    await clients.iam.send(new DeleteUserCommand({ UserName: 'a1' }));
    const second = await clients.iam.send(new ListUsersCommand({ MaxItems: 2, Marker: first.Marker }));

    expect(first.Users?.map((u) => u.UserName)).toEqual(['a1', 'a2']);
    expect(second.Users?.map((u) => u.UserName)).toEqual(['a3', 'a4']);
  });

  it('refuses a Marker that belongs to another list with InvalidInputException', async () => {
    for (const name of ['a1', 'a2', 'a3']) iamUser(emu.state, name);
    const { user } = legacyUser(emu.state, 'jo.legacy');
    user.inlinePolicies['second'] = '{}';
    const policies = await clients.iam.send(
      new ListUserPoliciesCommand({ UserName: 'jo.legacy', MaxItems: 1 }),
    );
    expect(policies.IsTruncated).toBe(true);

    await expect(clients.iam.send(new ListUsersCommand({ Marker: policies.Marker }))).rejects.toBeInstanceOf(
      InvalidInputException,
    );
    await expect(clients.iam.send(new ListUsersCommand({ Marker: 'forged' }))).rejects.toBeInstanceOf(
      InvalidInputException,
    );
  });
});
