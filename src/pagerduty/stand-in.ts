/**
 * A local stand-in for PagerDuty's on-call endpoint, on loopback: `GET /oncalls` as the REST API answers it
 * (schedule_ids[], include[]=users, since/until, limit/offset/more paging, `Authorization: Token token=…`), with
 * its errors: 400 for a time it cannot read, 401 for a wrong token, and switches for 429 and 5xx. Tests use it,
 * and the sandbox, where Omar is on call.
 *
 * A person's shift has a start and an end (none: on call from always, for good); an entry is listed when its
 * shift overlaps the range asked about (start ≤ until, and no end or end ≥ since), the range being now when
 * neither is given.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInPerson {
  email: string;
  name: string;
  /** When their shift began; absent: always. */
  start?: Date;
  /** When it ends (or ended); absent: never. */
  end?: Date;
}

export interface PagerDutyStandInOptions {
  /** The token it accepts. */
  token: string;
  /** Schedule id → who is on call in it now. Read at each call: a test may change it. */
  schedules: Record<string, StandInPerson[]>;
  /** Default 0 (a free port). */
  port?: number;
}

export interface RunningPagerDutyStandIn {
  url: string;
  /** Every request it answered: the query's schedule ids, offset, limit, since and until, and the status given. */
  calls: {
    scheduleIds: string[];
    offset: number;
    limit: number;
    since: string | null;
    until: string | null;
    status: number;
  }[];
  /** The status every call gets from now on instead of an answer (429, 500, 503…); undefined: answers again. */
  fail(status: number | undefined): void;
  close(): Promise<void>;
}

/** The sandbox's on-call: Omar, in every PagerDuty schedule the config names. */
export const SANDBOX_ON_CALL: StandInPerson = { email: 'omar.oncall@example.com', name: 'Omar Oncall' };

const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 100;

export async function startPagerDutyStandIn(
  options: PagerDutyStandInOptions,
): Promise<RunningPagerDutyStandIn> {
  const calls: RunningPagerDutyStandIn['calls'] = [];
  let failing: number | undefined;

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const scheduleIds = url.searchParams.getAll('schedule_ids[]');
    const offset = Number(url.searchParams.get('offset') ?? '0');
    const limit = Number(url.searchParams.get('limit') ?? String(DEFAULT_LIMIT));
    const since = url.searchParams.get('since');
    const until = url.searchParams.get('until');
    const answer = (status: number, body: unknown): void => {
      calls.push({ scheduleIds, offset, limit, since, until, status });
      send(res, status, body);
    };
    if (req.method !== 'GET' || url.pathname !== '/oncalls') {
      return answer(404, error('Not Found', 2100));
    }
    if (!authorised(req, options.token)) return answer(401, error('Unauthorized', 2006));
    if (failing === 429) return answer(429, error('Rate Limit Exceeded', 2020));
    if (failing !== undefined) return answer(failing, error('Internal Server Error', 2000));
    if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1) {
      return answer(400, error('Invalid Input Provided', 2001, ['Offset and limit must be whole numbers.']));
    }
    const now = Date.now();
    const from = since === null ? now : Date.parse(since);
    const to = until === null ? now : Date.parse(until);
    if (Number.isNaN(from) || Number.isNaN(to) || from > to) {
      return answer(
        400,
        error('Invalid Input Provided', 2001, ['Since and until must be times, since first.']),
      );
    }
    const size = Math.min(limit, MAX_LIMIT);
    const onShift = (p: StandInPerson): boolean =>
      (p.start === undefined || p.start.getTime() <= to) && (p.end === undefined || p.end.getTime() >= from);
    const all = scheduleIds.flatMap((id) =>
      (options.schedules[id] ?? []).flatMap((person, i) =>
        onShift(person) ? [oncall(id, person, i, url.searchParams)] : [],
      ),
    );
    const page = all.slice(offset, offset + size);
    answer(200, { oncalls: page, limit: size, offset, more: offset + size < all.length, total: null });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    fail: (status) => {
      failing = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function authorised(req: IncomingMessage, token: string): boolean {
  return req.headers.authorization === `Token token=${token}`;
}

/** One on-call entry: a user reference, or the whole user (with its email) when `include[]=users`. */
function oncall(scheduleId: string, person: StandInPerson, i: number, query: URLSearchParams): unknown {
  const userId = `PU${String(i).padStart(5, '0')}`;
  const reference = {
    id: userId,
    type: 'user_reference',
    summary: person.name,
    self: `https://api.pagerduty.com/users/${userId}`,
  };
  const user = query.getAll('include[]').includes('users')
    ? { ...reference, type: 'user', name: person.name, email: person.email }
    : reference;
  return {
    escalation_policy: { id: 'PEP0001', type: 'escalation_policy_reference', summary: 'On call' },
    escalation_level: 1,
    schedule: { id: scheduleId, type: 'schedule_reference', summary: scheduleId },
    user,
    start: person.start?.toISOString() ?? null,
    end: person.end?.toISOString() ?? null,
  };
}

function error(message: string, code: number, errors: string[] = []): unknown {
  return { error: { message, code, ...(errors.length > 0 ? { errors } : {}) } };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
