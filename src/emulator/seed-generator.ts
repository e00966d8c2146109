/**
 * An organisation of any size, generated rather than written: N people, M accounts, K account assignments,
 * their groups and sign-ins, the same every time for the same sizes (a seeded pseudo-random sequence), built in
 * well under a second for 20,000 people. The emulator CLI takes one with `--generate users=20000,accounts=1000`.
 *
 * Its shape is a company's: people in teams (a group each, one in twenty in a second team, one in twenty in
 * none); each team owns a block of accounts and holds its team permission set there through its group; people
 * also hold direct assignments, mostly on their team's accounts. Each account uses only a few permission sets
 * (ReadOnlyAccess and two team sets), as real accounts do, so a walk of account × permission set lists grows
 * with the accounts, not with accounts × every set. Most people signed in within the last two months, some long
 * ago, a few never; a few legacy IAM users still hold access keys.
 */
import type { SeedInput } from './seed.js';

export interface OrganisationSize {
  users: number;
  accounts: number;
  /** Account assignments in all, of groups and of users (each principal × account × permission set is one). */
  assignments: number;
  /** Team groups; default: one per 50 people (at least 1). */
  groups?: number;
  /** Permission sets; default 12 (at least 3: ReadOnlyAccess and two team sets). */
  permissionSets?: number;
  /** Share of the assignments made to groups rather than to people; default 0.1. */
  groupShare?: number;
  /** Legacy IAM users with access keys; default 40. */
  legacyIamUsers?: number;
  /** Seed of the pseudo-random sequence: another value, another organisation of the same size. */
  seed?: number;
}

/** The sizes `--generate` accepts, by the name it takes them under. */
export const SIZE_KEYS = [
  'users',
  'accounts',
  'assignments',
  'groups',
  'permissionSets',
  'groupShare',
  'legacyIamUsers',
  'seed',
] as const;

const NAMED_SETS = [
  'ReadOnlyAccess',
  'Developer',
  'SeniorDeveloper',
  'JuniorDeveloper',
  'DataEngineer',
  'ProductionSupport',
  'SecurityAuditor',
  'NetworkAdmin',
  'DatabaseAdmin',
  'FinanceAdmin',
  'BillingViewer',
  'AdministratorAccess',
];

/** A repeatable pseudo-random sequence (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** The account id and alias of the i-th generated account (0-based). */
export function generatedAccount(i: number): { id: string; alias: string } {
  return { id: String(100_000_000_000 + i), alias: `account-${pad(i + 1, 4)}` };
}

/** The user name (and email) of the i-th generated person (0-based). */
export const generatedUserName = (i: number): string => `person${pad(i, 5)}@example.com`;

/** The organisation as a seed; `checkSeed` (or the emulator) takes it like a seed file's content. */
export function generateOrganisation(size: OrganisationSize): SeedInput {
  const users = whole('users', size.users, 1);
  const accountCount = whole('accounts', size.accounts, 1);
  const wanted = whole('assignments', size.assignments, 0);
  const groupCount = whole('groups', size.groups ?? Math.max(1, Math.round(users / 50)), 1);
  const setCount = whole('permissionSets', size.permissionSets ?? NAMED_SETS.length, 3);
  const groupShare = size.groupShare ?? 0.1;
  if (!(groupShare >= 0 && groupShare <= 1)) throw new RangeError('groupShare must be between 0 and 1');
  const legacyCount = whole('legacyIamUsers', size.legacyIamUsers ?? 40, 0);
  const next = seededRandom(size.seed ?? 20261207);
  const below = (n: number): number => Math.floor(next() * n);

  const accounts = Array.from({ length: accountCount }, (_v, i) => generatedAccount(i));
  const setNames = Array.from({ length: setCount }, (_v, i) => NAMED_SETS[i] ?? `PermissionSet${i + 1}`);
  const groupNames = Array.from({ length: groupCount }, (_v, i) => `team-${pad(i + 1, 4)}`);
  // Each account uses ReadOnlyAccess and two team sets; each team owns a contiguous block of accounts.
  const teamSets = setCount - 1;
  const setsOfAccount = (a: number): number[] => {
    const first = 1 + (a % teamSets);
    const second = 1 + ((a * 7 + 3) % teamSets);
    return second === first ? [0, first] : [0, first, second];
  };
  const blockOf = (team: number): { from: number; size: number } => {
    const from = Math.floor((team * accountCount) / groupCount);
    const to = Math.floor(((team + 1) * accountCount) / groupCount);
    return { from: from % accountCount, size: Math.max(1, to - from) };
  };

  // One principal × account × permission set at most once.
  const taken = new Set<string>();
  const byPrincipal = new Map<
    string,
    { principal: { group: string } | { user: string }; accounts: string[] }
  >();
  let made = 0;
  const assign = (principal: { group: string } | { user: string }, set: number, account: number): boolean => {
    const who = 'group' in principal ? `g:${principal.group}` : `u:${principal.user}`;
    const key = `${who}|${set}|${account}`;
    if (taken.has(key)) return false;
    taken.add(key);
    const entryKey = `${who}|${set}`;
    let entry = byPrincipal.get(entryKey);
    if (entry === undefined) {
      entry = { principal, accounts: [] };
      byPrincipal.set(entryKey, entry);
    }
    entry.accounts.push((accounts[account] as { alias: string }).alias);
    made += 1;
    return true;
  };

  // Group assignments: each team its sets on its block of accounts, round-robin until its share is made.
  const groupWanted = Math.min(Math.round(wanted * groupShare), wanted);
  const groupCapacity = groupNames.reduce((n, _g, t) => n + blockOf(t).size * setsOfAccount(0).length, 0);
  const groupTarget = Math.min(groupWanted, groupCapacity);
  for (let round = 0; made < groupTarget && round < accountCount * 3; round += 1) {
    for (let t = 0; t < groupCount && made < groupTarget; t += 1) {
      const block = blockOf(t);
      const account = (block.from + (round % block.size)) % accountCount;
      const sets = setsOfAccount(account);
      const set = sets[Math.floor(round / block.size) % sets.length] as number;
      assign({ group: groupNames[t] as string }, set, account);
    }
  }

  const lastSignIn = (): { lastSignInDaysAgo?: number } => {
    const r = next();
    if (r < 0.85) return { lastSignInDaysAgo: Math.floor(next() * 60) };
    if (r < 0.97) return { lastSignInDaysAgo: 91 + Math.floor(next() * 200) };
    return {};
  };
  const people: NonNullable<SeedInput['users']> = [];
  const teamOf: number[] = [];
  for (let i = 0; i < users; i += 1) {
    const userName = generatedUserName(i);
    const team = below(groupCount);
    teamOf.push(team);
    const r = next();
    const groups =
      r < 0.05
        ? []
        : r < 0.1 && groupCount > 1
          ? [
              groupNames[team] as string,
              groupNames[(team + 1 + below(groupCount - 1)) % groupCount] as string,
            ]
          : [groupNames[team] as string];
    people.push({
      userName,
      givenName: 'Person',
      familyName: String(i),
      email: userName,
      groups,
      ...lastSignIn(),
    });
  }

  // Direct assignments: to random people, mostly on their team's accounts, until the count is made. A full
  // organisation (every pair taken) ends the loop by its bound rather than by the count.
  const directTarget = wanted - made;
  let directMade = 0;
  for (let tries = 0; directMade < directTarget && tries < directTarget * 20; tries += 1) {
    const person = below(users);
    const block = blockOf(teamOf[person] as number);
    const account = next() < 0.8 ? (block.from + below(block.size)) % accountCount : below(accountCount);
    const sets = setsOfAccount(account);
    if (assign({ user: generatedUserName(person) }, sets[below(sets.length)] as number, account))
      directMade += 1;
  }

  const legacyIamUsers = Array.from({ length: legacyCount }, (_v, i) => ({
    userName: i % 4 === 0 ? `ci-bot-${i}` : generatedUserName((i * 97) % users),
    accessKeys:
      i % 3 === 0
        ? [{ status: 'Active' as const, lastUsedDaysAgo: i }, { status: 'Inactive' as const }]
        : [{ status: 'Active' as const, ...(i % 5 === 0 ? {} : { lastUsedDaysAgo: i + 1 }) }],
  }));

  return {
    accounts,
    permissionSets: setNames.map((name) => ({ name })),
    groups: groupNames.map((name) => ({ name })),
    users: people,
    assignments: [...byPrincipal.entries()].map(([key, { principal, accounts: on }]) => ({
      ...principal,
      permissionSet: setNames[Number(key.slice(key.lastIndexOf('|') + 1))] as string,
      accounts: on,
    })),
    // Different names for the same IAM user would be refused: keep the first of each.
    legacyIamUsers: legacyIamUsers.filter(
      (u, i) => legacyIamUsers.findIndex((v) => v.userName === u.userName) === i,
    ),
  };
}

function whole(name: string, value: number, least: number): number {
  if (!Number.isInteger(value) || value < least) {
    throw new RangeError(`${name} must be a whole number of at least ${least}, not ${value}`);
  }
  return value;
}

/**
 * `users=20000,accounts=1000,assignments=60000` (the CLI's --generate) as sizes; users, accounts and assignments
 * must be given. Throws RangeError naming the part at fault.
 */
export function parseOrganisationSize(text: string): OrganisationSize {
  const values: Record<string, number> = {};
  for (const part of text.split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const [key, value, ...rest] = part.split('=');
    if (key === undefined || value === undefined || rest.length > 0 || value.trim() === '') {
      throw new RangeError(`"${part}" is not name=number`);
    }
    if (!(SIZE_KEYS as readonly string[]).includes(key.trim())) {
      throw new RangeError(`unknown size "${key.trim()}" (known: ${SIZE_KEYS.join(', ')})`);
    }
    const n = Number(value.trim().replace(/_/g, ''));
    if (!Number.isFinite(n)) throw new RangeError(`${key.trim()} takes a number, not "${value.trim()}"`);
    values[key.trim()] = n;
  }
  for (const required of ['users', 'accounts', 'assignments'] as const) {
    if (values[required] === undefined) throw new RangeError(`${required}=N is required`);
  }
  const size = values as unknown as OrganisationSize;
  // The generator's own checks, now, so that a bad size is refused before anything starts.
  whole('users', size.users, 1);
  whole('accounts', size.accounts, 1);
  whole('assignments', size.assignments, 0);
  return size;
}
