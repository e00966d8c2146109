import { assignmentKey } from '../../src/emulator/state.js';
import type { RunningEmulator } from '../../src/emulator/server.js';

/** Does this person hold this permission set on this account directly, in the emulator, now? */
export function holdsInAws(
  emulator: RunningEmulator,
  accountId: string,
  permissionSet: string,
  email: string,
): boolean {
  const { state } = emulator;
  state.settle();
  const user = state.userByName(email);
  const ps = state.permissionSetByName(permissionSet);
  if (user === undefined || ps === undefined)
    throw new Error(`no ${email} or ${permissionSet} in the emulator`);
  return state.assignments.has(
    assignmentKey({
      AccountId: accountId,
      PermissionSetArn: ps.PermissionSetArn,
      PrincipalType: 'USER',
      PrincipalId: user.UserId,
    }),
  );
}
