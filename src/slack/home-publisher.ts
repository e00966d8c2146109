/**
 * Keeps Home tabs current: when something changes for a person (their request moved, an approval now waits
 * for them, a grant began or ended), their Home is drawn again and published. The work is a `home` job in the
 * ledger, one key per person, so that with several replicas a person's Home is drawn by one replica at a time
 * (never an older drawing published after a newer one) and a change made while it is drawn draws it once more.
 * Changes in a burst (a request going from approved to active moves its card several times in a second) are
 * gathered for `delayMs` into one drawing, and this process publishes one at a time, so that views.publish stays
 * well inside Slack's rate limit.
 *
 * A change redraws only the Homes their people opened lately (any replica records an open in the ledger): the
 * others are drawn fresh when next opened. The AWS-read part of a drawing (the whois report) is reused from
 * this process's cache while the person's grants are unchanged (home-content.ts), so that a burst of requests
 * does not spend on Home tabs the AWS rate budget that provisioning needs.
 */
import type { types } from '@slack/bolt';
import type { Ledger } from '../access/ledger.js';
import type { Logger } from '../log.js';
import type { CardOptions } from './blocks/buttons.js';
import type { WebClient } from './client.js';
import { HomeReportCache, loadHomeView, type HomeSources } from './home-content.js';

export interface HomePublisherOptions {
  client: WebClient;
  logger: Logger;
  /**
   * Where `home` jobs are queued and Home opens recorded (the ledger every replica shares). Without the opens'
   * methods every change redraws the Home of everyone it concerns.
   */
  jobs: Pick<Ledger, 'enqueueJob' | 'recordHomeOpened' | 'homeOpenedSince'>;
  /** Nudges this process's job runner once the gathered changes are due (any replica's tick would too). */
  wake: () => void;
  now?: () => Date;
  /** How long changes for one person are gathered before their Home is drawn. */
  delayMs?: number;
  card?: CardOptions;
  /** The whois reports kept for change-triggered redraws (default: a new cache on this publisher's clock). */
  reports?: HomeReportCache;
}

/** The person opens their Home tab: what the Slack listener asks for. */
export interface HomeTabs {
  /** Records the open (a failure is logged, never stops the drawing) and draws the Home fresh from `sources`. */
  opened(slackUserId: string, sources: HomeSources): Promise<types.HomeView>;
}

/** A change redraws the Home of someone who opened it within this time; the others are drawn when next opened. */
export const HOME_WATCHED_WITHIN_MS = 24 * 3_600_000;

const DEFAULT_DELAY_MS = 750;
const SLACK_USER = /^[UW][A-Z0-9]+$/;

export const homeJobKey = (slackUserId: string): string => `home:${slackUserId}`;

export class HomePublisher implements HomeTabs {
  private readonly log: Logger;
  private readonly reports: HomeReportCache;
  /** Publishes run one after another. */
  private queue: Promise<void> = Promise.resolve();
  private wakeTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Set by serve(): the publisher is made before the services, because the notifier they use tells it. */
  private sources: HomeSources | undefined;

  constructor(private readonly options: HomePublisherOptions) {
    this.log = options.logger.child({ module: 'slack.home' });
    this.reports = options.reports ?? new HomeReportCache(() => this.now().getTime());
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  async opened(slackUserId: string, sources: HomeSources): Promise<types.HomeView> {
    const recorded = this.options.jobs.recordHomeOpened?.(slackUserId, this.now()).catch((err: unknown) =>
      // Only a later change's redraw is lost (the tab is drawn now, and again when next opened).
      this.log.warn({ err, userId: slackUserId }, 'could not record that the Home tab was opened'),
    );
    const view = await loadHomeView(sources, slackUserId, this.options.card, {
      cache: this.reports,
      fresh: true,
    });
    await recorded;
    return view;
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
    const runAt = new Date(this.now().getTime() + delay);
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
      if (!(await this.watched(userId))) {
        this.log.debug({ userId }, 'Home tab not opened lately: drawn when next opened');
        return;
      }
      const view = await loadHomeView(this.sources, userId, this.options.card, {
        cache: this.reports,
        fresh: false,
      });
      await this.options.client.views.publish({ user_id: userId, view });
    } catch (err) {
      // The tab is drawn again when the person opens it; nothing is lost by a missed refresh.
      this.log.warn({ err, userId }, 'could not refresh the Home tab');
    }
  }

  /** Whether this person opened their Home lately (on any replica); true when the ledger keeps no opens. */
  private async watched(userId: string): Promise<boolean> {
    const since = new Date(this.now().getTime() - HOME_WATCHED_WITHIN_MS);
    const seen = await this.options.jobs.homeOpenedSince?.([userId], since);
    return seen === undefined || seen.includes(userId);
  }
}
