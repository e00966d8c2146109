/**
 * The audit channel: one line per decision (approved, denied, cancelled, lapsed, revoked, retried) and per
 * change in AWS (an assignment given or removed, a step of admin work, an email sent, and each failure), read
 * from the ledger's audit events in the order they were written. It runs as a job with one fixed key, so that
 * one replica at a time posts; each event is marked once posted, so a restart carries on where it stopped (a
 * crash between posting and marking posts that one line twice, never loses it). Without an audit channel the
 * events are passed over, so that configuring one later does not post the history.
 */
import type { Logger } from '../log.js';
import type { AccessDeskConfig } from '../config/types.js';
import { formatDuration } from '../domain/duration.js';
import { utcMinuteText } from '../domain/when.js';
import type { AdminRequestDetails } from './admin-api.js';
import type { Clock } from './clock.js';
import { grantWhat, groupAccessName, groupAccessOf } from './group-access-details.js';
import type { AuditRecord, GrantRecord, Ledger, RequestRecord } from './ledger.js';
import type { AuditLine, Notifier } from './notifier.js';

export const AUDIT_FEED_KEY = 'audit-feed';
const BATCH = 100;

export interface AuditFeedDeps {
  config: AccessDeskConfig;
  ledger: Ledger;
  notifier: Notifier;
  clock: Clock;
  logger: Logger;
}

export class AuditFeed {
  private readonly log: Logger;

  constructor(private readonly deps: AuditFeedDeps) {
    this.log = deps.logger.child({ module: 'audit-feed' });
  }

  /** Whether any event waits to be posted (or passed over): the runner then starts the feed's job. */
  async due(): Promise<boolean> {
    return (await this.deps.ledger.listUnfedAudit(1)).length > 0;
  }

  async run(): Promise<void> {
    const { ledger, notifier, clock, config } = this.deps;
    const channel = config.channels.audit;
    for (;;) {
      const events = await ledger.listUnfedAudit(BATCH);
      if (events.length === 0) return;
      if (channel === undefined) {
        await ledger.markAuditFed(
          events.map((e) => e.id),
          clock.now(),
        );
        continue;
      }
      const requests = new Map<string, RequestRecord | undefined>();
      const grants = new Map<string, GrantRecord | undefined>();
      for (const event of events) {
        const request = await cached(requests, event.requestId, (id) => ledger.getRequest(id));
        const grant = await cached(grants, event.grantId, (id) => ledger.getGrant(id));
        const line = auditLineOf(event, request, grant);
        if (line !== undefined) await notifier.postAuditLine(channel, line);
        await ledger.markAuditFed([event.id], clock.now());
      }
      this.log.debug({ events: events.length }, 'audit lines posted');
    }
  }
}

async function cached<T>(
  seen: Map<string, T | undefined>,
  id: string | null,
  read: (id: string) => Promise<T | undefined>,
): Promise<T | undefined> {
  if (id === null) return undefined;
  if (!seen.has(id)) seen.set(id, await read(id));
  return seen.get(id);
}

const by = (actor: string): string | undefined => (actor === 'system' ? undefined : actor);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** What a request is, in a few words: `SeniorDeveloper on prod for 4h`, `onboarding of nina@…`. */
export function requestWhat(request: RequestRecord | undefined): string {
  if (request === undefined) return 'a request';
  const accounts = request.accounts.map((a) => a.alias).join(', ');
  const subject = (request.details as Partial<AdminRequestDetails>).subject?.email ?? '';
  switch (request.kind) {
    case 'access':
      return `${request.permissionSet} on ${accounts} for ${formatDuration(request.durationMs)}`;
    case 'extend':
      return groupAccessOf(request) !== undefined
        ? `an extension of membership of group ${groupAccessName(request)} by ${formatDuration(request.durationMs)}`
        : `an extension of ${request.permissionSet} on ${accounts} by ${formatDuration(request.durationMs)}`;
    case 'onboard':
      return `the onboarding of ${subject}`;
    case 'offboard':
      return `the offboarding of ${subject}`;
    case 'role_change':
      return `the role change of ${subject} to ${request.permissionSet}`;
    case 'group_change': {
      const group = (request.details as Partial<AdminRequestDetails>).group;
      return group?.action === 'remove'
        ? `the removal of ${subject} from group ${group.name}`
        : `the addition of ${subject} to group ${group?.name ?? '(unknown)'}`;
    }
    case 'group_create':
      return `the creation of group ${(request.details as Partial<AdminRequestDetails>).group?.name ?? '(unknown)'}`;
    case 'user_update':
      return `the update of ${subject}'s details`;
    case 'bulk_onboard':
      return `the onboarding of ${(request.details as Partial<AdminRequestDetails>).batch?.length ?? 0} people`;
    case 'legacy_removal':
      return `the removal of ${subject}'s legacy IAM user`;
    case 'group_access':
      return `membership of group ${groupAccessName(request)} for ${formatDuration(request.durationMs)}`;
  }
}

/** Whom a request is for: the requester of access, the subject of admin work. */
function whom(request: RequestRecord | undefined): Pick<AuditLine, 'forSlackId' | 'forEmail'> {
  if (request === undefined) return {};
  if (request.kind === 'access' || request.kind === 'extend' || request.kind === 'group_access')
    return { forSlackId: request.requesterSlackId };
  const subject = (request.details as Partial<AdminRequestDetails>).subject;
  if (subject?.slackUserId !== undefined) return { forSlackId: subject.slackUserId };
  return subject?.email !== undefined ? { forEmail: subject.email } : {};
}

/**
 * The line an audit event gets in the audit channel, or undefined for events that are neither a decision nor a
 * change (a request submitted, a card redrawn, a reminder, an assignment found already there).
 */
export function auditLineOf(
  event: AuditRecord,
  request: RequestRecord | undefined,
  grant: GrantRecord | undefined,
): AuditLine | undefined {
  const d = event.details;
  const base = {
    at: event.at,
    ...(by(event.actor) !== undefined ? { bySlackId: event.actor } : {}),
    ...(event.requestId !== null ? { requestId: event.requestId } : {}),
  };
  const what = requestWhat(request);
  const target = grant !== undefined ? grantWhat(grant) : what;
  const holder = grant !== undefined ? { forSlackId: grant.requesterSlackId } : whom(request);
  switch (event.action) {
    case 'request.approval_recorded': {
      const met = d.met === true || (d.met === undefined && Number(d.approvals) >= Number(d.required));
      return {
        ...base,
        kind: 'decision',
        did: `approved ${what}${met ? '' : ` (${String(d.approvals)} of ${String(d.required)} so far)`}`,
        ...whom(request),
      };
    }
    case 'request.auto_approved':
      return {
        ...base,
        kind: 'decision',
        did: `approved ${what} by the rules, with no one asked`,
        ...whom(request),
      };
    case 'request.break_glass':
      return {
        ...base,
        kind: 'decision',
        did: `BROKE GLASS: took ${what} at once, without approval (an approver must review it)`,
        ...whom(request),
        ...(request?.reason !== undefined && request.reason !== null ? { note: request.reason } : {}),
      };
    case 'break_glass.reviewed':
      return { ...base, kind: 'decision', did: `reviewed the break-glass use of ${what}`, ...whom(request) };
    case 'break_glass.ended':
      return {
        ...base,
        kind: 'decision',
        did: `ended the break-glass use of ${what} at once`,
        ...whom(request),
      };
    case 'request.denied':
      return {
        ...base,
        kind: 'decision',
        did: `denied ${what}`,
        ...whom(request),
        ...(str(d.reason) !== undefined ? { note: str(d.reason) } : {}),
      };
    case 'request.cancelled':
      return { ...base, kind: 'decision', did: `cancelled ${what}`, ...whom(request) };
    case 'request.lapsed':
      return {
        ...base,
        kind: 'decision',
        did: `let ${what} lapse: nobody decided in time`,
        ...whom(request),
      };
    case 'request.retried':
      return { ...base, kind: 'decision', did: `retried ${what}`, ...whom(request) };
    case 'grant.revoked':
      return { ...base, kind: 'decision', did: `revoked ${target}`, ...holder };
    case 'grant.extended':
      return {
        ...base,
        kind: 'change',
        did: `moved the end of ${target} to ${str(d.to) ?? 'later'}`,
        ...holder,
      };
    case 'aws.assignment.created':
      return { ...base, kind: 'change', did: `assigned ${target} in AWS`, ...holder };
    // Time-bound group memberships (src/access/group-access.ts): `target` is `group <name>`.
    case 'aws.membership.created':
      return { ...base, kind: 'change', did: `added them to ${target} in AWS`, ...holder };
    case 'aws.membership.deleted':
    case 'aws.membership.already_gone':
      return {
        ...base,
        kind: 'change',
        did: `took them out of ${target} in AWS${grant?.endReason !== undefined && grant.endReason !== null ? ` (${grant.endReason})` : ''}`,
        ...holder,
      };
    case 'aws.membership.kept':
      return {
        ...base,
        kind: 'change',
        did: `left them in ${target}: the membership is not access-desk's to remove`,
        ...holder,
        ...(str(d.why) !== undefined ? { note: str(d.why) } : {}),
      };
    case 'aws.membership.failed':
      return {
        ...base,
        kind: 'failure',
        did: `could not add them to ${target} in AWS`,
        ...holder,
        ...(str(d.reason) !== undefined ? { note: str(d.reason) } : {}),
      };
    // Scheduled access (src/access/scheduled.ts).
    case 'request.scheduled':
      return {
        ...base,
        kind: 'decision',
        // Plain text (escaped into the line and its fallback): the start in UTC words, not ISO.
        did: `scheduled ${what} to start ${startText(str(d.startsAt))}`,
        ...whom(request),
      };
    case 'request.start_refused':
      return {
        ...base,
        kind: 'failure',
        did: `did not start ${what}`,
        ...whom(request),
        ...(str(d.reason) !== undefined ? { note: str(d.reason) } : {}),
      };
    case 'aws.assignment.deleted':
    case 'aws.assignment.already_gone':
      return {
        ...base,
        kind: 'change',
        did: `removed ${target} in AWS${grant?.endReason !== undefined && grant.endReason !== null ? ` (${grant.endReason})` : ''}`,
        ...holder,
      };
    case 'aws.assignment.failed':
      return {
        ...base,
        kind: 'failure',
        did: `could not assign ${target} in AWS`,
        ...holder,
        ...(str(d.reason) !== undefined ? { note: str(d.reason) } : {}),
      };
    case 'aws.assignment.delete_failed':
      return {
        ...base,
        kind: 'failure',
        did: `could not remove ${target} in AWS yet (it will try again)`,
        ...holder,
        ...(str(d.message) !== undefined ? { note: str(d.message) } : {}),
      };
    case 'admin.step.done':
      return {
        ...base,
        kind: 'change',
        did: `${lowerFirst(str(d.label) ?? String(d.step))} (${what})`,
        ...whom(request),
      };
    case 'admin.step.failed':
      return {
        ...base,
        kind: 'failure',
        did: `could not ${lowerFirst(str(d.label) ?? String(d.step))} (${what})`,
        ...whom(request),
        ...(str(d.detail) !== undefined ? { note: str(d.detail) } : {}),
      };
    case 'aws.sessions.ended': {
      const where = `${str(d.permissionSet) ?? 'the permission set'} on ${str(d.account) ?? 'the account'}`;
      return {
        ...base,
        kind: 'change',
        did: `ended the sessions already open for ${where} (denied until ${str(d.until) ?? 'their duration has passed'})`,
        ...holder,
      };
    }
    case 'aws.sessions.end_failed': {
      const where = `${str(d.permissionSet) ?? 'the permission set'} on ${str(d.account) ?? 'the account'}`;
      return {
        ...base,
        kind: 'failure',
        did: `could not end the sessions already open for ${where}`,
        ...holder,
        ...(str(d.why) !== undefined ? { note: str(d.why) } : {}),
      };
    }
    case 'aws.sessions.lifted':
      return {
        ...base,
        kind: 'change',
        did: `removed the Deny that ended the sessions for ${str(d.permissionSet) ?? 'the permission set'} on ${str(d.account) ?? 'the account'}: no session from before can be alive now`,
        ...holder,
      };
    case 'aws.sessions.lift_failed':
      return {
        ...base,
        kind: 'failure',
        did: `could not yet remove the Deny that ended the sessions for ${str(d.permissionSet) ?? 'the permission set'} on ${str(d.account) ?? 'the account'} (it will try again in an hour)`,
        ...holder,
        ...(str(d.why) !== undefined ? { note: str(d.why) } : {}),
      };
    case 'email.welcome_resent':
      return {
        ...base,
        kind: 'change',
        did: 'sent the welcome email again',
        forEmail: str(d.to) ?? '',
      };
    case 'email.migration_sent':
      return {
        ...base,
        kind: 'change',
        did: `sent the IAM-to-SSO migration email`,
        forEmail: str(d.to) ?? '',
      };
    case 'migration.confirmed':
      return {
        ...base,
        kind: 'decision',
        did: `confirmed that single sign-on works for them: their legacy IAM user ${str(d.iamUserName) ?? ''} may go`,
        forEmail: str(d.email) ?? '',
      };
    case 'migration.help_asked':
      return {
        ...base,
        kind: 'decision',
        did: 'asked for help moving to single sign-on (the admin who sent the email was told)',
        forEmail: str(d.email) ?? '',
      };
    default:
      return undefined;
  }
}

const lowerFirst = (text: string): string => text.charAt(0).toLowerCase() + text.slice(1);

/** `2026-12-08 10:00 UTC` from an ISO time in an audit event; `later` when there is none to read. */
function startText(iso: string | undefined): string {
  const at = iso === undefined ? undefined : new Date(iso);
  return at === undefined || Number.isNaN(at.getTime()) ? 'later' : utcMinuteText(at);
}
