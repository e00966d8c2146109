/**
 * The user listing for `/access users`: every Identity Center user with their groups, read in a handful of
 * calls (the users, the groups, each group's members: never one call per user) and kept for a short while, so
 * that Next and Previous page through one listing instead of reading the directory again on every click.
 */
import type { Outcome } from '../api.js';
import type { Clock } from '../clock.js';
import type { ListedUser, UsersPage } from '../insight-api.js';
import type { Directory } from '../ports.js';
import { ok, refuse } from '../admin/details.js';

export const USERS_PAGE_SIZE = 20;
const DEFAULT_CACHE_MS = 60_000;

interface Listing {
  users: ListedUser[];
  listedAt: Date;
}

export class UserListing {
  // A cache of what AWS said, not state: losing it costs one listing, never correctness.
  private cached: Listing | undefined;
  /** One listing in flight at a time: two admins clicking at once share it. */
  private loading: Promise<Outcome<Listing>> | undefined;

  constructor(
    private readonly directory: Directory,
    private readonly clock: Clock,
    private readonly cacheMs: number = DEFAULT_CACHE_MS,
  ) {}

  async page(page: number, pageSize: number = USERS_PAGE_SIZE): Promise<Outcome<UsersPage>> {
    const listing = await this.listing();
    if (!listing.ok) return listing;
    const { users, listedAt } = listing.value;
    const pages = Math.max(1, Math.ceil(users.length / pageSize));
    const current = Math.min(Math.max(1, Math.floor(Number.isFinite(page) ? page : 1)), pages);
    return ok({
      page: current,
      pageSize,
      pages,
      total: users.length,
      users: users.slice((current - 1) * pageSize, current * pageSize),
      listedAt,
    });
  }

  private async listing(): Promise<Outcome<Listing>> {
    const now = this.clock.now().getTime();
    if (this.cached !== undefined && now - this.cached.listedAt.getTime() < this.cacheMs) {
      return ok(this.cached);
    }
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async load(): Promise<Outcome<Listing>> {
    const listedAt = this.clock.now();
    const [users, groups] = await Promise.all([this.directory.listUsers(), this.directory.listGroups()]);
    if (!users.ok) return unavailable('the users', users.error.message);
    if (!groups.ok) return unavailable('the groups', groups.error.message);
    const members = await Promise.all(groups.value.map((g) => this.directory.listMembersOfGroup(g.id)));
    const groupsOf = new Map<string, string[]>();
    for (const [i, group] of groups.value.entries()) {
      const of = members[i]!;
      if (!of.ok) return unavailable(`the members of group ${group.name}`, of.error.message);
      for (const m of of.value) groupsOf.set(m.userId, [...(groupsOf.get(m.userId) ?? []), group.name]);
    }
    const listed = users.value
      .map((user) => ({ user, groups: (groupsOf.get(user.id) ?? []).sort((a, b) => a.localeCompare(b)) }))
      .sort((a, b) => a.user.userName.localeCompare(b.user.userName));
    this.cached = { users: listed, listedAt };
    return ok(this.cached);
  }
}

const unavailable = (what: string, message: string) =>
  refuse('aws_unavailable', `I could not read ${what} from AWS: ${message}`);
