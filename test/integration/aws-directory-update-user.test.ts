/**
 * The directory adapter's updateUser against the local Identity Center: one UpdateUser with only what changes,
 * the email replaced as a whole list, and AWS's refusals as failures a step can act on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userOperations } from '../../src/aws/directory.js';
import { createAwsAdapter, type AwsAdapter } from '../../src/aws/index.js';
import { checkSeed } from '../../src/emulator/seed.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { silentLogger } from '../../src/log.js';
import { testCredentials } from '../support/aws-clients.js';

const seed = checkSeed({
  groups: [],
  users: [
    {
      userName: 'ana@example.com',
      givenName: 'Ana',
      familyName: 'Lima',
      email: 'ana@example.com',
      groups: [],
    },
    { userName: 'bo@example.com', givenName: 'Bo', familyName: 'Berg', email: 'bo@example.com', groups: [] },
  ],
});

let emu: RunningEmulator;
let aws: AwsAdapter;

beforeAll(async () => {
  emu = await startEmulator({ credentials: [testCredentials], seed, rateLimits: false });
  aws = createAwsAdapter(
    { region: 'eu-west-1', endpoint: emu.url, credentials: testCredentials },
    silentLogger,
  );
});

afterAll(async () => {
  aws.close();
  await emu.close();
});

const idOf = (userName: string) => emu.state.userByName(userName)!.UserId;

describe('updating a user', () => {
  it('sends only the attributes that change, the email as the whole list with one primary entry', () => {
    expect(userOperations({})).toEqual([]);
    expect(userOperations({ familyName: 'Souza', email: 'ana.s@example.com' })).toEqual([
      { AttributePath: 'name.familyName', AttributeValue: 'Souza' },
      {
        AttributePath: 'emails',
        AttributeValue: [{ value: 'ana.s@example.com', type: 'work', primary: true }],
      },
    ]);
  });

  it('changes names, display name and email in one call, keeping the user name', async () => {
    const before = emu.calls.length;
    const outcome = await aws.directory.updateUser(idOf('ana@example.com'), {
      givenName: 'Ana Clara',
      displayName: 'Ana C. Lima',
      email: 'ana.lima@example.com',
    });
    expect(outcome).toEqual({ ok: true, value: undefined });
    expect(
      emu.calls
        .slice(before)
        .filter((c) => c.service === 'identitystore')
        .map((c) => c.operation),
    ).toEqual(['UpdateUser']);
    const user = await aws.directory.describeUser(idOf('ana@example.com'));
    expect(user).toMatchObject({
      ok: true,
      value: {
        userName: 'ana@example.com',
        givenName: 'Ana Clara',
        familyName: 'Lima',
        displayName: 'Ana C. Lima',
        email: 'ana.lima@example.com',
      },
    });
  });

  it('answers user_exists with AWS’s words for an email another user has, and changes nothing', async () => {
    const outcome = await aws.directory.updateUser(idOf('bo@example.com'), {
      displayName: 'Bo B.',
      email: 'ana.lima@example.com',
    });
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.error).toMatchObject({ code: 'user_exists', field: 'emails' });
    expect(!outcome.ok && outcome.error.reason).toMatch(/^ConflictException: .*already used by another user/);
    expect(emu.state.userByName('bo@example.com')!.attributes.DisplayName).toBe('Bo Berg');
  });

  it('answers not_found for a user that is gone, and calls nothing when nothing changes', async () => {
    const gone = await aws.directory.updateUser('0123456789-00000000-0000-4000-8000-000000000000', {
      displayName: 'X',
    });
    expect(!gone.ok && gone.error.code).toBe('not_found');
    const before = emu.calls.length;
    expect(await aws.directory.updateUser(idOf('bo@example.com'), {})).toEqual({
      ok: true,
      value: undefined,
    });
    expect(emu.calls.length).toBe(before);
  });
});
