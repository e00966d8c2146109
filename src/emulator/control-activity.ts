/**
 * Control routes for who has gone quiet: a user's status (which no AWS API sets), sign-ins recorded in CloudTrail,
 * and applications (whose CreateApplication is not emulated). control.ts hands every route here first.
 *
 *   PATCH  /_emulator/users/<userName>   {"status": "DISABLED" | "ENABLED"}
 *   GET    /_emulator/sign-ins            every sign-in recorded, newest first
 *   POST   /_emulator/sign-ins            {"userName" | "userId", "at"? | "daysAgo"?, "failed"?}
 *   DELETE /_emulator/sign-ins            forgets CloudTrail's history
 *   GET    /_emulator/applications        each application with who is assigned to it
 *   POST   /_emulator/applications        {"name", "description"?, "url"?, "arn"?, "users"?, "groups"?}
 */
import { z } from 'zod';
import { addApplication, applicationByName, applicationsView, assignApplication } from './applications.js';
import { applicationSeed } from './seed-activity.js';
import type { RunningEmulator } from './server.js';
import type { EmulatorState, StoredUser } from './state.js';
import { recordSignIn, signInsView } from './trail.js';

export interface ControlAnswer {
  status: number;
  body: unknown;
}

const DAY = 86_400_000;

const statusPatch = z.object({ status: z.enum(['ENABLED', 'DISABLED']) }).strict();

const signInRequest = z
  .object({
    userName: z.string().min(1).optional(),
    userId: z.string().min(1).optional(),
    at: z.string().min(1).optional(),
    daysAgo: z.number().min(0).max(3650).optional(),
    failed: z.boolean().default(false),
  })
  .strict();

const problemsOf = (error: z.ZodError): string =>
  error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');

const refuse = (status: number, message: string): ControlAnswer => ({ status, body: { message } });

function parseBody(body: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: body.length === 0 ? {} : JSON.parse(body.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

export function userView(user: StoredUser) {
  return { UserId: user.UserId, UserName: user.UserName, UserStatus: user.UserStatus ?? 'ENABLED' };
}

function setStatus(state: EmulatorState, userName: string, value: unknown): ControlAnswer {
  const user = state.userByName(userName);
  if (user === undefined) return refuse(404, `No user is named ${userName}.`);
  const parsed = statusPatch.safeParse(value);
  if (!parsed.success)
    return refuse(400, `${problemsOf(parsed.error)} (send {"status": "DISABLED"} or "ENABLED")`);
  if (parsed.data.status === 'DISABLED') user.UserStatus = 'DISABLED';
  else delete user.UserStatus;
  return { status: 200, body: userView(user) };
}

function signInTime(state: EmulatorState, request: z.infer<typeof signInRequest>): Date | string {
  if (request.at !== undefined && request.daysAgo !== undefined)
    return 'Say when with at or daysAgo, not both.';
  const now = state.clock.now();
  if (request.daysAgo !== undefined) return new Date(now - request.daysAgo * DAY);
  if (request.at === undefined) return new Date(now);
  const at = new Date(request.at);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(request.at) || Number.isNaN(at.getTime())) {
    return `at must be an ISO 8601 time such as 2030-01-01T09:00:00Z, not "${request.at}".`;
  }
  if (at.getTime() > now) return `at ${request.at} is in the future.`;
  return at;
}

function addSignIn(emulator: RunningEmulator, value: unknown): ControlAnswer {
  const { state } = emulator;
  const parsed = signInRequest.safeParse(value);
  if (!parsed.success) return refuse(400, problemsOf(parsed.error));
  const request = parsed.data;
  const user =
    request.userId !== undefined
      ? state.users.get(request.userId)
      : request.userName !== undefined
        ? state.userByName(request.userName)
        : undefined;
  if (user === undefined) {
    return refuse(
      request.userId === undefined && request.userName === undefined ? 400 : 404,
      request.userId === undefined && request.userName === undefined
        ? 'Say who signs in: userName or userId.'
        : `No user ${request.userId ?? request.userName}.`,
    );
  }
  if (user.UserStatus === 'DISABLED') {
    return refuse(
      409,
      `${user.UserName} is DISABLED: Identity Center does not let a disabled user sign in. Enable them first (PATCH /_emulator/users/${user.UserName}).`,
    );
  }
  const at = signInTime(state, request);
  if (typeof at === 'string') return refuse(400, at);
  const events = recordSignIn(state, user, at, { region: emulator.region, failed: request.failed });
  return {
    status: 201,
    body: {
      userName: user.UserName,
      userId: user.UserId,
      at: at.toISOString(),
      succeeded: !request.failed,
      events: events.map((e) => ({ EventId: e.EventId, EventName: e.EventName, EventTime: e.EventTime })),
    },
  };
}

function addApp(state: EmulatorState, value: unknown): ControlAnswer {
  const parsed = applicationSeed.safeParse(value);
  if (!parsed.success) return refuse(400, problemsOf(parsed.error));
  const app = parsed.data;
  if (applicationByName(state, app.name) !== undefined) {
    return refuse(409, `An application named ${app.name} exists already.`);
  }
  const users = app.users.map((name) => [name, state.userByName(name)] as const);
  const groups = app.groups.map(
    (name) => [name, [...state.groups.values()].find((g) => g.DisplayName === name)] as const,
  );
  const unknown = [
    ...users.filter(([, u]) => u === undefined).map(([n]) => `user ${n}`),
    ...groups.filter(([, g]) => g === undefined).map(([n]) => `group ${n}`),
  ];
  if (unknown.length > 0) return refuse(400, `No such ${unknown.join(', ')}.`);
  const stored = addApplication(
    state,
    {
      name: app.name,
      status: app.status,
      ...(app.arn !== undefined && { arn: app.arn }),
      ...(app.description !== undefined && { description: app.description }),
      ...(app.url !== undefined && { url: app.url }),
      ...(app.providerArn !== undefined && { providerArn: app.providerArn }),
    },
    state.now(),
  );
  for (const [, u] of users) {
    assignApplication(state, {
      ApplicationArn: stored.ApplicationArn,
      PrincipalType: 'USER',
      PrincipalId: u!.UserId,
    });
  }
  for (const [, g] of groups) {
    assignApplication(state, {
      ApplicationArn: stored.ApplicationArn,
      PrincipalType: 'GROUP',
      PrincipalId: g!.GroupId,
    });
  }
  return {
    status: 201,
    body: applicationsView(state).find((a) => a.ApplicationArn === stored.ApplicationArn),
  };
}

/** The answer to one of the routes above, or undefined when the route is another one. */
export function handleActivityControl(
  emulator: RunningEmulator,
  route: string,
  body: Buffer,
): ControlAnswer | undefined {
  const { state } = emulator;
  const user = /^PATCH \/_emulator\/users\/([^/]+)$/.exec(route);
  const routes = ['GET /_emulator/sign-ins', 'POST /_emulator/sign-ins', 'DELETE /_emulator/sign-ins'];
  const appRoutes = ['GET /_emulator/applications', 'POST /_emulator/applications'];
  if (user === null && !routes.includes(route) && !appRoutes.includes(route)) return undefined;
  const parsed = parseBody(body);
  if (!parsed.ok) return refuse(400, 'The body must be a JSON object.');
  if (user !== null) {
    let name: string;
    try {
      name = decodeURIComponent(user[1]!);
    } catch {
      return refuse(400, `${user[1]} is not a user name.`);
    }
    return setStatus(state, name, parsed.value);
  }
  switch (route) {
    case 'GET /_emulator/sign-ins':
      return { status: 200, body: signInsView(state) };
    case 'POST /_emulator/sign-ins':
      return addSignIn(emulator, parsed.value);
    case 'DELETE /_emulator/sign-ins':
      state.trailEvents.length = 0;
      return { status: 200, body: { ok: true } };
    case 'GET /_emulator/applications':
      return { status: 200, body: applicationsView(state) };
    default:
      return addApp(state, parsed.value);
  }
}
