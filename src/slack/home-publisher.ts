/**
 * Keeps Home tabs current: when something changes for a person (their request moved, an approval now waits
 * for them, a grant began or ended), their Home is drawn again and published. The work is a `home` job in the
 * ledger, one key per person, so that with several replicas a person's Home is drawn by one replica at a time
 * (never an older drawing published after a newer one) and a change made while it is drawn draws it once more.
 * Changes in a burst (a request going from approved to active moves its card several times in a second) are
 * gathered for `delayMs` into one drawing, and this process publishes one at a time, so that views.publish stays
 * well inside Slack's rate limit.
 */
import type { Ledger } from '../access/ledger.js';
import type { Logger } from '../log.js';
import type { CardOptions } from './blocks/buttons.js';
import type { WebClient } from './client.js';
import { loadHomeView, type HomeSources } from './home-content.js';

export interface HomePublisherOptions {
  client: WebClient;
  logger: Logger;
  /** Where `home` jobs are queued (the ledger every replica shares). */
  jobs: Pick<Ledger, 'enqueueJob'>;
  /** Nudges this process's job runner once the gathered changes are due (any replica's tick would too). */
  wake: () => void;
  now?: () => Date;
  /** How long changes for one person are gathered before their Home is drawn. */
  delayMs?: number;
  card?: CardOptions;
}

const DEFAULT_DELAY_MS = 750;
const SLACK_USER = /^[UW][A-Z0-9]+$/;

export const homeJobKey = (slackUserId: string): string => `home:${slackUserId}`;

export class HomePublisher {
  private readonly log: Logger;
  /** Publishes run one after another. */
  private queue: Promise<void> = Promise.resolve();
  private wakeTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Set by serve(): the publisher is made before the services, because the notifier they use tells it. */
  private sources: HomeSources | undefined;

  constructor(private readonly options: HomePublisherOptions) {
    this.log = options.logger.child({ module: 'slack.home' });
  }

  /** Starts drawing Homes from these services; changes before this are ignored (nobody is served yet). */
  serve(sources: HomeSources): void {
    this.sources = sources;
  }

  /** Something changed for these people (Slack user ids; `system` and the like are ignored). */
  changed(slackUserIds: readonly string[]): void {
    if (this.stopped || this.sources === undefined) return;
    const ids = [...new Set(slackUserIds)].filter((id) => SLACK_USER.test(id));
    if (ids.length === 0) return;
    void this.enqueue(ids).catch((err: unknown) =>
      // The tab is drawn again when the person opens it; nothing is lost by a missed refresh.
      this.log.warn({ err, users: ids.length }, 'could not queue a Home tab refresh'),
    );
  }

  private async enqueue(ids: string[]): Promise<void> {
    const delay = this.options.delayMs ?? DEFAULT_DELAY_MS;
    const runAt = new Date((this.options.now?.() ?? new Date()).getTime() + delay);
    const { jobs } = this.options;
    for (const userId of ids) {
      // A queued drawing reads the ledger when it runs, so it shows this change too; a running one is asked
      // to draw once more.
      await jobs.enqueueJob({
        kind: 'home',
        payload: { userId },
        runAt,
        dedupeKey: homeJobKey(userId),
        rerunIfRunning: true,
      });
    }
    if (this.wakeTimer === undefined && !this.stopped) {
      this.wakeTimer = setTimeout(() => {
        this.wakeTimer = undefined;
        if (!this.stopped) this.options.wake();
      }, delay + 10);
      this.wakeTimer.unref();
    }
  }

  /** Draws and publishes one person's Home (a `home` job), after the publishes before it in this process. */
  publish(userId: string): Promise<void> {
    const next = this.queue.then(() => this.publishNow(userId));
    this.queue = next;
    return next;
  }

  /** Publishes no more, and waits for a publish in flight (shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    await this.queue;
  }

  private async publishNow(userId: string): Promise<void> {
    if (this.stopped || this.sources === undefined) return;
    try {
      const view = await loadHomeView(this.sources, userId, this.options.card);
      await this.options.client.views.publish({ user_id: userId, view });
    } catch (err) {
      // The tab is drawn again when the person opens it; nothing is lost by a missed refresh.
      this.log.warn({ err, userId }, 'could not refresh the Home tab');
    }
  }
}
