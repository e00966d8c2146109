/**
 * Short ephemeral answers: a refusal from the service (its message is already safe mrkdwn), a parse error,
 * and the "something went wrong" with a reference id for a failure nobody expected.
 */
import type { RequestView } from '../../access/notifier.js';
import { escapeMrkdwn } from '../../domain/text.js';
import { context, message, people, section, type SlackMessage } from './kit.js';
import { statusText } from './request-text.js';

/** A refusal or a parse error: the message says what was wrong and what would work. */
export function refusalMessage(text: string): SlackMessage {
  return message(text, [section(`:warning: ${text}`)]);
}

export function problemMessage(reference: string): SlackMessage {
  const text = `Something went wrong on our side (reference ${reference}). Try again in a minute; if it keeps failing, give an admin that reference.`;
  return message(text, [section(`:boom: ${text}`)]);
}

export function noticeMessage(text: string): SlackMessage {
  return message(text, [section(text)]);
}

export function infoMessage(text: string, note: string): SlackMessage {
  return message(text, [section(text), context(note)]);
}

/**
 * Why this person cannot decide on this request, read from a fresh view, before a deny modal is opened for
 * nothing; undefined when they may. The service still checks again when they submit.
 */
export function cannotDecide(
  view: RequestView | undefined,
  requestId: string,
  userId: string,
): string | undefined {
  const id = escapeMrkdwn(requestId);
  if (view === undefined) return `I can't find request ${id}.`;
  const { request } = view;
  if (request.status !== 'pending') return `${id} is already decided. ${statusText(view)}`;
  if (request.requesterSlackId === userId) return `You can't decide on your own request ${id}.`;
  if (!request.approvers.includes(userId)) {
    return `You are not among the approvers of ${id}: ${people(request.approvers)} can decide.`;
  }
  if (view.approvals.some((a) => a.approverSlackId === userId)) return `You have already decided on ${id}.`;
  return undefined;
}
