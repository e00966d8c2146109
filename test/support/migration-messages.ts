import type { LegacyMigrationRecord, MigrationMessages } from '../../src/access/migration-api.js';
import type { CardRef, RequestRecord } from '../../src/access/ledger.js';
import type { SlackMessage } from '../../src/slack/blocks/kit.js';
import { migrationHelpMessage, migrationPersonMessage } from '../../src/slack/blocks/migration.js';

/**
 * The migration's direct messages as Slack would have shown them (the same rendering as the Slack adapter):
 * every post and update of a person's message, and every admin told of a call for help. `failNext` makes the
 * next call throw, as when Slack does not answer.
 */
export class RecordingMigrationMessages implements MigrationMessages {
  readonly personMessages: {
    to: string;
    ref: CardRef;
    updated: boolean;
    migration: LegacyMigrationRecord;
    message: SlackMessage;
  }[] = [];
  readonly adminsTold: { to: string; migration: LegacyMigrationRecord; message: SlackMessage }[] = [];
  failNext = false;
  private next = 1;

  syncPersonMessage(migration: LegacyMigrationRecord, removal?: RequestRecord): Promise<CardRef> {
    this.maybeFail();
    const ref = migration.dm ?? {
      channel: `D${migration.slackUserId}`,
      ts: `${1_800_000_000 + this.next++}.000200`,
    };
    const message = migrationPersonMessage(migration, removal);
    this.personMessages.push({
      to: migration.slackUserId,
      ref,
      updated: migration.dm !== null,
      migration,
      message,
    });
    return Promise.resolve(ref);
  }

  tellAdminHelpAsked(migration: LegacyMigrationRecord): Promise<void> {
    this.maybeFail();
    this.adminsTold.push({ to: migration.startedBy, migration, message: migrationHelpMessage(migration) });
    return Promise.resolve();
  }

  /** The person's message as last drawn. */
  lastFor(migrationId: string) {
    return this.personMessages.filter((m) => m.migration.id === migrationId).at(-1);
  }

  private maybeFail(): void {
    if (!this.failNext) return;
    this.failNext = false;
    throw new Error('Slack did not answer');
  }
}
