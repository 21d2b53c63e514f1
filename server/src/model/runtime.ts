/** What every part of the server is handed to tell the time and to log (ARCHITECTURE rule 8). */

export interface Clock {
  now(): Date;
}

export interface Log {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export const systemClock: Clock = { now: () => new Date() };
