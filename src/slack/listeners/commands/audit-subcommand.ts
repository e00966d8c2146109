/**
 * `/access audit`: admins only. Starts the audit job and says so, ephemerally: the job keeps its message in the
 * admin's direct messages up to date and posts the report file there (and in the audit channel), never in the
 * channel the command was typed in, which may be public.
 */
import { auditStartedMessage } from '../../blocks/audit-messages.js';
import { refusalMessage } from '../../blocks/replies.js';
import { ephemeral } from '../tell.js';
import type { Handler } from './subcommands.js';

export const AUDIT_NOT_AVAILABLE = 'The audit is not available in this deployment.';

export const audit: Handler<'audit'> = async ({ result }, ctx) => {
  if (result.kind !== 'complete') {
    await ctx.respond(ephemeral(refusalMessage(result.kind === 'error' ? result.message : '')));
    return;
  }
  const api = ctx.deps.audit;
  if (api === undefined) {
    await ctx.respond(ephemeral(refusalMessage(AUDIT_NOT_AVAILABLE)));
    return;
  }
  const outcome = await api.startAudit(ctx.command.user_id, ctx.command.channel_id);
  if (outcome.ok) ctx.log.info({ ...outcome.value }, 'audit requested');
  await ctx.respond(
    ephemeral(outcome.ok ? auditStartedMessage(outcome.value) : refusalMessage(outcome.message)),
  );
};
