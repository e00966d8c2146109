/**
 * `/access group …`: `list` answers privately for anyone; `add` and `remove` (admins) open the preview modal of
 * what the group carries, drawn from the admin service; `create` is recorded and run as a click by
 * access-command.ts (a command that asks for a change, given in full), so it never reaches here.
 */
import { escapeMrkdwn } from '../../../domain/text.js';
import { groupChangeModal } from '../../blocks/group-modal.js';
import { groupListMessage } from '../../blocks/group-messages.js';
import { people, who as mentionOf } from '../../blocks/kit.js';
import { refusalMessage } from '../../blocks/replies.js';
import { ephemeral } from '../tell.js';
import { openPreviewModal } from './preview-modal.js';
import type { Handler } from './subcommands.js';

export const GROUPS_NOT_AVAILABLE = '`/access group` is not available in this deployment.';

export const group: Handler<'group'> = async ({ result }, ctx) => {
  const answer = (msg: Parameters<typeof ephemeral>[0]) => ctx.respond(ephemeral(msg));
  if (result.kind !== 'complete') {
    await answer(refusalMessage(result.kind === 'error' ? result.message : ''));
    return;
  }
  const { admin, access, config } = ctx.deps;
  if (admin === undefined) {
    await answer(refusalMessage(GROUPS_NOT_AVAILABLE));
    return;
  }
  const input = result.input;
  if (input.action === 'create') {
    throw new Error('/access group create runs as a recorded click, not here');
  }
  if (input.action === 'list') {
    const outcome = await admin.listGroups(ctx.command.user_id, input.group);
    await answer(outcome.ok ? groupListMessage(outcome.value) : refusalMessage(outcome.message));
    return;
  }
  if (!access.isAdmin(ctx.command.user_id)) {
    const admins = config.admins.length > 0 ? ` Ask one of ${people(config.admins)}.` : '';
    const what = input.action === 'add' ? 'add people to groups' : 'remove people from groups';
    await answer(
      refusalMessage(`Only admins can ${what}.${admins} Anyone may see the groups: \`/access group list\`.`),
    );
    return;
  }
  const whom = /^[UW][A-Z0-9]+$/.test(input.who) ? mentionOf(input.who) : escapeMrkdwn(input.who);
  await openPreviewModal(ctx, {
    title: input.action === 'add' ? 'Add to group' : 'Remove from group',
    waiting: `Reading what group ${escapeMrkdwn(input.group)} carries, and ${whom}’s groups…`,
    preview: admin.previewGroupChange(ctx.command.user_id, {
      who: input.who,
      group: input.group,
      action: input.action,
    }),
    render: (preview) =>
      groupChangeModal(preview, {
        responseUrl: ctx.command.response_url,
        channelId: ctx.command.channel_id,
        who: input.who,
        group: preview.group.name,
        groupId: preview.group.id,
        action: preview.action,
      }),
  });
};
