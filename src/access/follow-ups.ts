/**
 * A pending request's follow-ups, as its details keep them: the tickets it carries, when its approvers are
 * reminded and to whom it escalates (decided by the rules when it was asked for: src/domain/follow-ups.ts),
 * which approvers are not pinged, and what has happened (reminded at, escalated to whom).
 *
 * Escalation widens who may approve, at the click: the escalation groups' members as they are now join every
 * requirement, while the number of approvals each asks for stays. The requester and the people the work is about
 * never join (the access service refuses them by every Slack account and by Identity Center user anyway).
 */
import type { AccessDeskConfig } from '../config/types.js';
import type { QuietApprovers, RemindPlan } from '../domain/follow-ups.js';
import type { Requirement } from '../domain/rule-parts.js';
import { ticketInputOf, type TicketRef } from '../domain/tickets.js';
import { subjectsOf } from './admin/bulk-steps.js';
import { slackIdsOf } from './admin/subject.js';
import { approverGroupsNow } from './approver-groups.js';
import type { RequestRecord } from './ledger.js';
import type { SlackPeople } from './people.js';

/** The escalation of a request, once the scheduler made it. */
export interface Escalation {
  /** Approver groups that may approve it too from now on. */
  groups: string[];
  /** ISO time. */
  at: string;
  /** Who was in them then (requester and subjects left out): mentioned in the thread, shown nowhere else. */
  approvers: string[];
}

/** What the request's details say of its follow-ups (each key absent when nothing is said). */
export interface RequestFollowUps {
  tickets?: TicketRef[];
  remind?: RemindPlan;
  quiet?: QuietApprovers;
  /** ISO time the approvers were reminded. */
  remindedAt?: string;
  escalation?: Escalation;
}

/** A reminder or an escalation, as a reply in the card's thread. */
export interface ApproverNudge {
  step: 'reminder' | 'escalation';
  /** Slack ids to mention (never the requester, never a `notify: false` approver). */
  mention: string[];
  /** Approver groups named without a ping (`notify: false`). */
  quietGroups: string[];
  /** For an escalation: the groups it escalated to. */
  groups: string[];
}

/** The follow-ups a request's details hold, read defensively (details are JSON written by older versions too). */
export function followUpsOf(request: Pick<RequestRecord, 'details'>): RequestFollowUps {
  const d = request.details;
  const tickets = Array.isArray(d.tickets)
    ? (d.tickets as unknown[]).filter(
        (t): t is TicketRef =>
          typeof t === 'object' &&
          t !== null &&
          typeof (t as TicketRef).ref === 'string' &&
          typeof (t as TicketRef).url === 'string',
      )
    : [];
  const remind = d.remind as RemindPlan | undefined;
  const quiet = d.quiet as QuietApprovers | undefined;
  const escalation = d.escalation as Escalation | undefined;
  return {
    ...(tickets.length > 0 ? { tickets } : {}),
    ...(remind !== undefined && typeof remind.afterMs === 'number' ? { remind } : {}),
    ...(quiet !== undefined && Array.isArray(quiet.approvers) ? { quiet } : {}),
    ...(typeof d.remindedAt === 'string' ? { remindedAt: d.remindedAt } : {}),
    ...(escalation !== undefined && Array.isArray(escalation.groups) ? { escalation } : {}),
  };
}

/** The request's tickets as a rules subject's `ticket`, so that deciding again at the click finds them again. */
export function ticketSubject(request: Pick<RequestRecord, 'details'>): { ticket?: string } {
  const ticket = ticketInputOf(followUpsOf(request).tickets);
  return ticket !== undefined ? { ticket } : {};
}

/** The tickets for a `request.submitted` audit event: each reference with its link. */
export function ticketsAudit(tickets: readonly TicketRef[] | undefined): {
  tickets?: { ref: string; url: string }[];
} {
  return tickets !== undefined && tickets.length > 0
    ? { tickets: tickets.map((t) => ({ ref: t.ref, url: t.url })) }
    : {};
}

interface Approvers {
  requirements: Requirement[];
  approvers: string[];
  requiredApprovals: number;
}

/**
 * Who may approve once a request has escalated: its escalation groups' members now join every requirement. The
 * number of approvals never changes. Unchanged when it has not escalated.
 */
export async function escalatedApprovers<T extends Approvers>(
  request: RequestRecord,
  now: T,
  config: Pick<AccessDeskConfig, 'approvers' | 'people'>,
  people: SlackPeople,
): Promise<T> {
  const escalation = followUpsOf(request).escalation;
  if (escalation === undefined || escalation.groups.length === 0) return now;
  const members = await escalationMembers(request, escalation.groups, config, people);
  if (members.length === 0) return now;
  const requirements = now.requirements.map((r) => ({
    ...r,
    approvers: [...new Set([...r.approvers, ...members])].sort(),
  }));
  return {
    ...now,
    requirements,
    approvers: [...new Set(requirements.flatMap((r) => r.approvers))].sort(),
    requiredApprovals: now.requiredApprovals,
  };
}

/** The members of `groups` now, without the requester and without every Slack account of the work's subjects. */
export async function escalationMembers(
  request: RequestRecord,
  groups: readonly string[],
  config: Pick<AccessDeskConfig, 'approvers' | 'people'>,
  people: SlackPeople | undefined,
): Promise<string[]> {
  const now = await groupsNow(config, people);
  const excluded = new Set([
    request.requesterSlackId,
    ...subjectsOf(request).flatMap((s) => slackIdsOf(config.people, s.email, s.slackUserId)),
  ]);
  const members = [...new Set(groups.flatMap((g) => now[g] ?? []))].filter((id) => !excluded.has(id));
  const requester = await requesterAccountsAmong(request, members, config, people);
  return members.filter((id) => !requester.has(id)).sort();
}

/**
 * Which of `candidates` are the requester's other Slack accounts: those `people:` maps to their email, and those
 * whose Slack profile has it (any case), as the identity path would match them. Never mentioned, never counted;
 * the click refuses them anyway, by the Identity Center user they resolve to.
 */
export async function requesterAccountsAmong(
  request: Pick<RequestRecord, 'requesterSlackId' | 'requesterEmail'>,
  candidates: readonly string[],
  config: Pick<AccessDeskConfig, 'people'>,
  people: SlackPeople | undefined,
): Promise<Set<string>> {
  const email = request.requesterEmail.toLowerCase();
  const same = new Set(
    email === '' ? [request.requesterSlackId] : slackIdsOf(config.people, email, request.requesterSlackId),
  );
  if (email === '' || people === undefined) return same;
  for (const id of candidates) {
    if (same.has(id) || config.people[id] !== undefined) continue;
    const profile = await people.profileEmail(id).catch(() => undefined);
    if (profile?.toLowerCase() === email) same.add(id);
  }
  return same;
}

/** Approver groups now: user groups looked up when Slack can be asked, else the users the file lists. */
export function groupsNow(
  config: Pick<AccessDeskConfig, 'approvers'>,
  people: SlackPeople | undefined,
): Promise<Record<string, string[]>> {
  if (people !== undefined) return approverGroupsNow(config, people);
  return Promise.resolve(
    Object.fromEntries(Object.entries(config.approvers).map(([name, g]) => [name, [...g.users]])),
  );
}

/** The patterns rules require tickets by, for the request form's Ticket field (absent when no rule does). */
export function ticketPatternsOf(config: Pick<AccessDeskConfig, 'rules'>): { ticketPatterns?: string[] } {
  const patterns = [
    ...new Set(config.rules.flatMap((r) => (r.requireTicket ? [r.requireTicket.pattern] : []))),
  ];
  return patterns.length > 0 ? { ticketPatterns: patterns } : {};
}
