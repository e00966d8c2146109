/**
 * The `audit` job: walk the organisation, judge it against the ledger, post the CSV file with its summary, and
 * keep one message up to date meanwhile. The report names every user's access and legacy access key ids, so it
 * goes only to the asking admin's direct messages (progress and report) and to `channels.audit` (the report),
 * never to the channel where `/access audit` was typed. An AWS failure that the adapter's retries did not
 * overcome ends the audit with that message on the card (the admin can run it again); a Slack failure throws,
 * so the job runner runs the whole audit again later (a report that could not be posted says so on the card
 * first). The CSV is streamed through a temporary file (report-file.ts), never held whole.
 */
import type { AccessDeskConfig } from '../../config/types.js';
import type { Logger } from '../../log.js';
import type { CardRef, JobRecord, Ledger } from '../ledger.js';
import type { AuditStatus, Notifier } from '../notifier.js';
import { writeAuditCsv, type CsvSink } from './csv.js';
import { breakGlassCsvLines, breakGlassSummaryLine, unreviewedBreakGlass } from './break-glass.js';
import { ProgressCoalescer } from './progress.js';
import { ADMIN_KINDS, assignmentsByAdminWork } from './admin-work.js';
import { inactiveUsers } from './inactive.js';
import { buildAuditReport } from './report.js';
import { withReportFile } from './report-file.js';
import { progressText, summaryText } from './summary.js';
import { walkOrganisation, type AuditWalkDeps, type AuditWalkOptions } from './walk.js';
import { inBackground } from '../work-lane.js';

export interface AuditWorkDeps extends AuditWalkDeps {
  config: AccessDeskConfig;
  ledger: Ledger;
  notifier: Notifier;
  logger: Logger;
}

export interface AuditWorkOptions extends Omit<AuditWalkOptions, 'onProgress'> {
  /** Least time between two progress updates of the message. */
  progressIntervalMs?: number;
  /** Where the CSV is written while it is posted (then removed); the system's temporary directory by default. */
  reportDir?: string;
}

export const DEFAULT_PROGRESS_INTERVAL_MS = 3_000;
/** Inactive users offered an Offboard button in the summary message (a section each: Slack allows 50 blocks). */
export const OFFBOARD_BUTTONS = 20;

export function auditFileName(at: Date): string {
  return `access-audit-${at.toISOString().slice(0, 16).replace(/:/g, '')}Z.csv`;
}

export class AuditWork {
  private readonly log: Logger;

  constructor(
    private readonly deps: AuditWorkDeps,
    private readonly options: AuditWorkOptions = {},
  ) {
    this.log = deps.logger.child({ module: 'audit' });
  }

  async run(job: JobRecord): Promise<void> {
    const { notifier, ledger, clock } = this.deps;
    const requestedBy = String(job.payload.requestedBy);
    const channel = await notifier.directMessageChannel(requestedBy);
    const auditChannel = this.deps.config.channels.audit;
    const reportTo =
      auditChannel !== undefined && auditChannel !== channel ? [channel, auditChannel] : [channel];
    const status = (state: AuditStatus['state'], text: string): AuditStatus => ({ requestedBy, state, text });
    const ref: CardRef = await notifier.auditStatus(
      channel,
      undefined,
      status('running', 'Reading the directory, the assignments, the legacy IAM users and the sign-ins…'),
    );
    const updates = new ProgressCoalescer(
      this.options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS,
      clock,
      async (text) => {
        try {
          await notifier.auditStatus(channel, ref, status('running', text));
        } catch (error) {
          // Progress is a courtesy: the report still comes if one update does not.
          this.log.warn({ err: error }, 'audit progress update failed');
        }
      },
    );
    const { progressIntervalMs: _interval, reportDir, ...walkOptions } = this.options;
    // The walk (and its sign-in scan) is background work: people's requests go first in AWS's budget.
    const walked = await inBackground(() =>
      walkOrganisation(this.deps, {
        ...walkOptions,
        onProgress: (p) => updates.offer(progressText(p)),
      }),
    );
    await updates.settle();
    if (!walked.ok) {
      this.log.warn({ code: walked.error.code }, 'audit stopped by AWS');
      await notifier.auditStatus(
        channel,
        ref,
        status('failed', `The audit stopped: ${walked.error.message} Run it again once AWS answers.`),
      );
      await ledger.appendAudit({
        at: clock.now(),
        actor: 'system',
        action: 'audit.failed',
        details: { requestedBy, code: walked.error.code, message: walked.error.message },
      });
      return;
    }
    const [grants, adminRequests, sessionDenials] = await Promise.all([
      ledger.findGrants({ statuses: ['pending', 'provisioning', 'active', 'ending'] }),
      ledger.findRequests({ kinds: [...ADMIN_KINDS] }),
      ledger.findSessionDenials({ statuses: ['adding', 'in_force'] }),
    ]);
    const now = clock.now();
    const report = buildAuditReport(walked.value, {
      accounts: this.deps.config.accounts,
      grants,
      madeByAdminWork: assignmentsByAdminWork(adminRequests),
      sessionDenials,
      inactiveAfterMs: this.deps.config.audit.inactiveAfterMs,
      now,
    });
    const glass = await unreviewedBreakGlass(ledger);
    const summary = `${summaryText(report.summary)}\n${breakGlassSummaryLine(glass)}`;
    // The CSV goes to a file of its own, streamed from there to each channel, then removed: never held whole.
    const writeCsv = async (sink: CsvSink): Promise<void> => {
      await writeAuditCsv(report, sink);
      if (!sink.write(breakGlassCsvLines(glass)))
        await new Promise<void>((resolve) => sink.once('drain', resolve));
    };
    const file = {
      filename: auditFileName(now),
      title: `Access audit ${now.toISOString().slice(0, 10)}`,
    };
    let written = false;
    let fileIds: string[];
    try {
      fileIds = await withReportFile({ dir: reportDir, log: this.log }, writeCsv, async (content) => {
        written = true;
        const ids: string[] = [];
        for (const to of reportTo)
          ids.push((await notifier.uploadAuditReport(to, { ...file, content }, summary)).fileId);
        return ids;
      });
    } catch (error) {
      await this.reportNotPosted(channel, ref, requestedBy, written ? 'posted to Slack' : 'written', error);
      throw error;
    }
    const quiet = inactiveUsers(report.activity);
    await notifier.auditStatus(channel, ref, {
      ...status('done', summary),
      ...(quiet.length > 0
        ? {
            inactive: quiet.slice(0, OFFBOARD_BUTTONS).map((a) => ({
              userName: a.user.userName,
              displayName: a.user.displayName,
              ...(a.user.email !== undefined ? { email: a.user.email } : {}),
              ...(a.lastSignIn !== undefined ? { lastSignIn: a.lastSignIn } : {}),
              disabled: a.status === 'DISABLED',
            })),
            inactiveNotShown: Math.max(0, quiet.length - OFFBOARD_BUTTONS),
          }
        : {}),
    });
    await ledger.appendAudit({
      at: now,
      actor: 'system',
      action: 'audit.completed',
      details: { requestedBy, fileIds, ...report.summary, unreviewedBreakGlass: glass.length },
    });
    this.log.info({ fileIds, ...report.summary }, 'audit posted');
  }

  /**
   * The report could not be written to its temporary file, or posted (Slack refused the file, its upload URL
   * failed, the stream broke): the admin's message says so in place of the progress it showed, and the job
   * runs the audit again later.
   */
  private async reportNotPosted(
    channel: string,
    ref: CardRef,
    requestedBy: string,
    what: 'written' | 'posted to Slack',
    error: unknown,
  ): Promise<void> {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/(?<![.!?])$/, '.');
    this.log.warn({ err: error }, `audit report could not be ${what}`);
    try {
      await this.deps.notifier.auditStatus(channel, ref, {
        requestedBy,
        state: 'failed',
        text: `The report could not be ${what}: ${reason} access-desk will run the audit again.`,
      });
    } catch (told) {
      // Slack may be refusing everything: the job's retry is what matters.
      this.log.warn({ err: told }, 'audit failure could not be shown on its message');
    }
  }
}
