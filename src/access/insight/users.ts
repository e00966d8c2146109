/**
 * The user listing for `/access users`: every Identity Center user with their groups, read in a handful of
 * calls (the users, the groups, each group's members: never one call per user) and kept for a short while, so
 * that Next and Previous page through one listing instead of reading the directory again on every click.
 * Each user's status comes with the listing; their applications are read for the page shown only (one call per
 * person on it, at most a page's worth), and kept with the listing.
 */
import type { ApplicationAssignment, DirectoryGroup, HeldApplication } from '../../domain/identity.js';
import type { Outcome } from '../api.js';
import type { Clock } from '../clock.js';
import type { ListedUser, UsersPage } from '../insight-api.js';
import type { ApplicationAssignments, AwsOutcome, Directory } from '../ports.js';
import { readHeldApplications } from '../admin/applications.js';
import { ok, refuse } from '../admin/details.js';

export const USERS_PAGE_SIZE = 20;
const DEFAULT_CACHE_MS = 60_000;

interface Listing {
  users: ListedUser[];
  listedAt: Date;
  /** User id → their applications, read when a page showing them was asked for. */
  applications: Map<string, HeldApplication[]>;
  /** User id → their groups (for the applications they hold through them). */
  groupsOf: Map<string, DirectoryGroup[]>;
  /** Group id → its application assignments, read once per listing however many of its members are shown. */
  groupApplications: Map<string, Promise<AwsOutcome<ApplicationAssignment[]>>>;
}

/** The reader, with each group's list read once for the listing (a page shows many members of one group). */
function groupsReadOnce(reader: ApplicationAssignments, listing: Listing): ApplicationAssignments {
  return {
    listForPrincipal: (principal) => {
      if (principal.type !== 'GROUP') return reader.listForPrincipal(principal);
      let read = listing.groupApplications.get(principal.id);
      if (read === undefined) {
        read = reader.listForPrincipal(principal);
        listing.groupApplications.set(principal.id, read);
      }
      return read;
    },
    delete: (assignment) => reader.delete(assignment),
    listApplications: (options) => reader.listApplications(options),
  };
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
    private readonly applications?: ApplicationAssignments,
  ) {}

  async page(page: number, pageSize: number = USERS_PAGE_SIZE): Promise<Outcome<UsersPage>> {
    const listing = await this.listing();
    if (!listing.ok) return listing;
    const { users, listedAt } = listing.value;
    const pages = Math.max(1, Math.ceil(users.length / pageSize));
    const current = Math.min(Math.max(1, Math.floor(Number.isFinite(page) ? page : 1)), pages);
    const shown = users.slice((current - 1) * pageSize, current * pageSize);
    return ok({
      page: current,
      pageSize,
      pages,
      total: users.length,
      users: await this.withApplications(listing.value, shown),
      listedAt,
    });
  }

  /**
   * The page's people with their applications: read once per listing, all of the page at once (the adapter
   * paces them). Someone whose applications cannot be read is shown without them rather than failing the page.
   */
  private async withApplications(listing: Listing, shown: ListedUser[]): Promise<ListedUser[]> {
    if (this.applications === undefined) return shown;
    const reader = groupsReadOnce(this.applications, listing);
    await Promise.all(
      shown
        .filter((u) => !listing.applications.has(u.user.id))
        .map(async (u) => {
          const held = await readHeldApplications(reader, u.user.id, listing.groupsOf.get(u.user.id) ?? []);
          if (held.ok) listing.applications.set(u.user.id, held.value);
        }),
    );
    return shown.map((u) => {
      const applications = listing.applications.get(u.user.id);
      return applications === undefined ? u : { ...u, applications };
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
    const groupRecords = new Map<string, DirectoryGroup[]>();
    for (const [i, group] of groups.value.entries()) {
      const of = members[i]!;
      if (!of.ok) return unavailable(`the members of group ${group.name}`, of.error.message);
      for (const m of of.value) {
        groupsOf.set(m.userId, [...(groupsOf.get(m.userId) ?? []), group.name]);
        groupRecords.set(m.userId, [...(groupRecords.get(m.userId) ?? []), group]);
      }
    }
    const listed = users.value
      .map((user) => ({ user, groups: (groupsOf.get(user.id) ?? []).sort((a, b) => a.localeCompare(b)) }))
      .sort((a, b) => a.user.userName.localeCompare(b.user.userName));
    this.cached = {
      users: listed,
      listedAt,
      applications: new Map(),
      groupsOf: groupRecords,
      groupApplications: new Map(),
    };
    return ok(this.cached);
  }
}

const unavailable = (what: string, message: string) =>
  refuse('aws_unavailable', `I could not read ${what} from AWS: ${message}`);
