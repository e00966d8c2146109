/**
 * The approval card of admin work (onboarding, offboarding, role change): who asked, about whom, why, who may
 * approve, and every step with its status. Approve and Deny while pending, as for access requests; Retry once
 * failed. Drawn from the RequestView alone, like the access card.
 */
import type { RequestView } from '../../access/notifier.js';
import { escapeMrkdwn, truncate } from '../../domain/text.js';
import {
  adminTitle,
  firstPasswordStep,
  isAdminKind,
  openSessionsWarning,
  readAdminDetails,
  stepLines,
  subjectText,
  type AdminDetails,
  type AdminKind,
} from './admin-text.js';
import { decisionButtons, retryButton, type CardOptions } from './buttons.js';
import {
  context,
  fields,
  header,
  lineSections,
  message,
  section,
  who,
  type Block,
  type SlackMessage,
} from './kit.js';
import { accountList, approvalsText, reasonText, statusText } from './request-text.js';
import { ticketBlocks } from './follow-up-text.js';
import { legacyRemovalFacts } from './legacy-removal-facts.js';
import { groupFacts, hasPerson } from './group-facts.js';
import { sessionLines } from './sessions-text.js';
import { bulkOnboardCard } from './bulk-onboard.js';
import { changesBlocks } from './user-update-text.js';

/** Blocks the step list may use: with the rest of the card, well inside Slack's 50. */
const STEP_BLOCKS = 20;

/**
 * What the admin must know once the work is done: the first password (onboarding, unless the instance emails
 * one-time passwords) and the sessions that outlive an offboarding. For onboarding, the service's own notes
 * win when it wrote them: it read the config when the work finished.
 */
export function completionNotes(
  view: RequestView,
  kind: AdminKind,
  details: AdminDetails,
  options: CardOptions,
): string[] {
  if (view.request.status !== 'completed') return [];
  if (kind === 'offboard' || kind === 'role_change' || kind === 'group_change') {
    // How ending the open sessions went; with it off (or a ledger from before), the warning that they outlive
    // the removal.
    if (view.sessionDenials !== undefined && view.sessionDenials.length > 0)
      return sessionLines(view.sessionDenials);
    if (kind === 'offboard' && (view.sessionsEnd === undefined || view.sessionsEnd === 'off'))
      return [openSessionsWarning(details)];
    return [];
  }
  if (kind !== 'onboard' && kind !== 'bulk_onboard') return [];
  if (details.notes !== undefined)
    return details.notes.map((n) => `:key: ${escapeMrkdwn(truncate(n, 1500))}`);
  return options.oneTimePasswords === true ? [] : [firstPasswordStep(details.subject)];
}

/** The card for admin work; undefined for any other request (the access card draws those). */
export function adminApprovalCard(view: RequestView, options: CardOptions = {}): SlackMessage | undefined {
  const { request } = view;
  const { kind } = request;
  if (!isAdminKind(kind)) return undefined;
  if (kind === 'bulk_onboard') return bulkOnboardCard(view, options);
  const details = readAdminDetails(request);
  const title = adminTitle(request, kind);
  const facts = [`*Admin*\n${who(request.requesterSlackId)}`];
  if (hasPerson(request)) facts.push(`*Person*\n${subjectText(details.subject)}`);
  facts.push(...groupFacts(request));
  if (request.permissionSet.trim() !== '') facts.push(`*Role*\n*${escapeMrkdwn(request.permissionSet)}*`);
  if (request.accounts.length > 0) facts.push(`*Accounts*\n${accountList(view)}`);
  facts.push(...legacyRemovalFacts(request));

  const blocks: Block[] = [
    header(`${title} (${request.id})`),
    fields(facts),
    ...changesBlocks(request),
    section(`*Reason*\n${reasonText(view)}`),
    ...ticketBlocks(request),
    context(approvalsText(view)),
    section(statusText(view), 'status'),
  ];
  if (details.steps.length > 0) blocks.push(...lineSections(stepLines(details.steps), STEP_BLOCKS));
  for (const note of completionNotes(view, kind, details, options)) blocks.push(context(note));
  if (request.status === 'pending') blocks.push(decisionButtons(view, options));
  if (request.status === 'failed') blocks.push(retryButton(request.id));

  const text = `${escapeMrkdwn(title)} (${request.id}) from ${who(request.requesterSlackId)}: status ${request.status}.`;
  return message(text, blocks);
}
