/**
 * Clicks whose effect must never be lost: Approve, Deny (the deny modal's submission), Cancel, Retry, the
 * Extend, access request, onboarding, offboarding and role-change modals' submissions, and the slash commands
 * that change access (`/access request`, `extend` and `revoke` given in full). A listener records the click (one insert), acknowledges it to Slack, then runs it;
 * if the process dies in between, the job runner runs it after a restart (or on another replica), exactly once,
 * and answers the person through the ClickAnswers port. The IAM-to-SSO migration's command (`/access migrate`
 * with a person, `migrate remove`) and the person's two buttons are clicks too (src/access/migration-clicks.ts).
 */
import type { DurationSpec } from '../domain/duration.js';
import type { NewStarter } from './admin-api.js';
import type { UserUpdateInput, WelcomeResent } from './people-api.js';
import type { WelcomeClick } from './welcome-clicks.js';
import type { AccessRequestInput, ExtensionInput, Outcome, RevokeInput } from './api.js';
import type { BreakGlassInput } from './break-glass-api.js';
import type { CardRef } from './ledger.js';
import type { MigrationDone } from './migration-api.js';
import type { RequestView } from './notifier.js';

export type ClickAction =
  | 'approve'
  | 'deny'
  | 'cancel'
  | 'retry'
  | 'extend'
  | 'request'
  | 'admin'
  | 'revoke'
  | 'migration'
  | 'welcome'
  /** `/access breakglass`, given in full (src/access/break-glass.ts). */
  | 'breakglass'
  /** "Mark reviewed" and "End access now" on a break-glass card. */
  | 'breakglass_review'
  | 'breakglass_end';

export const CLICK_ACTIONS: readonly ClickAction[] = [
  'approve',
  'deny',
  'cancel',
  'retry',
  'extend',
  'request',
  'admin',
  'revoke',
  'migration',
  'welcome',
  'breakglass',
  'breakglass_review',
  'breakglass_end',
];

/**
 * What a migration click asks for (src/access/migration-clicks.ts): `/access migrate <person>`, `/access migrate
 * remove`, or the person's "SSO works for me" / "I need help" on `message` (as Slack says it was clicked).
 */
export type MigrationClick =
  | { kind: 'start'; who: string }
  | { kind: 'remove'; who: string; reason?: string }
  | { kind: 'confirm' | 'help'; migrationId: string; message?: CardRef };

/** What an admin's onboarding, offboarding or role-change form submitted. */
export type AdminSubmission =
  | { kind: 'onboard'; starter: NewStarter }
  | { kind: 'offboard'; who: string; reason: string; cleanupLegacyIam: boolean }
  | { kind: 'role_change'; who: string; role: string; reason?: string }
  /** `/access group add|remove`: the preview modal's submission (src/access/group-api.ts). */
  | {
      kind: 'group_change';
      who: string;
      group: string;
      groupId?: string;
      action: 'add' | 'remove';
      reason?: string;
    }
  /** `/access group create`, given in full on the command line. */
  | { kind: 'group_create'; name: string; description?: string }
  /** `/access user update`: the update modal's submission (src/access/people-api.ts). */
  | ({ kind: 'user_update' } & UserUpdateInput)
  /**
   * A CSV file shared in Slack, after its preview (src/access/bulk-api.ts): the file by id, and the digest of
   * the bytes that were previewed, so that what is asked for is what the admin saw.
   */
  | { kind: 'bulk_onboard'; slackFileId: string; digest: string; reason?: string };

/** Who clicked what, and where to answer them: everything needed to run the click without the listener. */
export interface ClickInput {
  action: ClickAction;
  /**
   * The request the click acts on (for extend: the request whose grant is extended); absent for `request`,
   * which makes one.
   */
  requestId?: string;
  /** The Slack user who clicked. */
  userId: string;
  /** deny: the reason typed in the deny modal. */
  reason?: string;
  /** extend (a button): which grant, by how much, and why. */
  extension?: { grantId: string; duration: DurationSpec; reason?: string };
  /** extend (`/access extend`): which grant by permission set and account, by how much, and why. */
  extensionCommand?: Omit<ExtensionInput, 'requesterSlackId' | 'clickId'>;
  /** revoke (`/access revoke`): which access to end, and whose. */
  revocation?: Omit<RevokeInput, 'actorSlackId' | 'clickId'>;
  /** request: what the request modal asked for. */
  submission?: Omit<AccessRequestInput, 'requesterSlackId' | 'clickId'>;
  /** admin: what the admin's form asked for. */
  adminSubmission?: AdminSubmission;
  /** migration: the command or the button. */
  migration?: MigrationClick;
  /** welcome (`/access welcome`): to whom the welcome email goes again. */
  welcome?: WelcomeClick;
  /** breakglass (`/access breakglass`): what is taken at once, for how long, and why. */
  breakGlass?: Omit<BreakGlassInput, 'requesterSlackId' | 'clickId'>;
  /** The click's response_url, to answer the person where they clicked. Absent (a modal): a direct message. */
  responseUrl?: string;
}

/** A recorded click: its id is the id of the job that runs it. */
export interface Click extends ClickInput {
  id: string;
}

export interface ClickApi {
  /** Records the click durably: one insert, to make before `ack()`. */
  record(click: ClickInput): Promise<Click>;
  /**
   * Runs a recorded click now, in the caller (the listener, right after its ack), and says how it went; the
   * caller answers the person. Throws only for a bug (the click is then retried by the job runner).
   */
  run(click: Click): Promise<Outcome<RequestView>>;
  /** Runs a recorded migration click now, like `run`: its outcome is not a request's view. */
  runMigration(click: Click): Promise<Outcome<MigrationDone>>;
  /** Runs a recorded `/access welcome` now, like `run`: its outcome is to whom the email went. */
  runWelcome(click: Click): Promise<Outcome<WelcomeResent>>;
}

/** How a click run by the job runner (its listener gone) answers the person: response_url, else a DM. */
export interface ClickAnswers {
  answer(click: Click, outcome: Outcome<RequestView>): Promise<void>;
  /** The same for a migration click. Absent: it is logged only. */
  answerMigration?(click: Click, outcome: Outcome<MigrationDone>): Promise<void>;
  /** The same for `/access welcome`. Absent: it is logged only. */
  answerWelcome?(click: Click, outcome: Outcome<WelcomeResent>): Promise<void>;
}
