import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type CloudTrailClient,
  type Event,
  InvalidLookupAttributesException,
  InvalidMaxResultsException,
  InvalidNextTokenException,
  InvalidTimeRangeException,
  LookupEventsCommand,
  type LookupEventsCommandInput,
  ThrottlingException,
  paginateLookupEvents,
} from '@aws-sdk/client-cloudtrail';
import { parseSeed } from '../../src/emulator/seed.js';
import { deserializeState, serializeState } from '../../src/emulator/persist.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { alterBeforeSigning, sdkClients, testCredentials } from '../support/aws-clients.js';

const DAY = 86_400_000;
const START = Date.UTC(2030, 0, 15, 9, 0, 0);
/** The emulator's clock, moved by hand: the 90 days and the rate limit are counted on it. */
let now = START;
const clock = { now: () => now };

const SEED = parseSeed(`
instance:
  identityStoreId: d-90670c0ffe
  ownerAccountId: "999999999999"
  region: eu-west-1
users:
  - { userName: ana@example.com, givenName: Ana, familyName: Recent, lastSignInDaysAgo: 2 }
  - { userName: ben@example.com, givenName: Ben, familyName: Monthly, lastSignInDaysAgo: 30 }
  - { userName: olga@example.com, givenName: Olga, familyName: Old, lastSignInDaysAgo: 120 }
  - { userName: nico@example.com, givenName: Nico, familyName: Never }
  - { userName: dan@example.com, givenName: Dan, familyName: Disabled, status: DISABLED, lastSignInDaysAgo: 100 }
signIns:
  - { user: ben@example.com, daysAgo: 1, failed: true }
`);

let emu: RunningEmulator;
let trail: CloudTrailClient;

beforeAll(async () => {
  emu = await startEmulator({ credentials: [testCredentials], seed: SEED, rateLimits: false, clock });
  trail = sdkClients(emu.url).cloudtrail;
});

afterAll(async () => {
  trail.destroy();
  await emu.close();
});

beforeEach(() => {
  now = START;
  emu.reset();
});

const idOf = (userName: string): string => emu.state.userByName(userName)!.UserId;
/** The parts of a CloudTrail record these tests read. */
interface TrailRecord {
  eventSource: string;
  eventName: string;
  eventTime: string;
  userIdentity: {
    type: string;
    userName?: string;
    onBehalfOf: { userId: string; identityStoreArn: string };
  };
  additionalEventData?: {
    AuthWorkflowID?: string;
    CredentialType?: string;
    UserName?: string;
    LoginTo?: string;
  };
  serviceEventDetails?: Record<string, string>;
}
const record = (e: Event): TrailRecord => JSON.parse(e.CloudTrailEvent!) as TrailRecord;

/** What the control endpoint answers, as far as these tests read it. */
interface ControlBody {
  message?: string;
  users: { UserName: string; lastSignIn: string | null }[];
  signIns: { userName: string; succeeded: boolean; beyondHistory: boolean }[];
  events: { EventName: string }[];
  [index: number]: { userName: string };
}

async function lookup(input: LookupEventsCommandInput = {}, client = trail): Promise<Event[]> {
  const events: Event[] = [];
  for await (const page of paginateLookupEvents({ client }, input)) events.push(...(page.Events ?? []));
  return events;
}

const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

async function control(method: string, path: string, body?: unknown) {
  const res = await fetch(`${emu.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as ControlBody };
}

describe('CloudTrail LookupEvents in the local Identity Center', () => {
  it('answers the seeded sign-ins newest first, as Identity Center records them: the person is userIdentity.onBehalfOf.userId', async () => {
    const events = await lookup({
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'UserAuthentication' }],
    });
    expect(events.map((e) => [record(e).userIdentity.onBehalfOf.userId, e.EventTime])).toEqual([
      [idOf('ana@example.com'), new Date(START - 2 * DAY)],
      [idOf('ben@example.com'), new Date(START - 30 * DAY)],
    ]);
    const [ana] = events;
    expect(ana).toMatchObject({
      EventName: 'UserAuthentication',
      EventSource: 'signin.amazonaws.com',
      ReadOnly: 'false',
    });
    // Since July 2025 Identity Center no longer names the user under userIdentity: there is no Username.
    expect(ana!.Username).toBeUndefined();
    expect(record(ana!)).toMatchObject({
      eventSource: 'signin.amazonaws.com',
      eventName: 'UserAuthentication',
      eventTime: '2030-01-13T09:00:00Z',
      awsRegion: 'eu-west-1',
      eventType: 'AwsServiceEvent',
      recipientAccountId: '999999999999',
      userIdentity: {
        type: 'IdentityCenterUser',
        accountId: '999999999999',
        onBehalfOf: {
          userId: idOf('ana@example.com'),
          identityStoreArn: 'arn:aws:identitystore::999999999999:identitystore/d-90670c0ffe',
        },
      },
      additionalEventData: { CredentialType: 'PASSWORD', LoginTo: 'https://d-90670c0ffe.awsapps.com/start/' },
      serviceEventDetails: { UserAuthentication: 'Success' },
    });
    expect(record(ana!).userIdentity.userName).toBeUndefined();
  });

  it('records a sign-in as challenge, verification, authentication and the portal’s Authenticate under one AuthWorkflowID; a failed one stops at a failed verification', async () => {
    const events = await lookup();
    const ben = events.filter((e) => record(e).userIdentity.onBehalfOf.userId === idOf('ben@example.com'));
    expect(ben.map((e) => [e.EventSource, e.EventName])).toEqual([
      ['signin.amazonaws.com', 'CredentialVerification'],
      ['signin.amazonaws.com', 'CredentialChallenge'],
      ['sso.amazonaws.com', 'Authenticate'],
      ['signin.amazonaws.com', 'UserAuthentication'],
      ['signin.amazonaws.com', 'CredentialVerification'],
      ['signin.amazonaws.com', 'CredentialChallenge'],
    ]);
    const [failedVerification, failedChallenge] = ben.map(record);
    expect(failedVerification!.serviceEventDetails).toEqual({ CredentialVerification: 'Failure' });
    expect(failedChallenge!.additionalEventData?.UserName).toBeUndefined();
    const success = ben.slice(2).map(record);
    expect(new Set(success.map((r) => r.additionalEventData?.AuthWorkflowID ?? 'portal')).size).toBe(2);
    expect(success[3]!.additionalEventData).toMatchObject({
      CredentialType: 'PASSWORD',
      UserName: 'ben@example.com',
    });
    expect(success[2]!.serviceEventDetails).toEqual({ CredentialVerification: 'Success' });
  });

  it('answers only the last 90 days: an older sign-in is kept, and shown in the state, but never answered', async () => {
    const events = await lookup();
    const people = new Set(events.map((e) => record(e).userIdentity.onBehalfOf.userId));
    expect(people).toEqual(new Set([idOf('ana@example.com'), idOf('ben@example.com')]));
    const { body } = await control('GET', '/_emulator/state');
    const olga = body.users.find((u) => u.UserName === 'olga@example.com');
    expect(olga?.lastSignIn).toBe(new Date(START - 120 * DAY).toISOString());
    expect(body.users.find((u) => u.UserName === 'nico@example.com')?.lastSignIn).toBeNull();
    expect(body.signIns.find((s) => s.userName === 'olga@example.com')).toMatchObject({
      succeeded: true,
      beyondHistory: true,
    });
    // Time passes: Ben's sign-in of 30 days ago falls out of the history 61 days later.
    now = START + 61 * DAY;
    const later = await lookup({
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'UserAuthentication' }],
    });
    expect(later.map((e) => record(e).userIdentity.onBehalfOf.userId)).toEqual([idOf('ana@example.com')]);
  });

  it('filters on one lookup attribute exactly, finds nothing by Username, and keeps within StartTime and EndTime', async () => {
    const portal = await lookup({
      LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'sso.amazonaws.com' }],
    });
    expect(portal.map((e) => e.EventName)).toEqual(['Authenticate', 'Authenticate']);
    const [one] = portal;
    const byId = await lookup({
      LookupAttributes: [{ AttributeKey: 'EventId', AttributeValue: one!.EventId! }],
    });
    expect(byId.map((e) => e.EventId)).toEqual([one!.EventId]);
    expect(
      await lookup({
        LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'userauthentication' }],
      }),
    ).toEqual([]);
    expect(
      await lookup({ LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'ana@example.com' }] }),
    ).toEqual([]);
    const lastWeek = await lookup({
      StartTime: new Date(START - 7 * DAY),
      EndTime: new Date(START),
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'UserAuthentication' }],
    });
    expect(lastWeek.map((e) => record(e).userIdentity.onBehalfOf.userId)).toEqual([idOf('ana@example.com')]);
    const beforeHistory = await lookup({
      StartTime: new Date(START - 200 * DAY),
      EndTime: new Date(START - 95 * DAY),
    });
    expect(beforeHistory).toEqual([]);
  });

  it('pages by MaxResults, 50 at most and by default, with a NextToken the paginator follows to the end without repeats', async () => {
    for (let i = 0; i < 15; i += 1) {
      await control('POST', '/_emulator/sign-ins', { userName: 'nico@example.com', daysAgo: 3 + i });
    }
    const everything = await trail.send(new LookupEventsCommand({}));
    expect(everything.Events).toHaveLength(50);
    expect(everything.NextToken).toBeDefined();
    const all = await lookup({ MaxResults: 7 });
    // Ana's and Ben's sign-ins (4 events each), Ben's failed one (2), Nico's 15: Olga's and Dan's are too old.
    expect(all).toHaveLength(4 + 4 + 2 + 15 * 4);
    expect(new Set(all.map((e) => e.EventId)).size).toBe(all.length);
    const times = all.map((e) => e.EventTime!.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('keeps a page’s place when newer events are recorded between pages', async () => {
    const before = (await lookup()).map((e) => e.EventId);
    const first = await trail.send(new LookupEventsCommand({ MaxResults: 3 }));
    await control('POST', '/_emulator/sign-ins', { userName: 'nico@example.com' });
    const rest = await lookup({ NextToken: first.NextToken });
    expect([...first.Events!, ...rest].map((e) => e.EventId)).toEqual(before);
    expect(await lookup()).toHaveLength(before.length + 4);
  });

  it('refuses a request CloudTrail refuses, with its own exceptions', async () => {
    const two = await failure(
      trail.send(
        new LookupEventsCommand({
          LookupAttributes: [
            { AttributeKey: 'EventName', AttributeValue: 'UserAuthentication' },
            { AttributeKey: 'EventSource', AttributeValue: 'signin.amazonaws.com' },
          ],
        }),
      ),
    );
    expect(two).toBeInstanceOf(InvalidLookupAttributesException);
    expect((two as Error).message).toMatch(/only one lookup attribute/);
    const empty = await failure(
      trail.send(
        new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: '' }] }),
      ),
    );
    expect(empty).toBeInstanceOf(InvalidLookupAttributesException);
    const unknownKey = await failure(
      trail.send(
        new LookupEventsCommand({
          LookupAttributes: [{ AttributeKey: 'UserId' as 'EventId', AttributeValue: 'x' }],
        }),
      ),
    );
    expect(unknownKey).toBeInstanceOf(InvalidLookupAttributesException);
    const backwards = await failure(
      trail.send(new LookupEventsCommand({ StartTime: new Date(START), EndTime: new Date(START - DAY) })),
    );
    expect(backwards).toBeInstanceOf(InvalidTimeRangeException);
    const tooMany = await failure(trail.send(new LookupEventsCommand({ MaxResults: 51 })));
    expect(tooMany).toBeInstanceOf(InvalidMaxResultsException);
    expect((tooMany as Error).message).toMatch(
      /at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50/,
    );
    const first = await trail.send(new LookupEventsCommand({ MaxResults: 2 }));
    const otherQuery = await failure(
      trail.send(
        new LookupEventsCommand({
          NextToken: first.NextToken,
          LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'UserAuthentication' }],
        }),
      ),
    );
    expect(otherQuery).toBeInstanceOf(InvalidNextTokenException);
    const forged = await failure(trail.send(new LookupEventsCommand({ NextToken: 'not-a-token' })));
    expect(forged).toBeInstanceOf(InvalidNextTokenException);
  });

  it('finds no Insights events, and none of Identity Center’s sign-ins in another region', async () => {
    expect(await lookup({ EventCategory: 'insight' })).toEqual([]);
    const elsewhere = sdkClients(emu.url, { region: 'us-east-1' }).cloudtrail;
    try {
      expect(await lookup({}, elsewhere)).toEqual([]);
    } finally {
      elsewhere.destroy();
    }
  });

  it('adds a sign-in through POST /_emulator/sign-ins, and refuses one for a disabled user, for nobody, or in the future', async () => {
    const added = await control('POST', '/_emulator/sign-ins', {
      userName: 'nico@example.com',
      at: '2030-01-15T08:00:00Z',
    });
    expect(added.status).toBe(201);
    expect(added.body.events.map((e) => e.EventName)).toEqual([
      'CredentialChallenge',
      'CredentialVerification',
      'UserAuthentication',
      'Authenticate',
    ]);
    const [newest] = await lookup({
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'UserAuthentication' }],
    });
    expect(record(newest!).userIdentity.onBehalfOf.userId).toBe(idOf('nico@example.com'));
    expect(newest!.EventTime).toEqual(new Date('2030-01-15T08:00:00Z'));

    const disabled = await control('POST', '/_emulator/sign-ins', { userName: 'dan@example.com' });
    expect(disabled.status).toBe(409);
    expect(disabled.body.message).toMatch(/dan@example\.com is DISABLED/);
    expect((await control('POST', '/_emulator/sign-ins', { userName: 'zed@example.com' })).status).toBe(404);
    expect((await control('POST', '/_emulator/sign-ins', {})).body.message).toBe(
      'Say who signs in: userName or userId.',
    );
    const future = await control('POST', '/_emulator/sign-ins', {
      userName: 'nico@example.com',
      at: '2031-01-01T00:00:00Z',
    });
    expect(future).toEqual({ status: 400, body: { message: 'at 2031-01-01T00:00:00Z is in the future.' } });
    const listed = await control('GET', '/_emulator/sign-ins');
    expect(listed.body[0]).toMatchObject({
      userName: 'nico@example.com',
      succeeded: true,
      beyondHistory: false,
    });
  });

  it('answers the X-Amz-Target the AWS CLI sends (the long prefix) as the SDK’s short one', async () => {
    const cli = sdkClients(emu.url).cloudtrail;
    alterBeforeSigning(cli, (request) => {
      request.headers['x-amz-target'] = 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents';
    });
    try {
      const answer = await cli.send(new LookupEventsCommand({ MaxResults: 1 }));
      expect(answer.Events).toHaveLength(1);
    } finally {
      cli.destroy();
    }
    expect(emu.calls.map((c) => [c.service, c.operation])).toEqual([['cloudtrail', 'LookupEvents']]);
  });

  it('takes an injected fault, as the other services do', async () => {
    const patched = await fetch(`${emu.url}/_emulator/faults`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ errors: [{ service: 'cloudtrail', error: 'internal', remaining: 1 }] }),
    });
    expect(patched.status).toBe(200);
    const failed = await failure(trail.send(new LookupEventsCommand({})));
    expect((failed as Error).name).toBe('InternalServerException');
    expect((await trail.send(new LookupEventsCommand({}))).Events).toHaveLength(10);
    emu.faults.errors.length = 0;
  });

  it('keeps its history across a save and a restore', () => {
    const restored = deserializeState(serializeState(emu.state), clock);
    expect(restored.trailEvents.map((e) => [e.EventId, e.EventTime])).toEqual(
      emu.state.trailEvents.map((e) => [e.EventId, e.EventTime]),
    );
  });
});

describe('the CloudTrail rate limit', () => {
  let limited: RunningEmulator;
  let client: CloudTrailClient;

  beforeAll(async () => {
    limited = await startEmulator({ credentials: [testCredentials], seed: SEED, clock });
    client = sdkClients(limited.url).cloudtrail;
  });

  afterAll(async () => {
    client.destroy();
    await limited.close();
  });

  it('answers ThrottlingException past 2 lookups a second per region, and takes more as time passes', async () => {
    now = START + 1000;
    await client.send(new LookupEventsCommand({}));
    await client.send(new LookupEventsCommand({}));
    const third = await failure(client.send(new LookupEventsCommand({})));
    expect(third).toBeInstanceOf(ThrottlingException);
    expect((third as Error).message).toBe('Rate exceeded');
    const otherRegion = sdkClients(limited.url, { region: 'eu-central-1' }).cloudtrail;
    try {
      await otherRegion.send(new LookupEventsCommand({}));
    } finally {
      otherRegion.destroy();
    }
    now += 500;
    await client.send(new LookupEventsCommand({}));
    expect(await failure(client.send(new LookupEventsCommand({})))).toBeInstanceOf(ThrottlingException);
    expect(limited.calls.filter((c) => c.errorCode === 'ThrottlingException')).toHaveLength(2);
  });
});
