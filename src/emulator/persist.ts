/**
 * The emulated organisation saved to a file and read back, whole: users, groups and memberships with their
 * ids, assignments, what is provisioned (with the inline policy each account carries), inline policies, every
 * assignment and provisioning request (so a request id asked about after a restart still answers), sessions,
 * the mailbox, the legacy IAM users, CloudTrail's sign-in events and the applications with their assignments
 * (users keep their UserStatus). The sandbox uses it so that its organisation survives a restart
 * together with the bot's ledger, which names these ids. Parts added later are optional when read, so a file
 * saved before them still reads.
 */
import { assignApplication, type ApplicationAssignment, type StoredApplication } from './applications.js';
import type { TrailEvent } from './trail.js';
import {
  EmulatorState,
  type AssignmentOperation,
  type AssignmentTarget,
  type EmulatorClock,
  type PermissionSetProvisioning,
  type ProvisionedPolicy,
  type StoredSession,
} from './state.js';

const FORMAT = 'access-desk-emulator-state/1';

type Encoded = unknown;

function encode(value: unknown): Encoded {
  if (value instanceof Date) return { $date: value.toISOString() };
  if (value instanceof Map) return { $map: [...value.entries()].map(([k, v]) => [encode(k), encode(v)]) };
  if (value instanceof Set) return { $set: [...value].map(encode) };
  if (Array.isArray(value)) return value.map(encode);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]));
  }
  return value;
}

function decode(value: Encoded): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (typeof value !== 'object' || value === null) return value;
  const o = value as Record<string, unknown>;
  if (typeof o.$date === 'string' && Object.keys(o).length === 1) return new Date(o.$date);
  if (Array.isArray(o.$map) && Object.keys(o).length === 1) {
    return new Map((o.$map as [Encoded, Encoded][]).map(([k, v]) => [decode(k), decode(v)]));
  }
  if (Array.isArray(o.$set) && Object.keys(o).length === 1) return new Set((o.$set as Encoded[]).map(decode));
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, decode(v)]));
}

const MAPS = [
  'users',
  'userIdsByName',
  'groups',
  'memberships',
  'accounts',
  'permissionSets',
  'iamUsers',
  'virtualMfaDevices',
] as const;

export function serializeState(state: EmulatorState): string {
  state.settle();
  const saved: Record<string, unknown> = {
    format: FORMAT,
    instance: state.instance,
    mailbox: state.mailbox,
    verifiedIdentities: state.verifiedIdentities,
    assignments: [...state.assignments.values()],
    provisioned: [...state.permissionSets.keys()].flatMap((arn) =>
      state.accountsProvisionedWith(arn).map((account) => [arn, account]),
    ),
    operations: [...state.assignmentOperations.values()],
    inlinePolicies: state.inlinePolicyRevisions(),
    provisionedPolicies: [...state.permissionSets.keys()].flatMap((arn) =>
      state
        .accountsProvisionedWith(arn)
        .map((account) => [arn, account, state.provisionedPolicy(arn, account)]),
    ),
    permissionSetProvisionings: [...state.permissionSetProvisionings.values()],
    sessions: [...state.sessions.values()],
    trailEvents: state.trailEvents,
    applications: [...state.applications.values()],
    applicationAssignments: [...state.applicationAssignments.values()],
  };
  for (const name of MAPS) saved[name] = state[name];
  return JSON.stringify(encode(saved));
}

export class SavedStateError extends Error {}

/** Reads what serializeState wrote; anything else is a SavedStateError saying what is wrong. */
export function deserializeState(text: string, clock?: EmulatorClock): EmulatorState {
  let saved: Record<string, unknown>;
  try {
    saved = decode(JSON.parse(text)) as Record<string, unknown>;
  } catch (error) {
    throw new SavedStateError(`not JSON (${(error as Error).message})`);
  }
  if (typeof saved !== 'object' || saved === null || saved.format !== FORMAT) {
    throw new SavedStateError(
      `not a saved emulator state (format ${JSON.stringify(saved?.format)}, want ${FORMAT})`,
    );
  }
  for (const name of MAPS) {
    if (!(saved[name] instanceof Map)) throw new SavedStateError(`${name} is missing or not a map`);
  }
  for (const name of ['mailbox', 'assignments', 'provisioned', 'operations']) {
    if (!Array.isArray(saved[name])) throw new SavedStateError(`${name} is missing or not a list`);
  }
  const state = new EmulatorState(clock, saved.instance as EmulatorState['instance']);
  for (const name of MAPS) {
    const target = state[name] as Map<unknown, unknown>;
    for (const [k, v] of saved[name] as Map<unknown, unknown>) target.set(k, v);
  }
  state.mailbox.push(...(saved.mailbox as EmulatorState['mailbox']));
  if (saved.verifiedIdentities instanceof Set) {
    for (const identity of saved.verifiedIdentities as Set<string>) state.verifiedIdentities.add(identity);
  }
  for (const target of saved.assignments as AssignmentTarget[]) state.putAssignment(target);
  for (const [arn, account] of saved.provisioned as [string, string][]) state.markProvisioned(arn, account);
  for (const op of saved.operations as AssignmentOperation[]) state.recordOperation(op);
  restorePolicies(state, saved);
  for (const op of optionalList<PermissionSetProvisioning>(saved, 'permissionSetProvisionings')) {
    state.recordPermissionSetProvisioning(op);
  }
  for (const session of optionalList<StoredSession>(saved, 'sessions'))
    state.sessions.set(session.sessionId, session);
  state.trailEvents.push(...optionalList<TrailEvent>(saved, 'trailEvents'));
  for (const app of optionalList<StoredApplication>(saved, 'applications'))
    state.applications.set(app.ApplicationArn, app);
  for (const a of optionalList<ApplicationAssignment>(saved, 'applicationAssignments'))
    assignApplication(state, a);
  return state;
}

function optionalList<T>(saved: Record<string, unknown>, name: string): T[] {
  const value = saved[name];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new SavedStateError(`${name} is not a list`);
  return value as T[];
}

/** Inline policies first, then what each account carries (which markProvisioned above took as "none"). */
function restorePolicies(state: EmulatorState, saved: Record<string, unknown>): void {
  type Saved = { permissionSetArn: string; InlinePolicy?: string; revision: number };
  for (const p of optionalList<Saved>(saved, 'inlinePolicies')) {
    state.restoreInlinePolicy(p.permissionSetArn, p.InlinePolicy, p.revision);
  }
  const provisioned = optionalList<[string, string, ProvisionedPolicy | undefined]>(
    saved,
    'provisionedPolicies',
  );
  for (const [arn, account, policy] of provisioned) {
    if (policy !== undefined) state.restoreProvisionedPolicy(arn, account, policy);
  }
}
