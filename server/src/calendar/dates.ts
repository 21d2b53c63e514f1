/** Calendar dates as days since 1970-01-01 (no time zone: a date is a date in Asia/Shanghai). */
export type DayNumber = number;

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3600_000;

export function toDay(iso: string): DayNumber {
  return Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
}

export function fromDay(day: DayNumber): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The Asia/Shanghai calendar date of an instant. */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** Minutes since midnight, Asia/Shanghai. */
export function shanghaiMinutes(at: Date): number {
  const d = new Date(at.getTime() + SHANGHAI_OFFSET_MS);
  return d.getUTCHours() * 60 + d.getUTCMinutes();
}

/** The instant of `HH:MM` on a Shanghai date. */
export function shanghaiInstant(date: string, hhmm: string): Date {
  return new Date(Date.parse(`${date}T${hhmm}:00+08:00`));
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(day: DayNumber): number {
  return (day + 4) % 7;
}

export const WEEKDAY_NAMES = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

export function yearOf(day: DayNumber): number {
  return Number(fromDay(day).slice(0, 4));
}

export function parseHhmm(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}
