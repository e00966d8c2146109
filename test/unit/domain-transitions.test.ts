import { describe, expect, it } from 'vitest';
import {
  FINAL_REQUEST_STATUSES,
  GRANT_TRANSITIONS,
  REQUEST_TRANSITIONS,
  canTransition,
  canTransitionGrant,
  isDecided,
  type GrantStatus,
  type RequestStatus,
} from '../../src/domain/request.js';

const REQUEST_STATUSES = Object.keys(REQUEST_TRANSITIONS) as RequestStatus[];
const GRANT_STATUSES = Object.keys(GRANT_TRANSITIONS) as GrantStatus[];

/** Every status reachable from `from` along the table's edges (not counting `from` unless on a cycle). */
function reachable<S extends string>(table: Readonly<Record<S, readonly S[]>>, from: S): Set<S> {
  const seen = new Set<S>();
  const queue: S[] = [...table[from]];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    if (seen.has(next)) continue;
    seen.add(next);
    queue.push(...table[next]);
  }
  return seen;
}

describe('request statuses', () => {
  it.each(FINAL_REQUEST_STATUSES)('%s is final: there is no way out of it', (status) => {
    expect(REQUEST_TRANSITIONS[status]).toEqual([]);
    for (const to of REQUEST_STATUSES) expect(canTransition(status, to)).toBe(false);
  });

  it('call final exactly the statuses with no way out', () => {
    const deadEnds = REQUEST_STATUSES.filter((s) => REQUEST_TRANSITIONS[s].length === 0);
    expect([...deadEnds].sort()).toEqual([...FINAL_REQUEST_STATUSES].sort());
  });

  const edges: [RequestStatus, RequestStatus, boolean][] = [
    ['pending', 'approved', true],
    ['pending', 'denied', true],
    ['pending', 'cancelled', true],
    ['pending', 'lapsed', true],
    ['pending', 'provisioning', false],
    ['pending', 'active', false],
    ['approved', 'provisioning', true],
    ['approved', 'denied', false],
    ['approved', 'cancelled', false],
    ['provisioning', 'active', true],
    ['provisioning', 'completed', true],
    ['provisioning', 'failed', true],
    ['provisioning', 'ended', false],
    ['active', 'ended', true],
    ['active', 'completed', false],
    ['failed', 'provisioning', true],
    ['failed', 'active', false],
    ['denied', 'approved', false],
    ['ended', 'active', false],
  ];

  it.each(edges)('%s → %s is allowed: %s', (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed);
  });

  it.each(REQUEST_STATUSES)('%s never leads to itself directly', (status) => {
    expect(canTransition(status, status)).toBe(false);
  });

  it('lets a pending request reach every status', () => {
    const fromPending = reachable(REQUEST_TRANSITIONS, 'pending');
    for (const status of REQUEST_STATUSES.filter((s) => s !== 'pending'))
      expect(fromPending).toContain(status);
  });

  it('never returns to pending once a request has left it', () => {
    for (const status of REQUEST_STATUSES)
      expect(reachable(REQUEST_TRANSITIONS, status).has('pending')).toBe(false);
  });

  it('lets every status that is not final reach a final one', () => {
    for (const status of REQUEST_STATUSES.filter((s) => !FINAL_REQUEST_STATUSES.includes(s))) {
      const ends = [...reachable(REQUEST_TRANSITIONS, status)].filter((s) =>
        FINAL_REQUEST_STATUSES.includes(s),
      );
      expect(ends.length, `${status} reaches no final status`).toBeGreaterThan(0);
    }
  });

  it('names only known statuses in the table', () => {
    for (const targets of Object.values(REQUEST_TRANSITIONS)) {
      for (const to of targets) expect(REQUEST_STATUSES).toContain(to);
    }
  });

  it.each(REQUEST_STATUSES)('counts %s as decided unless it is pending', (status) => {
    expect(isDecided(status)).toBe(status !== 'pending');
  });
});

describe('grant statuses', () => {
  it('have ended as the only status with no way out', () => {
    expect(GRANT_STATUSES.filter((s) => GRANT_TRANSITIONS[s].length === 0)).toEqual(['ended']);
  });

  const edges: [GrantStatus, GrantStatus, boolean][] = [
    ['pending', 'provisioning', true],
    ['pending', 'ended', true],
    ['pending', 'active', false],
    ['provisioning', 'active', true],
    ['provisioning', 'failed', true],
    ['provisioning', 'ended', false],
    ['active', 'ending', true],
    ['active', 'ended', false],
    ['ending', 'ended', true],
    ['ending', 'active', true],
    ['failed', 'provisioning', true],
    ['failed', 'ended', true],
    ['ended', 'active', false],
    ['ended', 'provisioning', false],
  ];

  it.each(edges)('%s → %s is allowed: %s', (from, to, allowed) => {
    expect(canTransitionGrant(from, to)).toBe(allowed);
  });

  it('lets every grant reach ended', () => {
    for (const status of GRANT_STATUSES.filter((s) => s !== 'ended')) {
      expect(reachable(GRANT_TRANSITIONS, status)).toContain('ended');
    }
  });

  it('lets an active grant end only by way of ending, so its removal is a job that can resume', () => {
    expect(GRANT_TRANSITIONS.active).toEqual(['ending']);
  });
});
