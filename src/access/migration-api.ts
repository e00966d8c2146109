/**
 * The IAM-to-SSO migration as the Slack layer asks for it. An admin's `/access migrate <person>` emails the
 * person (once) and sends them a direct message with two buttons; only that person's press counts. "SSO works
 * for me" records their confirmation and opens a `legacy_removal` request (approved like any admin work) that
 * removes their legacy IAM user, access keys first; "I need help" tells the admin who sent the email. Nothing
 * of the IAM user goes before they confirm, unless an admin asks for its removal with a reason.
 */
import type { Outcome } from './api.js';
import type { CardRef, RequestRecord } from './ledger.js';
import type { LegacyMigrationRecord } from './legacy-migrations.js';
import type { RequestView } from './notifier.js';

export type { LegacyMigrationRecord } from './legacy-migrations.js';

/** What a migration click did: the email and message sent, the confirmation recorded, help asked for, a removal. */
export type MigrationDone =
  | { kind: 'started'; migration: LegacyMigrationRecord }
  | {
      kind: 'confirmed';
      migration: LegacyMigrationRecord;
      /** The removal request, once asked for. */
      removal?: RequestView;
      /** Why no removal was asked for now (the rules, the IAM user out of reach): the admins were told. */
      removalProblem?: string;
    }
  | { kind: 'help_asked'; migration: LegacyMigrationRecord }
  /** `/access migrate remove`: the removal request. */
  | { kind: 'removal_requested'; removal: RequestView };

/** One line of `/access migrate` with no argument: a migration still waiting, and where it stands. */
export interface WaitingMigration {
  migration: LegacyMigrationRecord;
  /** Its removal request, when one was asked for (and is not completed: a completed one is no longer waiting). */
  removal?: Pick<RequestRecord, 'id' | 'status'>;
}

export interface MigrationApi {
  /**
   * `/access migrate <email|@user>` (admins): checks the person (an Identity Center user, their Slack account,
   * a legacy IAM user of theirs within legacyIam.path), records the migration, sends the email once and the
   * person's message. `clickId`: the recorded command this runs; run again, it carries on with the migration it
   * made and never sends the email a second time.
   */
  startMigration(
    adminSlackId: string,
    who: string,
    clickId?: string,
    signal?: AbortSignal,
  ): Promise<Outcome<MigrationDone>>;
  /**
   * "SSO works for me", by `slackUserId`, on the message `message` (Slack's, as the click says). Only the person
   * the migration is about may press it, on the message that was sent for it.
   */
  confirmMigration(input: {
    migrationId: string;
    slackUserId: string;
    message?: CardRef;
    clickId?: string;
  }): Promise<Outcome<MigrationDone>>;
  /** "I need help": the admin who sent the email is told. Same checks as confirmMigration. */
  askForHelp(input: {
    migrationId: string;
    slackUserId: string;
    message?: CardRef;
  }): Promise<Outcome<MigrationDone>>;
  /**
   * `/access migrate remove <email|@user> [--reason …]` (admins): asks for the removal of the person's legacy IAM
   * user. Without their confirmation only with a reason (recorded as an override).
   */
  requestLegacyRemoval(
    adminSlackId: string,
    input: { who: string; reason?: string },
    clickId?: string,
  ): Promise<Outcome<RequestView>>;
  /** `/access migrate` (admins): who is still waiting, oldest first. */
  waitingMigrations(adminSlackId: string): Promise<Outcome<WaitingMigration[]>>;
}

/** How the migration reaches people in Slack (src/slack/migration-messages.ts). */
export interface MigrationMessages {
  /**
   * Posts the person's direct message about their migration (buttons while they have not confirmed), or updates
   * it in place when `migration.dm` is set. `removal`: their removal request, once asked for.
   */
  syncPersonMessage(migration: LegacyMigrationRecord, removal?: RequestRecord): Promise<CardRef>;
  /** Tells the admin who sent the email, by direct message, that the person asked for help. */
  tellAdminHelpAsked(migration: LegacyMigrationRecord): Promise<void>;
}
