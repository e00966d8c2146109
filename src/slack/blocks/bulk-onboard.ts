/**
 * Bulk onboarding in Slack: the form for a CSV file (reached from the onboarding form), the preview (as a
 * message with an "Ask for approval" button when the file was shared in a message, as a modal when it came
 * through the form), and the approval card that follows the people one by one. User text is escaped here; the
 * service's rule messages are already safe mrkdwn. Pure.
 */
import type { types } from '@slack/bolt';
import type { AdminStep, BatchPerson } from '../../access/admin-api.js';
import { stepsOf, type PersonState } from '../../access/admin/bulk-steps.js';
import { batchOf, STATE_ICON, statesOf } from './bulk-status.js';
import { problemLine } from '../../access/admin/bulk-problems.js';
import { BULK_COLUMNS, BULK_LIMITS } from '../../access/admin/bulk-csv.js';
import type { BulkPersonPreview, BulkPreview } from '../../access/bulk-api.js';
import type { RequestView } from '../../access/notifier.js';
import { escapeMrkdwn, joinWords, truncate } from '../../domain/text.js';
import { ACTION, BLOCK, CALLBACK } from '../ids.js';
import { adminTitle, firstPasswordStep, readAdminDetails } from './admin-text.js';
import { decisionButtons, retryButton, type CardOptions } from './buttons.js';
import {
  context,
  fields,
  header,
  lineSections,
  message,
  plain,
  section,
  SLACK_LIMITS,
  who,
  type Block,
  type ModalView,
  type SlackMessage,
} from './kit.js';
import { sealModal, writeMetadata, type RequestModalMetadata } from './modal-metadata.js';
import { accountList, approvalsText, reasonText, statusText } from './request-text.js';

/** People and problems a preview lists one by one; the rest are counted. */
const LIST_BLOCKS = 8;
/** What the card lists of the people: the failures first, then everyone as far as it fits. */
const CARD_PEOPLE_BLOCKS = 6;
export const BULK_REASON_MAX = 500;

// ---------- the file form, and what its preview carries ----------

/** What the preview modal remembers: the file it shows, its digest, the reason, and where to answer. */
export interface BulkModalMetadata extends RequestModalMetadata {
  fileId: string;
  digest: string;
  reason?: string;
}

export const COLUMNS_HELP = `Columns (a header row first, names as you like them: "First name", "first_name"…): ${BULK_COLUMNS.map(
  (c) => (c.required ? c.label : `${c.label} (optional)`),
).join(
  ', ',
)}. Slack user: their member id (U…). Start date: YYYY-MM-DD. At most ${BULK_LIMITS.rows.toLocaleString('en')} people and ${BULK_LIMITS.bytes / 1_000_000} MB.`;

/** The onboarding form's button that turns it into the CSV form. */
export function bulkFileSwitch(): types.ActionsBlock {
  return {
    type: 'actions',
    block_id: 'bulk_onboard_switch',
    elements: [
      {
        type: 'button',
        action_id: ACTION.bulkOnboardFile,
        text: plain('Several people? Use a CSV file', SLACK_LIMITS.buttonText),
        value: 'csv',
      },
    ],
  };
}

/** The CSV form: the file, and why (the card and the audit show it). */
export function bulkFileModal(metadata: RequestModalMetadata = {}): ModalView {
  return sealModal({
    type: 'modal',
    callback_id: CALLBACK.bulkOnboardModal,
    title: plain('Onboard from a CSV file', 24),
    submit: plain('Preview', 24),
    close: plain('Cancel', 24),
    private_metadata: writeMetadata(metadata),
    blocks: [
      section(
        'Every row is checked before anything is done. You see everyone and what they get, then ask for one approval.',
      ),
      {
        type: 'input',
        block_id: BLOCK.csvFile,
        label: plain('CSV file'),
        element: { type: 'file_input', action_id: ACTION.pickCsvFile, filetypes: ['csv'], max_files: 1 },
      },
      {
        type: 'input',
        block_id: BLOCK.reason,
        optional: true,
        label: plain('Reason'),
        element: {
          type: 'plain_text_input',
          action_id: ACTION.typeReason,
          max_length: BULK_REASON_MAX,
          placeholder: plain('e.g. September intake, ticket HR-1234'),
        },
      },
      context(escapeMrkdwn(COLUMNS_HELP)),
    ],
  });
}

// ---------- the preview ----------

function personLine(p: BulkPersonPreview): string {
  const parts = [
    `Row ${p.row}`,
    `*${escapeMrkdwn(truncate(p.displayName, 100))}* (${escapeMrkdwn(p.email)})`,
    escapeMrkdwn(p.role),
    ...(p.slackUserId !== undefined ? [who(p.slackUserId)] : []),
    ...(p.startDate !== undefined ? [`starts ${escapeMrkdwn(p.startDate)}`] : []),
  ];
  return parts.join(' · ');
}

/** What a role gives, for the preview: `groups ReadOnly; Developer on dev and staging`. */
function givesText(p: BulkPersonPreview): string {
  const groups =
    p.groups.length > 0 ? [`group${p.groups.length === 1 ? '' : 's'} ${joinWords(p.groups)}`] : [];
  const sets = p.assignments.map((a) => `${a.permissionSet} on ${joinWords(a.accounts)}`);
  const all = [...groups, ...sets];
  return all.length > 0 ? escapeMrkdwn(all.join('; ')) : 'nothing';
}

function rolesSummary(people: readonly BulkPersonPreview[]): string[] {
  const byRole = new Map<string, BulkPersonPreview[]>();
  for (const p of people) byRole.set(p.role, [...(byRole.get(p.role) ?? []), p]);
  return [...byRole].map(
    ([role, them]) => `• *${escapeMrkdwn(role)}* × ${them.length}: ${givesText(them[0]!)}`,
  );
}

/** Who must approve, as the rules judge the batch now; or why nobody could. */
function rulesText(preview: BulkPreview): string | undefined {
  const rules = preview.rules;
  if (rules === undefined) return undefined;
  if (!rules.ok) {
    const where =
      rules.code === 'reason_required'
        ? ' Give it after `/access onboard` in the message that shares the file, or in the form’s Reason field.'
        : '';
    return `:warning: ${rules.message}${where}`;
  }
  if (rules.autoApprove) return 'The rules approve it at once: asking starts the work.';
  const needs = rules.requirements.map(
    (r) =>
      `${r.approvals} of ${r.approvers.map(who).join(' ')}${r.what !== '' ? ` (for ${escapeMrkdwn(r.what)})` : ''}`,
  );
  return `Needs ${joinWords(needs)}. None of the people in the file may approve it, nor you.`;
}

/** Whether the preview may be asked for: no problem, and the rules say someone can approve it. */
export const mayAsk = (preview: BulkPreview): boolean =>
  preview.problems.length === 0 && preview.rules?.ok === true;

function previewBlocks(preview: BulkPreview, reason: string | undefined): Block[] {
  const name = preview.fileName !== undefined ? ` from ${escapeMrkdwn(preview.fileName)}` : '';
  const n = preview.rows;
  const blocks: Block[] = [section(`*Bulk onboarding${name}*: ${n} ${n === 1 ? 'person' : 'people'}`)];
  if (preview.problems.length > 0) {
    const count = preview.problems.length;
    blocks.push(
      section(
        `:warning: Nothing can be asked for yet: ${count === 1 ? 'one problem' : `${count} problems`}. Fix ${count === 1 ? 'it' : 'them'} in the file and share it again.`,
      ),
      ...lineSections(
        preview.problems.map((p) => `• ${problemLine(p)}`),
        LIST_BLOCKS,
      ),
    );
    return blocks;
  }
  blocks.push(section(`*What they get*\n${rolesSummary(preview.people).join('\n')}`));
  blocks.push(...lineSections(preview.people.map(personLine), LIST_BLOCKS));
  if (reason !== undefined && reason !== '') blocks.push(section(`*Reason*\n${escapeMrkdwn(reason)}`));
  const rules = rulesText(preview);
  if (rules !== undefined) blocks.push(section(rules));
  return blocks;
}

/** The block the preview message's button sits in: it names the file and the bytes previewed. */
export const bulkBlockId = (fileId: string, digest: string): string => `bulk:${fileId}:${digest}`;

/** The file and digest a preview's "Ask for approval" carries, in its value (JSON) and its block's id. */
export interface BulkButtonValue {
  fileId: string;
  digest: string;
  reason?: string;
}

/** The preview of a file shared in a message, to its admin alone; with "Ask for approval" when it may be. */
export function bulkPreviewMessage(preview: BulkPreview, fileId: string, reason?: string): SlackMessage {
  const blocks = previewBlocks(preview, reason);
  if (mayAsk(preview)) {
    const value: BulkButtonValue = {
      fileId,
      digest: preview.digest,
      ...(reason !== undefined && reason !== '' ? { reason } : {}),
    };
    blocks.push({
      type: 'actions',
      block_id: bulkBlockId(fileId, preview.digest),
      elements: [
        {
          type: 'button',
          action_id: ACTION.bulkOnboardSubmit,
          style: 'primary',
          text: plain('Ask for approval', SLACK_LIMITS.buttonText),
          value: JSON.stringify(value),
        },
      ],
    });
  }
  const text = mayAsk(preview)
    ? `Bulk onboarding of ${preview.rows} people: ready to ask for approval`
    : `Bulk onboarding: ${preview.problems.length > 0 ? `${preview.problems.length} problems in the file` : 'the rules refuse it'}`;
  return message(text, blocks);
}

/** The preview as a modal (the file came through the form): its submission asks for approval. */
export function bulkPreviewModal(preview: BulkPreview, metadata: BulkModalMetadata): ModalView {
  const ask = mayAsk(preview);
  return sealModal({
    type: 'modal',
    callback_id: CALLBACK.bulkOnboardPreview,
    title: plain('Bulk onboarding', 24),
    ...(ask ? { submit: plain('Ask for approval', 24) } : {}),
    close: plain(ask ? 'Cancel' : 'Close', 24),
    private_metadata: writeMetadata(metadata),
    blocks: previewBlocks(preview, metadata.reason).slice(0, SLACK_LIMITS.viewBlocks - 1),
  });
}

// ---------- the card ----------

/** `❌ Row 5, kim@…: Give Developer on dev for kim@…: AWS's reason`. */
function failureLine(person: BatchPerson, steps: readonly AdminStep[]): string {
  const failed = steps.find((s) => s.status === 'failed');
  const what =
    failed === undefined
      ? ''
      : `: ${escapeMrkdwn(truncate(failed.label, 150))}: ${escapeMrkdwn(truncate(failed.detail ?? 'AWS gave no reason', 400))}`;
  return `${STATE_ICON.failed} Row ${person.row}, ${escapeMrkdwn(person.email)}${what}`;
}

function cardPersonLine(person: BatchPerson, state: PersonState): string {
  const start =
    state === 'waiting' && person.starter?.startDate !== undefined
      ? ` · starts ${escapeMrkdwn(person.starter.startDate)}`
      : '';
  return `${STATE_ICON[state]} Row ${person.row} · *${escapeMrkdwn(truncate(person.displayName, 100))}* (${escapeMrkdwn(person.email)}) · ${escapeMrkdwn(person.role ?? '')}${start}`;
}

/** Roles and how many people each: `developer × 30, data × 20`. */
function rolesField(people: readonly BatchPerson[]): string {
  const counts = new Map<string, number>();
  for (const p of people) counts.set(p.role ?? '', (counts.get(p.role ?? '') ?? 0) + 1);
  return [...counts].map(([role, n]) => `*${escapeMrkdwn(role)}* × ${n}`).join(', ');
}

/** The approval card of a bulk onboarding: one card for the batch, following each person. */
export function bulkOnboardCard(
  view: RequestView,
  options: CardOptions = {},
  now: Date = new Date(),
): SlackMessage {
  const { request } = view;
  const details = readAdminDetails(request);
  const people = batchOf(request);
  const states = statesOf(request, now);
  const title = adminTitle(request, 'bulk_onboard');
  const facts = [
    `*Admin*\n${who(request.requesterSlackId)}`,
    `*People*\n${people.length}`,
    `*Roles*\n${rolesField(people)}`,
  ];
  if (request.accounts.length > 0) facts.push(`*Accounts*\n${accountList(view)}`);
  const blocks: Block[] = [
    header(`${title} (${request.id})`),
    fields(facts),
    section(`*Reason*\n${reasonText(view)}`),
    context(approvalsText(view)),
    section(statusText(view), 'status'),
  ];
  const failures = states
    .filter((s) => s.state === 'failed')
    .map((s) =>
      failureLine(
        s.person,
        stepsOf(details, s.person.row).map((x) => x.step),
      ),
    );
  const lines = [
    ...failures,
    ...states.filter((s) => s.state !== 'failed').map((s) => cardPersonLine(s.person, s.state)),
  ];
  blocks.push(...lineSections(lines, CARD_PEOPLE_BLOCKS));
  if (request.status === 'completed') {
    const notes = details.notes ?? (options.oneTimePasswords === true ? [] : [firstPasswordStep(undefined)]);
    for (const note of notes) blocks.push(context(`:key: ${escapeMrkdwn(truncate(note, 1500))}`));
  }
  if (request.status === 'pending') blocks.push(decisionButtons(view, options));
  if (request.status === 'failed') blocks.push(retryButton(request.id));
  const text = `${escapeMrkdwn(title)} (${request.id}) from ${who(request.requesterSlackId)}: status ${request.status}.`;
  return message(text, blocks);
}
