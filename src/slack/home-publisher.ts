/**
 * Keeps Home tabs current: when something changes for a person (their request moved, an approval now waits
 * for them, a grant began or ended), their Home is drawn again and published. Changes in a burst (a request
 * going from approved to active moves its card several times in a second) are coalesced into one publish per
 * person, and publishes go one at a time, so that views.publish stays well inside Slack's rate limit.
 */
import type { Logger } from '../log.js';
import type { CardOptions } from './blocks/buttons.js';
import type { WebClient } from './client.js';
import { loadHomeView, type HomeSources } from './home-content.js';

export interface HomePublisherOptions {
  client: WebClient;
  logger: Logger;
  /** How long changes for one person are gathered before their Home is published. */
  delayMs?: number;
  card?: CardOptions;
}

const DEFAULT_DELAY_MS = 750;
const SLACK_USER = /^[UW][A-Z0-9]+$/;

export class HomePublisher {
  private readonly log: Logger;
  private readonly due = new Map<string, NodeJS.Timeout>();
  /** Publishes run one after another. */
  private queue: Promise<void> = Promise.resolve();
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
    for (const id of new Set(slackUserIds)) {
      // Already due: that publish reads the ledger when it runs, so it will show this change too.
      if (!SLACK_USER.test(id) || this.due.has(id)) continue;
      const timer = setTimeout(() => {
        this.due.delete(id);
        this.queue = this.queue.then(() => this.publish(id));
      }, this.options.delayMs ?? DEFAULT_DELAY_MS);
      timer.unref();
      this.due.set(id, timer);
    }
  }

  /** Drops what is due and waits for a publish in flight (shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.due.values()) clearTimeout(timer);
    this.due.clear();
    await this.queue;
  }

  private async publish(userId: string): Promise<void> {
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
