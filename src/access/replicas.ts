/**
 * Who else runs on this ledger. Each replica says every two seconds that it is alive, and learns how many are:
 * AWS's rate limits (and the assignment creations it allows in progress) belong to the account, so each replica
 * keeps to an equal share of them. A replica that dies stops counting once it has been silent for three beats;
 * one that stops says so and counts no more at once.
 */
import type { Logger } from '../log.js';
import type { Clock } from './clock.js';
import type { Ledger } from './ledger.js';

export interface ReplicaRegistryOptions {
  ledger: Pick<Ledger, 'heartbeat' | 'leave'>;
  clock: Clock;
  logger: Logger;
  /** This replica's id (the job runner's owner: one per process start). */
  id: string;
  /** Told the number of live replicas (itself included) at each beat where it changed. */
  onCount: (replicas: number) => void;
  /** How often this replica says it is alive. Default 2 s. */
  beatMs?: number;
}

const DEFAULT_BEAT_MS = 2_000;
/** Replicas started together each see only those before them at first: one more look soon after start. */
const SECOND_LOOK_MS = 500;
/** Silent for this many beats: counted out. */
const BEATS_TO_LIVE = 3;

export class ReplicaRegistry {
  private readonly log: Logger;
  private readonly beatMs: number;
  private timer: NodeJS.Timeout | undefined;
  private secondLook: NodeJS.Timeout | undefined;
  private count = 1;
  private beating: Promise<void> | undefined;

  constructor(private readonly options: ReplicaRegistryOptions) {
    this.log = options.logger.child({ module: 'replicas' });
    this.beatMs = options.beatMs ?? DEFAULT_BEAT_MS;
  }

  /** Beats at once (so the share is known before work starts), once more soon after, then every `beatMs`. */
  async start(): Promise<number> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), this.beatMs);
    this.timer.unref();
    this.secondLook = setTimeout(() => void this.beat(), Math.min(SECOND_LOOK_MS, this.beatMs));
    this.secondLook.unref();
    return this.count;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearTimeout(this.secondLook);
    this.timer = undefined;
    await this.beating;
    try {
      await this.options.ledger.leave?.(this.options.id);
    } catch (err) {
      this.log.warn(
        { err },
        'could not say this replica stopped; the others count it out when it stays silent',
      );
    }
  }

  /** One beat: says this replica is alive and takes the new count. A failed beat keeps the last count. */
  beat(): Promise<void> {
    this.beating ??= this.beatOnce().finally(() => {
      this.beating = undefined;
    });
    return this.beating;
  }

  private async beatOnce(): Promise<void> {
    const { ledger, clock, id, onCount } = this.options;
    if (ledger.heartbeat === undefined) return;
    try {
      const live = await ledger.heartbeat(id, clock.now(), this.beatMs * BEATS_TO_LIVE);
      if (live !== this.count) {
        this.log.info(
          { replicas: live, was: this.count },
          'replicas on this ledger changed: AWS limits shared anew',
        );
        this.count = live;
        onCount(live);
      }
    } catch (err) {
      this.log.warn({ err }, 'replica heartbeat failed; keeping the last count');
    }
  }
}
