/**
 * The legacy IAM user of the same name as a person being offboarded. IAM deletes a user only when nothing is
 * attached to it, so the attachments go first, in the order IAM documents; a step whose target is already gone
 * counts as done, so a cleanup that stopped half way can simply run again. Only users under the configured
 * path (legacyIam.path) are deleted: one elsewhere (a break-glass or service user) is refused before IAM is sent
 * anything that changes it, whatever the IAM policy would allow.
 */
import {
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteLoginProfileCommand,
  DeleteSSHPublicKeyCommand,
  DeleteServiceSpecificCredentialCommand,
  DeleteSigningCertificateCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DeleteVirtualMFADeviceCommand,
  DetachUserPolicyCommand,
  RemoveUserFromGroupCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import type {
  AwsOutcome,
  LegacyIam,
  LegacyIamAction,
  LegacyIamCleanup,
  LegacyIamStep,
} from '../access/ports.js';
import type { LegacyIamKeyHolder, LegacyIamUser } from '../domain/identity.js';
import type { CallContext } from './call.js';
import { failure } from './errors.js';
import { listLegacyUsers } from './legacy-iam-list.js';
import { iamCall, isNoSuchEntity, readLegacyUser } from './legacy-iam-read.js';

interface PlannedStep extends LegacyIamStep {
  operation: string;
  run: () => Promise<unknown>;
}

export class AwsLegacyIam implements LegacyIam {
  /**
   * @param cleanupPath IAM path under which users may be deleted (`/legacy/`); `/`, the default, is every user.
   */
  constructor(
    private readonly ctx: CallContext,
    private readonly client: IAMClient,
    private readonly cleanupPath = '/',
  ) {}

  async describe(userName: string): Promise<AwsOutcome<LegacyIamUser | undefined>> {
    const read = await readLegacyUser(this.ctx, this.client, userName);
    if (!read.ok || read.value === undefined) return read;
    const refused = this.refusal(read.value);
    return {
      ok: true,
      value: refused === undefined ? read.value : { ...read.value, cleanupRefused: refused },
    };
  }

  /** Why this user may not be deleted, or undefined when it may. Paths are matched from the start. */
  private refusal(user: LegacyIamUser): string | undefined {
    const path = user.path ?? '/';
    if (path.startsWith(this.cleanupPath)) return undefined;
    return (
      `IAM user ${user.userName} is under the path ${path}, outside legacyIam.path ${this.cleanupPath}: ` +
      'access-desk does not delete IAM users there, so that break-glass and service users stay out of its reach. ' +
      `Delete it by hand if it must go, or move it under ${this.cleanupPath} first.`
    );
  }

  listLegacyUsers(
    options: { concurrency?: number; onProgress?: (done: number, total: number) => void } = {},
  ): Promise<AwsOutcome<LegacyIamKeyHolder[]>> {
    return listLegacyUsers(this.ctx, this.client, options);
  }

  async deleteCompletely(userName: string): Promise<AwsOutcome<LegacyIamCleanup>> {
    const current = await this.describe(userName);
    if (!current.ok) return current;
    if (current.value === undefined) return { ok: true, value: { existed: false, steps: [] } };
    const refused = current.value.cleanupRefused;
    if (refused !== undefined) {
      this.ctx.logger.warn(
        { userName, path: current.value.path, allowedPath: this.cleanupPath },
        'legacy IAM cleanup refused: the user is outside legacyIam.path',
      );
      return { ok: false, error: failure('access_denied', refused, { resource: userName }) };
    }

    const done: LegacyIamStep[] = [];
    for (const step of this.plan(current.value)) {
      const sent = await iamCall(this.ctx, step.operation, step.target, step.run);
      if (sent.ok) {
        done.push({ action: step.action, target: step.target });
        continue;
      }
      if (isNoSuchEntity(sent)) continue; // already gone: nothing to do
      this.ctx.logger.warn(
        { userName, action: step.action, awsError: sent.name, stepsDone: done.length },
        'legacy IAM cleanup stopped',
      );
      return {
        ok: false,
        error: failure(
          sent.failure.code,
          `Cleanup of IAM user ${userName} stopped at ${describeStep(step.action, step.target)} after ${done.length} step(s); running it again resumes there. ${sent.failure.message}`,
          { resource: userName },
        ),
      };
    }
    this.ctx.logger.info({ userName, steps: done.length }, 'legacy IAM user deleted');
    return { ok: true, value: { existed: true, steps: done } };
  }

  /** What must go, in the order IAM requires: everything attached first, the user last. */
  private plan(user: LegacyIamUser): PlannedStep[] {
    const iam = this.client;
    const UserName = user.userName;
    const step = (
      action: LegacyIamAction,
      target: string,
      operation: string,
      run: () => Promise<unknown>,
    ): PlannedStep => ({
      action,
      target,
      operation,
      run,
    });
    return [
      ...user.accessKeys.map((k) =>
        step('delete_access_key', k.id, 'DeleteAccessKey', () =>
          iam.send(new DeleteAccessKeyCommand({ UserName, AccessKeyId: k.id })),
        ),
      ),
      ...(user.loginProfile !== undefined
        ? [
            step('delete_login_profile', UserName, 'DeleteLoginProfile', () =>
              iam.send(new DeleteLoginProfileCommand({ UserName })),
            ),
          ]
        : []),
      ...user.groups.map((GroupName) =>
        step('remove_from_group', GroupName, 'RemoveUserFromGroup', () =>
          iam.send(new RemoveUserFromGroupCommand({ UserName, GroupName })),
        ),
      ),
      ...user.attachedPolicies.map((p) =>
        step('detach_policy', p.arn, 'DetachUserPolicy', () =>
          iam.send(new DetachUserPolicyCommand({ UserName, PolicyArn: p.arn })),
        ),
      ),
      ...user.inlinePolicies.map((PolicyName) =>
        step('delete_inline_policy', PolicyName, 'DeleteUserPolicy', () =>
          iam.send(new DeleteUserPolicyCommand({ UserName, PolicyName })),
        ),
      ),
      ...user.mfaDevices.flatMap((d) => [
        step('deactivate_mfa_device', d.serialNumber, 'DeactivateMFADevice', () =>
          iam.send(new DeactivateMFADeviceCommand({ UserName, SerialNumber: d.serialNumber })),
        ),
        ...(d.virtual
          ? [
              step('delete_virtual_mfa_device', d.serialNumber, 'DeleteVirtualMFADevice', () =>
                iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: d.serialNumber })),
              ),
            ]
          : []),
      ]),
      ...user.signingCertificates.map((c) =>
        step('delete_signing_certificate', c.id, 'DeleteSigningCertificate', () =>
          iam.send(new DeleteSigningCertificateCommand({ UserName, CertificateId: c.id })),
        ),
      ),
      ...user.sshPublicKeys.map((k) =>
        step('delete_ssh_public_key', k.id, 'DeleteSSHPublicKey', () =>
          iam.send(new DeleteSSHPublicKeyCommand({ UserName, SSHPublicKeyId: k.id })),
        ),
      ),
      ...user.serviceCredentials.map((c) =>
        step('delete_service_credential', c.id, 'DeleteServiceSpecificCredential', () =>
          iam.send(
            new DeleteServiceSpecificCredentialCommand({ UserName, ServiceSpecificCredentialId: c.id }),
          ),
        ),
      ),
      step('delete_user', UserName, 'DeleteUser', () => iam.send(new DeleteUserCommand({ UserName }))),
    ];
  }
}

function describeStep(action: LegacyIamAction, target: string): string {
  return `${action.replace(/_/g, ' ')} ${target}`;
}
