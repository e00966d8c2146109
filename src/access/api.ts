/**
 * What the Slack layer (and the sandbox console) may ask of the access service. Listeners parse a payload into
 * these inputs, call one method, and render the outcome; they never touch AWS or the ledger.
 */
import type { DurationSpec } from '../domain/duration.js';
import type { GrantRecord } from './ledger.js';
import type { RequestView } from './notifier.js';

/** Expected refusals, each with one message a person can act on. Bugs throw. */
export type RefusalCode =
  | 'unknown_permission_set'
  | 'unknown_account'
  | 'not_offered'
  | 'no_approver'
  | 'duration_too_long'
  | 'reason_required'
  /** A rule requires a ticket reference (`requireTicket`): none was given, or it is not of the form asked for. */
  | 'ticket_required'
  | 'reason_too_long'
  | 'already_held'
  | 'already_requested'
  | 'not_approver'
  | 'own_request'
  | 'already_decided'
  | 'already_voted'
  | 'not_found'
  | 'not_requester'
  | 'not_holder'
  | 'not_admin'
  | 'nothing_to_extend'
  | 'ambiguous_grant'
  | 'identity_unknown'
  | 'identity_ambiguous'
  /** The Identity Center user exists but is DISABLED: never matched to a Slack person for a request. */
  | 'identity_disabled'
  | 'untrusted_domain'
  | 'aws_unavailable'
  /** Admin work: a field of the form is missing or malformed (the message names it). */
  | 'invalid_input'
  /** Admin work: no role of that name in config. */
  | 'unknown_role'
  /** Onboarding: the person already has an Identity Center user (a role change is what is wanted). */
  | 'user_exists'
  /** Migration: a legacy IAM user outside legacyIam.path, which access-desk never removes. */
  | 'outside_legacy_path'
  /** Migration: a button only the person it is about may press, pressed by someone else. */
  | 'not_yours'
  /** Group work: no group of that name in Identity Center (the message names the closest). */
  | 'unknown_group'
  /** Group work: the person is already in the group (adding), or not in it (removing). */
  | 'already_member'
  | 'not_member'
  /** `/access group create`: a group of that name exists already. */
  | 'group_exists'
  /** Scheduled access: the start cannot be read, is in the past, or is too far ahead (the message says which). */
  | 'bad_start'
  /** Scheduled access: it has started, so there is nothing to cancel (the message says how to end it). */
  | 'already_started'
  /** Break-glass: no rule lets this person take it at once (the message says how to ask instead). */
  | 'break_glass_not_allowed'
  /** Break-glass: the person used it as often as the rules allow in 24 hours. */
  | 'break_glass_limit'
  /** Break-glass: an approver reviewed it (or ended it) already. */
  | 'already_reviewed';

export type Outcome<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      code: RefusalCode;
      /** Why, in one or two sentences, and what would work instead. Slack mrkdwn allowed; no user text unescaped. */
      message: string;
    };

export interface AccessRequestInput {
  requesterSlackId: string;
  /** As typed or picked; matched case-insensitively. */
  permissionSet: string;
  /** Account aliases (or 12-digit ids), as typed or picked. */
  accounts: string[];
  /** Absent: the rules' default. */
  duration?: DurationSpec;
  reason?: string;
  /** Ticket references given apart from the reason (`ticket:ABC-123`, the modal's Ticket field). */
  ticket?: string;
  /**
   * Scheduled access: when it starts, as typed after `at` (`2026-12-08 09:00`, `09:00`, `tomorrow 09:00`,
   * `+2h`; UTC) or picked in the modal. Read by the service against its clock (src/domain/when.ts). Absent: now.
   */
  when?: string;
  /**
   * A time-bound membership of this Identity Center group instead (`/access request group:<Group> …`):
   * `permissionSet` and `accounts` are then empty; the group's name is resolved by the service.
   */
  group?: string;
  /**
   * The request modal's submission that asks (src/access/clicks.ts): asked again with the same click (run again
   * after a crash), the request it made already is answered, never a second one.
   */
  clickId?: string;
}

export interface ExtensionInput {
  requesterSlackId: string;
  /** Which grant: by permission set and account, or absent when the person holds exactly one active grant. */
  permissionSet?: string;
  account?: string;
  /** A time-bound group membership instead (`/access extend group:<Group> <duration>`). */
  group?: string;
  /** How much longer, from the grant's current end. */
  duration: DurationSpec;
  reason?: string;
  /**
   * The click that asks (src/access/clicks.ts): asked again with the same click (run again after a crash), the
   * extension it made already is answered, never a second one.
   */
  clickId?: string;
}

export interface RevokeInput {
  actorSlackId: string;
  permissionSet: string;
  account: string;
  /** A time-bound group membership instead (`/access revoke group:<Group>`): permission set and account empty. */
  group?: string;
  /** Someone else's grant (admins only): their Slack id or email. */
  targetSlackId?: string;
  targetEmail?: string;
  /**
   * The recorded command that asks (src/access/clicks.ts): asked again with it (run again after a crash), grants
   * it already set ending are its answer, rather than "nothing to end".
   */
  clickId?: string;
}

/** What a person may pick from in the request modal. */
export interface RequestOptions {
  permissionSets: { name: string; description?: string }[];
  /** With the account's name where the config gives one (`accountNames`). */
  accounts: { alias: string; id: string; name?: string }[];
  /** The ticket patterns some rule requires (`requireTicket`): the form then has a Ticket field. */
  ticketPatterns?: string[];
}

export interface AccessApi {
  submitAccessRequest(input: AccessRequestInput): Promise<Outcome<RequestView>>;
  approve(requestId: string, approverSlackId: string): Promise<Outcome<RequestView>>;
  deny(requestId: string, approverSlackId: string, reason: string): Promise<Outcome<RequestView>>;
  cancel(requestId: string, requesterSlackId: string): Promise<Outcome<RequestView>>;
  requestExtension(input: ExtensionInput): Promise<Outcome<RequestView>>;
  /** Ends access now: your own without approval; someone else's if you are an admin. */
  revoke(input: RevokeInput): Promise<Outcome<{ ended: GrantRecord[] }>>;
  /** My open requests and the requests waiting for my approval. */
  pending(slackUserId: string): Promise<{ mine: RequestView[]; awaitingMe: RequestView[] }>;
  /** May this person act on this request's card (approve or deny)? For an early, ephemeral refusal. */
  view(requestId: string): Promise<RequestView | undefined>;
  requestOptions(): RequestOptions;
  isAdmin(slackUserId: string): boolean;
  /**
   * Reads a start for scheduled access (`at <when>`, the request form's day and time) against the service's clock
   * and `timing.scheduleAhead`: the start, or why not (a form shows it on its field). Absent: not checked early.
   */
  checkStart?(when: string): Outcome<Date>;
}
