/**
 * What a time-bound group membership keeps in its request (`details.groupAccess`) and its grant (`group`), and
 * the few words other parts of access-desk use to name it (cards, the audit channel, whois). A request's details
 * are JSON from the ledger: they are read defensively here, and a value without the expected shape is ignored
 * rather than trusted. Pure.
 */
import type { RulePart } from '../domain/rule-parts.js';
import { escapeMrkdwn, joinWords } from '../domain/text.js';
import { newGrantId } from './ids.js';
import type { GrantRecord, RequestRecord } from './ledger.js';

/** One permission set × account a group carries, as shown on the card. */
export interface CarriedAccess {
  permissionSet: string;
  accountAlias: string;
}

/** The group a request joins (or extends the membership of), and what the rules judged it by. */
export interface GroupAccessDetails {
  /** Identity Center group id. */
  groupId: string;
  groupName: string;
  description?: string;
  /** What the group carried when it was asked for (read from AWS then). */
  carries: CarriedAccess[];
  /**
   * The parts the rules judged (src/domain/rule-parts.ts): each permission set × account the group carries, with
   * the group, or the group alone when it carries nothing. Who may approve is judged again from them at the click.
   */
  parts: RulePart[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function readCarried(raw: unknown): CarriedAccess[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(
    (c): c is CarriedAccess =>
      isRecord(c) && typeof c.permissionSet === 'string' && typeof c.accountAlias === 'string',
  );
}

function readParts(raw: unknown): RulePart[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(
    (p): p is RulePart =>
      isRecord(p) &&
      Array.isArray(p.accounts) &&
      p.accounts.every((a) => typeof a === 'string') &&
      (p.permissionSet === undefined || typeof p.permissionSet === 'string') &&
      (p.groups === undefined || (Array.isArray(p.groups) && p.groups.every((g) => typeof g === 'string'))),
  );
}

/** The group of a group-membership request (or of an extension of one); undefined for any other request. */
export function groupAccessOf(request: Pick<RequestRecord, 'details'>): GroupAccessDetails | undefined {
  const raw = (request.details as { groupAccess?: unknown }).groupAccess;
  if (!isRecord(raw) || typeof raw.groupId !== 'string' || typeof raw.groupName !== 'string')
    return undefined;
  return {
    groupId: raw.groupId,
    groupName: raw.groupName,
    ...(typeof raw.description === 'string' && raw.description.trim() !== ''
      ? { description: raw.description }
      : {}),
    carries: readCarried(raw.carries),
    parts: readParts(raw.parts),
  };
}

/** The group's name for plain text (the audit channel); `(unknown group)` for a request without one. */
export const groupAccessName = (request: Pick<RequestRecord, 'details'>): string =>
  groupAccessOf(request)?.groupName ?? '(unknown group)';

/** What one grant gives, in plain words: `group AdministratorAccess`, or `SeniorDeveloper on prod`. */
export const grantWhat = (grant: GrantRecord): string =>
  grant.group !== undefined ? `group ${grant.group.name}` : `${grant.permissionSet} on ${grant.accountAlias}`;

/** A grant of `request` waiting to be made in AWS, for one account (access) or for its group (`account` absent). */
function pendingGrant(request: RequestRecord, account?: { id: string; alias: string }): GrantRecord {
  return {
    id: newGrantId(),
    requestId: request.id,
    status: 'pending',
    requesterSlackId: request.requesterSlackId,
    principalId: request.requesterUserId,
    accountId: account?.id ?? '',
    accountAlias: account?.alias ?? '',
    permissionSet: account !== undefined ? request.permissionSet : '',
    permissionSetArn: account !== undefined ? request.permissionSetArn : '',
    startsAt: null,
    endsAt: null,
    failureReason: null,
    awsRequestId: null,
    createdAssignment: null,
    remindedAt: null,
    endedAt: null,
    endReason: null,
  };
}

/** The grant an approved group-membership request makes: one, for the group; nothing made in AWS yet. */
export function groupGrantOf(request: RequestRecord): GrantRecord {
  const group = groupAccessOf(request);
  if (group === undefined) throw new Error(`request ${request.id} is a group membership without its group`);
  return {
    ...pendingGrant(request),
    group: { id: group.groupId, name: group.groupName, membershipId: null },
  };
}

/**
 * The grants an approved request makes (nothing made in AWS yet): one per account for access, one for the group
 * for a group membership, none for other kinds (an extension moves grants that exist; admin work has its steps).
 */
export function pendingGrantsOf(request: RequestRecord): GrantRecord[] {
  if (request.kind === 'access') return request.accounts.map((account) => pendingGrant(request, account));
  if (request.kind === 'group_access') return [groupGrantOf(request)];
  return [];
}

/** Two open requests about the same person's membership of the same group: the second one waits. */
export function sameGroupAccess(a: RequestRecord, b: RequestRecord): boolean {
  const ga = groupAccessOf(a);
  const gb = groupAccessOf(b);
  return ga !== undefined && gb !== undefined && ga.groupId === gb.groupId;
}

/** `ReadOnlyAccess on dev, prod and staging`: what a group carries, in words (mrkdwn-escaped). */
export function carriesText(carries: readonly CarriedAccess[]): string {
  if (carries.length === 0) return 'no permission set on any account';
  const byPs = new Map<string, string[]>();
  for (const c of carries) byPs.set(c.permissionSet, [...(byPs.get(c.permissionSet) ?? []), c.accountAlias]);
  return joinWords(
    [...byPs].map(([ps, accounts]) => `${escapeMrkdwn(ps)} on ${joinWords(accounts.map(escapeMrkdwn))}`),
  );
}
