/**
 * On-call auto-approval (a rule's `autoApprove: { onCall: <schedule> }`): whether the person asking is on call
 * now in the schedules the rules name, read at the moment they ask, and what the request keeps of the answer.
 *
 * A schedule is a PagerDuty schedule (the person matched by their Identity Center email) or a Slack user group
 * an on-call tool keeps current (matched by Slack id). When a schedule cannot be read (PagerDuty down, a refused
 * token, no token, Slack failing), the person counts as not on call there: the request goes to its approvers as
 * any other, and says why it was not approved on call. Never approved by an error.
 */
import type { AccessDeskConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import type { IdentityResolver } from './identity.js';
import type { SlackPeople } from './people.js';

/** PagerDuty's answer about one schedule: the emails of the people on call in it now, or why it has none. */
export type OnCallLookup = { ok: true; emails: string[] } | { ok: false; why: string };

/** The PagerDuty port: `GET /oncalls` for one schedule (src/pagerduty/client.ts; a stand-in in tests). */
export interface PagerDutyOnCall {
  onCallEmails(scheduleId: string): Promise<OnCallLookup>;
}

/** What a request keeps of the on-call check (its details' `onCall`), for its card, its messages and the audit. */
export interface OnCallRecord {
  /** The schedules the rules asked about. */
  schedules: string[];
  /** Those the requester was on call in. */
  onCall: string[];
  /** Those that could not be read, each with why (plain text). */
  unavailable?: { schedule: string; why: string }[];
}

export interface OnCallCheckDeps {
  config: Pick<AccessDeskConfig, 'onCall'>;
  people: SlackPeople;
  identities: Pick<IdentityResolver, 'resolve'>;
  /** Absent: PagerDuty schedules cannot be read (as without a token). */
  pagerduty?: PagerDutyOnCall;
  logger: Logger;
}

export class OnCallCheck {
  private readonly log: Logger;

  constructor(private readonly deps: OnCallCheckDeps) {
    this.log = deps.logger.child({ module: 'on-call' });
  }

  /** Which of `schedules` (names under onCall.schedules) the person is on call in now, and the record of it. */
  async check(
    requesterSlackId: string,
    schedules: readonly string[],
  ): Promise<{ onCallIn: Set<string>; record: OnCallRecord }> {
    const onCall: string[] = [];
    const unavailable: { schedule: string; why: string }[] = [];
    let emails: Promise<string[]> | undefined;
    for (const name of schedules) {
      const schedule = this.deps.config.onCall?.schedules[name];
      if (schedule === undefined) {
        unavailable.push({ schedule: name, why: 'no such schedule is configured' });
        continue;
      }
      const answer =
        'pagerduty' in schedule
          ? await this.inPagerDuty(schedule.pagerduty, (emails ??= this.emailsOf(requesterSlackId)))
          : await this.inUsergroup(schedule.usergroup, requesterSlackId);
      if (answer === true) onCall.push(name);
      else if (answer !== false) unavailable.push({ schedule: name, why: answer.why });
    }
    if (unavailable.length > 0) {
      this.log.warn({ requesterSlackId, unavailable }, 'on-call could not be checked: the approvers decide');
    }
    return {
      onCallIn: new Set(onCall),
      record: {
        schedules: [...schedules],
        onCall,
        ...(unavailable.length > 0 ? { unavailable } : {}),
      },
    };
  }

  private async inPagerDuty(
    scheduleId: string,
    emails: Promise<string[]>,
  ): Promise<boolean | { why: string }> {
    if (this.deps.pagerduty === undefined) return { why: 'PagerDuty is not set up (no PAGERDUTY_TOKEN)' };
    const answer = await this.deps.pagerduty.onCallEmails(scheduleId);
    if (!answer.ok) return { why: answer.why };
    const mine = await emails;
    return answer.emails.some((e) => mine.includes(e.toLowerCase()));
  }

  private async inUsergroup(usergroup: string, slackId: string): Promise<boolean | { why: string }> {
    try {
      return (await this.deps.people.usergroupMembers(usergroup)).includes(slackId);
    } catch (error) {
      this.log.warn({ err: error, usergroup }, 'the on-call user group could not be read');
      return { why: `Slack did not list the members of the on-call user group ${usergroup}` };
    }
  }

  /**
   * The person's email as Identity Center has it, lower-cased: the identity they are matched to everywhere else
   * (a Slack profile's email is matched only through it, in the trusted domains).
   */
  private async emailsOf(slackId: string): Promise<string[]> {
    const identity = await this.deps.identities.resolve(slackId);
    return identity.ok ? [identity.value.email.toLowerCase()] : [];
  }
}

/** The on-call record a request's details hold, read defensively. */
export function onCallOf(details: Readonly<Record<string, unknown>>): OnCallRecord | undefined {
  const r = details.onCall as OnCallRecord | undefined;
  if (typeof r !== 'object' || r === null || !Array.isArray(r.schedules) || !Array.isArray(r.onCall)) {
    return undefined;
  }
  return r;
}

/** The on-call check as request details and audit events keep it (nothing when none was made). */
export function onCallDetails(record: OnCallRecord | undefined): { onCall?: OnCallRecord } {
  return record !== undefined ? { onCall: record } : {};
}
