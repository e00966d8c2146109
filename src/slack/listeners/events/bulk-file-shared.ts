/**
 * A CSV file shared in Slack with `/access onboard` in its message (words after it are the reason): the bulk
 * onboarding service reads and checks it, and the admin alone sees the preview, with "Ask for approval" when
 * every row passed and the rules name someone who may approve. Anyone else is told why not, privately. Other
 * messages, and messages that mention the command without a file, are not answered.
 */
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { bulkPreviewMessage } from '../../blocks/bulk-onboard.js';
import { people, type SlackMessage } from '../../blocks/kit.js';
import { refusalMessage } from '../../blocks/replies.js';
import { plainFromSlack } from '../../slack-text.js';
import type { ListenerDeps } from '../deps.js';
import { reportFailure } from '../failure.js';
import { tellPrivately } from '../tell.js';

export type MessageArgs = SlackEventMiddlewareArgs<'message'> & AllMiddlewareArgs;

/** What this listener reads of a message event (Bolt's union of message subtypes, loosened). */
interface SharedMessage {
  user?: string;
  bot_id?: string;
  text?: string;
  channel?: string;
  files?: { id?: unknown; name?: unknown }[];
}

/** `/access onboard` anywhere in the text: the reason is what follows it; undefined when it is not there. */
export function bulkCommandIn(text: string): { reason: string } | undefined {
  const plain = plainFromSlack(text);
  const at = plain.search(/(^|\s)\/access\s+onboard(\s|$)/i);
  if (at === -1) return undefined;
  const rest = plain.slice(at).replace(/^\s*\/access\s+onboard/i, '');
  return { reason: rest.trim() };
}

export function bulkFileShared(deps: ListenerDeps): (args: MessageArgs) => Promise<void> {
  return async ({ event, client }) => {
    const shared = event as unknown as SharedMessage;
    const userId = shared.user;
    if (userId === undefined || shared.bot_id !== undefined) return;
    const command = bulkCommandIn(shared.text ?? '');
    const files = (shared.files ?? []).filter((f) => typeof f.id === 'string');
    // A message that only mentions the command (someone explaining it) is not a bulk onboarding.
    if (command === undefined || files.length === 0) return;
    const log = deps.logger.child({ module: 'slack.event', userId, listener: 'bulk-file-shared' });
    const tell = (msg: SlackMessage) => tellPrivately(client, userId, msg, shared.channel);
    try {
      const { bulk, access, config } = deps;
      if (bulk === undefined) {
        await tell(refusalMessage('Bulk onboarding is not available in this deployment.'));
        return;
      }
      if (!access.isAdmin(userId)) {
        const admins = config.admins.length > 0 ? ` Ask one of ${people(config.admins)}.` : '';
        await tell(refusalMessage(`Only admins can onboard people.${admins}`));
        return;
      }
      const [file] = files;
      if (file === undefined || files.length > 1) {
        await tell(
          refusalMessage(
            'Share one CSV file, with `/access onboard` in the same message (any words after it are the reason).',
          ),
        );
        return;
      }
      const fileId = file.id as string;
      const preview = await bulk.preview(userId, { slackFileId: fileId }, { reason: command.reason });
      if (!preview.ok) {
        await tell(refusalMessage(preview.message));
        return;
      }
      log.info(
        { fileId, people: preview.value.rows, problems: preview.value.problems.length },
        'bulk preview',
      );
      await tell(bulkPreviewMessage(preview.value, fileId, command.reason));
    } catch (err) {
      await reportFailure({ log, listener: 'bulk-file-shared', userId, tell }, err);
    }
  };
}
