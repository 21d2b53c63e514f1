import chineseDays from 'chinese-days';
import type { HolidayOverride } from '../model/holiday-override.js';
import { fromDay, toDay, weekday, WEEKDAY_NAMES, yearOf, type DayNumber } from './dates.js';

export interface DayInfo {
  date: string;
  working: boolean;
  /** 国庆节 / 春节调休上班 / 周六 / 周一 … */
  name: string;
  /** Where the answer comes from; `guess` means no data for that year (never used silently). */
  source: 'override' | 'chinese-days' | 'guess';
}

export class CalendarMissingError extends Error {
  constructor(readonly year: number) {
    super(`没有 ${year} 年的节假日数据:请在 seeds/holidays/${year}.json 中补充国务院公布的放假安排`);
    this.name = 'CalendarMissingError';
  }
}

/**
 * Working days in Asia/Shanghai: statutory holidays and 调休 make-up days from `chinese-days`,
 * corrected or extended by override files. A year with neither is reported by `missingYears` and
 * makes `info` say `source: 'guess'`; the helpers that compute deadlines refuse such years.
 */
export class WorkCalendar {
  private readonly overrides = new Map<number, HolidayOverride>();
  private readonly known = new Map<number, boolean>();
  private readonly cache = new Map<DayNumber, DayInfo>();
  /** Cumulative working-day counts per year, for O(1) differences. */
  private readonly cumulative = new Map<number, { start: DayNumber; counts: Int32Array; before: number }>();

  constructor(overrides: readonly HolidayOverride[] = []) {
    for (const o of overrides) this.overrides.set(o.year, o);
  }

  /** The years of 放假安排 it was given (to build the same calendar elsewhere, e.g. in a worker thread). */
  overrideList(): HolidayOverride[] {
    return [...this.overrides.values()];
  }

  /**
   * Adds (or replaces) a year's 放假安排 while running — one the 督考办 added from the State
   * Council's notice (stored in the state, recorded in the ledger). Every answer computed so far is
   * dropped: days of a year without data were answered as guesses.
   */
  addYear(o: HolidayOverride): void {
    const same = this.overrides.get(o.year);
    if (same === o) return;
    this.overrides.set(o.year, o);
    this.known.clear();
    this.cache.clear();
    this.cumulative.clear();
    this.between.clear();
  }

  /** Where a year's data comes from: a file or an added notice (override), the package, or none. */
  yearSource(year: number): 'override' | 'chinese-days' | 'missing' {
    if (this.overrides.has(year)) return 'override';
    return this.hasYear(year) ? 'chinese-days' : 'missing';
  }

  /** Whether there is data (package or override) for a year. */
  hasYear(year: number): boolean {
    if (this.overrides.has(year)) return true;
    let k = this.known.get(year);
    if (k === undefined) {
      k = chineseDays.getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length > 0;
      this.known.set(year, k);
    }
    return k;
  }

  missingYears(from: number, to: number): number[] {
    const out: number[] = [];
    for (let y = from; y <= to; y += 1) if (!this.hasYear(y)) out.push(y);
    return out;
  }

  info(date: string): DayInfo {
    const day = toDay(date);
    const hit = this.cache.get(day);
    if (hit) return hit;
    const info = this.compute(date, day);
    this.cache.set(day, info);
    return info;
  }

  private compute(date: string, day: DayNumber): DayInfo {
    const wd = weekday(day);
    const weekend = wd === 0 || wd === 6;
    const plain = (source: DayInfo['source']): DayInfo => ({
      date,
      working: !weekend,
      name: WEEKDAY_NAMES[wd]!,
      source,
    });
    const year = yearOf(day);
    const o = this.overrides.get(year);
    if (o) {
      if (o.holidays[date]) return { date, working: false, name: o.holidays[date]!, source: 'override' };
      if (o.workdays[date]) return { date, working: true, name: o.workdays[date]!, source: 'override' };
      return plain('override');
    }
    if (!this.hasYear(year)) return plain('guess');
    const detail = chineseDays.getDayDetail(date);
    const festival = detail.name.split(',')[1];
    if (!festival) return plain('chinese-days');
    if (detail.work) return { date, working: true, name: `${festival}调休上班`, source: 'chinese-days' };
    return {
      date,
      working: false,
      name: festival.endsWith('节') || festival === '元旦' ? festival : `${festival}节`,
      source: 'chinese-days',
    };
  }

  private assertKnown(day: DayNumber): void {
    const year = yearOf(day);
    if (!this.hasYear(year)) throw new CalendarMissingError(year);
  }

  isWorkingDay(date: string): boolean {
    const info = this.info(date);
    if (info.source === 'guess') throw new CalendarMissingError(Number(date.slice(0, 4)));
    return info.working;
  }

  private yearTable(year: number): { start: DayNumber; counts: Int32Array; before: number } {
    let t = this.cumulative.get(year);
    if (t) return t;
    const start = toDay(`${year}-01-01`);
    const days = toDay(`${year + 1}-01-01`) - start;
    const counts = new Int32Array(days + 1);
    for (let i = 0; i < days; i += 1) counts[i + 1] = counts[i]! + (this.info(fromDay(start + i)).working ? 1 : 0);
    t = { start, counts, before: 0 };
    this.cumulative.set(year, t);
    return t;
  }

  /** Answers already computed: lights ask the same (today, due date) pairs thousands of times a request. */
  private readonly between = new Map<string, number>();

  /** Working days in [from, to) — negative when `to` is before `from`. Refuses years without data. */
  workingDaysBetween(from: string, to: string): number {
    const key = `${from}|${to}`;
    const known = this.between.get(key);
    if (known !== undefined) return known;
    const n = this.countBetween(from, to);
    if (this.between.size >= 50_000) this.between.clear();
    this.between.set(key, n);
    return n;
  }

  private countBetween(from: string, to: string): number {
    const a = toDay(from);
    const b = toDay(to);
    if (a === b) return 0;
    if (b < a) return -this.countBetween(to, from);
    this.assertKnown(a);
    this.assertKnown(b - 1);
    let total = 0;
    for (let y = yearOf(a); y <= yearOf(b - 1); y += 1) {
      const t = this.yearTable(y);
      const lo = Math.max(a, t.start) - t.start;
      const hi = Math.min(b, t.start + t.counts.length - 1) - t.start;
      if (hi > lo) total += t.counts[hi]! - t.counts[lo]!;
    }
    return total;
  }

  /**
   * The date `n` working days after `date` (n > 0) or before it (n < 0); n = 0 gives `date` if it
   * is a working day, else the next working day.
   */
  addWorkingDays(date: string, n: number): string {
    let day = toDay(date);
    this.assertKnown(day);
    if (n === 0) {
      while (!this.info(fromDay(day)).working) day += 1;
      return fromDay(day);
    }
    const step = n > 0 ? 1 : -1;
    let left = Math.abs(n);
    while (left > 0) {
      day += step;
      this.assertKnown(day);
      if (this.info(fromDay(day)).working) left -= 1;
    }
    return fromDay(day);
  }

  /** The first working day on or after `date`. */
  nextWorkingDay(date: string): string {
    return this.addWorkingDays(date, 0);
  }
}
