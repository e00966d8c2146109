/**
 * Starting an audit: admins only, as a durable job (a restart runs it again from the start: it only reads).
 * One audit at a time for the whole deployment: a second ask while one is queued or running is told whose it is
 * and where its report will appear instead of doubling the load on AWS's shared rate limits. The job carries who
 * asked, not the channel it was typed in: the report goes to that admin's DM (and the audit channel).
 */
import type { AccessDeskConfig } from '../../config/types.js';
import { mention } from '../../domain/text.js';
import type { Outcome } from '../api.js';
import type { Clock } from '../clock.js';
import type { Ledger } from '../ledger.js';
import type { AuditApi, AuditStart } from './api.js';

export const AUDIT_JOB_KEY = 'audit';

export interface AuditServiceDeps {
  config: AccessDeskConfig;
  ledger: Ledger;
  clock: Clock;
  /** Starts the job runner at once (production); tests drain by hand. */
  wake?: () => void;
}

export class AuditService implements AuditApi {
  constructor(private readonly deps: AuditServiceDeps) {}

  async startAudit(actorSlackId: string, channel: string): Promise<Outcome<AuditStart>> {
    const { config, ledger, clock } = this.deps;
    if (!config.admins.includes(actorSlackId)) {
      const admins = config.admins.length > 0 ? ` Ask one of ${config.admins.map(mention).join(' ')}.` : '';
      return { ok: false, code: 'not_admin', message: `Only admins can run an audit.${admins}` };
    }
    const now = clock.now();
    const started = await ledger.transaction(async (tx) => {
      const queued = await tx.enqueueJob({
        kind: 'audit',
        payload: { requestedBy: actorSlackId },
        runAt: now,
        dedupeKey: AUDIT_JOB_KEY,
      });
      if (queued) {
        await tx.appendAudit({
          at: now,
          actor: actorSlackId,
          action: 'audit.requested',
          details: { askedIn: channel },
        });
      }
      return queued;
    });
    const auditChannel = config.channels.audit;
    const where = auditChannel !== undefined ? { auditChannel } : {};
    if (!started) {
      const [running] = await ledger.findJobs({ kind: 'audit', statuses: ['queued', 'running'] });
      const owner = running?.payload.requestedBy;
      return {
        ok: true,
        value: {
          requestedBy: typeof owner === 'string' ? owner : actorSlackId,
          ...where,
          alreadyRunning: true,
        },
      };
    }
    this.deps.wake?.();
    return { ok: true, value: { requestedBy: actorSlackId, ...where, alreadyRunning: false } };
  }
}
