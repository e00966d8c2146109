/**
 * `/access user update <email|@user>` opens the update form, prefilled from Identity Center by the admin
 * service's preview (anyone but an admin is refused at once; the service checks again). `/access welcome
 * <email|@user>` is recorded before its ack and run as a click (access-command.ts, src/access/welcome-clicks.ts):
 * only a malformed one is answered here.
 */
import type { AdminApi } from '../../../access/admin-api.js';
import { escapeMrkdwn } from '../../../domain/text.js';
import { people, who as mentionOf, type SlackMessage } from '../../blocks/kit.js';
import { refusalMessage } from '../../blocks/replies.js';
import { userUpdateModal } from '../../blocks/user-update-modal.js';
import { ephemeral } from '../tell.js';
import { openPreviewModal } from './preview-modal.js';
import type { Handler, SubcommandContext } from './subcommands.js';

export const PEOPLE_NOT_AVAILABLE =
  'Changing people’s details and sending welcome emails are not available in this deployment.';

const answer = async (ctx: SubcommandContext, msg: SlackMessage): Promise<void> => {
  await ctx.respond(ephemeral(msg));
};

/** The admin service, if this person may use it here; otherwise they have been told why not. */
async function adminFor(ctx: SubcommandContext, doing: string): Promise<AdminApi | undefined> {
  const { admin, access, config } = ctx.deps;
  if (admin === undefined) {
    await answer(ctx, refusalMessage(PEOPLE_NOT_AVAILABLE));
    return undefined;
  }
  if (!access.isAdmin(ctx.command.user_id)) {
    const admins = config.admins.length > 0 ? ` Ask one of ${people(config.admins)}.` : '';
    await answer(ctx, refusalMessage(`Only admins can ${doing}.${admins}`));
    return undefined;
  }
  return admin;
}

/** An email or a Slack user id, for a sentence. */
const personText = (who: string): string =>
  /^[UW][A-Z0-9]+$/.test(who) ? mentionOf(who) : escapeMrkdwn(who);

export const user: Handler<'user'> = async ({ result }, ctx) => {
  if (result.kind !== 'complete') {
    return answer(ctx, refusalMessage(result.kind === 'error' ? result.message : ''));
  }
  const admin = await adminFor(ctx, 'change people’s details');
  if (admin === undefined) return;
  const { who } = result.input;
  await openPreviewModal(ctx, {
    title: 'Change details',
    waiting: `Reading ${personText(who)}’s details in Identity Center…`,
    preview: admin.previewUserUpdate(ctx.command.user_id, who),
    render: (preview) =>
      userUpdateModal(preview, {
        responseUrl: ctx.command.response_url,
        channelId: ctx.command.channel_id,
        who,
        userId: preview.user.id,
      }),
  });
};

export const welcome: Handler<'welcome'> = async ({ result }, ctx) => {
  if (result.kind !== 'complete') {
    return answer(ctx, refusalMessage(result.kind === 'error' ? result.message : ''));
  }
  // Given in full, it is recorded before its ack and run as a click by access-command.ts.
  throw new Error('/access welcome runs as a recorded click, not here');
};
