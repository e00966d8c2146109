/**
 * identitystore: users, groups and group memberships of the emulated Identity Center instance.
 * The framework has checked each input against the model; these handlers check what AWS checks beyond it
 * (uniqueness, existence, the attributes the service insists on) and answer with the model's output shapes.
 */
import type { AwsServiceError } from '../errors.js';
import { conflict, resourceNotFound, validationError, validationMessage } from '../errors.js';
import { ids } from '../ids.js';
import type { EmulatorState, StoredGroup, StoredMembership, StoredUser } from '../state.js';
import { paginate } from './paging.js';
import type { OperationContext, ServiceHandlers } from './types.js';

// ---------- input shapes (the members each handler reads) ----------

interface StoreInput {
  IdentityStoreId: string;
}
interface UserIdInput extends StoreInput {
  UserId: string;
}
interface GroupIdInput extends StoreInput {
  GroupId: string;
}
interface MembershipIdInput extends StoreInput {
  MembershipId: string;
}
interface MemberId {
  UserId?: string;
}
interface ExternalId {
  Issuer: string;
  Id: string;
}
interface AlternateIdentifier {
  ExternalId?: ExternalId;
  UniqueAttribute?: { AttributePath: string; AttributeValue: unknown };
}
interface PageInput extends StoreInput {
  MaxResults?: number;
  NextToken?: string;
  Filters?: { AttributePath: string; AttributeValue: string }[];
}
interface AttributeOperation {
  AttributePath: string;
  AttributeValue?: unknown;
}
interface Email {
  Value?: string;
  Type?: string;
  Primary?: boolean;
}

// ---------- constants ----------

const PAGE_LIMIT = 100;

/** Members of the model's User shape besides UserId, UserName and IdentityStoreId. */
const USER_ATTRIBUTES = [
  'Addresses',
  'DisplayName',
  'Emails',
  'ExternalIds',
  'Locale',
  'Name',
  'NickName',
  'PhoneNumbers',
  'PreferredLanguage',
  'ProfileUrl',
  'Timezone',
  'Title',
  'UserType',
] as const;

/** CreateUser members stored as attributes (ExternalIds come from SCIM provisioning, never from CreateUser). */
const CREATE_USER_ATTRIBUTES = USER_ATTRIBUTES.filter((a) => a !== 'ExternalIds');

const STRING_ATTRIBUTES = [
  'DisplayName',
  'Locale',
  'NickName',
  'PreferredLanguage',
  'ProfileUrl',
  'Timezone',
  'Title',
  'UserType',
];

/** Sub-members of the complex attributes, so that an UpdateUser value may spell them `givenName` or `GivenName`. */
const COMPLEX_MEMBERS: Record<string, Record<string, 'string' | 'boolean'>> = {
  Name: {
    FamilyName: 'string',
    Formatted: 'string',
    GivenName: 'string',
    HonorificPrefix: 'string',
    HonorificSuffix: 'string',
    MiddleName: 'string',
  },
  Emails: { Value: 'string', Type: 'string', Primary: 'boolean' },
  PhoneNumbers: { Value: 'string', Type: 'string', Primary: 'boolean' },
  Addresses: {
    Country: 'string',
    Formatted: 'string',
    Locality: 'string',
    PostalCode: 'string',
    Primary: 'boolean',
    Region: 'string',
    StreetAddress: 'string',
    Type: 'string',
  },
};

/** The model caps Emails, PhoneNumbers and Addresses at one entry. */
const LIST_ATTRIBUTES = new Set(['Emails', 'PhoneNumbers', 'Addresses']);

/** Names the service keeps for itself, for users and groups alike. */
const RESERVED_NAMES = new Set(['administrator', 'awsadministrators']);
const SENSITIVE_MAX = 1024;
const SENSITIVE_PATTERN = /^[\p{L}\p{M}\p{S}\p{N}\p{P}\t\n\r \u00a0\u3000]+$/u;

// ---------- indexes ----------

/**
 * Lookups the service answers in constant time: users by email, groups by display name, memberships by group,
 * by member and by pair. The state's maps stay the source of truth: the seeder may fill them directly, so an
 * index is rebuilt whenever its map's size differs from what this module last saw, and every hit is checked.
 */
interface Indexes {
  emailsSeen: number;
  userIdsByEmail: Map<string, string>;
  groupsSeen: number;
  groupIdsByName: Map<string, string>;
  membershipsSeen: number;
  membershipsByGroup: Map<string, Set<string>>;
  membershipsByUser: Map<string, Set<string>>;
  membershipByPair: Map<string, string>;
}

const indexes = new WeakMap<EmulatorState, Indexes>();

function indexesOf(state: EmulatorState): Indexes {
  let ix = indexes.get(state);
  if (ix === undefined) {
    ix = {
      emailsSeen: -1,
      userIdsByEmail: new Map(),
      groupsSeen: -1,
      groupIdsByName: new Map(),
      membershipsSeen: -1,
      membershipsByGroup: new Map(),
      membershipsByUser: new Map(),
      membershipByPair: new Map(),
    };
    indexes.set(state, ix);
  }
  return ix;
}

const fold = (s: string): string => s.toLowerCase();
const pairKey = (groupId: string, userId: string): string => `${groupId}|${userId}`;

function emailsOf(user: StoredUser): string[] {
  const emails = user.attributes.Emails;
  if (!Array.isArray(emails)) return [];
  return (emails as Email[]).flatMap((e) => (typeof e?.Value === 'string' ? [fold(e.Value)] : []));
}

function emailIndex(state: EmulatorState): Map<string, string> {
  const ix = indexesOf(state);
  if (ix.emailsSeen !== state.users.size) {
    ix.userIdsByEmail.clear();
    for (const user of state.users.values()) {
      for (const email of emailsOf(user)) ix.userIdsByEmail.set(email, user.UserId);
    }
    ix.emailsSeen = state.users.size;
  }
  return ix.userIdsByEmail;
}

function userByEmail(state: EmulatorState, email: string): StoredUser | undefined {
  const key = fold(email);
  const id = emailIndex(state).get(key);
  const user = id === undefined ? undefined : state.users.get(id);
  if (user !== undefined && emailsOf(user).includes(key)) return user;
  return undefined;
}

function groupNameIndex(state: EmulatorState): Map<string, string> {
  const ix = indexesOf(state);
  if (ix.groupsSeen !== state.groups.size) {
    ix.groupIdsByName.clear();
    for (const group of state.groups.values()) ix.groupIdsByName.set(fold(group.DisplayName), group.GroupId);
    ix.groupsSeen = state.groups.size;
  }
  return ix.groupIdsByName;
}

function groupByName(state: EmulatorState, displayName: string): StoredGroup | undefined {
  const id = groupNameIndex(state).get(fold(displayName));
  const group = id === undefined ? undefined : state.groups.get(id);
  return group !== undefined && fold(group.DisplayName) === fold(displayName) ? group : undefined;
}

function addToSet(map: Map<string, Set<string>>, key: string, value: string): void {
  let set = map.get(key);
  if (set === undefined) {
    set = new Set();
    map.set(key, set);
  }
  set.add(value);
}

function membershipIndex(state: EmulatorState): Indexes {
  const ix = indexesOf(state);
  if (ix.membershipsSeen !== state.memberships.size) {
    ix.membershipsByGroup.clear();
    ix.membershipsByUser.clear();
    ix.membershipByPair.clear();
    for (const m of state.memberships.values()) {
      addToSet(ix.membershipsByGroup, m.GroupId, m.MembershipId);
      addToSet(ix.membershipsByUser, m.UserId, m.MembershipId);
      ix.membershipByPair.set(pairKey(m.GroupId, m.UserId), m.MembershipId);
    }
    ix.membershipsSeen = state.memberships.size;
  }
  return ix;
}

/**
 * Every user in the order they were made, kept between pages: a page of 100 out of 20,000 then costs 100, not a
 * copy of all of them. CreateUser and DeleteUser drop it; a seeder filling the map directly changes its size.
 */
const userLists = new WeakMap<EmulatorState, StoredUser[]>();

function usersInOrder(state: EmulatorState): readonly StoredUser[] {
  const kept = userLists.get(state);
  if (kept !== undefined && kept.length === state.users.size) return kept;
  const list = [...state.users.values()];
  userLists.set(state, list);
  return list;
}

/** Builds the lookups before the first call needs them (the emulator calls it once a seed is in). */
export function prepareDirectory(state: EmulatorState): void {
  emailIndex(state);
  groupNameIndex(state);
  membershipIndex(state);
  usersInOrder(state);
}

function membershipsIn(
  state: EmulatorState,
  membershipIds: Set<string> | undefined,
  check: (m: StoredMembership) => boolean,
): StoredMembership[] {
  const out: StoredMembership[] = [];
  for (const id of membershipIds ?? []) {
    const m = state.memberships.get(id);
    if (m !== undefined && check(m)) out.push(m);
  }
  return out;
}

function membershipOf(state: EmulatorState, groupId: string, userId: string): StoredMembership | undefined {
  const id = membershipIndex(state).membershipByPair.get(pairKey(groupId, userId));
  const m = id === undefined ? undefined : state.memberships.get(id);
  return m !== undefined && m.GroupId === groupId && m.UserId === userId ? m : undefined;
}

function addMembership(state: EmulatorState, m: StoredMembership): void {
  const ix = membershipIndex(state);
  state.memberships.set(m.MembershipId, m);
  addToSet(ix.membershipsByGroup, m.GroupId, m.MembershipId);
  addToSet(ix.membershipsByUser, m.UserId, m.MembershipId);
  ix.membershipByPair.set(pairKey(m.GroupId, m.UserId), m.MembershipId);
  ix.membershipsSeen = state.memberships.size;
}

function removeMembership(state: EmulatorState, m: StoredMembership): void {
  const ix = membershipIndex(state);
  state.memberships.delete(m.MembershipId);
  ix.membershipsByGroup.get(m.GroupId)?.delete(m.MembershipId);
  ix.membershipsByUser.get(m.UserId)?.delete(m.MembershipId);
  if (ix.membershipByPair.get(pairKey(m.GroupId, m.UserId)) === m.MembershipId) {
    ix.membershipByPair.delete(pairKey(m.GroupId, m.UserId));
  }
  ix.membershipsSeen = state.memberships.size;
}

/** Removes every membership of one user or one group, and that principal's index entry. */
function removeMembershipsOf(state: EmulatorState, of: 'user' | 'group', id: string): void {
  const ix = membershipIndex(state);
  const byPrincipal = of === 'user' ? ix.membershipsByUser : ix.membershipsByGroup;
  const belongs = (m: StoredMembership): boolean => (of === 'user' ? m.UserId : m.GroupId) === id;
  for (const m of membershipsIn(state, byPrincipal.get(id), belongs)) removeMembership(state, m);
  byPrincipal.delete(id);
}

// ---------- checks ----------

function checkStore(input: Record<string, unknown>, ctx: OperationContext): void {
  const id = (input as unknown as StoreInput).IdentityStoreId;
  if (id !== ctx.state.instance.IdentityStoreId) throw resourceNotFound('IDENTITY_STORE', String(id));
}

function mustNotBeNull(path: string): AwsServiceError {
  return validationError(
    validationMessage([{ path, value: undefined, constraint: 'Member must not be null' }]),
  );
}

function userOf(state: EmulatorState, userId: string): StoredUser {
  const user = state.users.get(userId);
  if (user === undefined) throw resourceNotFound('USER', userId);
  return user;
}

function groupOf(state: EmulatorState, groupId: string): StoredGroup {
  const group = state.groups.get(groupId);
  if (group === undefined) throw resourceNotFound('GROUP', groupId);
  return group;
}

function membershipById(state: EmulatorState, membershipId: string): StoredMembership {
  const m = state.memberships.get(membershipId);
  if (m === undefined) throw resourceNotFound('GROUP_MEMBERSHIP', membershipId);
  return m;
}

/** MemberId is a union whose only member today is UserId. */
function memberUserId(memberId: MemberId | undefined): string {
  if (memberId?.UserId === undefined) throw mustNotBeNull('memberId.userId');
  return memberId.UserId;
}

function checkUserName(state: EmulatorState, userName: string, exceptUserId?: string): void {
  if (RESERVED_NAMES.has(fold(userName))) {
    throw validationError(`UserName '${userName}' is reserved and can't be used.`);
  }
  const existing = state.userByName(userName);
  if (existing !== undefined && existing.UserId !== exceptUserId) {
    throw conflict(
      `Duplicate UserName: a user named '${existing.UserName}' already exists.`,
      'UNIQUENESS_CONSTRAINT_VIOLATION',
    );
  }
}

function checkEmails(state: EmulatorState, emails: unknown, exceptUserId?: string): void {
  if (!Array.isArray(emails)) return;
  for (const e of emails as Email[]) {
    if (typeof e?.Value !== 'string') continue;
    const owner = userByEmail(state, e.Value);
    if (owner !== undefined && owner.UserId !== exceptUserId) {
      throw conflict(
        `Duplicate email: '${e.Value}' is already used by another user.`,
        'UNIQUENESS_CONSTRAINT_VIOLATION',
      );
    }
  }
}

function checkGroupName(state: EmulatorState, displayName: string, exceptGroupId?: string): void {
  if (RESERVED_NAMES.has(fold(displayName))) {
    throw validationError(`DisplayName '${displayName}' is reserved and can't be used.`);
  }
  const existing = groupByName(state, displayName);
  if (existing !== undefined && existing.GroupId !== exceptGroupId) {
    throw conflict(
      `Duplicate GroupDisplayName: a group named '${existing.DisplayName}' already exists.`,
      'UNIQUENESS_CONSTRAINT_VIOLATION',
    );
  }
}

// ---------- output ----------

function userOutput(state: EmulatorState, user: StoredUser): Record<string, unknown> {
  const out: Record<string, unknown> = { UserId: user.UserId, UserName: user.UserName };
  for (const name of USER_ATTRIBUTES) {
    const value = user.attributes[name];
    if (value !== undefined && value !== null) out[name] = structuredClone(value);
  }
  // AWS answers every user's status; no request sets it (a CreateUser carrying one does not store it).
  out.UserStatus = user.UserStatus ?? 'ENABLED';
  out.IdentityStoreId = state.instance.IdentityStoreId;
  return out;
}

function groupOutput(state: EmulatorState, group: StoredGroup): Record<string, unknown> {
  const externalIds = (group as StoredGroup & { ExternalIds?: ExternalId[] }).ExternalIds;
  return {
    GroupId: group.GroupId,
    DisplayName: group.DisplayName,
    ...(group.Description === undefined ? {} : { Description: group.Description }),
    ...(externalIds === undefined ? {} : { ExternalIds: structuredClone(externalIds) }),
    IdentityStoreId: state.instance.IdentityStoreId,
  };
}

function membershipOutput(state: EmulatorState, m: StoredMembership): Record<string, unknown> {
  return {
    IdentityStoreId: state.instance.IdentityStoreId,
    MembershipId: m.MembershipId,
    GroupId: m.GroupId,
    MemberId: { UserId: m.UserId },
  };
}

// ---------- lookups by alternate identifier ----------

function uniqueValue(identifier: AlternateIdentifier): { path: string; value: string } | undefined {
  const unique = identifier.UniqueAttribute;
  if (unique === undefined) return undefined;
  if (typeof unique.AttributeValue !== 'string') {
    throw validationError('AttributeValue of a UniqueAttribute must be a string.');
  }
  return { path: fold(unique.AttributePath), value: unique.AttributeValue };
}

function checkIdentifier(identifier: AlternateIdentifier | undefined): AlternateIdentifier {
  if (identifier === undefined) throw mustNotBeNull('alternateIdentifier');
  const set = [identifier.ExternalId, identifier.UniqueAttribute].filter(
    (v) => v !== undefined && v !== null,
  );
  if (set.length !== 1) throw validationError('AlternateIdentifier must have exactly one member set.');
  return identifier;
}

const sameExternalId = (list: unknown, wanted: ExternalId): boolean =>
  Array.isArray(list) && (list as ExternalId[]).some((e) => e.Issuer === wanted.Issuer && e.Id === wanted.Id);

// ---------- attribute updates ----------

/** Rewrites an object's keys onto the model's member names (`givenName` → `GivenName`), checking each value. */
function complexValue(attribute: string, value: unknown, path: string): Record<string, unknown> {
  const members = COMPLEX_MEMBERS[attribute]!;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw validationError(`AttributeValue for '${path}' must be an object.`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const member = Object.keys(members).find((m) => fold(m) === fold(key));
    if (member === undefined) throw validationError(`Unknown attribute '${key}' in '${path}'.`);
    if (v === null || v === undefined) continue;
    out[member] =
      members[member] === 'boolean' ? booleanValue(v, `${path}.${key}`) : stringValue(v, `${path}.${key}`);
  }
  return out;
}

function stringValue(value: unknown, path: string): string {
  if (typeof value !== 'string') throw validationError(`AttributeValue for '${path}' must be a string.`);
  const length = [...value].length;
  if (length < 1 || length > SENSITIVE_MAX) {
    throw validationError(
      `AttributeValue for '${path}' must be between 1 and ${SENSITIVE_MAX} characters long.`,
    );
  }
  // The model's SensitiveStringType: printable text and ordinary white space, no control characters.
  if (!SENSITIVE_PATTERN.test(value)) {
    throw validationError(`AttributeValue for '${path}' must not contain control characters.`);
  }
  return value;
}

function booleanValue(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw validationError(`AttributeValue for '${path}' must be a boolean.`);
  return value;
}

/** The model's member name for a camel-case attribute path segment: `displayName` → `DisplayName`. */
function memberFor(segment: string, candidates: readonly string[]): string | undefined {
  return candidates.find((c) => fold(c) === fold(segment));
}

const UPDATABLE_USER_ATTRIBUTES = [...STRING_ATTRIBUTES, 'Name', 'Emails', 'PhoneNumbers', 'Addresses'];

/** Applies one UpdateUser operation to a draft; a missing AttributeValue removes the attribute. */
function applyUserOperation(
  draft: { UserName: string; attributes: Record<string, unknown> },
  op: AttributeOperation,
) {
  const path = op.AttributePath;
  const [head = '', sub, ...rest] = path.split('.');
  const value = op.AttributeValue;
  const removing = value === undefined || value === null;
  if (fold(head) === 'username' && sub === undefined) {
    // Set once by CreateUser and immutable after: people sign in with it, and AWS keys the user to it.
    throw validationError(`Invalid attribute path: ${path}. UserName is immutable and cannot be updated.`);
  }
  const attribute = memberFor(head, UPDATABLE_USER_ATTRIBUTES);
  if (attribute === undefined || rest.length > 0) throw validationError(`Invalid attribute path: ${path}`);
  if (sub !== undefined) {
    // Only Name has addressable sub-attributes (name.givenName); list attributes are replaced whole.
    const member = attribute === 'Name' ? memberFor(sub, Object.keys(COMPLEX_MEMBERS.Name!)) : undefined;
    if (member === undefined) throw validationError(`Invalid attribute path: ${path}`);
    const current = draft.attributes.Name;
    const name: Record<string, unknown> =
      typeof current === 'object' && current !== null ? { ...(current as Record<string, unknown>) } : {};
    if (removing) delete name[member];
    else name[member] = stringValue(value, path);
    draft.attributes.Name = name;
    return;
  }
  if (removing) {
    if (attribute === 'DisplayName') throw validationError('DisplayName cannot be removed.');
    delete draft.attributes[attribute];
    return;
  }
  if (STRING_ATTRIBUTES.includes(attribute)) {
    draft.attributes[attribute] = stringValue(value, path);
  } else if (LIST_ATTRIBUTES.has(attribute)) {
    const items = Array.isArray(value) ? (value as unknown[]) : [value];
    if (items.length > 1) throw validationError(`AttributeValue for '${path}' may hold at most 1 entry.`);
    // The model's lists hold 1 entry at least; removing the attribute is done by giving no value.
    if (items.length === 0) throw validationError(`AttributeValue for '${path}' must hold 1 entry.`);
    const entries = items.map((item) => complexValue(attribute, item, path));
    if (attribute === 'Emails' && entries.some((e) => e.Value === undefined)) {
      throw validationError(`AttributeValue for '${path}' must give each email a value.`);
    }
    draft.attributes[attribute] = entries;
  } else {
    draft.attributes[attribute] = complexValue(attribute, value, path);
  }
}

// ---------- paging and filters ----------

function page<T>(items: readonly T[], input: PageInput, listName: string) {
  return paginate(items, {
    listName,
    token: input.NextToken,
    limit: input.MaxResults,
    defaultLimit: PAGE_LIMIT,
  });
}

/**
 * The deprecated Filters: one exact, case-insensitive match on the one attribute AWS documents for each list,
 * UserName for ListUsers and DisplayName for ListGroups. Any other path is refused, as AWS refuses it, so a
 * filter that passes here is one AWS takes too.
 */
function filterOf(
  input: PageInput,
  attribute: 'UserName' | 'DisplayName',
  operation: string,
): { path: string; value: string } | undefined {
  const filter = input.Filters?.[0];
  if (filter === undefined) return undefined;
  if (memberFor(filter.AttributePath, [attribute]) === undefined) {
    throw validationError(
      `Invalid filter attribute path '${filter.AttributePath}': ${operation} filters only on ${attribute}.`,
    );
  }
  return { path: attribute, value: fold(filter.AttributeValue) };
}

// ---------- handlers ----------

export const identitystoreHandlers: ServiceHandlers = {
  CreateUser(input, ctx) {
    checkStore(input, ctx);
    const { state } = ctx;
    const req = input as { UserName?: string; DisplayName?: string; Name?: unknown; Emails?: unknown };
    // The model marks them optional; the service refuses a user without them.
    if (req.UserName === undefined) throw mustNotBeNull('userName');
    if (req.DisplayName === undefined) throw mustNotBeNull('displayName');
    if (req.Name === undefined || req.Name === null) throw mustNotBeNull('name');
    checkUserName(state, req.UserName);
    checkEmails(state, req.Emails);
    const attributes: Record<string, unknown> = {};
    for (const name of CREATE_USER_ATTRIBUTES) {
      if (input[name] !== undefined && input[name] !== null) attributes[name] = structuredClone(input[name]);
    }
    const emails = emailIndex(state);
    const user: StoredUser = {
      UserId: ids.directoryObjectId(state.instance.IdentityStoreId),
      UserName: req.UserName,
      attributes,
    };
    state.users.set(user.UserId, user);
    userLists.delete(state);
    state.userIdsByName.set(fold(user.UserName), user.UserId);
    for (const email of emailsOf(user)) emails.set(email, user.UserId);
    indexesOf(state).emailsSeen = state.users.size;
    return { UserId: user.UserId, IdentityStoreId: state.instance.IdentityStoreId };
  },

  DescribeUser(input, ctx) {
    checkStore(input, ctx);
    return userOutput(ctx.state, userOf(ctx.state, (input as unknown as UserIdInput).UserId));
  },

  UpdateUser(input, ctx) {
    checkStore(input, ctx);
    const { state } = ctx;
    const req = input as unknown as UserIdInput & { Operations: AttributeOperation[] };
    const user = userOf(state, req.UserId);
    // Every operation is checked on a draft first: one refused leaves the user as it was (all or nothing).
    const draft = { UserName: user.UserName, attributes: structuredClone(user.attributes) };
    for (const op of req.Operations) applyUserOperation(draft, op);
    checkEmails(state, draft.attributes.Emails, user.UserId);

    const emails = emailIndex(state);
    for (const email of emailsOf(user)) if (emails.get(email) === user.UserId) emails.delete(email);
    user.attributes = draft.attributes;
    for (const email of emailsOf(user)) emails.set(email, user.UserId);
    return {};
  },

  DeleteUser(input, ctx) {
    checkStore(input, ctx);
    const { state } = ctx;
    const user = userOf(state, (input as unknown as UserIdInput).UserId);
    // AWS removes a deleted user's memberships with it.
    removeMembershipsOf(state, 'user', user.UserId);
    const emails = emailIndex(state);
    for (const email of emailsOf(user)) if (emails.get(email) === user.UserId) emails.delete(email);
    if (state.userIdsByName.get(fold(user.UserName)) === user.UserId)
      state.userIdsByName.delete(fold(user.UserName));
    state.users.delete(user.UserId);
    userLists.delete(state);
    indexesOf(state).emailsSeen = state.users.size;
    return {};
  },

  ListUsers(input, ctx) {
    checkStore(input, ctx);
    const { state } = ctx;
    const req = input as unknown as PageInput;
    const filter = filterOf(req, 'UserName', 'ListUsers');
    let users: readonly StoredUser[];
    if (filter === undefined) {
      users = usersInOrder(state);
    } else {
      const user = state.userByName(filter.value);
      users = user === undefined ? [] : [user];
    }
    const listName = filter === undefined ? 'ListUsers' : `ListUsers:${filter.path}`;
    const { page: items, nextToken } = page(users, req, listName);
    return { Users: items.map((u) => userOutput(state, u)), NextToken: nextToken };
  },

  GetUserId(input, ctx) {
    checkStore(input, ctx);
    const { state } = ctx;
    const identifier = checkIdentifier(
      (input as { AlternateIdentifier?: AlternateIdentifier }).AlternateIdentifier,
    );
    let user: StoredUser | undefined;
    let wanted: string;
    const unique = uniqueValue(identifier);
    if (unique !== undefined) {
      wanted = unique.value;
      if (unique.path === 'username') user = state.userByName(unique.value);
      else if (unique.path === 'emails.value') user = userByEmail(state, unique.value);
      else throw validationError(`Invalid attribute path for a user: ${unique.path}`);
    } else {
      const externalId = identifier.ExternalId!;
      wanted = externalId.Id;
      user = [...state.users.values()].find((u) => sameExternalId(u.attributes.ExternalIds, externalId));
    }
    if (user === undefined) throw resourceNotFound('USER', wanted);
    return { UserId: user.UserId, IdentityStoreId: state.instance.IdentityStoreId };
  },

  CreateGroup(input, ctx) {
    checkStore(input, ctx);
    const { state } = ctx;
    const req = input as { DisplayName?: string; Description?: string };
    // Optional in the model; the service refuses a group without a name, and GetGroupId relies on it.
    if (req.DisplayName === undefined) throw mustNotBeNull('displayName');
    checkGroupName(state, req.DisplayName);
    const names = groupNameIndex(state);
    const group: StoredGroup = {
      GroupId: ids.directoryObjectId(state.instance.IdentityStoreId),
      DisplayName: req.DisplayName,
      ...(req.Description === undefined ? {} : { Description: req.Description }),
    };
    state.groups.set(group.GroupId, group);
    names.set(fold(group.DisplayName), group.GroupId);
    indexesOf(state).groupsSeen = state.groups.size;
    return { GroupId: group.GroupId, IdentityStoreId: state.instance.IdentityStoreId };
  },

  DescribeGroup(input, ctx) {
    checkStore(input, ctx);
    return groupOutput(ctx.state, groupOf(ctx.state, (input as unknown as GroupIdInput).GroupId));
  },

  UpdateGroup(input, ctx) {
    checkStore(input, ctx);
    const { state } = ctx;
    const req = input as unknown as GroupIdInput & { Operations: AttributeOperation[] };
    const group = groupOf(state, req.GroupId);
    const draft: { DisplayName: string; Description?: string } = {
      DisplayName: group.DisplayName,
      ...(group.Description === undefined ? {} : { Description: group.Description }),
    };
    for (const op of req.Operations) {
      const removing = op.AttributeValue === undefined || op.AttributeValue === null;
      const member = memberFor(op.AttributePath, ['DisplayName', 'Description']);
      if (member === undefined) throw validationError(`Invalid attribute path: ${op.AttributePath}`);
      if (member === 'DisplayName') {
        if (removing) throw validationError('DisplayName cannot be removed.');
        draft.DisplayName = stringValue(op.AttributeValue, op.AttributePath);
      } else if (removing) {
        delete draft.Description;
      } else {
        draft.Description = stringValue(op.AttributeValue, op.AttributePath);
      }
    }
    if (draft.DisplayName !== group.DisplayName) checkGroupName(state, draft.DisplayName, group.GroupId);
    const names = groupNameIndex(state);
    if (names.get(fold(group.DisplayName)) === group.GroupId) names.delete(fold(group.DisplayName));
    group.DisplayName = draft.DisplayName;
    if (draft.Description === undefined) delete group.Description;
    else group.Description = draft.Description;
    names.set(fold(group.DisplayName), group.GroupId);
    return {};
  },

  DeleteGroup(input, ctx) {
    checkStore(input, ctx);
    const { state } = ctx;
    const group = groupOf(state, (input as unknown as GroupIdInput).GroupId);
    // AWS removes a deleted group's memberships with it.
    removeMembershipsOf(state, 'group', group.GroupId);
    const names = groupNameIndex(state);
    if (names.get(fold(group.DisplayName)) === group.GroupId) names.delete(fold(group.DisplayName));
    state.groups.delete(group.GroupId);
    indexesOf(state).groupsSeen = state.groups.size;
    return {};
  },

  ListGroups(input, ctx) {
    checkStore(input, ctx);
    const { state } = ctx;
    const req = input as unknown as PageInput;
    const filter = filterOf(req, 'DisplayName', 'ListGroups');
    let groups: StoredGroup[];
    if (filter === undefined) {
      groups = [...state.groups.values()];
    } else {
      const group = groupByName(state, filter.value);
      groups = group === undefined ? [] : [group];
    }
    const listName = filter === undefined ? 'ListGroups' : `ListGroups:${filter.path}`;
    const { page: items, nextToken } = page(groups, req, listName);
    return { Groups: items.map((g) => groupOutput(state, g)), NextToken: nextToken };
  },

  GetGroupId(input, ctx) {
    checkStore(input, ctx);
    const { state } = ctx;
    const identifier = checkIdentifier(
      (input as { AlternateIdentifier?: AlternateIdentifier }).AlternateIdentifier,
    );
    let group: StoredGroup | undefined;
    let wanted: string;
    const unique = uniqueValue(identifier);
    if (unique !== undefined) {
      wanted = unique.value;
      if (unique.path !== 'displayname')
        throw validationError(`Invalid attribute path for a group: ${unique.path}`);
      group = groupByName(state, unique.value);
    } else {
      const externalId = identifier.ExternalId!;
      wanted = externalId.Id;
      group = [...state.groups.values()].find((g) =>
        sameExternalId((g as StoredGroup & { ExternalIds?: unknown }).ExternalIds, externalId),
      );
    }
    if (group === undefined) throw resourceNotFound('GROUP', wanted);
    return { GroupId: group.GroupId, IdentityStoreId: state.instance.IdentityStoreId };
  },

  CreateGroupMembership(input, ctx) {
    checkStore(input, ctx);
    const { state } = ctx;
    const req = input as unknown as GroupIdInput & { MemberId?: MemberId };
    const group = groupOf(state, req.GroupId);
    const user = userOf(state, memberUserId(req.MemberId));
    if (membershipOf(state, group.GroupId, user.UserId) !== undefined) {
      throw conflict(
        `Duplicate membership: user '${user.UserId}' is already a member of group '${group.GroupId}'.`,
        'UNIQUENESS_CONSTRAINT_VIOLATION',
      );
    }
    const membership: StoredMembership = {
      MembershipId: ids.directoryObjectId(state.instance.IdentityStoreId),
      GroupId: group.GroupId,
      UserId: user.UserId,
    };
    addMembership(state, membership);
    return { MembershipId: membership.MembershipId, IdentityStoreId: state.instance.IdentityStoreId };
  },

  DescribeGroupMembership(input, ctx) {
    checkStore(input, ctx);
    const m = membershipById(ctx.state, (input as unknown as MembershipIdInput).MembershipId);
    return membershipOutput(ctx.state, m);
  },

  DeleteGroupMembership(input, ctx) {
    checkStore(input, ctx);
    const m = membershipById(ctx.state, (input as unknown as MembershipIdInput).MembershipId);
    removeMembership(ctx.state, m);
    return {};
  },

  GetGroupMembershipId(input, ctx) {
    checkStore(input, ctx);
    const { state } = ctx;
    const req = input as unknown as GroupIdInput & { MemberId?: MemberId };
    const group = groupOf(state, req.GroupId);
    const user = userOf(state, memberUserId(req.MemberId));
    const m = membershipOf(state, group.GroupId, user.UserId);
    if (m === undefined) throw resourceNotFound('GROUP_MEMBERSHIP', user.UserId);
    return { MembershipId: m.MembershipId, IdentityStoreId: state.instance.IdentityStoreId };
  },

  ListGroupMemberships(input, ctx) {
    checkStore(input, ctx);
    const { state } = ctx;
    const req = input as unknown as PageInput & GroupIdInput;
    const group = groupOf(state, req.GroupId);
    const ix = membershipIndex(state);
    const all = membershipsIn(
      state,
      ix.membershipsByGroup.get(group.GroupId),
      (m) => m.GroupId === group.GroupId,
    );
    const { page: items, nextToken } = page(all, req, `ListGroupMemberships:${group.GroupId}`);
    return { GroupMemberships: items.map((m) => membershipOutput(state, m)), NextToken: nextToken };
  },

  ListGroupMembershipsForMember(input, ctx) {
    checkStore(input, ctx);
    const { state } = ctx;
    const req = input as unknown as PageInput & { MemberId?: MemberId };
    const user = userOf(state, memberUserId(req.MemberId));
    const ix = membershipIndex(state);
    const all = membershipsIn(state, ix.membershipsByUser.get(user.UserId), (m) => m.UserId === user.UserId);
    const { page: items, nextToken } = page(all, req, `ListGroupMembershipsForMember:${user.UserId}`);
    return { GroupMemberships: items.map((m) => membershipOutput(state, m)), NextToken: nextToken };
  },

  IsMemberInGroups(input, ctx) {
    checkStore(input, ctx);
    const { state } = ctx;
    const req = input as unknown as StoreInput & { MemberId?: MemberId; GroupIds: string[] };
    const user = userOf(state, memberUserId(req.MemberId));
    return {
      Results: req.GroupIds.map((groupId) => ({
        GroupId: groupId,
        MemberId: { UserId: user.UserId },
        MembershipExists: membershipOf(state, groupId, user.UserId) !== undefined,
      })),
    };
  },
};
