/** Sessions in the local Identity Center, through its control endpoint: opened, and asked whether still allowed. */
import type { RunningEmulator } from '../../src/emulator/server.js';
import type { SessionView } from '../../src/emulator/sessions.js';

export interface OpenSession {
  userName: string;
  permissionSetName: string;
  /** Alias or id. */
  account: string;
  issuedAt: Date;
}

export async function openSession(emulator: RunningEmulator, session: OpenSession): Promise<SessionView> {
  const res = await fetch(`${emulator.url}/_emulator/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...session, issuedAt: session.issuedAt.toISOString() }),
  });
  const body = (await res.json()) as SessionView & { message?: string };
  if (res.status !== 201)
    throw new Error(`the emulator would not open the session: ${body.message ?? res.status}`);
  return body;
}

/** Would a call made with this session now be allowed? */
export async function sessionNow(emulator: RunningEmulator, sessionId: string): Promise<SessionView> {
  const res = await fetch(`${emulator.url}/_emulator/sessions/${encodeURIComponent(sessionId)}`);
  if (res.status !== 200) throw new Error(`no session ${sessionId}: ${res.status}`);
  return (await res.json()) as SessionView;
}

/** The inline policy text of a permission set as AWS keeps it now ('' when none). */
export function inlinePolicyOf(emulator: RunningEmulator, permissionSet: string): string {
  const ps = emulator.state.permissionSetByName(permissionSet);
  if (ps === undefined) throw new Error(`no permission set ${permissionSet}`);
  return emulator.state.inlinePolicyOf(ps.PermissionSetArn);
}
