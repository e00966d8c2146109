/**
 * `/access whois` (anyone, about anyone) and `/access users` (admins): each asks the insight service once and
 * answers ephemerally. Without the insight service each says it is not available here.
 */
import type { InsightApi } from '../../../access/insight-api.js';
import type { SlackMessage } from '../../blocks/kit.js';
import { refusalMessage } from '../../blocks/replies.js';
import { usersMessage } from '../../blocks/users-message.js';
import { whoisMessage } from '../../blocks/whois-message.js';
import { ephemeral } from '../tell.js';
import type { Handler, SubcommandContext } from './subcommands.js';

export const INSIGHT_NOT_AVAILABLE =
  '`/access whois` and `/access users` are not available in this deployment.';

const answer = async (ctx: SubcommandContext, msg: SlackMessage): Promise<void> => {
  await ctx.respond(ephemeral(msg));
};

async function insightFor(ctx: SubcommandContext): Promise<InsightApi | undefined> {
  if (ctx.deps.insight === undefined) await answer(ctx, refusalMessage(INSIGHT_NOT_AVAILABLE));
  return ctx.deps.insight;
}

export const whois: Handler<'whois'> = async ({ result }, ctx) => {
  if (result.kind !== 'complete') {
    return answer(ctx, refusalMessage(result.kind === 'error' ? result.message : ''));
  }
  const insight = await insightFor(ctx);
  if (insight === undefined) return;
  const outcome = await insight.whois(ctx.command.user_id, result.input.who);
  return answer(ctx, outcome.ok ? whoisMessage(outcome.value) : refusalMessage(outcome.message));
};

export const users: Handler<'users'> = async ({ result }, ctx) => {
  if (result.kind !== 'complete') {
    return answer(ctx, refusalMessage(result.kind === 'error' ? result.message : ''));
  }
  const insight = await insightFor(ctx);
  if (insight === undefined) return;
  const outcome = await insight.users(ctx.command.user_id, result.input.page);
  return answer(ctx, outcome.ok ? usersMessage(outcome.value) : refusalMessage(outcome.message));
};
