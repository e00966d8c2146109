/**
 * Admin work at scale, for its benchmark (bench/admin-scale.ts) and its tests (role-change-order.test.ts,
 * offboarding-at-scale.test.ts): the example config and organisation with more accounts, roles that give many
 * assignments, and people who hold them.
 */
import type { AccessDeskConfig } from '../../src/config/types.js';
import type { CallRecord } from '../../src/emulator/server.js';
import { checkSeed, exampleSeed, type Seed, type SeedInput } from '../../src/emulator/seed.js';
import { exampleConfig } from './access-harness.js';

export const scaleAccountId = (i: number): string => String(600_000_000_000 + i);
export const scaleAlias = (i: number): string => `scale-${String(i).padStart(3, '0')}`;
export const scaleAliases = (n: number): string[] => Array.from({ length: n }, (_v, i) => scaleAlias(i));

/** A role (YAML, under `roles:`) giving each permission set on each account. */
export function roleYaml(
  name: string,
  permissionSets: readonly string[],
  accounts: readonly string[],
): string {
  const lines = permissionSets.map(
    (s) => `      - { permissionSet: ${s}, accounts: [${accounts.join(', ')}] }\n`,
  );
  return `  ${name}:\n    description: ${name}\n    assignments:\n${lines.join('')}`;
}

/**
 * The example config with `accounts` more accounts (scale-000 …), the roles given (YAML from roleYaml), and
 * sessions already open left alone (sessions.endOnRevoke off: ending them is the session job's work, after).
 */
export function scaleConfig(accounts: number, roles = ''): AccessDeskConfig {
  return exampleConfig((yaml) => {
    const lines = scaleAliases(accounts)
      .map((alias, i) => `  ${alias}: '${scaleAccountId(i)}'\n`)
      .join('');
    const edited = yaml
      .replace('\naccounts:\n', `\naccounts:\n${lines}`)
      .replace('\nroles:\n', `\nroles:\n${roles}`)
      .replace('endOnRevoke: true', 'endOnRevoke: false');
    const missing =
      !edited.includes('endOnRevoke: false') ||
      (accounts > 0 && !edited.includes(`  ${scaleAlias(0)}: `)) ||
      !edited.includes(roles);
    if (missing) throw new Error('the example config changed: it cannot be edited for scale');
    return edited;
  });
}

/** The example organisation plus `accounts` accounts (scale-000 …) and what `more` adds. */
export function scaleSeed(accounts: number, more: SeedInput = {}): Seed {
  const base = exampleSeed();
  return checkSeed({
    ...base,
    accounts: [
      ...base.accounts,
      ...scaleAliases(accounts).map((alias, i) => ({ id: scaleAccountId(i), alias })),
    ],
    groups: [...base.groups, ...(more.groups ?? [])],
    users: [...base.users, ...(more.users ?? [])],
    assignments: [...base.assignments, ...(more.assignments ?? [])],
  });
}

/**
 * A person in `groups` groups (Team-00 …) holding each of `permissionSets` on `accounts` accounts directly:
 * what to add to the seed.
 */
export function holderSeed(
  email: string,
  options: { accounts: number; permissionSets: readonly string[]; groups?: number },
): SeedInput {
  const groups = Array.from({ length: options.groups ?? 0 }, (_v, i) => ({
    name: `Team-${String(i).padStart(2, '0')}`,
  }));
  const [givenName, familyName] = email.split('@')[0]!.split('.');
  return {
    groups,
    users: [
      {
        userName: email,
        givenName: givenName ?? 'Scale',
        familyName: familyName ?? 'Person',
        email,
        groups: groups.map((g) => g.name),
      },
    ],
    assignments: options.permissionSets.map((permissionSet) => ({
      user: email,
      permissionSet,
      accounts: scaleAliases(options.accounts),
    })),
  };
}

/** Calls AWS accepted of one operation, counted by what they were about (`key` of the call's input). */
export function acceptedBy(
  calls: readonly CallRecord[],
  operation: string,
  key: (input: Record<string, unknown>) => string,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of calls) {
    if (c.operation !== operation || c.status !== 200) continue;
    const k = key(c.input);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

/** An assignment's key in a call's input: account and permission set. */
export const assignmentKey = (input: Record<string, unknown>): string =>
  `${String(input.TargetId)}|${String(input.PermissionSetArn)}`;
