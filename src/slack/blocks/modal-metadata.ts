/**
 * What a modal remembers between opening and submission (private_metadata, at most 3,000 characters): ids and
 * where to answer, never request state, which is re-read at submission.
 *
 * The metadata is sealed into the modal: one of its blocks gets the id `seal:<digest of the metadata>`. A
 * submission is read only when its metadata still matches its blocks, so a submission whose metadata names
 * another request or person than the modal was opened for (the deny modal of R-1 sent back saying R-2) acts on
 * nothing, as a button acts only on the request of its own card.
 */
import { createHash } from 'node:crypto';
import { SLACK_LIMITS, type Block, type ModalView } from './kit.js';

const SEAL_PREFIX = 'seal:';

/** The block id that seals `metadata` into its modal. */
export const sealOf = (metadata: string): string =>
  `${SEAL_PREFIX}${createHash('sha256').update(metadata).digest('hex').slice(0, 32)}`;

/**
 * The modal with its private_metadata sealed: the first block that is not an input and has no id of its own
 * takes the seal as its id (a divider is added when there is none). A modal without metadata is left as it is.
 */
export function sealModal(view: ModalView): ModalView {
  const metadata = view.private_metadata ?? '';
  if (metadata === '') return view;
  const seal = sealOf(metadata);
  const at = view.blocks.findIndex(
    (b) => b.type !== 'input' && b.type !== 'actions' && b.block_id === undefined,
  );
  const blocks: Block[] =
    at === -1
      ? [...(view.blocks as Block[]), { type: 'divider', block_id: seal }]
      : (view.blocks as Block[]).map((b, i) => (i === at ? { ...b, block_id: seal } : b));
  return { ...view, blocks };
}

/** Said in the modal when its metadata is not what it was opened with; nothing is done. */
export const NOT_THIS_FORM =
  'This form does not match what it was opened for, so nothing was done. Open it again and start over.';

/**
 * A submitted view's private_metadata when it is the one the modal was opened with (its seal is among the
 * view's blocks), '' when there is none, undefined when it was changed.
 */
export function openedMetadata(view: { private_metadata?: unknown; blocks?: unknown }): string | undefined {
  const metadata = typeof view.private_metadata === 'string' ? view.private_metadata : '';
  if (metadata === '') return '';
  const seal = sealOf(metadata);
  const blocks = Array.isArray(view.blocks) ? (view.blocks as unknown[]) : [];
  const sealed = blocks.some(
    (b) => typeof b === 'object' && b !== null && (b as { block_id?: unknown }).block_id === seal,
  );
  return sealed ? metadata : undefined;
}

export interface RequestModalMetadata {
  /** The slash command's response_url: the outcome goes back where the command was typed. */
  responseUrl?: string;
  channelId?: string;
}

export interface ExtendModalMetadata {
  requestId: string;
  grantId: string;
}

/** The admin modals: where to answer, and for offboarding and role changes whom (and which role) they are about. */
export interface AdminModalMetadata extends RequestModalMetadata {
  /** An email or a Slack user id, as the admin service takes it. */
  who?: string;
  role?: string;
}

export function writeMetadata(data: RequestModalMetadata | ExtendModalMetadata | AdminModalMetadata): string {
  const json = JSON.stringify(data);
  if (json.length <= SLACK_LIMITS.privateMetadata) return json;
  // Only a freakishly long response URL could get here: answering by DM instead is fine.
  const { responseUrl: _dropped, ...rest } = data as RequestModalMetadata;
  return JSON.stringify(rest).slice(0, SLACK_LIMITS.privateMetadata);
}

function readObject(text: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function readRequestModalMetadata(text: string): RequestModalMetadata {
  const o = readObject(text);
  const responseUrl = str(o.responseUrl);
  const channelId = str(o.channelId);
  return {
    ...(responseUrl !== undefined ? { responseUrl } : {}),
    ...(channelId !== undefined ? { channelId } : {}),
  };
}

export function readExtendModalMetadata(text: string): ExtendModalMetadata | undefined {
  const o = readObject(text);
  const requestId = str(o.requestId);
  const grantId = str(o.grantId);
  return requestId !== undefined && grantId !== undefined ? { requestId, grantId } : undefined;
}

export function readAdminModalMetadata(text: string): AdminModalMetadata {
  const o = readObject(text);
  const who = str(o.who);
  const role = str(o.role);
  return {
    ...readRequestModalMetadata(text),
    ...(who !== undefined ? { who } : {}),
    ...(role !== undefined ? { role } : {}),
  };
}
