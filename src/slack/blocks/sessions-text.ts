/**
 * What a card or a message says of the sessions already open when access ends: ended (and when), being ended,
 * could not be ended (and why), or left open (and why, and for how long at most). Read from the session
 * denials of the request (src/access/sessions.ts), never guessed.
 */
import type { SessionDenialRecord } from '../../access/ledger.js';
import type { RequestView } from '../../access/notifier.js';
import { escapeMrkdwn, joinWords, truncate } from '../../domain/text.js';
import { slackDate } from './kit.js';

const where = (denials: readonly SessionDenialRecord[]): string =>
  joinWords([
    ...new Set(denials.map((d) => `${escapeMrkdwn(d.permissionSet)} on *${escapeMrkdwn(d.accountAlias)}*`)),
  ]);

const latest = (dates: readonly (Date | null)[]): Date =>
  new Date(Math.max(...dates.map((d) => d?.getTime() ?? 0)));

/** One line per outcome, in the order a reader wants them: what failed first. */
export function sessionLines(denials: readonly SessionDenialRecord[]): string[] {
  const lines: string[] = [];
  const of = (status: SessionDenialRecord['status']) => denials.filter((d) => d.status === status);
  const failed = of('failed');
  for (const why of new Set(failed.map((d) => d.failure ?? 'AWS gave no reason'))) {
    const these = failed.filter((d) => (d.failure ?? 'AWS gave no reason') === why);
    const hours = Math.max(...these.map((d) => d.sessionHours));
    lines.push(
      `:warning: Sessions already open for ${where(these)} could not be ended: ${escapeMrkdwn(truncate(why, 400))}. They stay valid for up to ${hours} h.`,
    );
  }
  const adding = of('adding');
  if (adding.length > 0)
    lines.push(`:hourglass_flowing_sand: Ending the sessions already open for ${where(adding)}…`);
  const ended = [...of('in_force'), ...of('lifted')];
  if (ended.length > 0)
    lines.push(
      `:lock: Sessions already open for ${where(ended)} were ended ${slackDate(latest(ended.map((d) => d.inForceAt)))}.`,
    );
  const skipped = of('skipped');
  for (const why of new Set(skipped.map((d) => d.failure ?? ''))) {
    const these = skipped.filter((d) => (d.failure ?? '') === why);
    lines.push(
      `:information_source: Sessions already open for ${where(these)} stay valid${why === '' ? '' : `: ${escapeMrkdwn(why)}`}.`,
    );
  }
  return lines;
}

/**
 * The note about sessions on a request's card and messages: how it went once access ended; before that, what
 * will happen when it ends.
 */
export function sessionNote(view: RequestView): string | undefined {
  const denials = view.sessionDenials ?? [];
  if (denials.length > 0) return sessionLines(denials).join('\n');
  const set = escapeMrkdwn(view.request.permissionSet);
  switch (view.sessionsEnd) {
    case 'end':
      return `:lock: When the access ends, sessions already open end with it.`;
    case 'leave_alone':
      return `:information_source: Sessions already open stay valid for up to ${view.sessionHours ?? 12} h after the access ends: ${set} is left alone (sessions.leaveAlone).`;
    default:
      if (view.sessionHours === undefined) return undefined;
      return `:information_source: Sessions already open stay valid for up to ${view.sessionHours} h after the access ends (${set}'s session duration).`;
  }
}
