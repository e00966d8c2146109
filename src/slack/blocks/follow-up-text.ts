/**
 * The follow-ups of a request as cards and messages show them: its tickets linked, who may approve without
 * pinging the `notify: false` approvers (their group is named instead), the escalation, and the reminder or
 * escalation reply in the card's thread. Pure; user text and links escaped here.
 */
import { followUpsOf, type ApproverNudge } from '../../access/follow-ups.js';
import type { RequestRecord } from '../../access/ledger.js';
import type { RequestView } from '../../access/notifier.js';
import { onCallOf } from '../../access/on-call.js';
import { escapeMrkdwn, joinWords } from '../../domain/text.js';
import { context, message, people, section, type Block, type SlackMessage } from './kit.js';

/** A link Slack shows as `text`: neither the URL nor the text can end the link or start another. */
function link(url: string, text: string): string {
  const safeUrl = url.replace(/[<>|\s]/g, encodeURIComponent);
  return `<${safeUrl}|${escapeMrkdwn(text).replace(/\|/g, '¦')}>`;
}

/** `<https://tracker/browse/SEC-42|SEC-42>`, each ticket linked; undefined when it carries none. */
export function ticketText(request: Pick<RequestRecord, 'details'>): string | undefined {
  const tickets = followUpsOf(request).tickets;
  if (tickets === undefined || tickets.length === 0) return undefined;
  return tickets.map((t) => link(t.url, t.ref)).join(', ');
}

/** The same in plain words, for notification fallbacks: `SEC-42 (https://…)`. */
export function ticketPlain(request: Pick<RequestRecord, 'details'>): string | undefined {
  const tickets = followUpsOf(request).tickets;
  if (tickets === undefined || tickets.length === 0) return undefined;
  return tickets.map((t) => `${t.ref} (${t.url})`).join(', ');
}

/** The card's Ticket section; none when the request carries no ticket. */
export function ticketBlocks(request: Pick<RequestRecord, 'details'>): Block[] {
  const text = ticketText(request);
  return text === undefined ? [] : [section(`*Ticket*\n${text}`)];
}

/**
 * People who may approve, mentioned, except the quiet ones (`notify: false`), whose groups are named instead:
 * `@lena @leo or anyone in *secops* (not pinged)`.
 */
export function approverPeople(request: Pick<RequestRecord, 'details'>, ids: readonly string[]): string {
  const quiet = followUpsOf(request).quiet;
  if (quiet === undefined) return people(ids);
  const loud = ids.filter((id) => !quiet.approvers.includes(id));
  const hidden = ids.length > loud.length;
  if (!hidden) return people(ids);
  const groups = quietGroupsText(quiet.groups);
  return loud.length > 0 ? `${people(loud)} or ${groups}` : groups;
}

function quietGroupsText(groups: readonly string[]): string {
  const named =
    groups.length > 0
      ? joinWords(
          groups.map((g) => `*${escapeMrkdwn(g)}*`),
          'or',
        )
      : 'a quiet group';
  return `anyone in ${named} (not pinged)`;
}

/**
 * What the on-call check decided, when a rule asked for one: approved at once because the requester is on call,
 * or sent to the approvers because a schedule could not be read (and why). Nothing when they were simply not on
 * call: the request then reads like any other.
 */
export function onCallBlocks(request: Pick<RequestRecord, 'details'>): Block[] {
  const record = onCallOf(request.details);
  if (record === undefined) return [];
  const names = (list: readonly string[]): string => joinWords(list.map((s) => `*${escapeMrkdwn(s)}*`));
  if (record.onCall.length > 0 && record.onCall.length === record.schedules.length) {
    return [context(`:pager: Approved at once: on call now in ${names(record.onCall)}.`)];
  }
  const unavailable = record.unavailable ?? [];
  if (unavailable.length === 0) return [];
  const why = unavailable.map((u) => `${escapeMrkdwn(u.why)}`);
  return [
    context(
      `:warning: Not approved on call: ${names(unavailable.map((u) => u.schedule))} could not be checked (${[...new Set(why)].join('; ')}), so it went to the approvers as usual.`,
    ),
  ];
}

/** ` · escalated to *admins*`, once the request escalated; '' before. */
export function escalationText(request: Pick<RequestRecord, 'details'>): string {
  const escalation = followUpsOf(request).escalation;
  if (escalation === undefined || escalation.groups.length === 0) return '';
  return ` · escalated to ${joinWords(escalation.groups.map((g) => `*${escapeMrkdwn(g)}*`))}`;
}

/** The reply in the card's thread: a reminder to the approvers who have not approved, or the escalation. */
export function nudgeMessage(view: RequestView, nudge: ApproverNudge): SlackMessage {
  const { request } = view;
  const needed = view.approvalsNeeded;
  const waits = `${request.id} still waits for ${needed} more approval${needed === 1 ? '' : 's'}`;
  const quiet =
    nudge.quietGroups.length > 0 ? ` (${quietGroupsText(nudge.quietGroups)} may approve too)` : '';
  const whom = nudge.mention.length > 0 ? `${people(nudge.mention, 30)}: ` : '';
  const groups = joinWords(nudge.groups.map((g) => `*${escapeMrkdwn(g)}*`));
  const text =
    nudge.step === 'reminder'
      ? `:bell: ${whom}${waits}${quiet}. Approve or deny it on the card above.`
      : `:arrow_up: Escalated to ${groups}: ${whom}you may approve ${request.id} now too${quiet}. It ${waits.slice(request.id.length + 1)}.`;
  const plainWaits = `${waits}.`;
  const plain =
    nudge.step === 'reminder'
      ? `Reminder: ${plainWaits}`
      : `${request.id} escalated to ${joinWords(nudge.groups)}: ${plainWaits}`;
  return message(plain, [
    section(text),
    context('Approvals count per person; the requester never approves.'),
  ]);
}
