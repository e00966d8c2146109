/**
 * Sentences about people's details: what a `user_update` changes (field: from → to), read defensively from the
 * request's details (JSON from the ledger), and the answer to `/access welcome`. Pure; all user text escaped here.
 */
import type { Outcome } from '../../access/api.js';
import type { RequestRecord } from '../../access/ledger.js';
import type { UserChange, UserField, WelcomeResent } from '../../access/people-api.js';
import { escapeMrkdwn, truncate } from '../../domain/text.js';
import { context, message, section, type Block, type SlackMessage } from './kit.js';
import { refusalMessage } from './replies.js';

const FIELD_LABEL: Readonly<Record<UserField, string>> = {
  givenName: 'first name',
  familyName: 'last name',
  displayName: 'display name',
  email: 'email',
};

const isField = (v: unknown): v is UserField => typeof v === 'string' && v in FIELD_LABEL;

/** The changes a request keeps; one that does not have the expected shape is left out rather than trusted. */
export function readChanges(request: RequestRecord): UserChange[] {
  const raw = (request.details as { changes?: unknown }).changes;
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((c: unknown): UserChange[] => {
    if (typeof c !== 'object' || c === null) return [];
    const { field, from, to } = c as Record<string, unknown>;
    return isField(field) && typeof from === 'string' && typeof to === 'string' ? [{ field, from, to }] : [];
  });
}

const quoted = (v: string): string => (v === '' ? '_(none)_' : `“${escapeMrkdwn(truncate(v, 200))}”`);
const quotedPlain = (v: string): string => (v === '' ? '(none)' : `“${truncate(v, 200)}”`);

/** `*display name*: “Sam Developer” → “Sam D.”` (mrkdwn). */
export const changeLine = (c: UserChange): string =>
  `*${FIELD_LABEL[c.field]}*: ${quoted(c.from)} → ${quoted(c.to)}`;

/** `: display name “Sam Developer” → “Sam D.”; email …` (mrkdwn), or '' when nothing is recorded. */
export function changesText(request: RequestRecord): string {
  const changes = readChanges(request);
  if (changes.length === 0) return '';
  return `: ${changes.map((c) => `${FIELD_LABEL[c.field]} ${quoted(c.from)} → ${quoted(c.to)}`).join('; ')}`;
}

/** The same in plain words, for notification fallbacks. */
export function changesPlain(request: RequestRecord): string {
  const changes = readChanges(request);
  if (changes.length === 0) return '';
  return `: ${changes.map((c) => `${FIELD_LABEL[c.field]} ${quotedPlain(c.from)} → ${quotedPlain(c.to)}`).join('; ')}`;
}

/** The card's list of changes, one line each; nothing for any other request. */
export function changesBlocks(request: RequestRecord): Block[] {
  if (request.kind !== 'user_update') return [];
  const changes = readChanges(request);
  if (changes.length === 0) return [];
  return [
    section(truncate(`*Changes*\n${changes.map((c) => `• ${changeLine(c)}`).join('\n')}`, 2900)),
    context('The user name does not change: Identity Center keeps it for good.'),
  ];
}

/** How `/access welcome` went: to whom, or why not. */
export function welcomeAnswer(outcome: Outcome<WelcomeResent>): SlackMessage {
  return outcome.ok ? welcomeResentMessage(outcome.value) : refusalMessage(outcome.message);
}

/** `/access welcome`: to whom it went, and what it listed. */
export function welcomeResentMessage(sent: WelcomeResent): SlackMessage {
  const to = escapeMrkdwn(sent.to);
  const listed =
    sent.assignments === 0 && sent.groups === 0
      ? 'It says they hold nothing yet, and how to ask with `/access request`.'
      : `It lists what they can reach today: ${sent.assignments} permission set × account${sent.assignments === 1 ? '' : 's'}, ${sent.groups} group${sent.groups === 1 ? '' : 's'}.`;
  return message(`Sent the welcome email again to ${sent.to}`, [
    section(
      `:envelope: Sent the welcome email again to *${to}* (${escapeMrkdwn(truncate(sent.displayName, 200))}, user name \`${escapeMrkdwn(sent.userName)}\`). ${listed}`,
    ),
    context(`SES message id ${escapeMrkdwn(sent.messageId)} · recorded in the audit log`),
  ]);
}
