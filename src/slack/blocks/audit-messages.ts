/**
 * The audit in Slack: the message that follows it in the admin's DM (running, done, failed), and the ephemeral
 * answer to `/access audit`. The status text comes from the audit in plain words and is escaped here.
 */
import type { AuditStart } from '../../access/audit/api.js';
import type { AuditLine, AuditStatus } from '../../access/notifier.js';
import { escapeMrkdwn, truncate } from '../../domain/text.js';
import { context, message, section, SLACK_LIMITS, who, type SlackMessage } from './kit.js';

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
