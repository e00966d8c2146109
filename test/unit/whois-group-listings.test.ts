/**
 * What groups give, kept for whois: fresh for a minute, then used while it is read again behind the answer, and
 * read first once it is older than the longest age; never kept after a failed read.
 */
import { describe, expect, it } from 'vitest';
import { GroupListings } from '../../src/access/insight/group-listings.js';
import type { Assignments, AwsOutcome, Directory } from '../../src/access/ports.js';
import type { Assignment, DirectoryGroup, GroupMembership } from '../../src/domain/identity.js';
import { silentLogger } from '../../src/log.js';

const MINUTE = 60_000;

class Clock {
  at = new Date('2026-12-07T12:00:00Z');
  now(): Date {
    return this.at;
  }
  advance(ms: number): void {
    this.at = new Date(this.at.getTime() + ms);
  }
}

/** A group's assignments as AWS has them now; counts the reads, and can fail the next one. */
class GroupAssignments implements Pick<Assignments, 'listForGroup'> {
  reads = 0;
  accounts = ['111111111111'];
  failNext = false;
  async listForGroup(
    groupId: string,
    _options?: { accountIds?: string[] },
  ): Promise<AwsOutcome<Assignment[]>> {
    this.reads += 1;
    await Promise.resolve();
    if (this.failNext) {
      this.failNext = false;
      return { ok: false, error: { code: 'throttled', message: 'slow down' } };
    }
    return {
      ok: true,
      value: this.accounts.map((accountId) => ({
        accountId,
        permissionSetArn: 'arn:ps-ro',
        principal: { type: 'GROUP' as const, id: groupId },
      })),
    };
  }
}

const accountsOf = (listed: AwsOutcome<Assignment[]>): string[] =>
  listed.ok ? listed.value.map((a) => a.accountId) : [];

describe('the group listings whois keeps', () => {
  it('reads a group once while it is fresh, and says when it was read', async () => {
    const clock = new Clock();
    const aws = new GroupAssignments();
    const listings = new GroupListings(clock, silentLogger);
    const heard: Date[] = [];
    const assignments = listings.assignmentsFor(aws, (at) => heard.push(at));
    const readAt = clock.now();

    const [a, b] = await Promise.all([assignments.listForGroup('g-1'), assignments.listForGroup('g-1')]);
    expect(aws.reads).toBe(1);
    clock.advance(30_000);
    expect(accountsOf(await assignments.listForGroup('g-1'))).toEqual(['111111111111']);
    expect(aws.reads).toBe(1);
    expect(accountsOf(a)).toEqual(accountsOf(b));
    expect(heard.every((at) => at.getTime() === readAt.getTime())).toBe(true);
  });

  it('answers from what it has after a minute, reading again behind the answer for the next one', async () => {
    const clock = new Clock();
    const aws = new GroupAssignments();
    const assignments = new GroupListings(clock, silentLogger).assignmentsFor(aws, () => undefined);
    await assignments.listForGroup('g-1');
    aws.accounts = ['111111111111', '222222222222'];

    clock.advance(2 * MINUTE);
    expect(accountsOf(await assignments.listForGroup('g-1'))).toEqual(['111111111111']);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(aws.reads).toBe(2);
    expect(accountsOf(await assignments.listForGroup('g-1'))).toEqual(['111111111111', '222222222222']);
  });

  it('reads again before answering once the listing is older than 15 minutes', async () => {
    const clock = new Clock();
    const aws = new GroupAssignments();
    const assignments = new GroupListings(clock, silentLogger).assignmentsFor(aws, () => undefined);
    await assignments.listForGroup('g-1');
    aws.accounts = ['333333333333'];
    clock.advance(16 * MINUTE);
    expect(accountsOf(await assignments.listForGroup('g-1'))).toEqual(['333333333333']);
  });

  it('keeps nothing from a failed read, and passes a listing for some accounts only straight to AWS', async () => {
    const clock = new Clock();
    const aws = new GroupAssignments();
    const assignments = new GroupListings(clock, silentLogger).assignmentsFor(aws, () => undefined);
    aws.failNext = true;
    expect((await assignments.listForGroup('g-1')).ok).toBe(false);
    expect((await assignments.listForGroup('g-1')).ok).toBe(true);
    expect(aws.reads).toBe(2);

    await assignments.listForGroup('g-1', { accountIds: ['111111111111'] });
    await assignments.listForGroup('g-1', { accountIds: ['111111111111'] });
    expect(aws.reads).toBe(4);
  });

  it('names groups from the kept list, and reads the list again when someone is in a group it does not know', async () => {
    const clock = new Clock();
    let groups: DirectoryGroup[] = [{ id: 'g-1', name: 'Platform' }];
    let listed = 0;
    const aws: Pick<Directory, 'listGroups' | 'listMembershipsOfUser'> = {
      listGroups: () => {
        listed += 1;
        return Promise.resolve({ ok: true, value: groups });
      },
      listMembershipsOfUser: (userId: string): Promise<AwsOutcome<GroupMembership[]>> =>
        Promise.resolve({
          ok: true,
          value: groups.map((g) => ({ membershipId: `m-${g.id}`, groupId: g.id, userId })),
        }),
    };
    const listings = new GroupListings(clock, silentLogger);
    const whois = async (): Promise<string[]> => {
      const directory = listings.directoryFor(aws, () => undefined);
      const [, names] = await Promise.all([directory.listMembershipsOfUser('u-1'), directory.listGroups()]);
      return names.ok ? names.value.map((g) => g.name) : [];
    };
    expect(await whois()).toEqual(['Platform']);
    expect(await whois()).toEqual(['Platform']);
    expect(listed).toBe(1);

    groups = [...groups, { id: 'g-2', name: 'Security' }];
    expect(await whois()).toEqual(['Platform', 'Security']);
    expect(listed).toBe(2);
  });
});
