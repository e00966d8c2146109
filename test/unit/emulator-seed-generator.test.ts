import { describe, expect, it } from 'vitest';
import {
  generateOrganisation,
  generatedAccount,
  parseOrganisationSize,
} from '../../src/emulator/seed-generator.js';
import { applySeed, checkSeed } from '../../src/emulator/seed.js';
import { EmulatorState } from '../../src/emulator/state.js';

describe('the organisation generator', () => {
  it('makes exactly the people, accounts and assignments asked for, as a seed the emulator takes', () => {
    const seed = checkSeed(generateOrganisation({ users: 2_000, accounts: 100, assignments: 6_000 }));
    expect(seed.users).toHaveLength(2_000);
    expect(seed.accounts).toHaveLength(100);
    expect(seed.accounts[0]).toMatchObject(generatedAccount(0));
    const state = new EmulatorState();
    applySeed(state, seed);
    expect(state.users.size).toBe(2_000);
    expect(state.assignments.size).toBe(6_000);
    const kinds = new Set([...state.assignments.values()].map((a) => a.PrincipalType));
    expect(kinds).toEqual(new Set(['USER', 'GROUP']));
    // Each account uses a few permission sets, not all twelve: the walk grows with the accounts.
    expect(state.provisioned.size).toBeLessThanOrEqual(3 * 100);
    expect(state.iamUsers.size).toBeGreaterThan(0);
    expect(state.trailEvents.length).toBeGreaterThan(0);
  });

  it('makes the same organisation every time for the same sizes, and another for another seed', () => {
    const size = { users: 500, accounts: 30, assignments: 1_200 };
    expect(generateOrganisation(size)).toEqual(generateOrganisation(size));
    expect(generateOrganisation({ ...size, seed: 7 })).not.toEqual(generateOrganisation(size));
  });

  it('stops at what the organisation can hold when asked for more assignments than there are pairs', () => {
    const seed = checkSeed(generateOrganisation({ users: 3, accounts: 1, assignments: 1_000, groups: 1 }));
    const state = new EmulatorState();
    applySeed(state, seed);
    // 3 people and 1 group, each at most once on the account's 3 permission sets.
    expect(state.assignments.size).toBeLessThanOrEqual(12);
  });

  it('reads sizes written as the CLI takes them, and names what is wrong in one it cannot', () => {
    expect(parseOrganisationSize('users=20_000, accounts=1000,assignments=60000,groupShare=0.2')).toEqual({
      users: 20_000,
      accounts: 1_000,
      assignments: 60_000,
      groupShare: 0.2,
    });
    expect(() => parseOrganisationSize('users=10,accounts=2')).toThrow('assignments=N is required');
    expect(() => parseOrganisationSize('users=10,accounts=2,assignments=5,people=3')).toThrow(
      'unknown size "people"',
    );
    expect(() => parseOrganisationSize('users=1.5,accounts=2,assignments=5')).toThrow(
      'users must be a whole number of at least 1, not 1.5',
    );
  });
});
