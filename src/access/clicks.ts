/**
 * Clicks, kept before they are acknowledged and run exactly once. `record` is one insert: a `decide` job that
 * this process's job runner already holds, so the listener runs it itself right after its ack; if the process
 * dies first, the job's short lease runs out and any worker runs it and answers the person (ClickAnswers).
 *
 * Running a click twice changes nothing the second time: an approval counts once per person (`already_voted`),
 * a decided request stays decided (`already_decided`), and an extension asked for by a click is found again by
 * that click's id. A click run by the job runner says nothing to the person about those outcomes: the card
 * already shows the decision, the click's own earlier run included.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../log.js';
import type { DurationSpec } from '../domain/duration.js';
import type { AccessApi, Outcome } from './api.js';
import type { AdminApi } from './admin-api.js';
import {
  CLICK_ACTIONS,
  type AdminSubmission,
  type Click,
  type ClickAnswers,
  type ClickApi,
  type ClickInput,
} from './click-api.js';
import type { Clock } from './clock.js';
import type { JobRunner } from './jobs.js';
import type { JobRecord } from './ledger.js';
import type { MigrationDone } from './migration-api.js';
import { isMigrationClick, runMigrationClick, type MigrationClickApi } from './migration-clicks.js';
import type { WelcomeResent } from './people-api.js';
import { isWelcomeClick, runWelcomeClick } from './welcome-clicks.js';
import type { RequestView } from './notifier.js';
import type { BulkOnboardApi } from './bulk-api.js';
import type { BreakGlassApi } from './break-glass-api.js';

export interface ClickDeskDeps {
  runner: Pick<JobRunner, 'claimNew' | 'runClaimed'>;
  access: Pick<
    AccessApi,
    'approve' | 'deny' | 'cancel' | 'requestExtension' | 'submitAccessRequest' | 'view' | 'revoke'
  >;
  admin?: Pick<
    AdminApi,
    | 'retry'
    | 'submitOnboarding'
    | 'submitOffboarding'
    | 'submitRoleChange'
    | 'submitGroupChange'
    | 'submitGroupCreate'
    | 'submitUserUpdate'
    | 'resendWelcome'
  >;
  /** The IAM-to-SSO migration's commands and buttons (src/access/migration-clicks.ts). */
  migration?: MigrationClickApi;
  /** Bulk onboarding from a file shared in Slack (src/access/bulk-api.ts). */
  bulk?: Pick<BulkOnboardApi, 'submit'>;
  /** `/access breakglass` and the review buttons on its card (src/access/break-glass.ts). */
  breakGlass?: BreakGlassApi;
  /** How a click run by the job runner answers the person. Absent: it is logged only. */
  answers?: ClickAnswers;
  clock: Clock;
  logger: Logger;
}

/** Outcomes that mean the click's effect is there already (its own earlier run, or another person's). */
const SETTLED: ReadonlySet<string> = new Set(['already_voted', 'already_decided']);

type Refusal = Extract<Outcome<never>, { ok: false }>;

export class ClickDesk implements ClickApi {
  private readonly log: Logger;

  constructor(private readonly deps: ClickDeskDeps) {
    this.log = deps.logger.child({ module: 'clicks' });
  }

  async record(input: ClickInput): Promise<Click> {
    const job = await this.deps.runner.claimNew({
      kind: 'decide',
      requestId: input.requestId ?? null,
      payload: payloadOf(input),
      runAt: this.deps.clock.now(),
      dedupeKey: `click:${randomUUID()}`,
    });
    return { ...input, id: job.id };
  }

  run(click: Click): Promise<Outcome<RequestView>> {
    const job = {
      id: click.id,
      kind: 'decide' as const,
      attempts: 0,
      requestId: click.requestId ?? null,
      grantId: null,
      leaseUntil: null,
    };
    return this.deps.runner.runClaimed(job, () => this.decide(click));
  }

  runMigration(click: Click): Promise<Outcome<MigrationDone>> {
    const job = {
      id: click.id,
      kind: 'decide' as const,
      attempts: 0,
      requestId: null,
      grantId: null,
      leaseUntil: null,
    };
    return this.deps.runner.runClaimed(job, (signal) =>
      runMigrationClick(this.deps.migration, click, signal),
    );
  }

  runWelcome(click: Click): Promise<Outcome<WelcomeResent>> {
    const job = {
      id: click.id,
      kind: 'decide' as const,
      attempts: 0,
      requestId: null,
      grantId: null,
      leaseUntil: null,
    };
    return this.deps.runner.runClaimed(job, () => runWelcomeClick(this.deps.admin, click));
  }

  /** The job runner's part: a click whose listener is gone (or failed). */
  async resume(job: JobRecord, signal: AbortSignal): Promise<void> {
    const click = clickOf(job);
    const log = this.log.child({ clickId: click.id, action: click.action, requestId: click.requestId });
    if (click.action === 'migration') {
      const done = await runMigrationClick(this.deps.migration, click, signal);
      log.info({ ok: done.ok, code: done.ok ? undefined : done.code }, 'click run after its listener');
      if (!signal.aborted) await this.deps.answers?.answerMigration?.(click, done);
      return;
    }
    if (click.action === 'welcome') {
      const sent = await runWelcomeClick(this.deps.admin, click);
      log.info({ ok: sent.ok, code: sent.ok ? undefined : sent.code }, 'click run after its listener');
      if (!signal.aborted) await this.deps.answers?.answerWelcome?.(click, sent);
      return;
    }
    const outcome = await this.decide(click);
    log.info({ ok: outcome.ok, code: outcome.ok ? undefined : outcome.code }, 'click run after its listener');
    if (!outcome.ok && SETTLED.has(outcome.code)) return;
    // Lost the lease meanwhile: the worker that has the job now answers instead.
    if (signal.aborted) return;
    if (this.deps.answers === undefined) return;
    await this.deps.answers.answer(click, outcome);
  }

  private async decide(click: Click): Promise<Outcome<RequestView>> {
    const { access, admin } = this.deps;
    const requestId = click.requestId ?? '';
    switch (click.action) {
      case 'approve':
        return access.approve(requestId, click.userId);
      case 'deny':
        return access.deny(requestId, click.userId, click.reason ?? '');
      case 'cancel':
        return access.cancel(requestId, click.userId);
      case 'migration':
        throw new Error(`migration click ${click.id} runs through runMigration`);
      case 'welcome':
        throw new Error(`welcome click ${click.id} runs through runWelcome`);
      case 'retry':
        return admin === undefined
          ? refuse('not_admin', 'Admin work is not available in this deployment.')
          : admin.retry(requestId, click.userId);
      case 'extend':
        return this.extend(click, requestId);
      case 'request': {
        if (click.submission === undefined)
          throw new Error(`request click ${click.id} carries no submission`);
        return access.submitAccessRequest({
          ...click.submission,
          requesterSlackId: click.userId,
          clickId: click.id,
        });
      }
      case 'admin':
        return this.adminWork(click);
      case 'revoke':
        return this.revoke(click);
      case 'breakglass':
      case 'breakglass_review':
      case 'breakglass_end':
        return this.breakGlass(click, requestId);
    }
  }

  private breakGlass(click: Click, requestId: string): Promise<Outcome<RequestView>> {
    const glass = this.deps.breakGlass;
    if (glass === undefined)
      return Promise.resolve(refuse('not_found', 'Break-glass is not available in this deployment.'));
    if (click.action !== 'breakglass') {
      return glass.review(requestId, click.userId, click.action === 'breakglass_end' ? 'end' : 'reviewed');
    }
    if (click.breakGlass === undefined) throw new Error(`breakglass click ${click.id} carries no request`);
    return glass.submit({ ...click.breakGlass, requesterSlackId: click.userId, clickId: click.id });
  }

  /**
   * `/access revoke`: the answer is the view of the request whose grant it set ending (the card and the message
   * show the rest); a revocation that ends several requests' grants answers with the first.
   */
  private async revoke(click: Click): Promise<Outcome<RequestView>> {
    if (click.revocation === undefined) throw new Error(`revoke click ${click.id} carries no revocation`);
    const outcome = await this.deps.access.revoke({
      ...click.revocation,
      actorSlackId: click.userId,
      clickId: click.id,
    });
    if (!outcome.ok) return outcome;
    const first = outcome.value.ended[0];
    const view = first === undefined ? undefined : await this.deps.access.view(first.requestId);
    if (view === undefined) return refuse('not_holder', 'There was nothing to end.');
    return { ok: true, value: view };
  }

  private adminWork(click: Click): Promise<Outcome<RequestView>> {
    const { admin } = this.deps;
    const form = click.adminSubmission;
    if (form === undefined) throw new Error(`admin click ${click.id} carries no submission`);
    if (admin === undefined)
      return Promise.resolve(refuse('not_admin', 'Admin work is not available in this deployment.'));
    switch (form.kind) {
      case 'onboard':
        return admin.submitOnboarding(click.userId, form.starter, click.id);
      case 'offboard':
        return admin.submitOffboarding(
          click.userId,
          { who: form.who, reason: form.reason, cleanupLegacyIam: form.cleanupLegacyIam },
          click.id,
        );
      case 'role_change':
        return admin.submitRoleChange(
          click.userId,
          { who: form.who, role: form.role, ...(form.reason !== undefined ? { reason: form.reason } : {}) },
          click.id,
        );
      case 'group_change': {
        const { kind: _kind, ...input } = form;
        return admin.submitGroupChange(click.userId, input, click.id);
      }
      case 'group_create': {
        const { kind: _kind, ...input } = form;
        return admin.submitGroupCreate(click.userId, input, click.id);
      }
      case 'user_update': {
        const { kind: _kind, ...input } = form;
        return admin.submitUserUpdate(click.userId, input, click.id);
      }
      case 'bulk_onboard': {
        const { bulk } = this.deps;
        if (bulk === undefined)
          return Promise.resolve(refuse('not_admin', 'Bulk onboarding is not available in this deployment.'));
        return bulk.submit(
          click.userId,
          { slackFileId: form.slackFileId, digest: form.digest },
          { clickId: click.id, ...(form.reason !== undefined ? { reason: form.reason } : {}) },
        );
      }
    }
  }

  private async extend(click: Click, requestId: string): Promise<Outcome<RequestView>> {
    if (click.extensionCommand !== undefined) {
      return this.deps.access.requestExtension({
        ...click.extensionCommand,
        requesterSlackId: click.userId,
        clickId: click.id,
      });
    }
    const extension = click.extension;
    if (extension === undefined) throw new Error(`extend click ${click.id} carries no extension`);
    const view = await this.deps.access.view(requestId);
    const grant = view?.grants.find((g) => g.id === extension.grantId);
    if (grant?.status !== 'active') {
      return refuse('nothing_to_extend', 'That access is no longer active, so there is nothing to extend.');
    }
    return this.deps.access.requestExtension({
      requesterSlackId: click.userId,
      // A group membership is extended by its group; an assignment by its permission set and account.
      ...(grant.group !== undefined
        ? { group: grant.group.name }
        : { permissionSet: grant.permissionSet, account: grant.accountAlias }),
      duration: extension.duration,
      ...(extension.reason !== undefined ? { reason: extension.reason } : {}),
      clickId: click.id,
    });
  }
}

const refuse = (code: Refusal['code'], message: string): Refusal => ({ ok: false, code, message });

function payloadOf(input: ClickInput): Record<string, unknown> {
  return {
    action: input.action,
    userId: input.userId,
    ...(input.reason !== undefined ? { reason: input.reason } : {}),
    ...(input.extension !== undefined ? { extension: input.extension } : {}),
    ...(input.extensionCommand !== undefined ? { extensionCommand: input.extensionCommand } : {}),
    ...(input.revocation !== undefined ? { revocation: input.revocation } : {}),
    ...(input.submission !== undefined ? { submission: input.submission } : {}),
    ...(input.adminSubmission !== undefined ? { adminSubmission: input.adminSubmission } : {}),
    ...(input.migration !== undefined ? { migration: input.migration } : {}),
    ...(input.welcome !== undefined ? { welcome: input.welcome } : {}),
    ...(input.breakGlass !== undefined ? { breakGlass: input.breakGlass } : {}),
    ...(input.responseUrl !== undefined ? { responseUrl: input.responseUrl } : {}),
  };
}

/** The click a `decide` job holds; one written by `record` always reads back (anything else is a bug). */
export function clickOf(job: JobRecord): Click {
  const p = job.payload;
  const action = CLICK_ACTIONS.find((a) => a === p.action);
  if (
    action === undefined ||
    typeof p.userId !== 'string' ||
    (job.requestId === null &&
      action !== 'request' &&
      action !== 'admin' &&
      action !== 'revoke' &&
      !(action === 'migration' && isMigrationClick(p.migration)) &&
      !(action === 'welcome' && isWelcomeClick(p.welcome)) &&
      !(action === 'breakglass' && isBreakGlass(p.breakGlass)) &&
      !(action === 'extend' && isExtensionCommand(p.extensionCommand)))
  ) {
    throw new Error(`decide job ${job.id} does not hold a click`);
  }
  return {
    id: job.id,
    action,
    ...(job.requestId !== null ? { requestId: job.requestId } : {}),
    userId: p.userId,
    ...(typeof p.reason === 'string' ? { reason: p.reason } : {}),
    ...(isExtension(p.extension) ? { extension: p.extension } : {}),
    ...(isExtensionCommand(p.extensionCommand) ? { extensionCommand: p.extensionCommand } : {}),
    ...(isRevocation(p.revocation) ? { revocation: p.revocation } : {}),
    ...(isSubmission(p.submission) ? { submission: p.submission } : {}),
    ...(isAdminSubmission(p.adminSubmission) ? { adminSubmission: p.adminSubmission } : {}),
    ...(isMigrationClick(p.migration) ? { migration: p.migration } : {}),
    ...(isWelcomeClick(p.welcome) ? { welcome: { who: p.welcome.who } } : {}),
    ...(isBreakGlass(p.breakGlass) ? { breakGlass: p.breakGlass } : {}),
    ...(typeof p.responseUrl === 'string' ? { responseUrl: p.responseUrl } : {}),
  };
}

function isDuration(value: unknown): value is DurationSpec {
  if (typeof value !== 'object' || value === null) return false;
  const d = value as Record<string, unknown>;
  return d.kind === 'permanent' || (d.kind === 'for' && typeof d.ms === 'number');
}

function isSubmission(value: unknown): value is NonNullable<Click['submission']> {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.permissionSet === 'string' &&
    Array.isArray(v.accounts) &&
    v.accounts.every((a) => typeof a === 'string') &&
    (v.duration === undefined || isDuration(v.duration)) &&
    (v.reason === undefined || typeof v.reason === 'string') &&
    (v.when === undefined || typeof v.when === 'string') &&
    (v.group === undefined || typeof v.group === 'string')
  );
}

function isBreakGlass(value: unknown): value is NonNullable<Click['breakGlass']> {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.permissionSet === 'string' &&
    typeof v.account === 'string' &&
    isDuration(v.duration) &&
    typeof v.reason === 'string'
  );
}

function isExtension(value: unknown): value is { grantId: string; duration: DurationSpec; reason?: string } {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.grantId === 'string' &&
    isDuration(v.duration) &&
    (v.reason === undefined || typeof v.reason === 'string')
  );
}

const optional = (x: unknown): boolean => x === undefined || typeof x === 'string';

function isExtensionCommand(value: unknown): value is NonNullable<Click['extensionCommand']> {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    isDuration(v.duration) &&
    optional(v.permissionSet) &&
    optional(v.account) &&
    optional(v.reason) &&
    optional(v.group)
  );
}

function isRevocation(value: unknown): value is NonNullable<Click['revocation']> {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.permissionSet === 'string' &&
    typeof v.account === 'string' &&
    optional(v.targetSlackId) &&
    optional(v.targetEmail) &&
    optional(v.group)
  );
}

function isAdminSubmission(value: unknown): value is AdminSubmission {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const optionalText = (x: unknown): boolean => x === undefined || typeof x === 'string';
  switch (v.kind) {
    case 'onboard': {
      const s = v.starter as Record<string, unknown> | null | undefined;
      return (
        typeof s === 'object' &&
        s !== null &&
        typeof s.email === 'string' &&
        typeof s.givenName === 'string' &&
        typeof s.familyName === 'string'
      );
    }
    case 'offboard':
      return (
        typeof v.who === 'string' && typeof v.reason === 'string' && typeof v.cleanupLegacyIam === 'boolean'
      );
    case 'role_change':
      return typeof v.who === 'string' && typeof v.role === 'string' && optionalText(v.reason);
    case 'group_change':
      return (
        typeof v.who === 'string' &&
        typeof v.group === 'string' &&
        optionalText(v.groupId) &&
        (v.action === 'add' || v.action === 'remove') &&
        optionalText(v.reason)
      );
    case 'group_create':
      return typeof v.name === 'string' && optionalText(v.description);
    case 'user_update':
      return (
        ['who', 'userId', 'givenName', 'familyName', 'displayName', 'email'].every(
          (k) => typeof v[k] === 'string',
        ) && optionalText(v.reason)
      );
    case 'bulk_onboard':
      return typeof v.slackFileId === 'string' && typeof v.digest === 'string' && optionalText(v.reason);
    default:
      return false;
  }
}
