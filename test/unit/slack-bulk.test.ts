import { describe, expect, it } from 'vitest';
import type { AdminRequestDetails } from '../../src/access/admin-api.js';
import type { BulkPreview } from '../../src/access/bulk-api.js';
import type { RequestRecord } from '../../src/access/ledger.js';
import type { RequestView } from '../../src/access/notifier.js';
import { previewText } from '../../src/onboard-cli-text.js';
import {
  bulkBlockId,
  bulkFileModal,
  bulkOnboardCard,
  bulkPreviewMessage,
  bulkPreviewModal,
} from '../../src/slack/blocks/bulk-onboard.js';
import { bulkStatusText } from '../../src/slack/blocks/bulk-status.js';
import { bulkFileOfClick } from '../../src/slack/bulk-click.js';
import { ACTION, BLOCK, CALLBACK } from '../../src/slack/ids.js';
import { parseBulkFileModal, readBulkModalMetadata } from '../../src/slack/parse-bulk.js';
import { bulkCommandIn } from '../../src/slack/listeners/events/bulk-file-shared.js';

const DIGEST = 'a'.repeat(64);
const FILE = 'F0123ABCD';

function preview(people: number, problems = 0): BulkPreview {
  return {
    digest: DIGEST,
    fileName: 'starters.csv',
    rows: people,
    people: Array.from({ length: people }, (_, i) => ({
      row: i + 2,
      email: `p${i}@example.com`,
      displayName: `Person <${i}>`,
      role: i % 2 === 0 ? 'developer' : 'data',
      groups: ['ReadOnly'],
      assignments: [{ permissionSet: 'Developer', accounts: ['dev', 'staging'] }],
    })),
    problems: Array.from({ length: problems }, (_, i) => ({
      row: i + 2,
      column: 'Email',
      message: `bad <${i}>`,
    })),
    ...(problems === 0
      ? {
          rules: {
            ok: true as const,
            autoApprove: false,
            requirements: [{ approvers: ['U0000LEAD1'], approvals: 1, what: 'Developer on dev' }],
          },
        }
      : {}),
  };
}

const askButton = (value: string, blockId = bulkBlockId(FILE, DIGEST)) => ({
  action_id: ACTION.bulkOnboardSubmit,
  block_id: blockId,
  value,
});

describe('the bulk onboarding preview in Slack', () => {
  it('shows everyone and what each role gives, with Ask for approval, inside Slack’s limits for 1,000 people', () => {
    const msg = bulkPreviewMessage(preview(1_000), FILE, 'September intake');
    expect(msg.blocks.length).toBeLessThanOrEqual(50);
    const text = JSON.stringify(msg.blocks);
    expect(text).toContain('*developer* × 500: group ReadOnly; Developer on dev and staging');
    expect(text).toContain('Person &lt;0&gt;');
    expect(text).toMatch(/and \d+ more/);
    const actions = msg.blocks.at(-1) as { block_id: string; elements: { value: string }[] };
    expect(actions.block_id).toBe(bulkBlockId(FILE, DIGEST));
    expect(JSON.parse(actions.elements[0]!.value)).toEqual({
      fileId: FILE,
      digest: DIGEST,
      reason: 'September intake',
    });
  });

  it('lists the problems by row and column, escaped, and offers nothing to ask for', () => {
    const msg = bulkPreviewMessage(preview(3, 2), FILE);
    const text = JSON.stringify(msg.blocks);
    expect(text).toContain('*Row 2, Email*: bad &lt;0&gt;');
    expect(text).toContain('2 problems');
    expect(msg.blocks.some((b) => b.type === 'actions')).toBe(false);
    const modal = bulkPreviewModal(preview(3, 2), { fileId: FILE, digest: DIGEST });
    expect(modal.submit).toBeUndefined();
    expect(modal.callback_id).toBe(CALLBACK.bulkOnboardPreview);
  });

  it('acts on a click only when its value and its block name the same file and bytes', () => {
    const value = JSON.stringify({ fileId: FILE, digest: DIGEST, reason: 'r' });
    expect(bulkFileOfClick({}, askButton(value))).toEqual({ fileId: FILE, digest: DIGEST, reason: 'r' });
    const other = JSON.stringify({ fileId: 'F0OTHER1', digest: DIGEST });
    expect(bulkFileOfClick({}, askButton(other))).toBeUndefined();
    const bytes = JSON.stringify({ fileId: FILE, digest: 'b'.repeat(64) });
    expect(bulkFileOfClick({}, askButton(bytes))).toBeUndefined();
    expect(bulkFileOfClick({}, askButton('not json'))).toBeUndefined();
    expect(bulkFileOfClick({}, { ...askButton(value), action_id: ACTION.approve })).toBeUndefined();
    // With the message's blocks sent back, the button must be there as it was clicked.
    const message = {
      blocks: [
        {
          type: 'actions',
          block_id: bulkBlockId(FILE, DIGEST),
          elements: [{ action_id: ACTION.bulkOnboardSubmit, value: 'x' }],
        },
      ],
    };
    expect(bulkFileOfClick({ message }, askButton(value))).toBeUndefined();
  });

  it('reads the CSV form’s file and reason, and a preview modal’s metadata only when whole', () => {
    const values = {
      [BLOCK.csvFile]: { [ACTION.pickCsvFile]: { type: 'file_input', files: [{ id: FILE }] } },
      [BLOCK.reason]: { [ACTION.typeReason]: { type: 'plain_text_input', value: ' intake ' } },
    };
    expect(parseBulkFileModal(values as never)).toEqual({
      ok: true,
      value: { fileId: FILE, reason: 'intake' },
    });
    expect(parseBulkFileModal({})).toEqual({
      ok: false,
      errors: { [BLOCK.csvFile]: 'Attach the CSV file.' },
    });
    const two = { [BLOCK.csvFile]: { [ACTION.pickCsvFile]: { files: [{ id: FILE }, { id: 'F0OTHER1' }] } } };
    expect(parseBulkFileModal(two as never)).toMatchObject({ ok: false });
    expect(
      readBulkModalMetadata(JSON.stringify({ fileId: FILE, digest: DIGEST, responseUrl: 'https://x' })),
    ).toEqual({
      fileId: FILE,
      digest: DIGEST,
      responseUrl: 'https://x',
    });
    expect(readBulkModalMetadata(JSON.stringify({ fileId: FILE }))).toBeUndefined();
    expect(bulkFileModal().callback_id).toBe(CALLBACK.bulkOnboardModal);
  });

  it('finds /access onboard in a message, and the reason after it', () => {
    expect(bulkCommandIn('Here /access onboard September &amp; October')).toEqual({
      reason: 'September & October',
    });
    expect(bulkCommandIn('/ACCESS  onboard')).toEqual({ reason: '' });
    expect(bulkCommandIn('see /access onboarding docs')).toBeUndefined();
    expect(bulkCommandIn('just a file')).toBeUndefined();
  });
});

describe('the bulk onboarding card', () => {
  function batchView(status: RequestRecord['status'], people: number): RequestView {
    const batch = Array.from({ length: people }, (_, i) => ({
      row: i + 2,
      email: `p${i}@example.com`,
      displayName: `P ${i}`,
      role: 'developer',
      starter: { email: `p${i}@example.com`, givenName: 'P', familyName: String(i), displayName: `P ${i}` },
    }));
    const steps = batch.flatMap((p, i) => [
      {
        id: `r${p.row}:create_user`,
        kind: 'create_user',
        label: `Create the user ${p.email}`,
        status: i < 2 ? 'done' : i === 2 ? 'failed' : 'pending',
        ...(i === 2 ? { detail: 'AWS said no' } : {}),
      },
      {
        id: `r${p.row}:send_welcome`,
        kind: 'send_welcome',
        label: `Send the welcome email to ${p.email}`,
        status: i < 2 ? 'done' : 'pending',
      },
    ]);
    const details: Partial<AdminRequestDetails> = {
      subject: { email: '', displayName: `${people} people` },
      steps: steps as AdminRequestDetails['steps'],
      batch,
    };
    const request = {
      id: 'R-BULK01',
      kind: 'bulk_onboard',
      status,
      requesterSlackId: 'U0000ADMIN',
      requesterEmail: '',
      requesterUserId: '',
      permissionSet: '',
      permissionSetArn: '',
      accounts: [{ alias: 'dev', id: '111111111111' }],
      durationMs: null,
      reason: 'intake',
      approvers: ['U0000LEAD1'],
      requiredApprovals: 1,
      channel: 'C0000APPROV',
      extendsGrantIds: [],
      details: details as Record<string, unknown>,
      createdAt: new Date(),
      lapsesAt: new Date(),
      decidedAt: null,
      card: null,
      dm: null,
    } satisfies RequestRecord;
    return { request, approvals: [], grants: [], approvalsNeeded: 0 };
  }

  it('follows the people: how many are done, who failed and why, with Retry, inside Slack’s limits', () => {
    const card = bulkOnboardCard(batchView('failed', 1_000));
    expect(card.blocks.length).toBeLessThanOrEqual(50);
    const text = JSON.stringify(card.blocks);
    expect(text).toContain('Bulk onboarding: 1000 people (R-BULK01)');
    expect(text).toContain('2 of 1000 people done · 1 failed');
    expect(text).toContain(':x: Row 4, p2@example.com: Create the user p2@example.com: AWS said no');
    expect(text).toContain(ACTION.retry);
    expect(bulkStatusText(batchView('provisioning', 3).request)).toBe(
      ':hourglass_flowing_sand: In progress: 2 of 3 people done · 1 failed',
    );
  });
});

describe('the command line’s preview', () => {
  it('prints the people and who must approve, or the problems by row and column', () => {
    const ok = previewText(preview(2), 'starters.csv');
    expect(ok).toContain('starters.csv: 2 people, every row checked.');
    expect(ok).toContain('  developer × 1: groups ReadOnly; Developer on dev, staging');
    expect(ok).toContain('  row 2  Person <0> <p0@example.com>  developer');
    expect(ok).toContain('Needs 1 of U0000LEAD1 (for Developer on dev).');
    const bad = previewText(preview(2, 1), 'starters.csv');
    expect(bad).toContain('1 problem; nothing was done');
    expect(bad).toContain('  row 2, Email: bad <0>');
  });
});
