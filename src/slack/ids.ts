/**
 * The identifiers Slack sends back to us: action ids on buttons and selects, callback ids of modals, block ids
 * of modal inputs. Builders and listeners both import them from here, so a renamed id cannot split the two.
 */

export const ACTION = {
  approve: 'approve_request',
  deny: 'deny_request',
  cancel: 'cancel_request',
  extend: 'extend_grant',
  pickPermissionSet: 'pick_permission_set',
  pickAccounts: 'pick_accounts',
  pickDuration: 'pick_duration',
  typeReason: 'type_reason',
  typeDenyReason: 'type_deny_reason',
  /** The request form's Ticket field (shown when a rule requires a ticket). */
  typeTicket: 'type_ticket',
  pickExtension: 'pick_extension',
  /** On a failed admin request (card or DM): continue from the step that failed. */
  retry: 'retry_request',
  typeEmail: 'type_email',
  typeGivenName: 'type_given_name',
  typeFamilyName: 'type_family_name',
  typeDisplayName: 'type_display_name',
  pickRole: 'pick_role',
  pickSlackUser: 'pick_slack_user',
  pickStartDate: 'pick_start_date',
  /** The request form's start time (scheduled access); its day is pickStartDate in BLOCK.startDate. */
  pickStartTime: 'pick_start_time',
  typeNote: 'type_note',
  checkLegacyCleanup: 'check_legacy_cleanup',
  /** The user listing's pager: each button's value is the page it shows, nothing else. */
  usersPrevious: 'users_previous_page',
  usersNext: 'users_next_page',
  /** On the onboarding form: turns it into the form for a CSV file of several people. */
  bulkOnboardFile: 'bulk_onboard_file',
  /** The CSV file input of that form. */
  pickCsvFile: 'pick_csv_file',
  /** On a bulk onboarding's preview message: asks for approval (the block names the file and its digest). */
  bulkOnboardSubmit: 'bulk_onboard_submit',
  /**
   * On the audit's summary, one per inactive user: opens the offboarding preview for the user its value names
   * (admins only; the preview changes nothing, and submitting it asks for approval like `/access offboard`).
   */
  auditOffboard: 'audit_offboard_user',
  /** On the person's migration message: only they may press these (the value is the migration's id). */
  migrationConfirm: 'migration_sso_works',
  migrationHelp: 'migration_need_help',
  /** On a break-glass card: an approver of its target reviewed it, or ends the access now. */
  breakGlassReviewed: 'break_glass_reviewed',
  breakGlassEnd: 'break_glass_end',
  /**
   * Release, next to Extend (Home tab, the "granted" message): the holder ends their own grant now. Its value is
   * the grant id, in the same block as Extend (`extend:<request>:<grant>`); only the holder may press it.
   */
  release: 'release_grant',
  /** Request access, on the Home tab: opens the empty request form. */
  openRequestForm: 'open_request_form',
} as const;

export const CALLBACK = {
  requestModal: 'request_modal',
  denyModal: 'deny_modal',
  extendModal: 'extend_modal',
  onboardModal: 'onboard_modal',
  offboardModal: 'offboard_modal',
  roleChangeModal: 'role_change_modal',
  /** Bulk onboarding: the CSV file and a reason, then the preview whose submission asks for approval. */
  bulkOnboardModal: 'bulk_onboard_modal',
  bulkOnboardPreview: 'bulk_onboard_preview',
  /** `/access group add|remove`: the preview of what the group carries, with the reason. */
  groupChangeModal: 'group_change_modal',
  /** `/access user update`: names and primary email, prefilled from Identity Center. */
  userUpdateModal: 'user_update_modal',
} as const;

/** Block ids of modal inputs: `ack({ response_action: 'errors' })` names fields by these. */
export const BLOCK = {
  permissionSet: 'permission_set',
  accounts: 'accounts',
  duration: 'duration',
  reason: 'reason',
  ticket: 'ticket',
  denyReason: 'deny_reason',
  extension: 'extension',
  email: 'email',
  givenName: 'given_name',
  familyName: 'family_name',
  displayName: 'display_name',
  role: 'role',
  /** The onboarding extras reuse the request pickers' action ids, so the same options listeners serve them. */
  extraPermissionSets: 'extra_permission_sets',
  extraAccounts: 'extra_accounts',
  slackUser: 'slack_user',
  startDate: 'start_date',
  /** The request form's start time, beside its start day (BLOCK.startDate): access ahead of time. */
  startTime: 'start_time',
  note: 'note',
  legacyCleanup: 'legacy_cleanup',
  csvFile: 'csv_file',
} as const;

/** The value of the legacy clean-up checkbox's one option. */
export const LEGACY_CLEANUP_VALUE = 'delete_legacy_iam_user';

/**
 * The actions block of each button on a request names that request: `decide:<id>` (Approve and Deny on a card),
 * `mine:<id>` (Cancel, for the requester), `retry:<id>` (Retry on failed admin work). A click acts only when the
 * button's value is the request its block names (see slack/button-click.ts).
 */
export const CARD_BLOCK_PREFIX = {
  [ACTION.approve]: 'decide:',
  [ACTION.deny]: 'decide:',
  [ACTION.cancel]: 'mine:',
  [ACTION.retry]: 'retry:',
  [ACTION.breakGlassReviewed]: 'breakglass:',
  [ACTION.breakGlassEnd]: 'breakglass:',
} as const;
export type RequestButtonAction = keyof typeof CARD_BLOCK_PREFIX;
export const cardBlockId = (action: RequestButtonAction, requestId: string): string =>
  `${CARD_BLOCK_PREFIX[action]}${requestId}`;

/**
 * The Extend button sits in a block whose id names the grant's request, so that a click can re-read the request
 * (and find the grant in it) by ids alone: the access API looks requests up by id, not grants.
 */
export const EXTEND_BLOCK_PREFIX = 'extend:';
export const extendBlockId = (requestId: string, grantId: string): string =>
  `${EXTEND_BLOCK_PREFIX}${requestId}:${grantId}`;
export function requestIdOfExtendBlock(blockId: string): string | undefined {
  if (!blockId.startsWith(EXTEND_BLOCK_PREFIX)) return undefined;
  const [requestId] = blockId.slice(EXTEND_BLOCK_PREFIX.length).split(':');
  return requestId === '' ? undefined : requestId;
}

/**
 * The migration message's buttons sit in a block that names the migration (`migration:<id>`); a click acts only
 * when the button's value is that same migration (src/slack/migration-click.ts).
 */
export const MIGRATION_BLOCK_PREFIX = 'migration:';
export const migrationBlockId = (migrationId: string): string => `${MIGRATION_BLOCK_PREFIX}${migrationId}`;
