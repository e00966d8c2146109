/**
 * Group membership and groups as admin work (`/access group …`). A person joins or leaves an Identity Center
 * group, or a new group is made, through a request judged by the rules like all admin work: joining is judged by
 * everything the group carries, for good (as a role that joins it would be); leaving and making a group grant
 * nothing, so they are judged by what the group carries (or the new group's name) with no duration, and rules
 * naming those groups, permission sets and accounts apply. The person it is about never approves it, by any of
 * their Slack accounts, nor does the admin who asked. After approval one durable step joins, leaves or creates;
 * a removal then ends the sessions of what the person no longer holds another way.
 *
 * Listing groups, their members and what they carry is for anyone, read from AWS.
 */
import type { Logger } from '../../log.js';
import type { DirectoryGroup } from '../../domain/identity.js';
import { didYouMean, resolveName } from '../../domain/names.js';
import { escapeMrkdwn, LIMITS, truncate } from '../../domain/text.js';
import type { AdminRequestDetails, AdminStep, HeldAccess } from '../admin-api.js';
import type { Outcome } from '../api.js';
import type {
  GroupApi,
  GroupChangeInput,
  GroupChangePreview,
  GroupCreateInput,
  GroupListing,
  GroupMemberLine,
  GroupSummary,
} from '../group-api.js';
import type { AccountRef } from '../ledger.js';
import { requestMadeByClick } from '../made-by-click.js';
import type { RequestView } from '../notifier.js';
import { buildView } from '../views.js';
import { accountAlias, readAccessToday, unavailable } from './access-today.js';
import type { AdminServiceDeps } from './deps.js';
import { ok, pendingStep, refuse } from './details.js';
import { endSessionsStep } from './offboarding.js';
import { decideAdmin, recordAdminRequest, type Approval, type NewAdminRequest } from './record.js';
import { grantedParts } from './rule-parts.js';
import { findPerson, slackIdsOf, type Person } from './subject.js';

/** AWS's limits (identitystore model: GroupDisplayName; SensitiveStringType for the description). */
export const GROUP_LIMITS = { name: 1024, description: 1024 } as const;
/** The model's patterns, anchored. A name must also fit on one line: it is typed in `/access group add`. */
const NAME_PATTERN = /^[\p{L}\p{M}\p{S}\p{N}\p{P} \u00a0]+$/u;
const DESCRIPTION_PATTERN = /^[\p{L}\p{M}\p{S}\p{N}\p{P}\t\n\r \u00a0\u3000]+$/u;
/** Names Identity Center keeps for itself (compared ignoring case). */
const RESERVED = new Set(['administrator', 'awsadministrators']);

/** Groups `/access group list` details one by one; the rest are named only (each costs two AWS reads). */
export const LISTED_GROUPS = 40;
/** Members a group's listing shows; the rest are counted. */
export const LISTED_MEMBERS = 100;

/**
 * The reason a preview is judged with: the preview asks whether the rules need one (the form then does), not
 * whether one was given.
 */
const PREVIEW_REASON = 'preview';

const length = (text: string): number => [...text].length;

/** A group name typed or given: the model's length and pattern, one line, not one AWS keeps for itself. */
export function checkGroupName(raw: string): Outcome<string> {
  const name = raw.trim();
  if (name === '') return refuse('invalid_input', 'Give the group a name.');
  if (length(name) > GROUP_LIMITS.name) {
    return refuse(
      'invalid_input',
      `A group name is at most ${GROUP_LIMITS.name} characters; that one has ${length(name)}.`,
    );
  }
  if (!NAME_PATTERN.test(name)) {
    return refuse(
      'invalid_input',
      'A group name is one line of letters, digits, spaces, punctuation and symbols (as Identity Center allows): no tabs, line breaks or control characters.',
    );
  }
  if (RESERVED.has(name.toLowerCase())) {
    return refuse(
      'invalid_input',
      `Identity Center keeps the name ${escapeMrkdwn(name)} for itself: choose another.`,
    );
  }
  return ok(name);
}

export function checkGroupDescription(raw: string | undefined): Outcome<string | undefined> {
  const text = raw?.trim() ?? '';
  if (text === '') return ok(undefined);
  if (length(text) > GROUP_LIMITS.description) {
    return refuse(
      'invalid_input',
      `A group description is at most ${GROUP_LIMITS.description} characters; that one has ${length(text)}.`,
    );
  }
  if (!DESCRIPTION_PATTERN.test(text)) {
    return refuse(
      'invalid_input',
      'A group description is letters, digits, spaces, punctuation and symbols: no control characters.',
    );
  }
  return ok(text);
}

interface PlannedChange {
  preview: GroupChangePreview;
  person: Person;
  steps: AdminStep[];
  approval: Approval;
  work: Pick<AdminRequestDetails, 'ruleParts' | 'affects'>;
}

export class GroupWork implements GroupApi {
  private readonly log: Logger;

  constructor(private readonly deps: AdminServiceDeps) {
    this.log = deps.logger.child({ module: 'admin.groups' });
  }

  // ---------- membership ----------

  async previewGroupChange(
    adminSlackId: string,
    input: Omit<GroupChangeInput, 'reason'>,
  ): Promise<Outcome<GroupChangePreview>> {
    const planned = await this.planChange(adminSlackId, input, PREVIEW_REASON);
    if (!planned.ok) return planned;
    const members = await this.deps.directory.listMembersOfGroup(planned.value.preview.group.id);
    if (!members.ok)
      return unavailable(`the members of group ${planned.value.preview.group.name}`, members.error);
    return ok({ ...planned.value.preview, memberCount: members.value.length });
  }

  async submitGroupChange(
    adminSlackId: string,
    input: GroupChangeInput,
    clickId?: string,
  ): Promise<Outcome<RequestView>> {
    const admin = this.checkAdmin(adminSlackId, input.action);
    if (!admin.ok) return admin;
    const again = await this.madeByClick(adminSlackId, 'group_change', clickId);
    if (again !== undefined) return this.view(again.id);
    const reason = checkReason(input.reason);
    if (!reason.ok) return reason;
    const planned = await this.planChange(adminSlackId, input, reason.value);
    if (!planned.ok) return planned;
    const { preview, person, steps, approval, work } = planned.value;
    const { group, action, carries } = preview;
    const email = person.email.toLowerCase();
    return this.record(
      {
        kind: 'group_change',
        adminSlackId,
        permissionSet: '',
        accounts: accountsOf(carries),
        reason: reason.value ?? null,
        details: {
          subject: this.subjectOf(person),
          ...work,
          ...(clickId !== undefined ? { clickId } : {}),
          steps,
          group: {
            name: group.name,
            id: group.id,
            ...(group.description !== undefined ? { description: group.description } : {}),
            action,
            carries: carries.map((c) => ({ permissionSet: c.permissionSet, accountAlias: c.accountAlias })),
          },
        },
        // Two changes of one person in one group are one too many; other groups, or other people, may go on.
        sameWork: {
          key: (d) =>
            d.subject?.email === undefined || d.group === undefined
              ? undefined
              : `${d.subject.email.toLowerCase()}|${d.group.id ?? d.group.name}`,
          says: `a change of ${escapeMrkdwn(email)} in group ${escapeMrkdwn(group.name)}`,
        },
      },
      approval,
    );
  }

  /**
   * The change checked and judged, before anything is recorded: an admin asks; the group exists (and is the one
   * the preview showed); the person exists; they are in the group to leave it, not in it to join it; the rules
   * offer it, someone other than the admin and the person may approve it, and a reason is given if they ask one.
   */
  private async planChange(
    adminSlackId: string,
    input: Omit<GroupChangeInput, 'reason'>,
    reason: string | undefined,
  ): Promise<Outcome<PlannedChange>> {
    const admin = this.checkAdmin(adminSlackId, input.action);
    if (!admin.ok) return admin;
    const group = await this.findGroup(input.group);
    if (!group.ok) return group;
    if (input.groupId !== undefined && input.groupId !== group.value.id) {
      return refuse(
        'invalid_input',
        `Group ${escapeMrkdwn(group.value.name)} is not the group the form showed (it was deleted and made again since). Nothing was changed: run the command again.`,
      );
    }
    const person = await findPerson(this.deps.directory, this.deps.identities, input.who);
    if (!person.ok) return person;
    const today = await readAccessToday(this.deps, person.value.user.id);
    if (!today.ok) return today;
    const member = today.value.groups.some((g) => g.id === group.value.id);
    const who = `${escapeMrkdwn(person.value.user.displayName)} (${escapeMrkdwn(person.value.email)})`;
    const name = escapeMrkdwn(group.value.name);
    if (input.action === 'add' && member) {
      return refuse('already_member', `${who} is already in group *${name}*: nothing to change.`);
    }
    if (input.action === 'remove' && !member) {
      return refuse('not_member', `${who} is not in group *${name}*: nothing to remove.`);
    }
    const carried = await this.deps.assignments.listForGroup(group.value.id);
    if (!carried.ok) return unavailable(`what group ${group.value.name} carries`, carried.error);
    const carries: HeldAccess[] = carried.value.map((a) => ({
      accountId: a.accountId,
      accountAlias: accountAlias(this.deps.config, a.accountId),
      permissionSet: today.value.permissionSets.get(a.permissionSetArn)?.name ?? a.permissionSetArn,
      permissionSetArn: a.permissionSetArn,
    }));
    // The rules judge what the group carries, exactly as they judge a role's groups.
    const parts = await grantedParts(this.deps, [], [group.value.name]);
    if (!parts.ok) return parts;
    const work = input.action === 'add' ? { grants: parts.value } : ({ affects: parts.value } as const);
    const approval = await decideAdmin(
      this.deps.config,
      this.deps.people,
      {
        kind: 'group_change',
        requesterSlackId: adminSlackId,
        excludedApprovers: slackIdsOf(this.deps.config.people, person.value.email, person.value.slackUserId),
        ...(reason !== undefined ? { reason } : {}),
      },
      work,
    );
    if (!approval.ok) return approval;
    const kept = (c: HeldAccess) =>
      today.value.direct.some(
        (d) => d.permissionSetArn === c.permissionSetArn && d.accountId === c.accountId,
      ) ||
      today.value.throughGroups.some(
        (t) =>
          t.group !== group.value.name &&
          t.permissionSetArn === c.permissionSetArn &&
          t.accountId === c.accountId,
      );
    const endsSessions = input.action === 'remove' && this.deps.config.sessions.endOnRevoke;
    return ok({
      preview: {
        user: person.value.user,
        email: person.value.email,
        group: group.value,
        action: input.action,
        carries,
        keptOtherwise: input.action === 'remove' ? carries.filter(kept) : [],
        memberCount: 0,
        reasonRequired: approval.value.requireReason,
        endsSessions,
      },
      person: person.value,
      steps: changeSteps(group.value, input.action, endsSessions ? carries : []),
      approval: approval.value,
      work: 'grants' in work ? { ruleParts: work.grants } : { affects: work.affects },
    });
  }

  // ---------- listing ----------

  async listGroups(slackId: string, group?: string): Promise<Outcome<GroupListing>> {
    if (group !== undefined && group.trim() !== '') return this.listOne(group);
    const all = await this.deps.directory.listGroups();
    if (!all.ok) return unavailable('the groups', all.error);
    const sorted = [...all.value].sort((a, b) => a.name.localeCompare(b.name));
    const shown = sorted.slice(0, LISTED_GROUPS);
    const summaries: GroupSummary[] = [];
    // One group at a time: two reads each, paced by the adapter's limiter, in a predictable order.
    for (const g of shown) {
      const summary = await this.summaryOf(g);
      if (!summary.ok) return summary;
      summaries.push(summary.value.summary);
    }
    this.log.debug({ slackId, groups: all.value.length }, 'groups listed');
    return ok({ kind: 'all', groups: summaries, more: sorted.slice(LISTED_GROUPS).map((g) => g.name) });
  }

  private async listOne(typed: string): Promise<Outcome<GroupListing>> {
    const group = await this.findGroup(typed);
    if (!group.ok) return group;
    const summary = await this.summaryOf(group.value);
    if (!summary.ok) return summary;
    const { memberIds } = summary.value;
    const read = await this.memberLines(memberIds.slice(0, LISTED_MEMBERS));
    if (!read.ok) return read;
    const members = read.value.sort((a, b) => a.displayName.localeCompare(b.displayName));
    return ok({
      kind: 'one',
      summary: summary.value.summary,
      members,
      moreMembers: Math.max(0, memberIds.length - LISTED_MEMBERS),
    });
  }

  private async summaryOf(
    group: DirectoryGroup,
  ): Promise<Outcome<{ summary: GroupSummary; memberIds: string[] }>> {
    const [members, carried, sets] = await Promise.all([
      this.deps.directory.listMembersOfGroup(group.id),
      this.deps.assignments.listForGroup(group.id),
      this.deps.catalog.permissionSets(),
    ]);
    if (!members.ok) return unavailable(`the members of group ${group.name}`, members.error);
    if (!carried.ok) return unavailable(`what group ${group.name} carries`, carried.error);
    if (!sets.ok) return unavailable('the permission sets', sets.error);
    const names = new Map(sets.value.map((p) => [p.arn, p.name]));
    const carries = carried.value
      .map((a) => ({
        permissionSet: names.get(a.permissionSetArn) ?? a.permissionSetArn,
        accountAlias: accountAlias(this.deps.config, a.accountId),
      }))
      .sort(
        (a, b) =>
          a.permissionSet.localeCompare(b.permissionSet) || a.accountAlias.localeCompare(b.accountAlias),
      );
    return ok({
      summary: { group, memberCount: members.value.length, carries },
      memberIds: members.value.map((m) => m.userId),
    });
  }

  /** Each member's name and email; one deleted meanwhile is left out. */
  private async memberLines(userIds: readonly string[]): Promise<Outcome<GroupMemberLine[]>> {
    const described = await Promise.all(userIds.map((id) => this.deps.directory.describeUser(id)));
    const lines: GroupMemberLine[] = [];
    for (const [i, user] of described.entries()) {
      if (!user.ok) {
        if (user.error.code === 'not_found') continue;
        return unavailable(`member ${userIds[i] ?? ''}`, user.error);
      }
      lines.push({
        userId: user.value.id,
        displayName: user.value.displayName,
        email: user.value.email ?? user.value.userName,
      });
    }
    return ok(lines);
  }

  // ---------- a new group ----------

  async submitGroupCreate(
    adminSlackId: string,
    input: GroupCreateInput,
    clickId?: string,
  ): Promise<Outcome<RequestView>> {
    const admin = this.checkAdmin(adminSlackId, 'create');
    if (!admin.ok) return admin;
    const again = await this.madeByClick(adminSlackId, 'group_create', clickId);
    if (again !== undefined) return this.view(again.id);
    const name = checkGroupName(input.name);
    if (!name.ok) return name;
    const description = checkGroupDescription(input.description);
    if (!description.ok) return description;
    const existing = await this.deps.directory.findGroupByName(name.value);
    if (!existing.ok) return unavailable(`whether group ${name.value} exists`, existing.error);
    if (existing.value !== undefined) {
      return refuse(
        'group_exists',
        `There is already a group *${escapeMrkdwn(existing.value.name)}* in Identity Center: nothing was asked for. Add people to it with \`/access group add <email|@user> ${escapeMrkdwn(existing.value.name)}\`.`,
      );
    }
    // A new group carries nothing: the rules judge it by its name alone, with no duration.
    const affects = [{ accounts: [], groups: [name.value] }];
    const approval = await decideAdmin(
      this.deps.config,
      this.deps.people,
      {
        kind: 'group_create',
        requesterSlackId: adminSlackId,
        ...(description.value !== undefined ? { reason: description.value } : {}),
      },
      { affects },
    );
    if (!approval.ok) {
      if (approval.code !== 'reason_required') return approval;
      return refuse(
        approval.code,
        `${approval.message} For a new group, the description is the reason: \`/access group create <name> <description>\`.`,
      );
    }
    return this.record(
      {
        kind: 'group_create',
        adminSlackId,
        permissionSet: '',
        accounts: [],
        // The description says what the group is for: the card and the audit show it as the reason.
        reason: description.value ?? null,
        details: {
          // Nobody is the subject of a new group: the card names the group instead.
          subject: { email: '', displayName: name.value },
          affects,
          ...(clickId !== undefined ? { clickId } : {}),
          steps: [
            pendingStep({
              id: `create_group:${name.value}`,
              kind: 'create_group',
              label: `Create group ${name.value}`,
              groupName: name.value,
            }),
          ],
          group: {
            name: name.value,
            ...(description.value !== undefined ? { description: description.value } : {}),
            action: 'create',
          },
        },
        sameWork: {
          key: (d) => (d.group?.name === undefined ? undefined : `group:${d.group.name.toLowerCase()}`),
          says: `the creation of group ${escapeMrkdwn(name.value)}`,
        },
      },
      approval.value,
    );
  }

  // ---------- helpers ----------

  /** The group a name means (see resolveGroup). */
  private findGroup(typed: string): Promise<Outcome<DirectoryGroup>> {
    return resolveGroup(this.deps.directory, typed);
  }

  private checkAdmin(slackId: string, action: GroupChangeInput['action'] | 'create'): Outcome<void> {
    if (this.deps.config.admins.includes(slackId)) return ok(undefined);
    const what =
      action === 'add'
        ? 'add people to groups'
        : action === 'remove'
          ? 'remove people from groups'
          : 'create groups';
    const admins = this.deps.config.admins.map((id) => `<@${id}>`).join(' ');
    return refuse(
      'not_admin',
      `Only admins may ${what}. Ask one of ${admins}; anyone may see the groups with \`/access group list\`.`,
    );
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

  private madeByClick(adminSlackId: string, kind: 'group_change' | 'group_create', clickId?: string) {
    if (clickId === undefined) return Promise.resolve(undefined);
    return requestMadeByClick(this.deps.ledger, adminSlackId, kind, clickId);
  }

  private async record(input: NewAdminRequest, approval: Approval): Promise<Outcome<RequestView>> {
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
      'group request submitted',
    );
    this.deps.wake?.();
    return this.view(recorded.value.id);
  }

  private async view(requestId: string): Promise<Outcome<RequestView>> {
    const view = await buildView(this.deps.ledger, this.deps.catalog, requestId, this.deps.config.sessions);
    if (view === undefined) throw new Error(`request ${requestId} vanished after it was written`);
    return ok(view);
  }
}

/**
 * The group a name means (`/access group …`, `/access request group:…`): Identity Center's own lookup
 * (GetGroupId) first, then the list of groups ignoring case; never guessed beyond that. An unknown name is
 * answered with the closest known names.
 */
export async function resolveGroup(
  directory: Pick<AdminServiceDeps['directory'], 'findGroupByName' | 'listGroups'>,
  typed: string,
): Promise<Outcome<DirectoryGroup>> {
  const name = typed.trim();
  if (name === '') return refuse('invalid_input', 'Name the group.');
  const valid = checkGroupName(name).ok;
  if (valid) {
    const found = await directory.findGroupByName(name);
    if (!found.ok) return unavailable(`group ${name}`, found.error);
    if (found.value !== undefined) return ok(found.value);
  }
  const all = await directory.listGroups();
  if (!all.ok) return unavailable('the groups', all.error);
  const names = all.value.map((g) => g.name);
  const resolved = resolveName(name, names);
  if (resolved.ok) {
    const group = all.value.find((g) => g.name === resolved.name);
    if (group !== undefined) return ok(group);
  }
  const hint = resolved.ok ? '' : didYouMean(resolved.suggestions, (n) => `\`${escapeMrkdwn(n)}\``);
  const known =
    names.length === 0
      ? 'Identity Center has no groups yet.'
      : `Known groups: ${[...names]
          .sort((a, b) => a.localeCompare(b))
          .slice(0, 12)
          .map((n) => `\`${escapeMrkdwn(n)}\``)
          .join(', ')}${names.length > 12 ? ` and ${names.length - 12} more (\`/access group list\`)` : ''}.`;
  const lead = `There is no group \`${escapeMrkdwn(truncate(name, 80))}\` in Identity Center`;
  return refuse('unknown_group', hint === '' ? `${lead}. ${known}` : `${lead}: ${hint} ${known}`);
}

/** The one step that changes the membership, then (a removal) the sessions of what the group carried. */
function changeSteps(
  group: DirectoryGroup,
  action: GroupChangeInput['action'],
  ending: readonly HeldAccess[],
): AdminStep[] {
  const membership = pendingStep({
    id: `${action === 'add' ? 'join_group' : 'leave_group'}:${group.name}`,
    kind: action === 'add' ? 'join_group' : 'leave_group',
    label: `${action === 'add' ? 'Join' : 'Leave'} group ${group.name}`,
    groupId: group.id,
    groupName: group.name,
  });
  // The step checks, once the person has left, what they still hold another way: those sessions stay.
  const sessions = action === 'remove' ? endSessionsStep(ending) : undefined;
  return sessions === undefined ? [membership] : [membership, sessions];
}

function checkReason(raw: string | undefined): Outcome<string | undefined> {
  const reason = raw?.trim() ?? '';
  if (reason.length > LIMITS.reason)
    return refuse('reason_too_long', `Keep the reason under ${LIMITS.reason} characters.`);
  return ok(reason === '' ? undefined : reason);
}

function accountsOf(carries: readonly HeldAccess[]): AccountRef[] {
  const seen = new Map<string, AccountRef>();
  for (const c of carries) seen.set(c.accountId, { id: c.accountId, alias: c.accountAlias });
  return [...seen.values()];
}
