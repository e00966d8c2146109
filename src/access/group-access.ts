/**
 * Time-bound group membership (`/access request group:<Group> <duration> [reason]`): a person joins an Identity
 * Center group for a while, judged by the rules as access to everything the group carries (a rule about `access`
 * applies, and a rule's `groups:` matches it), and leaves it at the end.
 *
 * - Asking: the group exists; the person is not in it already (a membership made some other way is never taken
 *   over, so it is refused with `already_member`); the rules judge each permission set × account it carries
 *   with the group (or the group alone when it carries nothing). Never permanent: for good, an admin uses
 *   `/access group add`.
 * - Granting (the provision job): look before you create. A membership found that access-desk did not ask for is
 *   recorded as not ours (`createdAssignment: false`) and left at the end; one made is ours, its id kept.
 * - Ending (the end_grant job): the membership is removed only if it is ours, no other grant of the same person
 *   and group still needs it, and the membership there now is the one we made (someone who removed it and added
 *   the person again made a membership of their own). Then the sessions of what the group carried and the person
 *   holds no longer are ended, as `/access group remove` does.
 */
import type { AccessDeskConfig } from '../config/types.js';
import type { DirectoryGroup } from '../domain/identity.js';
import { decideParts, type PartsDecision, type RulePart } from '../domain/rule-parts.js';
import { dateMrkdwn, escapeMrkdwn } from '../domain/text.js';
import type { Outcome, RefusalCode } from './api.js';
import { accountAlias, unavailable } from './admin/access-today.js';
import { resolveGroup } from './admin/groups.js';
import { approverGroupsNow } from './approver-groups.js';
import { requesterAccountsAmong } from './follow-ups.js';
import type { Clock } from './clock.js';
import { recordGrantEnded } from './grant-ended.js';
import { carriesText, type CarriedAccess, type GroupAccessDetails } from './group-access-details.js';
import type { Identity, IdentityResolver } from './identity.js';
import { RetryLater } from './jobs.js';
import type { AccountRef, GrantRecord, Ledger, RequestRecord } from './ledger.js';
import type { SlackPeople } from './people.js';
import type { Assignments, AwsFailure, Catalog, Directory } from './ports.js';
import { cardJob } from './service.js';
import { heldKey, readHeldNow, recordEndedAccess, type EndedAccess } from './sessions.js';
import { grantEnd } from './scheduled.js';

type Refusal = Extract<Outcome<never>, { ok: false }>;
const refuse = (code: RefusalCode, message: string): Refusal => ({ ok: false, code, message });

/** Marks a grant whose CreateGroupMembership was sent: a membership found after a crash is then ours. */
export const MEMBERSHIP_ASKED = 'CreateGroupMembership';

export interface GroupAccessDeps {
  config: AccessDeskConfig;
  ledger: Ledger;
  identities: IdentityResolver;
  directory: Directory;
  assignments: Assignments;
  catalog: Catalog;
  people: SlackPeople;
}

/** A group-membership request checked and judged, before anything is recorded. */
export interface GroupAccessPlan {
  identity: Identity;
  group: GroupAccessDetails;
  accounts: AccountRef[];
  decision: Extract<PartsDecision, { ok: true }>;
}

/** The group's name as typed after `group:`; the rest is as for any request. */
export interface GroupAccessAsk {
  requesterSlackId: string;
  group: string;
  /** undefined: the rules' default; null: permanent (refused). */
  durationMs: number | null | undefined;
  reason?: string;
  ticket?: string;
}

const sameMembershipWords = (group: string): string =>
  `To stay in it longer: \`/access extend group:${group} 2h\`; to leave it now: \`/access revoke group:${group}\`.`;

/**
 * Checks and judges a time-bound membership: the group, the person, that they are not in it already (by an
 * access-desk grant or otherwise), what it carries, and the rules.
 */
export async function planGroupAccess(
  deps: GroupAccessDeps,
  ask: GroupAccessAsk,
): Promise<Outcome<GroupAccessPlan>> {
  const { config, ledger, identities, directory } = deps;
  if (ask.durationMs === null) {
    return refuse(
      'duration_too_long',
      `A group membership asked for with \`/access request group:…\` is for a while, never permanent: say how long, like \`/access request group:${escapeMrkdwn(ask.group)} 4h\`. An admin adds people to a group for good with \`/access group add\`.`,
    );
  }
  const found = await resolveGroup(directory, ask.group);
  if (!found.ok) return found;
  const group = found.value;
  const name = escapeMrkdwn(group.name);
  const identity = await identities.resolve(ask.requesterSlackId);
  if (!identity.ok) return identity;
  const userId = identity.value.user.id;

  const ours = await ledger.findGrants({
    principalId: userId,
    groupId: group.id,
    statuses: ['pending', 'provisioning', 'active'],
  });
  const held = ours[0];
  if (held !== undefined) {
    const until = held.endsAt === null ? '' : ` until ${dateMrkdwn(held.endsAt)}`;
    return refuse(
      'already_member',
      `You are already in group *${name}*${until} (request ${held.requestId}). ${sameMembershipWords(name)}`,
    );
  }
  const memberships = await directory.listMembershipsOfUser(userId);
  if (!memberships.ok) return unavailable('your groups', memberships.error);
  if (memberships.value.some((m) => m.groupId === group.id)) {
    return refuse(
      'already_member',
      `You are already in group *${name}* in Identity Center (not through access-desk), so there is nothing to grant: it already gives you what it carries. Nothing was asked for.`,
    );
  }

  const carried = await carriedBy(deps, group);
  if (!carried.ok) return carried;
  const carries = carried.value;
  const parts = partsOf(group.name, carries);
  const common = {
    kind: 'group_access' as const,
    requesterSlackId: ask.requesterSlackId,
    durationMs: ask.durationMs,
    ...(ask.reason !== undefined && ask.reason.trim() !== '' ? { reason: ask.reason.trim() } : {}),
    ...(ask.ticket !== undefined ? { ticket: ask.ticket } : {}),
  };
  const approverGroups = await approverGroupsNow(config, deps.people);
  let decision = decideParts(parts, common, config, approverGroups);
  if (decision.ok) {
    // The requester's other Slack accounts (by `people:` or their profile's email) never approve it: not named.
    const same = await requesterAccountsAmong(
      { requesterSlackId: ask.requesterSlackId, requesterEmail: identity.value.email },
      decision.approvers,
      config,
      deps.people,
    );
    const excludedApprovers = decision.approvers.filter((id) => same.has(id));
    if (excludedApprovers.length > 0) {
      decision = decideParts(parts, { ...common, excludedApprovers }, config, approverGroups);
    }
  }
  if (!decision.ok) {
    const code: RefusalCode = decision.code === 'permanent_not_allowed' ? 'duration_too_long' : decision.code;
    const forAdmin = config.admins.includes(ask.requesterSlackId) ? decision.adminMessage : undefined;
    return refuse(code, forAdmin ?? decision.message);
  }
  const accounts = new Map<string, AccountRef>();
  for (const c of carried.value) accounts.set(c.accountId, { id: c.accountId, alias: c.accountAlias });
  return {
    ok: true,
    value: {
      identity: identity.value,
      group: {
        groupId: group.id,
        groupName: group.name,
        ...(group.description !== undefined ? { description: group.description } : {}),
        carries: carries.map((c) => ({ permissionSet: c.permissionSet, accountAlias: c.accountAlias })),
        parts,
      },
      accounts: [...accounts.values()],
      decision: decision,
    },
  };
}

type Carried = CarriedAccess & { accountId: string; permissionSetArn: string };

/** The parts the rules judge a membership by: each permission set × account the group carries, with the group. */
function partsOf(groupName: string, carries: readonly CarriedAccess[]): RulePart[] {
  return carries.length === 0
    ? [{ accounts: [], groups: [groupName] }]
    : carries.map((c) => ({
        permissionSet: c.permissionSet,
        accounts: [c.accountAlias],
        groups: [groupName],
      }));
}

/**
 * A membership's group as it is now (an extension is judged by what the group carries when it is asked for, not
 * by what it carried when the person joined), with the accounts that now touches.
 */
export async function groupAccessNow(
  deps: Pick<GroupAccessDeps, 'config' | 'assignments' | 'catalog'>,
  joined: GroupAccessDetails,
): Promise<Outcome<{ group: GroupAccessDetails; accounts: AccountRef[] }>> {
  const now = await carriedBy(deps, { id: joined.groupId, name: joined.groupName });
  if (!now.ok) return now;
  const carries = now.value.map((c) => ({ permissionSet: c.permissionSet, accountAlias: c.accountAlias }));
  const accounts = new Map<string, AccountRef>();
  for (const c of now.value) accounts.set(c.accountId, { id: c.accountId, alias: c.accountAlias });
  return {
    ok: true,
    value: {
      group: { ...joined, carries, parts: partsOf(joined.groupName, carries) },
      accounts: [...accounts.values()],
    },
  };
}

/**
 * What the group carries now that was not on the request's card (read from AWS at the approval click and at a
 * scheduled start): an access someone gave the group in Identity Center meanwhile was never judged, so a
 * non-empty answer means the membership must be asked for again. Less than the card showed is no reason to stop.
 */
export async function carriedSinceAsked(
  deps: Pick<GroupAccessDeps, 'config' | 'assignments' | 'catalog'>,
  asked: GroupAccessDetails,
): Promise<Outcome<CarriedAccess[]>> {
  const now = await carriedBy(deps, { id: asked.groupId, name: asked.groupName });
  if (!now.ok) return now;
  return { ok: true, value: carriesAdded(asked.carries, now.value) };
}

/** What `now` carries that `shown` did not (by permission set and account alias). Pure. */
export function carriesAdded(
  shown: readonly CarriedAccess[],
  now: readonly CarriedAccess[],
): CarriedAccess[] {
  const seen = new Set(shown.map((c) => `${c.permissionSet}\n${c.accountAlias}`));
  return now
    .filter((c) => !seen.has(`${c.permissionSet}\n${c.accountAlias}`))
    .map((c) => ({ permissionSet: c.permissionSet, accountAlias: c.accountAlias }));
}

/** Why a membership whose group gained access since it was asked for is not granted (mrkdwn). */
export function carriesMoreWords(
  request: Pick<RequestRecord, 'id' | 'kind' | 'requesterSlackId'>,
  asked: GroupAccessDetails,
  added: readonly CarriedAccess[],
  /** The command to ask again with; by default the membership's own. */
  command?: string,
): string {
  const group = escapeMrkdwn(asked.groupName);
  const again = command ?? `/access ${request.kind === 'extend' ? 'extend' : 'request'} group:${group} …`;
  return `Group *${group}* now carries ${carriesText(added)} too, given to it in Identity Center after ${request.id} was asked for; its card showed ${asked.carries.length === 0 ? 'it carrying nothing' : `only ${carriesText(asked.carries)}`}, so nobody judged the rest. Nothing was granted: <@${request.requesterSlackId}> must ask again (\`${again}\`), to be judged by what the group carries now.`;
}

/** What a group carries now, read from AWS, sorted by permission set and account. */
async function carriedBy(
  deps: Pick<GroupAccessDeps, 'config' | 'assignments' | 'catalog'>,
  group: DirectoryGroup,
): Promise<Outcome<Carried[]>> {
  const [carried, sets] = await Promise.all([
    deps.assignments.listForGroup(group.id),
    deps.catalog.permissionSets(),
  ]);
  if (!carried.ok) return unavailable(`what group ${group.name} carries`, carried.error);
  if (!sets.ok) return unavailable('the permission sets', sets.error);
  const names = new Map(sets.value.map((p) => [p.arn, p.name]));
  return {
    ok: true,
    value: carried.value
      .map((a) => ({
        permissionSet: names.get(a.permissionSetArn) ?? a.permissionSetArn,
        permissionSetArn: a.permissionSetArn,
        accountId: a.accountId,
        accountAlias: accountAlias(deps.config, a.accountId),
      }))
      .sort(
        (a, b) =>
          a.permissionSet.localeCompare(b.permissionSet) || a.accountAlias.localeCompare(b.accountAlias),
      ),
  };
}

export interface GroupGrantWorkDeps {
  config: AccessDeskConfig;
  ledger: Ledger;
  directory: Directory;
  assignments: Assignments;
  catalog: Catalog;
  clock: Clock;
}

const TRANSIENT = new Set<AwsFailure['code']>(['throttled', 'timed_out', 'aws_error', 'conflict']);

function transientOr(error: AwsFailure): void {
  if (TRANSIENT.has(error.code)) throw new RetryLater(error.message);
}

/** The provision and end_grant jobs' work for a group-membership grant (src/access/jobs.ts calls it). */
export class GroupGrantWork {
  constructor(private readonly deps: GroupGrantWorkDeps) {}

  /**
   * Joins the person to the group for a grant now `provisioning`, and makes it active; or fails it with AWS's
   * words. Throws RetryLater when AWS did not answer.
   */
  async join(
    request: RequestRecord,
    grant: GrantRecord & { group: NonNullable<GrantRecord['group']> },
  ): Promise<void> {
    const { ledger, directory, clock } = this.deps;
    const asked = grant.awsRequestId === MEMBERSHIP_ASKED;
    if (!asked) {
      // Look before you create: a membership we never asked for was made by someone else, and stays theirs.
      const memberships = await directory.listMembershipsOfUser(grant.principalId);
      if (!memberships.ok) transientOr(memberships.error);
      const found = memberships.ok ? memberships.value.find((m) => m.groupId === grant.group.id) : undefined;
      if (found !== undefined) {
        await this.active(request, grant, false, found.membershipId);
        return;
      }
      await ledger.updateGrant(grant.id, { awsRequestId: MEMBERSHIP_ASKED });
    }
    const joined = await directory.addMembership(grant.group.id, grant.principalId);
    if (joined.ok) {
      // Not created now but asked for before a crash: the membership is the one that run made.
      await this.active(request, grant, true, joined.value.membershipId);
      return;
    }
    transientOr(joined.error);
    const now = clock.now();
    const reason = joined.error.message;
    await ledger.transaction(async (tx) => {
      if (!(await tx.transitionGrant(grant.id, 'provisioning', 'failed', { failureReason: reason }))) return;
      await tx.appendAudit({
        at: now,
        actor: 'system',
        action: 'aws.membership.failed',
        requestId: request.id,
        grantId: grant.id,
        details: { group: grant.group.name, code: joined.error.code, reason },
      });
      await tx.enqueueJob(cardJob(request.id, now));
    });
  }

  private async active(
    request: RequestRecord,
    grant: GrantRecord & { group: NonNullable<GrantRecord['group']> },
    created: boolean,
    membershipId: string,
  ): Promise<void> {
    const { ledger, clock } = this.deps;
    const now = clock.now();
    await ledger.transaction(async (tx) => {
      const moved = await tx.transitionGrant(grant.id, 'provisioning', 'active', {
        startsAt: now,
        endsAt: grantEnd(request, now),
        createdAssignment: created,
      });
      if (!moved) return;
      await tx.updateGrant(grant.id, { membershipId });
      await tx.appendAudit({
        at: now,
        actor: 'system',
        action: created ? 'aws.membership.created' : 'aws.membership.found',
        requestId: request.id,
        grantId: grant.id,
        details: { group: grant.group.name, groupId: grant.group.id, membershipId },
      });
      await tx.enqueueJob(cardJob(request.id, now));
    });
  }

  /**
   * Ends a grant now `ending`: removes the membership when it is ours and nothing else needs it, then ends the
   * sessions of what the group carried that the person no longer holds. AWS not answering is retried (access
   * must end).
   */
  async end(
    grant: GrantRecord & { group: NonNullable<GrantRecord['group']> },
    reason: 'expired' | 'revoked',
  ): Promise<void> {
    const { ledger, directory, clock, config } = this.deps;
    const others = (
      await ledger.findGrants({
        principalId: grant.principalId,
        groupId: grant.group.id,
        statuses: ['pending', 'provisioning', 'active'],
      })
    ).filter((g) => g.id !== grant.id);
    let action: 'aws.membership.deleted' | 'aws.membership.already_gone' | 'aws.membership.kept';
    let why: string | undefined;
    if (grant.createdAssignment === false) {
      action = 'aws.membership.kept';
      why = 'made outside access-desk';
    } else if (others.length > 0) {
      action = 'aws.membership.kept';
      why = `still needed by ${others.map((g) => g.id).join(', ')}`;
    } else {
      const memberships = await directory.listMembershipsOfUser(grant.principalId);
      if (!memberships.ok && memberships.error.code !== 'not_found')
        throw new RetryLater(`ending ${grant.id}: ${memberships.error.message}`);
      const now = memberships.ok ? memberships.value.find((m) => m.groupId === grant.group.id) : undefined;
      if (now === undefined) {
        action = 'aws.membership.already_gone';
      } else if (grant.group.membershipId !== null && now.membershipId !== grant.group.membershipId) {
        // Ours was removed and someone added the person again: that membership is theirs.
        action = 'aws.membership.kept';
        why = `the membership there now (${now.membershipId}) was made by someone else`;
      } else {
        const left = await directory.removeMembership(grant.group.id, grant.principalId);
        if (!left.ok) throw new RetryLater(`ending ${grant.id}: ${left.error.message}`);
        action = left.value.removed ? 'aws.membership.deleted' : 'aws.membership.already_gone';
      }
    }
    const ended = action === 'aws.membership.kept' ? [] : await this.sessionsEnded(grant, reason);
    const at = clock.now();
    await ledger.transaction(async (tx) => {
      if (!(await tx.transitionGrant(grant.id, 'ending', 'ended', { endedAt: at, endReason: reason })))
        return;
      const denials = await recordEndedAccess(tx, config, ended, at);
      await tx.appendAudit({
        at,
        actor: 'system',
        action,
        requestId: grant.requestId,
        grantId: grant.id,
        details: { group: grant.group.name, groupId: grant.group.id, ...(why !== undefined ? { why } : {}) },
      });
      await recordGrantEnded(
        tx,
        grant,
        at,
        { reason },
        { tellHolder: !denials.some((d) => d.status === 'adding') },
      );
    });
  }

  /** What the group carries that the person holds no longer, now that they left it (sessions to end). */
  private async sessionsEnded(
    grant: GrantRecord & { group: NonNullable<GrantRecord['group']> },
    reason: 'expired' | 'revoked',
  ): Promise<EndedAccess[]> {
    if (!this.deps.config.sessions.endOnRevoke) return [];
    const carried = await carriedBy(this.deps, { id: grant.group.id, name: grant.group.name });
    if (!carried.ok) throw new RetryLater(`ending ${grant.id}: ${carried.message}`);
    const held = await readHeldNow(this.deps, grant.principalId);
    if (!held.ok) throw new RetryLater(`ending ${grant.id}: ${held.error.message}`);
    const now = this.deps.clock.now();
    return carried.value
      .filter((c) => {
        const key = heldKey(c.permissionSetArn, c.accountId);
        return !held.value.direct.has(key) && !held.value.throughGroups.has(key);
      })
      .map((c) => ({
        id: `${grant.id}:${c.permissionSetArn}:${c.accountId}`,
        userId: grant.principalId,
        slackUserId: grant.requesterSlackId,
        userName: null,
        accountId: c.accountId,
        accountAlias: c.accountAlias,
        permissionSet: c.permissionSet,
        permissionSetArn: c.permissionSetArn,
        endedAt: now,
        cause: reason,
        requestId: grant.requestId,
        grantId: grant.id,
      }));
  }
}
