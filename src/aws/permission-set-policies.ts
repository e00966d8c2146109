/**
 * A permission set's inline policy, and provisioning the set to an account. Provisioning is asynchronous in
 * AWS, like an assignment: the call answers IN_PROGRESS with a request id, and only polling its status tells the
 * outcome. AWS runs one permission-set update at a time per account: a second one meets ConflictException,
 * which is waited out here with backoff, within the same timeout as an assignment change.
 */
import {
  DeleteInlinePolicyFromPermissionSetCommand,
  DescribePermissionSetProvisioningStatusCommand,
  GetInlinePolicyForPermissionSetCommand,
  ProvisionPermissionSetCommand,
  PutInlinePolicyToPermissionSetCommand,
  type PermissionSetProvisioningStatus,
  type SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import type { AwsOutcome, PermissionSetPolicies, PermissionSetProvisioning } from '../access/ports.js';
import type { AssignmentTiming } from './assignments.js';
import { send, type CallContext } from './call.js';
import { failure } from './errors.js';
import type { InstanceResolver } from './instance.js';
import { backoffDelay } from './limiter.js';

export class AwsPermissionSetPolicies implements PermissionSetPolicies {
  constructor(
    private readonly ctx: CallContext,
    private readonly client: SSOAdminClient,
    private readonly instance: InstanceResolver,
    private readonly timing: AssignmentTiming,
  ) {}

  async getInlinePolicy(permissionSetArn: string): Promise<AwsOutcome<string>> {
    const instance = await this.instance();
    if (!instance.ok) return instance;
    const sent = await send(
      this.ctx,
      {
        service: 'sso-admin',
        operation: 'GetInlinePolicyForPermissionSet',
        safeToRetry: true,
        resource: permissionSetArn,
      },
      () =>
        this.client.send(
          new GetInlinePolicyForPermissionSetCommand({
            InstanceArn: instance.value.instanceArn,
            PermissionSetArn: permissionSetArn,
          }),
        ),
    );
    return sent.ok ? { ok: true, value: sent.value.InlinePolicy ?? '' } : { ok: false, error: sent.failure };
  }

  async putInlinePolicy(permissionSetArn: string, policy: string): Promise<AwsOutcome<void>> {
    const instance = await this.instance();
    if (!instance.ok) return instance;
    // Safe to repeat: putting the same text twice leaves the same policy.
    const sent = await send(
      this.ctx,
      {
        service: 'sso-admin',
        operation: 'PutInlinePolicyToPermissionSet',
        safeToRetry: true,
        resource: permissionSetArn,
      },
      () =>
        this.client.send(
          new PutInlinePolicyToPermissionSetCommand({
            InstanceArn: instance.value.instanceArn,
            PermissionSetArn: permissionSetArn,
            InlinePolicy: policy,
          }),
        ),
    );
    return sent.ok ? { ok: true, value: undefined } : { ok: false, error: sent.failure };
  }

  async deleteInlinePolicy(permissionSetArn: string): Promise<AwsOutcome<void>> {
    const instance = await this.instance();
    if (!instance.ok) return instance;
    const sent = await send(
      this.ctx,
      {
        service: 'sso-admin',
        operation: 'DeleteInlinePolicyFromPermissionSet',
        safeToRetry: true,
        resource: permissionSetArn,
      },
      () =>
        this.client.send(
          new DeleteInlinePolicyFromPermissionSetCommand({
            InstanceArn: instance.value.instanceArn,
            PermissionSetArn: permissionSetArn,
          }),
        ),
    );
    if (sent.ok) return { ok: true, value: undefined };
    return { ok: false, error: sent.failure };
  }

  async provision(
    permissionSetArn: string,
    accountId: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<AwsOutcome<PermissionSetProvisioning>> {
    const instance = await this.instance();
    if (!instance.ok) return instance;
    const instanceArn = instance.value.instanceArn;
    const { clock } = this.ctx;
    const started = clock.now();
    const elapsed = () => clock.now() - started;
    const resource = `${permissionSetArn} / account ${accountId}`;

    let status: PermissionSetProvisioningStatus | undefined;
    for (let conflicts = 0; status === undefined; conflicts += 1) {
      options.signal?.throwIfAborted();
      const sent = await send(
        this.ctx,
        { service: 'sso-admin', operation: 'ProvisionPermissionSet', safeToRetry: true, resource },
        () =>
          this.client.send(
            new ProvisionPermissionSetCommand({
              InstanceArn: instanceArn,
              PermissionSetArn: permissionSetArn,
              TargetType: 'AWS_ACCOUNT',
              TargetId: accountId,
            }),
          ),
      );
      if (sent.ok) {
        status = sent.value.PermissionSetProvisioningStatus ?? {};
        break;
      }
      if (sent.name !== 'ConflictException') return { ok: false, error: sent.failure };
      // Another update of this account runs: AWS takes one at a time. Ours is submitted once it is over.
      const delay = backoffDelay(
        conflicts,
        { baseMs: this.timing.conflictRetryMs, maxMs: this.timing.pollMaxMs },
        this.ctx.random,
      );
      if (elapsed() + delay > this.timing.timeoutMs) return { ok: false, error: sent.failure };
      await clock.sleep(delay);
    }

    const requestId = status.RequestId;
    if (requestId === undefined)
      return {
        ok: false,
        error: failure('aws_error', 'AWS gave no request id for the provisioning; its outcome is unknown.'),
      };
    let polls = 0;
    let interval = this.timing.pollInitialMs;
    while (status.Status !== 'SUCCEEDED' && status.Status !== 'FAILED') {
      if (elapsed() + interval > this.timing.timeoutMs) {
        return {
          ok: false,
          error: failure(
            'timed_out',
            `AWS was still provisioning ${permissionSetArn} to account ${accountId} after ${Math.round(elapsed() / 1000)} s (request ${requestId}).`,
            { resource: requestId },
          ),
        };
      }
      await clock.sleep(interval);
      options.signal?.throwIfAborted();
      if (polls >= this.timing.steadyPolls) interval = Math.min(interval * 2, this.timing.pollMaxMs);
      const polled = await send(
        this.ctx,
        {
          service: 'sso-admin',
          operation: 'DescribePermissionSetProvisioningStatus',
          safeToRetry: true,
          resource: requestId,
        },
        () =>
          this.client.send(
            new DescribePermissionSetProvisioningStatusCommand({
              InstanceArn: instanceArn,
              ProvisionPermissionSetRequestId: requestId,
            }),
          ),
      );
      if (!polled.ok) return { ok: false, error: polled.failure };
      status = polled.value.PermissionSetProvisioningStatus ?? {};
      polls += 1;
    }
    if (status.Status === 'SUCCEEDED') {
      this.ctx.logger.info(
        { permissionSetArn, accountId, requestId, polls, ms: elapsed() },
        'permission set provisioned',
      );
      return { ok: true, value: { requestId, polls, elapsedMs: elapsed() } };
    }
    const reason = status.FailureReason ?? 'AWS gave no reason';
    this.ctx.logger.warn(
      { permissionSetArn, accountId, requestId, reason },
      'permission set provisioning failed',
    );
    return {
      ok: false,
      error: failure(
        'provisioning_failed',
        `AWS could not provision ${permissionSetArn} to account ${accountId}: ${reason}`,
        { resource: requestId, reason },
      ),
    };
  }
}
