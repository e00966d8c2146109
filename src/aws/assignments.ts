/**
 * Account assignments. Creating and deleting are asynchronous in AWS: the call answers IN_PROGRESS with a
 * request id, and the outcome is known only by polling its status. Each change here waits for that outcome
 * (with a timeout), and holds one of the 15 CreateAccountAssignment slots while a creation is in progress.
 */
import {
  CreateAccountAssignmentCommand,
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  type AccountAssignmentOperationStatus,
  type SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import type {
  AssignmentChange,
  AssignmentChangeOptions,
  AssignmentOperationStatus,
  Assignments,
  AwsOutcome,
} from '../access/ports.js';
import type { Assignment, PrincipalRef } from '../domain/identity.js';
import {
  listForAccount,
  listForPrincipalByAccounts,
  listForPrincipalDirect,
  provisionedAccounts,
  type AssignmentListDeps,
} from './assignment-lists.js';
import { send, type CallContext, type Sent } from './call.js';
import { failure } from './errors.js';
import type { InstanceResolver } from './instance.js';
import { backoffDelay } from './limiter.js';

export interface AssignmentTiming {
  /** Wait between status polls; after `steadyPolls` polls it doubles up to `pollMaxMs`. */
  pollInitialMs: number;
  steadyPolls: number;
  pollMaxMs: number;
  /** How long one change may take, from its submission, before it is reported `timed_out`. */
  timeoutMs: number;
  /** First wait before submitting again after ConflictException (another operation on the same target). */
  conflictRetryMs: number;
  /** Parallel reads when listing by accounts. */
  listConcurrency: number;
}

export const defaultAssignmentTiming: AssignmentTiming = {
  pollInitialMs: 250,
  steadyPolls: 8,
  pollMaxMs: 5_000,
  timeoutMs: 5 * 60_000,
  conflictRetryMs: 500,
  listConcurrency: 4,
};

type Kind = 'create' | 'delete';

export function describeAssignment(a: Assignment): string {
  return `${a.principal.type} ${a.principal.id} / ${a.permissionSetArn} / account ${a.accountId}`;
}

export class AwsAssignments implements Assignments {
  /** Set once AWS refuses ListAccountAssignmentsForPrincipal to this caller, so that it is not asked again. */
  private principalListingRefused = false;
  private readonly lists: AssignmentListDeps;

  constructor(
    private readonly ctx: CallContext,
    private readonly client: SSOAdminClient,
    private readonly instance: InstanceResolver,
    permissionSetArns: () => Promise<AwsOutcome<string[]>>,
    private readonly timing: AssignmentTiming = defaultAssignmentTiming,
  ) {
    this.lists = { ctx, client, permissionSetArns, concurrency: timing.listConcurrency };
  }

  async create(
    assignment: Assignment,
    options: AssignmentChangeOptions = {},
  ): Promise<AwsOutcome<AssignmentChange>> {
    const instance = await this.instance();
    if (!instance.ok) return instance;
    const release = await this.ctx.limiter.assignmentCreations.acquire();
    try {
      return await this.change('create', assignment, instance.value.instanceArn, options);
    } finally {
      release();
    }
  }

  async delete(
    assignment: Assignment,
    options: AssignmentChangeOptions = {},
  ): Promise<AwsOutcome<AssignmentChange>> {
    const instance = await this.instance();
    if (!instance.ok) return instance;
    return this.change('delete', assignment, instance.value.instanceArn, options);
  }

  async listForPrincipal(
    principal: PrincipalRef,
    options: { accountIds?: string[] } = {},
  ): Promise<AwsOutcome<Assignment[]>> {
    const instance = await this.instance();
    if (!instance.ok) return instance;
    const { instanceArn } = instance.value;
    if (!this.principalListingRefused) {
      const direct = await listForPrincipalDirect(this.lists, instanceArn, principal, options.accountIds);
      if (direct !== 'refused') return direct;
      this.principalListingRefused = true;
      this.ctx.logger.warn(
        'ListAccountAssignmentsForPrincipal refused (allowed only from the management account); listing by account instead',
      );
    }
    return listForPrincipalByAccounts(this.lists, instanceArn, principal, options.accountIds);
  }

  listForGroup(groupId: string, options: { accountIds?: string[] } = {}): Promise<AwsOutcome<Assignment[]>> {
    return this.listForPrincipal({ type: 'GROUP', id: groupId }, options);
  }

  async listForAccount(accountId: string, permissionSetArn: string): Promise<AwsOutcome<Assignment[]>> {
    const instance = await this.instance();
    if (!instance.ok) return instance;
    return listForAccount(this.lists, instance.value.instanceArn, accountId, permissionSetArn);
  }

  async listProvisionedAccounts(permissionSetArn: string): Promise<AwsOutcome<string[]>> {
    const instance = await this.instance();
    if (!instance.ok) return instance;
    return provisionedAccounts(this.lists, instance.value.instanceArn, permissionSetArn);
  }

  private async change(
    kind: Kind,
    assignment: Assignment,
    instanceArn: string,
    options: AssignmentChangeOptions,
  ): Promise<AwsOutcome<AssignmentChange>> {
    const { clock } = this.ctx;
    const started = clock.now();
    const elapsed = () => clock.now() - started;
    const done = (
      outcome: AssignmentChange['outcome'],
      requestId?: string,
      polls = 0,
    ): AwsOutcome<AssignmentChange> => {
      this.ctx.logger.info(
        { kind, outcome, requestId, polls, ms: elapsed(), ...logFields(assignment) },
        'assignment change done',
      );
      return {
        ok: true,
        value: { outcome, ...(requestId !== undefined ? { requestId } : {}), polls, elapsedMs: elapsed() },
      };
    };

    let status: AccountAssignmentOperationStatus | undefined;
    if (options.resumeRequestId !== undefined) {
      const resumed = await this.describe(kind, options.resumeRequestId, instanceArn);
      if (resumed.ok && resumed.value.RequestId !== undefined) status = resumed.value;
    }
    for (let conflicts = 0; status === undefined; conflicts += 1) {
      options.signal?.throwIfAborted();
      const sent = await this.submit(kind, assignment, instanceArn);
      if (sent.ok) {
        status = sent.value;
        break;
      }
      if (kind === 'delete' && sent.name === 'ResourceNotFoundException') return done('already_gone');
      if (sent.name !== 'ConflictException') return { ok: false, error: sent.failure };
      // Another operation on the same target is running. Submitting again once it is over gives the right
      // answer whatever it was: AWS accepts creating an assignment that exists, and a deletion of one that is
      // gone answers ResourceNotFoundException.
      const delay = backoffDelay(
        conflicts,
        { baseMs: this.timing.conflictRetryMs, maxMs: this.timing.pollMaxMs },
        this.ctx.random,
      );
      if (elapsed() + delay > this.timing.timeoutMs) return { ok: false, error: sent.failure };
      this.ctx.logger.info(
        { kind, conflicts, delayMs: delay, ...logFields(assignment) },
        'assignment target busy; retrying',
      );
      await clock.sleep(delay);
    }

    const requestId = status.RequestId;
    if (requestId === undefined) {
      return {
        ok: false,
        error: failure(
          'aws_error',
          `AWS gave no request id for the assignment ${kind}; its outcome is unknown.`,
        ),
      };
    }
    let polls = 0;
    let interval = this.timing.pollInitialMs;
    this.report(options, kind, assignment, requestId, status, polls, elapsed());
    while (status.Status !== 'SUCCEEDED' && status.Status !== 'FAILED') {
      if (elapsed() + interval > this.timing.timeoutMs) {
        return {
          ok: false,
          error: failure(
            'timed_out',
            `AWS was still provisioning the assignment ${kind} after ${Math.round(elapsed() / 1000)} s (request ${requestId}). It may still finish: check the account's assignments before trying again.`,
            { resource: requestId },
          ),
        };
      }
      await clock.sleep(interval);
      options.signal?.throwIfAborted();
      // Most assignments finish within seconds: ask at the first interval for the first few polls, so a
      // grant is active within one poll interval of AWS finishing; only then back off, to spare the shared
      // sso-admin budget (20 requests a second) for long provisionings.
      if (polls >= this.timing.steadyPolls) interval = Math.min(interval * 2, this.timing.pollMaxMs);
      const polled = await this.describe(kind, requestId, instanceArn);
      if (!polled.ok) return { ok: false, error: polled.failure };
      status = polled.value;
      polls += 1;
      this.report(options, kind, assignment, requestId, status, polls, elapsed());
    }

    if (status.Status === 'SUCCEEDED')
      return done(kind === 'create' ? 'created' : 'deleted', requestId, polls);
    if (kind === 'delete') {
      const present = await this.exists(assignment, instanceArn);
      if (present.ok && !present.value) return done('already_gone', requestId, polls);
    }
    const reason = status.FailureReason ?? 'AWS gave no reason';
    this.ctx.logger.warn({ kind, requestId, reason, ...logFields(assignment) }, 'assignment change failed');
    return {
      ok: false,
      error: failure(
        'provisioning_failed',
        `AWS could not ${kind} the assignment of ${assignment.permissionSetArn} in account ${assignment.accountId}: ${reason}`,
        { resource: requestId, reason },
      ),
    };
  }

  private report(
    options: AssignmentChangeOptions,
    operation: Kind,
    assignment: Assignment,
    requestId: string,
    status: AccountAssignmentOperationStatus,
    polls: number,
    elapsedMs: number,
  ): void {
    if (options.onProgress === undefined) return;
    const value: AssignmentOperationStatus =
      status.Status === 'SUCCEEDED' || status.Status === 'FAILED' ? status.Status : 'IN_PROGRESS';
    try {
      options.onProgress({ operation, assignment, requestId, status: value, polls, elapsedMs });
    } catch (error) {
      // Showing progress must not stop the change from being followed to its end.
      this.ctx.logger.warn({ err: error, requestId }, 'assignment progress callback threw');
    }
  }

  private async submit(
    kind: Kind,
    a: Assignment,
    instanceArn: string,
  ): Promise<Sent<AccountAssignmentOperationStatus>> {
    const input = {
      InstanceArn: instanceArn,
      TargetId: a.accountId,
      TargetType: 'AWS_ACCOUNT' as const,
      PermissionSetArn: a.permissionSetArn,
      PrincipalType: a.principal.type,
      PrincipalId: a.principal.id,
    };
    const resource = describeAssignment(a);
    // Safe to repeat: a second request for the same target either does the same or meets ConflictException.
    if (kind === 'create') {
      const sent = await send(
        this.ctx,
        { service: 'sso-admin', operation: 'CreateAccountAssignment', safeToRetry: true, resource },
        () => this.client.send(new CreateAccountAssignmentCommand(input)),
      );
      return sent.ok ? { ok: true, value: sent.value.AccountAssignmentCreationStatus ?? {} } : sent;
    }
    const sent = await send(
      this.ctx,
      { service: 'sso-admin', operation: 'DeleteAccountAssignment', safeToRetry: true, resource },
      () => this.client.send(new DeleteAccountAssignmentCommand(input)),
    );
    return sent.ok ? { ok: true, value: sent.value.AccountAssignmentDeletionStatus ?? {} } : sent;
  }

  private async describe(
    kind: Kind,
    requestId: string,
    instanceArn: string,
  ): Promise<Sent<AccountAssignmentOperationStatus>> {
    if (kind === 'create') {
      const sent = await send(
        this.ctx,
        {
          service: 'sso-admin',
          operation: 'DescribeAccountAssignmentCreationStatus',
          safeToRetry: true,
          resource: requestId,
        },
        () =>
          this.client.send(
            new DescribeAccountAssignmentCreationStatusCommand({
              InstanceArn: instanceArn,
              AccountAssignmentCreationRequestId: requestId,
            }),
          ),
      );
      return sent.ok ? { ok: true, value: sent.value.AccountAssignmentCreationStatus ?? {} } : sent;
    }
    const sent = await send(
      this.ctx,
      {
        service: 'sso-admin',
        operation: 'DescribeAccountAssignmentDeletionStatus',
        safeToRetry: true,
        resource: requestId,
      },
      () =>
        this.client.send(
          new DescribeAccountAssignmentDeletionStatusCommand({
            InstanceArn: instanceArn,
            AccountAssignmentDeletionRequestId: requestId,
          }),
        ),
    );
    return sent.ok ? { ok: true, value: sent.value.AccountAssignmentDeletionStatus ?? {} } : sent;
  }

  /** Whether AWS holds this assignment now. */
  private async exists(a: Assignment, instanceArn: string): Promise<AwsOutcome<boolean>> {
    const listed = await listForAccount(this.lists, instanceArn, a.accountId, a.permissionSetArn);
    if (!listed.ok) return listed;
    return {
      ok: true,
      value: listed.value.some(
        (x) => x.principal.type === a.principal.type && x.principal.id === a.principal.id,
      ),
    };
  }
}

function logFields(a: Assignment) {
  return {
    accountId: a.accountId,
    permissionSetArn: a.permissionSetArn,
    principalType: a.principal.type,
    principalId: a.principal.id,
  };
}
