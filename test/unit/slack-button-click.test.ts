/**
 * Every button the app draws, clicked as Slack sends the click: it acts on what its own card or message names,
 * and on nothing when its value, its block or the blocks it came with say something else.
 */
import { describe, expect, it } from 'vitest';
import { decisionButtons } from '../../src/slack/blocks/approval-card.js';
import { cancelButton, extendGrantButton, retryButton } from '../../src/slack/blocks/buttons.js';
import { usersMessage } from '../../src/slack/blocks/users-message.js';
import {
  grantOfClick,
  pageOfClick,
  requestOfClick,
  type ClickedButton,
} from '../../src/slack/button-click.js';
import { ACTION } from '../../src/slack/ids.js';
import { requestView } from '../support/slack-fixtures.js';

type Drawn = { block_id?: string; elements: { action_id?: string; value?: string }[] };

/** The click on the button `actionId` of `block`, as Slack sends it (the message's blocks with it). */
function clickOn(block: Drawn, actionId: string) {
  const element = block.elements.find((e) => e.action_id === actionId);
  if (element === undefined) throw new Error(`no ${actionId} in the block`);
  const button: ClickedButton = {
    action_id: actionId,
    block_id: block.block_id ?? '',
    value: element.value ?? '',
  };
  return { body: { message: { blocks: [block] } }, button };
}

const view = requestView({ id: 'R-AAAA0001' });
const other = 'R-BBBB0002';
const decide = decisionButtons(view) as Drawn;

describe('Approve, Deny, Cancel and Retry', () => {
  it.each([
    ['Approve', decide, ACTION.approve],
    ['Deny', decide, ACTION.deny],
    ['Cancel', cancelButton('R-AAAA0001') as Drawn, ACTION.cancel],
    ['Retry', retryButton('R-AAAA0001') as Drawn, ACTION.retry],
  ])('%s acts on the request its card names', (_name, block, actionId) => {
    const { body, button } = clickOn(block, actionId);
    expect(requestOfClick(body, button)).toBe('R-AAAA0001');
    // An ephemeral message is not sent back with the click: the block id still has to agree.
    expect(requestOfClick({}, button)).toBe('R-AAAA0001');
  });

  it.each([
    ['Approve', decide, ACTION.approve],
    ['Deny', decide, ACTION.deny],
    ['Cancel', cancelButton('R-AAAA0001') as Drawn, ACTION.cancel],
    ['Retry', retryButton('R-AAAA0001') as Drawn, ACTION.retry],
  ])('%s acts on nothing when any part of the click names another request', (_name, block, actionId) => {
    const { body, button } = clickOn(block, actionId);
    const prefix = (block.block_id ?? '').split(':')[0];
    // The value changed: it no longer matches its block.
    expect(requestOfClick(body, { ...button, value: other })).toBeUndefined();
    // Value and block changed together: the message it came from holds no such button.
    expect(requestOfClick(body, { ...button, value: other, block_id: `${prefix}:${other}` })).toBeUndefined();
    // The button's own block, on another request's message.
    const elsewhere = clickOn(cancelButton(other), ACTION.cancel).body;
    expect(requestOfClick(elsewhere, button)).toBeUndefined();
    // A message without blocks carried no button at all.
    expect(requestOfClick({ message: {} }, button)).toBeUndefined();
    // Another button's block: Approve in Cancel's block, Cancel in Approve's.
    const swapped = prefix === 'decide' ? 'mine' : 'decide';
    expect(requestOfClick({}, { ...button, block_id: `${swapped}:R-AAAA0001` })).toBeUndefined();
    expect(requestOfClick({}, { ...button, value: '' })).toBeUndefined();
  });
});

describe('Extend', () => {
  const block = extendGrantButton('R-AAAA0001', 'G-0001') as Drawn;

  it('acts on the grant and request its block names, from the reminder or the Home tab', () => {
    const { body, button } = clickOn(block, ACTION.extend);
    expect(grantOfClick(body, button)).toEqual({ requestId: 'R-AAAA0001', grantId: 'G-0001' });
    expect(grantOfClick({ view: { blocks: [block] } }, button)).toEqual({
      requestId: 'R-AAAA0001',
      grantId: 'G-0001',
    });
  });

  it('acts on nothing when the grant it names is not the one of its block, or not on the message', () => {
    const { body, button } = clickOn(block, ACTION.extend);
    expect(grantOfClick(body, { ...button, value: 'G-0002' })).toBeUndefined();
    expect(
      grantOfClick(body, { ...button, value: 'G-0002', block_id: 'extend:R-AAAA0001:G-0002' }),
    ).toBeUndefined();
    expect(grantOfClick({}, { ...button, block_id: 'extend::G-0001' })).toBeUndefined();
    expect(grantOfClick({ view: { blocks: [] } }, button)).toBeUndefined();
  });
});

describe('the user listing’s pager', () => {
  const page = usersMessage({ page: 2, pageSize: 20, pages: 3, total: 50, users: [], listedAt: new Date(0) });
  const pager = page.blocks.find((b) => b.type === 'actions') as Drawn;

  it.each([
    [ACTION.usersPrevious, 1],
    [ACTION.usersNext, 3],
  ])('%s shows the page its button carries', (actionId, shown) => {
    const { body, button } = clickOn(pager, actionId);
    expect(pageOfClick(body, button)).toBe(shown);
    expect(pageOfClick({}, button)).toBe(shown);
  });

  it('shows nothing for a page that is not a page, or a button that is not on its message', () => {
    const { body, button } = clickOn(pager, ACTION.usersNext);
    for (const value of ['0', '-1', '1e3', '9999999', 'R-AAAA0001', '']) {
      expect(pageOfClick({}, { ...button, value })).toBeUndefined();
    }
    expect(pageOfClick(body, { ...button, value: '2' })).toBeUndefined();
    expect(pageOfClick({}, { ...button, block_id: 'decide:R-AAAA0001' })).toBeUndefined();
  });
});
