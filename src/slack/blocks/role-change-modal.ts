/**
 * The role-change modal: today's access, the role's bundle and the difference (what is added first, what is
 * removed after), then an optional reason. With nothing to change there is nothing to submit.
 */
import type { RoleChangePreview } from '../../access/admin-api.js';
import type { RoleConfig } from '../../config/types.js';
import { escapeMrkdwn, LIMITS, truncate } from '../../domain/text.js';
import { ACTION, BLOCK, CALLBACK } from '../ids.js';
import { context, lineSections, plain, section, type Block, type ModalView } from './kit.js';
import { type AdminModalMetadata, sealModal, writeMetadata } from './modal-metadata.js';

type Access = RoleChangePreview['current'];

/** Lines listed per list; the rest are counted. */
const MAX_LINES = 25;
const LIST_BLOCKS = 3;

const b = (s: string): string => `*${escapeMrkdwn(truncate(s, 200))}*`;

function accessLines(access: Access, mark = '•'): string[] {
  return [
    ...access.groups.map((g) => `${mark} group ${b(g)}`),
    ...access.assignments.map((a) => `${mark} ${b(a.permissionSet)} on ${b(a.accountAlias)}`),
  ];
}

function list(title: string, lines: readonly string[]): Block[] {
  if (lines.length === 0) return [section(`*${title}:* nothing`)];
  const shown = lines.slice(0, MAX_LINES);
  if (lines.length > MAX_LINES) shown.push(`…and ${lines.length - MAX_LINES} more`);
  return lineSections([`*${title}*`, ...shown], LIST_BLOCKS);
}

/** The role as configured: its groups, and each permission set on each of its accounts. */
function bundleLines(role: RoleConfig | undefined): string[] {
  if (role === undefined) return [];
  return [
    ...role.groups.map((g) => `• group ${b(g)}`),
    ...role.assignments.flatMap((a) => a.accounts.map((acc) => `• ${b(a.permissionSet)} on ${b(acc)}`)),
  ];
}

export function roleChangeModal(
  preview: RoleChangePreview,
  bundle: RoleConfig | undefined,
  metadata: AdminModalMetadata = {},
): ModalView {
  const { user } = preview;
  const name = user.displayName.trim() !== '' ? user.displayName : user.userName;
  const adds = accessLines(preview.add, ':heavy_plus_sign:');
  const removes = accessLines(preview.remove, ':heavy_minus_sign:');
  const nothing = adds.length === 0 && removes.length === 0;
  const blocks: Block[] = [
    section(
      `Role change for ${b(name)} (${escapeMrkdwn(user.email ?? user.userName)}) to ${b(preview.role)}${
        bundle?.description !== undefined ? `: ${escapeMrkdwn(truncate(bundle.description, 300))}` : ''
      }.`,
    ),
    ...list('Today', accessLines(preview.current)),
    ...list(`The ${escapeMrkdwn(preview.role)} role`, bundleLines(bundle)),
  ];
  if (nothing) {
    blocks.push(section(':white_check_mark: Nothing to change: they already have exactly this access.'));
  } else {
    blocks.push(...list('Added first', adds), ...list('Then removed', removes));
    blocks.push(
      context('What is new is added before anything is removed, so they are never left without access.'),
      {
        type: 'input',
        block_id: BLOCK.reason,
        optional: true,
        label: plain('Reason'),
        element: {
          type: 'plain_text_input',
          action_id: ACTION.typeReason,
          multiline: true,
          max_length: LIMITS.reason,
          placeholder: plain('e.g. moves to the platform team'),
        },
      },
    );
  }
  return sealModal({
    type: 'modal',
    callback_id: CALLBACK.roleChangeModal,
    title: plain('Change role', 24),
    ...(nothing ? {} : { submit: plain('Ask for approval', 24) }),
    close: plain(nothing ? 'Close' : 'Cancel', 24),
    private_metadata: writeMetadata(metadata),
    blocks,
  });
}
