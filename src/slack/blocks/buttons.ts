/**
 * The buttons on cards and messages: Approve and Deny for approvers, Cancel for the requester, Retry for an
 * admin once admin work has failed. Each carries the request id as its only value; the clicker is checked by
 * the service, never by the button's presence.
 */
import type { types } from '@slack/bolt';
import type { RequestView } from '../../access/notifier.js';
import { escapeMrkdwn, truncate } from '../../domain/text.js';
import { ACTION, cardBlockId, extendBlockId } from '../ids.js';
import { adminWhatText } from './admin-text.js';
import { SLACK_LIMITS, who } from './kit.js';
import { durationText } from './request-text.js';

/**
 * An account that deserves a second look before approving. The config has no such flag (yet), so the alias
 * decides: `prod`, `production`, `prd`, `live`, alone or as a word of it (`payments-prod`).
 */
export function isProductionAlias(alias: string): boolean {
  return /(^|[-_.\s])(prod|production|prd|live)([-_.\s]|$)/i.test(alias);
}

export interface CardOptions {
  isProduction?: (alias: string) => boolean;
  /**
   * config.email.oneTimePasswords: the instance emails a one-time password at first sign-in. Absent or false,
   * a completed onboarding tells the admin how to set the first password in the console.
   */
  oneTimePasswords?: boolean;
}

const confirm = (title: string, text: string, yes: string, no: string): types.ConfirmationDialog => ({
  title: { type: 'plain_text', text: truncate(title, SLACK_LIMITS.confirmTitle) },
  text: { type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.confirmText) },
  confirm: { type: 'plain_text', text: yes },
  deny: { type: 'plain_text', text: no },
});

/** A second look before the approvals that are hard to take back: production access, and a leaver's removal. */
function approveConfirmation(
  view: RequestView,
  isProduction: (alias: string) => boolean,
): types.ConfirmationDialog | undefined {
  const { request } = view;
  if (request.kind === 'offboard') {
    return {
      ...confirm(
        'Approve this offboarding?',
        `Approving starts the ${adminWhatText(request) ?? 'offboarding'}: every access is removed and the user deleted.`,
        'Approve',
        'Not yet',
      ),
      style: 'danger',
    };
  }
  if (request.kind !== 'access' && request.kind !== 'extend') return undefined;
  const production = request.accounts.filter((a) => isProduction(a.alias)).map((a) => a.alias);
  if (production.length === 0) return undefined;
  return {
    ...confirm(
      'Approve production access?',
      `${who(request.requesterSlackId)} gets *${escapeMrkdwn(request.permissionSet)}* on production (${production.map(escapeMrkdwn).join(', ')}) for *${durationText(view)}*.`,
      'Approve',
      'Not yet',
    ),
    style: 'primary',
  };
}

function approveButton(view: RequestView, isProduction: (alias: string) => boolean): types.Button {
  const confirmation = approveConfirmation(view, isProduction);
  return {
    type: 'button',
    action_id: ACTION.approve,
    text: { type: 'plain_text', text: 'Approve' },
    style: 'primary',
    value: view.request.id,
    ...(confirmation !== undefined ? { confirm: confirmation } : {}),
  };
}

/** Approve and Deny, with the request id as their only value. */
export function decisionButtons(view: RequestView, options: CardOptions = {}): types.ActionsBlock {
  return {
    type: 'actions',
    block_id: cardBlockId(ACTION.approve, view.request.id),
    elements: [
      approveButton(view, options.isProduction ?? isProductionAlias),
      {
        type: 'button',
        action_id: ACTION.deny,
        text: { type: 'plain_text', text: 'Deny' },
        style: 'danger',
        value: view.request.id,
      },
    ],
  };
}

export function cancelButton(requestId: string): types.ActionsBlock {
  return {
    type: 'actions',
    block_id: cardBlockId(ACTION.cancel, requestId),
    elements: [
      {
        type: 'button',
        action_id: ACTION.cancel,
        text: { type: 'plain_text', text: 'Cancel request' },
        value: requestId,
        confirm: {
          title: { type: 'plain_text', text: 'Cancel this request?' },
          text: {
            type: 'plain_text',
            text: `${requestId} will be withdrawn; approvers can no longer act on it.`,
          },
          confirm: { type: 'plain_text', text: 'Cancel it' },
          deny: { type: 'plain_text', text: 'Keep it' },
        },
      },
    ],
  };
}

/** Retry, on failed admin work: the service continues from the step that failed (admins only). */
export function retryButton(requestId: string): types.ActionsBlock {
  return {
    type: 'actions',
    block_id: cardBlockId(ACTION.retry, requestId),
    elements: [
      {
        type: 'button',
        action_id: ACTION.retry,
        text: { type: 'plain_text', text: 'Retry' },
        style: 'primary',
        value: requestId,
      },
    ],
  };
}

/**
 * Extend, for a time-bound grant (on a reminder, on the Home tab): the grant id is the value and the block id
 * names its request, so a click re-reads both from the ledger.
 */
export function extendGrantButton(requestId: string, grantId: string): types.ActionsBlock {
  return {
    type: 'actions',
    block_id: extendBlockId(requestId, grantId),
    elements: [
      {
        type: 'button',
        action_id: ACTION.extend,
        text: { type: 'plain_text', text: 'Extend' },
        style: 'primary',
        value: grantId,
      },
    ],
  };
}

/**
 * Extend and Release for one access-desk grant (the Home tab, the "granted" message), in the block that names
 * the grant's request: Extend only for a grant that ends. Release ends it now, after a confirmation.
 */
export function grantButtons(
  grant: { requestId: string; id: string; endsAt: Date | null },
  { releaseLabel = 'Release', extend = true }: { releaseLabel?: string; extend?: boolean } = {},
): types.ActionsBlock {
  const release: types.Button = {
    type: 'button',
    action_id: ACTION.release,
    text: { type: 'plain_text', text: releaseLabel },
    value: grant.id,
    confirm: {
      title: { type: 'plain_text', text: 'Release this access?' },
      text: { type: 'plain_text', text: 'It ends now; ask again with /access request if you need it later.' },
      confirm: { type: 'plain_text', text: 'Release it' },
      deny: { type: 'plain_text', text: 'Keep it' },
    },
  };
  const extendButton: types.Button = {
    type: 'button',
    action_id: ACTION.extend,
    text: { type: 'plain_text', text: 'Extend' },
    style: 'primary',
    value: grant.id,
  };
  return {
    type: 'actions',
    block_id: extendBlockId(grant.requestId, grant.id),
    elements: grant.endsAt === null || !extend ? [release] : [extendButton, release],
  };
}

/** Request access: opens the request form (the Home tab). */
export function requestAccessButton(): types.ActionsBlock {
  return {
    type: 'actions',
    block_id: 'home_request_access',
    elements: [
      {
        type: 'button',
        action_id: ACTION.openRequestForm,
        text: { type: 'plain_text', text: 'Request access' },
        style: 'primary',
        value: 'request',
      },
    ],
  };
}
