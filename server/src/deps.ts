import type { Config } from './config.js';
import type { Store } from './store/ports.js';

export interface Clock {
  now(): Date;
}

export interface Log {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

/** Everything services and routes need, passed in (ARCHITECTURE §1). Tests build it with fakes. */
export interface Deps {
  config: Config;
  clock: Clock;
  log: Log;
  store: Store;
}

export const systemClock: Clock = { now: () => new Date() };
