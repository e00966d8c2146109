import { describe, expect, it } from 'vitest';
import { applySeed, exampleSeed, parseSeed, SeedError } from '../../src/emulator/seed.js';
import { EmulatorState } from '../../src/emulator/state.js';
import { lastSignIns } from '../../src/emulator/trail.js';

describe('the emulator seed', () => {
  it('describes the example organisation: at least 20 people whose assignments cover every account', () => {
    const seed = exampleSeed();
    expect(seed.users.length).toBeGreaterThanOrEqual(20);
    expect(seed.accounts.map((a) => a.alias)).toEqual(['dev', 'staging', 'prod', 'management']);
    expect(seed.permissionSets.map((p) => p.name)).toEqual([
      'JuniorDeveloper',
      'Developer',
      'SeniorDeveloper',
      'InsightsDeveloper',
      'ProductionSupport',
      'SecurityAdmin',
      'FinanceAdmin',
      'ReadOnlyAccess',
      'AdministratorAccess',
    ]);
    expect(seed.groups.map((g) => g.name)).toEqual(['AdministratorAccess', 'ReadOnly', 'Billing']);
    const covered = new Set(seed.assignments.flatMap((a) => a.accounts));
    for (const account of seed.accounts) expect(covered).toContain(account.alias);
  });

  it('fills a state whose users, groups and assignments can be found by name', () => {
    const state = new EmulatorState();
    applySeed(state, exampleSeed());
    const sam = state.userByName('SAM.DEV@example.com');
    expect(sam?.attributes.DisplayName).toBe('Sam Developer');
    expect(state.accountByAlias('prod')?.id).toBe('333333333333');
    expect(state.permissionSetByName('AdministratorAccess')?.SessionDuration).toBe('PT1H');
    expect(state.iamUsers.get('kim.leaver@example.com')?.accessKeys).toHaveLength(2);
    expect(state.verifiedIdentities.has('aws-access@example.com')).toBe(true);
  });

  it('names the exact key of each problem in a broken seed', () => {
    const broken = [
      'accounts:',
      '  - { id: "12345", alias: dev }',
      'groups: [{ name: Admins }]',
      'permissionSets: [{ name: Dev }]',
      'users:',
      '  - { userName: a@example.com, givenName: A, familyName: B, email: not-an-email }',
      'assignments:',
      '  - { permissionSet: Developer, accounts: [dev], group: Admins }',
    ].join('\n');
    expect(() => parseSeed(broken, 'org.yml')).toThrow(SeedError);
    expect(() => parseSeed(broken, 'org.yml')).toThrow(
      /org\.yml: accounts\[0\]\.id: must be a 12-digit AWS account id/,
    );
    expect(() => parseSeed(broken, 'org.yml')).toThrow(/users\[0\]\.email: /);
  });

  it('names unknown references with what is known', () => {
    const seed = [
      'accounts: [{ id: "111111111111", alias: dev }]',
      'permissionSets: [{ name: Developer }]',
      'groups: [{ name: ReadOnly }]',
      'assignments:',
      '  - { permissionSet: Developr, accounts: [dev, prod], group: ReadOnly }',
    ].join('\n');
    expect(() => parseSeed(seed, 'org.yml')).toThrow(
      'org.yml: assignments[0].permissionSet: unknown permission set "Developr" (known: Developer); assignments[0].accounts[1]: unknown account "prod"',
    );
  });

  it('refuses a seed that is not YAML, saying so', () => {
    expect(() => parseSeed('users: [unclosed', 'org.yml')).toThrow(/org\.yml: not valid YAML/);
  });

  it('refuses a key it does not know, so a typo does not pass silently', () => {
    expect(() => parseSeed('acounts: []', 'org.yml')).toThrow(/acounts/);
  });

  it('gives the example organisation people who have gone quiet, a disabled one, and an application', () => {
    const now = Date.UTC(2030, 5, 1, 12, 0, 0);
    const state = new EmulatorState({ now: () => now });
    applySeed(state, exampleSeed());
    const last = lastSignIns(state);
    const daysAgo = (email: string): number | undefined => {
      const at = last.get(state.userByName(email)!.UserId);
      return at === undefined ? undefined : (now - at.getTime()) / 86_400_000;
    };
    expect(state.userByName('ivy.nguyen@example.com')?.UserStatus).toBe('DISABLED');
    expect([...state.users.values()].filter((u) => u.UserStatus === 'DISABLED')).toHaveLength(1);
    expect(daysAgo('jonas.berg@example.com')).toBeUndefined();
    expect(daysAgo('felix.wagner@example.com')).toBe(200);
    expect(daysAgo('hiro.tanaka@example.com')).toBe(120);
    const quiet = ['ivy.nguyen', 'jonas.berg', 'felix.wagner', 'hiro.tanaka'].map((n) => `${n}@example.com`);
    for (const user of state.users.values()) {
      if (quiet.includes(user.UserName)) continue;
      expect(daysAgo(user.UserName), user.UserName).toBeLessThan(90);
    }
    const [grafana, ...others] = state.applications.values();
    expect(others).toEqual([]);
    expect(grafana?.Name).toBe('Grafana');
    const holders = [...state.applicationAssignments.values()].map((a) =>
      a.PrincipalType === 'USER'
        ? state.users.get(a.PrincipalId)?.UserName
        : state.groups.get(a.PrincipalId)?.DisplayName,
    );
    expect(holders).toEqual(['kim.leaver@example.com', 'ReadOnly']);
  });
});
