/**
 * Sentences about one request that the card, the requester's messages and the pending list share: what is
 * asked, where it stands, and how each account's assignment went. Pure; all user text escaped here.
 */
import type { GrantRecord } from '../../access/ledger.js';
import type { RequestView } from '../../access/notifier.js';
import { requirementsOf } from '../../access/views.js';
import { formatDuration, HOUR } from '../../domain/duration.js';
import { escapeMrkdwn, joinWords, truncate } from '../../domain/text.js';
import { adminStatusText, adminWhatPlain, adminWhatText } from './admin-text.js';
import { approverPeople, escalationText } from './follow-up-text.js';
import { groupWhatPlain, groupWhatText, scheduledStatusText } from './group-access-text.js';
import { people, slackDate, who } from './kit.js';

const MAX_ACCOUNT_NAMES = 40;

/** `*prod* (333333333333), *staging* (222222222222)`, shortened past a few dozen. */
export function accountList(view: RequestView, withIds = true): string {
  const all = view.request.accounts;
  const shown = all
    .slice(0, MAX_ACCOUNT_NAMES)
    .map((a) =>
      withIds ? `*${escapeMrkdwn(a.alias)}* (${escapeMrkdwn(a.id)})` : `*${escapeMrkdwn(a.alias)}*`,
    );
  const more = all.length > MAX_ACCOUNT_NAMES ? ` and ${all.length - MAX_ACCOUNT_NAMES} more` : '';
  return `${shown.join(', ')}${more}`;
}

export function durationText(view: RequestView): string {
  const { durationMs, kind } = view.request;
  if (kind === 'extend') return durationMs === null ? 'permanent' : `${formatDuration(durationMs)} longer`;
  return formatDuration(durationMs);
}

/** `SeniorDeveloper on prod for 4h` (mrkdwn). */
export function whatText(view: RequestView): string {
  const admin = adminWhatText(view.request);
  if (admin !== undefined) return admin;
  const group = groupWhatText(view.request);
  if (group !== undefined) return `${group} for *${durationText(view)}*`;
  return `*${escapeMrkdwn(view.request.permissionSet)}* on ${accountList(view, false)} for *${durationText(view)}*`;
}

/** The same in plain words, for notification fallbacks. */
export function whatPlain(view: RequestView): string {
  const admin = adminWhatPlain(view.request);
  if (admin !== undefined) return admin;
  const group = groupWhatPlain(view.request);
  if (group !== undefined) return `${group} for ${durationText(view)}`;
  const accounts = view.request.accounts.map((a) => a.alias);
  const list =
    accounts.length > 5
      ? `${accounts.slice(0, 5).join(', ')} and ${accounts.length - 5} more`
      : joinWords(accounts);
  return `${view.request.permissionSet} on ${list} for ${durationText(view)}`;
}

export function reasonText(view: RequestView, max = 2900): string {
  const reason = view.request.reason?.trim();
  if (reason === undefined || reason === '') return '_No reason given._';
  // Every line quoted: a line break in the reason must not end the quote and pass for our own text.
  return truncate(escapeMrkdwn(reason), max)
    .split('\n')
    .map((line) => `>${line}`)
    .join('\n');
}

/** `24h`, `2d`, `36h`: how long the pending lifetime was, as the product says it ("No decision within 24h"). */
function lifetimeText(ms: number): string {
  const hours = ms / HOUR;
  return Number.isInteger(hours) && hours <= 72 ? `${hours}h` : formatDuration(ms);
}

const approversOf = (view: RequestView): string[] => [
  ...new Set(view.approvals.filter((a) => a.decision === 'approve').map((a) => a.approverSlackId)),
];

/** "Needs 2 of @a @b @c · approved so far by @a", or who approved once decided. */
export function approvalsText(view: RequestView): string {
  const approvedBy = approversOf(view);
  const { request } = view;
  const requirements = requirementsOf(request);
  if (request.status === 'pending') {
    const needs =
      requirements.length > 1
        ? `Needs ${joinWords(requirements.map((r) => `${r.approvals} of ${approverPeople(request, r.approvers)} (for ${escapeMrkdwn(r.what)})`))}`
        : `Needs ${request.requiredApprovals} of ${approverPeople(request, request.approvers)}`;
    const so = approvedBy.length > 0 ? `${needs} · approved so far by ${people(approvedBy)}` : needs;
    return `${so}${escalationText(request)}`;
  }
  if (approvedBy.length > 0) return `Approved by ${people(approvedBy)}`;
  if (request.requiredApprovals === 0 && !['denied', 'cancelled', 'lapsed'].includes(request.status)) {
    return 'Approved automatically by the rules';
  }
  return `Could be approved by ${request.requiredApprovals} of ${approverPeople(request, request.approvers)}`;
}

function lastDenial(view: RequestView): { by: string; reason: string | null } | undefined {
  const denials = view.approvals.filter((a) => a.decision === 'deny');
  const last = denials[denials.length - 1];
  return last === undefined ? undefined : { by: last.approverSlackId, reason: last.reason };
}

function latestEnd(grants: readonly GrantRecord[]): Date | null | undefined {
  const active = grants.filter((g) => g.status === 'active');
  if (active.length === 0) return undefined;
  if (active.some((g) => g.endsAt === null)) return null;
  return new Date(Math.max(...active.map((g) => g.endsAt?.getTime() ?? 0)));
}

const END_REASONS: Record<string, string> = {
  expired: 'expired',
  revoked: 'revoked',
  offboarded: 'removed at offboarding',
  replaced: 'replaced',
};

/** Where the request stands, in one line (mrkdwn). */
export function statusText(view: RequestView): string {
  const { request, grants } = view;
  const done = grants.filter((g) => g.status === 'active' || g.status === 'ended').length;
  const failed = grants.filter((g) => g.status === 'failed').length;
  const admin = adminStatusText(request);
  if (admin !== undefined) return admin;
  switch (request.status) {
    case 'pending':
      return `:hourglass_flowing_sand: Waiting for ${view.approvalsNeeded} more approval${view.approvalsNeeded === 1 ? '' : 's'} · lapses ${slackDate(request.lapsesAt)}`;
    case 'approved':
      return ':white_check_mark: Approved · provisioning in AWS starts now';
    case 'scheduled':
      return scheduledStatusText(request);
    case 'provisioning':
      return `:hourglass_flowing_sand: Provisioning in AWS: ${done} of ${Math.max(grants.length, request.accounts.length)} accounts done${failed > 0 ? `, ${failed} failed` : ''}`;
    case 'active': {
      const end = latestEnd(grants);
      const partial = failed > 0 ? ` (${failed} account${failed === 1 ? '' : 's'} failed)` : '';
      if (end === null) return `:white_check_mark: Active, permanent${partial}`;
      return `:white_check_mark: Active until ${end === undefined ? 'its end' : slackDate(end)}${partial}`;
    }
    case 'completed':
      if (request.kind === 'extend') {
        const end = latestEnd(grants);
        return end instanceof Date
          ? `:white_check_mark: Extended: the access now ends ${slackDate(end)}`
          : ':white_check_mark: Extended';
      }
      return failed > 0
        ? `:white_check_mark: Done, ${failed} account${failed === 1 ? '' : 's'} failed`
        : ':white_check_mark: Granted';
    case 'failed':
      return `:x: Failed: AWS did not grant ${failed > 0 ? `${failed} of ${grants.length} accounts` : 'the access'}. An admin may retry.`;
    case 'denied': {
      const denial = lastDenial(view);
      if (denial === undefined) return ':no_entry_sign: Denied';
      const why = denial.reason?.trim();
      return `:no_entry_sign: Denied by ${who(denial.by)}${why === undefined || why === '' ? '' : `: ${truncate(escapeMrkdwn(why), 1500)}`}`;
    }
    case 'cancelled': {
      // A scheduled request may be cancelled by an admin too (src/access/scheduled.ts keeps who).
      const by = request.details.cancelledBy;
      return `:no_entry_sign: Cancelled by ${who(typeof by === 'string' ? by : request.requesterSlackId)}`;
    }
    case 'lapsed':
      return `:hourglass: No decision within ${lifetimeText(request.lapsesAt.getTime() - request.createdAt.getTime())}: the request lapsed`;
    case 'ended': {
      const ended = grants.filter((g) => g.endedAt !== null);
      const at =
        ended.length > 0 ? new Date(Math.max(...ended.map((g) => g.endedAt?.getTime() ?? 0))) : undefined;
      const reasons = [...new Set(ended.map((g) => END_REASONS[g.endReason ?? ''] ?? 'ended'))];
      return `:black_square_for_stop: Ended${at === undefined ? '' : ` ${slackDate(at)}`}${reasons.length > 0 ? ` (${reasons.join(', ')})` : ''}`;
    }
  }
}

/** One line per account: ⏳/✅/❌ with AWS's reason when it failed. */
export function grantLine(grant: GrantRecord): string {
  const account =
    grant.group !== undefined
      ? `group *${escapeMrkdwn(grant.group.name)}*`
      : `*${escapeMrkdwn(grant.accountAlias)}* (${escapeMrkdwn(grant.accountId)})`;
  switch (grant.status) {
    case 'pending':
      return `:hourglass_flowing_sand: ${account}: waiting`;
    case 'provisioning':
      return `:hourglass_flowing_sand: ${account}: provisioning`;
    case 'active':
      return `:white_check_mark: ${account}: active${grant.endsAt === null ? ', permanent' : ` until ${slackDate(grant.endsAt)}`}`;
    case 'failed':
      return `:x: ${account}: ${truncate(escapeMrkdwn(grant.failureReason ?? 'AWS gave no reason'), 400)}`;
    case 'ending':
      return `:hourglass_flowing_sand: ${account}: being removed`;
    case 'ended':
      return `:black_square_for_stop: ${account}: ended${grant.endReason !== null ? ` (${END_REASONS[grant.endReason] ?? grant.endReason})` : ''}`;
  }
}

export { sessionNote } from './sessions-text.js';
