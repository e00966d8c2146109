/**
 * The offboarding modal: everything that will go, read from AWS and the ledger before anyone approves, then a
 * required reason and (only when there is a legacy IAM user) whether to delete it too. Long lists are folded
 * with a count so the modal stays inside Slack's 100 blocks whatever the person had.
 */
import type { OffboardingPreview } from '../../access/admin-api.js';
import type { GrantRecord, RequestRecord } from '../../access/ledger.js';
import type { AccessKeyInfo, LegacyIamUser } from '../../domain/identity.js';
import { escapeMrkdwn, LIMITS, truncate } from '../../domain/text.js';
import { ACTION, BLOCK, CALLBACK, LEGACY_CLEANUP_VALUE } from '../ids.js';
import { adminWhatPlain } from './admin-text.js';
import { context, lineSections, plain, section, slackDate, type Block, type ModalView } from './kit.js';
import { type AdminModalMetadata, sealModal, writeMetadata } from './modal-metadata.js';

/** Items listed one by one per category; the rest are counted. */
export const PREVIEW_ITEMS = 25;
/** Sections per category: 25 lines of a few hundred characters fit in 3. */
const CATEGORY_BLOCKS = 3;

const b = (s: string): string => `*${escapeMrkdwn(truncate(s, 200))}*`;

/** A heading and its items as sections, folded past `PREVIEW_ITEMS`; "none" when empty. */
function category(title: string, items: readonly string[]): Block[] {
  if (items.length === 0) return [section(`*${title}:* none`)];
  const shown = items.slice(0, PREVIEW_ITEMS).map((line) => `• ${line}`);
  if (items.length > PREVIEW_ITEMS) shown.push(`…and ${items.length - PREVIEW_ITEMS} more`);
  return lineSections([`*${title} (${items.length})*`, ...shown], CATEGORY_BLOCKS);
}

function grantLine(g: GrantRecord): string {
  const until = g.endsAt === null ? 'permanent' : `until ${slackDate(g.endsAt)}`;
  return `${b(g.permissionSet)} on ${b(g.accountAlias)}, ${until} (${escapeMrkdwn(g.requestId)})`;
}

function requestLine(r: RequestRecord): string {
  const what = adminWhatPlain(r) ?? `${r.permissionSet} on ${r.accounts.map((a) => a.alias).join(', ')}`;
  return `${escapeMrkdwn(r.id)}: ${escapeMrkdwn(truncate(what, 300))} (${r.status}), cancelled first`;
}

function keyLine(key: AccessKeyInfo): string {
  const used =
    key.lastUsed === undefined
      ? 'never used'
      : `last used ${slackDate(key.lastUsed.at)} (${escapeMrkdwn(key.lastUsed.service)}, ${escapeMrkdwn(key.lastUsed.region)})`;
  return `\`${escapeMrkdwn(key.id)}\` ${key.status}, created ${slackDate(key.createdAt)}, ${used}`;
}

function legacyBlocks(user: LegacyIamUser | undefined): Block[] {
  if (user === undefined) return [section('*Legacy IAM user:* none of the same name')];
  const password =
    user.loginProfile === undefined
      ? 'no console password'
      : `console password${user.passwordLastUsed !== undefined ? `, last used ${slackDate(user.passwordLastUsed)}` : ', never used'}`;
  const counts = [
    `${user.groups.length} group(s)`,
    `${user.attachedPolicies.length + user.inlinePolicies.length} polic${user.attachedPolicies.length + user.inlinePolicies.length === 1 ? 'y' : 'ies'}`,
    `${user.mfaDevices.length} MFA device(s)`,
    `${user.signingCertificates.length} signing certificate(s)`,
    `${user.sshPublicKeys.length} SSH key(s)`,
    `${user.serviceCredentials.length} service credential(s)`,
  ].join(', ');
  return [
    section(
      `*Legacy IAM user* ${b(user.userName)}, created ${slackDate(user.createdAt)}: ${password}; ${counts}.`,
    ),
    ...category(
      'Access keys',
      user.accessKeys.map((k) => keyLine(k)),
    ),
    ...(user.cleanupRefused !== undefined
      ? [context(`:no_entry: Not cleaned up: ${escapeMrkdwn(user.cleanupRefused)}`)]
      : []),
  ];
}

export function offboardModal(preview: OffboardingPreview, metadata: AdminModalMetadata = {}): ModalView {
  const { user } = preview;
  const name = user.displayName.trim() !== '' ? user.displayName : user.userName;
  const email = user.email ?? user.userName;
  const blocks: Block[] = [
    section(
      `Offboarding ${b(name)} (${escapeMrkdwn(email)})${user.status === 'DISABLED' ? ' (*disabled* in Identity Center)' : ''}. After approval, in this order: pending requests are cancelled, every direct assignment removed, every application assigned to them removed, every group left, the legacy IAM user cleaned up if you tick the box, and the user deleted last.`,
    ),
    ...category(
      'Groups',
      preview.groups.map((g) => b(g.name)),
    ),
    ...category(
      'Direct assignments',
      preview.directAssignments.map(
        (a) => `${b(a.permissionSet)} on ${b(a.accountAlias)} (${escapeMrkdwn(a.accountId)})`,
      ),
    ),
    ...category(
      'Through groups',
      preview.groupAssignments.map(
        (a) => `${b(a.permissionSet)} on ${b(a.accountAlias)}, through ${b(a.group)}`,
      ),
    ),
    ...category(
      'Applications',
      (preview.applications ?? []).map((a) =>
        a.throughGroup === undefined
          ? `${b(a.application)}, removed`
          : `${b(a.application)}, through ${b(a.throughGroup)} (goes with the group)`,
      ),
    ),
    ...category('Active grants', preview.activeGrants.map(grantLine)),
    ...category('Pending requests', preview.pendingRequests.map(requestLine)),
    ...legacyBlocks(preview.legacyIamUser),
    context(
      preview.endsSessions === true
        ? ':lock: Sessions already open are ended too: a temporary Deny for this person in each permission set, removed again once their session duration has passed (except sets left alone in sessions.leaveAlone).'
        : `:warning: Sessions already open stay valid for up to ${preview.longestSessionHours} h after removal${
            preview.longestSessionPermissionSet !== undefined
              ? ` (${escapeMrkdwn(preview.longestSessionPermissionSet)}'s session duration)`
              : ''
          }.`,
    ),
    {
      type: 'input',
      block_id: BLOCK.reason,
      label: plain('Reason'),
      element: {
        type: 'plain_text_input',
        action_id: ACTION.typeReason,
        multiline: true,
        min_length: 1,
        max_length: LIMITS.reason,
        placeholder: plain('e.g. last day 31 March'),
      },
    },
  ];
  // A user outside legacyIam.path is out of reach: no clean-up is offered (the line above says why).
  if (preview.legacyIamUser !== undefined && preview.legacyIamUser.cleanupRefused === undefined) {
    blocks.push({
      type: 'input',
      block_id: BLOCK.legacyCleanup,
      optional: true,
      label: plain('Legacy IAM user'),
      element: {
        type: 'checkboxes',
        action_id: ACTION.checkLegacyCleanup,
        options: [
          {
            text: plain(`Also delete the legacy IAM user ${preview.legacyIamUser.userName}`, 75),
            value: LEGACY_CLEANUP_VALUE,
            description: plain('Keys, password, policies, MFA devices and the user itself.', 75),
          },
        ],
      },
    });
  }
  return sealModal({
    type: 'modal',
    callback_id: CALLBACK.offboardModal,
    title: plain('Offboard', 24),
    submit: plain('Ask for approval', 24),
    close: plain('Cancel', 24),
    private_metadata: writeMetadata(metadata),
    blocks,
  });
}
