import { describe, expect, it } from 'vitest';
import { HOUR } from '../../src/domain/duration.js';
import { approvalCard } from '../../src/slack/blocks/approval-card.js';
import { approverToldMessage, breakGlassCard } from '../../src/slack/blocks/break-glass.js';
import { messageContent } from '../../src/slack/blocks/kit.js';
import { requestOfClick } from '../../src/slack/button-click.js';
import { ACTION } from '../../src/slack/ids.js';
import { parseAccessCommand } from '../../src/slack/parse.js';
import { grantRecord, LEAD_A, OPTIONS, REQUESTER, requestView } from '../support/slack-fixtures.js';

const ctx = { userId: REQUESTER, options: OPTIONS };

function breakGlass(text: string) {
  const parsed = parseAccessCommand(text, ctx);
  if (parsed.subcommand !== 'breakglass') throw new Error(`expected breakglass, got ${parsed.subcommand}`);
  return parsed.result;
}

const errorOf = (text: string): string => {
  const result = breakGlass(text);
  if (result.kind !== 'error') throw new Error(`expected an error, got ${JSON.stringify(result)}`);
  return result.message;
};

describe('/access breakglass', () => {
  it('reads the permission set, one account, the duration and the whole reason', () => {
    expect(breakGlass('breakglass productionsupport PROD 1h INC-4711 payments are down')).toEqual({
      kind: 'complete',
      input: {
        requesterSlackId: REQUESTER,
        permissionSet: 'ProductionSupport',
        account: 'prod',
        duration: { kind: 'for', ms: HOUR },
        reason: 'INC-4711 payments are down',
      },
    });
  });

  it.each([
    [
      'with nothing after it',
      'breakglass',
      'Say which permission set, which account, for how long, and why.',
    ],
    [
      'on several accounts at once',
      'breakglass ProductionSupport prod,staging 1h fire',
      'one account at a time',
    ],
    ['without a duration', 'breakglass ProductionSupport prod fire', 'Say for how long, like `1h`'],
    ['for good', 'breakglass ProductionSupport prod permanent fire', 'Break-glass is never permanent'],
    ['without a reason', 'breakglass ProductionSupport prod 1h', 'Say why: the incident or ticket'],
  ])('is refused %s, saying what to type', (_case, text, message) => {
    const error = errorOf(text);
    expect(error).toContain(message);
  });

  it('is refused for an account that does not exist, naming the known ones', () => {
    expect(errorOf('breakglass ProductionSupport prdo 1h fire')).toMatch(/prdo/);
  });
});

const glass = (over: Record<string, unknown> = {}) => ({
  allowedBy: [3],
  because: 'a rule for ProductionSupport on prod',
  perDay: 1,
  told: [LEAD_A],
  ...over,
});
const used = (details: Record<string, unknown>, grants = [grantRecord({ status: 'active' })]) =>
  requestView(
    { status: 'active', requiredApprovals: 0, details: { breakGlass: details } },
    { grants, approvalsNeeded: 0 },
  );

const actionsOf = (blocks: unknown[]): string[] =>
  blocks.flatMap((b) => {
    const block = b as { type: string; elements?: { action_id?: string }[] };
    return block.type === 'actions' ? (block.elements ?? []).map((e) => e.action_id ?? '') : [];
  });

describe('the break-glass card', () => {
  it('is the approval card of a break-glass request, with a siren, Mark reviewed and End access now', () => {
    const card = approvalCard(used(glass()));
    expect(JSON.stringify(card.blocks)).toContain('🚨 Break-glass R-7K2Q9D');
    expect(JSON.stringify(card.blocks)).toContain('*Needs review*');
    expect(JSON.stringify(card.blocks)).toContain(
      'without approval, as a rule for ProductionSupport on prod allows',
    );
    expect(JSON.stringify(card.blocks)).not.toContain('rules[');
    expect(actionsOf(card.blocks)).toEqual([ACTION.breakGlassReviewed, ACTION.breakGlassEnd]);
    expect(actionsOf(card.blocks)).not.toContain(ACTION.approve);
  });

  it('offers no End access now before the access is active', () => {
    const card = breakGlassCard(used(glass(), [grantRecord({ status: 'provisioning' })]))!;
    expect(actionsOf(card.blocks)).toEqual([ACTION.breakGlassReviewed]);
  });

  it('drops its buttons once reviewed, and says by whom', () => {
    const card = breakGlassCard(
      used(glass({ reviewedBy: LEAD_A, reviewedAt: '2026-11-24T10:00:00.000Z', outcome: 'reviewed' })),
    )!;
    expect(actionsOf(card.blocks)).toEqual([]);
    expect(JSON.stringify(card.blocks)).toContain(`*Reviewed* by <@${LEAD_A}>`);
  });

  it('goes out as one red attachment holding its blocks, with the text as the fallback', () => {
    const card = breakGlassCard(used(glass()))!;
    expect(card.color).toBe('#E01E5A');
    const posted = messageContent(card);
    expect(posted).toEqual({ text: card.text, attachments: [{ color: '#E01E5A', blocks: card.blocks }] });
    // An update also clears top-level blocks, which chat.update would otherwise keep.
    expect(messageContent(card, true)).toEqual({ ...posted, blocks: [] });
    // Every other message keeps its blocks at the top level.
    expect(messageContent(approvalCard(requestView()))).not.toHaveProperty('attachments');
  });

  it('reads a click on its buttons inside the attachment, and refuses one whose value names another request', () => {
    const card = breakGlassCard(used(glass()))!;
    const actions = card.blocks.find((b) => b.type === 'actions') as unknown as {
      block_id: string;
      elements: { action_id: string; value: string }[];
    };
    // As Slack sends the message back: no top-level blocks, the card's inside its attachment.
    const body = {
      message: { text: card.text, attachments: [{ id: 1, color: 'E01E5A', blocks: card.blocks }] },
    };
    for (const element of actions.elements) {
      const button = { action_id: element.action_id, block_id: actions.block_id, value: element.value };
      expect(requestOfClick(body, button)).toBe('R-7K2Q9D');
      expect(requestOfClick(body, { ...button, value: 'R-OTHER1' })).toBeUndefined();
      expect(
        requestOfClick(body, { ...button, value: 'R-OTHER1', block_id: 'breakglass:R-OTHER1' }),
      ).toBeUndefined();
      expect(requestOfClick({ message: { text: card.text } }, button)).toBeUndefined();
    }
  });

  it('is not drawn for an ordinary request', () => {
    expect(breakGlassCard(requestView())).toBeUndefined();
  });

  it('has buttons whose block names the request, so that a click on them is read back as that request', () => {
    const message = approverToldMessage(used(glass()));
    const actions = message.blocks.find((b) => (b as { type: string }).type === 'actions') as {
      block_id: string;
      elements: { action_id: string; value: string }[];
    };
    for (const element of actions.elements) {
      const button = { action_id: element.action_id, block_id: actions.block_id, value: element.value };
      expect(requestOfClick({ message: { blocks: message.blocks } }, button)).toBe('R-7K2Q9D');
      expect(requestOfClick({ message: { blocks: message.blocks } }, { ...button, value: 'R-OTHER1' })).toBe(
        undefined,
      );
    }
  });
});
