/**
 * Application assignments (sso-admin): which applications a user or group is assigned to, and removing one.
 * ListApplicationAssignmentsForPrincipal answers for a principal in one (paged) call from the management account;
 * from a member account (a delegated administrator) AWS requires a filter naming one application, so where the
 * unfiltered call is refused the same answer is built from one filtered call per application of the instance.
 * Applications' names come from ListApplications, kept for a short while (they change rarely), and so is each
 * group's list: whois of several members of one group in a row asks for it once (sso-admin's 20 calls a second
 * are shared by every call access-desk makes). A user's own list is always read now: offboarding acts on it.
 */
import {
  DeleteApplicationAssignmentCommand,
  ListApplicationAssignmentsForPrincipalCommand,
  ListApplicationsCommand,
  type ApplicationAssignmentForPrincipal,
  type SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import type { ApplicationAssignments, AwsOutcome } from '../access/ports.js';
import type { Application, ApplicationAssignment, PrincipalRef } from '../domain/identity.js';
import { send, type CallContext, type Sent } from './call.js';
import type { InstanceResolver } from './instance.js';
import { mapLimited, pageAll } from './paging.js';

const PAGE_SIZE = 100;
/** How long the list of applications serves before AWS is asked again. */
export const APPLICATIONS_CACHE_MS = 5 * 60_000;
/** How long a group's application assignments serve before AWS is asked again. */
export const GROUP_APPLICATIONS_CACHE_MS = 60_000;
/** Per-application look-ups in flight at once on the fallback path (they share sso-admin's 20/s anyway). */
const FALLBACK_CONCURRENCY = 4;
/** What AWS answers a member account that lists without naming an application. */
const UNFILTERED_REFUSED = new Set(['AccessDeniedException', 'ValidationException']);

export class AwsApplicationAssignments implements ApplicationAssignments {
  /** Set once AWS refuses the unfiltered listing to this caller, so that it is not asked again. */
  private unfilteredRefused = false;
  private cached: { at: number; applications: Application[] } | undefined;
  // A cache of what AWS said, not state: losing it costs a call, never correctness.
  private readonly groups = new Map<
    string,
    { at: number; read: Promise<AwsOutcome<ApplicationAssignment[]>> }
  >();

  constructor(
    private readonly ctx: CallContext,
    private readonly client: SSOAdminClient,
    private readonly instance: InstanceResolver,
    private readonly cacheMs: number = APPLICATIONS_CACHE_MS,
    private readonly groupCacheMs: number = GROUP_APPLICATIONS_CACHE_MS,
  ) {}

  listForPrincipal(principal: PrincipalRef): Promise<AwsOutcome<ApplicationAssignment[]>> {
    if (principal.type !== 'GROUP') return this.readForPrincipal(principal);
    const now = this.ctx.clock.now();
    const kept = this.groups.get(principal.id);
    if (kept !== undefined && now - kept.at < this.groupCacheMs) return kept.read;
    const read = this.readForPrincipal(principal).then((outcome) => {
      if (!outcome.ok) this.groups.delete(principal.id); // a failure is not kept
      return outcome;
    });
    this.groups.set(principal.id, { at: now, read });
    return read;
  }

  private async readForPrincipal(principal: PrincipalRef): Promise<AwsOutcome<ApplicationAssignment[]>> {
    const instance = await this.instance();
    if (!instance.ok) return instance;
    const { instanceArn } = instance.value;
    if (!this.unfilteredRefused) {
      const listed = await this.list(instanceArn, principal, undefined);
      if (!listed.refused) return listed.outcome;
      this.unfilteredRefused = true;
      this.ctx.logger.warn(
        'ListApplicationAssignmentsForPrincipal without a filter refused (a member account); asking per application instead',
      );
    }
    const applications = await this.listApplications();
    if (!applications.ok) return applications;
    const each = await mapLimited(
      applications.value,
      FALLBACK_CONCURRENCY,
      async (app) => (await this.list(instanceArn, principal, app.arn)).outcome,
    );
    return each.ok ? { ok: true, value: each.value.flat() } : each;
  }

  async delete(assignment: ApplicationAssignment): Promise<AwsOutcome<{ removed: boolean }>> {
    const { applicationArn, principal } = assignment;
    const sent = await send(
      this.ctx,
      {
        service: 'sso-admin',
        operation: 'DeleteApplicationAssignment',
        // Deleting twice is harmless: the second answer is "not found", which is taken as already gone.
        safeToRetry: true,
        resource: `${principal.type} ${principal.id} / ${applicationArn}`,
      },
      () =>
        this.client.send(
          new DeleteApplicationAssignmentCommand({
            ApplicationArn: applicationArn,
            PrincipalId: principal.id,
            PrincipalType: principal.type,
          }),
        ),
    );
    if (principal.type === 'GROUP') this.groups.delete(principal.id);
    if (sent.ok) {
      this.ctx.logger.info({ applicationArn, principalId: principal.id }, 'application assignment removed');
      return { ok: true, value: { removed: true } };
    }
    if (sent.name === 'ResourceNotFoundException') return { ok: true, value: { removed: false } };
    return { ok: false, error: sent.failure };
  }

  async listApplications(options: { fresh?: boolean } = {}): Promise<AwsOutcome<Application[]>> {
    const now = this.ctx.clock.now();
    if (options.fresh !== true && this.cached !== undefined && now - this.cached.at < this.cacheMs) {
      return { ok: true, value: this.cached.applications };
    }
    const instance = await this.instance();
    if (!instance.ok) return instance;
    const listed = await pageAll(
      (token) =>
        send(this.ctx, { service: 'sso-admin', operation: 'ListApplications', safeToRetry: true }, () =>
          this.client.send(
            new ListApplicationsCommand({
              InstanceArn: instance.value.instanceArn,
              NextToken: token,
              MaxResults: PAGE_SIZE,
            }),
          ),
        ),
      (page) => ({ items: page.Applications, next: page.NextToken }),
      'ListApplications',
    );
    if (!listed.ok) return listed;
    const applications: Application[] = [];
    for (const a of listed.value) {
      if (a.ApplicationArn === undefined) continue;
      applications.push({
        arn: a.ApplicationArn,
        name: a.Name ?? a.ApplicationArn,
        ...(a.Description !== undefined ? { description: a.Description } : {}),
        ...(a.Status !== undefined ? { status: a.Status } : {}),
      });
    }
    this.cached = { at: now, applications };
    return { ok: true, value: applications };
  }

  /** One principal's assignments, of one application or of all; `refused`: the unfiltered call is not allowed. */
  private async list(
    instanceArn: string,
    principal: PrincipalRef,
    applicationArn: string | undefined,
  ): Promise<{ outcome: AwsOutcome<ApplicationAssignment[]>; refused: boolean }> {
    let refused = false;
    const listed = await pageAll(
      async (
        token,
      ): Promise<
        Sent<{ ApplicationAssignments?: ApplicationAssignmentForPrincipal[]; NextToken?: string }>
      > => {
        const sent = await send(
          this.ctx,
          {
            service: 'sso-admin',
            operation: 'ListApplicationAssignmentsForPrincipal',
            safeToRetry: true,
            resource: principal.id,
          },
          () =>
            this.client.send(
              new ListApplicationAssignmentsForPrincipalCommand({
                InstanceArn: instanceArn,
                PrincipalId: principal.id,
                PrincipalType: principal.type,
                ...(applicationArn !== undefined ? { Filter: { ApplicationArn: applicationArn } } : {}),
                NextToken: token,
                MaxResults: PAGE_SIZE,
              }),
            ),
        );
        if (!sent.ok && applicationArn === undefined && UNFILTERED_REFUSED.has(sent.name ?? ''))
          refused = true;
        return sent;
      },
      (page) => ({ items: page.ApplicationAssignments, next: page.NextToken }),
      'ListApplicationAssignmentsForPrincipal',
    );
    if (!listed.ok) return { outcome: listed, refused };
    return {
      outcome: { ok: true, value: toApplicationAssignments(listed.value, principal) },
      refused: false,
    };
  }
}

/** AWS's items → domain assignments; an item that names no principal is the principal asked about. */
export function toApplicationAssignments(
  items: readonly ApplicationAssignmentForPrincipal[],
  asked: PrincipalRef,
): ApplicationAssignment[] {
  const out: ApplicationAssignment[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    if (item.ApplicationArn === undefined || item.ApplicationArn === '') continue;
    const principal: PrincipalRef = {
      type: item.PrincipalType ?? asked.type,
      id: item.PrincipalId ?? asked.id,
    };
    const key = `${item.ApplicationArn}|${principal.type}|${principal.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ applicationArn: item.ApplicationArn, principal });
  }
  return out;
}
