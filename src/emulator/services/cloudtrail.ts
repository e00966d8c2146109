/**
 * CloudTrail (JSON 1.1, `com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.<Op>`, signed as `cloudtrail`):
 * LookupEvents over the event history in src/emulator/trail.ts, as AWS documents it:
 *
 * - events newest first, from the last 90 days only, recorded in the region asked (Identity Center's sign-ins are
 *   in Identity Center's region; another region has none of them);
 * - at most one lookup attribute, matched exactly; StartTime after EndTime is InvalidTimeRangeException;
 * - MaxResults 1 to 50 (50 when absent); a NextToken only for the request that gave it;
 * - CloudTrail names its own errors where other services say ValidationException (InvalidMaxResultsException,
 *   InvalidLookupAttributesException, …): refuseInvalid turns the model's findings into them;
 * - 2 requests per second per account and region, then ThrottlingException (src/emulator/rate-limit.ts).
 */
import { createHash } from 'node:crypto';
import { AwsServiceError, validationMessage, type ValidationProblem } from '../errors.js';
import type { EmulatorState } from '../state.js';
import type { TrailEvent } from '../trail.js';
import { historyStart } from '../trail.js';
import type { OperationContext, ServiceHandlers } from './types.js';

const DEFAULT_MAX_RESULTS = 50;
/** LookupAttribute.AttributeValue: 1 to 2,000 characters in AWS's current contract. */
const MAX_ATTRIBUTE_VALUE = 2000;

interface LookupAttribute {
  AttributeKey: string;
  AttributeValue: string;
}

interface LookupInput {
  LookupAttributes?: LookupAttribute[];
  StartTime?: unknown;
  EndTime?: unknown;
  EventCategory?: string;
  MaxResults?: number;
  NextToken?: string;
}

const invalid = (code: string, message: string): AwsServiceError => new AwsServiceError(code, message);

/** The CloudTrail exception for each request member the model finds at fault. */
const EXCEPTION_BY_MEMBER: [RegExp, string][] = [
  [/^lookupAttributes/, 'InvalidLookupAttributesException'],
  [/^maxResults/, 'InvalidMaxResultsException'],
  [/^eventCategory/, 'InvalidEventCategoryException'],
  [/^(?:startTime|endTime)/, 'InvalidTimeRangeException'],
  [/^nextToken/, 'InvalidNextTokenException'],
];

/**
 * A request the model refuses, as CloudTrail names the refusal: by the first member at fault (a body that is not
 * the request's structure at all stays ValidationException).
 */
export function refuseInvalidCloudTrail(problems: ValidationProblem[]): AwsServiceError {
  const first = problems[0]?.path ?? '';
  const code = EXCEPTION_BY_MEMBER.find(([pattern]) => pattern.test(first))?.[1] ?? 'ValidationException';
  return invalid(code, validationMessage(problems));
}

/** JSON 1.1 sends timestamps as epoch seconds; an ISO string is taken too (the model admits both). */
function timeOf(value: unknown, member: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms =
    typeof value === 'number' ? value * 1000 : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw invalid('InvalidTimeRangeException', `${member} is not a valid time.`);
  }
  return ms;
}

function checkAttribute(input: LookupInput): LookupAttribute | undefined {
  const attributes = input.LookupAttributes ?? [];
  if (attributes.length > 1) {
    throw invalid(
      'InvalidLookupAttributesException',
      `LookupAttributes may contain only one lookup attribute; this request has ${attributes.length}.`,
    );
  }
  const [attribute] = attributes;
  if (attribute === undefined) return undefined;
  const length = [...attribute.AttributeValue].length;
  if (length < 1 || length > MAX_ATTRIBUTE_VALUE) {
    throw invalid(
      'InvalidLookupAttributesException',
      `The value of lookup attribute ${attribute.AttributeKey} must be 1 to ${MAX_ATTRIBUTE_VALUE} characters long.`,
    );
  }
  return attribute;
}

function matches(event: TrailEvent, attribute: LookupAttribute | undefined): boolean {
  if (attribute === undefined) return true;
  const value = attribute.AttributeValue;
  switch (attribute.AttributeKey) {
    case 'EventId':
      return event.EventId === value;
    case 'EventName':
      return event.EventName === value;
    case 'EventSource':
      return event.EventSource === value;
    case 'ReadOnly':
      return event.ReadOnly === value;
    case 'Username':
      return event.Username === value;
    case 'AccessKeyId':
      return event.AccessKeyId === value;
    case 'ResourceType':
      return event.Resources.some((r) => r.ResourceType === value);
    case 'ResourceName':
      return event.Resources.some((r) => r.ResourceName === value);
    default:
      return false;
  }
}

// ---------- paging ----------

/** What a NextToken is bound to: the same filter, times, category and region (not MaxResults). */
function queryDigest(input: LookupInput, region: string, start: number | undefined, end: number | undefined) {
  const attribute = input.LookupAttributes?.[0];
  return createHash('sha256')
    .update(
      JSON.stringify([
        attribute?.AttributeKey,
        attribute?.AttributeValue,
        start,
        end,
        input.EventCategory,
        region,
      ]),
    )
    .digest('base64url')
    .slice(0, 16);
}

interface Cursor {
  /** The query digest. */
  q: string;
  /** The last event answered: its time (ms) and id. */
  t: number;
  i: string;
}

const encodeCursor = (cursor: Cursor): string => Buffer.from(JSON.stringify(cursor)).toString('base64');

function decodeCursor(token: string, digest: string): Cursor {
  try {
    const cursor = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as Partial<Cursor>;
    if (cursor.q === digest && typeof cursor.t === 'number' && typeof cursor.i === 'string') {
      return cursor as Cursor;
    }
  } catch {
    // refused below
  }
  throw invalid(
    'InvalidNextTokenException',
    'The NextToken is not valid, or was issued for a request with different parameters.',
  );
}

/** Newest first; events of the same moment in the reverse of the order they were recorded. */
function newestFirst(events: readonly TrailEvent[]): TrailEvent[] {
  return events
    .map((event, index) => ({ event, index }))
    .sort((a, b) => b.event.EventTime.getTime() - a.event.EventTime.getTime() || b.index - a.index)
    .map(({ event }) => event);
}

/**
 * A query's events, newest first, kept while the history is unchanged: a page of a 20,000-person organisation's
 * sign-ins is then a slice, not a scan and a sort of every event. The history only grows (or is emptied by a
 * reset), so its length and its first and last events tell whether it changed.
 */
interface Matching {
  length: number;
  first: TrailEvent | undefined;
  last: TrailEvent | undefined;
  events: TrailEvent[];
  indexById: Map<string, number>;
}

const MATCHES_KEPT = 8;
const matchesByState = new WeakMap<EmulatorState, Map<string, Matching>>();
/** The whole history newest first, kept the same way: a new query filters it rather than sorting again. */
const sortedByState = new WeakMap<EmulatorState, Omit<Matching, 'indexById'>>();

function unchanged(kept: Omit<Matching, 'indexById'> | undefined, history: readonly TrailEvent[]): boolean {
  return (
    kept !== undefined &&
    kept.length === history.length &&
    kept.first === history[0] &&
    kept.last === history[history.length - 1]
  );
}

function newestFirstHistory(state: EmulatorState): TrailEvent[] {
  const history = state.trailEvents;
  const kept = sortedByState.get(state);
  if (kept !== undefined && unchanged(kept, history)) return kept.events;
  const events = newestFirst(history);
  sortedByState.set(state, {
    length: history.length,
    first: history[0],
    last: history[history.length - 1],
    events,
  });
  return events;
}

/** Sorts the history once, before the first lookup (the emulator calls it once a seed is in). */
export function prepareTrail(state: EmulatorState): void {
  newestFirstHistory(state);
}

function lookupMatches(state: EmulatorState, digest: string, keep: (e: TrailEvent) => boolean): Matching {
  const history = state.trailEvents;
  let byDigest = matchesByState.get(state);
  if (byDigest === undefined) {
    byDigest = new Map();
    matchesByState.set(state, byDigest);
  }
  const kept = byDigest.get(digest);
  if (kept !== undefined && unchanged(kept, history)) return kept;
  const events = newestFirstHistory(state).filter(keep);
  const matching: Matching = {
    length: history.length,
    first: history[0],
    last: history[history.length - 1],
    events,
    indexById: new Map(events.map((e, i) => [e.EventId, i])),
  };
  byDigest.delete(digest);
  byDigest.set(digest, matching);
  // The oldest queries go first.
  for (const key of byDigest.keys()) {
    if (byDigest.size <= MATCHES_KEPT) break;
    byDigest.delete(key);
  }
  return matching;
}

/** The index of the first event (newest first) before `time`: binary search. */
function olderThan(events: readonly TrailEvent[], time: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((events[mid] as TrailEvent).EventTime.getTime() >= time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Where the page after the cursor starts: after its event, or (that event gone) after its time. */
function startAfter(
  events: readonly TrailEvent[],
  cursor: Cursor | undefined,
  indexById: ReadonlyMap<string, number>,
): number {
  if (cursor === undefined) return 0;
  const at = indexById.get(cursor.i);
  if (at !== undefined && at < events.length) return at + 1;
  // Newest first: the first event before the cursor's time.
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((events[mid] as TrailEvent).EventTime.getTime() >= cursor.t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const eventOutput = (e: TrailEvent) => ({
  EventId: e.EventId,
  EventName: e.EventName,
  ReadOnly: e.ReadOnly,
  ...(e.AccessKeyId !== undefined && { AccessKeyId: e.AccessKeyId }),
  EventTime: e.EventTime,
  EventSource: e.EventSource,
  ...(e.Username !== undefined && { Username: e.Username }),
  Resources: e.Resources.map((r) => ({ ...r })),
  CloudTrailEvent: e.CloudTrailEvent,
});

function lookupEvents(raw: Record<string, unknown>, ctx: OperationContext) {
  const input = raw as LookupInput;
  const attribute = checkAttribute(input);
  const start = timeOf(input.StartTime, 'StartTime');
  const end = timeOf(input.EndTime, 'EndTime');
  if (start !== undefined && end !== undefined && start > end) {
    throw invalid('InvalidTimeRangeException', 'The start time must be before the end time.');
  }
  const digest = queryDigest(input, ctx.region, start, end);
  const cursor =
    typeof input.NextToken === 'string' && input.NextToken !== ''
      ? decodeCursor(input.NextToken, digest)
      : undefined;
  // No Insights events are recorded here: a lookup of that category finds none.
  if (input.EventCategory === 'insight') return { Events: [] };
  const oldest = Math.max(historyStart(ctx.state.clock.now()), start ?? -Infinity);
  const newest = end ?? Infinity;
  const matching = lookupMatches(ctx.state, digest, (e) => {
    const t = e.EventTime.getTime();
    return e.region === ctx.region && t >= (start ?? -Infinity) && t <= newest && matches(e, attribute);
  });
  // Newest first: what has left CloudTrail's history since the list was made is its tail.
  const found = matching.events.slice(0, olderThan(matching.events, oldest));
  const from = startAfter(found, cursor, matching.indexById);
  const limit = input.MaxResults ?? DEFAULT_MAX_RESULTS;
  const page = found.slice(from, from + limit);
  const last = page[page.length - 1];
  const more = from + limit < found.length && last !== undefined;
  return {
    Events: page.map(eventOutput),
    NextToken: more ? encodeCursor({ q: digest, t: last.EventTime.getTime(), i: last.EventId }) : undefined,
  };
}

export const cloudTrailHandlers: ServiceHandlers = {
  LookupEvents: lookupEvents,
};
