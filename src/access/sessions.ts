/**
 * Ending the sessions already open when access ends. AWS has no call that ends a session; its documented remedy
 * is a Deny-all statement in the permission set's inline policy for that person's sessions, here limited to the
 * account whose access ended (`aws:PrincipalAccount`) and to tokens issued before that moment
 * (`aws:TokenIssueTime`), so that a later, approved grant works at once. The statement takes effect once the set
 * is provisioned to the account again, and is removed once the set's session duration has passed (no session
 * from before can be alive then).
 *
 * The ledger records each denial (session_denials); the job here rewrites each permission set's inline policy
 * from that record (src/domain/session-policy.ts keeps everything not ours byte for byte) and provisions it. It
 * runs as one job across replicas (one fixed key): a policy is read, changed and written whole, so two writers
 * of one set would lose each other's statements. AWS takes one permission-set update at a time per account:
 * provisionings of one account run one after another, different accounts side by side.
 */
import type { Logger } from '../log.js';
import type { AccessDeskConfig } from '../config/types.js';
import { withSessionDenials, type SessionDenial } from '../domain/session-policy.js';
import type { Clock } from './clock.js';
import type { GrantRecord, Ledger, LedgerTx, NewJob, SessionDenialRecord } from './ledger.js';
import type { AwsFailure, Assignments, Catalog, Directory, PermissionSetPolicies } from './ports.js';
import { cardJob, notifyJob } from './service.js';

/** The one key of the job: one run at a time, on any replica. */
export const SESSIONS_JOB_KEY = 'end_sessions';

/** How long a statement that could not be removed waits before the next try (AccessDenied, a refused set). */
const LIFT_RETRY_MS = 60 * 60_000;
/** Provisionings of different accounts under way at once (each account's run one after another). */
const ACCOUNTS_AT_ONCE = 4;
/** The session duration assumed when the set's own cannot be read: AWS's maximum, so none outlives it. */
const LONGEST_SESSION_HOURS = 12;

export function sessionsJob(now: Date): NewJob {
  return { kind: 'end_sessions', runAt: now, dedupeKey: SESSIONS_JOB_KEY, rerunIfRunning: true };
}

/**
 * What ended, for one person, account and permission set: a session denial before it is recorded. Its id is
 * deterministic for its cause, so that recording it again (a retried step) is recording it once.
 */
export type EndedAccess = Pick<
  SessionDenialRecord,
  | 'id'
  | 'userId'
  | 'slackUserId'
  | 'userName'
  | 'accountId'
  | 'accountAlias'
  | 'permissionSet'
  | 'permissionSetArn'
  | 'endedAt'
  | 'cause'
  | 'requestId'
  | 'grantId'
>;

/**
 * Records the denials for what ended, inside the caller's transaction, and starts the job. Nothing is recorded
 * when `sessions.endOnRevoke` is off; a set in `sessions.leaveAlone` is recorded as skipped, so that the
 * messages can say why its sessions were left open. Returns the denials recorded now.
 */
export async function recordEndedAccess(
  tx: LedgerTx,
  config: AccessDeskConfig,
  ended: readonly EndedAccess[],
  now: Date,
): Promise<SessionDenialRecord[]> {
  if (!config.sessions.endOnRevoke || ended.length === 0) return [];
  const recorded: SessionDenialRecord[] = [];
  for (const e of ended) {
    const leftAlone = config.sessions.leaveAlone.includes(e.permissionSet);
    const denial: SessionDenialRecord = {
      ...e,
      status: leftAlone ? 'skipped' : 'adding',
      sessionHours: LONGEST_SESSION_HOURS,
      inPolicy: false,
      inForceAt: null,
      liftAt: null,
      liftedAt: null,
      failure: leftAlone ? `${e.permissionSet} is left alone (sessions.leaveAlone)` : null,
      createdAt: now,
    };
    if (await tx.insertSessionDenial(denial)) recorded.push(denial);
  }
  if (recorded.some((d) => d.status === 'adding')) await tx.enqueueJob(sessionsJob(now));
  return recorded;
}

/** The denial for a grant whose assignment was just removed. */
export function endedGrant(
  grant: GrantRecord,
  cause: 'expired' | 'revoked',
  endedAt: Date,
  userName: string | null,
): EndedAccess {
  return {
    id: grant.id,
    userId: grant.principalId,
    slackUserId: grant.requesterSlackId,
    userName,
    accountId: grant.accountId,
    accountAlias: grant.accountAlias,
    permissionSet: grant.permissionSet,
    permissionSetArn: grant.permissionSetArn,
    endedAt,
    cause,
    requestId: grant.requestId,
    grantId: grant.id,
  };
}

/** What a person holds now: keys `<permission set ARN>|<account id>`, with the group for those through one. */
export interface HeldNow {
  direct: ReadonlySet<string>;
  throughGroups: ReadonlyMap<string, string>;
}

export const heldKey = (permissionSetArn: string, accountId: string): string =>
  `${permissionSetArn}|${accountId}`;

/**
 * What the person holds in AWS now, directly and through groups. A person who is gone (offboarded) holds
 * nothing; any other failure is returned, for the caller to try again later.
 */
export async function readHeldNow(
  deps: { directory: Directory; assignments: Assignments },
  userId: string,
): Promise<{ ok: true; value: HeldNow } | { ok: false; error: AwsFailure }> {
  const memberships = await deps.directory.listMembershipsOfUser(userId);
  if (!memberships.ok) {
    if (memberships.error.code === 'not_found')
      return { ok: true, value: { direct: new Set(), throughGroups: new Map() } };
    return memberships;
  }
  const direct = await deps.assignments.listForPrincipal({ type: 'USER', id: userId });
  if (!direct.ok && direct.error.code !== 'not_found') return direct;
  const throughGroups = new Map<string, string>();
  const groups = await Promise.all(memberships.value.map((m) => deps.assignments.listForGroup(m.groupId)));
  for (const [i, listed] of groups.entries()) {
    if (!listed.ok) return listed;
    const group = memberships.value[i]!.groupId;
    for (const a of listed.value) throughGroups.set(heldKey(a.permissionSetArn, a.accountId), group);
  }
  return {
    ok: true,
    value: {
      direct: new Set(direct.ok ? direct.value.map((a) => heldKey(a.permissionSetArn, a.accountId)) : []),
      throughGroups,
    },
  };
}

export interface SessionWorkDeps {
  config: AccessDeskConfig;
  ledger: Ledger;
  policies: PermissionSetPolicies;
  directory: Directory;
  assignments: Assignments;
  catalog: Catalog;
  clock: Clock;
  logger: Logger;
}

/** A failure worth trying again later; the job is run again with a growing wait. */
export class SessionsRetryLater extends Error {}

const TRANSIENT = new Set<AwsFailure['code']>(['throttled', 'timed_out', 'aws_error', 'conflict']);

/** One permission set's provisioning to one account, and the denials it puts in force or lifts. */
interface Provisioning {
  permissionSetArn: string;
  accountId: string;
  adds: SessionDenialRecord[];
  lifts: SessionDenialRecord[];
}

export class SessionWork {
  private readonly log: Logger;

  constructor(private readonly deps: SessionWorkDeps) {
    this.log = deps.logger.child({ module: 'sessions' });
  }

  /** Whether the job has anything to do now: denials waiting to be added, or statements due to be removed. */
  async due(now: Date): Promise<boolean> {
    const { ledger } = this.deps;
    const adding = await ledger.findSessionDenials({ statuses: ['adding'] });
    if (adding.length > 0) return true;
    return (await ledger.findSessionDenials({ liftDueBy: now })).length > 0;
  }

  /** The job: adds what waits, lifts what is due; throws SessionsRetryLater when something must be tried again. */
  async run(signal?: AbortSignal): Promise<void> {
    const { ledger, clock } = this.deps;
    const now = clock.now();
    const deferred: string[] = [];
    let adding = await ledger.findSessionDenials({ statuses: ['adding'] });
    const lifting = await ledger.findSessionDenials({ liftDueBy: now });
    if (adding.length === 0 && lifting.length === 0) return;

    adding = await this.passOverHeldThroughGroups(adding, deferred);
    const sets = new Set([...adding, ...lifting].map((d) => d.permissionSetArn));
    const provisionings: Provisioning[] = [];
    for (const arn of sets) {
      signal?.throwIfAborted();
      const adds = adding.filter((d) => d.permissionSetArn === arn);
      const lifts = lifting.filter((d) => d.permissionSetArn === arn);
      provisionings.push(...(await this.rewrite(arn, adds, lifts, now, deferred)));
    }
    await this.provisionAll(provisionings, deferred, signal);
    if (deferred.length > 0) throw new SessionsRetryLater(deferred.join('; '));
  }

  /**
   * A person who still holds the access through a group keeps their sessions: those were not ended, and a
   * denial would cut access they still have. (A direct assignment now is a newer grant: its sessions were
   * issued after the moment denied, and the denial stands.)
   */
  private async passOverHeldThroughGroups(
    adding: SessionDenialRecord[],
    deferred: string[],
  ): Promise<SessionDenialRecord[]> {
    const kept: SessionDenialRecord[] = [];
    for (const userId of new Set(adding.map((d) => d.userId))) {
      const mine = adding.filter((d) => d.userId === userId);
      const held = await readHeldNow(this.deps, userId);
      if (!held.ok) {
        deferred.push(`what ${userId} holds could not be read: ${held.error.message}`);
        continue;
      }
      for (const d of mine) {
        const group = held.value.throughGroups.get(heldKey(d.permissionSetArn, d.accountId));
        if (group === undefined) {
          kept.push(d);
          continue;
        }
        await this.settle(d, { status: 'skipped', failure: `still held through group ${group}` }, 'skipped');
      }
    }
    return kept;
  }

  /**
   * Rewrites one permission set's inline policy so that access-desk's statements are exactly the denials in
   * force plus those being added, less those due to be lifted; returns the provisionings that make it count.
   */
  private async rewrite(
    permissionSetArn: string,
    adds: SessionDenialRecord[],
    lifts: SessionDenialRecord[],
    now: Date,
    deferred: string[],
  ): Promise<Provisioning[]> {
    const { ledger, policies } = this.deps;
    const liftIds = new Set(lifts.map((d) => d.id));
    const addIds = new Set(adds.map((d) => d.id));
    const kept = (
      await ledger.findSessionDenials({ permissionSetArn, statuses: ['in_force', 'failed', 'adding'] })
    ).filter(
      (d) =>
        !liftIds.has(d.id) &&
        d.liftedAt === null &&
        (d.status === 'in_force' || (d.status === 'failed' && d.inPolicy) || addIds.has(d.id)),
    );
    // Those in force first, so that when the policy is full it is the newest that cannot be added.
    const ordered = [...kept.filter((d) => !addIds.has(d.id)), ...kept.filter((d) => addIds.has(d.id))];
    const name = adds[0]?.permissionSet ?? lifts[0]?.permissionSet ?? permissionSetArn;

    const current = await policies.getInlinePolicy(permissionSetArn);
    if (!current.ok) {
      await this.cannotChange(name, adds, lifts, now, current.error, 'read', deferred);
      return [];
    }
    const edit = withSessionDenials(current.value, ordered.map(toDenial));
    if (!edit.ok) {
      const why = `the inline policy of ${name} cannot be read as a policy: ${edit.problem}`;
      for (const d of adds) await this.settle(d, { status: 'failed', failure: why }, 'end_failed');
      for (const d of lifts) await this.postponeLift(d, now, why);
      return [];
    }
    const left = new Set(edit.left.map((d) => pairKey(d.userId, d.accountId)));
    const fitted = adds.filter((d) => !left.has(pairKey(d.userId, d.accountId)));
    for (const d of adds.filter((d) => left.has(pairKey(d.userId, d.accountId)))) {
      await this.settle(
        d,
        {
          status: 'failed',
          failure: `the inline policy of ${name} would pass AWS's limit of 10,240 characters`,
        },
        'end_failed',
      );
    }
    if (!edit.unchanged) {
      const written =
        edit.text === null
          ? await policies.deleteInlinePolicy(permissionSetArn)
          : await policies.putInlinePolicy(permissionSetArn, edit.text);
      if (!written.ok && !(edit.text === null && written.error.code === 'not_found')) {
        await this.cannotChange(name, fitted, lifts, now, written.error, 'change', deferred);
        return [];
      }
      this.log.info(
        { permissionSetArn, statements: ordered.length - edit.left.length, lifted: lifts.length },
        'inline policy rewritten',
      );
    }
    for (const d of fitted) await ledger.updateSessionDenial(d.id, { inPolicy: true });

    const byAccount = new Map<string, Provisioning>();
    const of = (accountId: string): Provisioning => {
      let p = byAccount.get(accountId);
      if (p === undefined) {
        p = { permissionSetArn, accountId, adds: [], lifts: [] };
        byAccount.set(accountId, p);
      }
      return p;
    };
    for (const d of fitted) of(d.accountId).adds.push({ ...d, inPolicy: true });
    for (const d of lifts) of(d.accountId).lifts.push(d);
    return [...byAccount.values()];
  }

  /** The policy could not be read or written: a passing failure is tried again; AWS's "no" is reported. */
  private async cannotChange(
    name: string,
    adds: SessionDenialRecord[],
    lifts: SessionDenialRecord[],
    now: Date,
    error: AwsFailure,
    what: 'read' | 'change',
    deferred: string[],
  ): Promise<void> {
    if (TRANSIENT.has(error.code)) {
      deferred.push(
        `the inline policy of ${name} could not be ${what === 'read' ? 'read' : 'changed'}: ${error.message}`,
      );
      return;
    }
    if (error.code === 'not_found') {
      // The permission set is gone: so is every session of it, and every statement.
      for (const d of adds)
        await this.settle(d, { status: 'skipped', failure: `${name} no longer exists` }, 'skipped');
      for (const d of lifts) await this.lifted(d);
      return;
    }
    const why = `AWS refused to ${what} the inline policy of ${name}: ${error.message}`;
    for (const d of adds) await this.settle(d, { status: 'failed', failure: why }, 'end_failed');
    for (const d of lifts) await this.postponeLift(d, now, why);
  }

  /** Provisions each set to each account: one account's one after another, accounts side by side. */
  private async provisionAll(
    provisionings: Provisioning[],
    deferred: string[],
    signal?: AbortSignal,
  ): Promise<void> {
    const byAccount = new Map<string, Provisioning[]>();
    for (const p of provisionings) byAccount.set(p.accountId, [...(byAccount.get(p.accountId) ?? []), p]);
    const queues = [...byAccount.values()];
    const worker = async (): Promise<void> => {
      for (let queue = queues.shift(); queue !== undefined; queue = queues.shift()) {
        for (const p of queue) {
          signal?.throwIfAborted();
          await this.provisionOne(p, deferred, signal);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(ACCOUNTS_AT_ONCE, queues.length) }, worker));
  }

  private async provisionOne(p: Provisioning, deferred: string[], signal?: AbortSignal): Promise<void> {
    const { policies, clock } = this.deps;
    const result = await policies.provision(p.permissionSetArn, p.accountId, signal ? { signal } : {});
    const now = clock.now();
    const name = p.adds[0]?.permissionSet ?? p.lifts[0]?.permissionSet ?? p.permissionSetArn;
    const alias = p.adds[0]?.accountAlias ?? p.lifts[0]?.accountAlias ?? p.accountId;
    if (!result.ok && TRANSIENT.has(result.error.code)) {
      deferred.push(`${name} could not be provisioned to ${alias}: ${result.error.message}`);
      return;
    }
    const hours = await this.sessionHours(p.permissionSetArn);
    const liftAt = new Date(now.getTime() + hours * 3_600_000);
    if (!result.ok) {
      const why = `AWS could not provision ${name} to ${alias}: ${result.error.reason ?? result.error.message}`;
      // The statement is in the policy: it is removed at its time all the same.
      for (const d of p.adds)
        await this.settle(d, { status: 'failed', failure: why, sessionHours: hours, liftAt }, 'end_failed');
      for (const d of p.lifts) await this.postponeLift(d, now, why);
      return;
    }
    for (const d of p.adds)
      await this.settle(d, { status: 'in_force', inForceAt: now, sessionHours: hours, liftAt }, 'ended');
    for (const d of p.lifts) await this.lifted(d);
  }

  private async sessionHours(permissionSetArn: string): Promise<number> {
    const set = await this.deps.catalog.permissionSetByArn(permissionSetArn);
    return set.ok ? set.value.sessionHours : LONGEST_SESSION_HOURS;
  }

  /**
   * Records how a denial ended up, with its audit event, and redraws what shows it: the card, and for a grant
   * the holder's message that their access ended (held back until now, so that it can say so).
   */
  private async settle(
    d: SessionDenialRecord,
    patch: Parameters<Ledger['updateSessionDenial']>[1],
    outcome: 'ended' | 'end_failed' | 'skipped',
  ): Promise<void> {
    const { ledger, clock } = this.deps;
    const now = clock.now();
    await ledger.transaction(async (tx) => {
      await tx.updateSessionDenial(d.id, patch);
      await tx.appendAudit({
        at: now,
        actor: 'system',
        action: `aws.sessions.${outcome}`,
        requestId: d.requestId,
        grantId: d.grantId,
        details: {
          account: d.accountAlias,
          permissionSet: d.permissionSet,
          user: d.userName ?? d.userId,
          endedAt: d.endedAt.toISOString(),
          ...(patch.liftAt ? { until: patch.liftAt.toISOString() } : {}),
          ...(patch.failure ? { why: patch.failure } : {}),
        },
      });
      if (d.requestId !== null) {
        await tx.enqueueJob(cardJob(d.requestId, now));
        if (d.grantId !== null) await tx.enqueueJob(notifyJob(d.requestId, 'ended', now, d.grantId));
      }
    });
  }

  private async lifted(d: SessionDenialRecord): Promise<void> {
    const { ledger, clock } = this.deps;
    const now = clock.now();
    await ledger.transaction(async (tx) => {
      await tx.updateSessionDenial(d.id, {
        liftedAt: now,
        ...(d.status === 'in_force' ? { status: 'lifted' as const } : {}),
      });
      await tx.appendAudit({
        at: now,
        actor: 'system',
        action: 'aws.sessions.lifted',
        requestId: d.requestId,
        grantId: d.grantId,
        details: { account: d.accountAlias, permissionSet: d.permissionSet, user: d.userName ?? d.userId },
      });
    });
  }

  /** A statement AWS would not let us remove now: tried again later, and said so in the audit. */
  private async postponeLift(d: SessionDenialRecord, now: Date, why: string): Promise<void> {
    const { ledger } = this.deps;
    await ledger.transaction(async (tx) => {
      await tx.updateSessionDenial(d.id, { liftAt: new Date(now.getTime() + LIFT_RETRY_MS) });
      await tx.appendAudit({
        at: now,
        actor: 'system',
        action: 'aws.sessions.lift_failed',
        requestId: d.requestId,
        grantId: d.grantId,
        details: { account: d.accountAlias, permissionSet: d.permissionSet, why },
      });
    });
  }
}

const pairKey = (userId: string, accountId: string): string => `${userId}|${accountId}`;

function toDenial(d: SessionDenialRecord): SessionDenial {
  return { userId: d.userId, accountId: d.accountId, endedAt: d.endedAt };
}
