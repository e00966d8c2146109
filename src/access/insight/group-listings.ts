/**
 * What each group gives (its account assignments), kept for whois. A group that carries access on 1,000
 * accounts is 10 pages of ListAccountAssignmentsForPrincipal, read one after another (AWS pages at 100 and the
 * next page needs the last one's token): 10 round trips that no amount of parallelism shortens. Groups are
 * shared by many people and what they give changes rarely, so whois keeps each group's listing:
 *
 * - younger than `freshMs`: used as it is;
 * - younger than `maxAgeMs`: used, and read again in the background, so that the next whois has it fresh;
 * - older, or never read: read now, and waited for.
 *
 * The same for each group's application assignments, and for the list of groups (their names). The person's own memberships, direct assignments and
 * applications are always read from AWS; only what a group gives is kept, and whois says when it was read. Only whois uses this: offboarding and role changes read
 * everything fresh, since they act on it.
 */
import type {
  ApplicationAssignment,
  Assignment,
  DirectoryGroup,
  GroupMembership,
} from '../../domain/identity.js';
import type { Logger } from '../../log.js';
import type { Clock } from '../clock.js';
import type { ApplicationAssignments, Assignments, AwsOutcome, Directory } from '../ports.js';

export interface GroupListingsOptions {
  /** Used without a second look for this long. Default one minute. */
  freshMs?: number;
  /** Used (and refreshed in the background) up to this age; older is read again first. Default 15 minutes. */
  maxAgeMs?: number;
  /** Listings kept at most (the least recently read are let go). Default 4,000. */
  maxKept?: number;
}

/** What a group gives (its account assignments, its application assignments), or the groups' names. */
type Kind = 'accounts' | 'applications' | 'groups';

interface Entry {
  items: readonly unknown[];
  readAt: Date;
}

export class GroupListings {
  private readonly kept = new Map<string, Entry>();
  private readonly reading = new Map<string, Promise<AwsOutcome<Entry>>>();
  private readonly freshMs: number;
  private readonly maxAgeMs: number;
  private readonly maxKept: number;

  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger,
    options: GroupListingsOptions = {},
  ) {
    this.freshMs = options.freshMs ?? 60_000;
    this.maxAgeMs = Math.max(this.freshMs, options.maxAgeMs ?? 15 * 60_000);
    this.maxKept = options.maxKept ?? 4_000;
  }

  /** The group's listing of this kind and when AWS gave it: kept, or read with `read`. */
  async list<T>(
    kind: Kind,
    groupId: string,
    read: () => Promise<AwsOutcome<T[]>>,
    /** Read now even if kept (what is kept is known not to be enough). */
    fresh = false,
  ): Promise<AwsOutcome<{ items: readonly T[]; readAt: Date }>> {
    const key = `${kind}|${groupId}`;
    const entry = fresh ? undefined : this.kept.get(key);
    const age = entry === undefined ? Infinity : this.clock.now().getTime() - entry.readAt.getTime();
    const kept = entry as { items: readonly T[]; readAt: Date } | undefined;
    if (kept !== undefined && age < this.freshMs) return { ok: true, value: kept };
    if (kept !== undefined && age < this.maxAgeMs) {
      this.read(key, read).catch((err: unknown) =>
        this.logger.warn({ groupId, kind, err }, 'group listing not read again'),
      );
      return { ok: true, value: kept };
    }
    return (await this.read(key, read)) as AwsOutcome<{ items: readonly T[]; readAt: Date }>;
  }

  /** `Assignments` whose listForGroup (whole listings) answers from here; `onRead` hears each listing's age. */
  assignmentsFor<T extends Pick<Assignments, 'listForGroup'>>(inner: T, onRead: (readAt: Date) => void): T {
    return new Proxy(inner, {
      get: (target, property, receiver) => {
        if (property !== 'listForGroup') return Reflect.get(target, property, receiver) as unknown;
        return async (
          groupId: string,
          options?: { accountIds?: string[] },
        ): Promise<AwsOutcome<Assignment[]>> => {
          if (options?.accountIds !== undefined) return target.listForGroup(groupId, options);
          const listed = await this.list('accounts', groupId, () => target.listForGroup(groupId));
          if (!listed.ok) return listed;
          onRead(listed.value.readAt);
          return { ok: true, value: [...listed.value.items] };
        };
      },
    });
  }

  /** `ApplicationAssignments` whose listForPrincipal answers from here for a group. */
  applicationsFor<T extends Pick<ApplicationAssignments, 'listForPrincipal'>>(
    inner: T,
    onRead: (readAt: Date) => void,
  ): T {
    return new Proxy(inner, {
      get: (target, property, receiver) => {
        if (property !== 'listForPrincipal') return Reflect.get(target, property, receiver) as unknown;
        return async (
          principal: Parameters<ApplicationAssignments['listForPrincipal']>[0],
        ): Promise<AwsOutcome<ApplicationAssignment[]>> => {
          if (principal.type !== 'GROUP') return target.listForPrincipal(principal);
          const listed = await this.list('applications', principal.id, () =>
            target.listForPrincipal(principal),
          );
          if (!listed.ok) return listed;
          onRead(listed.value.readAt);
          return { ok: true, value: [...listed.value.items] };
        };
      },
    });
  }

  /**
   * A `Directory` whose listGroups (the names of every group: pages of 100, one after another, in an
   * organisation with hundreds of groups) answers from here, and is read again first when it does not know one
   * of the groups that listMembershipsOfUser, asked by the same whois, names (a group made since).
   */
  directoryFor<T extends Pick<Directory, 'listGroups' | 'listMembershipsOfUser'>>(
    inner: T,
    onRead: (readAt: Date) => void,
  ): T {
    let memberships: Promise<AwsOutcome<GroupMembership[]>> | undefined;
    return new Proxy(inner, {
      get: (target, property, receiver) => {
        if (property === 'listMembershipsOfUser') {
          return (userId: string): Promise<AwsOutcome<GroupMembership[]>> => {
            memberships = target.listMembershipsOfUser(userId);
            return memberships;
          };
        }
        if (property !== 'listGroups') return Reflect.get(target, property, receiver) as unknown;
        return async (): Promise<AwsOutcome<DirectoryGroup[]>> => {
          const read = (): Promise<AwsOutcome<DirectoryGroup[]>> => target.listGroups();
          let listed = await this.list('groups', '*', read);
          const of = await memberships;
          if (listed.ok && of?.ok === true) {
            const known = new Set(listed.value.items.map((g) => g.id));
            if (of.value.some((m) => !known.has(m.groupId)))
              listed = await this.list('groups', '*', read, true);
          }
          if (!listed.ok) return listed;
          onRead(listed.value.readAt);
          return { ok: true, value: [...listed.value.items] };
        };
      },
    });
  }

  /** Concurrent readers of one listing share one read; a failed read keeps nothing. */
  private read(key: string, read: () => Promise<AwsOutcome<unknown[]>>): Promise<AwsOutcome<Entry>> {
    const running = this.reading.get(key);
    if (running !== undefined) return running;
    const startedAt = this.clock.now();
    const reading = read()
      .then((listed): AwsOutcome<Entry> => {
        if (!listed.ok) {
          this.logger.warn({ key, err: listed.error }, 'group listing not read');
          return listed;
        }
        const entry = { items: listed.value, readAt: startedAt };
        this.kept.delete(key);
        this.kept.set(key, entry);
        if (this.kept.size > this.maxKept) {
          const oldest = this.kept.keys().next().value;
          if (oldest !== undefined) this.kept.delete(oldest);
        }
        return { ok: true, value: entry };
      })
      .finally(() => this.reading.delete(key));
    this.reading.set(key, reading);
    return reading;
  }
}
