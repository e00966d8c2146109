/**
 * The record of one person's move from their legacy IAM user to single sign-on, as the ledger keeps it: who
 * started it, whether the email went, the direct message with its buttons, and what the person answered. A
 * button names the migration by its id and is checked against this record at the click; the audit events
 * (`email.migration_sent`, `migration.confirmed`, `migration.help_asked`) and the `legacy_removal` request
 * carry the story, this record the state those events are decided from.
 */
import type { CardRef } from './ledger.js';

export interface LegacyMigrationRecord {
  /** `M-7K2Q9D3F`: what the buttons carry. */
  id: string;
  /** The recorded `/access migrate` command that started it, so that running that command again finds it. */
  clickId: string | null;
  /** The person's Identity Center email (lower case), their user id and their name. */
  email: string;
  userId: string;
  /** Their Identity Center user name: what they sign in with (the email tells them). */
  userName: string;
  displayName: string;
  /** The Slack account the direct message goes to (the only one whose press counts is the same person's). */
  slackUserId: string;
  /** The legacy IAM user to be removed once they confirm. */
  iamUserName: string;
  /** The admin who sent the email. */
  startedBy: string;
  startedAt: Date;
  /** The day the email asks them to confirm by (after it, an admin may remove the IAM user with a reason). */
  confirmBy: Date;
  /** Set once SES took the email: a run after that never sends it again. */
  emailedAt: Date | null;
  messageId: string | null;
  /** Why SES refused the email (for good): such a migration never went out, and stands in nobody's way. */
  emailFailure: string | null;
  /** The direct message with the buttons, once posted. */
  dm: CardRef | null;
  confirmedBy: string | null;
  confirmedAt: Date | null;
  helpAskedBy: string | null;
  helpAskedAt: Date | null;
  /** When the admin who sent the email was told about the call for help. */
  helpToldAt: Date | null;
  /** The `legacy_removal` request that removes the IAM user, once asked for. */
  removalRequestId: string | null;
}

export interface LegacyMigrationQuery {
  email?: string;
  clickId?: string;
  /** Only those whose email went (the listing's "waiting"). */
  emailed?: boolean;
  limit?: number;
}

/** The parts of a migration that change after it is recorded. */
export type LegacyMigrationPatch = Partial<
  Pick<
    LegacyMigrationRecord,
    | 'emailedAt'
    | 'messageId'
    | 'emailFailure'
    | 'dm'
    | 'confirmedBy'
    | 'confirmedAt'
    | 'helpAskedBy'
    | 'helpAskedAt'
    | 'helpToldAt'
    | 'removalRequestId'
  >
>;

/**
 * A field that must still be empty for an update to apply: the compare-and-set that makes sending the email,
 * posting the message, confirming and telling the admin happen once, whichever replica gets there first.
 */
export type LegacyMigrationUnset = 'emailedAt' | 'dm' | 'confirmedAt' | 'helpAskedAt' | 'helpToldAt';
