/**
 * Reading Identity Center sign-ins out of CloudTrail events (pure), and CloudTrail's own 2 requests/s budget in
 * the client-side limiter.
 */
import type { Event } from '@aws-sdk/client-cloudtrail';
import { describe, expect, it } from 'vitest';
import { AwsLimiter, awsRateLimits, type LimiterClock } from '../../src/aws/limiter.js';
import { LatestSignIns, signInOf } from '../../src/aws/sign-ins.js';

const STORE_ARN = 'arn:aws:identitystore::999999999999:identitystore/d-9067aaaaaa';

/** An event as LookupEvents answers it: a few top-level fields and the whole record as JSON text. */
function event(record: Record<string, unknown>, top: Partial<Event> = {}): Event {
  return {
    EventId: 'e-1',
    EventName: String(record.eventName),
    EventSource: String(record.eventSource),
    ...(typeof record.eventTime === 'string' ? { EventTime: new Date(record.eventTime) } : {}),
    CloudTrailEvent: JSON.stringify(record),
    ...top,
  };
}

/** A sign-in as Identity Center records it since July 2025: the user by id, no user name under userIdentity. */
function userAuthentication(userId: string, at: string, extra: Record<string, unknown> = {}) {
  return {
    eventVersion: '1.11',
    userIdentity: {
      type: 'IdentityCenterUser',
      accountId: '999999999999',
      onBehalfOf: { userId, identityStoreArn: STORE_ARN },
    },
    eventTime: at,
    eventSource: 'signin.amazonaws.com',
    eventName: 'UserAuthentication',
    additionalEventData: { AuthWorkflowID: 'w-1', CredentialType: 'PASSWORD' },
    serviceEventDetails: { UserAuthentication: 'Success' },
    ...extra,
  };
}

describe('a sign-in read from a CloudTrail event', () => {
  it('names the user by the id Identity Center gives since July 2025, with the identity store', () => {
    expect(signInOf(event(userAuthentication('u-1', '2026-11-20T09:00:00Z')))).toEqual({
      at: new Date('2026-11-20T09:00:00Z'),
      userId: 'u-1',
      identityStoreId: 'd-9067aaaaaa',
    });
  });

  it('names the user by user name in events from before the change, and from an external identity provider', () => {
    const old = {
      userIdentity: { type: 'Unknown', principalId: '999999999999', userName: 'sam.dev@example.com' },
      eventTime: '2025-03-01T08:00:00Z',
      eventSource: 'signin.amazonaws.com',
      eventName: 'UserAuthentication',
    };
    expect(signInOf(event(old))).toEqual({
      at: new Date('2025-03-01T08:00:00Z'),
      userName: 'sam.dev@example.com',
    });
    const external = userAuthentication('u-2', '2026-11-20T09:00:00Z', {
      additionalEventData: { CredentialType: 'EXTERNAL_IDP', UserName: 'kim@example.com' },
    });
    expect(signInOf(event(external))).toMatchObject({ userId: 'u-2', userName: 'kim@example.com' });
  });

  it('is not a sign-in when it is only a challenge, a failed verification or another service’s event', () => {
    const challenge = {
      ...userAuthentication('u-1', '2026-11-20T09:00:00Z'),
      eventName: 'CredentialChallenge',
    };
    expect(signInOf(event(challenge))).toBeUndefined();
    const failed = userAuthentication('u-1', '2026-11-20T09:00:00Z', {
      serviceEventDetails: { UserAuthentication: 'Failure' },
    });
    expect(signInOf(event(failed))).toBeUndefined();
    const errored = userAuthentication('u-1', '2026-11-20T09:00:00Z', { errorCode: 'AccessDenied' });
    expect(signInOf(event(errored))).toBeUndefined();
    const cognito = {
      ...userAuthentication('u-1', '2026-11-20T09:00:00Z'),
      eventSource: 'cognito-idp.amazonaws.com',
    };
    expect(signInOf(event(cognito))).toBeUndefined();
  });

  it('names nobody rather than a user name CloudTrail hid, and nobody when the event names no one', () => {
    const hidden = {
      userIdentity: { type: 'Unknown', userName: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
      eventTime: '2026-11-20T09:00:00Z',
      eventSource: 'signin.amazonaws.com',
      eventName: 'UserAuthentication',
    };
    expect(signInOf(event(hidden))).toBeUndefined();
  });

  it('reads a record that is not JSON, or has no time, as no sign-in instead of throwing', () => {
    expect(signInOf({ EventName: 'UserAuthentication', CloudTrailEvent: '{not json' })).toBeUndefined();
    const noTime = { ...userAuthentication('u-1', 'x'), eventTime: undefined };
    expect(signInOf(event(noTime))).toBeUndefined();
  });
});

describe('each user’s latest sign-in', () => {
  it('keeps the latest by id and by user name, whatever order the events come in', () => {
    const latest = new LatestSignIns('d-9067aaaaaa');
    latest.add({ at: new Date('2026-11-01T00:00:00Z'), userId: 'u-1', identityStoreId: 'd-9067aaaaaa' });
    latest.add({ at: new Date('2026-11-20T00:00:00Z'), userId: 'u-1', identityStoreId: 'd-9067aaaaaa' });
    latest.add({ at: new Date('2026-11-05T00:00:00Z'), userId: 'u-1', identityStoreId: 'd-9067aaaaaa' });
    latest.add({ at: new Date('2026-10-01T00:00:00Z'), userName: 'Sam.Dev@Example.com' });
    expect(latest.byUserId.get('u-1')).toEqual(new Date('2026-11-20T00:00:00Z'));
    expect(latest.byUserName.get('sam.dev@example.com')).toEqual(new Date('2026-10-01T00:00:00Z'));
    expect(latest.events).toBe(4);
  });

  it('leaves out sign-ins to another identity store recorded in the same account', () => {
    const latest = new LatestSignIns('d-9067aaaaaa');
    latest.add({ at: new Date('2026-11-20T00:00:00Z'), userId: 'u-9', identityStoreId: 'd-0000000000' });
    expect(latest.byUserId.size).toBe(0);
    expect(latest.events).toBe(0);
  });
});

/** A clock that only moves when told to; `sleep` moves it by the time asked. */
function manualClock(): LimiterClock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    now: () => now,
    sleep: (ms) => {
      slept.push(ms);
      now += ms;
      return Promise.resolve();
    },
    slept,
  };
}

describe('CloudTrail’s budget in the limiter', () => {
  it('spaces LookupEvents half a second apart: AWS allows 2 a second per account and region', async () => {
    const clock = manualClock();
    const limiter = new AwsLimiter(awsRateLimits, clock);
    for (let i = 0; i < 4; i += 1) await limiter.take('cloudtrail', 'LookupEvents');
    expect(awsRateLimits.cloudTrailPerSecond).toBe(2);
    expect(clock.slept).toEqual([500, 500, 500]);
  });

  it('never lets a burst through, even when the other budgets allow one', async () => {
    const clock = manualClock();
    const limiter = new AwsLimiter({ ...awsRateLimits, burst: 5 }, clock);
    await limiter.take('cloudtrail', 'LookupEvents');
    await limiter.take('cloudtrail', 'LookupEvents');
    expect(clock.slept).toEqual([500]);
  });

  it('keeps to its share when replicas share the account: one a second each for two', async () => {
    const clock = manualClock();
    const limiter = new AwsLimiter(awsRateLimits, clock);
    limiter.shareAmong(2);
    await limiter.take('cloudtrail', 'LookupEvents');
    await limiter.take('cloudtrail', 'LookupEvents');
    await limiter.take('cloudtrail', 'LookupEvents');
    expect(clock.slept).toEqual([1000, 1000]);
  });
});
