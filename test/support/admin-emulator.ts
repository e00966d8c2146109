import type { RunningEmulator } from '../../src/emulator/server.js';

/** The groups a user is in, by display name, in the emulator now. */
export function groupsOf(emulator: RunningEmulator, userName: string): string[] {
  const { state } = emulator;
  const user = state.userByName(userName);
  if (user === undefined) return [];
  return [...state.memberships.values()]
    .filter((m) => m.UserId === user.UserId)
    .map((m) => state.groups.get(m.GroupId)?.DisplayName ?? m.GroupId)
    .sort();
}

/** A user's direct assignments as `alias:PermissionSet`, sorted, by user id (it may be deleted). */
export function directAssignmentsOf(emulator: RunningEmulator, userId: string): string[] {
  const { state } = emulator;
  state.settle();
  const alias = (id: string) => [...state.accounts.values()].find((a) => a.id === id)?.alias ?? id;
  return [...state.assignments.values()]
    .filter((a) => a.PrincipalType === 'USER' && a.PrincipalId === userId)
    .map((a) => `${alias(a.AccountId)}:${state.permissionSets.get(a.PermissionSetArn)?.Name ?? '?'}`)
    .sort();
}

/** Successful calls of one operation (of one service: IAM and the identity store both have DeleteUser). */
export const callsOf = (emulator: RunningEmulator, operation: string, service?: string) =>
  emulator.calls.filter(
    (c) =>
      c.operation === operation &&
      c.errorCode === undefined &&
      (service === undefined || c.service === service),
  );

/** Successful calls that change Identity Center (identitystore or sso-admin), in order. */
export const identityCenterWrites = (emulator: RunningEmulator) =>
  emulator.calls.filter(
    (c) =>
      (c.service === 'identitystore' || c.service === 'sso-admin') &&
      c.errorCode === undefined &&
      /^(Create|Delete|Update|Put|Attach|Detach|Provision)/.test(c.operation),
  );
