/**
 * The parts of a seed that say who has gone quiet: each person's status and last sign-in, further sign-ins
 * (failed ones too), and the applications people and groups are assigned to. seed.ts reads them with the rest
 * of the seed; applyActivitySeed fills them in once users and groups exist.
 */
import { z } from 'zod';
import { addApplication, assignApplication } from './applications.js';
import type { Seed } from './seed.js';
import type { EmulatorState, StoredUser } from './state.js';
import { recordSignIn } from './trail.js';

const DAY = 86_400_000;

/** Members of a seed user besides who they are. */
export const userActivityFields = {
  /** DISABLED: the person cannot sign in; no API changes it (the console does). Absent: ENABLED. */
  status: z.enum(['ENABLED', 'DISABLED']).optional(),
  /** Their last successful sign-in, days before the emulator starts; absent: never signed in. */
  lastSignInDaysAgo: z.number().min(0).max(3650).optional(),
};

const isoTime = z
  .string()
  .refine(
    (t) => /^\d{4}-\d{2}-\d{2}T/.test(t) && !Number.isNaN(Date.parse(t)),
    'must be an ISO 8601 time such as 2030-01-01T09:00:00Z',
  );

export const signInSeed = z
  .object({
    user: z.string().min(1),
    daysAgo: z.number().min(0).max(3650).optional(),
    at: isoTime.optional(),
    /** A wrong password: the challenge and a failed verification, no UserAuthentication. */
    failed: z.boolean().default(false),
  })
  .strict()
  .refine(
    (s) => (s.daysAgo === undefined) !== (s.at === undefined),
    'says when: exactly one of daysAgo or at',
  );

const applicationArn = z
  .string()
  .regex(
    /^arn:aws:sso::\d{12}:application\/(?:sso)?ins-[a-zA-Z0-9-.]{16}\/apl-[a-zA-Z0-9]{16}$/,
    'must be an application ARN like arn:aws:sso::111122223333:application/ssoins-…/apl-…',
  );

export const applicationSeed = z
  .object({
    name: z.string().min(1).max(255),
    arn: applicationArn.optional(),
    description: z.string().min(1).max(128).optional(),
    /** Where the access portal sends people, e.g. https://grafana.example.com/login. */
    url: z.string().url().optional(),
    providerArn: z
      .string()
      .regex(/^arn:aws:sso::aws:applicationProvider\/[a-zA-Z0-9-/]+$/)
      .optional(),
    status: z.enum(['ENABLED', 'DISABLED']).default('ENABLED'),
    /** Who is assigned to it: user names and group names. */
    users: z.array(z.string()).default([]),
    groups: z.array(z.string()).default([]),
  })
  .strict();

/** References to people and groups the seed does not have, named by key. */
export function crossCheckActivity(seed: Seed, users: Set<string>, groups: Set<string>): string[] {
  const problems: string[] = [];
  seed.signIns.forEach((s, i) => {
    if (!users.has(s.user.toLowerCase())) problems.push(`signIns[${i}].user: unknown user "${s.user}"`);
  });
  const names = new Set<string>();
  seed.applications.forEach((app, i) => {
    if (names.has(app.name)) problems.push(`applications[${i}].name: "${app.name}" is there twice`);
    names.add(app.name);
    app.users.forEach((u, j) => {
      if (!users.has(u.toLowerCase())) problems.push(`applications[${i}].users[${j}]: unknown user "${u}"`);
    });
    app.groups.forEach((g, j) => {
      if (!groups.has(g)) problems.push(`applications[${i}].groups[${j}]: unknown group "${g}"`);
    });
  });
  return problems;
}

/** Statuses, sign-ins and applications, once the seed's users (by lower-cased name) and groups exist. */
export function applyActivitySeed(
  state: EmulatorState,
  seed: Seed,
  userIds: ReadonlyMap<string, string>,
  groupIds: ReadonlyMap<string, string>,
): void {
  const now = state.clock.now();
  const region = seed.instance.region;
  const userOf = (name: string): StoredUser => state.users.get(userIds.get(name.toLowerCase())!)!;
  for (const u of seed.users) {
    const user = userOf(u.userName);
    if (u.status === 'DISABLED') user.UserStatus = 'DISABLED';
    if (u.lastSignInDaysAgo !== undefined) {
      recordSignIn(state, user, new Date(now - u.lastSignInDaysAgo * DAY), { region });
    }
  }
  for (const s of seed.signIns) {
    const at = s.at !== undefined ? new Date(s.at) : new Date(now - s.daysAgo! * DAY);
    recordSignIn(state, userOf(s.user), at, { region, failed: s.failed });
  }
  for (const app of seed.applications) {
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
      new Date(now - 200 * DAY),
    );
    for (const u of app.users) {
      assignApplication(state, {
        ApplicationArn: stored.ApplicationArn,
        PrincipalType: 'USER',
        PrincipalId: userIds.get(u.toLowerCase())!,
      });
    }
    for (const g of app.groups) {
      assignApplication(state, {
        ApplicationArn: stored.ApplicationArn,
        PrincipalType: 'GROUP',
        PrincipalId: groupIds.get(g)!,
      });
    }
  }
}
