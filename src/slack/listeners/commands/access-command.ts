/** `/access …`: ack at once, parse, run the subcommand, answer ephemerally through respond(). */
import { parseAccessCommand } from '../../parse.js';
import { ackFirst } from '../ack-first.js';
import type { CommandArgs, ListenerDeps } from '../deps.js';
import { reportFailure } from '../failure.js';
import { ephemeral } from '../tell.js';
import { runSubcommand } from './subcommands.js';

export function accessCommand(deps: ListenerDeps): (args: CommandArgs) => Promise<void> {
  const afterAcks = ackFirst();
  return async ({ command, ack, respond, client }) => {
    // Nothing in the body is acknowledged before this: Slack gives us 3 s and the service may take longer.
    await ack();
    // In a burst, every command is acknowledged first (Slack's 3 s) and processed after: see ack-first.ts.
    await afterAcks();
    const log = deps.logger.child({ module: 'slack.command', userId: command.user_id });
    try {
      const parsed = parseAccessCommand(command.text, {
        userId: command.user_id,
        options: deps.access.requestOptions(),
        roles: Object.keys(deps.config.roles),
      });
      log.debug({ subcommand: parsed.subcommand }, '/access');
      await runSubcommand(parsed, { deps, command, respond, client, log });
    } catch (err) {
      await reportFailure(
        { log, listener: 'access-command', userId: command.user_id, tell: (msg) => respond(ephemeral(msg)) },
        err,
      );
    }
  };
}
