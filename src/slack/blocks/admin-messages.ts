/**
 * What the admin who started admin work reads in their DM: the running message (every step as it stands) and
 * a new message when the work is done, fails, is denied or lapses.
 */
import type { RequesterEvent, RequestView } from '../../access/notifier.js';
import { escapeMrkdwn } from '../../domain/text.js';
import { completionNotes } from './admin-card.js';
import { adminNoun, isAdminKind, readAdminDetails, stepLine, stepLines } from './admin-text.js';
import { cancelButton, retryButton, type CardOptions } from './buttons.js';
import { context, lineSections, message, section, type Block, type SlackMessage } from './kit.js';
import { approvalsText, reasonText, statusText, whatPlain, whatText } from './request-text.js';

const STEP_BLOCKS = 15;

/** Events that mean "the work is finished": the core loop says `granted`; a dedicated event may follow. */
const DONE_EVENTS: ReadonlySet<string> = new Set(['granted', 'partially_granted', 'completed']);

/** The running message about admin work; undefined for any other request. */
export function adminRunningMessage(view: RequestView): SlackMessage | undefined {
  const { request } = view;
  if (!isAdminKind(request.kind)) return undefined;
  const { steps } = readAdminDetails(request);
  const noun = adminNoun(request.kind);
  const blocks: Block[] = [
    section(`*Your ${noun} ${request.id}*\n${whatText(view)}\n*Reason:*\n${reasonText(view, 1500)}`),
    context(approvalsText(view)),
    section(statusText(view), 'status'),
  ];
  if (steps.length > 0 && request.status !== 'pending') {
    blocks.push(...lineSections(stepLines(steps), STEP_BLOCKS));
  }
  if (request.status === 'pending') blocks.push(cancelButton(request.id));
  if (request.status === 'failed') blocks.push(retryButton(request.id));
  return message(`Your ${noun} ${request.id}: ${escapeMrkdwn(whatPlain(view))} (${request.status})`, blocks);
}

/** A new message for an event about admin work that needs the admin's attention; undefined otherwise. */
export function adminEventMessage(
  view: RequestView,
  event: RequesterEvent,
  options: CardOptions = {},
): SlackMessage | undefined {
  const { request } = view;
  const { kind } = request;
  if (!isAdminKind(kind)) return undefined;
  const details = readAdminDetails(request);
  const what = whatText(view);
  if (DONE_EVENTS.has(event)) {
    const notes = completionNotes(view, kind, details, options);
    return message(`${request.id}: ${escapeMrkdwn(whatPlain(view))} is done`, [
      section(`:white_check_mark: Done: ${what} (${request.id}).`),
      ...notes.map((n) => section(n)),
    ]);
  }
  switch (event) {
    case 'failed': {
      const failed = details.steps.filter((s) => s.status === 'failed').map(stepLine);
      return message(`${request.id}: ${escapeMrkdwn(whatPlain(view))} stopped at a failed step`, [
        section(`:x: The ${what} (${request.id}) stopped:`),
        ...lineSections(failed.length > 0 ? failed : ['AWS gave no reason.'], 5),
        context('Retry continues from the step that failed; nothing already done is done again.'),
        retryButton(request.id),
      ]);
    }
    case 'denied':
      return message(`${request.id} was denied`, [
        section(statusText(view)),
        context(`${request.id}: ${what}`),
      ]);
    case 'lapsed':
      return message(`${request.id} lapsed without a decision`, [
        section(`${statusText(view)}. ${request.id} was the ${what}.`),
      ]);
    default:
      return undefined;
  }
}
