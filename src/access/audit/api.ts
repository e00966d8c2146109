/**
 * What the Slack layer may ask of the audit: start one (admins only). The report holds every user's access and
 * legacy access key ids, so it never goes to the channel the command was typed in: progress and the report go
 * to the asking admin's direct messages, and the report also to the audit channel when one is configured.
 */
import type { Outcome } from '../api.js';

export interface AuditStart {
  /** The admin whose audit runs: its progress and report go to their direct messages with the bot. */
  requestedBy: string;
  /** `channels.audit`, which gets the report too; absent when none is configured. */
  auditChannel?: string;
  /** An audit was already queued or running: no second one was started; its report goes where it was to go. */
  alreadyRunning: boolean;
}

export interface AuditApi {
  /** `channel` is where the command was typed: kept in the audit log, never a destination for the report. */
  startAudit(actorSlackId: string, channel: string): Promise<Outcome<AuditStart>>;
}
