/**
 * The admins' subcommands: `onboard` opens the form; `offboard` and `role` open a modal drawn from the admin
 * service's preview; `migrate` with no one named lists who is still waiting (with a person it is a recorded
 * click, like `remove`: access-command.ts). Anyone but an admin is refused at once (the
 * service checks again), and without the admin service each says it is not available here.
 */
import type { AdminApi } from '../../../access/admin-api.js';
import { escapeMrkdwn } from '../../../domain/text.js';
import { waitingMigrationsMessage } from '../../blocks/migration.js';
import { people, who as mentionOf, type SlackMessage } from '../../blocks/kit.js';
import { offboardModal } from '../../blocks/offboard-modal.js';
import { onboardModal } from '../../blocks/onboard-modal.js';
import { refusalMessage } from '../../blocks/replies.js';
import { roleChangeModal } from '../../blocks/role-change-modal.js';
import { ephemeral } from '../tell.js';
import { openPreviewModal } from './preview-modal.js';
import type { Handler, SubcommandContext } from './subcommands.js';

const answer = async (ctx: SubcommandContext, msg: SlackMessage): Promise<void> => {
  await ctx.respond(ephemeral(msg));
};

export const NOT_AVAILABLE =
  'Onboarding, offboarding, role changes and the migration email are not available in this deployment.';

/** The admin service, if this person may use it here; otherwise they have been told why not. */
async function adminFor(ctx: SubcommandContext, doing: string): Promise<AdminApi | undefined> {
  const { admin, access, config } = ctx.deps;
  if (admin === undefined) {
    await answer(ctx, refusalMessage(NOT_AVAILABLE));
    return undefined;
  }
  if (!access.isAdmin(ctx.command.user_id)) {
    const admins = config.admins.length > 0 ? ` Ask one of ${people(config.admins)}.` : '';
    await answer(ctx, refusalMessage(`Only admins can ${doing}.${admins}`));
    return undefined;
  }
  return admin;
}

/** Where the modal's answer goes: where the command was typed. */
const whereTyped = (ctx: SubcommandContext) => ({
  responseUrl: ctx.command.response_url,
  channelId: ctx.command.channel_id,
});

/** An email or a Slack user id, for a sentence. */
const personText = (who: string): string =>
  /^[UW][A-Z0-9]+$/.test(who) ? mentionOf(who) : escapeMrkdwn(who);

export const onboard: Handler<'onboard'> = async ({ result }, ctx) => {
  if (result.kind === 'error') return answer(ctx, refusalMessage(result.message));
  if ((await adminFor(ctx, 'onboard people')) === undefined) return;
  const prefill = result.kind === 'modal' ? result.prefill : {};
  // Nothing to look up first: the trigger_id is fresh.
  await ctx.client.views.open({
    trigger_id: ctx.command.trigger_id,
    view: onboardModal(prefill, ctx.deps.config.roles, whereTyped(ctx)),
  });
};

export const offboard: Handler<'offboard'> = async ({ result }, ctx) => {
  if (result.kind !== 'complete') {
    return answer(ctx, refusalMessage(result.kind === 'error' ? result.message : ''));
  }
  const admin = await adminFor(ctx, 'offboard people');
  if (admin === undefined) return;
  const { who } = result.input;
  await openPreviewModal(ctx, {
    title: 'Offboard',
    waiting: `Reading everything ${personText(who)} has in AWS…`,
    preview: admin.previewOffboarding(ctx.command.user_id, who),
    render: (preview) => offboardModal(preview, { ...whereTyped(ctx), who }),
  });
};

export const role: Handler<'role'> = async ({ result }, ctx) => {
  if (result.kind !== 'complete') {
    return answer(ctx, refusalMessage(result.kind === 'error' ? result.message : ''));
  }
  const admin = await adminFor(ctx, 'change roles');
  if (admin === undefined) return;
  const { who, role: roleName } = result.input;
  await openPreviewModal(ctx, {
    title: 'Change role',
    waiting: `Comparing ${personText(who)}’s access with the ${escapeMrkdwn(roleName)} role…`,
    preview: admin.previewRoleChange(ctx.command.user_id, who, roleName),
    render: (preview) =>
      roleChangeModal(preview, ctx.deps.config.roles[preview.role], {
        ...whereTyped(ctx),
        who,
        role: preview.role,
      }),
  });
};

/** `/access migrate` with no one named: who is still waiting (sending and removing run as recorded clicks). */
export const migrate: Handler<'migrate'> = async ({ result }, ctx) => {
  if (result.kind === 'error') return answer(ctx, refusalMessage(result.message));
  if (result.input.kind !== 'list') throw new Error('a complete /access migrate runs as a recorded click');
  const admin = await adminFor(ctx, 'see who is moving to single sign-on');
  if (admin === undefined) return;
  const waiting = await admin.waitingMigrations(ctx.command.user_id);
  return answer(ctx, waiting.ok ? waitingMigrationsMessage(waiting.value) : refusalMessage(waiting.message));
};
