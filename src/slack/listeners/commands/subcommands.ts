/**
 * What each parsed `/access` subcommand does: one handler per subcommand, each calling the access service once
 * and answering ephemerally. The command listener has already acked; it runs the commands that change access
 * (given in full) as recorded clicks itself.
 */
import type { SlashCommand } from '@slack/bolt';
import type { webApi, RespondFn } from '@slack/bolt';
import type { Logger } from '../../../log.js';
import type { SlackMessage } from '../../blocks/kit.js';
import { helpMessage } from '../../blocks/help.js';
import { pendingList } from '../../blocks/pending-list.js';
import { refusalMessage } from '../../blocks/replies.js';
import { requestModal } from '../../blocks/request-modal.js';
import type { ParsedCommand } from '../../parse.js';
import type { ListenerDeps } from '../deps.js';
import { ephemeral } from '../tell.js';
import { migrate, offboard, onboard, role } from './admin-subcommands.js';
import { audit } from './audit-subcommand.js';
import { group } from './group-subcommand.js';
import { user, welcome } from './people-subcommands.js';
import { users, whois } from './insight-subcommands.js';

export interface SubcommandContext {
  deps: ListenerDeps;
  command: SlashCommand;
  respond: RespondFn;
  client: webApi.WebClient;
  log: Logger;
}

export type Handler<K extends ParsedCommand['subcommand']> = (
  parsed: Extract<ParsedCommand, { subcommand: K }>,
  ctx: SubcommandContext,
) => Promise<void>;

const answer = async (ctx: SubcommandContext, msg: SlackMessage): Promise<void> => {
  await ctx.respond(ephemeral(msg));
};

/** A command that changes access, given in full, is recorded and run as a click by access-command.ts. */
const RECORDED = 'a complete /access request, extend or revoke runs as a recorded click, not here';

const request: Handler<'request'> = async ({ result }, ctx) => {
  if (result.kind === 'error') return answer(ctx, refusalMessage(result.message));
  if (result.kind === 'modal') {
    // The trigger_id lives 3 s: open the modal before anything slow.
    await ctx.client.views.open({
      trigger_id: ctx.command.trigger_id,
      view: requestModal(result.prefill, ctx.deps.access.requestOptions(), {
        responseUrl: ctx.command.response_url,
        channelId: ctx.command.channel_id,
      }),
    });
    return;
  }
  throw new Error(RECORDED);
};

const extend: Handler<'extend'> = async ({ result }, ctx) => {
  if (result.kind !== 'complete')
    return answer(ctx, refusalMessage(result.kind === 'error' ? result.message : ''));
  throw new Error(RECORDED);
};

const revoke: Handler<'revoke'> = async ({ result }, ctx) => {
  if (result.kind !== 'complete')
    return answer(ctx, refusalMessage(result.kind === 'error' ? result.message : ''));
  throw new Error(RECORDED);
};

const breakglass: Handler<'breakglass'> = async ({ result }, ctx) => {
  if (result.kind !== 'complete')
    return answer(ctx, refusalMessage(result.kind === 'error' ? result.message : ''));
  throw new Error(RECORDED);
};

const pending: Handler<'pending'> = async (_parsed, ctx) => {
  const lists = await ctx.deps.access.pending(ctx.command.user_id);
  return answer(ctx, pendingList(lists));
};

const help: Handler<'help'> = (_parsed, ctx) => answer(ctx, helpMessage());

const unknown: Handler<'unknown'> = ({ message }, ctx) => answer(ctx, refusalMessage(message));

const HANDLERS: { [K in ParsedCommand['subcommand']]: Handler<K> } = {
  request,
  extend,
  revoke,
  breakglass,
  pending,
  onboard,
  offboard,
  role,
  migrate,
  whois,
  users,
  audit,
  group,
  user,
  welcome,
  help,
  unknown,
};

export function runSubcommand(parsed: ParsedCommand, ctx: SubcommandContext): Promise<void> {
  // The mapped type ties each handler to its own variant; TypeScript cannot follow that through the union.
  const handler = HANDLERS[parsed.subcommand] as Handler<ParsedCommand['subcommand']>;
  return handler(parsed, ctx);
}
