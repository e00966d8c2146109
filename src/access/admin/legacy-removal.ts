/**
 * The `legacy_removal` request: the removal of a person's legacy IAM user, once they confirmed that single
 * sign-on works for them (or an admin said why it must go without that). Judged by the rules like any admin
 * work (its kind, no account: a rule for `kinds: [legacy_removal]` names who approves), never approved by the
 * person it is about, and carried out by one step that removes everything attached to the IAM user, access keys
 * first, then the user (src/aws/legacy-iam.ts deleteCompletely, within legacyIam.path).
 */
import type { LegacyIamUser } from '../../domain/identity.js';
import { escapeMrkdwn } from '../../domain/text.js';
import type { AdminRequestDetails } from '../admin-api.js';
import type { Outcome } from '../api.js';
import type { RequestRecord } from '../ledger.js';
import type { AdminServiceDeps } from './deps.js';
import { ok, pendingStep, refuse } from './details.js';
import { findLegacyIamUser } from './holdings.js';
import { decideAdmin, recordAdminRequest } from './record.js';
import { slackIdsOf, type Person } from './subject.js';

/** The legacy IAM user of this person that access-desk may remove, or why there is none it may. */
export async function removableIamUser(
  deps: Pick<AdminServiceDeps, 'legacyIam'>,
  email: string,
): Promise<Outcome<LegacyIamUser>> {
  const found = await findLegacyIamUser(deps, email);
  if (!found.ok) return found;
  const user = found.value;
  if (user === undefined) {
    const local = email.split('@')[0] ?? email;
    return refuse(
      'not_found',
      `${escapeMrkdwn(email)} has no legacy IAM user (I looked for \`${escapeMrkdwn(email)}\` and \`${escapeMrkdwn(local)}\`): there is nothing to move away from or remove.`,
    );
  }
  if (user.cleanupRefused !== undefined) {
    return refuse('outside_legacy_path', escapeMrkdwn(user.cleanupRefused));
  }
  return ok(user);
}

export interface LegacyRemoval {
  /** Who asks: the admin who sent the migration email (a confirmation), or the admin who overrides. */
  requesterSlackId: string;
  person: Person;
  /** The Slack account the migration's message went to, if any: never an approver either. */
  personSlackId?: string;
  iamUserName: string;
  /** The person's Slack id, when they confirmed. */
  confirmedBy?: string;
  /** Without their confirmation: the admin and why. */
  override?: { bySlackId: string; reason: string };
  reason: string;
  clickId?: string;
}

/** Judges and records the removal; it waits for approval (or runs at once if the rules say so). */
export async function recordLegacyRemoval(
  deps: AdminServiceDeps,
  removal: LegacyRemoval,
): Promise<Outcome<RequestRecord>> {
  const { config, people, ledger, clock } = deps;
  const { person } = removal;
  const subject: AdminRequestDetails['subject'] = {
    email: person.email,
    displayName: person.user.displayName,
    userId: person.user.id,
    ...(removal.personSlackId !== undefined ? { slackUserId: removal.personSlackId } : {}),
  };
  const excluded = [
    ...slackIdsOf(config.people, person.email, person.slackUserId),
    ...(removal.personSlackId !== undefined ? [removal.personSlackId] : []),
  ];
  const reason = removal.reason.trim();
  const approval = await decideAdmin(
    config,
    people,
    {
      kind: 'legacy_removal',
      requesterSlackId: removal.requesterSlackId,
      excludedApprovers: [...new Set(excluded)],
      ...(reason !== '' ? { reason } : {}),
    },
    { touches: [] },
  );
  if (!approval.ok) return approval;
  const name = removal.iamUserName;
  return recordAdminRequest(
    ledger,
    config,
    {
      kind: 'legacy_removal',
      adminSlackId: removal.requesterSlackId,
      permissionSet: '',
      accounts: [],
      reason: reason === '' ? null : reason,
      details: {
        subject,
        touches: [],
        steps: [
          pendingStep({
            id: `legacy_iam_cleanup:${name}`,
            kind: 'legacy_iam_cleanup',
            label: `Remove legacy IAM user ${name}: access keys first, then everything attached, then the user`,
          }),
        ],
        legacyIamUserName: name,
        ...(removal.confirmedBy !== undefined ? { confirmedBy: removal.confirmedBy } : {}),
        ...(removal.override !== undefined ? { override: removal.override } : {}),
        ...(removal.clickId !== undefined ? { clickId: removal.clickId } : {}),
      },
      sameWork: {
        key: (d) => d.subject?.email?.toLowerCase(),
        says: `a removal of ${escapeMrkdwn(person.email)}'s legacy IAM user`,
      },
    },
    approval.value,
    clock.now(),
  );
}
