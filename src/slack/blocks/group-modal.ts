/**
 * The group change modal (`/access group add|remove`): who, which group, and everything the group carries, read
 * from AWS before anyone approves; for a removal, what the person keeps another way and whether the sessions of
 * the rest end; then the reason (required when the rules ask for one). Its metadata names the person, the group
 * and its id and the action, sealed into the modal: a submission that says anything else changes nothing.
 */
import type { GroupChangePreview } from '../../access/group-api.js';
import type { HeldAccess } from '../../access/admin-api.js';
import { escapeMrkdwn, LIMITS, truncate } from '../../domain/text.js';
import { ACTION, BLOCK, CALLBACK } from '../ids.js';
import { context, lineSections, plain, section, type Block, type ModalView } from './kit.js';
import { type AdminModalMetadata, sealModal, writeMetadata } from './modal-metadata.js';

/** What the group change modal remembers between opening and submission. */
export interface GroupModalMetadata extends AdminModalMetadata {
  group?: string;
  groupId?: string;
  action?: 'add' | 'remove';
}

/** Lines listed one by one per category; the rest are counted. */
const ITEMS = 30;
const CATEGORY_BLOCKS = 3;

const b = (s: string): string => `*${escapeMrkdwn(truncate(s, 200))}*`;

function category(title: string, items: readonly string[], none: string): Block[] {
  if (items.length === 0) return [section(`*${title}:* ${none}`)];
  const shown = items.slice(0, ITEMS).map((line) => `• ${line}`);
  if (items.length > ITEMS) shown.push(`…and ${items.length - ITEMS} more`);
  return lineSections([`*${title} (${items.length})*`, ...shown], CATEGORY_BLOCKS);
}

const accessLine = (a: HeldAccess): string =>
  `${b(a.permissionSet)} on ${b(a.accountAlias)} (${escapeMrkdwn(a.accountId)})`;

export function groupChangeModal(preview: GroupChangePreview, metadata: GroupModalMetadata = {}): ModalView {
  const { user, group, action } = preview;
  const name = user.displayName.trim() !== '' ? user.displayName : user.userName;
  const adding = action === 'add';
  const description =
    group.description !== undefined && group.description.trim() !== ''
      ? ` (${escapeMrkdwn(truncate(group.description, 300))})`
      : '';
  const members = `${preview.memberCount} member${preview.memberCount === 1 ? '' : 's'} today`;
  const blocks: Block[] = [
    section(
      `${adding ? 'Adding' : 'Removing'} ${b(name)} (${escapeMrkdwn(preview.email)}) ${adding ? 'to' : 'from'} group ${b(group.name)}${description}: ${members}. After approval, one step ${adding ? 'joins' : 'leaves'} the group in Identity Center.`,
    ),
    ...category(
      adding ? 'What the group gives them, for as long as they are in it' : 'What the group gave them',
      preview.carries.map(accessLine),
      'nothing: the group has no assignments yet.',
    ),
  ];
  if (!adding) {
    const kept = preview.keptOtherwise.map((a) => `${accessLine(a)}: held another way, it stays`);
    if (kept.length > 0) blocks.push(...category('Kept', kept, 'nothing'));
    blocks.push(
      context(
        preview.endsSessions
          ? ':lock: Sessions already open for what they lose end too: a temporary Deny for them in each permission set, removed again once its session duration has passed.'
          : ':warning: Sessions already open for what they lose stay valid until their session duration runs out (sessions.endOnRevoke is off).',
      ),
    );
  }
  blocks.push({
    type: 'input',
    block_id: BLOCK.reason,
    optional: !preview.reasonRequired,
    label: plain(preview.reasonRequired ? 'Reason (the rules ask for one)' : 'Reason'),
    element: {
      type: 'plain_text_input',
      action_id: ACTION.typeReason,
      multiline: true,
      ...(preview.reasonRequired ? { min_length: 1 } : {}),
      max_length: LIMITS.reason,
      placeholder: plain(adding ? 'e.g. joins the finance team' : 'e.g. moves to another team'),
    },
  });
  return sealModal({
    type: 'modal',
    callback_id: CALLBACK.groupChangeModal,
    title: plain(adding ? 'Add to group' : 'Remove from group', 24),
    submit: plain('Ask for approval', 24),
    close: plain('Cancel', 24),
    private_metadata: writeMetadata(metadata),
    blocks,
  });
}

/** The metadata a group change modal was opened with (already checked against its seal). */
export function readGroupModalMetadata(text: string): GroupModalMetadata {
  let o: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null) o = parsed as Record<string, unknown>;
  } catch {
    // Not JSON: nothing is known, and the listener refuses it.
  }
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const group = str(o.group);
  const groupId = str(o.groupId);
  const action = o.action === 'add' || o.action === 'remove' ? o.action : undefined;
  const who = str(o.who);
  const responseUrl = str(o.responseUrl);
  const channelId = str(o.channelId);
  return {
    ...(responseUrl !== undefined ? { responseUrl } : {}),
    ...(channelId !== undefined ? { channelId } : {}),
    ...(who !== undefined ? { who } : {}),
    ...(group !== undefined ? { group } : {}),
    ...(groupId !== undefined ? { groupId } : {}),
    ...(action !== undefined ? { action } : {}),
  };
}
