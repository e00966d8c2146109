/**
 * The request modal: what `/access request` opens when something is missing, prefilled with what was
 * understood. Permission sets and accounts are external selects (an options listener serves them).
 */
import type { types } from '@slack/bolt';
import type { RequestOptions } from '../../access/api.js';
import { formatDuration } from '../../domain/duration.js';
import { LIMITS } from '../../domain/text.js';
import { ACTION, BLOCK, CALLBACK } from '../ids.js';
import type { RequestPrefill } from '../parse.js';
import { context, plain, type ModalView } from './kit.js';
import { type RequestModalMetadata, sealModal, writeMetadata } from './modal-metadata.js';
import {
  accountOption,
  DURATION_CHOICES,
  durationOption,
  durationValue,
  permissionSetOption,
} from './options.js';

function durationSelect(prefill: RequestPrefill): types.StaticSelect {
  const options = DURATION_CHOICES.map((c) => durationOption(c.value, c.label));
  let initial: types.PlainTextOption | undefined;
  if (prefill.duration !== undefined) {
    const value = durationValue(prefill.duration);
    initial = options.find((o) => o.value === value);
    if (initial === undefined) {
      // A typed `3h` is not a standard choice: offer it, first, so the prefill survives.
      initial = durationOption(value, formatDuration(prefill.duration));
      options.unshift(initial);
    }
  }
  return {
    type: 'static_select',
    action_id: ACTION.pickDuration,
    placeholder: plain('Default from the rules'),
    options,
    ...(initial !== undefined ? { initial_option: initial } : {}),
  };
}

export function requestModal(
  prefill: RequestPrefill,
  options: RequestOptions,
  metadata: RequestModalMetadata = {},
): ModalView {
  const ps = options.permissionSets.find((p) => p.name === prefill.permissionSet);
  const accounts = (prefill.accounts ?? [])
    .map((alias) => options.accounts.find((a) => a.alias === alias))
    .filter((a): a is RequestOptions['accounts'][number] => a !== undefined);
  const reason = prefill.reason?.slice(0, LIMITS.reason);
  return sealModal({
    type: 'modal',
    callback_id: CALLBACK.requestModal,
    title: plain('Request access', 24),
    submit: plain('Request', 24),
    close: plain('Cancel', 24),
    private_metadata: writeMetadata(metadata),
    blocks: [
      {
        type: 'input',
        block_id: BLOCK.permissionSet,
        label: plain('Permission set'),
        element: {
          type: 'external_select',
          action_id: ACTION.pickPermissionSet,
          placeholder: plain('Type to search, e.g. Developer'),
          min_query_length: 0,
          ...(ps !== undefined ? { initial_option: permissionSetOption(ps) } : {}),
        },
      },
      {
        type: 'input',
        block_id: BLOCK.accounts,
        label: plain('Accounts'),
        element: {
          type: 'multi_external_select',
          action_id: ACTION.pickAccounts,
          placeholder: plain('Type to search, e.g. prod'),
          min_query_length: 0,
          ...(accounts.length > 0 ? { initial_options: accounts.map(accountOption) } : {}),
        },
      },
      {
        type: 'input',
        block_id: BLOCK.duration,
        optional: true,
        label: plain('For how long'),
        element: durationSelect(prefill),
        hint: plain(
          'Leave empty for the default the rules set. Longer than the rules allow is refused, not cut.',
        ),
      },
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
          placeholder: plain('e.g. fixing incident 4711'),
          ...(reason !== undefined && reason !== '' ? { initial_value: reason } : {}),
        },
      },
      context('Approvers see the reason on the approval card. Some accounts require one.'),
    ],
  });
}
