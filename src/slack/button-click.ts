/**
 * What a click on one of our buttons acts on, and only when every part of the click agrees: the button's value,
 * the id of the actions block it sits in (which names the request: `decide:<id>`, `mine:<id>`, `retry:<id>`,
 * `extend:<request>:<grant>`, the users pager), and, when Slack sends the blocks of the message or view it was
 * clicked on, that very button in that very block. A value naming another request than its card (a tampered
 * or replayed click) acts on nothing. Pure.
 */
import { USERS_PAGER_BLOCK } from './blocks/users-message.js';
import { ACTION, CARD_BLOCK_PREFIX, EXTEND_BLOCK_PREFIX, type RequestButtonAction } from './ids.js';

/** The parts of a block_actions body read here (Bolt's types, loosened: the body was shape-checked, no more). */
export interface ClickBody {
  message?: { readonly [key: string]: unknown };
  view?: { blocks?: unknown };
}

export interface ClickedButton {
  action_id: string;
  block_id: string;
  value?: string;
}

/** Said privately to whoever clicked a button whose parts disagree; nothing is changed. */
export const NOT_THIS_CARD =
  'That button does not belong to this card, so nothing was done. Use the buttons on the request’s own card, or `/access pending`.';

/** Request ids and grant ids are short; a longer value is not one of ours. */
const ID_MAX = 100;
/** The pager's pages: what `/access users` reads (six digits). */
const PAGE = /^[1-9]\d{0,5}$/;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Whether the blocks the click came with (the message's and its attachments', or the Home tab's or modal's)
 * hold this button, with this value, in this block. Without blocks (an ephemeral message: Slack does not send it back) the block id is
 * all there is to check against, and it was.
 */
export function sitsOnItsSurface(body: ClickBody, button: ClickedButton): boolean {
  const blocks = surfaceBlocks(body);
  if (blocks === undefined) return body.message === undefined && body.view === undefined;
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

/**
 * The blocks of the message (its own, then those inside its attachments: the break-glass card's sit in a red
 * one) or of the view; undefined when the click came with none.
 */
function surfaceBlocks(body: ClickBody): unknown[] | undefined {
  if (body.message === undefined) return Array.isArray(body.view?.blocks) ? body.view.blocks : undefined;
  const own: unknown = body.message.blocks;
  const attachments: unknown = body.message.attachments;
  const inside = Array.isArray(attachments)
    ? attachments.flatMap((a) => (isRecord(a) && Array.isArray(a.blocks) ? (a.blocks as unknown[]) : []))
    : [];
  if (!Array.isArray(own) && !Array.isArray(attachments)) return undefined;
  return [...(Array.isArray(own) ? (own as unknown[]) : []), ...inside];
}

const isRequestButton = (actionId: string): actionId is RequestButtonAction => actionId in CARD_BLOCK_PREFIX;

/** The request an Approve, Deny, Cancel or Retry click acts on, or undefined when the click does not agree. */
export function requestOfClick(body: ClickBody, button: ClickedButton): string | undefined {
  const { value } = button;
  if (!isRequestButton(button.action_id) || value === undefined || value === '' || value.length > ID_MAX) {
    return undefined;
  }
  if (button.block_id !== `${CARD_BLOCK_PREFIX[button.action_id]}${value}`) return undefined;
  return sitsOnItsSurface(body, button) ? value : undefined;
}

/**
 * The request and grant an Extend or Release click acts on: the block names both, the button's value is the
 * grant.
 */
export function grantOfClick(
  body: ClickBody,
  button: ClickedButton,
): { requestId: string; grantId: string } | undefined {
  const { value } = button;
  const onGrant = button.action_id === ACTION.extend || button.action_id === ACTION.release;
  if (!onGrant || value === undefined || value === '' || value.length > ID_MAX) {
    return undefined;
  }
  if (!button.block_id.startsWith(EXTEND_BLOCK_PREFIX)) return undefined;
  const ids = button.block_id.slice(EXTEND_BLOCK_PREFIX.length);
  const separator = ids.indexOf(':');
  const requestId = separator > 0 ? ids.slice(0, separator) : '';
  if (requestId === '' || ids.slice(separator + 1) !== value) return undefined;
  return sitsOnItsSurface(body, button) ? { requestId, grantId: value } : undefined;
}

/** The page a Previous or Next click on the user listing shows, or undefined when the click does not agree. */
export function pageOfClick(body: ClickBody, button: ClickedButton): number | undefined {
  const pager = button.action_id === ACTION.usersPrevious || button.action_id === ACTION.usersNext;
  const { value } = button;
  if (!pager || button.block_id !== USERS_PAGER_BLOCK || value === undefined || !PAGE.test(value)) {
    return undefined;
  }
  return sitsOnItsSurface(body, button) ? Number(value) : undefined;
}
