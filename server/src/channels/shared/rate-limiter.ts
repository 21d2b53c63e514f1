/**
 * Client-side rate limiter: at most `qps` calls per API in any one-second window, so the
 * platform's per-app per-API limit (20 QPS) is never hit. Callers wait their turn in order.
 */
export class RateLimiter {
  private readonly windows = new Map<string, number[]>();
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly qps: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  acquire(api: string): Promise<void> {
    if (this.qps <= 0) return Promise.resolve();
    const previous = this.queues.get(api) ?? Promise.resolve();
    const turn = previous.then(() => this.take(api));
    this.queues.set(api, turn);
    return turn;
  }

  private async take(api: string): Promise<void> {
    const stamps = this.windows.get(api) ?? [];
    this.windows.set(api, stamps);
    for (;;) {
      const now = this.now();
      while (stamps.length > 0 && stamps[0]! <= now - 1000) stamps.shift();
      if (stamps.length < this.qps) {
        stamps.push(now);
        return;
      }
      await this.sleep(stamps[0]! + 1000 - now + 1);
    }
  }
}
