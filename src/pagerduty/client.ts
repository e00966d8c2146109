/**
 * PagerDuty's REST API, for on-call auto-approval: `GET /oncalls?schedule_ids[]=…&include[]=users`, paged with
 * `limit`/`offset` until `more` is false, with `Authorization: Token token=…`. Only reads. `since` and `until`
 * are both the moment of the request (ISO 8601): the on-call entries that span it, not a range around it (left
 * out, PagerDuty answers for a range, which may hold a shift that ended or one still to come). Every failure is an
 * answer (`{ ok: false, why }`), never a throw: the request then goes to its approvers, and says why.
 *
 * PagerDuty's on-call entries carry the user as a reference (id, summary); `include[]=users` makes it the whole
 * user, with the email the person is matched by.
 */
import type { Logger } from '../log.js';
import type { OnCallLookup, PagerDutyOnCall } from '../access/on-call.js';

export interface PagerDutyClientOptions {
  /** https://api.pagerduty.com, or a stand-in's URL. */
  url: string;
  /** PAGERDUTY_TOKEN; absent: every schedule is unavailable, said so. */
  token?: string;
  logger: Logger;
  /** How long one page may take; default 5 s (someone is waiting for their answer). */
  timeoutMs?: number;
  /** The most pages read (of 100 entries each); default 10. */
  maxPages?: number;
  /** The moment asked about: the desk's clock; the system's by default. */
  now?: () => Date;
}

const PAGE = 100;

interface OnCallsPage {
  oncalls?: { user?: { email?: unknown } }[];
  more?: unknown;
}

export class PagerDutyClient implements PagerDutyOnCall {
  private readonly log: Logger;

  constructor(private readonly options: PagerDutyClientOptions) {
    this.log = options.logger.child({ module: 'pagerduty' });
  }

  async onCallEmails(scheduleId: string): Promise<OnCallLookup> {
    const token = this.options.token;
    if (token === undefined)
      return { ok: false, why: 'PAGERDUTY_TOKEN is not set, so PagerDuty cannot be asked' };
    const emails = new Set<string>();
    const maxPages = this.options.maxPages ?? 10;
    // One moment for every page: paging must not slide into the next shift.
    const at = (this.options.now?.() ?? new Date()).toISOString();
    for (let page = 0; page < maxPages; page += 1) {
      const answer = await this.page(scheduleId, page * PAGE, token, at);
      if (!answer.ok) return answer;
      for (const entry of answer.page.oncalls ?? []) {
        const email = entry.user?.email;
        if (typeof email === 'string' && email !== '') emails.add(email.toLowerCase());
      }
      if (answer.page.more !== true) return { ok: true, emails: [...emails] };
    }
    // More on call than any schedule has: read what came, and say nothing is missing from the match's side.
    this.log.warn({ scheduleId, pages: maxPages }, 'PagerDuty kept paging; stopped');
    return { ok: true, emails: [...emails] };
  }

  private async page(
    scheduleId: string,
    offset: number,
    token: string,
    at: string,
  ): Promise<{ ok: true; page: OnCallsPage } | { ok: false; why: string }> {
    const query = new URLSearchParams();
    query.append('schedule_ids[]', scheduleId);
    query.append('include[]', 'users');
    query.append('since', at);
    query.append('until', at);
    query.append('limit', String(PAGE));
    query.append('offset', String(offset));
    const url = `${this.options.url.replace(/\/+$/, '')}/oncalls?${query.toString()}`;
    let response: Response;
    try {
      response = await fetch(url, {
        headers: {
          Accept: 'application/vnd.pagerduty+json;version=2',
          Authorization: `Token token=${token}`,
        },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
    } catch (error) {
      const cause =
        error instanceof Error
          ? error.name === 'TimeoutError'
            ? 'it did not answer in time'
            : error.message
          : String(error);
      this.log.warn({ scheduleId, cause }, 'PagerDuty could not be reached');
      return { ok: false, why: `PagerDuty could not be reached (${cause})` };
    }
    if (!response.ok) {
      const why = statusWhy(response.status);
      this.log.warn({ scheduleId, status: response.status }, 'PagerDuty refused the on-call lookup');
      await response.body?.cancel();
      return { ok: false, why };
    }
    try {
      return { ok: true, page: (await response.json()) as OnCallsPage };
    } catch {
      return { ok: false, why: 'PagerDuty answered something that is not JSON' };
    }
  }
}

function statusWhy(status: number): string {
  if (status === 401) return 'PagerDuty refused the token (401): PAGERDUTY_TOKEN is wrong or revoked';
  if (status === 403) return 'PagerDuty does not let this token read on-calls (403)';
  if (status === 404) return 'PagerDuty has no such schedule (404)';
  if (status === 429) return 'PagerDuty is limiting how often it is asked (429)';
  if (status >= 500) return `PagerDuty is failing (${status})`;
  return `PagerDuty answered ${status}`;
}
