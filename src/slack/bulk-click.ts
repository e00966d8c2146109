/**
 * What a click on a bulk onboarding preview's "Ask for approval" asks for, only when every part of it agrees:
 * the button's value (JSON: the file, the digest of the bytes previewed, the reason) and the id of the block it
 * sits in (`bulk:<file>:<digest>`), and, when Slack sends the message's blocks back, that very button there. A
 * value naming another file or other bytes than its block acts on nothing. The service then checks that the
 * file is still those bytes and was shared by the clicker. Pure.
 */
import { bulkBlockId, type BulkButtonValue } from './blocks/bulk-onboard.js';
import type { ClickBody, ClickedButton } from './button-click.js';
import { ACTION } from './ids.js';

const FILE_ID = /^F[A-Z0-9]{2,30}$/;
const DIGEST = /^[0-9a-f]{64}$/;
/** The reason a preview carries is at most the service's limit; anything longer is not ours. */
const VALUE_MAX = 1_000;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function bulkFileOfClick(body: ClickBody, button: ClickedButton): BulkButtonValue | undefined {
  const { value } = button;
  if (button.action_id !== ACTION.bulkOnboardSubmit || value === undefined || value.length > VALUE_MAX)
    return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed)) return undefined;
  const { fileId, digest, reason } = parsed;
  if (typeof fileId !== 'string' || !FILE_ID.test(fileId)) return undefined;
  if (typeof digest !== 'string' || !DIGEST.test(digest)) return undefined;
  if (reason !== undefined && typeof reason !== 'string') return undefined;
  if (button.block_id !== bulkBlockId(fileId, digest)) return undefined;
  if (!sitsOnItsMessage(body, button)) return undefined;
  return { fileId, digest, ...(reason !== undefined && reason !== '' ? { reason } : {}) };
}

/** With the message's blocks sent back, the button must be there as clicked; an ephemeral preview has none. */
function sitsOnItsMessage(body: ClickBody, button: ClickedButton): boolean {
  const blocks = body.message?.blocks;
  if (!Array.isArray(blocks)) return true;
  return blocks.some(
    (block) =>
      isRecord(block) &&
      block.block_id === button.block_id &&
      Array.isArray(block.elements) &&
      block.elements.some(
        (element) =>
          isRecord(element) && element.action_id === button.action_id && element.value === button.value,
      ),
  );
}
