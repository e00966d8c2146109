/**
 * Seeding the emulated organisation from a YAML file: instance, accounts, permission sets, groups, people (with
 * their status and last sign-in), memberships, assignments, sign-ins, applications, legacy IAM users and verified
 * SES senders.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ids } from './ids.js';
import {
  applicationSeed,
  applyActivitySeed,
  crossCheckActivity,
  signInSeed,
  userActivityFields,
} from './seed-activity.js';
import type { EmulatorState, IamUser, Instance, PrincipalType, StoredPermissionSet } from './state.js';

const accountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');
/** The form of every AWS region name: eu-west-1, us-gov-west-1, ap-southeast-2. */
const awsRegion = z.string().regex(/^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/, 'must be an AWS region like eu-west-1');
/** Where the instance lives when the seed does not say: the example organisation's, and the sandbox's config's. */
export const DEFAULT_REGION = 'eu-west-1';
const isoDuration = z
  .string()
  .regex(/^PT(?:[1-9]|1[0-2])H$/, 'must be an ISO 8601 duration from PT1H to PT12H');

const seedSchema = z
  .object({
    instance: z
      .object({
        arn: z
          .string()
          .regex(/^arn:aws:sso:::instance\/ssoins-[a-zA-Z0-9-.]{16}$/)
          .optional(),
        identityStoreId: z
          .string()
          .regex(/^d-[0-9a-f]{10}$/)
          .optional(),
        name: z.string().optional(),
        ownerAccountId: accountId.optional(),
        /** Identity Center's region: identitystore and sso-admin take requests signed for it only. */
        region: awsRegion.default(DEFAULT_REGION),
      })
      .strict()
      .default({ region: DEFAULT_REGION }),
    /** Key pairs whose SigV4 signatures the emulator accepts (besides the ones it is started with). */
    credentials: z
      .array(
        z
          .object({
            accessKeyId: z.string().regex(/^\w+$/, 'must be letters, digits and underscores, like AKIA…'),
            secretAccessKey: z.string().min(1),
            sessionToken: z.string().min(1).optional(),
          })
          .strict(),
      )
      .default([]),
    accounts: z
      .array(
        z
          .object({ id: accountId, alias: z.string().min(1), management: z.boolean().default(false) })
          .strict(),
      )
      .default([]),
    permissionSets: z
      .array(
        z
          .object({
            name: z.string().regex(/^[\w+=,.@-]{1,32}$/),
            arn: z.string().optional(),
            description: z.string().max(700).optional(),
            sessionDuration: isoDuration.default('PT1H'),
          })
          .strict(),
      )
      .default([]),
    groups: z
      .array(z.object({ name: z.string().min(1), description: z.string().optional() }).strict())
      .default([]),
    users: z
      .array(
        z
          .object({
            userName: z.string().min(1).max(128),
            givenName: z.string().min(1),
            familyName: z.string().min(1),
            displayName: z.string().optional(),
            email: z.string().email().optional(),
            title: z.string().optional(),
            groups: z.array(z.string()).default([]),
            ...userActivityFields,
          })
          .strict(),
      )
      .default([]),
    assignments: z
      .array(
        z
          .object({
            permissionSet: z.string(),
            accounts: z.array(z.string()).min(1),
            group: z.string().optional(),
            user: z.string().optional(),
          })
          .strict()
          .refine(
            (a) => (a.group === undefined) !== (a.user === undefined),
            'names exactly one of group or user',
          ),
      )
      .default([]),
    legacyIamUsers: z
      .array(
        z
          .object({
            userName: z.string().regex(/^[\w+=,.@-]{1,64}$/),
            path: z.string().default('/'),
            createdDaysAgo: z.number().int().min(0).default(900),
            accessKeys: z
              .array(
                z
                  .object({
                    status: z.enum(['Active', 'Inactive']).default('Active'),
                    lastUsedDaysAgo: z.number().int().min(0).optional(),
                    service: z.string().default('s3'),
                    region: z.string().default('eu-west-1'),
                  })
                  .strict(),
              )
              .default([]),
            loginProfile: z.boolean().default(false),
            groups: z.array(z.string()).default([]),
            attachedPolicies: z.array(z.string()).default([]),
            inlinePolicies: z.array(z.string()).default([]),
            mfa: z.enum(['none', 'virtual', 'hardware']).default('none'),
            signingCertificates: z.number().int().min(0).default(0),
            sshPublicKeys: z.number().int().min(0).default(0),
            serviceCredentials: z.array(z.string()).default([]),
          })
          .strict(),
      )
      .default([]),
    ses: z
      .object({ verifiedIdentities: z.array(z.string()).default([]) })
      .strict()
      .default({ verifiedIdentities: [] }),
    /** Sign-ins besides each user's lastSignInDaysAgo (src/emulator/seed-activity.ts). */
    signIns: z.array(signInSeed).default([]),
    /** Application instances and who is assigned to them. */
    applications: z.array(applicationSeed).default([]),
  })
  .strict();

export type Seed = z.output<typeof seedSchema>;
export type SeedInput = z.input<typeof seedSchema>;

export class SeedError extends Error {}

/** Parses and checks a seed; problems name the exact key: `users[3].email: Invalid email address`. */
export function parseSeed(text: string, source = 'seed'): Seed {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new SeedError(`${source}: not valid YAML: ${(error as Error).message}`);
  }
  return checkSeed(raw ?? {}, source);
}

export function checkSeed(raw: unknown, source = 'seed'): Seed {
  const result = seedSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
    throw new SeedError(`${source}: ${lines.join('; ')}`);
  }
  const seed = result.data;
  const problems = crossCheck(seed);
  if (problems.length > 0) throw new SeedError(`${source}: ${problems.join('; ')}`);
  return seed;
}

function formatPath(path: PropertyKey[]): string {
  return (
    path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('') ||
    '(root)'
  );
}

function crossCheck(seed: Seed): string[] {
  const problems: string[] = [];
  const accounts = new Set(seed.accounts.flatMap((a) => [a.alias, a.id]));
  const sets = new Set(seed.permissionSets.map((p) => p.name));
  const groups = new Set(seed.groups.map((g) => g.name));
  const users = new Set(seed.users.map((u) => u.userName.toLowerCase()));
  const known = (set: Set<string>): string => [...set].join(', ');
  seed.users.forEach((u, i) =>
    u.groups.forEach((g, j) => {
      if (!groups.has(g))
        problems.push(`users[${i}].groups[${j}]: unknown group "${g}" (known: ${known(groups)})`);
    }),
  );
  seed.assignments.forEach((a, i) => {
    if (!sets.has(a.permissionSet)) {
      problems.push(
        `assignments[${i}].permissionSet: unknown permission set "${a.permissionSet}" (known: ${known(sets)})`,
      );
    }
    a.accounts.forEach((acc, j) => {
      if (!accounts.has(acc)) problems.push(`assignments[${i}].accounts[${j}]: unknown account "${acc}"`);
    });
    if (a.group !== undefined && !groups.has(a.group))
      problems.push(`assignments[${i}].group: unknown group "${a.group}"`);
    if (a.user !== undefined && !users.has(a.user.toLowerCase()))
      problems.push(`assignments[${i}].user: unknown user "${a.user}"`);
  });
  const names = new Set<string>();
  seed.users.forEach((u, i) => {
    if (names.has(u.userName.toLowerCase()))
      problems.push(`users[${i}].userName: "${u.userName}" is there twice`);
    names.add(u.userName.toLowerCase());
  });
  problems.push(...crossCheckActivity(seed, users, groups));
  return problems;
}

export function loadSeedFile(path: string): Seed {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SeedError(
      `cannot read seed file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  return parseSeed(text, path);
}

/** The example organisation of PRODUCT.md, which `access-desk.example.yml` and the sandbox are written against. */
export const EXAMPLE_SEED_PATH = fileURLToPath(new URL('./seeds/example-org.yml', import.meta.url));
export const exampleSeed = (): Seed => loadSeedFile(EXAMPLE_SEED_PATH);

export function seedInstance(seed: Seed): Partial<Instance> {
  return {
    ...(seed.instance.arn !== undefined && { InstanceArn: seed.instance.arn }),
    ...(seed.instance.identityStoreId !== undefined && { IdentityStoreId: seed.instance.identityStoreId }),
    ...(seed.instance.name !== undefined && { Name: seed.instance.name }),
    ...(seed.instance.ownerAccountId !== undefined && { OwnerAccountId: seed.instance.ownerAccountId }),
  };
}

const DAY = 86_400_000;

/** Fills a fresh state from a checked seed. Assignments exist at once (provisioned), as in a live organisation. */
export function applySeed(state: EmulatorState, seed: Seed): void {
  const now = state.clock.now();
  const storeId = state.instance.IdentityStoreId;
  for (const a of seed.accounts)
    state.accounts.set(a.id, { id: a.id, alias: a.alias, management: a.management });
  for (const p of seed.permissionSets) {
    const arn = p.arn ?? ids.permissionSetArn(state.instance.InstanceArn);
    state.permissionSets.set(arn, {
      PermissionSetArn: arn,
      Name: p.name,
      ...(p.description !== undefined && { Description: p.description }),
      SessionDuration: p.sessionDuration,
      CreatedDate: new Date(now - 400 * DAY),
    });
  }
  const groupIds = new Map<string, string>();
  for (const g of seed.groups) {
    const id = ids.directoryObjectId(storeId);
    groupIds.set(g.name, id);
    state.groups.set(id, {
      GroupId: id,
      DisplayName: g.name,
      ...(g.description !== undefined && { Description: g.description }),
    });
  }
  const userIds = new Map<string, string>();
  for (const u of seed.users) {
    const id = ids.directoryObjectId(storeId);
    userIds.set(u.userName.toLowerCase(), id);
    state.users.set(id, {
      UserId: id,
      UserName: u.userName,
      attributes: {
        DisplayName: u.displayName ?? `${u.givenName} ${u.familyName}`,
        Name: {
          GivenName: u.givenName,
          FamilyName: u.familyName,
          Formatted: `${u.givenName} ${u.familyName}`,
        },
        ...(u.email !== undefined && { Emails: [{ Value: u.email, Type: 'work', Primary: true }] }),
        ...(u.title !== undefined && { Title: u.title }),
      },
    });
    state.userIdsByName.set(u.userName.toLowerCase(), id);
    for (const g of u.groups) {
      const MembershipId = ids.directoryObjectId(storeId);
      state.memberships.set(MembershipId, { MembershipId, GroupId: groupIds.get(g)!, UserId: id });
    }
  }
  // By name, once: a generated organisation has a thousand accounts and tens of thousands of assignments.
  const accountIds = new Map<string, string>();
  for (const a of state.accounts.values()) if (!accountIds.has(a.alias)) accountIds.set(a.alias, a.id);
  const setsByName = new Map<string, StoredPermissionSet>();
  for (const p of state.permissionSets.values()) if (!setsByName.has(p.Name)) setsByName.set(p.Name, p);
  const accountIdOf = (ref: string): string => accountIds.get(ref) ?? ref;
  for (const a of seed.assignments) {
    const ps = setsByName.get(a.permissionSet)!;
    const [PrincipalType, PrincipalId]: [PrincipalType, string] =
      a.group !== undefined
        ? ['GROUP', groupIds.get(a.group)!]
        : ['USER', userIds.get(a.user!.toLowerCase())!];
    for (const ref of a.accounts) {
      const target = {
        AccountId: accountIdOf(ref),
        PermissionSetArn: ps.PermissionSetArn,
        PrincipalType,
        PrincipalId,
      };
      state.putAssignment(target);
      state.markProvisioned(target.PermissionSetArn, target.AccountId);
    }
  }
  applyActivitySeed(state, seed, userIds, groupIds);
  for (const u of seed.legacyIamUsers) state.iamUsers.set(u.userName, legacyUser(state, u, now));
  for (const identity of seed.ses.verifiedIdentities) state.verifiedIdentities.add(identity);
}

function legacyUser(state: EmulatorState, u: Seed['legacyIamUsers'][number], now: number): IamUser {
  const created = new Date(now - u.createdDaysAgo * DAY);
  const account = state.instance.OwnerAccountId;
  return {
    UserName: u.userName,
    UserId: ids.iamUserId(),
    Arn: `arn:aws:iam::${account}:user${u.path}${u.userName}`,
    Path: u.path,
    CreateDate: created,
    accessKeys: u.accessKeys.map((k) => ({
      AccessKeyId: ids.accessKeyId(),
      Status: k.status,
      CreateDate: created,
      ...(k.lastUsedDaysAgo !== undefined && {
        lastUsed: {
          LastUsedDate: new Date(now - k.lastUsedDaysAgo * DAY),
          ServiceName: k.service,
          Region: k.region,
        },
      }),
    })),
    ...(u.loginProfile && { loginProfile: { CreateDate: created, PasswordResetRequired: false } }),
    groups: [...u.groups],
    attachedPolicies: u.attachedPolicies.map((arn) => ({
      PolicyArn: arn,
      PolicyName: arn.split('/').pop() ?? arn,
    })),
    inlinePolicies: Object.fromEntries(
      u.inlinePolicies.map((name) => [
        name,
        JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
        }),
      ]),
    ),
    mfaDevices:
      u.mfa === 'none'
        ? []
        : [
            {
              SerialNumber:
                u.mfa === 'virtual'
                  ? `arn:aws:iam::${account}:mfa/${u.userName}`
                  : `GAHT${String(now).slice(-8)}`,
              EnableDate: created,
              virtual: u.mfa === 'virtual',
            },
          ],
    signingCertificates: Array.from({ length: u.signingCertificates }, () => ({
      CertificateId: ids.signingCertificateId(),
      CertificateBody: '-----BEGIN CERTIFICATE-----\nMIIBemulated\n-----END CERTIFICATE-----',
      Status: 'Active' as const,
      UploadDate: created,
    })),
    sshPublicKeys: Array.from({ length: u.sshPublicKeys }, (_v, i) => ({
      SSHPublicKeyId: ids.sshKeyId(),
      Fingerprint: `1f:${String(i).padStart(2, '0')}:emulated`,
      SSHPublicKeyBody: `ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC${i} ${u.userName}`,
      Status: 'Active' as const,
      UploadDate: created,
    })),
    serviceCredentials: u.serviceCredentials.map((service) => ({
      ServiceSpecificCredentialId: ids.serviceCredentialId(),
      ServiceName: service,
      ServiceUserName: `${u.userName.replace(/@.*/, '')}-at-${account}`,
      Status: 'Active' as const,
      CreateDate: created,
    })),
  };
}
