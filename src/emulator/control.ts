/**
 * The control endpoint, under /_emulator/: what tests, the sandbox and a curious person use to look inside
 * the emulated organisation and to switch faults on and off. Not part of any AWS API.
 */
import type http from 'node:http';
import { z } from 'zod';
import { applicationsView } from './applications.js';
import { handleActivityControl } from './control-activity.js';
import { defaultFaults, type FaultSettings } from './faults.js';
import { parseSeed, SeedError } from './seed.js';
import type { RunningEmulator } from './server.js';
import { findSession, listSessions, openSession } from './sessions.js';
import type { EmulatorState } from './state.js';
import { lastSignIns, signInsView } from './trail.js';

const serviceName = z.enum(['identitystore', 'sso-admin', 'sesv2', 'iam', 'cloudtrail']);
const faultPatch = z
  .object({
    latencyMs: z.number().int().min(0).max(60_000),
    operationLatencyMs: z.record(z.string(), z.number().int().min(0).max(60_000)),
    provisioningDelayMs: z.number().int().min(0).max(600_000),
    errors: z.array(
      z
        .object({
          service: serviceName.optional(),
          operation: z.string().optional(),
          error: z.enum(['throttling', 'internal', 'accessDenied']),
          remaining: z.number().int().min(1).optional(),
          message: z.string().min(1).max(2000).optional(),
        })
        .strict(),
    ),
    accessDeniedAccounts: z.array(z.string().regex(/^\d{12}$/)),
    failedProvisioning: z.array(
      z
        .object({
          accountId: z.string().optional(),
          permissionSetArn: z.string().optional(),
          principalId: z.string().optional(),
          reason: z.string().min(1),
          remaining: z.number().int().min(1).optional(),
        })
        .strict(),
    ),
    failedPermissionSetProvisioning: z.array(
      z
        .object({
          accountId: z.string().optional(),
          permissionSetArn: z.string().optional(),
          reason: z.string().min(1),
          remaining: z.number().int().min(1).optional(),
        })
        .strict(),
    ),
    refusedPermissionSets: z.array(z.string().min(1)),
  })
  .strict()
  .partial();

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body, null, 2));
}

/**
 * Each permission set with an inline policy, now or in an account: its current text and, per account it is
 * provisioned to, the text that account carries (they differ until ProvisionPermissionSet completes there).
 */
function inlinePolicies(state: EmulatorState) {
  return [...state.permissionSets.values()]
    .map((ps) => ({
      permissionSetArn: ps.PermissionSetArn,
      permissionSet: ps.Name,
      inlinePolicy: state.inlinePolicyOf(ps.PermissionSetArn),
      accounts: state.accountsProvisionedWith(ps.PermissionSetArn).map((accountId) => {
        const provisioned = state.provisionedPolicy(ps.PermissionSetArn, accountId);
        return {
          accountId,
          account: state.accounts.get(accountId)?.alias ?? accountId,
          inlinePolicy: provisioned?.InlinePolicy ?? '',
          provisionedAt: provisioned?.provisionedAt,
          latest: state.hasLatestProvisioned(ps.PermissionSetArn, accountId),
        };
      }),
    }))
    .filter((p) => p.inlinePolicy !== '' || p.accounts.some((a) => a.inlinePolicy !== ''));
}

/** A readable picture of the organisation: who is in which group, and who holds what where. */
export function snapshot(state: EmulatorState) {
  state.settle();
  const accountAlias = (id: string): string => state.accounts.get(id)?.alias ?? id;
  const psName = (arn: string): string => state.permissionSets.get(arn)?.Name ?? arn;
  const principalName = (type: string, id: string): string =>
    type === 'USER' ? (state.users.get(id)?.UserName ?? id) : (state.groups.get(id)?.DisplayName ?? id);
  // One pass over the memberships: the picture of a 5,000-person organisation must not be quadratic.
  const membersOf = new Map<string, string[]>();
  const groupsOf = new Map<string, string[]>();
  for (const m of state.memberships.values()) {
    const groupList = membersOf.get(m.GroupId) ?? [];
    groupList.push(principalName('USER', m.UserId));
    membersOf.set(m.GroupId, groupList);
    const userList = groupsOf.get(m.UserId) ?? [];
    userList.push(principalName('GROUP', m.GroupId));
    groupsOf.set(m.UserId, userList);
  }
  const lastSignInOf = lastSignIns(state);
  return {
    instance: state.instance,
    accounts: [...state.accounts.values()],
    permissionSets: [...state.permissionSets.values()],
    groups: [...state.groups.values()].map((g) => ({
      ...g,
      members: membersOf.get(g.GroupId) ?? [],
    })),
    users: [...state.users.values()].map((u) => ({
      UserId: u.UserId,
      UserName: u.UserName,
      ...u.attributes,
      UserStatus: u.UserStatus ?? 'ENABLED',
      lastSignIn: lastSignInOf.get(u.UserId) ?? null,
      groups: groupsOf.get(u.UserId) ?? [],
    })),
    assignments: [...state.assignments.values()].map((a) => ({
      account: accountAlias(a.AccountId),
      accountId: a.AccountId,
      permissionSet: psName(a.PermissionSetArn),
      principalType: a.PrincipalType,
      principal: principalName(a.PrincipalType, a.PrincipalId),
      principalId: a.PrincipalId,
    })),
    operationsInProgress: state.operationsInProgress(),
    permissionSetProvisioningsInProgress: state.provisioningsInProgress(),
    inlinePolicies: inlinePolicies(state),
    sessions: listSessions(state),
    legacyIamUsers: [...state.iamUsers.values()],
    verifiedIdentities: [...state.verifiedIdentities],
    applications: applicationsView(state),
    signIns: signInsView(state),
  };
}

export async function handleControl(
  emulator: RunningEmulator,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  body: Buffer,
): Promise<void> {
  await Promise.resolve();
  const route = `${req.method ?? 'GET'} ${url.pathname.replace(/\/$/, '')}`;
  const json = (): unknown => (body.length === 0 ? {} : JSON.parse(body.toString('utf8')));
  const activity = handleActivityControl(emulator, route, body);
  if (activity !== undefined) return send(res, activity.status, activity.body);
  const oneSession = /^GET \/_emulator\/sessions\/([^/]+)$/.exec(route);
  if (oneSession !== null) {
    const session = findSession(emulator.state, decodeURIComponent(oneSession[1]!));
    if (session === undefined) return send(res, 404, { message: `No session ${oneSession[1]}.` });
    return send(res, 200, session);
  }
  switch (route) {
    case 'GET /_emulator/health':
      return send(res, 200, { ok: true });
    case 'GET /_emulator/state':
      return send(res, 200, snapshot(emulator.state));
    case 'GET /_emulator/mailbox':
      return send(res, 200, emulator.state.mailbox);
    case 'DELETE /_emulator/mailbox':
      emulator.state.mailbox.length = 0;
      return send(res, 200, { ok: true });
    case 'GET /_emulator/calls':
      return send(res, 200, emulator.calls);
    case 'DELETE /_emulator/calls':
      emulator.calls.length = 0;
      return send(res, 200, { ok: true });
    case 'GET /_emulator/faults':
      return send(res, 200, emulator.faults);
    case 'PUT /_emulator/faults':
    case 'PATCH /_emulator/faults': {
      let parsed;
      try {
        parsed = faultPatch.safeParse(json());
      } catch {
        return send(res, 400, { message: 'The body must be a JSON object of fault settings.' });
      }
      if (!parsed.success) {
        return send(res, 400, {
          message: parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '),
        });
      }
      const base: FaultSettings = route.startsWith('PUT') ? defaultFaults() : emulator.faults;
      emulator.faults = { ...base, ...(parsed.data as Partial<FaultSettings>) };
      return send(res, 200, emulator.faults);
    }
    case 'GET /_emulator/sessions':
      return send(res, 200, listSessions(emulator.state));
    case 'DELETE /_emulator/sessions':
      emulator.state.sessions.clear();
      return send(res, 200, { ok: true });
    case 'POST /_emulator/sessions': {
      let request: unknown;
      try {
        request = json();
      } catch {
        return send(res, 400, {
          message: 'The body must be a JSON object: {userId, permissionSetArn, accountId}.',
        });
      }
      const opened = openSession(emulator.state, request);
      if (!opened.ok) return send(res, 400, { message: opened.message });
      return send(res, 201, opened.session);
    }
    case 'POST /_emulator/reset': {
      // Empty, or `{}` (what a JSON client sends for "no seed"): back to the seed it started with.
      if (/^\s*(?:\{\s*\})?\s*$/.test(body.toString('utf8'))) {
        emulator.reset();
        return send(res, 200, { ok: true });
      }
      try {
        emulator.reset(parseSeed(body.toString('utf8'), 'posted seed'));
      } catch (error) {
        if (error instanceof SeedError) return send(res, 400, { message: error.message });
        throw error;
      }
      return send(res, 200, { ok: true });
    }
    default:
      return send(res, 404, {
        message: `No control route ${route}. Try GET /_emulator/state, /_emulator/mailbox, /_emulator/calls, /_emulator/faults, /_emulator/sessions, /_emulator/sign-ins, /_emulator/applications; PATCH /_emulator/users/<userName>.`,
      });
  }
}
