import type { Clock } from '../model/runtime.js';
import type { Store } from '../store/ports.js';

/**
 * Local mode's simulated clock: the plan ran 2018–2022, so time starts at a configured instant
 * and flows from there; `set` jumps (the console's 下一个工作日 / +1 周 / 跳到日期). Persisted in the
 * state so a restart keeps the simulated date. Production always uses the real clock.
 */
export class SimClock implements Clock {
  private base: number;
  private setAt: number;

  constructor(
    private readonly store: Store,
    start: Date,
    private readonly real: () => number = Date.now,
  ) {
    const saved = store.state.get().simClock;
    this.base = saved ? Date.parse(saved.at) : start.getTime();
    this.setAt = saved ? Date.parse(saved.setAt) : this.real();
  }

  now(): Date {
    return new Date(this.base + (this.real() - this.setAt));
  }

  async set(at: Date): Promise<void> {
    this.base = at.getTime();
    this.setAt = this.real();
    await this.store.transact((d) => {
      d.simClock = { at: new Date(this.base).toISOString(), setAt: new Date(this.setAt).toISOString() };
    });
  }
}
