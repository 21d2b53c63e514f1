import type { Clock } from '../model/runtime.js';
import type { Store } from '../store/ports.js';

/**
 * Local mode's simulated clock: the plan ran 2018–2022, so time starts at a configured instant
 * and flows from there; `set` jumps (the console's 下一个工作日 / +1 周 / 跳到日期). Production
 * always uses the real clock.
 *
 * It is built before anything else (the store and every service read it) and positioned once the
 * store is open (`attach`): its position is persisted in the state, so a restart keeps the
 * simulated date. Until then it reads as the real time, and `positioned` says so.
 */
export class SimClock implements Clock {
  private base: number;
  private setAt: number;
  private store: Store | undefined;

  constructor(private readonly real: () => number = Date.now) {
    this.base = real();
    this.setAt = this.base;
  }

  /** The position an earlier run saved in the state, else `start`; from now on `set` persists there. */
  attach(store: Store, start: Date): this {
    const saved = store.state.get().simClock;
    this.store = store;
    this.base = saved ? Date.parse(saved.at) : start.getTime();
    this.setAt = saved ? Date.parse(saved.setAt) : this.real();
    return this;
  }

  /** Whether the clock was positioned (before that it reads as the real time). */
  get positioned(): boolean {
    return this.store !== undefined;
  }

  now(): Date {
    return new Date(this.base + (this.real() - this.setAt));
  }

  async set(at: Date): Promise<void> {
    const store = this.store;
    if (!store) throw new Error('SimClock.set before attach: the simulated clock has no state to persist in');
    this.base = at.getTime();
    this.setAt = this.real();
    await store.transact((d) => {
      d.simClock = { at: new Date(this.base).toISOString(), setAt: new Date(this.setAt).toISOString() };
    });
  }
}
