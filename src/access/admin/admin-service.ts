/**
 * The admins' service: onboarding, offboarding, role changes as requests with steps (planned here, approved
 * like any request, run by the step runner), retries of failed work, and the migration email. Only admins
 * may use it; every refusal says why and what would work.
 */
import type { Logger } from '../../log.js';
import { LIMITS, escapeMrkdwn } from '../../domain/text.js';
import type {
  AdminApi,
  AdminRequestDetails,
  NewStarter,
  OffboardingPreview,
  OnboardingPlan,
  RoleChangePreview,
} from '../admin-api.js';
import type { Outcome } from '../api.js';
import type { RequestView } from '../notifier.js';
import { cardJob, provisionJob } from '../service.js';
import { buildView } from '../views.js';
import { accountAlias } from './access-today.js';
import type { AdminServiceDeps } from './deps.js';
import { isAdminKind, ok, readDetails, refuse } from './details.js';
import { offboardingSteps, previewOffboarding, sessionFields, snapshotOf } from './offboarding.js';
import { planOnboarding } from './onboarding.js';
import { decideAdmin, recordAdminRequest, type NewAdminRequest } from './record.js';
import { planRoleChange } from './role-change.js';
import { requestMadeByClick } from '../made-by-click.js';
import { findPerson, slackIdsOf, type Person } from './subject.js';
import { grantedParts } from './rule-parts.js';
import type { GroupApi } from '../group-api.js';
import { GroupWork } from './groups.js';
import type { MigrationApi } from '../migration-api.js';
import { MigrationWork } from './migration.js';
import type { PeopleApi } from '../people-api.js';
import { PeopleWork } from './user-update.js';
import { resolveRole } from './targets.js';

export class AdminService implements AdminApi {
  private readonly log: Logger;
  /** `/access group …`: membership, listing, new groups (src/access/admin/groups.ts). */
  private readonly groups: GroupWork;
  /** `/access migrate …` and the person's buttons (src/access/admin/migration.ts). */
  private readonly migration: MigrationWork;
  /** `/access user update` and `/access welcome` (src/access/admin/user-update.ts). */
  private readonly people: PeopleWork;

  constructor(private readonly deps: AdminServiceDeps) {
    this.log = deps.logger.child({ module: 'admin' });
    this.groups = new GroupWork(deps);
    this.migration = new MigrationWork(deps);
    this.people = new PeopleWork(deps);
  }

  previewUserUpdate(...args: Parameters<PeopleApi['previewUserUpdate']>) {
    return this.people.previewUserUpdate(...args);
  }

  submitUserUpdate(...args: Parameters<PeopleApi['submitUserUpdate']>) {
    return this.people.submitUserUpdate(...args);
  }

  resendWelcome(...args: Parameters<PeopleApi['resendWelcome']>) {
    return this.people.resendWelcome(...args);
  }

  startMigration(...args: Parameters<MigrationApi['startMigration']>) {
    return this.migration.startMigration(...args);
  }

  confirmMigration(...args: Parameters<MigrationApi['confirmMigration']>) {
    return this.migration.confirmMigration(...args);
  }

  askForHelp(...args: Parameters<MigrationApi['askForHelp']>) {
    return this.migration.askForHelp(...args);
  }

  requestLegacyRemoval(...args: Parameters<MigrationApi['requestLegacyRemoval']>) {
    return this.migration.requestLegacyRemoval(...args);
  }

  waitingMigrations(...args: Parameters<MigrationApi['waitingMigrations']>) {
    return this.migration.waitingMigrations(...args);
  }

  previewGroupChange(...args: Parameters<GroupApi['previewGroupChange']>) {
    return this.groups.previewGroupChange(...args);
  }

  submitGroupChange(...args: Parameters<GroupApi['submitGroupChange']>) {
    return this.groups.submitGroupChange(...args);
  }

  listGroups(...args: Parameters<GroupApi['listGroups']>) {
    return this.groups.listGroups(...args);
  }

  submitGroupCreate(...args: Parameters<GroupApi['submitGroupCreate']>) {
    return this.groups.submitGroupCreate(...args);
  }

  isAdmin(slackUserId: string): boolean {
    return this.deps.config.admins.includes(slackUserId);
  }

  // ---------- onboarding ----------

  async planOnboarding(adminSlackId: string, starter: NewStarter): Promise<Outcome<OnboardingPlan>> {
    const planned = await this.judgeOnboarding(adminSlackId, starter);
    return planned.ok ? ok(planned.value.plan) : planned;
  }

  async submitOnboarding(
    adminSlackId: string,
    starter: NewStarter,
    clickId?: string,
  ): Promise<Outcome<RequestView>> {
    const again = await this.madeByClick(adminSlackId, 'onboard', clickId);
    if (again !== undefined) return this.view(again.id);
    const judged = await this.judgeOnboarding(adminSlackId, starter);
    if (!judged.ok) return judged;
    const { plan, accounts, parts, approval } = judged.value;
    const reason = plan.starter.note ?? '';
    return this.record(
      {
        kind: 'onboard',
        adminSlackId,
        permissionSet: plan.starter.role ?? '',
        accounts,
        reason: reason === '' ? null : reason,
        details: {
          subject: {
            email: plan.starter.email,
            displayName: plan.starter.displayName,
            ...(plan.starter.slackUserId !== undefined ? { slackUserId: plan.starter.slackUserId } : {}),
          },
          ruleParts: parts,
          steps: plan.steps,
          starter: plan.starter,
          ...(clickId !== undefined ? { clickId } : {}),
          ...(plan.starter.role !== undefined ? { role: plan.starter.role } : {}),
        },
      },
      approval,
    );
  }

  /**
   * An onboarding checked and judged by the rules, from everything it would grant (the role's assignments, the
   * extras, what its groups carry), so that the form shows a refusal (a reason needed, nobody left to approve,
   * a permanent grant the rules allow only for a time) before anything is recorded.
   */
  private async judgeOnboarding(adminSlackId: string, starter: NewStarter) {
    const admin = this.checkAdmin(adminSlackId, 'onboard people');
    if (!admin.ok) return admin;
    const planned = await planOnboarding(this.deps, starter);
    if (!planned.ok) return planned;
    const { plan, accounts, targets } = planned.value;
    const reason = plan.starter.note ?? '';
    const parts = await grantedParts(this.deps, targets, plan.groups);
    if (!parts.ok) return parts;
    const approval = await decideAdmin(
      this.deps.config,
      this.deps.people,
      {
        kind: 'onboard',
        requesterSlackId: adminSlackId,
        excludedApprovers: slackIdsOf(this.deps.config.people, plan.starter.email, plan.starter.slackUserId),
        ...(reason !== '' ? { reason } : {}),
      },
      { grants: parts.value },
    );
    if (!approval.ok) return approval;
    return ok({ plan, accounts, parts: parts.value, approval: approval.value });
  }

  // ---------- offboarding ----------

  async previewOffboarding(adminSlackId: string, who: string): Promise<Outcome<OffboardingPreview>> {
    const admin = this.checkAdmin(adminSlackId, 'offboard people');
    if (!admin.ok) return admin;
    const person = await this.person(who);
    if (!person.ok) return person;
    return previewOffboarding(this.deps, person.value);
  }

  async submitOffboarding(
    adminSlackId: string,
    input: { who: string; reason: string; cleanupLegacyIam: boolean },
    clickId?: string,
  ): Promise<Outcome<RequestView>> {
    const admin = this.checkAdmin(adminSlackId, 'offboard people');
    if (!admin.ok) return admin;
    const again = await this.madeByClick(adminSlackId, 'offboard', clickId);
    if (again !== undefined) return this.view(again.id);
    const reason = this.checkReason(input.reason, true);
    if (!reason.ok) return reason;
    const person = await this.person(input.who);
    if (!person.ok) return person;
    const preview = await previewOffboarding(this.deps, person.value);
    if (!preview.ok) return preview;
    const accounts = this.accountRefs([
      ...preview.value.directAssignments.map((a) => a.accountId),
      ...preview.value.activeGrants.map((g) => g.accountId),
    ]);
    const subject = this.subjectOf(person.value);
    const touches = accounts.map((a) => a.alias);
    const approval = await decideAdmin(
      this.deps.config,
      this.deps.people,
      {
        kind: 'offboard',
        requesterSlackId: adminSlackId,
        excludedApprovers: slackIdsOf(this.deps.config.people, subject.email, subject.slackUserId),
        reason: reason.value,
      },
      { touches },
    );
    if (!approval.ok) return approval;
    const iam = preview.value.legacyIamUser;
    return this.record(
      {
        kind: 'offboard',
        adminSlackId,
        permissionSet: '',
        accounts,
        reason: reason.value,
        details: {
          subject,
          touches,
          ...(clickId !== undefined ? { clickId } : {}),
          steps: offboardingSteps(preview.value, input.cleanupLegacyIam),
          cleanupLegacyIam: input.cleanupLegacyIam,
          ...(iam !== undefined ? { legacyIamUserName: iam.userName } : {}),
          snapshot: snapshotOf(preview.value, this.deps.clock.now()),
          ...sessionFields(preview.value),
        },
      },
      approval.value,
    );
  }

  // ---------- role change ----------

  async previewRoleChange(
    adminSlackId: string,
    who: string,
    role: string,
  ): Promise<Outcome<RoleChangePreview>> {
    const planned = await this.planRoleChange(adminSlackId, who, role);
    return planned.ok ? ok(planned.value.plan.preview) : planned;
  }

  async submitRoleChange(
    adminSlackId: string,
    input: { who: string; role: string; reason?: string },
    clickId?: string,
  ): Promise<Outcome<RequestView>> {
    const again = await this.madeByClick(adminSlackId, 'role_change', clickId);
    if (again !== undefined) return this.view(again.id);
    const planned = await this.planRoleChange(adminSlackId, input.who, input.role);
    if (!planned.ok) return planned;
    const { plan, person } = planned.value;
    const reason = this.checkReason(input.reason ?? '', false);
    if (!reason.ok) return reason;
    if (plan.steps.length === 0) {
      return refuse(
        'already_held',
        `${escapeMrkdwn(person.email)} already has exactly what the role ${plan.preview.role} gives: nothing to change.`,
      );
    }
    const { current, add, remove } = plan.preview;
    const subject = this.subjectOf(person);
    // Judged by what it adds; a change that only removes is judged by the accounts it touches.
    const adds = add.assignments.length + add.groups.length > 0;
    const parts = adds
      ? await grantedParts(
          this.deps,
          add.assignments.map((a) => ({
            permissionSet: a.permissionSet,
            account: {
              alias: a.accountAlias,
              id: this.deps.config.accounts[a.accountAlias] ?? a.accountAlias,
            },
          })),
          add.groups,
        )
      : ok([]);
    if (!parts.ok) return parts;
    const touches = plan.accounts.map((a) => a.alias);
    const approval = await decideAdmin(
      this.deps.config,
      this.deps.people,
      {
        kind: 'role_change',
        requesterSlackId: adminSlackId,
        excludedApprovers: slackIdsOf(this.deps.config.people, subject.email, subject.slackUserId),
        ...(reason.value !== '' ? { reason: reason.value } : {}),
      },
      adds ? { grants: parts.value } : { touches },
    );
    if (!approval.ok) return approval;
    return this.record(
      {
        kind: 'role_change',
        adminSlackId,
        permissionSet: plan.preview.role,
        accounts: plan.accounts,
        reason: reason.value === '' ? null : reason.value,
        details: {
          subject,
          ...(adds ? { ruleParts: parts.value } : { touches }),
          ...(clickId !== undefined ? { clickId } : {}),
          steps: plan.steps,
          role: plan.preview.role,
          roleChange: { current, add, remove },
        },
      },
      approval.value,
    );
  }

  // ---------- retry ----------

  async retry(requestId: string, adminSlackId: string): Promise<Outcome<RequestView>> {
    const admin = this.checkAdmin(adminSlackId, 'retry admin work');
    if (!admin.ok) return admin;
    const { ledger, clock } = this.deps;
    const request = await ledger.getRequest(requestId);
    if (request === undefined) return refuse('not_found', `There is no request ${escapeMrkdwn(requestId)}.`);
    if (!isAdminKind(request.kind)) {
      return refuse(
        'invalid_input',
        `${request.id} is an access request: only onboarding, offboarding and role changes are retried. Ask again instead.`,
      );
    }
    const failed = readDetails(request).steps.find((s) => s.status === 'failed');
    const now = clock.now();
    const moved = await ledger.transaction(async (tx) => {
      if (!(await tx.transitionRequest(request.id, 'failed', 'provisioning'))) return false;
      await tx.appendAudit({
        at: now,
        actor: adminSlackId,
        action: 'request.retried',
        requestId: request.id,
        details: { from: failed?.id ?? null },
      });
      await tx.enqueueJob(provisionJob(request.id, now));
      await tx.enqueueJob(cardJob(request.id, now));
      return true;
    });
    if (!moved) {
      const current = await ledger.getRequest(requestId);
      return refuse(
        'already_decided',
        `${request.id} is ${current?.status ?? 'gone'}, not failed: there is nothing to retry.`,
      );
    }
    this.log.info({ requestId, from: failed?.id }, 'admin work retried');
    this.deps.wake?.();
    return this.view(request.id);
  }

  // ---------- helpers ----------

  private async planRoleChange(adminSlackId: string, who: string, roleInput: string) {
    const admin = this.checkAdmin(adminSlackId, 'change roles');
    if (!admin.ok) return admin;
    const role = resolveRole(this.deps.config, roleInput);
    if (!role.ok) return role;
    const person = await this.person(who);
    if (!person.ok) return person;
    const plan = await planRoleChange(this.deps, person.value, role.value);
    if (!plan.ok) return plan;
    return ok({ plan: plan.value, person: person.value });
  }

  private async record(
    input: NewAdminRequest,
    approval: Parameters<typeof recordAdminRequest>[3],
  ): Promise<Outcome<RequestView>> {
    const recorded = await recordAdminRequest(
      this.deps.ledger,
      this.deps.config,
      input,
      approval,
      this.deps.clock.now(),
    );
    if (!recorded.ok) return recorded;
    this.log.info(
      { requestId: recorded.value.id, kind: input.kind, auto: approval.autoApprove },
      'admin request submitted',
    );
    this.deps.wake?.();
    return this.view(recorded.value.id);
  }

  /** The request a recorded form submission already made, when it runs again (its listener died). */
  private madeByClick(
    adminSlackId: string,
    kind: 'onboard' | 'offboard' | 'role_change',
    clickId: string | undefined,
  ) {
    if (clickId === undefined) return Promise.resolve(undefined);
    return requestMadeByClick(this.deps.ledger, adminSlackId, kind, clickId);
  }

  private checkAdmin(slackId: string, what: string): Outcome<void> {
    if (this.isAdmin(slackId)) return ok(undefined);
    return refuse('not_admin', `Only admins may ${what}. Ask one of ${this.admins()}.`);
  }

  private admins(): string {
    return this.deps.config.admins.map((id) => `<@${id}>`).join(' ');
  }

  private checkReason(text: string, required: boolean): Outcome<string> {
    const reason = text.trim();
    if (required && reason === '')
      return refuse('reason_required', 'Say why (a leaving date, a ticket): the card and the audit show it.');
    if (reason.length > LIMITS.reason)
      return refuse('reason_too_long', `Keep the reason under ${LIMITS.reason} characters.`);
    return ok(reason);
  }

  private async person(who: string): Promise<Outcome<Person>> {
    return findPerson(this.deps.directory, this.deps.identities, who);
  }

  private subjectOf(person: Person): AdminRequestDetails['subject'] {
    const [slackUserId] = slackIdsOf(this.deps.config.people, person.email, person.slackUserId);
    return {
      email: person.email,
      displayName: person.user.displayName,
      userId: person.user.id,
      ...(slackUserId !== undefined ? { slackUserId } : {}),
    };
  }

  private accountRefs(ids: string[]) {
    return [...new Set(ids)].map((id) => ({ id, alias: accountAlias(this.deps.config, id) }));
  }

  private async view(requestId: string): Promise<Outcome<RequestView>> {
    const view = await buildView(this.deps.ledger, this.deps.catalog, requestId, this.deps.config.sessions);
    if (view === undefined) throw new Error(`request ${requestId} vanished after it was written`);
    return ok(view);
  }
}
