/**
 * The request modal: what `/access request` opens when something is missing, prefilled with what was
 * understood. Permission sets and accounts are external selects (an options listener serves them).
 */
import type { types } from '@slack/bolt';
import type { RequestOptions } from '../../access/api.js';
import { formatDuration } from '../../domain/duration.js';
import { LIMITS } from '../../domain/text.js';
import { TICKET_REF_MAX } from '../../domain/tickets.js';
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
  /** Set when the rules need a reason for what is prefilled (plain text: why): the reason is asked for first. */
  reasonRequired?: string,
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
          placeholder: plain('Type an alias, account id or name, e.g. prod'),
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
      ...startFields(),
      {
        type: 'input',
        block_id: BLOCK.reason,
        optional: reasonRequired === undefined,
        label: plain('Reason'),
        ...(reasonRequired !== undefined ? { hint: plain(reasonRequired, 2000) } : {}),
        element: {
          type: 'plain_text_input',
          action_id: ACTION.typeReason,
          multiline: true,
          ...(reasonRequired !== undefined ? { focus_on_load: true } : {}),
          max_length: LIMITS.reason,
          placeholder: plain('e.g. fixing incident 4711'),
          ...(reason !== undefined && reason !== '' ? { initial_value: reason } : {}),
        },
      },
      ...ticketField(options),
      context('Approvers see the reason on the approval card. Some accounts require one.'),
    ],
  });
}

/** The Ticket field, when some rule requires a ticket (`requireTicket`): optional here, the rules decide. */
function ticketField(options: RequestOptions): types.InputBlock[] {
  const patterns = options.ticketPatterns ?? [];
  if (patterns.length === 0) return [];
  return [
    {
      type: 'input',
      block_id: BLOCK.ticket,
      optional: true,
      label: plain('Ticket'),
      hint: plain(
        `Some access needs a ticket reference (${patterns.map((p) => `\`${p}\``).join(', ')}); it may also be in the reason.`,
        2000,
      ),
      element: {
        type: 'plain_text_input',
        action_id: ACTION.typeTicket,
        max_length: TICKET_REF_MAX,
        placeholder: plain('e.g. SEC-42'),
      },
    },
  ];
}

/**
 * Access ahead of time: a start day and time (UTC), both optional. Approved before it, the access is granted
 * then and lasts its duration from then; empty, it is granted once approved.
 */
function startFields(): types.InputBlock[] {
  return [
    {
      type: 'input',
      block_id: BLOCK.startDate,
      optional: true,
      label: plain('Starting on (optional)'),
      element: {
        type: 'datepicker',
        action_id: ACTION.pickStartDate,
        placeholder: plain('Now, once approved'),
      },
      hint: plain('To get it later: approved now, granted at the start, for its duration from then.'),
    },
    {
      type: 'input',
      block_id: BLOCK.startTime,
      optional: true,
      label: plain('At (UTC)'),
      element: {
        type: 'timepicker',
        action_id: ACTION.pickStartTime,
        timezone: 'UTC',
        placeholder: plain('e.g. 09:00'),
      },
    },
  ];
}
