/**
 * Ways to answer one person privately: through a response_url (where they typed or clicked), an ephemeral
 * message in a channel, or a direct message. Each answer is a SlackMessage built by blocks/.
 */
import type { webApi } from '@slack/bolt';
import type { Logger } from '../../log.js';
import type { SlackMessage } from '../blocks/kit.js';
import type { RequestModalMetadata } from '../blocks/modal-metadata.js';

type WebClient = webApi.WebClient;

export class ResponseUrlError extends Error {
  readonly code = 'response_url_failed';
}

/**
 * Posts an ephemeral answer to a response_url kept from a slash command (a modal submission has no respond()
 * of its own). Never replaces the original message.
 */
export async function postToResponseUrl(responseUrl: string, msg: SlackMessage): Promise<void> {
  const response = await fetch(responseUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, ...msg }),
  });
  if (!response.ok) throw new ResponseUrlError(`response_url answered HTTP ${response.status}`);
}

export async function directMessage(client: WebClient, userId: string, msg: SlackMessage): Promise<void> {
  const opened = await client.conversations.open({ users: userId });
  const channel = opened.channel?.id;
  if (channel === undefined) throw new Error('conversations.open returned no channel');
  await client.chat.postMessage({ channel, text: msg.text, blocks: msg.blocks });
}

/** Ephemeral in `channel` when there is one (the bot may not be in it), else by direct message. */
export async function tellPrivately(
  client: WebClient,
  userId: string,
  msg: SlackMessage,
  channel?: string,
): Promise<void> {
  if (channel !== undefined) {
    try {
      await client.chat.postEphemeral({ channel, user: userId, text: msg.text, blocks: msg.blocks });
      return;
    } catch {
      // not_in_channel, channel_not_found, …: a direct message always reaches them.
    }
  }
  await directMessage(client, userId, msg);
}

export const ephemeral = (msg: SlackMessage) => ({
  response_type: 'ephemeral' as const,
  replace_original: false,
  text: msg.text,
  blocks: msg.blocks,
});

/**
 * How a modal's submission answers: where the command was typed (its response_url, kept in the modal's
 * metadata), or by direct message when that URL is gone (30 minutes, 5 answers) or was never there.
 */
export function tellWhereTyped(
  client: WebClient,
  userId: string,
  metadata: RequestModalMetadata,
  log: Logger,
): (msg: SlackMessage) => Promise<void> {
  return async (msg) => {
    if (metadata.responseUrl !== undefined) {
      try {
        await postToResponseUrl(metadata.responseUrl, msg);
        return;
      } catch (err) {
        log.warn({ err }, 'response_url refused the answer; sending a direct message');
      }
    }
    await directMessage(client, userId, msg);
  };
}
