/**
 * `/access …`: parse, and for a command that changes access (`request`, `extend`, `revoke` or `group create` given in full)
 * record it before the ack, as a click (src/access/clicks.ts): a process that dies after acknowledging it leaves
 * it to another replica, or to itself after a restart, which runs it and answers where it was typed. Then ack,
 * run the subcommand, and answer ephemerally through respond(). `/access migrate <person>` and `migrate remove`
 * are recorded the same way, so that a migration email is never lost nor sent twice; and `/access welcome`.
 */
import type { SlashCommand } from '@slack/bolt';
import type { Click, ClickInput } from '../../../access/click-api.js';
import { clickAnswer } from '../../blocks/click-answer.js';
import { migrationAnswer } from '../../blocks/migration.js';
import { welcomeAnswer } from '../../blocks/user-update-text.js';
import { parseAccessCommand, type ParsedCommand } from '../../parse.js';
import { ackFirst } from '../ack-first.js';
import type { CommandArgs, ListenerDeps } from '../deps.js';
import { reportFailure } from '../failure.js';
import { ephemeral } from '../tell.js';
import { openReasonModal, reasonAskedFor } from './reason-modal.js';
import { runSubcommand } from './subcommands.js';

/** Said at the ack when the command could not be recorded: nothing was done, so nothing may be promised. */
const NOT_RECORDED =
  'I could not record that just now (my database did not answer), so nothing was done. Try again in a moment.';

export function accessCommand(deps: ListenerDeps): (args: CommandArgs) => Promise<void> {
  const afterAcks = ackFirst();
  return async ({ command, ack, respond, client }) => {
    const log = deps.logger.child({ module: 'slack.command', userId: command.user_id });
    const tell = (msg: Parameters<typeof ephemeral>[0]) => respond(ephemeral(msg));
    let acked = false;
    try {
      const parsed = parseAccessCommand(command.text, {
        userId: command.user_id,
        options: deps.access.requestOptions(),
        roles: Object.keys(deps.config.roles),
      });
      log.debug({ subcommand: parsed.subcommand }, '/access');
      // A request the rules refuse for want of a reason opens the form to give one; nothing is recorded yet.
      const reasonAsked = reasonAskedFor(parsed, deps.config);
      if (reasonAsked !== undefined) {
        acked = true;
        await ack();
        await openReasonModal(reasonAsked, {
          triggerId: command.trigger_id,
          responseUrl: command.response_url,
          channelId: command.channel_id,
          client,
          options: deps.access.requestOptions(),
          tell: async (m) => {
            await tell(m);
          },
          log,
        });
        return;
      }
      const durable = clickOfCommand(parsed, command);
      let click: Click | undefined;
      if (durable !== undefined) {
        try {
          click = await deps.clicks.record(durable);
        } catch (err) {
          log.error({ err, subcommand: parsed.subcommand }, 'could not record a command before its ack');
          acked = true;
          await ack(NOT_RECORDED);
          return;
        }
      }
      // Slack gives 3 s; the service may take longer.
      acked = true;
      await ack();
      // In a burst, every command is acknowledged first (Slack's 3 s) and processed after: see ack-first.ts.
      await afterAcks();
      if (click === undefined) {
        await runSubcommand(parsed, { deps, command, respond, client, log });
        return;
      }
      if (click.action === 'migration') {
        await tell(migrationAnswer(await deps.clicks.runMigration(click)));
        return;
      }
      if (click.action === 'welcome') {
        await tell(welcomeAnswer(await deps.clicks.runWelcome(click)));
        return;
      }
      const outcome = await deps.clicks.run(click);
      if (outcome.ok) log.info({ requestId: outcome.value.request.id, action: click.action }, '/access done');
      const answer = clickAnswer(click, outcome);
      if (answer !== undefined) await tell(answer);
    } catch (err) {
      if (!acked) await ack();
      await reportFailure({ log, listener: 'access-command', userId: command.user_id, tell }, err);
    }
  };
}

/** The click that stands for a command changing access, given in full; undefined for any other command. */
function clickOfCommand(parsed: ParsedCommand, command: SlashCommand): ClickInput | undefined {
  const where = { userId: command.user_id, responseUrl: command.response_url };
  switch (parsed.subcommand) {
    case 'request': {
      if (parsed.result.kind !== 'complete') return undefined;
      const { requesterSlackId: _self, clickId: _click, ...submission } = parsed.result.input;
      return { action: 'request', ...where, submission };
    }
    case 'extend': {
      if (parsed.result.kind !== 'complete') return undefined;
      const { requesterSlackId: _self, clickId: _click, ...extensionCommand } = parsed.result.input;
      return { action: 'extend', ...where, extensionCommand };
    }
    case 'revoke': {
      if (parsed.result.kind !== 'complete') return undefined;
      const { actorSlackId: _self, clickId: _click, ...revocation } = parsed.result.input;
      return { action: 'revoke', ...where, revocation };
    }
    case 'breakglass': {
      if (parsed.result.kind !== 'complete') return undefined;
      const { requesterSlackId: _self, clickId: _click, ...breakGlass } = parsed.result.input;
      return { action: 'breakglass', ...where, breakGlass };
    }
    case 'group': {
      // Only `create` asks for a change in one line; add and remove open a preview first, list changes nothing.
      if (parsed.result.kind !== 'complete' || parsed.result.input.action !== 'create') return undefined;
      const { name, description } = parsed.result.input;
      return {
        action: 'admin',
        ...where,
        adminSubmission: {
          kind: 'group_create',
          name,
          ...(description !== undefined ? { description } : {}),
        },
      };
    }
    case 'welcome':
      // The email goes once, even if this process dies right after the ack.
      if (parsed.result.kind !== 'complete') return undefined;
      return { action: 'welcome', ...where, welcome: { who: parsed.result.input.who } };
    case 'migrate': {
      // With no one named it lists who is waiting, which changes nothing.
      if (parsed.result.kind !== 'complete' || parsed.result.input.kind === 'list') return undefined;
      return { action: 'migration', ...where, migration: parsed.result.input };
    }
    default:
      return undefined;
  }
}
