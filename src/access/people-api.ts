/**
 * People's details as the Slack layer asks for them: a person's names and primary email changed (admin work
 * like any other: judged by the rules, approved on a card, carried out by one durable UpdateUser step), and the
 * welcome email sent again with what they can reach today. Admins only.
 */
import type { DirectoryUser } from '../domain/identity.js';
import type { Outcome } from './api.js';
import type { RequestView } from './notifier.js';

/** The attributes `/access user update` may change; the user name is immutable in Identity Center. */
export type UserField = 'givenName' | 'familyName' | 'displayName' | 'email';

/** One attribute that changes, from what to what ('' where it was not set). */
export interface UserChange {
  field: UserField;
  from: string;
  to: string;
}

/** What the update modal opens with: the user as Identity Center has them now. */
export interface UserUpdatePreview {
  user: DirectoryUser;
  /** The email access-desk knows them by (their primary email, else their user name). */
  email: string;
  /** Whether the rules need a reason for the change (the form then says so). */
  reasonRequired: boolean;
}

/** What the admin submitted: the details as they should be (blank or unchanged fields change nothing). */
export interface UserUpdateInput {
  /** An email, a user name or a Slack user id, as typed after `/access user update`. */
  who: string;
  /**
   * The Identity Center user id the modal was opened for: a submission about anyone else (the email now leads to
   * another user) changes nothing.
   */
  userId: string;
  givenName: string;
  familyName: string;
  displayName: string;
  email: string;
  reason?: string;
}

/** Whom the welcome email went to, and what it said they can reach. */
export interface WelcomeResent {
  to: string;
  userName: string;
  displayName: string;
  messageId: string;
  groups: number;
  assignments: number;
}

export interface PeopleApi {
  /** Admins only: the person as Identity Center has them, to prefill the update modal. */
  previewUserUpdate(adminSlackId: string, who: string): Promise<Outcome<UserUpdatePreview>>;
  /**
   * Records a `user_update` request with what changes (field: from → to), judged by the rules; nothing that
   * changes is refused, saying so. `clickId`: the recorded form submission this runs; run again, it finds the
   * request it made instead of making a second one.
   */
  submitUserUpdate(
    adminSlackId: string,
    input: UserUpdateInput,
    clickId?: string,
  ): Promise<Outcome<RequestView>>;
  /**
   * Sends the welcome email again to someone who has an enabled Identity Center user, saying what they can reach
   * today (read from AWS), and records it in the audit. No approval: it grants nothing. `clickId`: the recorded
   * command this runs; run again soon after (its process died once the email was sent), it answers what the first
   * run sent instead of sending a second email.
   */
  resendWelcome(adminSlackId: string, who: string, clickId?: string): Promise<Outcome<WelcomeResent>>;
}
