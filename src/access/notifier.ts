/**
 * The notifier port: how the access service tells people what happened. The Slack adapter (src/slack/notifier.ts)
 * renders Block Kit and posts or updates messages; tests may record. Every call is made from a durable job, so
 * it must be safe to repeat: with `card`/`dm` already set, it updates that message instead of posting anew.
 */
import type { ApproverNudge } from './follow-ups.js';
import type { ApprovalRecord, CardRef, GrantRecord, RequestRecord, SessionDenialRecord } from './ledger.js';

/** Everything a card or a message about one request shows, read from the ledger at the moment it is drawn. */
export interface RequestView {
  request: RequestRecord;
  approvals: ApprovalRecord[];
  grants: GrantRecord[];
  /** Distinct approvals still needed (0 once approved). */
  approvalsNeeded: number;
  /** From the catalog, when known. */
  permissionSetDescription?: string;
  /** The permission set's session duration in hours: sessions already open outlive the grant by up to this. */
  sessionHours?: number;
  /**
   * What becomes of sessions already open when this access ends: ended with it (`end`), left open because the
   * set is in sessions.leaveAlone, or left open because sessions.endOnRevoke is off. Absent: not known here.
   */
  sessionsEnd?: 'end' | 'leave_alone' | 'off';
  /** The request's session denials: how ending the open sessions went, once access ended. */
  sessionDenials?: SessionDenialRecord[];
}

/** What just happened, for the requester's (or holder's) direct message. */
export type RequesterEvent =
  | 'submitted'
  | 'approved'
  | 'denied'
  | 'cancelled'
  | 'lapsed'
  | 'granted'
  | 'partially_granted'
  | 'failed'
  | 'extended'
  | 'reminder'
  | 'ended';

/** The message an audit keeps up to date in the asking admin's direct messages. */
export interface AuditStatus {
  /** Slack user id of the admin who asked. */
  requestedBy: string;
  state: 'running' | 'done' | 'failed';
  /** Progress ("users 1,200… · groups 2/3 · …"), the summary, or why it stopped: plain text. */
  text: string;
  /**
   * Done: the users with no sign-in for `audit.inactiveAfter`, longest quiet first, each offered an Offboard
   * button (which opens the offboarding preview, admins only); at most a handful, the rest counted in
   * `inactiveNotShown` (the CSV lists them all).
   */
  inactive?: InactiveUserLine[];
  inactiveNotShown?: number;
}

/** An inactive user as the audit's summary message shows them. */
export interface InactiveUserLine {
  userName: string;
  displayName: string;
  email?: string;
  /** Undefined: no sign-in in CloudTrail's history. */
  lastSignIn?: Date;
  disabled: boolean;
}

/**
 * A file's bytes as a stream: their number known before the first is read (Slack's upload asks for it up front),
 * and read from the start again at each call (a report posted to two channels is read twice), so that no
 * adapter needs them all in memory at once.
 */
export interface FileContent {
  /** Bytes in all. */
  length: number;
  /** The bytes from the first, anew at each call. */
  read(): AsyncIterable<Uint8Array>;
}

/** The audit report as a file (tens of MiB for a large organisation: streamed, never held). */
export interface AuditFile {
  filename: string;
  title: string;
  content: FileContent;
}

/** One line of the audit channel: a decision, or a change in AWS, or a failure of one. Plain text throughout. */
export interface AuditLine {
  at: Date;
  kind: 'decision' | 'change' | 'failure';
  /** Who did it; absent: access-desk itself (the rules, the scheduler, a job). */
  bySlackId?: string;
  /** What was done, starting with a verb: `approved SeniorDeveloper on prod for 4h`. */
  did: string;
  /** Whom it is for or about: a Slack user, else an email. */
  forSlackId?: string;
  forEmail?: string;
  requestId?: string;
  /** A reason or AWS's words, quoted under the line. */
  note?: string;
}

export interface Notifier {
  /** Posts the approval card to `request.channel`, or updates it in place when `request.card` is set. */
  syncCard(view: RequestView): Promise<CardRef>;
  /**
   * Tells the requester: updates their running message about this request (`request.dm`) in place, and for
   * events that need their attention (granted, denied, failed, reminder, ended) also posts a new message so
   * Slack notifies them. Returns the running message.
   */
  notifyRequester(view: RequestView, event: RequesterEvent, grant?: GrantRecord): Promise<CardRef>;
  /** The id of the bot's direct-message conversation with a Slack user (opened if need be). */
  directMessageChannel(slackUserId: string): Promise<string>;
  /** Posts the audit's message to `channel`, or updates it in place when `ref` is given. */
  auditStatus(channel: string, ref: CardRef | undefined, status: AuditStatus): Promise<CardRef>;
  /** Posts the report file to `channel` with `comment` (the summary) beside it. */
  uploadAuditReport(channel: string, file: AuditFile, comment: string): Promise<{ fileId: string }>;
  /** Posts one line to the audit channel. */
  postAuditLine(channel: string, line: AuditLine): Promise<void>;
  /**
   * Posts a reminder or an escalation of a pending request as a reply in its card's thread (`view.request.card`),
   * mentioning `nudge.mention`. Optional: a notifier without it posts none.
   */
  nudgeApprovers?(view: RequestView, nudge: ApproverNudge): Promise<void>;
}
