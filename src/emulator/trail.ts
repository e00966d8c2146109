/**
 * CloudTrail's event history in the emulated account: what LookupEvents (services/cloudtrail.ts) answers from.
 * Only sign-ins are recorded, shaped as Identity Center records them since July 2025 (AWS IAM Identity Center
 * User Guide, "Understanding IAM Identity Center sign-in events"; AWS Security Blog, "Important changes to
 * CloudTrail events for AWS IAM Identity Center"):
 *
 * - one sign-in is a sequence from `signin.amazonaws.com` sharing an `AuthWorkflowID`: CredentialChallenge,
 *   CredentialVerification (Success or Failure) and, only when it succeeded, UserAuthentication; then the access
 *   portal's `Authenticate` from `sso.amazonaws.com`;
 * - the person is `userIdentity.onBehalfOf.userId` (with `identityStoreArn`), type `IdentityCenterUser`: no
 *   `userName` or `principalId` under userIdentity any more, so the event's top-level Username is empty and a
 *   `Username` lookup finds none of them. `additionalEventData.UserName` is emitted once per successful sign-in,
 *   on the CredentialChallenge of a password sign-in.
 *
 * Events are recorded in Identity Center's region. LookupEvents sees only the last 90 days; older ones are kept
 * (a seed may say someone last signed in 200 days ago) but never answered.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { EmulatorState, StoredUser } from './state.js';

export interface TrailEvent {
  EventId: string;
  EventName: string;
  EventSource: string;
  EventTime: Date;
  ReadOnly: 'true' | 'false';
  Username?: string;
  AccessKeyId?: string;
  Resources: { ResourceType?: string; ResourceName?: string }[];
  /** The whole record as CloudTrail keeps it, JSON text. */
  CloudTrailEvent: string;
  /** The region it was recorded in: LookupEvents in another region does not see it. */
  region: string;
  /** Whose sign-in this event belongs to: for the control endpoint's picture only, never answered. */
  signIn: { userId: string; userName: string; workflowId: string; succeeded: boolean };
}

/** CloudTrail's event history reaches back this far. */
export const HISTORY_DAYS = 90;
const DAY = 86_400_000;

export function historyStart(now: number): number {
  return now - HISTORY_DAYS * DAY;
}

const BROWSER =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.0.0 Safari/537.36';

/** CloudTrail writes eventTime to the second. */
const isoSecond = (at: Date): string => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

export const identityStoreArn = (state: EmulatorState): string =>
  `arn:aws:identitystore::${state.instance.OwnerAccountId}:identitystore/${state.instance.IdentityStoreId}`;

/** The access portal's address, which UserAuthentication names as LoginTo. */
export const portalUrl = (state: EmulatorState): string =>
  `https://${state.instance.IdentityStoreId}.awsapps.com/start/`;

interface SignInContext {
  state: EmulatorState;
  user: StoredUser;
  region: string;
  workflowId: string;
  credentialId: string;
  sourceIp: string;
  succeeded: boolean;
}

function record(
  ctx: SignInContext,
  at: Date,
  source: 'signin.amazonaws.com' | 'sso.amazonaws.com',
  name: string,
  details: Record<string, unknown>,
): TrailEvent {
  const { state, user } = ctx;
  const eventId = randomUUID();
  const owner = state.instance.OwnerAccountId;
  const body = {
    eventVersion: '1.11',
    userIdentity: {
      type: 'IdentityCenterUser',
      accountId: owner,
      onBehalfOf: { userId: user.UserId, identityStoreArn: identityStoreArn(state) },
      credentialId: ctx.credentialId,
    },
    eventTime: isoSecond(at),
    eventSource: source,
    eventName: name,
    awsRegion: ctx.region,
    sourceIPAddress: ctx.sourceIp,
    userAgent: BROWSER,
    requestParameters: null,
    responseElements: null,
    ...details,
    requestID: randomUUID(),
    eventID: eventId,
    readOnly: false,
    eventType: source === 'signin.amazonaws.com' ? 'AwsServiceEvent' : 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: owner,
    eventCategory: 'Management',
  };
  return {
    EventId: eventId,
    EventName: name,
    EventSource: source,
    EventTime: new Date(Math.floor(at.getTime() / 1000) * 1000),
    ReadOnly: 'false',
    Resources: [],
    CloudTrailEvent: JSON.stringify(body),
    region: ctx.region,
    signIn: {
      userId: user.UserId,
      userName: user.UserName,
      workflowId: ctx.workflowId,
      succeeded: ctx.succeeded,
    },
  };
}

/**
 * Records one password sign-in to the access portal that ends at `at` (UserAuthentication's time), or, when
 * it failed, the challenge and the failed verification only. Returns the events, oldest first.
 */
export function recordSignIn(
  state: EmulatorState,
  user: StoredUser,
  at: Date,
  options: { failed?: boolean; region: string },
): TrailEvent[] {
  const ctx: SignInContext = {
    state,
    user,
    region: options.region,
    workflowId: randomUUID(),
    credentialId: randomBytes(24).toString('base64url'),
    sourceIp: `198.51.100.${1 + (randomBytes(1)[0]! % 254)}`,
    succeeded: options.failed !== true,
  };
  const t = at.getTime();
  const flow = { AuthWorkflowID: ctx.workflowId, CredentialType: 'PASSWORD' };
  const result = ctx.succeeded ? 'Success' : 'Failure';
  const events = [
    record(ctx, new Date(t - 4000), 'signin.amazonaws.com', 'CredentialChallenge', {
      additionalEventData: { ...flow, ...(ctx.succeeded && { UserName: user.UserName }) },
      serviceEventDetails: { CredentialChallenge: 'Success' },
    }),
    record(ctx, new Date(t - 2000), 'signin.amazonaws.com', 'CredentialVerification', {
      additionalEventData: flow,
      serviceEventDetails: { CredentialVerification: result },
    }),
  ];
  if (ctx.succeeded) {
    events.push(
      record(ctx, at, 'signin.amazonaws.com', 'UserAuthentication', {
        additionalEventData: { ...flow, LoginTo: portalUrl(state) },
        serviceEventDetails: { UserAuthentication: 'Success' },
      }),
      record(ctx, new Date(t + 1000), 'sso.amazonaws.com', 'Authenticate', {}),
    );
  }
  state.trailEvents.push(...events);
  return events;
}

export interface SignInView {
  userName: string;
  userId: string;
  /** UserAuthentication's time, or the failed verification's. */
  at: string;
  succeeded: boolean;
  /** Older than CloudTrail's 90 days: kept here, never answered by LookupEvents. */
  beyondHistory: boolean;
}

/** Every sign-in recorded, newest first. */
export function signInsView(state: EmulatorState): SignInView[] {
  const start = historyStart(state.clock.now());
  const byWorkflow = new Map<string, TrailEvent>();
  for (const event of state.trailEvents) {
    const last = byWorkflow.get(event.signIn.workflowId);
    const ends =
      event.EventName === 'UserAuthentication' ||
      (event.EventName === 'CredentialVerification' && !event.signIn.succeeded);
    if (ends || last === undefined) byWorkflow.set(event.signIn.workflowId, event);
  }
  return [...byWorkflow.values()]
    .sort((a, b) => b.EventTime.getTime() - a.EventTime.getTime())
    .map((e) => ({
      userName: e.signIn.userName,
      userId: e.signIn.userId,
      at: e.EventTime.toISOString(),
      succeeded: e.signIn.succeeded,
      beyondHistory: e.EventTime.getTime() < start,
    }));
}

/** Each user's last successful sign-in, by UserId. */
export function lastSignIns(state: EmulatorState): Map<string, Date> {
  const last = new Map<string, Date>();
  for (const event of state.trailEvents) {
    if (event.EventName !== 'UserAuthentication') continue;
    const seen = last.get(event.signIn.userId);
    if (seen === undefined || seen < event.EventTime) last.set(event.signIn.userId, event.EventTime);
  }
  return last;
}
