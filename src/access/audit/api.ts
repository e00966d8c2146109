/** What the Slack layer may ask of the audit: start one (admins only). The report arrives in the channel. */
import type { Outcome } from '../api.js';

export interface AuditStart {
  /** Where progress and the report go. */
  channel: string;
  /** An audit was already queued or running: no second one was started; its report goes to `channel`. */
  alreadyRunning: boolean;
}

export interface AuditApi {
  startAudit(actorSlackId: string, channel: string): Promise<Outcome<AuditStart>>;
}
