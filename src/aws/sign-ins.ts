/**
 * Identity Center sign-ins from CloudTrail's event history. LookupEvents takes one lookup attribute; the
 * narrowest that finds every successful Identity Center sign-in, whatever the identity source, is the event
 * name `UserAuthentication` (logged once all of a user's challenges are passed; a failed sign-in logs none).
 * Pages come newest first, 50 events each, within the 90 days CloudTrail keeps, paced at CloudTrail's 2
 * requests/s (the adapter's limiter), and are reduced as they come to each user's latest sign-in.
 *
 * Events name the user in one of two ways: since July 2025 by id (`userIdentity.onBehalfOf.userId`, with the
 * identity store's ARN beside it), before that by user name (`additionalEventData.UserName` or
 * `userIdentity.userName`). Both are kept; the audit matches a user by either.
 */
import { LookupEventsCommand, type CloudTrailClient, type Event } from '@aws-sdk/client-cloudtrail';
import type { AwsOutcome, SignInHistory } from '../access/ports.js';
import type { LastSignIns } from '../domain/identity.js';
import { send, type CallContext } from './call.js';
import { failure } from './errors.js';
import type { InstanceResolver } from './instance.js';

/** How far back CloudTrail's event history reaches. */
export const CLOUDTRAIL_HISTORY_DAYS = 90;
const DAY_MS = 86_400_000;
/** LookupEvents's largest page. */
const PAGE_SIZE = 50;
/** The one lookup attribute: the event of a completed sign-in. */
export const SIGN_IN_EVENT_NAME = 'UserAuthentication';
/** Where Identity Center's sign-in events come from (the sign-in service; older events name sso). */
const SIGN_IN_SOURCES = new Set(['signin.amazonaws.com', 'sso.amazonaws.com']);
/** What CloudTrail writes in place of a user name mistyped at a failed sign-in. */
const HIDDEN_NAME = 'HIDDEN_DUE_TO_SECURITY_REASONS';

/** One successful sign-in as the event tells it. */
export interface SignIn {
  at: Date;
  userId?: string;
  userName?: string;
  /** `d-…`, from the event's identity store ARN, when it names one. */
  identityStoreId?: string;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;

function parseRecord(text: string | undefined): Json {
  if (text === undefined) return {};
  try {
    return obj(JSON.parse(text)) ?? {};
  } catch {
    return {};
  }
}

/**
 * The sign-in an event records, or undefined when it is not a successful Identity Center sign-in or names
 * nobody. Pure: what AWS's event says, read defensively (any field may be missing).
 */
export function signInOf(event: Event): SignIn | undefined {
  const record = parseRecord(event.CloudTrailEvent);
  const name = event.EventName ?? str(record.eventName);
  if (name !== SIGN_IN_EVENT_NAME) return undefined;
  const source = event.EventSource ?? str(record.eventSource);
  if (source !== undefined && !SIGN_IN_SOURCES.has(source)) return undefined;
  if (str(record.errorCode) !== undefined) return undefined;
  const outcome = str(obj(record.serviceEventDetails)?.UserAuthentication);
  if (outcome !== undefined && outcome.toLowerCase() !== 'success') return undefined;

  const at = event.EventTime ?? dateOf(str(record.eventTime));
  if (at === undefined) return undefined;
  const identity = obj(record.userIdentity);
  const onBehalfOf = obj(identity?.onBehalfOf);
  const userId = str(onBehalfOf?.userId);
  const storeArn = str(onBehalfOf?.identityStoreArn);
  const identityStoreId =
    storeArn === undefined ? undefined : /identitystore\/(d-[0-9a-z]+)/i.exec(storeArn)?.[1];
  const named = [
    str(obj(record.additionalEventData)?.UserName),
    str(identity?.userName),
    str(event.Username),
  ].find((n) => n !== undefined && n !== HIDDEN_NAME);
  if (userId === undefined && named === undefined) return undefined;
  return {
    at,
    ...(userId !== undefined ? { userId } : {}),
    ...(named !== undefined ? { userName: named } : {}),
    ...(identityStoreId !== undefined ? { identityStoreId } : {}),
  };
}

function dateOf(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

/**
 * Folds sign-ins into each user's latest: by id, and by lower-cased user name. Sign-ins of another identity store
 * (another instance recording to the same account's trail) are left out.
 */
export class LatestSignIns {
  readonly byUserId = new Map<string, Date>();
  readonly byUserName = new Map<string, Date>();
  events = 0;

  constructor(private readonly identityStoreId?: string) {}

  add(signIn: SignIn): void {
    if (
      this.identityStoreId !== undefined &&
      signIn.identityStoreId !== undefined &&
      signIn.identityStoreId !== this.identityStoreId
    )
      return;
    this.events += 1;
    if (signIn.userId !== undefined) keepLatest(this.byUserId, signIn.userId, signIn.at);
    if (signIn.userName !== undefined) keepLatest(this.byUserName, signIn.userName.toLowerCase(), signIn.at);
  }
}

function keepLatest(map: Map<string, Date>, key: string, at: Date): void {
  const known = map.get(key);
  if (known === undefined || known.getTime() < at.getTime()) map.set(key, at);
}

export class CloudTrailSignIns implements SignInHistory {
  constructor(
    private readonly ctx: CallContext,
    private readonly client: CloudTrailClient,
    private readonly instance: InstanceResolver,
  ) {}

  async lastSignIns(
    since: Date,
    options: { onPage?: (pages: number, signIns: number) => void } = {},
  ): Promise<AwsOutcome<LastSignIns>> {
    const instance = await this.instance();
    if (!instance.ok) return instance;
    const to = new Date(this.ctx.clock.now());
    const horizon = new Date(to.getTime() - CLOUDTRAIL_HISTORY_DAYS * DAY_MS);
    const from = since.getTime() > horizon.getTime() ? since : horizon;
    const latest = new LatestSignIns(instance.value.identityStoreId);
    const seen = new Set<string>();
    let token: string | undefined;
    let pages = 0;
    for (;;) {
      const sent = await send(
        this.ctx,
        { service: 'cloudtrail', operation: 'LookupEvents', safeToRetry: true },
        () =>
          this.client.send(
            new LookupEventsCommand({
              LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: SIGN_IN_EVENT_NAME }],
              StartTime: from,
              EndTime: to,
              MaxResults: PAGE_SIZE,
              NextToken: token,
            }),
          ),
      );
      if (!sent.ok) return { ok: false, error: sent.failure };
      pages += 1;
      // Newest first: an event older than the window means the rest are older still.
      let pastWindow = false;
      for (const event of sent.value.Events ?? []) {
        if (event.EventTime !== undefined && event.EventTime.getTime() < from.getTime()) pastWindow = true;
        const signIn = signInOf(event);
        if (signIn !== undefined && signIn.at.getTime() >= from.getTime()) latest.add(signIn);
      }
      options.onPage?.(pages, latest.events);
      const next = sent.value.NextToken;
      if (next === undefined || next === '' || pastWindow) break;
      if (seen.has(next)) {
        return {
          ok: false,
          error: failure(
            'aws_error',
            'AWS returned the same page token twice for LookupEvents; the sign-in history was not read to the end.',
          ),
        };
      }
      seen.add(next);
      token = next;
    }
    this.ctx.logger.debug({ pages, signIns: latest.events }, 'sign-in history read');
    return {
      ok: true,
      value: {
        byUserId: latest.byUserId,
        byUserName: latest.byUserName,
        from,
        to,
        pages,
        events: latest.events,
      },
    };
  }
}
