/**
 * Offboard… on the audit's summary, beside each inactive user: opens the offboarding preview for the user the
 * button names, exactly as `/access offboard <email>` does. Only admins get it (the admin service checks again);
 * the preview changes nothing, and submitting it asks for approval under the rules like any offboarding. A
 * button whose value was changed to name someone else only previews that someone else, to an admin, who could
 * have typed the command; a value that names nobody opens nothing.
 */
import { escapeMrkdwn } from '../../../domain/text.js';
import { people } from '../../blocks/kit.js';
import { offboardModal } from '../../blocks/offboard-modal.js';
import { refusalMessage } from '../../blocks/replies.js';
import { NOT_AVAILABLE } from '../commands/admin-subcommands.js';
import { openPreviewModalFrom } from '../commands/preview-modal.js';
import type { ButtonArgs, ListenerDeps } from '../deps.js';
import { reportFailure } from '../failure.js';
import { answerPrivately } from './answer.js';

/** An Identity Center user name is at most 128 characters; an email at most 254. */
const MAX_TARGET = 254;

/** The person the button names: an email or user name, on one line, of a sane length; else undefined. */
export function offboardTargetOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const who = value.trim();
  if (who === '' || who.length > MAX_TARGET || /[\s<>|`*]/.test(who)) return undefined;
  return who;
}

export const NOT_A_PERSON =
  'This Offboard button does not name a person, so nothing was opened. Run `/access audit` again, or use `/access offboard <email>`.';

export function auditOffboardButton(deps: ListenerDeps): (args: ButtonArgs) => Promise<void> {
  return async (args) => {
    await args.ack();
    const { action, body } = args;
    const clicker = body.user.id;
    const log = deps.logger.child({ module: 'slack.action', action: 'audit-offboard', userId: clicker });
    const tell = (msg: Parameters<typeof answerPrivately>[1]) => answerPrivately(args, msg);
    try {
      const { admin, access, config } = deps;
      if (admin === undefined) {
        await tell(refusalMessage(NOT_AVAILABLE));
        return;
      }
      if (!access.isAdmin(clicker)) {
        log.warn('Offboard pressed by someone who is not an admin');
        const ask = config.admins.length > 0 ? ` Ask one of ${people(config.admins)}.` : '';
        await tell(refusalMessage(`Only admins can offboard people, so nothing was opened.${ask}`));
        return;
      }
      const who = offboardTargetOf(action.value);
      if (who === undefined) {
        log.warn({ value: String(action.value ?? '').slice(0, 80) }, 'Offboard button names nobody');
        await tell(refusalMessage(NOT_A_PERSON));
        return;
      }
      await openPreviewModalFrom(
        { triggerId: body.trigger_id, client: args.client, tell },
        {
          title: 'Offboard',
          waiting: `Reading everything ${escapeMrkdwn(who)} has in AWS…`,
          preview: admin.previewOffboarding(clicker, who),
          render: (preview) =>
            offboardModal(preview, {
              who,
              ...(body.response_url !== undefined && body.response_url !== ''
                ? { responseUrl: body.response_url }
                : {}),
              ...(body.channel?.id !== undefined ? { channelId: body.channel.id } : {}),
            }),
        },
      );
    } catch (err) {
      await reportFailure({ log, listener: 'audit-offboard-button', userId: clicker, tell }, err);
    }
  };
}
