/**
 * A mass expiry, for its benchmark (bench/mass-expiry.ts) and its test (test/integration/mass-expiry.test.ts):
 * `grants` people, each holding one active grant of Developer on one of `accounts` accounts (people spread over
 * the accounts in turn), in the emulated organisation (users, accounts, assignments) and in the ledger (one
 * active request and grant each), all ending at the same moment.
 */
import type { Ledger } from '../../src/access/ledger.js';
import type { CallRecord } from '../../src/emulator/server.js';
import { checkSeed, exampleSeed, type Seed } from '../../src/emulator/seed.js';
import type { EmulatorState } from '../../src/emulator/state.js';

export const MASS_EXPIRY_SET = 'Developer';

export interface MassExpiry {
  grants: number;
  accounts: number;
}

const accountIdOf = (i: number): string => String(500_000_000_000 + i);
const emailOf = (i: number): string => `expiry.person${String(i).padStart(5, '0')}@example.com`;
const slackIdOf = (i: number): string => `U9EXP${String(i).padStart(5, '0')}`;

/** The people whose grants end: their Slack ids and emails (a fake Slack must know them to message them). */
export const massExpiryPeople = ({ grants }: MassExpiry): { slackId: string; email: string }[] =>
  Array.from({ length: grants }, (_v, i) => ({ slackId: slackIdOf(i), email: emailOf(i) }));

/**
 * The example organisation plus the people, accounts and assignments of the mass expiry, and `others` (people
 * with no assignment: a benchmark's requesters) by email.
 */
export function massExpirySeed({ grants, accounts }: MassExpiry, others: readonly string[] = []): Seed {
  const base = exampleSeed();
  const extraAccounts = Array.from({ length: accounts }, (_v, i) => ({
    id: accountIdOf(i),
    alias: `expiry-${String(i).padStart(3, '0')}`,
  }));
  const users = Array.from({ length: grants }, (_v, i) => ({
    userName: emailOf(i),
    givenName: 'Expiry',
    familyName: `Person${i}`,
    email: emailOf(i),
  }));
  return checkSeed({
    ...base,
    accounts: [...base.accounts, ...extraAccounts],
    users: [
      ...base.users,
      ...users,
      ...others.map((email, i) => ({ userName: email, givenName: 'Other', familyName: `P${i}`, email })),
    ],
    assignments: [
      ...base.assignments,
      ...users.map((u, i) => ({
        user: u.userName,
        permissionSet: MASS_EXPIRY_SET,
        accounts: [extraAccounts[i % accounts]!.alias],
      })),
    ],
  });
}

/** One active request and grant a person in the ledger, made by access-desk, all ending at `endsAt`. */
export async function seedMassExpiryGrants(
  ledger: Ledger,
  state: EmulatorState,
  { grants, accounts }: MassExpiry,
  endsAt: Date,
): Promise<string[]> {
  const set = state.permissionSetByName(MASS_EXPIRY_SET);
  if (set === undefined) throw new Error(`no permission set ${MASS_EXPIRY_SET} in the emulator`);
  const startsAt = new Date(endsAt.getTime() - 60 * 60_000);
  const ids: string[] = [];
  for (let i = 0; i < grants; i += 1) {
    const user = state.userByName(emailOf(i));
    if (user === undefined) throw new Error(`no user ${emailOf(i)} in the emulator`);
    const n = String(i).padStart(5, '0');
    const requestId = `R-MX${n}`;
    const account = {
      id: accountIdOf(i % accounts),
      alias: `expiry-${String(i % accounts).padStart(3, '0')}`,
    };
    const slackId = slackIdOf(i);
    await ledger.insertRequest({
      id: requestId,
      kind: 'access',
      status: 'active',
      requesterSlackId: slackId,
      requesterEmail: emailOf(i),
      requesterUserId: user.UserId,
      permissionSet: MASS_EXPIRY_SET,
      permissionSetArn: set.PermissionSetArn,
      accounts: [account],
      durationMs: 60 * 60_000,
      reason: 'mass expiry',
      approvers: ['U0000LEAD1'],
      requiredApprovals: 1,
      channel: 'C_APPROVALS',
      extendsGrantIds: [],
      details: {},
      createdAt: startsAt,
      lapsesAt: new Date(startsAt.getTime() + 24 * 60 * 60_000),
      decidedAt: startsAt,
      card: null,
      dm: null,
    });
    const grantId = `G-MX${n}`;
    await ledger.insertGrant({
      id: grantId,
      requestId,
      status: 'active',
      requesterSlackId: slackId,
      principalId: user.UserId,
      accountId: account.id,
      accountAlias: account.alias,
      permissionSet: MASS_EXPIRY_SET,
      permissionSetArn: set.PermissionSetArn,
      startsAt,
      endsAt,
      failureReason: null,
      awsRequestId: null,
      createdAssignment: true,
      // Reminded already: the storm is the expiry alone, not a reminder per grant beside it.
      remindedAt: startsAt,
      endedAt: null,
      endReason: null,
    });
    ids.push(grantId);
  }
  return ids;
}

/** DeleteAccountAssignment calls AWS accepted, by assignment (account, permission set, principal). */
export function deletionsByAssignment(calls: readonly CallRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of calls) {
    if (c.operation !== 'DeleteAccountAssignment' || c.status !== 200) continue;
    const key = `${String(c.input.TargetId)}|${String(c.input.PermissionSetArn)}|${String(c.input.PrincipalId)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** What is left of the mass expiry's assignments in the emulator (Developer on the mass expiry's accounts). */
export function assignmentsLeft(state: EmulatorState, { grants }: MassExpiry): number {
  const people = new Set<string>();
  for (let i = 0; i < grants; i += 1) {
    const user = state.userByName(emailOf(i));
    if (user !== undefined) people.add(user.UserId);
  }
  let left = 0;
  for (const a of state.assignments.values()) if (people.has(a.PrincipalId)) left += 1;
  return left;
}
