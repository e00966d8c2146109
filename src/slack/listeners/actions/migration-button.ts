/**
 * "SSO works for me" and "I need help" on a person's migration message. The click is read only when its parts
 * agree (src/slack/migration-click.ts; otherwise it is refused privately and nothing is recorded), recorded
 * before Slack hears it arrived, acknowledged, then run as whoever pressed: the service decides whether that is
 * the person the migration is about, and redraws their message. The presser alone is answered.
 */
import type { Click } from '../../../access/click-api.js';
import { migrationAnswer } from '../../blocks/migration.js';
import { refusalMessage } from '../../blocks/replies.js';
import { migrationOfClick } from '../../migration-click.js';
import type { ButtonArgs, ListenerDeps } from '../deps.js';
import { reportFailure } from '../failure.js';
import { answerPrivately } from './answer.js';

/** Said privately to whoever pressed a button whose parts disagree; nothing is changed. */
export const NOT_THIS_MESSAGE =
  'That button does not belong to this message, so nothing was done. Use the buttons on your own message about moving to single sign-on.';

export function migrationButton(deps: ListenerDeps): (args: ButtonArgs) => Promise<void> {
  return async (args) => {
    const { action: button, body } = args;
    const userId = body.user.id;
    const pressed = migrationOfClick(body, button);
    const log = deps.logger.child({
      module: 'slack.action',
      userId,
      migrationId: pressed?.migrationId,
    });
    const failed = (err: unknown) =>
      reportFailure(
        { log, listener: 'migration-button', userId, tell: (m) => answerPrivately(args, m) },
        err,
      );
    if (pressed === undefined) {
      await args.ack();
      log.warn(
        { value: button.value, blockId: button.block_id },
        'migration button does not belong to its message',
      );
      try {
        await answerPrivately(args, refusalMessage(NOT_THIS_MESSAGE));
      } catch (err) {
        await failed(err);
      }
      return;
    }
    let click: Click;
    try {
      click = await deps.clicks.record({
        action: 'migration',
        userId,
        migration: {
          kind: pressed.kind,
          migrationId: pressed.migrationId,
          ...(pressed.message !== undefined ? { message: pressed.message } : {}),
        },
        ...(body.response_url !== undefined && body.response_url !== ''
          ? { responseUrl: body.response_url }
          : {}),
      });
    } catch (err) {
      await args.ack();
      await failed(err);
      return;
    }
    await args.ack();
    try {
      const outcome = await deps.clicks.runMigration(click);
      log.info({ kind: pressed.kind, ok: outcome.ok }, 'migration button done');
      await answerPrivately(args, migrationAnswer(outcome));
    } catch (err) {
      await failed(err);
    }
  };
}
