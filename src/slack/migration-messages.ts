/**
 * The migration's direct messages over Slack's Web API (the MigrationMessages port): the person's message with
 * its buttons, posted once and then updated in place as they answer, and the admin's message when the person
 * asks for help. Called from recorded clicks, which may run again: the service posts the person's message only
 * while none is recorded.
 */
import type { RequestRecord } from '../access/ledger.js';
import type { LegacyMigrationRecord, MigrationMessages } from '../access/migration-api.js';
import type { CardRef } from '../access/ledger.js';
import type { Logger } from '../log.js';
import type { SlackMessage } from './blocks/kit.js';
import { migrationHelpMessage, migrationPersonMessage } from './blocks/migration.js';
import type { WebClient } from './client.js';
import { slackErrorCode } from './platform-error.js';

/** Errors that mean "that message is gone": nothing to update (its buttons are gone with it). */
const GONE = new Set(['message_not_found', 'cant_update_message', 'channel_not_found']);

export class SlackMigrationMessages implements MigrationMessages {
  private readonly log: Logger;

  constructor(private readonly deps: { client: WebClient; logger: Logger }) {
    this.log = deps.logger.child({ module: 'slack.migration' });
  }

  async syncPersonMessage(migration: LegacyMigrationRecord, removal?: RequestRecord): Promise<CardRef> {
    const msg = migrationPersonMessage(migration, removal);
    const dm = migration.dm;
    if (dm === null) return this.post(migration.slackUserId, msg);
    try {
      await this.deps.client.chat.update({
        channel: dm.channel,
        ts: dm.ts,
        text: msg.text,
        blocks: msg.blocks,
      });
    } catch (err) {
      if (!GONE.has(slackErrorCode(err) ?? '')) throw err;
      // Deleted by the person: a new one would carry buttons on a message the ledger does not know.
      this.log.warn({ migrationId: migration.id }, 'migration message gone from Slack; not posted again');
    }
    return dm;
  }

  async tellAdminHelpAsked(migration: LegacyMigrationRecord): Promise<void> {
    await this.post(migration.startedBy, migrationHelpMessage(migration));
  }

  private async post(userId: string, msg: SlackMessage): Promise<CardRef> {
    const { client } = this.deps;
    const opened = await client.conversations.open({ users: userId });
    const channel = opened.channel?.id;
    if (channel === undefined) throw new Error(`conversations.open for ${userId} returned no channel`);
    const posted = await client.chat.postMessage({ channel, text: msg.text, blocks: msg.blocks });
    if (posted.ts === undefined || posted.channel === undefined) {
      throw new Error(`chat.postMessage to ${channel} returned no channel or ts`);
    }
    return { channel: posted.channel, ts: posted.ts };
  }
}
