/**
 * Progress arrives with every page read (dozens a second); Slack's chat.update takes about one a second per
 * message. Only the latest text matters, so an update goes out at most once per interval and never while the
 * previous one is still on its way; whatever is held back is superseded by the next or by the final message.
 */
import type { Clock } from '../clock.js';

export class ProgressCoalescer {
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | undefined;
  private lastText: string | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly clock: Clock,
    private readonly send: (text: string) => Promise<void>,
  ) {}

  offer(text: string): void {
    if (text === this.lastText || this.inFlight !== undefined) return;
    const now = this.clock.now().getTime();
    if (now - this.lastSentAt < this.intervalMs) return;
    this.lastSentAt = now;
    this.lastText = text;
    this.inFlight = this.send(text).finally(() => {
      this.inFlight = undefined;
    });
  }

  /** Waits for the update on its way, so that the final message is not overwritten by a late one. */
  async settle(): Promise<void> {
    await this.inFlight;
  }
}
