/**
 * The IAM-to-SSO migration in Slack: the person's direct message with its two buttons (and how it reads once
 * they answered), the admin's message when they ask for help, the answers to `/access migrate` and to the
 * buttons, the list of who is still waiting, and what a legacy_removal card says about the confirmation. Pure;
 * every name and email escaped here.
 */
import type { types } from '@slack/bolt';
import type { Outcome } from '../../access/api.js';
import type { RequestRecord } from '../../access/ledger.js';
import type { LegacyMigrationRecord, MigrationDone, WaitingMigration } from '../../access/migration-api.js';
import { escapeMrkdwn, truncate } from '../../domain/text.js';
import { ACTION, migrationBlockId } from '../ids.js';
import {
  context,
  lineSections,
  message,
  section,
  slackDate,
  who,
  type Block,
  type SlackMessage,
} from './kit.js';
import { refusalMessage } from './replies.js';
import { submittedMessage } from './requester-messages.js';

const iam = (name: string): string => `\`${escapeMrkdwn(truncate(name, 128))}\``;
const name = (m: LegacyMigrationRecord): string => `*${escapeMrkdwn(truncate(m.displayName, 200))}*`;

/** "SSO works for me" asks once more: what it starts cannot be taken back. */
const confirmDialog = (m: LegacyMigrationRecord): types.ConfirmationDialog => ({
  title: { type: 'plain_text', text: 'Does SSO work for you?' },
  text: {
    type: 'mrkdwn',
    text: truncate(
      `Your old IAM user ${iam(m.iamUserName)} and its access keys will be removed once an admin approves. Anything still using them stops working.`,
      300,
    ),
  },
  confirm: { type: 'plain_text', text: 'Yes, it works' },
  deny: { type: 'plain_text', text: 'Not yet' },
  style: 'primary',
});

function buttons(m: LegacyMigrationRecord): types.ActionsBlock {
  return {
    type: 'actions',
    block_id: migrationBlockId(m.id),
    elements: [
      {
        type: 'button',
        action_id: ACTION.migrationConfirm,
        text: { type: 'plain_text', text: 'SSO works for me' },
        style: 'primary',
        value: m.id,
        confirm: confirmDialog(m),
      },
      {
        type: 'button',
        action_id: ACTION.migrationHelp,
        text: { type: 'plain_text', text: 'I need help' },
        value: m.id,
      },
    ],
  };
}

const removalLine = (removal: Pick<RequestRecord, 'id' | 'status'>): string =>
  removal.status === 'completed'
    ? `:white_check_mark: Your old IAM user is removed (${removal.id}).`
    : `${removal.id} asks the admins to remove your old IAM user (${removal.status}).`;

/** The person's direct message: the buttons until they confirm, then what they answered and what follows. */
export function migrationPersonMessage(m: LegacyMigrationRecord, removal?: RequestRecord): SlackMessage {
  const intro = `:wave: Hello ${name(m)}. ${who(m.startedBy)} sent you an email about moving from your old IAM user ${iam(m.iamUserName)} to AWS single sign-on (the AWS access portal).`;
  if (m.confirmedAt !== null) {
    const next =
      removal !== undefined
        ? removalLine(removal)
        : 'An admin will remove your old IAM user and its access keys.';
    return message('You confirmed that AWS single sign-on works for you', [
      section(intro),
      section(
        `:white_check_mark: You confirmed ${slackDate(m.confirmedAt)} that single sign-on works for you. ${next}`,
      ),
    ]);
  }
  const blocks: Block[] = [
    section(
      `${intro}\nOnce signing in through the portal works for you, press *SSO works for me*: your old IAM user and its access keys are then removed, after an admin approves. If something does not work, press *I need help* and ${who(m.startedBy)} is told.`,
    ),
    context(`Please answer by ${slackDate(m.confirmBy)}. Only you can answer this.`),
  ];
  if (m.helpAskedAt !== null) {
    blocks.push(
      context(`:sos: You asked for help ${slackDate(m.helpAskedAt)}; ${who(m.startedBy)} was told.`),
    );
  }
  blocks.push(buttons(m));
  return message(
    'Does AWS single sign-on work for you? Press "SSO works for me" once it does, or "I need help".',
    blocks,
  );
}

/** To the admin who sent the email: the person asked for help. */
export function migrationHelpMessage(m: LegacyMigrationRecord): SlackMessage {
  const email = escapeMrkdwn(m.email);
  return message(`${m.displayName} (${m.email}) asked for help moving to AWS single sign-on`, [
    section(
      `:sos: ${who(m.slackUserId)} (${name(m)}, ${email}) asked for help moving to AWS single sign-on, after the migration email you sent${m.emailedAt !== null ? ` ${slackDate(m.emailedAt)}` : ''}.`,
    ),
    context(`Their legacy IAM user ${iam(m.iamUserName)} stays until they confirm that SSO works (${m.id}).`),
  ]);
}

/** What a migration click tells the person who made it (the admin, or the person pressing their button). */
export function migrationAnswer(outcome: Outcome<MigrationDone>): SlackMessage {
  if (!outcome.ok) return refusalMessage(outcome.message);
  const done = outcome.value;
  switch (done.kind) {
    case 'started': {
      const m = done.migration;
      return message(`Sent the IAM-to-SSO migration email to ${m.email}`, [
        section(
          `:envelope: Sent the IAM-to-SSO migration email to *${escapeMrkdwn(m.email)}*, and ${who(m.slackUserId)} a direct message with *SSO works for me* and *I need help*. Their IAM user ${iam(m.iamUserName)} stays until they confirm.`,
        ),
        context(
          `${m.id}${m.messageId !== null ? ` · SES message id ${escapeMrkdwn(m.messageId)}` : ''} · \`/access migrate\` lists who is still waiting.`,
        ),
      ]);
    }
    case 'confirmed': {
      const m = done.migration;
      const next =
        done.removal !== undefined
          ? `${done.removal.request.id} asks the admins to remove your old IAM user ${iam(m.iamUserName)}; I'll show how it goes on your message.`
          : `Your old IAM user ${iam(m.iamUserName)} is not removed yet: ${done.removalProblem ?? 'it could not be asked for'} ${who(m.startedBy)} can see to it.`;
      return message('Thanks: your confirmation is recorded', [
        section(`:white_check_mark: Thanks: your confirmation is recorded. ${next}`),
      ]);
    }
    case 'help_asked':
      return message('The admin was told that you need help', [
        section(
          `:sos: ${who(done.migration.startedBy)} was told that you need help, and will be in touch. Your old IAM user stays until you press *SSO works for me*.`,
        ),
      ]);
    case 'removal_requested':
      return submittedMessage(done.removal);
  }
}

function waitingLine({ migration: m, removal }: WaitingMigration): string {
  const parts = [
    `${name(m)} (${escapeMrkdwn(m.email)}) · IAM user ${iam(m.iamUserName)}`,
    `emailed ${m.emailedAt !== null ? slackDate(m.emailedAt) : 'now'} by ${who(m.startedBy)}`,
  ];
  if (m.confirmedAt !== null && m.confirmedBy !== null) {
    parts.push(`:white_check_mark: confirmed by ${who(m.confirmedBy)} ${slackDate(m.confirmedAt)}`);
  } else {
    parts.push(`not confirmed yet (asked to by ${slackDate(m.confirmBy)})`);
  }
  if (m.helpAskedAt !== null && m.helpAskedBy !== null) {
    parts.push(`:sos: ${who(m.helpAskedBy)} asked for help ${slackDate(m.helpAskedAt)}`);
  }
  if (removal !== undefined) parts.push(`removal ${removal.id}: ${removal.status}`);
  return `• ${parts.join(' · ')}`;
}

/** `/access migrate` with no argument: the legacy IAM users still waiting, oldest first. */
export function waitingMigrationsMessage(waiting: readonly WaitingMigration[]): SlackMessage {
  if (waiting.length === 0) {
    return message('Nobody is waiting to move to single sign-on', [
      section(
        'Nobody is waiting: every migration email was answered and every confirmed IAM user removed. `/access migrate <email|@user>` sends one.',
      ),
    ]);
  }
  const confirmed = waiting.filter((w) => w.migration.confirmedAt !== null).length;
  return message(`${waiting.length} legacy IAM user(s) still waiting to move to single sign-on`, [
    section(
      `*Legacy IAM users still waiting* (${waiting.length}; ${confirmed} confirmed, ${waiting.length - confirmed} not yet)`,
    ),
    ...lineSections(waiting.map(waitingLine), 40),
    context(
      'Confirmed ones are removed once their removal is approved. `/access migrate remove <email|@user> --reason "…"` removes one who has not confirmed.',
    ),
  ]);
}
