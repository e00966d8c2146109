/**
 * Bulk onboarding: a CSV file of new starters, from the command line or shared in Slack. Every row is checked
 * before anything is done (bulk-rows.ts); the whole batch is judged by the rules over everything it would grant
 * (each row's role: its assignments and what its groups carry), with every person of the batch set aside as an
 * approver; then one request, one card, one approval, and each person onboarded by the usual steps
 * (bulk-runner.ts). Admins only; a file with any problem is refused whole, with nothing recorded.
 */
import { createHash } from 'node:crypto';
import type { Logger } from '../../log.js';
import type { RulePart } from '../../domain/rule-parts.js';
import { LIMITS } from '../../domain/text.js';
import type { BatchPerson, AdminStep } from '../admin-api.js';
import type { Outcome } from '../api.js';
import type { BulkOnboardApi, BulkPersonPreview, BulkPreview, BulkSource, SharedFiles } from '../bulk-api.js';
import type { RequestView } from '../notifier.js';
import { requestMadeByClick } from '../made-by-click.js';
import { buildView } from '../views.js';
import { BULK_LIMITS, readBulkCsv } from './bulk-csv.js';
import { problemsText } from './bulk-problems.js';
import { recordBatch } from './bulk-record.js';
import { checkRows, type CheckedRow } from './bulk-rows.js';
import { personSteps } from './bulk-steps.js';
import type { AdminDeps } from './deps.js';
import { ok, refuse } from './details.js';
import { decideAdmin, type Approval } from './record.js';
import { grantedParts } from './rule-parts.js';
import { slackIdsOf } from './subject.js';
import { accountsOf, type AssignmentTarget } from './targets.js';

/** What checking and recording a batch needs (the steps run later, by the admin step runner). */
export interface BulkDeps extends Pick<
  AdminDeps,
  'config' | 'ledger' | 'directory' | 'assignments' | 'catalog' | 'people' | 'clock' | 'logger'
> {
  /** Files shared in Slack; absent: only the command line's files can be read. */
  files?: SharedFiles;
  /** Called after a transaction enqueued jobs, so the runner starts them now. */
  wake?: () => void;
}

/** A file read: its bytes and what names it. */
interface FileRead {
  bytes: Uint8Array;
  name?: string;
  digest: string;
}

/** The file checked: the preview, and what recording it needs. */
interface Checked {
  preview: BulkPreview;
  rows: CheckedRow[];
  /** With no problems and the rules' yes: who approves, and what the batch grants as the rules judged it. */
  approval?: Approval;
  parts?: RulePart[];
}

export class BulkOnboarding implements BulkOnboardApi {
  private readonly log: Logger;

  constructor(private readonly deps: BulkDeps) {
    this.log = deps.logger.child({ module: 'admin.bulk' });
  }

  async preview(
    adminSlackId: string | undefined,
    source: BulkSource,
    options: { reason?: string } = {},
  ): Promise<Outcome<BulkPreview>> {
    if (adminSlackId !== undefined) {
      const admin = this.checkAdmin(adminSlackId);
      if (!admin.ok) return admin;
    }
    const reason = checkReason(options.reason);
    if (!reason.ok) return reason;
    const file = await this.read(source, adminSlackId);
    if (!file.ok) return file;
    const checked = await this.check(file.value, adminSlackId ?? '', reason.value);
    return ok(checked.preview);
  }

  async submit(
    adminSlackId: string,
    source: BulkSource,
    options: { reason?: string; clickId?: string } = {},
  ): Promise<Outcome<RequestView>> {
    const admin = this.checkAdmin(adminSlackId);
    if (!admin.ok) return admin;
    if (options.clickId !== undefined) {
      // Run again (its listener died): the request it made is the answer, not a refusal of the repeat.
      const made = await requestMadeByClick(this.deps.ledger, adminSlackId, 'bulk_onboard', options.clickId);
      if (made !== undefined) return this.view(made.id);
    }
    const reason = checkReason(options.reason);
    if (!reason.ok) return reason;
    const file = await this.read(source, adminSlackId);
    if (!file.ok) return file;
    const checked = await this.check(file.value, adminSlackId, reason.value);
    const { preview } = checked;
    if (preview.problems.length > 0) return refuse('invalid_input', problemsText(preview.problems));
    if (preview.rules !== undefined && !preview.rules.ok)
      return refuse(preview.rules.code, preview.rules.message);
    const { approval, parts } = checked;
    if (approval === undefined || parts === undefined)
      throw new Error('a batch without problems was not judged by the rules');
    const targets = uniqueTargets(checked.rows);
    const recorded = await recordBatch(
      this.deps.ledger,
      this.deps.config,
      {
        adminSlackId,
        reason: reason.value === '' ? null : reason.value,
        accounts: accountsOf(targets),
        people: checked.rows.map(batchPerson),
        steps: checked.rows.flatMap(stepsOfRow),
        ruleParts: parts,
        file: {
          digest: file.value.digest,
          ...(file.value.name !== undefined ? { name: file.value.name } : {}),
        },
        ...(options.clickId !== undefined ? { clickId: options.clickId } : {}),
      },
      approval,
      this.deps.clock.now(),
    );
    if (!recorded.ok) return recorded;
    this.log.info(
      { requestId: recorded.value.id, people: checked.rows.length, auto: approval.autoApprove },
      'bulk onboarding submitted',
    );
    this.deps.wake?.();
    return this.view(recorded.value.id);
  }

  /** The file's bytes: given, or read from Slack, where it must be the asking admin's own and still the same. */
  private async read(source: BulkSource, adminSlackId: string | undefined): Promise<Outcome<FileRead>> {
    if ('bytes' in source) {
      return ok({
        bytes: source.bytes,
        digest: sha256(source.bytes),
        ...(source.name !== undefined ? { name: source.name } : {}),
      });
    }
    const { files } = this.deps;
    if (files === undefined) {
      return refuse(
        'invalid_input',
        'Files shared in Slack cannot be read here: run `npm run onboard -- --csv FILE` instead.',
      );
    }
    const read = await files.read(source.slackFileId, BULK_LIMITS.bytes);
    if (!read.ok) return read;
    const file = read.value;
    if (adminSlackId !== undefined && file.sharedBy !== adminSlackId) {
      return refuse(
        'invalid_input',
        `That file was shared by ${/^[UW][A-Z0-9]+$/.test(file.sharedBy) ? `<@${file.sharedBy}>` : 'someone else'}, not by you: share it yourself, with \`/access onboard\` in the message.`,
      );
    }
    const digest = sha256(file.bytes);
    if (source.digest !== undefined && source.digest !== digest) {
      return refuse(
        'invalid_input',
        'That file is not the one that was previewed (it changed since, or this is not the button or form that came with it), so nothing was done. Share the file again with `/access onboard` in the message.',
      );
    }
    return ok({ bytes: file.bytes, name: file.name, digest });
  }

  /** Every row checked, then the batch as a whole judged by the rules when no row has a problem. */
  private async check(file: FileRead, adminSlackId: string, reason: string): Promise<Checked> {
    const read = readBulkCsv(file.bytes);
    const { checked, problems } =
      read.rows.length === 0 ? { checked: [], problems: [] } : await checkRows(this.deps, read);
    const all = [...read.problems, ...problems].sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
    const preview: BulkPreview = {
      digest: file.digest,
      ...(file.name !== undefined ? { fileName: file.name } : {}),
      rows: read.rows.length,
      people: checked.map(previewOf),
      problems: all,
    };
    if (all.length > 0) return { preview, rows: checked };
    return this.judge(preview, checked, adminSlackId, reason);
  }

  /**
   * The rules over everything the batch grants: every row's assignments and what its groups carry, each part
   * judged as a single onboarding's would be; nobody in the batch, by any Slack account known to be theirs,
   * counts as an approver, nor does the admin who asks.
   */
  private async judge(
    preview: BulkPreview,
    rows: CheckedRow[],
    adminSlackId: string,
    reason: string,
  ): Promise<Checked> {
    const { config, people } = this.deps;
    const groups = [...new Set(rows.flatMap((r) => r.planned.plan.groups))];
    const granted = await grantedParts(this.deps, uniqueTargets(rows), groups);
    if (!granted.ok) {
      return {
        preview: { ...preview, rules: { ok: false, code: granted.code, message: granted.message } },
        rows,
      };
    }
    const excluded = rows.flatMap(({ planned: { plan } }) =>
      slackIdsOf(config.people, plan.starter.email, plan.starter.slackUserId),
    );
    const approval = await decideAdmin(
      config,
      people,
      {
        kind: 'bulk_onboard',
        requesterSlackId: adminSlackId,
        excludedApprovers: [...new Set(excluded)],
        ...(reason !== '' ? { reason } : {}),
      },
      { grants: granted.value },
    );
    if (!approval.ok) {
      return {
        preview: { ...preview, rules: { ok: false, code: approval.code, message: approval.message } },
        rows,
      };
    }
    const { requirements, autoApprove } = approval.value;
    return {
      preview: { ...preview, rules: { ok: true, requirements, autoApprove } },
      rows,
      approval: approval.value,
      parts: granted.value,
    };
  }

  private checkAdmin(slackId: string): Outcome<void> {
    const { admins } = this.deps.config;
    if (admins.includes(slackId)) return ok(undefined);
    return refuse(
      'not_admin',
      `Only admins may onboard people. Ask one of ${admins.map((id) => `<@${id}>`).join(' ')}.`,
    );
  }

  private async view(requestId: string): Promise<Outcome<RequestView>> {
    const view = await buildView(this.deps.ledger, this.deps.catalog, requestId, this.deps.config.sessions);
    if (view === undefined) throw new Error(`request ${requestId} vanished after it was written`);
    return ok(view);
  }
}

function checkReason(text: string | undefined): Outcome<string> {
  const reason = (text ?? '').trim();
  if (reason.length > LIMITS.reason) {
    return refuse(
      'reason_too_long',
      `Keep the reason under ${LIMITS.reason} characters (a ticket's link says the rest).`,
    );
  }
  return ok(reason);
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Each permission set × account the batch assigns directly, once however many people get it. */
function uniqueTargets(rows: readonly CheckedRow[]): AssignmentTarget[] {
  const out: AssignmentTarget[] = [];
  for (const t of rows.flatMap((r) => r.planned.targets)) {
    if (!out.some((o) => o.permissionSetArn === t.permissionSetArn && o.account.id === t.account.id))
      out.push(t);
  }
  return out;
}

function previewOf({ row, planned }: CheckedRow): BulkPersonPreview {
  const { starter, groups, assignments } = planned.plan;
  return {
    row,
    email: starter.email,
    displayName: starter.displayName,
    role: starter.role ?? '',
    ...(starter.slackUserId !== undefined ? { slackUserId: starter.slackUserId } : {}),
    ...(starter.startDate !== undefined ? { startDate: starter.startDate } : {}),
    groups,
    assignments,
  };
}

function batchPerson({ row, planned }: CheckedRow): BatchPerson {
  const { starter } = planned.plan;
  return {
    row,
    email: starter.email,
    displayName: starter.displayName,
    ...(starter.role !== undefined ? { role: starter.role } : {}),
    ...(starter.slackUserId !== undefined ? { slackUserId: starter.slackUserId } : {}),
    starter,
  };
}

const stepsOfRow = ({ row, planned }: CheckedRow): AdminStep[] =>
  personSteps(row, planned.plan.starter.email, planned.plan.steps);
