/** The emulator's clock: real time plus an offset the admin API (or a test) can move. */
export class EmulatorClock {
  private offsetMs = 0;
  private frozenAt: number | undefined;

  now(): number {
    return this.frozenAt ?? Date.now() + this.offsetMs;
  }

  /** Jump to an instant (ms); `freeze` keeps it there until the next set/advance. */
  set(at: number, freeze = false): void {
    if (freeze) this.frozenAt = at;
    else {
      this.frozenAt = undefined;
      this.offsetMs = at - Date.now();
    }
  }

  advance(ms: number): void {
    if (this.frozenAt !== undefined) this.frozenAt += ms;
    else this.offsetMs += ms;
  }
}

/** Asia/Shanghai calendar day of an instant, for per-day quotas. */
export function shanghaiDay(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
}
