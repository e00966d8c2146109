/**
 * Emulated organisations for whois and the user listing: the example organisation grown to many accounts, or
 * to many people, built from its seed so that everything else (config, people, groups) stays as it is.
 */
import { exampleSeed, type Seed } from '../../src/emulator/seed.js';

/** A 12-digit account id for the n-th extra account. */
export const extraAccountId = (n: number): string => String(400_000_000_000 + n);

/**
 * The example organisation with `total` accounts (the example's three workload accounts and its management
 * account included), and one more person, Max, who holds four permission sets directly on every workload
 * account and is in the AdministratorAccess and ReadOnly groups (AdministratorAccess on every account).
 */
export function manyAccountsSeed(total: number): Seed {
  const seed = exampleSeed();
  const extra = Array.from({ length: total - seed.accounts.length }, (_v, i) => ({
    id: extraAccountId(i + 1),
    alias: `team-${String(i + 1).padStart(2, '0')}`,
    management: false,
  }));
  seed.accounts.push(...extra);
  const workload = seed.accounts.filter((a) => !a.management).map((a) => a.id);
  seed.users.push({
    userName: 'max.many@example.com',
    givenName: 'Max',
    familyName: 'Many',
    email: 'max.many@example.com',
    title: 'Platform engineer',
    groups: ['AdministratorAccess', 'ReadOnly'],
  });
  seed.assignments.push(
    { group: 'AdministratorAccess', permissionSet: 'AdministratorAccess', accounts: extra.map((a) => a.id) },
    ...['Developer', 'SeniorDeveloper', 'ProductionSupport', 'InsightsDeveloper'].map((permissionSet) => ({
      user: 'max.many@example.com',
      permissionSet,
      accounts: workload,
    })),
  );
  return seed;
}

/** The example organisation grown to `total` people; the extra ones alternate between ReadOnly, Billing and none. */
export function manyUsersSeed(total: number): Seed {
  const seed = exampleSeed();
  const groups = [['ReadOnly'], ['Billing'], []];
  const extra = total - seed.users.length;
  for (let i = 1; i <= extra; i += 1) {
    const n = String(i).padStart(3, '0');
    seed.users.push({
      userName: `user${n}@example.com`,
      givenName: 'User',
      familyName: n,
      email: `user${n}@example.com`,
      groups: groups[i % groups.length]!,
    });
  }
  return seed;
}
