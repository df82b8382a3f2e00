/**
 * Runs a refresh at a fixed interval while the tab is visible. The next run
 * is scheduled only after the previous one finished, so a slow registry
 * never has two requests from one tab in flight. Failures back off.
 */

export interface PollerOptions {
  intervalMs: number;
  /** Maximum delay after repeated failures, in milliseconds. */
  maxBackoffMs: number;
  /** Performs one refresh; a rejection counts as a failure. */
  refresh(): Promise<void>;
}

export class Poller {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private active = false;
  private failures = 0;
  private readonly onVisibility = () => {
    if (document.hidden) this.clearTimer();
    else void this.runNow();
  };

  constructor(private readonly options: PollerOptions) {}

  start(): void {
    if (this.active) return;
    this.active = true;
    document.addEventListener("visibilitychange", this.onVisibility);
    void this.runNow();
  }

  stop(): void {
    this.active = false;
    this.clearTimer();
    document.removeEventListener("visibilitychange", this.onVisibility);
  }

  /** Refreshes at once, unless a refresh is already in flight. */
  async runNow(): Promise<void> {
    if (!this.active || this.running) return;
    this.clearTimer();
    this.running = true;
    try {
      await this.options.refresh();
      this.failures = 0;
    } catch {
      this.failures++;
    } finally {
      this.running = false;
    }
    this.schedule();
  }

  /** Delay before the next refresh: the interval, doubled per failure in a row. */
  get nextDelayMs(): number {
    const backoff = this.options.intervalMs * 2 ** this.failures;
    return Math.min(
      backoff,
      Math.max(this.options.intervalMs, this.options.maxBackoffMs),
    );
  }

  private schedule(): void {
    if (!this.active || document.hidden) return;
    this.timer = setTimeout(() => void this.runNow(), this.nextDelayMs);
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
