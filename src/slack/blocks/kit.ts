/**
 * Small Block Kit helpers that keep every piece inside Slack's limits: a builder can then put text in without
 * counting characters itself. Pure.
 */
import type { types } from '@slack/bolt';
import { escapeMrkdwn, mention, truncate } from '../../domain/text.js';

export type Block = types.KnownBlock;
export type ModalView = types.ModalView;
export type SelectOption = types.PlainTextOption;
export type ButtonElement = types.Button;

/** A message: blocks plus the plain-text fallback Slack shows in notifications and to screen readers. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
  /**
   * When set, the blocks go out inside one secondary attachment of this colour (a bar down their left), the
   * only way Slack colours a message; `text` stays the top-level fallback for notifications.
   */
  color?: string;
}

/** Slack's "danger" red, the colour of the break-glass card's bar. */
export const DANGER_COLOR = '#E01E5A';

/**
 * What chat.postMessage and chat.update take for a message: its blocks, or one coloured attachment holding them.
 * An update of a coloured message also sends empty top-level blocks: chat.update keeps the previous blocks when
 * none are given (a card first posted without its colour would otherwise show them twice).
 */
export function messageContent(
  msg: SlackMessage,
  update = false,
):
  | { text: string; blocks: Block[] }
  | { text: string; blocks?: []; attachments: [{ color: string; blocks: Block[] }] } {
  if (msg.color === undefined) return { text: msg.text, blocks: msg.blocks };
  return {
    text: msg.text,
    ...(update ? { blocks: [] as [] } : {}),
    attachments: [{ color: msg.color, blocks: msg.blocks }],
  };
}

export const SLACK_LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  headerText: 150,
  contextElements: 10,
  modalTitle: 24,
  buttonText: 75,
  optionText: 75,
  optionDescription: 75,
  options: 100,
  privateMetadata: 3000,
  buttonValue: 2000,
  confirmTitle: 100,
  confirmText: 300,
  /** Notification text: Slack truncates long fallbacks; keep them readable. */
  fallbackText: 3000,
} as const;

export const plain = (text: string, max: number = SLACK_LIMITS.sectionText): types.PlainTextElement => ({
  type: 'plain_text',
  text: truncate(text, max),
  emoji: true,
});

export const mrkdwn = (text: string, max: number = SLACK_LIMITS.sectionText): types.MrkdwnElement => ({
  type: 'mrkdwn',
  text: truncate(text, max),
});

export const header = (text: string): types.HeaderBlock => ({
  type: 'header',
  text: plain(text, SLACK_LIMITS.headerText),
});

export const section = (text: string, blockId?: string): types.SectionBlock => ({
  type: 'section',
  text: mrkdwn(text),
  ...(blockId !== undefined ? { block_id: blockId } : {}),
});

export const fields = (items: readonly string[]): types.SectionBlock => ({
  type: 'section',
  fields: items.slice(0, SLACK_LIMITS.fields).map((t) => mrkdwn(t, SLACK_LIMITS.fieldText)),
});

export const context = (...texts: string[]): types.ContextBlock => ({
  type: 'context',
  elements: texts.slice(0, SLACK_LIMITS.contextElements).map((t) => mrkdwn(t)),
});

export const divider = (): types.DividerBlock => ({ type: 'divider' });

/** A mention for an id we stored; something that is not a Slack user id is shown, escaped, instead of thrown. */
export function who(slackUserId: string): string {
  try {
    return mention(slackUserId);
  } catch {
    return escapeMrkdwn(slackUserId);
  }
}

/** Mentions, at most `max` of them, then "and N more". */
export function people(ids: readonly string[], max = 15): string {
  const shown = ids.slice(0, max).map(who).join(' ');
  return ids.length > max ? `${shown} and ${ids.length - max} more` : shown;
}

/** A time every reader sees in their own time zone (see dates.ts, where the variants live). */
export { slackDate } from './dates.js';

/**
 * Lines joined into as few sections as fit (each under the section limit), at most `maxBlocks` of them; what
 * does not fit is summarised as "…and N more".
 */
export function lineSections(lines: readonly string[], maxBlocks: number): Block[] {
  const blocks: Block[] = [];
  let current: string[] = [];
  let length = 0;
  const budget = SLACK_LIMITS.sectionText - 40;
  let index = 0;
  for (; index < lines.length; index += 1) {
    const line = truncate(lines[index] ?? '', 500);
    if (length + line.length + 1 > budget && current.length > 0) {
      if (blocks.length + 1 >= maxBlocks) break;
      blocks.push(section(current.join('\n')));
      current = [];
      length = 0;
    }
    current.push(line);
    length += line.length + 1;
  }
  const left = lines.length - index;
  if (left > 0) current.push(`…and ${left} more`);
  if (current.length > 0) blocks.push(section(current.join('\n')));
  return blocks;
}

/** A message never exceeds Slack's block limit: the tail is cut and says so. */
export function capBlocks(blocks: Block[], max: number = SLACK_LIMITS.messageBlocks): Block[] {
  if (blocks.length <= max) return blocks;
  return [...blocks.slice(0, max - 1), context(`…${blocks.length - max + 1} more blocks not shown`)];
}

export function message(text: string, blocks: Block[]): SlackMessage {
  return { text: truncate(text, SLACK_LIMITS.fallbackText), blocks: capBlocks(blocks) };
}
