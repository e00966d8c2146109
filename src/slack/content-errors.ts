/**
 * A form's content judged by the rules before the form closes (src/domain/content-checks.ts), as field errors
 * for `ack({ response_action: 'errors' })`: the refusal sits under the field it is about, and the modal stays
 * open with what was typed. Checks that need AWS run after the ack, as before. Pure.
 */
import type { AccessRequestInput } from '../access/api.js';
import type { GrantRecord } from '../access/ledger.js';
import type { AccessDeskConfig } from '../config/types.js';
import {
  extensionSpan,
  judgeContent,
  reasonAlwaysRequired,
  type ContentRefusal,
} from '../domain/content-checks.js';
import { DAY, durationMs, MINUTE, type DurationSpec } from '../domain/duration.js';
import type { RequestKind } from '../domain/request.js';
import { truncate, WORD_JOINER } from '../domain/text.js';
import { BLOCK } from './ids.js';
import { plainFromSlack } from './slack-text.js';

type RulesConfig = Pick<AccessDeskConfig, 'rules' | 'channels' | 'approvers'>;
export type FieldErrors = Record<string, string>;

/** The longest extension the Extend form looks for. */
const WEEK = 7 * DAY;

/** Slack shows a field error as plain text, up to a short paragraph. */
const FIELD_ERROR_MAX = 1000;
const WORD_JOINER_RE = new RegExp(WORD_JOINER, 'g');

/** The rules engine's mrkdwn, read back as plain text (no `*bold*`, no backticks, no escapes). */
export function plainError(mrkdwn: string): string {
  const plain = plainFromSlack(mrkdwn)
    .replace(/\*([^*\n]+)\*/g, '$1')
    .replace(/`([^`\n]+)`/g, '$1')
    .replace(WORD_JOINER_RE, '');
  return truncate(plain, FIELD_ERROR_MAX);
}

/** Which field of the request (or extend) form a refusal of the rules is about. */
function fieldOf(refusal: ContentRefusal, durationBlock: string): string {
  switch (refusal.code) {
    case 'duration_too_long':
    case 'permanent_not_allowed':
      return durationBlock;
    case 'reason_required':
      return BLOCK.reason;
    case 'ticket_required':
      // The form has a Ticket field whenever a rule requires one (request-modal.ts); the extend form has not.
      return durationBlock === BLOCK.duration ? BLOCK.ticket : BLOCK.reason;
    default:
      // Not offered, nobody named to approve it: about what was picked.
      return BLOCK.permissionSet;
  }
}

const errorsOf = (refusal: ContentRefusal | undefined, durationBlock: string): FieldErrors | undefined =>
  refusal === undefined ? undefined : { [fieldOf(refusal, durationBlock)]: plainError(refusal.message) };

/** The request form's content against the rules; undefined when they accept it. */
export function requestContentErrors(
  input: Omit<AccessRequestInput, 'clickId'>,
  config: RulesConfig,
): FieldErrors | undefined {
  return errorsOf(requestRefusal(input, config), BLOCK.duration);
}

/** The rules' refusal of a request as typed (a command or the form), or undefined. */
export function requestRefusal(
  input: Omit<AccessRequestInput, 'clickId'>,
  config: RulesConfig,
): ContentRefusal | undefined {
  const reason = input.reason?.trim() ?? '';
  return judgeContent(
    {
      kind: 'access',
      requesterSlackId: input.requesterSlackId,
      permissionSet: input.permissionSet,
      accounts: input.accounts,
      durationMs: input.duration === undefined ? undefined : durationMs(input.duration),
      ...(reason !== '' ? { reason } : {}),
      ...(input.ticket !== undefined ? { ticket: input.ticket } : {}),
    },
    config,
  );
}

/**
 * The extend form's content against the rules, judged as the service judges it: the access as it would be,
 * from now to the grant's new end. A grant with no end, or one no longer active, is left to the service (its
 * answer says so after the ack).
 */
export function extendContentErrors(
  grant: GrantRecord,
  requesterSlackId: string,
  extension: { duration: DurationSpec; reason?: string },
  config: RulesConfig,
  now: Date,
): FieldErrors | undefined {
  if (extension.duration.kind === 'permanent') {
    return {
      [BLOCK.extension]: 'An extension adds a time; to keep the access for good, request it as permanent.',
    };
  }
  if (grant.status !== 'active' || grant.endsAt === null) return undefined;
  const refusal = extendRefusal(
    grant,
    requesterSlackId,
    extension.duration.ms,
    extension.reason,
    config,
    now,
  );
  // A required ticket is met by the grant's own request, which only the service reads: left to it.
  return refusal?.code === 'ticket_required' ? undefined : errorsOf(refusal, BLOCK.extension);
}

/** The rules' refusal of extending this grant by `extensionMs`, judged by the grant's whole length. */
function extendRefusal(
  grant: GrantRecord,
  requesterSlackId: string,
  extensionMs: number,
  reasonText: string | undefined,
  config: RulesConfig,
  now: Date,
): ContentRefusal | undefined {
  const span = extensionSpan([grant], extensionMs, now);
  if (span === undefined) return undefined;
  const reason = reasonText?.trim() ?? '';
  return judgeContent(
    {
      kind: 'extend',
      requesterSlackId,
      // A group membership is judged by its group here (the service judges what the group carries too).
      ...(grant.group !== undefined
        ? { accounts: [], groups: [grant.group.name] }
        : { permissionSet: grant.permissionSet, accounts: [grant.accountAlias] }),
      ...span,
      ...(reason !== '' ? { reason } : {}),
    },
    config,
  );
}

/** Whether extending by `extensionMs` is within the rules' longest time (whatever else they ask, e.g. a reason). */
export function extensionFits(
  grant: GrantRecord,
  requesterSlackId: string,
  extensionMs: number,
  config: RulesConfig,
  now: Date,
): boolean {
  const refusal = extendRefusal(grant, requesterSlackId, extensionMs, 'a reason', config, now);
  return refusal?.code !== 'duration_too_long' && refusal?.code !== 'permanent_not_allowed';
}

/** The longest extension the rules allow for this grant, to the minute (up to a week); 0 when none. */
export function longestExtension(
  grant: GrantRecord,
  requesterSlackId: string,
  config: RulesConfig,
  now: Date,
): number {
  const fits = (ms: number): boolean => extensionFits(grant, requesterSlackId, ms, config, now);
  let low = 0;
  let high = WEEK / MINUTE;
  if (fits(WEEK)) return WEEK;
  // Longer never fits where shorter does not: search the minutes.
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (fits(mid * MINUTE)) low = mid;
    else high = mid;
  }
  return low * MINUTE;
}

/**
 * An admin form's reason: refused on its field when it is empty and some rule needs a reason for every such
 * work (the other rules depend on what the work grants, read from AWS, and are judged after the ack).
 */
export function adminReasonErrors(
  kind: RequestKind,
  reason: string | undefined,
  config: Pick<AccessDeskConfig, 'rules'>,
  block: string = BLOCK.reason,
): FieldErrors | undefined {
  if ((reason ?? '').trim() !== '') return undefined;
  const message = reasonAlwaysRequired(kind, config);
  return message === undefined ? undefined : { [block]: plainError(message) };
}
