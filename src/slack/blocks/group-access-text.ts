/**
 * How a time-bound group membership (`/access request group:<Group> …`) and access asked for ahead of time
 * (`/access request … at <when>`) are drawn: the card's fields, the one-line summaries. Pure; user text escaped.
 */
import { carriesText, groupAccessOf } from '../../access/group-access-details.js';
import type { RequestRecord } from '../../access/ledger.js';
import type { RequestView } from '../../access/notifier.js';
import { escapeMrkdwn } from '../../domain/text.js';
import { slackDate } from './dates.js';

/** Past this many permission set × account lines, the card counts the rest. */
const CARRIES_SHOWN = 12;

/** The card's Group and Carries fields (what joining it gives), or undefined for any other request. */
export function groupFields(view: RequestView): string[] | undefined {
  const group = groupAccessOf(view.request);
  if (group === undefined) return undefined;
  const about = group.description !== undefined ? `\n${escapeMrkdwn(group.description)}` : '';
  const shown = group.carries.slice(0, CARRIES_SHOWN);
  const more = group.carries.length - shown.length;
  const carries =
    group.carries.length === 0
      ? '_Nothing: no permission set on any account._'
      : `${shown.map((c) => `${escapeMrkdwn(c.permissionSet)} on *${escapeMrkdwn(c.accountAlias)}*`).join('\n')}${more > 0 ? `\n…and ${more} more` : ''}`;
  return [`*Group*\n*${escapeMrkdwn(group.groupName)}*${about}`, `*Carries*\n${carries}`];
}

/** `membership of group *ReadOnly* (ReadOnlyAccess on dev, prod and staging)` (mrkdwn), or undefined. */
export function groupWhatText(request: RequestRecord): string | undefined {
  const group = groupAccessOf(request);
  if (group === undefined) return undefined;
  return `membership of group *${escapeMrkdwn(group.groupName)}* (${carriesText(group.carries)})`;
}

/** The same in plain words. */
export function groupWhatPlain(request: RequestRecord): string | undefined {
  const group = groupAccessOf(request);
  if (group === undefined) return undefined;
  return `membership of group ${group.groupName}`;
}

/** The card's Starts field for access asked for ahead of time, or undefined. */
export function startField(request: RequestRecord): string | undefined {
  const start = request.startsAt ?? null;
  if (start === null) return undefined;
  if (request.decidedAt !== null && request.decidedAt >= start) {
    // Approved after the start it asked for: granted from the approval, for the whole length asked for.
    return `*Starts*\n${slackDate(start)} (approved after it: granted from the approval, for its whole length)`;
  }
  const ends =
    request.durationMs === null ? '' : ` · ends ${slackDate(new Date(start.getTime() + request.durationMs))}`;
  return `*Starts*\n${slackDate(start)}${ends}`;
}

/** `:calendar: Approved: starts …, ends …` for a request waiting for its start. */
export function scheduledStatusText(request: RequestRecord): string {
  const start = request.startsAt ?? null;
  if (start === null) return ':calendar: Approved, waiting for its start';
  const ends =
    request.durationMs === null ? '' : `, ends ${slackDate(new Date(start.getTime() + request.durationMs))}`;
  return `:calendar: Approved, scheduled: granted ${slackDate(start)}${ends}. It can be cancelled until then.`;
}
