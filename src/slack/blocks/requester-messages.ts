/**
 * What the requester reads in their DM: one running message per request, updated in place as it moves, and a
 * new message for each event that needs their attention (so Slack notifies them).
 */
import type { types } from '@slack/bolt';
import type { GrantRecord } from '../../access/ledger.js';
import type { RequesterEvent, RequestView } from '../../access/notifier.js';
import { formatDuration } from '../../domain/duration.js';
import { escapeMrkdwn, joinWords, truncate } from '../../domain/text.js';
import { adminEventMessage, adminRunningMessage } from './admin-messages.js';
import { isAdminKind } from './admin-text.js';
import { cancelButton, extendGrantButton, grantButtons, type CardOptions } from './buttons.js';
import { onCallBlocks, ticketBlocks } from './follow-up-text.js';
import { groupEventMessage } from './group-access-messages.js';
import { context, lineSections, message, section, slackDate, type Block, type SlackMessage } from './kit.js';
import {
  approvalsText,
  grantLine,
  reasonText,
  sessionNote,
  statusText,
  whatPlain,
  whatText,
} from './request-text.js';

export interface SignInHelp {
  /** The AWS access portal URL. */
  startUrl: string;
  /** The `aws configure sso` session name. */
  sessionName: string;
}

const PROGRESS_BLOCKS = 15;

// Where it was first defined: the pending list imports it from here.
export { cancelButton };

/** The running message: the request as it stands now. */
export function requesterRunningMessage(view: RequestView): SlackMessage {
  const admin = adminRunningMessage(view);
  if (admin !== undefined) return admin;
  const { request } = view;
  const noun = request.kind === 'extend' ? 'extension request' : 'access request';
  const blocks: Block[] = [
    section(`*Your ${noun} ${request.id}*\n${whatText(view)}\n*Reason:*\n${reasonText(view, 1500)}`),
    ...ticketBlocks(request),
    ...onCallBlocks(request),
    context(approvalsText(view)),
    section(statusText(view), 'status'),
  ];
  if (view.grants.length > 0 && request.status !== 'pending') {
    blocks.push(...lineSections(view.grants.map(grantLine), PROGRESS_BLOCKS));
  }
  if (request.status === 'pending' || request.status === 'scheduled') blocks.push(cancelButton(request.id));
  return message(`Your ${noun} ${request.id}: ${escapeMrkdwn(whatPlain(view))} (${request.status})`, blocks);
}

function signInLines(help: SignInHelp): string {
  return [
    `Sign in at ${help.startUrl.startsWith('https://') ? `<${help.startUrl}|the AWS access portal>` : escapeMrkdwn(help.startUrl)}, or from a terminal:`,
    `\`aws sso login --sso-session ${escapeMrkdwn(help.sessionName)}\` (or \`aws sso login --profile <your profile>\`)`,
  ].join('\n');
}

const accountsOf = (grants: readonly GrantRecord[]): string =>
  joinWords(grants.map((g) => `*${escapeMrkdwn(g.accountAlias)}*`));

function endOf(grants: readonly GrantRecord[]): string {
  if (grants.some((g) => g.endsAt === null)) return 'with no end date';
  const end = Math.max(...grants.map((g) => g.endsAt?.getTime() ?? 0));
  return `until ${slackDate(new Date(end))}`;
}

function extendButton(view: RequestView, grant: GrantRecord): types.ActionsBlock {
  return extendGrantButton(view.request.id, grant.id);
}

/** Release now, for each grant just made (the holder ends it when done; a few accounts at most are shown). */
function releaseButtons(grants: readonly GrantRecord[]): Block[] {
  return grants.slice(0, 5).map((g) =>
    grantButtons(g, {
      extend: false,
      releaseLabel: grants.length === 1 ? 'Release now' : `Release ${truncate(g.accountAlias, 30)} now`,
    }),
  );
}

function withNote(view: RequestView, blocks: Block[]): Block[] {
  const note = sessionNote(view);
  return note === undefined ? blocks : [...blocks, context(note)];
}

/**
 * A new message for an event that needs the requester's attention; undefined for events the running message
 * covers on its own (submitted, approved, cancelled).
 */
export function requesterEventMessage(
  view: RequestView,
  event: RequesterEvent,
  grant: GrantRecord | undefined,
  help: SignInHelp,
  options: CardOptions = {},
): SlackMessage | undefined {
  const { request } = view;
  // Admin work tells its admin about steps, not grants.
  if (isAdminKind(request.kind)) return adminEventMessage(view, event, options);
  // A group membership (or its extension) is told in its own words.
  const group = groupEventMessage(view, event, grant);
  if (group !== undefined) return group;
  const ps = `*${escapeMrkdwn(request.permissionSet)}*`;
  const active = view.grants.filter((g) => g.status === 'active');
  const failed = view.grants.filter((g) => g.status === 'failed');
  const failures = failed.map(grantLine);
  switch (event) {
    case 'granted':
      return message(
        `You now have ${request.permissionSet} (${request.id})`,
        withNote(view, [
          section(`:white_check_mark: You now have ${ps} on ${accountsOf(active)} ${endOf(active)}.`),
          section(signInLines(help)),
          ...releaseButtons(active),
        ]),
      );
    case 'partially_granted':
      return message(
        `Part of ${request.id} was granted; ${failed.length} account(s) failed`,
        withNote(view, [
          section(
            `:warning: You now have ${ps} on ${accountsOf(active)} ${endOf(active)}, but AWS did not grant ${failed.length === 1 ? 'one account' : `${failed.length} accounts`}:`,
          ),
          ...lineSections(failures, 10),
          section(signInLines(help)),
          context('An admin can retry the failed accounts; no need to ask again.'),
        ]),
      );
    case 'failed':
      return message(`${request.id} could not be granted`, [
        section(`:x: AWS did not grant ${whatText(view)} (${request.id}):`),
        ...lineSections(failures.length > 0 ? failures : ['AWS gave no reason.'], 10),
        context('An admin can retry; no need to ask again.'),
      ]);
    case 'denied':
      return message(`${request.id} was denied`, [
        section(statusText(view)),
        context(`${request.id}: ${whatText(view)}`),
      ]);
    case 'lapsed':
      return message(`${request.id} lapsed without a decision`, [
        section(`${statusText(view)}. ${request.id} asked for ${whatText(view)}.`),
        context('Ask again with `/access request` if you still need it.'),
      ]);
    case 'reminder': {
      const target = grant ?? active[0];
      if (target === undefined) return undefined;
      return message(`Your ${target.permissionSet} access on ${target.accountAlias} ends soon`, [
        section(
          `:alarm_clock: Your *${escapeMrkdwn(target.permissionSet)}* access on *${escapeMrkdwn(target.accountAlias)}* ends ${target.endsAt === null ? 'soon' : slackDate(target.endsAt)}. Need more time?`,
        ),
        extendButton(view, target),
      ]);
    }
    case 'ended': {
      const ended = grant !== undefined ? [grant] : view.grants.filter((g) => g.status === 'ended');
      // This grant's sessions, not those of the request's other accounts (which may end another time).
      const own =
        grant !== undefined && view.sessionDenials !== undefined
          ? { ...view, sessionDenials: view.sessionDenials.filter((d) => d.grantId === grant.id) }
          : view;
      return message(
        `Your ${request.permissionSet} access ended`,
        withNote(own, [
          section(`:black_square_for_stop: Your ${ps} access on ${accountsOf(ended)} has ended.`),
        ]),
      );
    }
    case 'extended': {
      // Says until when; the running message above only changes in place (Slack does not notify an edit).
      const moved = active.length > 0 ? active : view.grants;
      const by = request.durationMs === null ? '' : ` by ${formatDuration(request.durationMs)}`;
      return message(`Your ${request.permissionSet} access was extended${by} (${request.id})`, [
        section(
          moved.length > 0
            ? `:white_check_mark: Your ${ps} access on ${accountsOf(moved)} was extended${by}: it now lasts ${endOf(moved)}.`
            : `:white_check_mark: Your ${ps} access was extended${by}.`,
        ),
      ]);
    }
    case 'submitted':
    case 'approved':
    case 'cancelled':
      return undefined;
  }
}

/** The ephemeral answer to a submitted request. */
export function submittedMessage(view: RequestView): SlackMessage {
  const { request } = view;
  const where =
    request.status === 'pending' ? ` Sent to <#${escapeMrkdwn(request.channel)}> for approval.` : '';
  return message(`${request.id}: ${escapeMrkdwn(whatPlain(view))}`, [
    section(`*${request.id}*: ${whatText(view)}.${where}\n${statusText(view)}`),
    ...onCallBlocks(request),
    context(`${approvalsText(view)} · I'll keep you posted by direct message.`),
  ]);
}

export function revokedMessage(ended: readonly GrantRecord[]): SlackMessage {
  if (ended.length === 0) return message('Nothing to end', [section('There was nothing to end.')]);
  const lines = ended.map((g) => `*${escapeMrkdwn(g.permissionSet)}* on *${escapeMrkdwn(g.accountAlias)}*`);
  return message(`Ended ${ended.length} grant(s)`, [
    section(truncate(`:black_square_for_stop: Ending now: ${joinWords(lines)}.`, 2900)),
    context('Sessions already open stay valid until their session duration runs out.'),
  ]);
}
