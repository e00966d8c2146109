/**
 * The bulk onboarding forms' submissions, read without trusting their shape: the CSV form's file and reason,
 * and what the preview modal remembers (the file, the digest of the bytes previewed, the reason, where to
 * answer). Pure; field errors are plain text keyed by block id.
 */
import { BULK_REASON_MAX, type BulkModalMetadata } from './blocks/bulk-onboard.js';
import { readRequestModalMetadata } from './blocks/modal-metadata.js';
import { ACTION, BLOCK } from './ids.js';
import { text, type ModalParse, type StateValues } from './parse-modal.js';

const FILE_ID = /^F[A-Z0-9]{2,30}$/;
const DIGEST = /^[0-9a-f]{64}$/;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The CSV form: one file (Slack's file_input sends the uploaded files' objects), and the reason. */
export function parseBulkFileModal(values: StateValues): ModalParse<{ fileId: string; reason: string }> {
  const errors: Record<string, string> = {};
  const block: unknown = isRecord(values) ? values[BLOCK.csvFile] : undefined;
  const input: unknown = isRecord(block) ? block[ACTION.pickCsvFile] : undefined;
  const files: unknown = isRecord(input) ? input.files : undefined;
  const ids = Array.isArray(files)
    ? files.flatMap((f: unknown) =>
        isRecord(f) && typeof f.id === 'string' && FILE_ID.test(f.id) ? [f.id] : [],
      )
    : [];
  if (ids.length === 0) errors[BLOCK.csvFile] = 'Attach the CSV file.';
  else if (ids.length > 1) errors[BLOCK.csvFile] = 'Attach one CSV file: put everyone in it.';
  const reason = text(values, BLOCK.reason, ACTION.typeReason);
  if (reason.length > BULK_REASON_MAX) errors[BLOCK.reason] = `Keep it to ${BULK_REASON_MAX} characters.`;
  const [fileId] = ids;
  if (Object.keys(errors).length > 0 || fileId === undefined) return { ok: false, errors };
  return { ok: true, value: { fileId, reason } };
}

/** What the preview modal was opened with; undefined when it is not a preview's. */
export function readBulkModalMetadata(metadata: string): BulkModalMetadata | undefined {
  let o: unknown;
  try {
    o = JSON.parse(metadata);
  } catch {
    return undefined;
  }
  if (!isRecord(o)) return undefined;
  const { fileId, digest, reason } = o;
  if (typeof fileId !== 'string' || !FILE_ID.test(fileId)) return undefined;
  if (typeof digest !== 'string' || !DIGEST.test(digest)) return undefined;
  return {
    ...readRequestModalMetadata(metadata),
    fileId,
    digest,
    ...(typeof reason === 'string' && reason !== '' ? { reason: reason.slice(0, BULK_REASON_MAX) } : {}),
  };
}
