/**
 * The update form (`/access user update <email|@user>`): first name, last name, display name and primary email,
 * prefilled from Identity Center. The user name is shown and cannot be edited: Identity Center keeps it for good,
 * and people sign in with it. The metadata names the user the form was opened for (their Identity Center id), so
 * a submission about anyone else changes nothing.
 */
import type { types } from '@slack/bolt';
import type { UserUpdatePreview } from '../../access/people-api.js';
import { escapeMrkdwn, LIMITS, truncate } from '../../domain/text.js';
import { ACTION, BLOCK, CALLBACK } from '../ids.js';
import { context, plain, section, type ModalView } from './kit.js';
import { type AdminModalMetadata, sealModal, writeMetadata } from './modal-metadata.js';

/** What the inputs hold at most (the service checks the same, and names 64 for a name). */
export const USER_UPDATE_LIMITS = { name: 64, displayName: 128, email: 254 } as const;

/** What the update modal remembers: where to answer, whom it is about, and which Identity Center user that was. */
export interface UserUpdateModalMetadata extends AdminModalMetadata {
  userId?: string;
}

function textInput(
  blockId: string,
  actionId: string,
  label: string,
  options: { maxLength: number; initial: string; hint?: string; optional?: boolean },
): types.InputBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label),
    ...(options.optional === true ? { optional: true } : {}),
    ...(options.hint !== undefined ? { hint: plain(options.hint) } : {}),
    element: {
      type: 'plain_text_input',
      action_id: actionId,
      max_length: options.maxLength,
      ...(options.initial !== '' ? { initial_value: options.initial.slice(0, options.maxLength) } : {}),
    },
  };
}

export function userUpdateModal(
  preview: UserUpdatePreview,
  metadata: UserUpdateModalMetadata = {},
): ModalView {
  const { user } = preview;
  const name = user.displayName.trim() !== '' ? user.displayName : user.userName;
  const blocks: types.KnownBlock[] = [
    section(
      `Details of *${escapeMrkdwn(truncate(name, 200))}* as Identity Center has them now. Change what is wrong: the approval card shows each change (from → to).`,
    ),
    section(
      `*User name:* \`${escapeMrkdwn(truncate(user.userName, 200))}\` (cannot be changed: Identity Center keeps the user name for good, and they sign in with it).`,
    ),
    textInput(BLOCK.givenName, ACTION.typeGivenName, 'First name', {
      maxLength: USER_UPDATE_LIMITS.name,
      initial: user.givenName ?? '',
    }),
    textInput(BLOCK.familyName, ACTION.typeFamilyName, 'Last name', {
      maxLength: USER_UPDATE_LIMITS.name,
      initial: user.familyName ?? '',
    }),
    textInput(BLOCK.displayName, ACTION.typeDisplayName, 'Display name', {
      maxLength: USER_UPDATE_LIMITS.displayName,
      initial: user.displayName,
    }),
    textInput(BLOCK.email, ACTION.typeEmail, 'Primary email', {
      maxLength: USER_UPDATE_LIMITS.email,
      initial: user.email ?? '',
      hint: 'Their work email, in a trusted domain, and no one else’s: Slack people are matched by it.',
    }),
    textInput(BLOCK.reason, ACTION.typeReason, 'Reason', {
      maxLength: LIMITS.reason,
      initial: '',
      optional: !preview.reasonRequired,
      ...(preview.reasonRequired ? { hint: 'The rules ask for one.' } : {}),
    }),
    context('After approval, one change in Identity Center. The person it is about cannot approve it.'),
  ];
  return sealModal({
    type: 'modal',
    callback_id: CALLBACK.userUpdateModal,
    title: plain('Change details', 24),
    submit: plain('Ask for approval', 24),
    close: plain('Cancel', 24),
    private_metadata: writeMetadata(metadata),
    blocks,
  });
}

/** The metadata as the modal was opened with it; `userId` absent when it is not there. */
export function readUserUpdateMetadata(text: string): { userId?: string } {
  try {
    const parsed = JSON.parse(text) as unknown;
    const userId =
      typeof parsed === 'object' && parsed !== null ? (parsed as { userId?: unknown }).userId : undefined;
    return typeof userId === 'string' && userId !== '' ? { userId } : {};
  } catch {
    return {};
  }
}
