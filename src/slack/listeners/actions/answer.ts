/** Answers the person who clicked, privately, without touching the message they clicked on. */
import type { SlackMessage } from '../../blocks/kit.js';
import type { ButtonArgs } from '../deps.js';
import { ephemeral, tellPrivately } from '../tell.js';

export async function answerPrivately(args: ButtonArgs, msg: SlackMessage): Promise<void> {
  // Buttons in messages carry a response_url; a button in a modal or on the Home tab does not.
  if (args.body.response_url !== undefined && args.body.response_url !== '') {
    await args.respond(ephemeral(msg));
    return;
  }
  await tellPrivately(args.client, args.body.user.id, msg, args.body.channel?.id);
}
