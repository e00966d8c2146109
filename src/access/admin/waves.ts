/**
 * Admin steps side by side. Steps whose order among themselves does not matter run at once, so that a large
 * piece of work (an offboarding of 300 assignments, a role change of 100 of each, a batch of 200 people) goes
 * at the pace AWS's rate limits allow (the adapter's limiter paces every call) instead of one round trip after
 * another. A wave is a run of consecutive steps of one class:
 *
 * - additions (joining groups, creating assignments): one class, so a role change's additions all succeed
 *   before any of its removals starts, and an onboarding joins its groups while its assignments are made;
 * - removals of assignments, of applications, of group memberships: one class each, so the order PRODUCT.md
 *   gives an offboarding (assignments, then applications, then groups, the user last) still holds between them;
 * - any other step (creating or deleting the user, the welcome email, the ledger's steps): a wave of its own.
 *
 * A wave stops starting steps at the first that fails (or throws): those already started finish and are saved,
 * and the work stops there, as it did one step at a time. Each step's outcome is saved as soon as it is known
 * (DetailsSaver), so a run resumed after a crash starts from the steps not done and does nothing twice.
 */
import type { Assignment } from '../../domain/identity.js';
import type { AdminStep } from '../admin-api.js';
import type { Assignments, AwsOutcome } from '../ports.js';

export type WaveClass = 'add' | 'unassign' | 'remove_application' | 'leave_group';

/** The class of steps a step runs beside; undefined: it runs alone. */
export function waveOf(kind: AdminStep['kind']): WaveClass | undefined {
  switch (kind) {
    case 'join_group':
    case 'assign':
      return 'add';
    case 'unassign':
    case 'remove_application':
    case 'leave_group':
      return kind;
    default:
      return undefined;
  }
}

/**
 * Steps of one wave in progress at once. Enough to keep sso-admin's 20 calls a second busy while each change
 * waits for its provisioning (each step is a submission, a poll a quarter of a second later, and the limiter's
 * wait before each), few enough that the limiter's queue, which a person's own call joins at its end, stays
 * about half a second long (bench/admin-scale.ts: 40 at once made it 2 s, for no more speed). Assignment
 * creations are held to 15 in progress by the adapter whatever this says.
 */
export const WAVE_CONCURRENCY = 12;

const settled = (step: AdminStep): boolean => step.status === 'done' || step.status === 'skipped';

/**
 * The next wave among `order` (indexes into `steps`, in the order they run), starting at position `from`: the
 * first step not done, and the steps after it of its class (steps already done in between are passed over),
 * up to the first step of another class. `next`: the position after the wave.
 */
export function nextWave(
  steps: readonly AdminStep[],
  order: readonly number[],
  from: number,
): { indexes: number[]; next: number } {
  let at = from;
  while (at < order.length && settled(steps[order[at]!]!)) at += 1;
  if (at >= order.length) return { indexes: [], next: at };
  const first = order[at]!;
  const kind = waveOf(steps[first]!.kind);
  const indexes = [first];
  at += 1;
  if (kind === undefined) return { indexes, next: at };
  while (at < order.length) {
    const step = steps[order[at]!]!;
    if (!settled(step)) {
      if (waveOf(step.kind) !== kind) break;
      indexes.push(order[at]!);
    }
    at += 1;
  }
  return { indexes, next: at };
}

/**
 * Runs `runOne` for each index, `concurrency` at a time, starting none after one has failed or thrown. Returns
 * the first failed step's index (in the wave's order), or undefined when all were done. A throw is passed on
 * once every started step has finished: a lost lease (the signal aborted) always, anything else (a passing AWS
 * trouble, tried again later) only when no step failed, since a failed step ends the work until an admin retries.
 */
export async function runWave(
  indexes: readonly number[],
  concurrency: number,
  runOne: (index: number) => Promise<'done' | 'failed'>,
  signal?: AbortSignal,
): Promise<number | undefined> {
  let next = 0;
  let stop = false;
  const failed: number[] = [];
  const thrown: unknown[] = [];
  const worker = async (): Promise<void> => {
    while (!stop && next < indexes.length) {
      const position = next;
      next += 1;
      try {
        if ((await runOne(indexes[position]!)) === 'failed') {
          failed.push(position);
          stop = true;
        }
      } catch (error) {
        thrown.push(error);
        stop = true;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, indexes.length)) }, worker));
  signal?.throwIfAborted();
  if (failed.length > 0) return indexes[Math.min(...failed)];
  if (thrown.length > 0) throw thrown[0];
  return undefined;
}

/**
 * What the subject holds on the accounts of a wave's assignment steps, read once and shared by them (one
 * ListAccountAssignmentsForPrincipal listing instead of one call a step). A user made in this very run holds
 * nothing yet: nothing is read. undefined when the wave makes fewer than two assignments (the step reads its
 * own account, as ever).
 */
export function heldAssignmentsOnce(
  assignments: Pick<Assignments, 'listForPrincipal'>,
  steps: readonly AdminStep[],
  userId: () => string,
  madeInThisRun: boolean,
): (() => Promise<AwsOutcome<Assignment[]>>) | undefined {
  const accounts = [
    ...new Set(
      steps.filter((s) => s.kind === 'assign' && s.accountId !== undefined).map((s) => s.accountId!),
    ),
  ];
  if (madeInThisRun) return () => Promise.resolve({ ok: true, value: [] });
  if (steps.filter((s) => s.kind === 'assign').length < 2) return undefined;
  let read: Promise<AwsOutcome<Assignment[]>> | undefined;
  return () =>
    (read ??= assignments.listForPrincipal({ type: 'USER', id: userId() }, { accountIds: accounts }));
}

/**
 * Saves a request's details as they are when the write starts, with the steps saved since the last write (an
 * audit line each): one write at a time, so that the latest details always win (two writes in flight could
 * land in either order), and steps finished together are saved together. `save` resolves once a write that
 * started after the call has ended.
 */
export class DetailsSaver {
  private queued: AdminStep[] = [];
  private requested = 0;
  private written = 0;
  private writing: Promise<void> | undefined;

  constructor(private readonly write: (steps: AdminStep[]) => Promise<void>) {}

  async save(step?: AdminStep): Promise<void> {
    if (step !== undefined) this.queued.push(step);
    this.requested += 1;
    const mine = this.requested;
    while (this.written < mine) {
      if (this.writing === undefined) {
        const upTo = this.requested;
        const steps = this.queued.splice(0);
        this.writing = this.write(steps)
          .then(() => {
            this.written = Math.max(this.written, upTo);
          })
          .finally(() => {
            this.writing = undefined;
          });
      }
      await this.writing;
    }
  }
}

/** The audit line of a step saved. */
export function stepAudit(requestId: string, step: AdminStep, at: Date) {
  return {
    at,
    actor: 'system',
    action: `admin.step.${step.status}`,
    requestId,
    details: {
      step: step.id,
      label: step.label,
      ...(step.detail !== undefined ? { detail: step.detail } : {}),
    },
  };
}
