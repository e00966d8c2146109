/**
 * Bulk onboarding as the Slack layer and the command line ask for it: a CSV file of new starters, every row
 * checked before anything is done, one preview, then one `bulk_onboard` request judged by the rules over all it
 * grants, approved once, and carried out person by person with the usual onboarding steps.
 */
import type { Requirement } from '../domain/rule-parts.js';
import type { BulkProblem } from './admin/bulk-csv.js';
import type { Outcome, RefusalCode } from './api.js';
import type { RequestView } from './notifier.js';

export type { BulkProblem } from './admin/bulk-csv.js';

/** Where the file comes from: bytes read by the command line, or a file shared in Slack. */
export type BulkSource =
  | { bytes: Uint8Array; name?: string }
  /** `digest`: the file must still be the one previewed (its SHA-256, as the preview gave it). */
  | { slackFileId: string; digest?: string };

/** One person of the file, as the preview shows them: who, which role, and what that gives them. */
export interface BulkPersonPreview {
  row: number;
  email: string;
  displayName: string;
  role: string;
  slackUserId?: string;
  startDate?: string;
  groups: string[];
  assignments: { permissionSet: string; accounts: string[] }[];
}

export interface BulkPreview {
  /** SHA-256 of the file's bytes (hex): the file a submission must still be. */
  digest: string;
  fileName?: string;
  /** People rows read from the file (blank lines aside). */
  rows: number;
  /** Every person, when no row has a problem; the rows that passed otherwise. */
  people: BulkPersonPreview[];
  /** Every problem, by row and column; none means the batch may be asked for. */
  problems: BulkProblem[];
  /**
   * With no problems: the rules' judgement of the whole batch now, who must approve or why nobody could (a
   * reason needed, no approver left once the batch's people are set aside). `message` is Slack mrkdwn.
   */
  rules?:
    | { ok: true; requirements: Requirement[]; autoApprove: boolean }
    | { ok: false; code: RefusalCode; message: string };
}

/** A file shared in chat, as read through the chat's API (Slack: files.info, then the file's private URL). */
export interface SharedFile {
  id: string;
  name: string;
  /** Who shared it: a Slack user id. */
  sharedBy: string;
  bytes: Uint8Array;
}

/** The port the Slack adapter implements: a shared file read, refused when larger than `maxBytes`. */
export interface SharedFiles {
  read(fileId: string, maxBytes: number): Promise<Outcome<SharedFile>>;
}

export interface BulkOnboardApi {
  /**
   * Reads and checks the file, and judges the batch by the rules, without recording anything. `adminSlackId`:
   * who asks (admins only); the command line's preview, run by whoever holds the AWS credentials, passes none.
   */
  preview(
    adminSlackId: string | undefined,
    source: BulkSource,
    options?: { reason?: string },
  ): Promise<Outcome<BulkPreview>>;
  /**
   * Checks everything again and records one `bulk_onboard` request for approval; refused, with nothing
   * recorded, while any row has a problem. `clickId`: the recorded submission this runs (src/access/clicks.ts).
   */
  submit(
    adminSlackId: string,
    source: BulkSource,
    options?: { reason?: string; clickId?: string },
  ): Promise<Outcome<RequestView>>;
}
