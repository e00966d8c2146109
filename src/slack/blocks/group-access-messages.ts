/**
 * The requester's messages about a time-bound group membership: joined (with what the group gives), ending
 * soon (with Extend), extended, ended. Other events read the same as for any request (whatText names the group).
 */
import { carriesText, groupAccessOf } from '../../access/group-access-details.js';
import type { GrantRecord } from '../../access/ledger.js';
import type { RequesterEvent, RequestView } from '../../access/notifier.js';
import { formatDuration } from '../../domain/duration.js';
import { escapeMrkdwn } from '../../domain/text.js';
import { extendGrantButton } from './buttons.js';
import { slackDate } from './dates.js';
import { context, message, section, type SlackMessage } from './kit.js';
import { sessionNote } from './sessions-text.js';

const until = (grant: GrantRecord | undefined): string =>
  grant?.endsAt === undefined || grant.endsAt === null ? '' : ` until ${slackDate(grant.endsAt)}`;

/** undefined: not a group membership, or an event the general messages say well enough. */
export function groupEventMessage(
  view: RequestView,
  event: RequesterEvent,
  grant: GrantRecord | undefined,
): SlackMessage | undefined {
  const group = groupAccessOf(view.request);
  if (group === undefined) return undefined;
  const name = `*${escapeMrkdwn(group.groupName)}*`;
  const plainName = group.groupName;
  const held =
    grant ?? view.grants.find((g) => g.group !== undefined && g.status === 'active') ?? view.grants[0];
  const gives = `It gives you ${carriesText(group.carries)}.`;
  switch (event) {
    case 'granted':
      return message(`You are now in group ${plainName} (${view.request.id})`, [
        section(`:white_check_mark: You are now in group ${name}${until(held)}. ${gives}`),
        context(
          `When it ends you leave the group. To leave now: \`/access revoke group:${escapeMrkdwn(plainName)}\`.`,
        ),
      ]);
    case 'reminder':
      if (held === undefined) return undefined;
      return message(`Your membership of group ${plainName} ends soon`, [
        section(`:alarm_clock: Your membership of group ${name} ends${until(held)}. Need more time?`),
        extendGrantButton(view.request.id, held.id),
      ]);
    case 'extended': {
      const by = view.request.durationMs === null ? '' : ` by ${formatDuration(view.request.durationMs)}`;
      return message(`Your membership of group ${plainName} was extended${by}`, [
        section(
          `:white_check_mark: Your membership of group ${name} was extended${by}: it now lasts${until(held)}.`,
        ),
      ]);
    }
    case 'ended': {
      const note = sessionNote(view);
      return message(`Your membership of group ${plainName} ended`, [
        section(
          `:black_square_for_stop: Your membership of group ${name} has ended. ${gives.replace('It gives', 'It gave')}`,
        ),
        ...(note !== undefined ? [context(note)] : []),
      ]);
    }
    default:
      return undefined;
  }
}
