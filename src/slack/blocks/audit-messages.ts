/**
 * The audit in Slack: the message that follows it in the admin's DM (running, done, failed), and the ephemeral
 * answer to `/access audit`. The status text comes from the audit in plain words and is escaped here.
 */
import type { AuditStart } from '../../access/audit/api.js';
import type { types } from '@slack/bolt';
import type { AuditLine, AuditStatus, InactiveUserLine } from '../../access/notifier.js';
import { escapeMrkdwn, truncate } from '../../domain/text.js';
import { ACTION } from '../ids.js';
import {
  context,
  message,
  plain,
  section,
  slackDate,
  SLACK_LIMITS,
  who,
  type Block,
  type SlackMessage,
} from './kit.js';

/** The block id of an inactive user's line: `audit_offboard:<n>`, unique within the message. */
export const AUDIT_OFFBOARD_BLOCK_PREFIX = 'audit_offboard:';

/** Who the Offboard button names: the email people sign in with, else the user name. */
export const offboardTarget = (u: InactiveUserLine): string => u.email ?? u.userName;

/** One inactive user, with an Offboard button that opens the offboarding preview for them (admins only). */
function inactiveBlock(u: InactiveUserLine, index: number): types.SectionBlock {
  const name =
    u.displayName.trim() !== '' && u.displayName !== u.userName ? `*${escapeMrkdwn(u.displayName)}* · ` : '';
  const quiet =
    u.lastSignIn === undefined
      ? 'no sign-in in CloudTrail’s 90 days'
      : `last signed in ${slackDate(u.lastSignIn)}`;
  const disabled = u.disabled ? ' · :no_entry: disabled' : '';
  const button: types.Button = {
    type: 'button',
    action_id: ACTION.auditOffboard,
    text: plain('Offboard…', 75),
    value: truncate(offboardTarget(u), 2_000),
  };
  return {
    type: 'section',
    block_id: `${AUDIT_OFFBOARD_BLOCK_PREFIX}${index}`,
    text: {
      type: 'mrkdwn',
      text: truncate(`${name}${escapeMrkdwn(u.userName)} — ${quiet}${disabled}`, 2_000),
    },
    accessory: button,
  };
}

function inactiveBlocks(status: AuditStatus): Block[] {
  const users = status.inactive ?? [];
  if (status.state !== 'done' || users.length === 0) return [];
  const more = status.inactiveNotShown ?? 0;
  return [
    section(
      '*Inactive users* (the longest quiet first): *Offboard…* shows what offboarding would remove; nothing changes until it is approved.',
    ),
    ...users.map(inactiveBlock),
    ...(more > 0
      ? [context(`…and ${more} more inactive users: the CSV lists them all (record \`inactive_user\`).`)]
      : []),
  ];
}

const PLAIN: Record<AuditStatus['state'], string> = {
  running: 'Access audit running',
  done: 'Access audit done',
  failed: 'Access audit stopped',
};

const HEADLINE: Record<AuditStatus['state'], string> = {
  running: ':mag: *Access audit running*',
  done: ':white_check_mark: *Access audit done*: the report is the CSV file below.',
  failed: ':warning: *Access audit stopped*',
};

export function auditStatusMessage(status: AuditStatus): SlackMessage {
  const body = escapeMrkdwn(status.text);
  return message(`${PLAIN[status.state]}: ${status.text}`, [
    section(`${HEADLINE[status.state]}\n${body}`),
    ...inactiveBlocks(status),
    context(`Asked for by ${who(status.requestedBy)}`),
  ]);
}

export function auditStartedMessage(start: AuditStart): SlackMessage {
  const also = start.auditChannel !== undefined ? ` and in <#${start.auditChannel}>` : '';
  const text = start.alreadyRunning
    ? `An audit asked for by ${who(start.requestedBy)} is already running; its report will be posted in their direct messages with me${also}.`
    : `Audit started. Progress and the report (a CSV file with a summary) will appear in your direct messages with me${also}, not in this channel.`;
  return message(text, [section(text)]);
}

const LINE_ICON: Record<AuditLine['kind'], string> = {
  decision: ':scales:',
  change: ':gear:',
  failure: ':warning:',
};

/**
 * One line of the audit channel: `⚖️ @lena approved SeniorDeveloper on prod for 4h · for @sam · R-7K2Q9D`, with
 * a reason or AWS's words quoted under it. Everything but the mentions is escaped.
 */
export function auditLineMessage(line: AuditLine): SlackMessage {
  const actor = line.bySlackId !== undefined ? who(line.bySlackId) : 'access-desk';
  const actorPlain = line.bySlackId ?? 'access-desk';
  const forWhom =
    line.forSlackId !== undefined
      ? ` · for ${who(line.forSlackId)}`
      : line.forEmail !== undefined && line.forEmail !== ''
        ? ` · for ${escapeMrkdwn(line.forEmail)}`
        : '';
  const ref = line.requestId !== undefined ? ` · ${escapeMrkdwn(line.requestId)}` : '';
  const note =
    line.note !== undefined ? `\n>${escapeMrkdwn(truncate(line.note, 500)).replace(/\n/g, '\n>')}` : '';
  const text = `${LINE_ICON[line.kind]} ${actor} ${escapeMrkdwn(line.did)}${forWhom}${ref}${note}`;
  const fallback = `${actorPlain} ${line.did}${line.requestId !== undefined ? ` (${line.requestId})` : ''}`;
  return message(truncate(fallback, 3_000), [section(truncate(text, SLACK_LIMITS.sectionText))]);
}
