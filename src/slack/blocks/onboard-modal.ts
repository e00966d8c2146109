/**
 * The onboarding form (`/access onboard [email]`). The display name is optional and defaults, in the service,
 * to "first last": Slack cannot fill one input from others as they are typed without a round trip per key
 * (dispatch_action + views.update), which races the person typing in the display name field itself.
 */
import type { types } from '@slack/bolt';
import type { RoleConfig } from '../../config/types.js';
import { ACTION, BLOCK, CALLBACK } from '../ids.js';
import type { OnboardPrefill } from '../parse-admin.js';
import { context, plain, SLACK_LIMITS, type ModalView } from './kit.js';
import { type AdminModalMetadata, sealModal, writeMetadata } from './modal-metadata.js';
import { roleOption } from './options.js';
import { bulkFileSwitch } from './bulk-onboard.js';

export const ONBOARD_LIMITS = { name: 128, displayName: 256, email: 254, note: 500 } as const;

function textInput(
  blockId: string,
  actionId: string,
  label: string,
  options: { optional?: boolean; maxLength: number; placeholder?: string; hint?: string; initial?: string },
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
      ...(options.placeholder !== undefined ? { placeholder: plain(options.placeholder) } : {}),
      ...(options.initial !== undefined && options.initial !== ''
        ? { initial_value: options.initial.slice(0, options.maxLength) }
        : {}),
    },
  };
}

/** A static select up to Slack's 100 options; past that, typed search through the role options listener. */
function roleSelect(roles: Readonly<Record<string, RoleConfig>>): types.StaticSelect | types.ExternalSelect {
  const names = Object.keys(roles);
  if (names.length > SLACK_LIMITS.options) {
    return {
      type: 'external_select',
      action_id: ACTION.pickRole,
      placeholder: plain('Type to search roles'),
      min_query_length: 0,
    };
  }
  return {
    type: 'static_select',
    action_id: ACTION.pickRole,
    placeholder: plain('Pick a role'),
    options: names.map((name) => roleOption(name, roles[name])),
  };
}

export function onboardModal(
  prefill: OnboardPrefill,
  roles: Readonly<Record<string, RoleConfig>>,
  metadata: AdminModalMetadata = {},
): ModalView {
  const hasRoles = Object.keys(roles).length > 0;
  const blocks: types.KnownBlock[] = [
    // Several people at once: the same modal becomes the form for a CSV file.
    bulkFileSwitch(),
    textInput(BLOCK.email, ACTION.typeEmail, 'Work email', {
      maxLength: ONBOARD_LIMITS.email,
      placeholder: 'dara.oconnor@example.com',
      hint: 'Also their AWS user name. Only trusted domains.',
      ...(prefill.email !== undefined ? { initial: prefill.email } : {}),
    }),
    textInput(BLOCK.givenName, ACTION.typeGivenName, 'First name', { maxLength: ONBOARD_LIMITS.name }),
    textInput(BLOCK.familyName, ACTION.typeFamilyName, 'Last name', { maxLength: ONBOARD_LIMITS.name }),
    textInput(BLOCK.displayName, ACTION.typeDisplayName, 'Display name', {
      optional: true,
      maxLength: ONBOARD_LIMITS.displayName,
      hint: 'Leave empty for first and last name.',
    }),
  ];
  if (hasRoles) {
    blocks.push({
      type: 'input',
      block_id: BLOCK.role,
      optional: true,
      label: plain('Role'),
      element: roleSelect(roles),
      hint: plain('Its groups and assignments. A role, extra access below, or both.'),
    });
  }
  blocks.push(
    {
      type: 'input',
      block_id: BLOCK.extraPermissionSets,
      optional: true,
      label: plain(hasRoles ? 'Extra permission sets' : 'Permission sets'),
      element: {
        type: 'multi_external_select',
        action_id: ACTION.pickPermissionSet,
        placeholder: plain('Type to search, e.g. ReadOnlyAccess'),
        min_query_length: 0,
      },
    },
    {
      type: 'input',
      block_id: BLOCK.extraAccounts,
      optional: true,
      label: plain('On accounts'),
      element: {
        type: 'multi_external_select',
        action_id: ACTION.pickAccounts,
        placeholder: plain('Type an alias, account id or name, e.g. dev'),
        min_query_length: 0,
      },
      hint: plain('Every permission set above on every account here, permanently.'),
    },
    {
      type: 'input',
      block_id: BLOCK.slackUser,
      optional: true,
      label: plain('Their Slack account'),
      element: {
        type: 'users_select',
        action_id: ACTION.pickSlackUser,
        placeholder: plain('If they have one'),
      },
    },
    {
      type: 'input',
      block_id: BLOCK.startDate,
      optional: true,
      label: plain('Start date'),
      element: { type: 'datepicker', action_id: ACTION.pickStartDate, placeholder: plain('Today') },
      hint: plain('A future date waits until that day (UTC) before anything is created.'),
    },
    textInput(BLOCK.note, ACTION.typeNote, 'Note', {
      optional: true,
      maxLength: ONBOARD_LIMITS.note,
      placeholder: 'e.g. joins the payments team',
    }),
    context(
      'Approvers see this on the approval card. After approval: the user, their groups and assignments, then the welcome email.',
    ),
  );
  return sealModal({
    type: 'modal',
    callback_id: CALLBACK.onboardModal,
    title: plain('Onboard a new starter', 24),
    submit: plain('Ask for approval', 24),
    close: plain('Cancel', 24),
    private_metadata: writeMetadata(metadata),
    blocks,
  });
}
